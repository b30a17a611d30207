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

Dates a board could not mean are errors, since the latest record sets the day a report is
"as at": a measure dated more than a year after the programme ends (or after its
follow-up, if later), and a PDSA cycle more than a year either side of the programme (a
team may start testing before the programme does, or carry on after it). So are more
than MAX_MEASURE_POINTS points for one measure or MAX_PDSA_CYCLES cycles for one task,
which bound the work of the charts and of the board report, and an evaluation score
outside the scale of a measure whose form the handbook prints (columns.SCORE_SCALES).

Warnings, which change nothing but may be typos: a score at a timepoint the design does
not schedule for its measure, and names at an event that the plan does not list for it
(a coordinator may type real names over the template's numbered places; one warning per
event counts them, and they count as unplanned attendance).

Feedback rows carry no date in SPEC.md section 6, so only their session is checked.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Hashable, Iterable

from progen.design.model import Programme
from progen.design.participants import expected_at
from progen.errors import SHOWN_PROBLEMS, Problem, file_order
from progen.records.cells import shown
from progen.records.columns import SCORE_SCALES
from progen.records.model import Origin, Records
from progen.spec.limits import MAX_MEASURE_POINTS, MAX_PDSA_CYCLES
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
    compared with every known id, and only the first problems are shown anyway. An id
    holding a character outside ASCII when every known one is ASCII is most likely a
    lookalike (a Cyrillic о for o, pasted from elsewhere): the message names it rather
    than suggest an id that merely shares the other characters."""

    def __init__(self) -> None:
        self.hints = SHOWN_PROBLEMS

    def __call__(self, kind: str, value: str, known: Iterable[str]) -> str:
        choices = list(known)
        self.hints -= 1
        odd = next((c for c in value if not c.isascii()), None)
        if odd and all(c.isascii() for c in choices):
            hint = (
                f" (it holds {odd!r}, U+{ord(odd):04X}, which only looks like an ASCII "
                f"character: retype it)"
            )
        else:
            hint = suggest(value, choices) if self.hints >= 0 else ""
        if not hint and 0 < len(choices) <= _LISTED:
            hint = f"; the {kind}s are {joined([repr(c) for c in choices])}"
        return f"the programme has no {kind} {shown(value)}{hint}"


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


def _years_from(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February as the 28th), kept within the calendar
    Python has: a programme may be dated anywhere in it."""
    year = min(max(day.year + years, dt.MINYEAR), dt.MAXYEAR)
    return day.replace(year=year, day=min(day.day, 28) if day.month == 2 else day.day)


def _too_many(rows: Iterable, limit: int, column: str, what: str) -> list[Problem]:
    """A problem at the first row of a task past `limit` rows (`what` words them)."""
    counts: dict[str, int] = {}
    problems = []
    for row in rows:
        counts[row.task] = counts.get(row.task, 0) + 1
        if counts[row.task] == limit + 1:
            problems.append(
                _at(
                    row.origin,
                    column,
                    f"more than {limit:,} {what} for task {shown(row.task)}; progen charts "
                    f"and reports at most that many",
                )
            )
    return problems


