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
class Organisation:
    id: str
    name: str
    kind: str
    location: str


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str
    baseline: float | None
    target: float | None


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

    @cached_property
    def _groups(self) -> dict[str, Stakeholder]:
        return {s.id: s for s in self.stakeholders}

    def organisation(self, org_id: str) -> Organisation:
        return next(o for o in self.organisations if o.id == org_id)

    def stakeholder(self, group_id: str) -> Stakeholder:
        return self._groups[group_id]
