"""Give every session a date and a start time.

Each phase has a window in the programme (thresholds.PHASE_WINDOWS), repeated
sessions such as PDSA clinics spread out towards the end, and a session moves to
the next open day when its target falls on a closed one or when one of its groups
is already in another session that day. Sessions never run before their
prerequisites.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from progen.design import thresholds as t
from progen.design.calendar import Calendar
from progen.design.sessions import Draft, after_prerequisites
from progen.errors import Problem, UserError

Located = tuple[str, int, int]  # file, line, column


def target_fractions(drafts: tuple[Draft, ...]) -> dict[int, float]:
    """Where in the programme each draft (by index) should fall, from 0 to 1."""
    by_phase: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(drafts):
        if d.occurrence == 1:
            by_phase[d.module.phase].append(i)
    fractions: dict[int, float] = {}
    for phase, members in by_phase.items():
        low, high = t.PHASE_WINDOWS[phase]
        for k, i in enumerate(members):
            fractions[i] = low + (high - low) * k / max(len(members) - 1, 1)
    for i, d in enumerate(drafts):
        if d.occurrence > 1:
            low = t.PHASE_WINDOWS[d.module.phase][0]
            first = fractions.get(i - d.occurrence + 1, low)
            fractions[i] = first + (t.LATEST_REPEAT - first) * (d.occurrence - 1) / d.module.repeat
    return fractions


def _slot(busy, day: dt.date, draft: Draft, afternoon: bool) -> str | None:
    """The start time free for all of the draft's groups on `day`, if any: mornings first;
    afternoons only for sessions short enough to follow a morning one."""
    groups = set(draft.audience)
    if not afternoon:
        return (
            t.SESSION_START
            if not busy[day, "am"] & groups and not busy[day, "pm"] & groups
            else None
        )
    if (
        draft.minutes <= t.AFTERNOON_MAX_MINUTES
        and not busy[day, "pm"] & groups
        and not (busy[day, "long"] & groups)
    ):
        return t.AFTERNOON_START
    return None


def _candidates(
    calendar: Calendar, previous: dt.date, target: dt.date, short: bool
) -> Iterator[tuple[dt.date, bool]]:
    """(day, afternoon?) in the order to try them. Normally mornings from the target day,
    then mornings before it (nearest first: the target may fall after the last open day),
    then afternoons. When there are fewer open days than sessions, day by day from the last
    session, filling afternoons so the programme still fits."""
    days = [o for o in calendar.open_days if o >= previous]
    earlier = [(day, False) for day in reversed(days) if day < target]
    if short:
        for day in days:
            if day >= target:
                yield day, False
            yield day, True
        yield from earlier
        return
    yield from ((day, False) for day in days if day >= target)
    yield from earlier
    yield from ((day, True) for day in days)


def schedule(
    drafts: tuple[Draft, ...], calendar: Calendar, weeks_at: Located
) -> tuple[tuple[Draft, dt.date, str], ...]:
    """Drafts in date order with their dates and start times; a programme too short for
    them, even with two sessions a day, is an error."""
    fractions = target_fractions(drafts)
    at = {id(d): fractions[i] for i, d in enumerate(drafts)}
    order = after_prerequisites(sorted(drafts, key=lambda d: at[id(d)]))
    busy: dict[tuple[dt.date, str], set[str]] = defaultdict(set)
    previous = calendar.start
    placed = []
    short = len(calendar.open_days) < len(order)
    for d in order:
        target = max(calendar.at_fraction(at[id(d)]), previous)
        found = next(
            (
                (day, start)
                for day, afternoon in _candidates(calendar, previous, target, short)
                if (start := _slot(busy, day, d, afternoon))
            ),
            None,
        )
        if found is None:
            file, line, column = weeks_at
            raise UserError(
                [
                    Problem(
                        file,
                        line,
                        column,
                        "programme.weeks",
                        f"there are not enough open days for {len(drafts)} sessions between "
                        f"{calendar.start} and {calendar.end}; add weeks or session_days, "
                        f"or remove blackout dates",
                    )
                ]
            )
        day, start = found
        slot = "am" if start == t.SESSION_START else "pm"
        busy[day, slot] |= set(d.audience)
        if slot == "am" and d.minutes > t.AFTERNOON_MAX_MINUTES:
            busy[day, "long"] |= set(d.audience)
        previous = day
        placed.append((d, day, start))
    return tuple(placed)
