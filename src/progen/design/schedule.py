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

from progen.design import thresholds as t
from progen.design.calendar import Calendar
from progen.design.sessions import Draft, after_prerequisites
from progen.errors import Problem, UserError


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


def schedule(
    drafts: tuple[Draft, ...], calendar: Calendar, source: str
) -> tuple[tuple[Draft, dt.date], ...]:
    """Drafts in date order with their dates; a programme too short for them is an error."""
    fractions = target_fractions(drafts)
    at = {id(d): fractions[i] for i, d in enumerate(drafts)}
    order = after_prerequisites(sorted(drafts, key=lambda d: at[id(d)]))
    busy: dict[dt.date, set[str]] = defaultdict(set)
    previous = calendar.start
    placed = []
    for d in order:
        target = max(calendar.at_fraction(at[id(d)]), previous)
        day = next(
            (o for o in calendar.open_days if o >= target and not busy[o] & set(d.audience)),
            None,
        )
        if day is None:
            raise UserError(
                [
                    Problem(
                        source,
                        1,
                        1,
                        "programme",
                        f"there are not enough open days "
                        f"for {len(drafts)} sessions between {calendar.start} and "
                        f"{calendar.end}; add weeks or session_days, or remove "
                        f"blackout dates",
                    )
                ]
            )
        busy[day] |= set(d.audience)
        previous = day
        placed.append((d, day))
    return tuple(placed)
