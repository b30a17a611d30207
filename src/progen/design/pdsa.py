"""PDSA cycles for every task: each of its sets owns a change idea and tests it in rounds.

A task's sets run their tests side by side, one change idea each, as parallel ramps of
tests rather than one ladder for the whole task: several ideas are tried at once, and no
set waits for another's result. The first round runs within a week of the task's Model
for Improvement launch at the smallest scale; each later round ends at a set meeting, so
a set studies its test with its peers. A ramp climbs a step (`STEPS`) only when the last
prediction held, and tries the change under other conditions before spreading it
(Langley et al. 2009 build confidence through small tests before larger ones); which ramp
reaches which step is the set's own result, so the plan dates rounds, not scales.
"""

from __future__ import annotations

import datetime as dt
import re

from progen.design import thresholds as t
from progen.design.calendar import Calendar, working_day
from progen.design.model import ActionLearningSet, PdsaCycle, PdsaPlan, Ramp, Session
from progen.spec.model import Task

# A ramp's steps: progen's reading of Langley et al. 2009 (small tests first, then the
# change under a range of conditions, then wider use), not a schedule.
STEPS = (
    "one patient, person or case, on one shift or day",
    "three to five cases",
    "the same change under other conditions: nights, weekends, other staff",
    "one team, ward or site, for a week or more",
    "several teams or sites, checking that the gains hold",
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
        f"astronomical point signal non-random change (Perla et al. 2011). Beside it, plot "
        f"weekly a process measure the tests can move within days (how often the changed "
        f"step happens as planned): an outcome counted monthly gives too few points in a "
        f"programme's span to show a shift soon."
    )
    if holding(task):
        text += (
            " The aim is to hold a level already reached, so the chart is watched for a shift "
            "or trend the wrong way, and the tests are of ways to keep the gains when people "
            "change (handovers, new starters, cover), not of ways to move the measure."
        )
    return text


def _prediction(task: Task) -> str:
    """A prediction a test can check: what will happen in the cases tested, and how it will
    show in the task's measure once the change is used more widely (a median of days means
    nothing for one patient, so the two are asked apart)."""
    name, _ = _measure_text(task)
    goes = {"decrease": "fall", "increase": "rise"}.get(direction(task), "move")
    if holding(task):
        goes = "stay where it is"
    return (
        f"Before each test, write down what you expect to happen in the cases you test, and "
        f"why; and how you expect {name} to {goes} if the change works and spreads."
    )


def _prompt(task: Task, n: int, ramps: int) -> str:
    """What a round asks. The first test starts within a week of the launch, before most
    sets have met, so the launch's small groups run it; from their first meetings the
    sets own the ideas."""
    if n == 1:
        what = (
            "a way to keep the gains (a handover, an induction, cover)"
            if holding(task)
            else "a change"
        )
        return (
            f"The small groups formed at the launch, one for each idea chosen there, each test "
            f"{what} on {STEPS[0]}: plan it, do it within a week, study what happened against "
            f"the prediction, then adopt, adapt or abandon."
        )
    who = {0: "The task group", 1: "The set"}.get(ramps, "Each set")
    where = "at its next meeting" if ramps else "at its next review"
    return (
        f"{who} studies its last test {where}, then runs the next: one step up its ramp "
        f"where the prediction held, the same step again (adapted) where it did not. Read "
        f"the run chart and the balancing measure; adopt, adapt or abandon."
    )


def _boundaries(
    launch: dt.date,
    sets: tuple[ActionLearningSet, ...],
    end: dt.date,
    closed: dict[dt.date, str],
) -> list[dt.date]:
    """Round ends: a week after the launch, then the day by which every set of the task
    has met once more, each at least a week after the last end, so every later round ends
    with each set having studied it; none after `end`."""
    ends = [working_day(launch + dt.timedelta(days=t.FIRST_TEST_DAYS), closed)]
    later = [[m for m in s.meetings if m > ends[0]] for s in sets]
    for n in range(max((len(m) for m in later), default=0)):
        day = max(m[n] for m in later if len(m) > n)
        if day > ends[-1] + dt.timedelta(days=6):
            ends.append(day)
    return [e for e in ends if e <= end]


def plan_for(
    task: Task,
    launch: dt.date,
    sets: tuple[ActionLearningSet, ...],
    end: dt.date,
    closed: dict[dt.date, str] | None = None,
) -> PdsaPlan:
    """The task's rounds, each ending when every set of the task has met, and one ramp per
    set."""
    name, unit = _measure_text(task)
    closed = closed or {}
    cycles, start = [], working_day(launch + dt.timedelta(days=1), closed)
    for n, cycle_end in enumerate(_boundaries(launch, sets, end, closed), 1):
        cycles.append(
            PdsaCycle(
                n=n,
                start=start,
                end=cycle_end,
                prompt=_prompt(task, n, len(sets)),
                prediction=_prediction(task),
            )
        )
        start = working_day(cycle_end + dt.timedelta(days=1), closed)
    ramps = tuple(
        Ramp(s.id, s.facilitator, tuple(m for m in s.meetings if m > launch)) for s in sets
    )
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
        ramps=ramps,
        steps=STEPS,
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
        own = tuple(s for s in sets if s.task == task.id)
        plans.append(plan_for(task, launch, own, calendar.end, calendar.closed))
    return tuple(plans)
