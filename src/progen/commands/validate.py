"""`progen validate`: every spec checked with the modules it will be planned with and the
records kept for it. `plan`, `report` and `build` validate through here too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from progen.errors import printable
from progen.spec.find import as_typed, modules_folder
from progen.validation import Validated, check_files
from progen.wording import plural


def validated(
    paths: Sequence[Path],
    modules_dir: Path | None,
    each: Callable[[Validated], None] | None = None,
    records_dir: Path | None = None,
) -> list[Validated]:
    """Every spec validated (progen.validation) with the modules it will be planned with
    (`modules_dir`, else the modules beside its own programmes/) and its records (under
    `records_dir`, else records/ beside its programmes/); `each` hears each valid spec as
    it is checked. Raises one UserError with every problem in every file."""
    return check_files(
        paths, as_typed, each, lambda path: modules_folder(path, modules_dir), records_dir
    )


def valid_line(found: Validated) -> str:
    """What `progen validate` says of a valid spec: its size, and its warnings' count."""
    spec = found.spec
    people = sum(g.count for g in spec.stakeholders)
    line = (
        f"{printable(spec.source)}: valid "
        f"({plural(len(spec.organisations), 'organisation')}, "
        f"{plural(len(spec.tasks), 'task')}, "
        f"{plural(len(spec.stakeholders), 'group')}, {plural(people, 'person')})"
    ).replace(" persons", " people")
    return line + (f", {plural(len(found.warnings), 'warning')}" if found.warnings else "")