def _measures(records: Records, programme: Programme, unknown: _Unknown) -> list[Problem]:
    tasks = {t.id: t for t in programme.spec.tasks}
    end = programme.spec.programme.end
    horizon = max(_years_from(end, 1), *(t.date for t in programme.evaluation.timepoints))
    problems = _too_many(records.measures, MAX_MEASURE_POINTS, "task", "measure points")
    for m in records.measures:
        if m.date > horizon:
            problems.append(
                _at(
                    m.origin,
                    "date",
                    f"{m.date} is after {horizon}, more than a year after the programme ends "
                    f"({end}); is the year a typo?",
                )
            )
        if m.task not in tasks:
            problems.append(_at(m.origin, "task", unknown("task", m.task, tasks)))
        elif tasks[m.task].measure is None:
            problems.append(
                _at(
                    m.origin,
                    "task",
                    f"task {shown(m.task)} has no measure in the spec; give it one "
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
    return (
        problems
        + _unplanned_names(records, programme, planned)
        + _duplicates(
            records.attendance,
            lambda a: (a.event, a.date, a.name.casefold()),
            "name",
            "this person's attendance at this event on this date",
        )
    )


def _unplanned_names(
    records: Records, programme: Programme, events: Iterable[str]
) -> list[Problem]:
    """One warning per event naming people the plan does not list for it, at the first."""
    if not records.attendance:
        return []  # listing everyone the plan expects costs more than the rest of the check
    expected = {e: {name for name, _ in people} for e, people in expected_at(programme).items()}
    strangers: dict[str, list] = {}
    for a in records.attendance:
        if a.event in events and a.name not in expected.get(a.event, ()):
            strangers.setdefault(a.event, []).append(a)
    problems = []
    for event, rows in strangers.items():
        names = {a.name for a in rows}
        problems.append(
            _at(
                rows[0].origin,
                "name",
                f"{len(names)} name{'s' * (len(names) != 1)} at {shown(event)} "
                f"({shown(rows[0].name)} first) {'are' if len(names) != 1 else 'is'} not in "
                f"the plan's list for it; they count as unplanned attendance, so check the "
                f"spelling of any planned person",
                "warning",
            )
        )
    return problems


def _pdsa(records: Records, programme: Programme, unknown: _Unknown) -> list[Problem]:
    tasks = [t.id for t in programme.spec.tasks]
    start, end = programme.spec.programme.start, programme.spec.programme.end
    earliest, latest = _years_from(start, -1), _years_from(end, 1)
    problems = _too_many(records.pdsa, MAX_PDSA_CYCLES, "cycle", "PDSA cycles")
    for p in records.pdsa:
        if p.task not in tasks:
            problems.append(_at(p.origin, "task", unknown("task", p.task, tasks)))
        for column, day in (("start", p.start), ("end", p.end)):
            if day is not None and not earliest <= day <= latest:
                problems.append(
                    _at(
                        p.origin,
                        column,
                        f"{day} is more than a year outside the programme ({start} to "
                        f"{end}); is the year a typo?",
                    )
                )
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
                _at(f.origin, "session", f"{shown(f.session)} is a set; feedback is for sessions")
            )
        elif f.session not in sessions:
            problems.append(_at(f.origin, "session", unknown("session", f.session, sessions)))
    return problems


def _evaluation(records: Records, programme: Programme, unknown: _Unknown) -> list[Problem]:
    timepoints = [t.name for t in programme.evaluation.timepoints]
    measures = {lv.level: [m.name for m in lv.measures] for lv in programme.evaluation.levels}
    level_of = {name: level for level, names in measures.items() for name in names}
    scheduled = {
        m.name: [w for w in m.when if w in timepoints]
        for lv in programme.evaluation.levels
        for m in lv.measures
    }
    problems = []
    for e in records.evaluation:
        if e.timepoint not in timepoints:
            problems.append(
                _at(e.origin, "timepoint", unknown("timepoint", e.timepoint, timepoints))
            )
        elif scheduled.get(e.measure) and e.timepoint not in scheduled[e.measure]:
            problems.append(
                _at(
                    e.origin,
                    "timepoint",
                    f"the design measures {shown(e.measure)} at "
                    f"{joined(scheduled[e.measure])}, not at {e.timepoint}",
                    "warning",
                )
            )
        low, high = SCORE_SCALES.get(e.measure, (-math.inf, math.inf))
        if not low <= e.score <= high:
            problems.append(
                _at(
                    e.origin,
                    "score",
                    f"{e.score:g} is outside the scale of {shown(e.measure)}, "
                    f"{low} to {high} (the handbook's form)",
                )
            )
        if e.level not in measures:
            problems.append(_at(e.origin, "level", unknown("level", e.level, measures)))
        elif e.measure not in measures[e.level]:
            elsewhere = level_of.get(e.measure)
            message = (
                f"{shown(e.measure)} is a {elsewhere} measure, not a {e.level} one"
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
