"""`progen plan`: the programme progen designs from one spec, as a summary for people or
as the JSON of SPEC.md section 4."""

from __future__ import annotations

from pathlib import Path

from progen.commands.validate import validated


def planned(spec: Path, modules_dir: Path | None):
    """The programme assembled from `spec` (with its warnings), or a UserError."""
    (found,) = validated([spec], modules_dir)
    return found.programme


def plan_text(programme, as_json: bool) -> str:
    """What `progen plan` prints: the summary, or the programme's JSON."""
    if as_json:
        from progen.publish.programme_json import programme_json

        return programme_json(programme)
    from progen.publish.text import summary

    return summary(programme)
