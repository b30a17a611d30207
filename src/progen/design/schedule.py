"""Give every session a date and a start time, honouring every order rule.

Each phase has a window in the programme (thresholds.PHASE_WINDOWS); repeated sessions
such as PDSA clinics spread out towards the end; the session that opens the action-learning
sets comes early enough for them to meet at least four times before the closing event;
the closing event comes last. A session never runs before a session it must follow (its
module's requires, after and before_kinds rules, or an earlier occurrence), and moves to
the next open day when one of its groups is already in a session that day.

The budget (budget.py) keeps at most one taught session per open day in the sequence, so
a schedule always exists: if the windows cannot be kept, the sessions are laid out in
order across the open days instead. A spec whose essential sessions need more days than
it has is found by `calendar_problems`, which validation reports.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace

from progen.design import thresholds as t
from progen.design.calendar import Calendar, fewest_open_days, programme_calendar
from progen.design.catalogue import Module
from progen.design.diagnose import diagnose
from progen.design.model import ActionLearningSet, Omission, clock, minutes_of
from progen.design.order import essential_closure, predecessors
from progen.design.sessions import Draft, draft_sessions, session_title
from progen.spec.model import Programme as ProgrammeSpec
from progen.spec.model import Spec

Dated = tuple[Draft, dt.date, str]


def in_sequence(d: Draft) -> bool:
    """Sessions dated before the sets are planned; the others wait for the sets' meetings."""
    return not d.module.after_set_meetings


def calendar_problems(spec: Spec, catalogue: tuple[Module, ...]) -> list[tuple[str, str]]:
    """(path, message) when the open days cannot hold the essential sessions, one a day:
    at programme.blackout when the blackout dates alone make it so, else at
    programme.weeks. Validation reports these; the scheduler may then assume room."""
    drafts, _ = draft_sessions(spec, diagnose(spec), catalogue)
    needed = sum(1 for i in essential_closure(drafts) if in_sequence(drafts[i]))
    if needed <= fewest_open_days(spec.programme):
        return []  # room to spare whatever the bank holidays
    calendar = programme_calendar(spec.programme)
    days = len(calendar.open_days)
    if needed <= days:
        return []
    prog = spec.programme
    message = (
        f"the programme has {days} open session days from {prog.start} to {prog.end}, but "
        f"its {needed} essential sessions need one day each; "
    )
    unblocked = programme_calendar(replace(prog, blackout=()))
    if prog.blackout and needed <= len(unblocked.open_days):
        return [("programme.blackout", message + "remove some blackout dates")]
    more = "add weeks or session_days" + (", or remove blackout dates" if prog.blackout else "")
    return [("programme.weeks", message + more)]


def _fractions(drafts: tuple[Draft, ...], order: list[int]) -> list[float]:
    """Where in the programme each draft should fall, from 0 to 1: a phase's modules spread
    across its window in `order` (one module's per-task sessions together), and a module's
    later occurrences spread from its first towards LATEST_REPEAT."""
    modules: dict[str, list[str]] = defaultdict(list)
    for i in order:
        d = drafts[i]
        if d.module.id not in modules[d.module.phase]:
            modules[d.module.phase].append(d.module.id)
    at: dict[str, float] = {}
    for phase, ids in modules.items():
        low, high = t.PHASE_WINDOWS[phase]
        for k, module_id in enumerate(ids):
            at[module_id] = low + (high - low) * k / max(len(ids) - 1, 1)
    return [
        at[d.module.id] + (t.LATEST_REPEAT - at[d.module.id]) * (d.occurrence - 1) / d.module.repeat
        for d in drafts
    ]


