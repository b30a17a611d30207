"""Who runs each taught session: the spec's facilitators in turn, a lead and a second.

The spec names the people who facilitate (`facilitators`); they advise the sets too. A
session has its lead facilitator and, when the spec names more than one, a second, so
that a group of twenty or more can work at tables and one facilitator can step out with
someone. Leads take turns in session order so the work is shared evenly; a facilitator
advising a set meeting on a session's day is passed over where someone else is free, since
a set meeting can follow a morning session. These are progen's defaults, not evidence:
the handbook says the lead can swap with anyone who is free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from progen.design.model import ActionLearningSet, Session
from progen.spec.model import Spec

PER_SESSION = 2  # a lead and a second, when the spec names two or more


def with_facilitators(
    spec: Spec, sessions: Sequence[Session], sets: Sequence[ActionLearningSet]
) -> tuple[Session, ...]:
    names = [f.name for f in spec.facilitators]
    if not names:
        return tuple(sessions)
    advising = {(m.date, m.adviser) for s in sets for m in s.schedule if m.adviser}
    out = []
    for turn, session in enumerate(sessions):
        rota = names[turn % len(names) :] + names[: turn % len(names)]
        free = [n for n in rota if (session.date, n) not in advising]
        busy = [n for n in rota if (session.date, n) in advising]
        out.append(replace(session, facilitators=tuple((free + busy)[:PER_SESSION])))
    return tuple(out)
