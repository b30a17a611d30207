"""A programme's records, read and checked against its design, for the commands.

Records are checked with the spec, before anything is written (SPEC.md section 6):
a problem in them stops `validate`, `build` and `report` as a spec problem does, and a
warning (an event held on another day than planned) is reported with the spec's.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from progen.design.model import Programme
from progen.errors import Problem, UserError
from progen.records.check import check_records
from progen.records.model import Records
from progen.records.read import read_records
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
    records = read_records(records_folder(spec_path, programme.id, given), programme.id)
    found = check_records(records, programme)
    if any(p.severity == "error" for p in found):
        raise UserError(found)
    return records, found
