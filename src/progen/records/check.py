"""Check records against the programme they record: ids it has, dates it runs, one row
per fact.

Reading (read.py) knows only the files; this knows the design, so it finds what a file
alone cannot show: a task, session, set, timepoint, level or evaluation measure the
programme does not have; measure data for a task with no measure; attendance on a day
outside the programme (from its first session to its last event; measure data may go back
further, since a board wants the history); and the same fact recorded twice.

Attendance at a known event on a day it was not planned is a warning, not an error: a
meeting moved for a strike or a snow day really happened, and the record is right. One
warning names each such event and day, with the nearest planned dates.

Feedback rows carry no date in SPEC.md section 6, so only their session is checked.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Hashable, Iterable

from progen.design.model import Programme
from progen.errors import SHOWN_PROBLEMS, Problem, file_order
from progen.records.model import Origin, Records
from progen.spec.schema import suggest
from progen.wording import joined

_LISTED = 8  # known ids listed in a message when no close match suggests one


def _at(origin: Origin | None, column: str, message: str, severity: str = "error") -> Problem:
    """A problem at the record's cell; a record made in code, not read, has no place."""
    if origin is None:
        return Problem("records", 1, 1, column, message, severity, cells=True)
    return origin.problem(column, message, severity)


class _Unknown:
    """Words an id the programme does not have. A close match is looked for only for the
    first SHOWN_PROBLEMS of them: a hostile file of 100,000 unknown ids would otherwise be
    compared with every known id, and only the first problems are shown anyway."""

    def __init__(self) -> None:
        self.hints = SHOWN_PROBLEMS

    def __call__(self, kind: str, value: str, known: Iterable[str]) -> str:
        choices = list(known)
        self.hints -= 1
        hint = suggest(value, choices) if self.hints >= 0 else ""
        if not hint and 0 < len(choices) <= _LISTED:
            hint = f"; the {kind}s are {joined([repr(c) for c in choices])}"
        return f"the programme has no {kind} {value!r}{hint}"


def _duplicates(
    rows: Iterable, key: Callable[[object], Hashable], column: str, what: str
) -> list[Problem]:
    """A problem at every row recording the same fact as an earlier row, naming that row."""
    first: dict[Hashable, Origin | None] = {}
    problems = []
    for row in rows:
        k = key(row)
        if k not in first:
            first[k] = row.origin
            continue
        earlier = first[k]
        where = f" (first at row {earlier.row})" if earlier is not None else ""
        problems.append(_at(row.origin, column, f"{what} is recorded twice{where}"))
    return problems


def _measures(records: Records, programme: Programme, unknown: _Unknown) -> list[Problem]:
    tasks = {t.id: t for t in programme.spec.tasks}
    problems = []
    for m in records.measures:
        if m.task not in tasks:
            problems.append(_at(m.origin, "task", unknown("task", m.task, tasks)))
        elif tasks[m.task].measure is None:
            problems.append(
                _at(
                    m.origin,
                    "task",
                    f"task {m.task!r} has no measure in the spec; give it one "
                    f"(tasks: measure) before recording its data",
                )
            )
    return problems + _duplicates(
        records.measures,
        lambda m: (m.task, m.date),
        "date",
        "a value for this task on this date",
    )


def _nearest(planned: tuple[dt.date, ...], day: dt.date) -> str:
    """The planned dates either side of `day`, as a message names them."""
    i = bisect.bisect(planned, day)
    return joined([d.isoformat() for d in planned[max(i - 1, 0) : i + 1]])


def _attendance(records: Records, programme: Programme, unknown: _Unknown) -> list[Problem]:
    planned = {s.id: (s.date,) for s in programme.sessions}
    planned |= {s.id: tuple(sorted(s.meetings)) for s in programme.sets}
    days = [d for dates in planned.values() for d in dates]
    first = min(days, default=programme.spec.programme.start)
    last = max(days, default=programme.spec.programme.end)
    problems = []
    moved: set[tuple[str, dt.date]] = set()
    for a in records.attendance:
        if a.date < first or a.date > last:
            problems.append(
                _at(
                    a.origin,
                    "date",
                    f"{a.date} is outside the programme, which runs from its first session "
                    f"({first}) to its last event ({last})",
                )
            )
        if a.event not in planned:
            problems.append(_at(a.origin, "event", unknown("session or set", a.event, planned)))
        elif a.date not in planned[a.event] and (a.event, a.date) not in moved:
            moved.add((a.event, a.date))
            problems.append(
                _at(
                    a.origin,
                    "date",
                    f"{a.event} was not planned for {a.date} (planned: "
                    f"{_nearest(planned[a.event], a.date)}); was it moved?",
                    "warning",
                )
            )
    return problems + _duplicates(
        records.attendance,
        lambda a: (a.event, a.date, a.name.casefold()),
        "name",
        "this person's attendance at this event on this date",
    )


def _pdsa(records: Records, programme: Programme, unknown: _Unknown) -> list[Problem]:
    tasks = [t.id for t in programme.spec.tasks]
    problems = [
        _at(p.origin, "task", unknown("task", p.task, tasks))
        for p in records.pdsa
        if p.task not in tasks
    ]
    return problems + _duplicates(
        records.pdsa, lambda p: (p.task, p.cycle), "cycle", "this cycle of this task"
    )


def _feedback(records: Records, programme: Programme, unknown: _Unknown) -> list[Problem]:
    sessions = [s.id for s in programme.sessions]
    sets = {s.id for s in programme.sets}
    problems = []
    for f in records.feedback:
        if f.session in sets:
            problems.append(
                _at(f.origin, "session", f"{f.session!r} is a set; feedback is for sessions")
            )
        elif f.session not in sessions:
            problems.append(_at(f.origin, "session", unknown("session", f.session, sessions)))
    return problems


def _evaluation(records: Records, programme: Programme, unknown: _Unknown) -> list[Problem]:
    timepoints = [t.name for t in programme.evaluation.timepoints]
    measures = {lv.level: [m.name for m in lv.measures] for lv in programme.evaluation.levels}
    level_of = {name: level for level, names in measures.items() for name in names}
    problems = []
    for e in records.evaluation:
        if e.timepoint not in timepoints:
            problems.append(
                _at(e.origin, "timepoint", unknown("timepoint", e.timepoint, timepoints))
            )
        if e.level not in measures:
            problems.append(_at(e.origin, "level", unknown("level", e.level, measures)))
        elif e.measure not in measures[e.level]:
            elsewhere = level_of.get(e.measure)
            message = (
                f"{e.measure!r} is a {elsewhere} measure, not a {e.level} one"
                if elsewhere
                else unknown(f"{e.level} measure", e.measure, measures[e.level])
            )
            problems.append(_at(e.origin, "measure", message))
    return problems + _duplicates(
        records.evaluation,
        lambda e: (e.timepoint, e.measure, e.respondent.casefold()),
        "respondent",
        "this respondent's score on this measure at this timepoint",
    )


CHECKS = (_measures, _attendance, _pdsa, _feedback, _evaluation)


def check_records(records: Records, programme: Programme) -> tuple[Problem, ...]:
    """Every problem (errors, and warnings for events held off their planned day) in
    `records` as a record of `programme`, in file order."""
    unknown = _Unknown()
    found = [p for check in CHECKS for p in check(records, programme, unknown)]
    return tuple(sorted(found, key=file_order))
