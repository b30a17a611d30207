"""`progen report`: progress from a programme's records, as at a day: each measure's chart
read the Making Data Count way, attendance, sets, PDSA cycles, evaluation and the
decisions for the board; as text, as progress.json, and as the board report PDF."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path

from progen.commands import Failed, Refused
from progen.commands.validate import validated
from progen.errors import printable
from progen.spec.find import as_typed, records_folder


def progress_as_at(
    spec: Path,
    as_at: dt.date | None,
    modules_dir: Path | None,
    records_dir: Path | None,
    warned: Callable[[list], None],
):
    """(progress, programme) as at `as_at`, default the latest record. `warned` hears the
    spec's and records' warnings first. Refused for a day before the programme starts,
    Failed when there is no record yet."""
    (found,) = validated([spec], modules_dir, None, records_dir)
    warned(list(found.warnings))
    start = found.programme.spec.programme.start
    if as_at is not None and as_at < start:
        raise Refused(
            f"--as-at {as_at} is before the programme starts ({start}); there is no "
            f"progress to report yet"
        )
    day = as_at or found.records.latest()
    if day is None:
        folder = records_folder(spec, found.programme.id, records_dir)
        raise Failed(
            f"no records yet in {printable(as_typed(folder))}/: fill in the records workbook "
            f"that 'progen build' writes (site/{found.programme.id}/records-template.xlsx) "
            f"and save its sheets there"
        )
    from progen.results.progress import progress

    return progress(found.programme, found.records, day), found.programme


def report_text(result, as_json: bool) -> str:
    """What `progen report` prints: the summary, or progress.json (SPEC.md section 6)."""
    if as_json:
        from progen.results.progress_json import progress_json

        return json.dumps(progress_json(result), indent=2, ensure_ascii=False) + "\n"
    from progen.results.summary import progress_summary

    return progress_summary(result)


def write_report(result, programme, path: Path) -> None:
    """The board report to a new file: never over, or through, something already there."""
    from progen.publish.report import write_report_pdf

    if os.path.lexists(path):
        raise Refused(f"{printable(str(path))} already exists; name a new file")
    try:
        write_report_pdf(result, programme, path)
    except OSError as err:
        raise Failed(f"cannot write {printable(str(path))}: {err.strerror or err}") from None
