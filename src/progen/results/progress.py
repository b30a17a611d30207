"""A programme's progress as at one day: its design (what was planned) joined to its
records (what happened), and the decisions the board is asked to take.

Only records dated on or before the as-at day count, so a report "as at 30 June" says
what was known on 30 June whatever was recorded since. Feedback has no date of its own:
it counts once its session's date has come. Evaluation responses count once their
timepoint's date has.

Attendance is against plan: every person the plan expects at a session (its audience's
members) or a set meeting (the set's members) is one planned place, and a recorded "yes"
from that person fills it. A set meeting is held when anyone is recorded as attending on
its planned date; a session when anyone is recorded at it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import defaultdict
from collections.abc import Iterable

from progen.design.model import LEVELS, Programme
from progen.design.participants import expected_at
from progen.records.model import Records
from progen.results.model import Observation
from progen.results.progress_model import (
    AttendanceProgress,
    CycleMark,
    CycleRun,
    Decision,
    LevelProgress,
    MeasureProgress,
    PdsaProgress,
    Progress,
    Ratings,
    Score,
    SetProgress,
    Tally,
    TimepointScore,
)
from progen.results.runchart import run_chart
from progen.results.sentence import began_early, improving, latest, sentence, when
from progen.results.spc import xmr
from progen.results.thresholds import (
    ATTENDANCE_FALL,
    ATTENDANCE_LOW,
    ATTENDANCE_MIN_EVENTS,
    ATTENDANCE_MIN_PLACES,
    REBASE_AFTER,
    SET_STOPPED_AFTER,
    WEEKLY_GAP_DAYS,
)
from progen.spec.model import Spec, Task
from progen.wording import joined, number_word, plural

RATINGS = range(1, 6)


def progress(programme: Programme, records: Records, as_at: dt.date) -> Progress:
    """Everything the progress pages and the board report show, as at `as_at`."""
    measures = tuple(
        _measure(task, records, as_at, programme.spec.programme.start)
        for task in programme.spec.tasks
        if task.measure
    )
    events = _events(programme, records, as_at)
    attendance, group_events = _attendance(programme.spec, events, {s.id for s in programme.sets})
    sets = tuple(_set(s, events, as_at) for s in programme.sets)
    return Progress(
        programme=programme.id,
        as_at=as_at,
        measures=measures,
        attendance=attendance,
        sets=sets,
        pdsa=tuple(_pdsa(programme, plan.task, records, as_at) for plan in programme.pdsa),
        evaluation=_evaluation(programme, records, as_at),
        decisions=(
            *_set_decisions(programme, sets),
            *_attendance_decisions(programme.spec, group_events),
            *_measure_decisions(measures),
        ),
    )


# ------------------------------------------------------------------ measures


def frequency(dates: Iterable[dt.date]) -> str:
    """'week' or 'month': how often the points come, by the median gap between them.
    The plan asks for data at least monthly, so a measure with one point is monthly."""
    ordered = sorted(dates)
    gaps = [(b - a).days for a, b in itertools.pairwise(ordered)]
    return "week" if gaps and statistics.median(gaps) <= WEEKLY_GAP_DAYS else "month"


def _measure(task: Task, records: Records, as_at: dt.date, started: dt.date) -> MeasureProgress:
    m = task.measure
    assert m is not None  # only tasks with a measure are charted
    points = [
        Observation(p.date, p.value, p.rebase)
        for p in records.measures
        if p.task == task.id and p.date <= as_at
    ]
    return MeasureProgress(
        task=task.id,
        title=task.title,
        name=m.name,
        unit=m.unit,
        improvement=m.improvement,
        target=m.target,
        baseline=m.baseline,
        frequency=frequency(p.date for p in points),
        chart=xmr(points, m.improvement, m.target) if points else None,  # type: ignore[arg-type]
        runs=run_chart(points),
        cycles=tuple(
            CycleMark(c.n, c.start, c.end, c.decision, c.change, c.result)
            for c in _cycles(task.id, records, as_at)
        ),
        started=started,
        notes=tuple(
            (p.date, p.note)
            for p in sorted(records.measures, key=lambda p: p.date)
            if p.task == task.id and p.date <= as_at and p.note
        ),
    )


def _measure_decisions(measures: tuple[MeasureProgress, ...]) -> list[Decision]:
    """An improvement to sustain and spread; or a measure that needs attention: concern, or
    common cause that will not meet its target (judged only on limits that are not
    provisional)."""
    out = []
    for m in measures:
        if m.chart is None:
            continue
        better = improving(m)
        if better:
            early = began_early(better, m)
            text = (
                f"{latest(m)}, and improving since {when(better.began, m.frequency)}"
                f"{f' ({early})' if early else ''}. {_spread(m)}"
            )
            if better.before:
                text += (
                    f" Agree to rebase the chart once the new level has held for "
                    f"{plural(REBASE_AFTER, m.frequency)} ({len(better.stretch)} so far)?"
                )
            out.append(Decision("measure_improving", m.task, m.title, text))
        elif m.chart.variation.startswith("concern") or (
            m.chart.variation == "common_cause"
            and m.chart.assurance == "consistent_fail"
            and not m.chart.provisional
        ):
            out.append(Decision("measure_concern", m.task, m.title, sentence(m)))
    return out


def _spread(m: MeasureProgress) -> str:
    """The board's question about an improvement: which adopted changes to spread, and what
    the latest cycle, if it is still being adapted, found it needs."""
    adopted = [f"PDSA {c.n} ({c.change})" for c in m.cycles if c.decision == "adopt"]
    ended = [c for c in m.cycles if c.decision]
    if not adopted:
        return (
            "No change from the PDSA cycles has been adopted yet: what is behind the "
            "improvement, and how will the board know it will last?"
        )
    ask = f"Spread and sustain the changes adopted: {joined(adopted)}?"
    if ended and ended[-1].decision == "adapt" and ended[-1].result:
        c = ended[-1]  # the latest cycle to end is still being adapted
        found = c.result.rstrip(". ")
        ask += f" PDSA {c.n}, being adapted, found “{found}”: what does it need?"
    return ask


# ------------------------------------------------------------------ attendance

_Event = tuple[str, dt.date, tuple[tuple[str, str], ...], frozenset[str]]
# (event id, date, the (name, group) of each person expected, the names recorded "yes")


def _events(programme: Programme, records: Records, as_at: dt.date) -> list[_Event]:
    """Every session and set meeting dated on or before `as_at`, in date order, with who
    the plan expects and who was recorded as attending."""
    yes: dict[tuple[str, dt.date | None], set[str]] = defaultdict(set)
    sessions = {s.id for s in programme.sessions}
    for a in records.attendance:
        if a.attended and a.date <= as_at:
            # a session happens once, so its records count whatever day they give
            yes[(a.event, None if a.event in sessions else a.date)].add(a.name)
    expected = expected_at(programme)
    events: list[_Event] = [
        (s.id, s.date, expected[s.id], frozenset(yes[(s.id, None)]))
        for s in programme.sessions
        if s.date <= as_at
    ]
    events += [
        (st.id, day, expected[st.id], frozenset(yes[(st.id, day)]))
        for st in programme.sets
        for day in st.meetings
        if day <= as_at
    ]
    return sorted(events, key=lambda e: (e[1], e[0]))


def _attendance(
    spec: Spec, events: list[_Event], set_ids: set[str]
) -> tuple[AttendanceProgress, dict[str, list[tuple[int, int]]]]:
    """Places planned and filled by group, organisation and level; and, per group, the
    (planned, filled) places at each event that was held, in date order."""
    planned: dict[str, int] = defaultdict(int)
    filled: dict[str, int] = defaultdict(int)
    held_by_group: dict[str, list[tuple[int, int]]] = defaultdict(list)
    unplanned = 0
    for _, _, expected, came in events:
        at_event: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for name, group in expected:
            planned[group] += 1
            filled[group] += name in came
            at_event[group][0] += 1
            at_event[group][1] += name in came
        unplanned += len(came - {name for name, _ in expected})
        if came:
            for group, (p, f) in at_event.items():
                held_by_group[group].append((p, f))
    groups = [g for g in spec.stakeholders if planned[g.id]]

    def tallies(keys: Iterable[tuple[str, str]], of) -> tuple[Tally, ...]:
        out = []
        for key, label in keys:
            mine = [g.id for g in groups if of(g) == key]
            if mine:
                out.append(
                    Tally(key, label, sum(planned[g] for g in mine), sum(filled[g] for g in mine))
                )
        return tuple(out)

    sets = {e[0] for e in events} & set_ids
    sessions_held = tuple(dict.fromkeys(e[0] for e in events if e[3] and e[0] not in sets))
    return (
        AttendanceProgress(
            by_organisation=tallies(
                ((o.id, o.name) for o in spec.organisations), lambda g: g.organisation
            ),
            by_level=tallies(
                ((lv, lv.replace("-", " ").capitalize()) for lv in LEVELS), lambda g: g.level
            ),
            by_group=tallies(((g.id, g.name) for g in groups), lambda g: g.id),
            sessions_held=sessions_held,
            unplanned=unplanned,
        ),
        held_by_group,
    )


def _percent(filled: int, planned: int) -> str:
    return f"{round(100 * filled / planned)}%"


def _attendance_decisions(
    spec: Spec, held_by_group: dict[str, list[tuple[int, int]]]
) -> list[Decision]:
    """A group whose attendance at held events is low, or fell from the first half of
    those events to the second (progen's own thresholds, results/thresholds.py), judged
    only on enough places that one or two absences cannot make the alarm alone."""
    out = []
    for group in spec.stakeholders:
        held = held_by_group.get(group.id, [])
        planned, filled = sum(p for p, _ in held), sum(f for _, f in held)
        if planned < ATTENDANCE_MIN_PLACES:
            continue  # a handful of places says more about chance than about the group
        if filled / planned < ATTENDANCE_LOW:
            out.append(Decision(
                "attendance_low", group.id, group.name,
                f"They filled {filled} of the {planned} places planned for them at the "
                f"sessions and set meetings held so far ({_percent(filled, planned)}): what is "
                f"keeping them away?",
            ))  # fmt: skip
            continue
        if len(held) < ATTENDANCE_MIN_EVENTS:
            continue
        half = len(held) // 2
        early, late = held[:half], held[-half:]
        if min(sum(p for p, _ in early), sum(p for p, _ in late)) < ATTENDANCE_MIN_PLACES:
            continue
        before = sum(f for _, f in early) / sum(p for p, _ in early)
        after = sum(f for _, f in late) / sum(p for p, _ in late)
        if before - after >= ATTENDANCE_FALL:
            out.append(Decision(
                "attendance_fell", group.id, group.name,
                f"Their attendance fell from {round(100 * before)}% in the first half of the "
                f"events held to {round(100 * after)}% in the second: what has changed for "
                f"them?",
            ))  # fmt: skip
    return out


# ------------------------------------------------------------------ sets


def _set(st, events: list[_Event], as_at: dt.date) -> SetProgress:
    held_days = {day for event, day, _, came in events if event == st.id and came}
    due = [d for d in st.meetings if d <= as_at]
    return SetProgress(
        set=st.id,
        task=st.task,
        held=tuple(d for d in due if d in held_days),
        missed=tuple(d for d in due if d not in held_days),
        ahead=len(st.meetings) - len(due),
    )


def _set_decisions(programme: Programme, sets: tuple[SetProgress, ...]) -> list[Decision]:
    titles = {t.id: t.title for t in programme.spec.tasks}
    out = []
    for s in sets:
        if s.stopped:
            days = sorted(s.missed)[-SET_STOPPED_AFTER:]
            out.append(Decision(
                "set_stopped", s.set, f"{s.set.replace('-', ' ').capitalize()} "
                f"({titles.get(s.task, s.task)})",
                f"No one is recorded at its last {number_word(SET_STOPPED_AFTER)} planned "
                "meetings ("
                + " and ".join(f"{d.day} {d:%B %Y}" for d in days)
                + "): has the set stopped, and what would help it start again?",
            ))  # fmt: skip
    return out


# ------------------------------------------------------------------ PDSA


def _cycles(task: str, records: Records, as_at: dt.date) -> list[CycleRun]:
    """The task's cycles recorded as started by `as_at`; one that ends later is still
    running on that day, so it has no end and no decision yet."""
    runs = [
        CycleRun(
            r.cycle, r.start,
            r.end if r.end and r.end <= as_at else None,
            r.change, r.prediction,
            r.result if r.end and r.end <= as_at else "",
            r.decision if r.end and r.end <= as_at else "",
        )
        for r in records.pdsa
        if r.task == task and r.start <= as_at
    ]  # fmt: skip
    return sorted(runs, key=lambda c: (c.n, c.start))


def _pdsa(programme: Programme, task: str, records: Records, as_at: dt.date) -> PdsaProgress:
    plan = next(x for x in programme.pdsa if x.task == task)
    title = next(t.title for t in programme.spec.tasks if t.id == task)
    return PdsaProgress(
        task=task,
        title=title,
        planned=sum(1 for c in plan.cycles if c.start <= as_at),
        planned_total=len(plan.cycles),
        cycles=tuple(_cycles(task, records, as_at)),
    )


# ------------------------------------------------------------------ evaluation


def _evaluation(
    programme: Programme, records: Records, as_at: dt.date
) -> tuple[LevelProgress, ...]:
    held = {s.id for s in programme.sessions if s.date <= as_at}
    ratings = [f.rating for f in records.feedback if f.session in held]
    dates = {t.name: t.date for t in programme.evaluation.timepoints if t.date <= as_at}
    out = []
    for level in programme.evaluation.levels:
        responses = [
            r for r in records.evaluation if r.level == level.level and r.timepoint in dates
        ]
        named = [m.name for m in level.measures]
        measures = list(dict.fromkeys([*named, *sorted({r.measure for r in responses})]))
        scores = []
        for measure in measures:
            by_time: dict[str, list[float]] = defaultdict(list)
            for r in responses:
                if r.measure == measure:
                    by_time[r.timepoint].append(r.score)
            found = sorted(
                (
                    TimepointScore(t, dates[t], len(v), statistics.fmean(v))
                    for t, v in by_time.items()
                ),
                key=lambda s: (s.date, s.timepoint),
            )
            if found:
                scores.append(Score(measure, found[0], found[-1]))
        feedback = None
        if level.level == "reaction":
            feedback = Ratings(
                n=len(ratings),
                mean=statistics.fmean(ratings) if ratings else None,
                distribution=tuple(ratings.count(r) for r in RATINGS),
            )
        out.append(LevelProgress(level.level, level.question, feedback, tuple(scores)))
    return tuple(out)
