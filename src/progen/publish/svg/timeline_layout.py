"""Where everything on the programme timeline goes, worked out once before any drawing:
the time axis every lane shares and the lanes from top to bottom (sessions by phase, the
action-learning sets, a PDSA lane per task, evaluation), each holding only what it
draws. The drawing (timeline.py) is one function per kind of lane over this layout."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from progen.design.model import PdsaCycle, Programme, Session, Timepoint
from progen.publish.svg.axis import TimeScale

WIDTH = 1000
LABEL_W = 170  # the lane names, left of the axis
LANE_H = 32
TOP = 46  # room above the lanes for the month labels
FOOT = 40  # room below the lanes for the legend
MAX_SET_LANES = 12  # beyond this, one timeline lane per task rather than per set
PHASE_COLOURS = {
    "launch": "#005eb8",
    "foundations": "#007f3b",
    "improvement": "#7c2855",
    "development": "#8a4a00",
    "close": "#330072",
}
PHASES = tuple(PHASE_COLOURS)


@dataclass(frozen=True)
class SessionLane:
    """The sessions of one phase, in programme order."""

    phase: str
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class SetLane:
    """One set's meetings, or a task's sets' meeting days together, with whether a set
    adviser is there."""

    label: str
    meetings: tuple[tuple[dt.date, bool], ...]


@dataclass(frozen=True)
class PdsaLane:
    """A task's PDSA cycles."""

    label: str
    cycles: tuple[PdsaCycle, ...]


@dataclass(frozen=True)
class EvaluationLane:
    timepoints: tuple[Timepoint, ...]


Lane = SessionLane | SetLane | PdsaLane | EvaluationLane


@dataclass(frozen=True)
class TimelineLayout:
    """The timeline's lanes on one time axis, from the first event to a week after the
    last, so the last marks have room."""

    scale: TimeScale
    lanes: tuple[Lane, ...]

    def lane_top(self, i: int) -> int:
        return TOP + LANE_H * i

    def lane_mid(self, i: int) -> float:
        return self.lane_top(i) + LANE_H / 2

    @property
    def bottom(self) -> int:
        return self.lane_top(len(self.lanes))

    @property
    def height(self) -> int:
        return self.bottom + FOOT


def event_dates(p: Programme) -> list[dt.date]:
    """Every day the timeline marks, with the programme's first and last days."""
    dates = [p.spec.programme.start, p.spec.programme.end]
    dates += [s.date for s in p.sessions]
    dates += [d for st in p.sets for d in st.meetings]
    dates += [c.end for x in p.pdsa for c in x.cycles]
    return dates + [t.date for t in p.evaluation.timepoints]


def session_lanes(p: Programme) -> list[SessionLane]:
    """A lane per phase that has sessions: the known phases in programme order first,
    then any other in alphabetical order."""
    phases = [ph for ph in PHASES if any(s.phase == ph for s in p.sessions)]
    phases += sorted({s.phase for s in p.sessions} - set(phases))
    return [SessionLane(ph, tuple(s for s in p.sessions if s.phase == ph)) for ph in phases]


def set_lanes(p: Programme) -> list[SetLane]:
    """Timeline lanes for the sets: one per set, or one per task when there are more
    sets than lanes can be read."""
    return per_set_lanes(p) if len(p.sets) <= MAX_SET_LANES else per_task_lanes(p)


def per_set_lanes(p: Programme) -> list[SetLane]:
    return [
        SetLane(
            st.id.replace("-", " ").capitalize(),
            tuple((d, n <= st.adviser_meetings) for n, d in enumerate(st.meetings, 1)),
        )
        for st in p.sets
    ]


def per_task_lanes(p: Programme) -> list[SetLane]:
    """A lane per task with sets: a meeting day is filled when any of the task's sets has
    its adviser that day."""
    lanes = []
    for task in p.spec.tasks:
        sets = [st for st in p.sets if st.task == task.id]
        days: dict[dt.date, bool] = {}
        for st in sets:
            for n, d in enumerate(st.meetings, 1):
                days[d] = days.get(d, False) or n <= st.adviser_meetings
        if sets:
            lanes.append(SetLane(f"{len(sets)} sets: {task.title}", tuple(sorted(days.items()))))
    return lanes


def pdsa_lanes(p: Programme) -> list[PdsaLane]:
    titles = {t.id: t.title for t in p.spec.tasks}
    return [PdsaLane("PDSA: " + titles.get(x.task, x.task), x.cycles) for x in p.pdsa]


def timeline_layout(p: Programme) -> TimelineLayout:
    dates = event_dates(p)
    scale = TimeScale(min(dates), max(dates) + dt.timedelta(days=7), LABEL_W + 10, WIDTH - 20)
    lanes: list[Lane] = [*session_lanes(p), *set_lanes(p), *pdsa_lanes(p)]
    return TimelineLayout(scale, (*lanes, EvaluationLane(p.evaluation.timepoints)))
