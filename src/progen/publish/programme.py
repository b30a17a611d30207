"""Publishing one programme: every output into its folder, as two jobs that need nothing
from each other, so that they can run side by side (publish.parallel).

The handbook PDF (WeasyPrint's layout, the slowest step of a build) is one job; the site,
the board report, the records template, the calendars and the CSVs are the other. Each
job reports every stage as it finishes, for the progress lines, and runs with
SOURCE_DATE_EPOCH set (publish.timestamps), so it writes the same bytes wherever and in
whatever order it runs. `finish` puts the PDF in place once both are done.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from progen.publish.timestamps import source_date_epoch

StageDone = Callable[[str, float], None]
"""Told each stage's name and wall seconds as the stage finishes."""

Job = Callable[[StageDone], None]


def expected_files(pid: str) -> tuple[str, ...]:
    """The files every published programme folder holds (SPEC.md section 5)."""
    return (
        "index.html",
        f"{pid}.pdf",
        "programme.json",
        f"{pid}.ics",
        "sets.csv",
        "set-meetings.csv",
    )


@contextmanager
def timed(stage_done: StageDone, name: str) -> Iterator[None]:
    """Report the block's wall seconds as stage `name` when it completes."""
    began = time.perf_counter()
    yield
    stage_done(name, time.perf_counter() - began)


def renderers() -> tuple[Callable, Callable]:
    """(write_site, write_pdf), imported only when publishing: they are heavy."""
    from progen.publish.pdf import write_pdf
    from progen.publish.site import write_site

    return write_site, write_pdf


def progress_of(programme, records):
    """The programme's progress as at its latest record, or None before anything is
    recorded (no progress pages, no report)."""
    as_at = records.latest()
    if as_at is None:
        return None
    from progen.results.progress import progress

    return progress(programme, records, as_at)


def _pdf_part(folder: Path, pid: str) -> Path:
    """Where the handbook is laid out: beside the folder, not in it, since MkDocs empties
    the folder when it builds the site."""
    return folder.parent / f".{pid}.pdf.part"


def jobs(programme, records, folder: Path, rendering: tuple[Callable, Callable]) -> list[Job]:
    """[everything but the PDF, the handbook PDF: the longest job, last] for publishing
    `programme` into `folder` (which may not exist yet; its parent is made now), with
    `rendering` = renderers()."""
    write_site, write_pdf = rendering
    start = programme.spec.programme.start
    folder.parent.mkdir(parents=True, exist_ok=True)

    def the_rest(stage_done: StageDone) -> None:
        with source_date_epoch(start):
            progress = progress_of(programme, records)
            _publish_the_rest(programme, progress, folder, stage_done, write_site)

    def handbook(stage_done: StageDone) -> None:
        with source_date_epoch(start), timed(stage_done, "pdf"):
            write_pdf(programme, _pdf_part(folder, programme.id))

    return [the_rest, handbook]


def finish(programme, folder: Path) -> None:
    """Once every job has run: the PDF into the folder, and a check that nothing is missing."""
    pid = programme.id
    pdf = _pdf_part(folder, pid)
    os.link(pdf, folder / f"{pid}.pdf")  # a new name in the same staging folder
    pdf.unlink()
    missing = [name for name in expected_files(pid) if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"{pid}: publishing did not write {', '.join(missing)}")


def _publish_the_rest(programme, progress, folder: Path, stage_done, write_site) -> None:
    """The design, the records template, and, once there are records, progress and the
    board report: everything but the handbook PDF."""
    from progen.publish.calendar import Calendars
    from progen.publish.programme_json import programme_json
    from progen.publish.site import group_calendar_file, set_calendar_file
    from progen.publish.tables import set_meetings_csv, sets_csv
    from progen.records.template import write_templates

    pid = programme.id
    folder.mkdir(parents=True, exist_ok=True)
    with timed(stage_done, "site"):
        write_site(programme, folder, progress)
    if progress is not None:
        from progen.publish.report import write_report_pdf
        from progen.results.progress_json import progress_json

        with timed(stage_done, "report"):
            write_report_pdf(progress, programme, folder / f"{pid}-report.pdf")
            text = json.dumps(progress_json(progress), indent=2, ensure_ascii=False) + "\n"
            (folder / "progress.json").write_bytes(text.encode("utf-8"))
    with timed(stage_done, "records template"):
        write_templates(programme, folder)
    with timed(stage_done, "files"):
        (folder / "programme.json").write_bytes(programme_json(programme).encode("utf-8"))
        calendars = Calendars(programme)
        (folder / f"{pid}.ics").write_bytes(calendars.whole())
        (folder / "sets.csv").write_bytes(sets_csv(programme))
        (folder / "set-meetings.csv").write_bytes(set_meetings_csv(programme))
        (folder / "calendars").mkdir()
        for i, group in enumerate(programme.spec.stakeholders):
            (folder / group_calendar_file(programme, i)).write_bytes(calendars.group(group.id))
        for i, aset in enumerate(programme.sets):
            (folder / set_calendar_file(programme, i)).write_bytes(calendars.set(aset))
