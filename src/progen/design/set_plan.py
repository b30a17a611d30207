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
) -> list[tuple[tuple[str, ...], bool]]:
    """Per set: advisers in order of preference, and whether the set keeps its adviser for
    its whole life. The first sets each get an adviser of their own; later sets share them,
    least loaded first, preferring one from outside the set's majority organisation."""
    load: Counter[str] = Counter()
    out = []
    for i, s in enumerate(sets):
        dedicated = i < len(advisers)
        pool = [a for a in advisers if not dedicated or load[a.name] == 0]
        ranked = sorted(
            pool, key=lambda a: (load[a.name], a.organisation == _majority(s), advisers.index(a))
        )
        if ranked:
            load[ranked[0].name] += 1
        out.append((tuple(a.name for a in (ranked[:1] if dedicated else ranked)), dedicated))
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


def _clean_series(
    series: list[tuple[dt.date, ...]], busy: set[dt.date], supported: int | None
) -> tuple[tuple[dt.date, ...], int] | None:
    """The first of the set's possible series (from its preferred start, a day later each)
    whose adviser-supported meetings miss the adviser's other sets, with how many of its
    meetings the adviser attends; None when every series clashes."""
    for meetings in series:
        wanted = meetings if supported is None else meetings[:supported]
        if wanted and len(meetings) >= min(2, len(series[0])) and not busy & set(wanted):
            return meetings, len(wanted)
    return None


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
    for n, (s, (preferred, dedicated)) in enumerate(
        zip(formed, _advisers(formed, spec.facilitators), strict=True), 1
    ):
        clash = set().union(*(session_days[m.stakeholder] for m in s.members))
        supported = None if dedicated else t.ADVISER_SUPPORTED_MEETINGS
        first = launch + dt.timedelta(days=7 + (n - 1) % 3)
        cadence = spec.programme.set_cadence_weeks
        series = [
            _meetings(first + dt.timedelta(days=shift), calendar, cadence, clash)
            for shift in range(14)
        ]
        choice = next(
            (
                (name, found)
                for name in preferred
                if (found := _clean_series(series, adviser_days[name], supported))
            ),
            None,
        )
        adviser, (meetings, kept) = choice or (None, (series[0], 0))
        if adviser:
            adviser_days[adviser] |= set(meetings[:kept])
        sets.append(
            ActionLearningSet(
                id=f"set-{n}",
                task=s.task,
                facilitator=adviser,
                adviser_meetings=kept,
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
    else:
        throughout = sum(1 for x in sets if x.facilitator and x.adviser_meetings == len(x.meetings))
        first_only = sum(1 for x in sets if x.facilitator and x.adviser_meetings < len(x.meetings))
        alone = sum(1 for x in sets if not x.facilitator)
        parts = [
            f"{plural(throughout, 'set')} {'keeps' if throughout == 1 else 'keep'} an adviser "
            f"throughout"
            if throughout
            else "",
            f"{plural(first_only, 'set')} {'has' if first_only == 1 else 'have'} one for "
            f"{'its' if first_only == 1 else 'their'} first {t.ADVISER_SUPPORTED_MEETINGS} "
            f"meetings and then "
            f"{'manages itself' if first_only == 1 else 'manage themselves'}"
            if first_only
            else "",
            f"{plural(alone, 'set')} {'manages itself' if alone == 1 else 'manage themselves'} "
            f"from the start, as no adviser is free on {'its' if alone == 1 else 'their'} "
            f"meeting days"
            if alone
            else "",
        ]
        notes.append(
            f"{plural(advisers, 'set adviser')} for {plural(len(sets), 'set')}: "
            + "; ".join(x for x in parts if x)
            + ". An adviser helps a set start and then steps back (Revans 1982)."
        )
    notes.append(
        f"After {t.SET_LIFETIME_MEETINGS} meetings a set re-contracts: it agrees "
        f"whether to continue, and how, or closes."
    )
    return tuple(notes)
