"""The assembled programme: what every publisher renders.

One frozen model feeds the JSON, the site, the handbook, the calendar and the
rosters, so they cannot disagree. Field names follow SPEC.md section 4.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from progen.design.participants import Participant
from progen.errors import Problem
from progen.spec.model import Spec

DAY_MINUTES = 24 * 60


def minutes_of(hhmm: str) -> int:
    """Minutes since midnight of an HH:MM time."""
    hours, mins = map(int, hhmm.split(":"))
    return hours * 60 + mins


def clock(start: str, minutes: int) -> str:
    """The time `minutes` after `start`, both as HH:MM."""
    total = minutes_of(start) + minutes
    return f"{total // 60:02d}:{total % 60:02d}"


@dataclass(frozen=True)
class Fact:
    """A spec value a finding rests on: in words for the reader ("Ward managers are middle
    managers"), and where the user wrote it (dotted path, and line and column when known)
    for the appendix that traces each decision back to the spec."""

    path: str
    value: str
    words: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Finding:
    id: str
    title: str
    text: str
    facts: tuple[Fact, ...]
    evidence: tuple[str, ...]
    promise: str = ""  # the part of `text` that says what work the finding brings in


@dataclass(frozen=True)
class Diagnosis:
    stage: str
    style: str
    style_text: str
    findings: tuple[Finding, ...]

    def has(self, finding_id: str) -> bool:
        return any(f.id == finding_id for f in self.findings)


@dataclass(frozen=True)
class AgendaItem:
    start: str  # HH:MM
    minutes: int
    item: str


LEVELS = ("top-team", "senior", "middle", "frontline", "community")


@dataclass(frozen=True)
class AudienceRule:
    """Who a session is for (SPEC.md section 4). `everyone`: every stakeholder group in the
    spec, including groups in no task. `task`: that task's stakeholders. `levels`: the groups
    at those levels (within `task` when given; only the groups in some task, whose people
    are in sets, when `set_members`). A session runs for the whole audience its rule selects
    or not at all, so the rule, not a budget, decides who comes."""

    who: str  # everyone | task | levels
    levels: tuple[str, ...] = ()
    task: str | None = None
    set_members: bool = False  # a session about the sets: groups in no task have no set
    # only groups with staff of their own organisation below them in the programme: the
    # people who manage someone here (a commissioning team with no staff here manages none)
    line_managers: bool = False

    def as_json(self) -> dict:
        out: dict = {"who": self.who}
        if self.who == "levels":
            out["levels"] = list(self.levels)
        if self.task is not None:
            out["task"] = self.task
        if self.set_members:
            out["set_members"] = True
        if self.line_managers:
            out["line_managers"] = True
        return out


@dataclass(frozen=True)
class Session:
    id: str
    module: str
    title: str
    summary: str
    phase: str
    emphasis: str
    date: dt.date
    start: str  # HH:MM, Europe/London
    minutes: int
    audience: tuple[str, ...]
    audience_rule: AudienceRule
    task: str | None
    occurrence: int
    occurrences: int
    rationale: tuple[str, ...]
    evidence: tuple[str, ...]
    agenda: tuple[AgendaItem, ...]
    plan: str  # the facilitator's plan, Markdown, from the module body
    # Ids of the sessions this one must come after because its module says so (after,
    # requires, an earlier occurrence, appreciative work first), only those that run. The
    # closing event's "after everything" is not listed.
    follows: tuple[str, ...] = ()
    # Ids of the findings that chose this session (the derivation appendix lists them).
    findings: tuple[str, ...] = ()
    venue: str | None = None  # where it is held (design/venues.py), None when not known
    facilitators: tuple[str, ...] = ()  # lead first (design/facilitation.py)
    held: bool = False  # someone is recorded as attending it (records, SPEC.md section 6)

    @property
    def key(self) -> str:
        """What the session is, whatever its date or number: module, task and occurrence.
        Calendars derive their UIDs from it, so a session that moves keeps its UID."""
        return ".".join(x for x in (self.module, self.task, str(self.occurrence)) if x)

    @property
    def end(self) -> str:
        return clock(self.start, self.minutes)


@dataclass(frozen=True)
class Omission:
    """A session the findings called for that does not run, and why. `cause` is one of
    audience (its rule selects nobody), requires (what it builds on does not run), budget
    (programme.contact_hours), calendar (too few open days) or sets (the sets do not meet
    often enough before the closing event); `essential` marks a module the programme
    relies on, whose omission deserves a warning."""

    module: str
    title: str
    reason: str
    cause: str = "budget"
    essential: bool = False


@dataclass(frozen=True)
class SetMeeting:
    date: dt.date
    start: str  # HH:MM, Europe/London
    adviser: str | None  # the set adviser at this meeting, or None when the set runs itself
    venue: str | None = None  # where it is held (design/venues.py), None when not known


@dataclass(frozen=True)
class ActionLearningSet:
    id: str
    task: str
    members: tuple[Participant, ...]
    schedule: tuple[SetMeeting, ...]
    start: str
    minutes: int
    purpose: str

    @property
    def meetings(self) -> tuple[dt.date, ...]:
        return tuple(m.date for m in self.schedule)

    @property
    def facilitator(self) -> str | None:
        """The adviser at the first meeting: the one who helps the set start (SPEC.md 4)."""
        return self.schedule[0].adviser if self.schedule else None

    @property
    def adviser_meetings(self) -> int:
        """How many meetings have an adviser: always the first ones, before the set runs
        itself."""
        return sum(1 for m in self.schedule if m.adviser)


@dataclass(frozen=True)
class PdsaCycle:
    """One round of tests: every set of the task runs a test of its own change idea
    between `start` and `end`, at its own step of the ramp."""

    n: int
    start: dt.date
    end: dt.date
    prompt: str
    prediction: str


@dataclass(frozen=True)
class Ramp:
    """One action-learning set's line of tests of the change idea it owns: studied at
    its own meetings (`reviews`) from the launch to the last round."""

    set: str
    adviser: str | None
    reviews: tuple[dt.date, ...]


@dataclass(frozen=True)
class PdsaPlan:
    task: str
    aim: str
    measure: str
    unit: str
    baseline: float | None
    target: float | None
    direction: str  # "increase", "decrease" or "neutral"
    data_frequency: str
    questions: tuple[str, ...]
    run_chart: str
    cycles: tuple[PdsaCycle, ...]
    ramps: tuple[Ramp, ...]  # one per set of the task, in set order
    steps: tuple[str, ...]  # how far a ramp's tests reach, step by step


@dataclass(frozen=True)
class EvaluationMeasure:
    name: str
    instrument: str
    when: tuple[str, ...]
    owner: str
    note: str


@dataclass(frozen=True)
class EvaluationLevel:
    level: str  # reaction | learning | behaviour | results
    question: str
    measures: tuple[EvaluationMeasure, ...]


@dataclass(frozen=True)
class Timepoint:
    name: str
    date: dt.date


@dataclass(frozen=True)
class LogicModel:
    inputs: tuple[str, ...]
    activities: tuple[str, ...]
    outputs: tuple[str, ...]
    outcomes: tuple[str, ...]
    impact: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    levels: tuple[EvaluationLevel, ...]
    timepoints: tuple[Timepoint, ...]
    logic_model: LogicModel
    attribution: str
    licensed: tuple[str, ...] = ()  # keys of evaluation.LICENSED the plan uses
    proportion: str = ""  # why the plan leaves licensed instruments out, or ""


@dataclass(frozen=True)
class Programme:
    spec: Spec
    diagnosis: Diagnosis
    sessions: tuple[Session, ...]
    omitted: tuple[Omission, ...]
    sets: tuple[ActionLearningSet, ...]
    set_notes: tuple[str, ...]
    ground_rules: tuple[str, ...]
    pdsa: tuple[PdsaPlan, ...]
    evaluation: Evaluation
    references: dict[str, str]
    # Spec facts that changed nothing or were assumed, and design choices the user should
    # hear about (sessions the budget left out), as located warnings (SPEC.md section 2).
    warnings: tuple[Problem, ...] = ()
    venue_note: str = ""  # how sessions find their venue (design/venues.py), for the reader

    @property
    def id(self) -> str:
        return self.spec.programme.id

    @property
    def title(self) -> str:
        return self.spec.programme.title

    def sessions_for(self, group_id: str) -> tuple[Session, ...]:
        """The sessions a stakeholder group is in the audience of, in date order."""
        return tuple(s for s in self.sessions if group_id in s.audience)

    def sets_with(self, group_id: str) -> tuple[ActionLearningSet, ...]:
        """The sets holding at least one member of a stakeholder group, in set order."""
        return self._sets_by_group.get(group_id, ())

    @cached_property
    def _sets_by_group(self) -> dict[str, tuple[ActionLearningSet, ...]]:
        found: dict[str, list[ActionLearningSet]] = {}
        for s in self.sets:
            for group in dict.fromkeys(m.stakeholder for m in s.members):
                found.setdefault(group, []).append(s)
        return {group: tuple(sets) for group, sets in found.items()}
