"""PDSA cycles for every task, timed between the set meetings that review them.

The first test runs within a week of the task's Model for Improvement launch at
the smallest scale; later cycles widen as confidence grows, each ending at a set
meeting so its results are studied with peers (Langley et al. 2009).
"""

from __future__ import annotations

import datetime as dt
import re

from progen.design import thresholds as t
from progen.design.calendar import Calendar, working_day
from progen.design.model import ActionLearningSet, PdsaCycle, PdsaPlan, Session
from progen.spec.model import Task

SCALES = (
    "one patient, person or case",
    "three to five cases",
    "one team, ward or site",
    "several teams or sites",
    "the whole service, checking that the gains hold",
)


# An aim to keep a level already reached ("Hold admissions at or below 30 a month"):
# progen reads the aim's first word, as the spec has no field for it.
_HOLDING = re.compile(r"^\s*(hold|maintain|sustain|keep)\b", re.I)


def holding(task: Task) -> bool:
    """Whether the task's aim is to keep a level rather than move it."""
    return bool(_HOLDING.match(task.aim))


# How a holding aim says which side of its level is good: "at or below 12", "12 or fewer".
_BELOW = re.compile(r"\b(at or below|or below|or fewer|or less|no more than|under)\b", re.I)
_ABOVE = re.compile(r"\b(at or above|or above|or more|no fewer than|at least)\b", re.I)


def direction(task: Task) -> str:
    """Which way the task's measure is better: 'increase', 'decrease' or 'neutral' (neither
    stated nor implied by baseline and target, or no measure yet); for an aim to hold a
    level ("at or below 12") with the target at the baseline, the side the aim names."""
    if task.measure is None:
        return "neutral"
    if task.measure.improvement == "neutral" and holding(task):
        if _BELOW.search(task.aim):
            return "decrease"
        if _ABOVE.search(task.aim):
            return "increase"
    return task.measure.improvement


def _measure_text(task: Task) -> tuple[str, str]:
    m = task.measure
    if m is None:
        return "a measure to agree at the Model for Improvement launch", ""
    return m.name, m.unit


def questions(task: Task) -> tuple[str, ...]:
    name, unit = _measure_text(task)
    m = task.measure
    change = ""
    if m is not None and m.baseline is not None and m.target is not None:
        change = f", moving from {m.baseline:g} to {m.target:g}{' ' + unit if unit else ''}"
        if holding(task):
            side = {"decrease": " or below", "increase": " or above"}.get(direction(task), "")
            change = f", held at{side} {m.target:g}{' ' + unit if unit else ''}"
    return (
        f"What are we trying to accomplish? {task.aim}.",
        f"How will we know that a change is an improvement? By {name}{change}, plotted on a "
        f"run chart at least monthly, beside a balancing measure the team chooses at the "
        f"launch: what could get worse elsewhere if this improves (harm, readmissions, "
        f"waits moved to another team, staff time).",
        "What changes can we make that will result in improvement? Ideas come from the sets, "
        "from people who use the service and from what already works elsewhere in the system.",
    )


def run_chart(task: Task) -> str:
    name, unit = _measure_text(task)
    better = {"decrease": "down", "increase": "up"}.get(direction(task), "in the agreed direction")
    text = (
        f"Before the launch, plot what existing records already hold for the last twelve "
        f"months (or weeks) as a baseline, so the first tests have a median to be read "
        f"against. Then plot {name}{f' ({unit})' if unit else ''} at least monthly, in time "
        f"order, with the median as the centre line; better is {better}. Read it with the "
        f"run-chart rules: a "
        f"shift (six or more points in a row on one side of the median), a trend (five or more "
        f"points all going up or all going down), too few or too many runs, or an "
        f"astronomical point signal non-random change (Perla et al. 2011)."
    )
    if holding(task):
        text += (
            " The aim is to hold a level already reached, so the chart is watched for a shift "
            "or trend the wrong way, and the tests are of ways to keep the gains when people "
            "change (handovers, new starters, cover), not of ways to move the measure."
        )
    return text