def _topological(
    drafts: tuple[Draft, ...], before: tuple[frozenset[int], ...], key: list
) -> list[int]:
    """Indices with every draft after its predecessors, otherwise in `key` order."""
    after: dict[int, list[int]] = defaultdict(list)
    waiting = [len(b) for b in before]
    for i, b in enumerate(before):
        for p in b:
            after[p].append(i)
    ready = [(key[i], i) for i, n in enumerate(waiting) if n == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        _, i = heapq.heappop(ready)
        out.append(i)
        for j in after[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, (key[j], j))
    assert len(out) == len(drafts), "the catalogue's order rules hold a circle"
    return out


def _targets(
    drafts: tuple[Draft, ...], calendar: Calendar, room: dt.timedelta, before, order: list[int]
) -> list[int]:
    """Target open days (indices into calendar.open_days): the phase windows, each session
    a day after what it follows, and the sets' opening at least `room` before the closing
    event (what it follows is brought forward to make room)."""
    days = calendar.open_days
    at = [calendar.at_fraction(f) for f in _fractions(drafts, order)]
    targets = [min(bisect.bisect_left(days, day), len(days) - 1) for day in at]
    for i in order:
        targets[i] = max([targets[i]] + [targets[p] + 1 for p in before[i]])
    closing = min((targets[i] for i, d in enumerate(drafts) if d.module.last), default=None)
    if closing is not None:  # a long chain of what must come first can push it past the end
        closing = min(closing, len(days) - 1)
    end = calendar.end if closing is None else days[closing]
    try:
        latest = bisect.bisect_right(days, end - room)
    except OverflowError:  # a programme in the first weeks of the year 1
        latest = 0
    for i, d in enumerate(drafts):
        if d.module.opens_sets:
            targets[i] = max(0, min(targets[i], latest - 1))
    for i in reversed(order):
        for p in before[i]:
            targets[p] = min(targets[p], targets[i] - 1)
    return targets


@dataclass(frozen=True)
class Slots:
    """When taught sessions start: the programme's session_start and, for a second session
    the same day, AFTERNOON_AFTER_MINUTES later (None when that would start after
    LATEST_AFTERNOON: sessions that start at 13:00 have no second one at 17:00)."""

    morning: str
    afternoon: str | None

    @classmethod
    def of(cls, programme: ProgrammeSpec) -> Slots:
        start = programme.session_start
        later = minutes_of(start) + t.AFTERNOON_AFTER_MINUTES
        fits = later <= t.LATEST_AFTERNOON
        return cls(start, clock(start, t.AFTERNOON_AFTER_MINUTES) if fits else None)


def _slot(busy, day: dt.date, draft: Draft, afternoon: bool, slots: Slots) -> str | None:
    """The start time free for all of the draft's groups on `day`, if any: mornings first;
    afternoons only for sessions short enough to follow a morning one."""
    groups = set(draft.audience)
    if not afternoon:
        return (
            slots.morning if not busy[day, "am"] & groups and not busy[day, "pm"] & groups else None
        )
    if (
        slots.afternoon
        and draft.minutes <= t.AFTERNOON_MAX_MINUTES
        and not busy[day, "pm"] & groups
        and not (busy[day, "long"] & groups)
    ):
        return slots.afternoon
    return None


def _book(busy, d: Draft, day: dt.date, start: str, slots: Slots) -> None:
    slot = "am" if start == slots.morning else "pm"
    busy[day, slot] |= set(d.audience)
    if slot == "am" and d.minutes > t.AFTERNOON_MAX_MINUTES:
        busy[day, "long"] |= set(d.audience)


def _candidates(low: int, target: int, high: int) -> Iterator[tuple[int, bool]]:
    """(open-day index, afternoon?) in the order to try them: mornings from the target on,
    then mornings before it (nearest first), then afternoons."""
    yield from ((k, False) for k in range(max(low, target), high + 1))
    yield from ((k, False) for k in range(min(target, high + 1) - 1, low - 1, -1))
    yield from ((k, True) for k in range(low, high + 1))


def _in_windows(
    drafts: tuple[Draft, ...], calendar: Calendar, room: dt.timedelta, slots: Slots
) -> list[tuple[dt.date, str]] | None:
    """Each draft's (day, start) near its target, after everything it follows and early
    enough for everything that follows it; None when the windows cannot be kept."""
    days = calendar.open_days
    before = predecessors(drafts)
    order = _topological(drafts, before, [d.rank for d in drafts])
    targets = _targets(drafts, calendar, room, before, order)
    order = _topological(drafts, before, [(targets[i], d.rank) for i, d in enumerate(drafts)])
    latest = [len(days) - 1] * len(drafts)
    for i in reversed(order):
        for p in before[i]:
            latest[p] = min(latest[p], latest[i] - 1)
    busy: dict[tuple[dt.date, str], set[str]] = defaultdict(set)
    placed: dict[int, tuple[int, str]] = {}
    for i in order:
        low = max((placed[p][0] + 1 for p in before[i]), default=0)
        found = next(
            (
                (k, start)
                for k, afternoon in _candidates(low, targets[i], latest[i])
                if (start := _slot(busy, days[k], drafts[i], afternoon, slots))
            ),
            None,
        )
        if found is None:
            return None
        placed[i] = found
        _book(busy, drafts[i], days[found[0]], found[1], slots)
    return [(days[placed[i][0]], placed[i][1]) for i in range(len(drafts))]


def _one_a_day(
    drafts: tuple[Draft, ...], calendar: Calendar, slots: Slots
) -> list[tuple[dt.date, str]]:
    """One session a day in an order that honours every rule, spread evenly over the
    open days: the layout that always exists when the budget has kept the sessions to at
    most one per open day."""
    days = calendar.open_days
    order = _topological(drafts, predecessors(drafts), [d.rank for d in drafts])
    assert len(order) <= len(days), "the budget keeps one session a day at most"
    out: list[tuple[dt.date, str]] = [(calendar.start, "")] * len(drafts)
    for n, i in enumerate(order):
        out[i] = (days[n * len(days) // len(order)], slots.morning)
    return out


def _sets_room(
    drafts: tuple[Draft, ...], calendar: Calendar, cadence: int, slots: Slots
) -> list[tuple[dt.date, str]] | None:
    """The windowed schedule in which the session that opens the sets comes at least
    (SET_MEETINGS_BEFORE_CLOSE - 1) cadences and SET_LAUNCH_SLACK_WEEKS before the closing
    event: aimed that far ahead, then a week earlier each time busy days pushed it too
    late (up to SET_LAUNCH_SLACK_WEEKS times); the last schedule that could be made."""
    room = dt.timedelta(
        weeks=cadence * (t.SET_MEETINGS_BEFORE_CLOSE - 1) + t.SET_LAUNCH_SLACK_WEEKS
    )
    best = None
    for extra in range(t.SET_LAUNCH_SLACK_WEEKS + 1):
        when = _in_windows(drafts, calendar, room + dt.timedelta(weeks=extra), slots)
        if when is None:
            break
        best = when
        launch = [when[i][0] for i, d in enumerate(drafts) if d.module.opens_sets]
        closing = [when[i][0] for i, d in enumerate(drafts) if d.module.last]
        if not launch or not closing or closing[0] - max(launch) >= room:
            break
    return best


def schedule(
    drafts: tuple[Draft, ...], calendar: Calendar, programme: ProgrammeSpec
) -> tuple[Dated, ...]:
    """The drafts with their dates and start times (from programme.session_start), in date
    order."""
    slots = Slots.of(programme)
    cadence = programme.set_cadence_weeks
    when = _sets_room(drafts, calendar, cadence, slots) or _one_a_day(drafts, calendar, slots)
    return tuple(
        sorted(
            ((d, day, start) for d, (day, start) in zip(drafts, when, strict=True)),
            key=lambda x: (x[1], x[2], x[0].rank),
        )
    )


def apart(start: str, minutes: int, other: str, other_minutes: int) -> bool:
    """Whether two meetings on one day leave at least SET_AFTER_SESSION_BREAK between them."""
    a, b = minutes_of(start), minutes_of(other)
    gap = t.SET_AFTER_SESSION_BREAK
    return a + minutes + gap <= b or b + other_minutes + gap <= a


def after_set_meetings(
    drafts: tuple[Draft, ...],
    dated: tuple[Dated, ...],
    sets: tuple[ActionLearningSet, ...],
    calendar: Calendar,
    programme: ProgrammeSpec,
) -> tuple[tuple[Dated, ...], tuple[Omission, ...]]:
    """Date the sessions that wait for the sets (after_set_meetings: n): on the first open
    day after every set's n-th meeting, and before the closing event, on which none of the
    session's audience has a set meeting at the same time of day (a set meeting in the
    morning leaves the afternoon free, with a break between). One that cannot be placed
    does not run."""
    slots = Slots.of(programme)
    busy: dict[tuple[dt.date, str], set[str]] = defaultdict(set)
    for d, day, start in dated:
        _book(busy, d, day, start, slots)
    closing = next((day for d, day, _ in dated if d.module.last), calendar.end + dt.timedelta(1))
    meets: dict[str, set[dt.date]] = defaultdict(set)
    for s in sets:
        for m in s.members:
            meets[m.stakeholder] |= set(s.meetings)
    placed: list[Dated] = []
    omitted: list[Omission] = []
    for d in drafts:
        n = d.module.after_set_meetings
        times = {1: "once", 2: "twice"}.get(n, f"{n} times")
        short = sum(1 for s in sets if len(s.meetings) < n)
        if not sets or short:
            omitted.append(
                Omission(
                    d.module.id,
                    session_title(d),
                    f"it comes after every action-learning set has met {times}, and "
                    f"{short or 'no'} set{'s' * (short != 1)} "
                    f"{'meet' if short != 1 else 'meets'} {times} before the closing event",
                    "sets",
                    d.essential,
                )
            )
            continue
        done = (*dated, *placed)
        prior = predecessors((*(e for e, _, _ in done), d))[-1]
        earliest = max([s.meetings[n - 1] for s in sets] + [done[p][1] for p in prior])
        earliest += dt.timedelta(1)
        groups = set(d.audience)
        found = next(
            (
                (day, start)
                for afternoon in (False, True)
                for day in calendar.open_days
                if earliest <= day < closing
                if (start := _slot(busy, day, d, afternoon, slots))
                if not any(day in meets[g] for g in groups)
                or apart(start, d.minutes, programme.set_start, t.SET_MINUTES)
            ),
            None,
        )
        if found is None:
            omitted.append(
                Omission(
                    d.module.id,
                    session_title(d),
                    f"it comes after every action-learning set has met {times}, and no open "
                    f"day between then and the closing event is free of its groups' set "
                    f"meetings and sessions",
                    "sets",
                    d.essential,
                )
            )
            continue
        _book(busy, d, *found, slots)
        placed.append((d, *found))
    return tuple(placed), tuple(omitted)
