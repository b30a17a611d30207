"""Who runs each taught session: the spec's facilitators in turn, a lead and a second.

The spec names the people who facilitate (`facilitators`); they advise the sets too. A
session has its lead facilitator and, when the spec names more than one, a second, so
that a group of twenty or more can work at tables and one facilitator can step out with
someone. Leads take turns in session order so the work is shared evenly; a facilitator
advising a set meeting on a session's day is passed over where someone else is free, since
a set meeting can follow a morning session; and a session for top-team members is led,
where the spec allows, by someone from none of their organisations, so no one facilitates
their own executives. These are progen's defaults, not evidence: the handbook says the
lead can swap with anyone who is free.
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
    home = {f.name: f.organisation for f in spec.facilitators}
    advising = {(m.date, m.adviser) for s in sets for m in s.schedule if m.adviser}
    out = []
    for turn, session in enumerate(sessions):
        rota = names[turn % len(names) :] + names[: turn % len(names)]
        own = _executives_organisations(spec, session)
        # passed over: advising a set that day, then a colleague of the session's executives
        order = sorted(
            rota, key=lambda n, s=session, o=own: ((s.date, n) in advising, home[n] in o)
        )
        out.append(replace(session, facilitators=tuple(order[:PER_SESSION])))
    return tuple(out)


def _executives_organisations(spec: Spec, session: Session) -> set[str | None]:
    """The organisations of a session for top-team members only (none otherwise): their
    own colleague should not lead it."""
    groups = [spec.stakeholder(g) for g in session.audience]
    if not groups or any(g.level != "top-team" for g in groups):
        return set()
    return {g.organisation for g in groups}
