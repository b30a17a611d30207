"""A programme's progress as at one day: frozen values the JSON, the pages and the board
report all read, so they cannot disagree (SPEC.md section 6).

Names and titles here are the user's own text (spec and records), never escaped: each
publisher escapes for its own format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from progen.results.model import RunChart, XmrChart
from progen.results.thresholds import SET_STOPPED_AFTER


@dataclass(frozen=True)
class CycleMark:
    """A PDSA cycle from the records, as the chart's time axis marks it."""

    n: int
    start: dt.date
    end: dt.date | None  # None while it runs
    decision: str  # adopt | adapt | abandon | continue, or "" while it runs
    change: str = ""  # what the cycle tested, as the records say it
    result: str = ""  # what it found, once it has ended


@dataclass(frozen=True)
class MeasureProgress:
    task: str
    title: str  # the task's title, for a reader who does not know its id
    name: str
    unit: str
    improvement: str  # increase | decrease | neutral
    target: float | None
    baseline: float | None
    frequency: str  # "week" or "month": the unit of time a reader counts points in
    chart: XmrChart | None  # None until the measure has a point
    runs: RunChart
    cycles: tuple[CycleMark, ...]
    started: dt.date | None = None  # the programme's first day, for reading attribution
    notes: tuple[tuple[dt.date, str], ...] = ()  # measures.csv notes, by the point's date


@dataclass(frozen=True)
class Tally:
    """Attendance against plan for one organisation, level or stakeholder group: places
    the plan expected (one per person per event) and how many of them were filled."""

    key: str
    label: str
    planned: int
    attended: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.planned if self.planned else None


@dataclass(frozen=True)
class AttendanceProgress:
    by_organisation: tuple[Tally, ...]
    by_level: tuple[Tally, ...]
    by_group: tuple[Tally, ...]
    sessions_held: tuple[str, ...]  # session ids with any recorded attendance
    unplanned: int  # recorded attendances by people the plan did not expect there


@dataclass(frozen=True)
class SetProgress:
    set: str
    task: str
    held: tuple[dt.date, ...]
    missed: tuple[dt.date, ...]
    ahead: int  # planned meetings after the as-at day

    @property
    def stopped(self) -> bool:
        """Its last planned meetings so far were all missed: the set may have stopped."""
        due = sorted(self.held + self.missed)[-SET_STOPPED_AFTER:]
        return len(due) == SET_STOPPED_AFTER and set(due) <= set(self.missed)


@dataclass(frozen=True)
class CycleRun:
    n: int
    start: dt.date
    end: dt.date | None
    change: str
    prediction: str
    result: str
    decision: str


@dataclass(frozen=True)
class PdsaProgress:
    task: str
    title: str
    planned: int  # the plan's cycles due to have started by the as-at day
    planned_total: int
    cycles: tuple[CycleRun, ...]  # the cycles recorded, by cycle number

    def decisions(self) -> dict[str, int]:
        """How many cycles ended in each decision, in the PDSA order of the words."""
        order = ("adopt", "adapt", "abandon", "continue")
        found = [c.decision for c in self.cycles]
        return {d: found.count(d) for d in order if d in found}


@dataclass(frozen=True)
class Ratings:
    n: int
    mean: float | None
    distribution: tuple[int, ...]  # how many ratings of 1, 2, 3, 4 and 5


@dataclass(frozen=True)
class TimepointScore:
    timepoint: str
    date: dt.date
    n: int
    mean: float


@dataclass(frozen=True)
class Score:
    measure: str
    first: TimepointScore
    latest: TimepointScore  # the same as first while only one timepoint has data


@dataclass(frozen=True)
class LevelProgress:
    level: str  # reaction | learning | behaviour | results
    question: str
    feedback: Ratings | None  # session feedback: the reaction level only
    scores: tuple[Score, ...]


@dataclass(frozen=True)
class Decision:
    kind: str  # set_stopped|attendance_low|attendance_fell|measure_concern|measure_improving
    subject: str  # the set id, stakeholder group id or task id it is about
    title: str  # what the subject is called, in words
    text: str  # one plain-English sentence for the board


@dataclass(frozen=True)
class Progress:
    programme: str
    as_at: dt.date
    measures: tuple[MeasureProgress, ...]
    attendance: AttendanceProgress
    sets: tuple[SetProgress, ...]
    pdsa: tuple[PdsaProgress, ...]
    evaluation: tuple[LevelProgress, ...]
    decisions: tuple[Decision, ...]
