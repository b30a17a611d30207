"""The validated spec as frozen dataclasses.

Everything after validation reads these types, never the raw YAML mapping, so a
stage cannot depend on how the user happened to spell or order their file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from progen.spec.where import SourceMap


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    address: str = ""
    online: bool = False


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: str
    location: str
    venue: str | None = None  # a venues id: where this organisation's people are based


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str
    baseline: float | None
    target: float | None
    # Which way is better: "increase", "decrease" or "neutral"; given, or from baseline vs
    # target, neutral when either is missing (SPEC.md section 1).
    improvement: str = "neutral"


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    aim: str
    topic: str | None
    measure: Measure | None
    stakeholders: tuple[str, ...]


@dataclass(frozen=True)
class Stakeholder:
    id: str
    name: str
    organisation: str
    level: str
    location: str
    count: int
    people: tuple[str, ...]
    depends_on: tuple[str, ...]
    person: str | None = None  # how to name one unnamed member ("ward manager")


@dataclass(frozen=True)
class Facilitator:
    name: str
    organisation: str | None


@dataclass(frozen=True)
class LocalMeasure:
    name: str
    source: str
    level: str


@dataclass(frozen=True)
class TeamWorking:
    in_teams: float | None
    real_teams: float | None


@dataclass(frozen=True)
class Context:
    stage: str
    summary: str
    team_working: TeamWorking
    top_team_effective: bool | None
    culture: tuple[str, ...]


@dataclass(frozen=True)
class Programme:
    id: str
    title: str
    start: dt.date
    weeks: int
    session_days: tuple[str, ...]
    holidays: str
    blackout: tuple[dt.date, ...]
    contact_hours: float
    set_size: tuple[int, int]
    set_cadence_weeks: int
    nation: str = "england"
    venue: str | None = None  # a venues id: where taught sessions are held by default
    session_start: str = "09:30"
    set_start: str = "13:30"

    @property
    def end(self) -> dt.date:
        """Last day of the programme window (inclusive)."""
        return self.start + dt.timedelta(weeks=self.weeks, days=-1)


@dataclass(frozen=True)
class Spec:
    source: str
    programme: Programme
    context: Context
    organisations: tuple[Organisation, ...]
    tasks: tuple[Task, ...]
    stakeholders: tuple[Stakeholder, ...]
    facilitators: tuple[Facilitator, ...]
    follow_up_months: int
    local_measures: tuple[LocalMeasure, ...]
    # Where programme.weeks is written (line, column), for errors found after validation.
    weeks_at: tuple[int, int] = (1, 1)
    # Where every value was written, for problems and warnings found after validation.
    where: SourceMap = field(default_factory=lambda: SourceMap(""), repr=False, compare=False)
    venues: tuple[Venue, ...] = ()

    @cached_property
    def _groups(self) -> dict[str, Stakeholder]:
        return {s.id: s for s in self.stakeholders}

    @cached_property
    def _organisations(self) -> dict[str, Organisation]:
        return {o.id: o for o in self.organisations}

    def organisation(self, org_id: str) -> Organisation:
        return self._organisations[org_id]

    def stakeholder(self, group_id: str) -> Stakeholder:
        return self._groups[group_id]

    def venue(self, venue_id: str | None) -> Venue | None:
        return next((v for v in self.venues if v.id == venue_id), None)
