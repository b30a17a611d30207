"""Action-learning sets: formed, given advisers, and given meeting dates.

Sets meet every `set_cadence_weeks` for half a day, starting after the
action-learning launch. A set adviser helps a set start and then steps back
(Revans 1982); with fewer advisers than sets, the later sets keep an adviser for
their first meetings only and then run themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from progen.design import thresholds as t
from progen.design.calendar import Calendar
from progen.design.model import ActionLearningSet, Session
from progen.design.participants import dependency_pairs, expand_participants
from progen.design.sets import FormedSet, form_sets
from progen.spec.model import Facilitator, Spec
from progen.wording import plural

GROUND_RULES = (
    "Confidentiality: what members bring stays in the set unless they agree otherwise.",
    "Questions, not advice: members help the presenter think by asking open questions.",
    "Each member brings a real problem from the shared task and commits to an action.",
    "At the next meeting each member reports back on the action and what they learned.",
    "Everyone attends every meeting; the set agrees its own time keeping and roles.",
)


def _majority(s: FormedSet) -> str:
    return Counter(m.organisation for m in s.members).most_common(1)[0][0]


def _advisers(
    sets: tuple[FormedSet, ...], advisers: tuple[Facilitator, ...]
) -> list[tuple[str | None, bool]]:
    """(adviser, for the whole life of the set?) per set, preferring an outsider."""
    if not advisers:
        return [(None, False)] * len(sets)
    load: Counter[str] = Counter()
    out = []
    for i, s in enumerate(sets):
        dedicated = i < len(advisers)
        pool = [a for a in advisers if not dedicated or load[a.name] == 0]
        best = min(
            pool, key=lambda a: (load[a.name], a.organisation == _majority(s), advisers.index(a))
        )
        load[best.name] += 1
        out.append((best.name, dedicated))
    return out


def _meetings(
    first: dt.date, calendar: Calendar, cadence: int, clash: set[dt.date]
) -> tuple[dt.date, ...]:
    """Every `cadence` weeks from `first`, each moved to the next open, clash-free day."""
    meetings: list[dt.date] = []
    target = first
    while target <= calendar.end:
        day = next((d for d in calendar.open_days if d >= target and d not in clash), None)
        if day is None:
            break
        meetings.append(day)
        target = day + dt.timedelta(weeks=cadence)
    return tuple(meetings)


def plan_sets(
    spec: Spec, sessions: tuple[Session, ...], calendar: Calendar
) -> tuple[tuple[ActionLearningSet, ...], tuple[str, ...], tuple[str, ...]]:
    people = expand_participants(spec)
    formed = form_sets(
        people, [task.id for task in spec.tasks], spec.programme.set_size, dependency_pairs(spec)
    )
    launch = next(
        (s.date for s in sessions if s.module == "action-learning-launch"), calendar.start
    )
    session_days: dict[str, set[dt.date]] = defaultdict(set)
    for s in sessions:
        for group in s.audience:
            session_days[group].add(s.date)
    adviser_days: dict[str, set[dt.date]] = defaultdict(set)
    titles = {task.id: task.title for task in spec.tasks}
    sets = []
    for n, (s, (adviser, dedicated)) in enumerate(
        zip(formed, _advisers(formed, spec.facilitators), strict=True), 1
    ):
        clash = set().union(*(session_days[m.stakeholder] for m in s.members))
        supported = None if dedicated else t.ADVISER_SUPPORTED_MEETINGS
        first = launch + dt.timedelta(days=7 + (n - 1) % 3)
        meetings = _meetings(
            first,
            calendar,
            spec.programme.set_cadence_weeks,
            clash | (adviser_days[adviser] if adviser else set()),
        )
        kept = len(meetings) if supported is None else min(supported, len(meetings))
        if adviser:
            adviser_days[adviser] |= set(meetings[:kept])
        sets.append(
            ActionLearningSet(
                id=f"set-{n}",
                task=s.task,
                facilitator=adviser,
                adviser_meetings=kept if adviser else 0,
                members=s.members,
                meetings=meetings,
                start=t.SET_START,
                minutes=t.SET_MINUTES,
                purpose=(
                    f"To help each member make progress on '{titles[s.task]}' through "
                    f"questioning insight, and to study the task's PDSA results together."
                ),
            )
        )
    return tuple(sets), _notes(spec, sets), GROUND_RULES


def _notes(spec: Spec, sets: list[ActionLearningSet]) -> tuple[str, ...]:
    advisers = len(spec.facilitators)
    notes = [
        f"{plural(len(sets), 'set')} of {spec.programme.set_size[0]} to "
        f"{spec.programme.set_size[1]} "
        f"people, each serving one task, mixing organisations, levels and locations and "
        f"placing groups that depend on each other together."
    ]
    if advisers == 0:
        notes.append(
            "The spec names no set advisers (facilitators), so every set manages "
            "itself from its first meeting; the action-learning launch prepares "
            "members for this."
        )
    elif advisers < len(sets):
        notes.append(
            f"There {'is 1 set adviser' if advisers == 1 else f'are {advisers} set advisers'} "
            f"for {len(sets)} sets: the first "
            f"{'set keeps its' if advisers == 1 else f'{advisers} sets keep an'} "
            f"adviser throughout; the other sets have one for their first "
            f"{t.ADVISER_SUPPORTED_MEETINGS} meetings and then manage themselves (Revans 1982)."
        )
    notes.append(
        f"After {t.SET_LIFETIME_MEETINGS} meetings a set re-contracts: it agrees "
        f"whether to continue, and how, or closes."
    )
    return tuple(notes)
