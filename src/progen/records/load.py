"""A programme's records, read and checked against its design, for the commands.

Records are checked with the spec, before anything is written (SPEC.md section 6):
a problem in them stops `validate`, `build` and `report` as a spec problem does, and a
warning (an event held on another day than planned) is reported with the spec's. Rows
that read cleanly are checked against the programme even when others did not, so one run
reports both kinds of problem.

A folder in records/ that no programme checked has as its id is a warning, at the
folder: a misnamed folder (Westmoor-Discharge for westmoor-discharge) would otherwise lose
every record without a word. It is only said when it cannot be a programme that was
simply not checked this time: when the name is close to a checked id whose own folder
is missing, or when every spec that keeps its records there was checked.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from progen.design.model import Programme
from progen.errors import Problem, UserError, file_order
from progen.records.cells import shown
from progen.records.check import check_records
from progen.records.model import Records
from progen.records.read import read_folder
from progen.records.sources import file_problem
from progen.spec.find import records_folder


def with_held(programme: Programme, records: Records) -> Programme:
    """The programme with the sessions someone is recorded at marked as held, so the site,
    the handbook, the calendar and the JSON show what has already happened."""
    held = {a.event for a in records.attendance if a.attended}
    sessions = tuple(replace(s, held=s.id in held) for s in programme.sessions)
    return replace(programme, sessions=sessions)


def programme_records(
    spec_path: Path, programme: Programme, given: Path | None = None
) -> tuple[Records, tuple[Problem, ...]]:
    """The records kept for `programme` (records/<id>/ beside its programmes/ folder, or
    under `given`) and their warnings; UserError with every problem when any is an error."""
    records, problems = read_folder(records_folder(spec_path, programme.id, given), programme.id)
    found = tuple(sorted((*problems, *check_records(records, programme)), key=file_order))
    if any(p.severity == "error" for p in found):
        raise UserError(found)
    return records, found


def stray_folders(root: Path, ids: Collection[str], complete: bool) -> list[Problem]:
    """A warning at each folder in `root` whose name is none of `ids` (the programmes
    checked that keep their records there): when it is close to one whose folder is
    missing, or when `complete` (every spec keeping records there was checked)."""
    try:
        names = sorted(e.name for e in os.scandir(root) if e.is_dir(follow_symlinks=False))
    except OSError:
        return []  # no records yet, or a records/ that is a file: read_folder says so
    missing = [i for i in ids if i not in names]
    by_fold = {i.casefold(): i for i in missing}
    problems = []
    for name in names:
        if name in ids or name.startswith("."):
            continue
        close = [by_fold[name.casefold()]] if name.casefold() in by_fold else []
        close = close or difflib.get_close_matches(name, missing, n=1, cutoff=0.8)
        if not (close or complete):
            continue
        hint = f" (did you mean {shown(close[0])}?)" if close else ""
        problems.append(
            file_problem(
                f"{root.as_posix()}/{name}",
                f"no programme has the id {shown(name)}, so these records are not read"
                f"{hint}; a programme's records are kept in a folder named by its id",
                severity="warning",
            )
        )
    return problems