def _prediction(task: Task, scale: str) -> str:
    """A prediction a small test can check: what will happen in the cases tested, and how it
    will show in the task's measure once the change is used more widely (a median of days
    means nothing for one patient, so the two are asked apart)."""
    name, _ = _measure_text(task)
    goes = {"decrease": "fall", "increase": "rise"}.get(direction(task), "move")
    if holding(task):
        goes = "stay where it is"
    return (
        f"Write down, before the test, what you expect to happen when you try the change with "
        f"{scale}, and why; and how you expect {name} to {goes} if it works and spreads."
    )


def _prompt(task: Task, n: int, scale: str) -> str:
    """What a cycle asks. The scale is a ceiling the timetable allows, not a schedule: a
    test widens only when the last one's prediction held (Langley et al. 2009 build
    confidence by small tests before larger ones)."""
    if n == 1:
        what = (
            "a way to keep the gains (a handover, an induction, cover)"
            if holding(task)
            else ("a change")
        )
        return (
            f"Plan the first test of {what} for '{task.title}' on {scale}; do it; study "
            f"what happened against your prediction; act: adopt, adapt or abandon."
        )
    return (
        f"If the last cycle's prediction held, test the change on up to {scale}; if it did "
        f"not, adapt it and test again at the same scale. Study the result against the "
        f"prediction and the run chart (and the balancing measure); act: adopt, adapt or "
        f"abandon."
    )


def _boundaries(
    launch: dt.date, meetings: tuple[dt.date, ...], end: dt.date, closed: dict[dt.date, str]
) -> list[dt.date]:
    """Cycle ends: a week after launch, then two weeks, then each later set meeting."""
    ends = [
        working_day(launch + dt.timedelta(days=t.FIRST_TEST_DAYS), closed),
        working_day(launch + dt.timedelta(days=21), closed),
    ]
    ends += [m for m in meetings if m > ends[-1] + dt.timedelta(days=6)]
    return [e for e in ends if e <= end]


def plan_for(
    task: Task,
    launch: dt.date,
    meetings: tuple[dt.date, ...],
    end: dt.date,
    closed: dict[dt.date, str] | None = None,
) -> PdsaPlan:
    name, unit = _measure_text(task)
    closed = closed or {}
    cycles, start = [], working_day(launch + dt.timedelta(days=1), closed)
    for n, cycle_end in enumerate(_boundaries(launch, meetings, end, closed), 1):
        scale = SCALES[min(n - 1, len(SCALES) - 1)]
        cycles.append(
            PdsaCycle(
                n=n,
                start=start,
                end=cycle_end,
                scale=scale,
                prompt=_prompt(task, n, scale),
                prediction=_prediction(task, scale),
            )
        )
        start = working_day(cycle_end + dt.timedelta(days=1), closed)
    m = task.measure
    return PdsaPlan(
        task=task.id,
        aim=task.aim,
        measure=name,
        unit=unit,
        baseline=m.baseline if m else None,
        target=m.target if m else None,
        direction=direction(task),
        data_frequency="at least monthly; weekly once cycles are short",
        questions=questions(task),
        run_chart=run_chart(task),
        cycles=tuple(cycles),
    )


def pdsa_plans(
    tasks: tuple[Task, ...],
    sessions: tuple[Session, ...],
    sets: tuple[ActionLearningSet, ...],
    calendar: Calendar,
) -> tuple[PdsaPlan, ...]:
    plans = []
    for task in tasks:
        launch = next(
            (
                s.date
                for s in sessions
                if s.module == "model-for-improvement-launch" and s.task == task.id
            ),
            None,
        )
        launch = launch or next((s.date for s in sessions if s.task == task.id), calendar.start)
        meetings = next((s.meetings for s in sets if s.task == task.id), ())
        plans.append(plan_for(task, launch, meetings, calendar.end, calendar.closed))
    return tuple(plans)
