"""What must come before what, read from the modules' front matter.

Both the budget (a session whose requirement does not run cannot run) and the schedule
(a session comes after what it follows) read the rules here, so they cannot disagree.
Drafts are referred to by their index in the tuple given.
"""

from __future__ import annotations

from progen.design.catalogue import PHASES
from progen.design.sessions import Draft


def same_work(d: Draft, e: Draft) -> bool:
    """Two per-task sessions relate only within one task; a whole-programme session
    relates to every task's session of the other module."""
    return d.task is None or e.task is None or d.task.id == e.task.id


def _previous(e: Draft, d: Draft) -> bool:
    """e is the occurrence just before d of the same module for the same task."""
    return e.module.id == d.module.id and e.task == d.task and e.occurrence == d.occurrence - 1


def requirements(drafts: tuple[Draft, ...]) -> tuple[tuple[int, ...] | None, ...]:
    """Per draft: the drafts it cannot run without (the modules it requires or is completed
    by, and its own earlier occurrence), or None when one of those modules is not in the
    programme."""
    out: list[tuple[int, ...] | None] = []
    for d in drafts:
        needed: list[int] = []
        missing = False
        for module_id in (*d.module.requires, *d.module.completed_by):
            found = [
                i for i, e in enumerate(drafts) if e.module.id == module_id and same_work(d, e)
            ]
            missing |= not found
            needed += found
        needed += [i for i, e in enumerate(drafts) if _previous(e, d)]
        out.append(None if missing else tuple(needed))
    return tuple(out)


def follows(drafts: tuple[Draft, ...]) -> tuple[tuple[int, ...], ...]:
    """Per draft: the drafts it comes after because its module says so: requires, after,
    an earlier occurrence, and any module whose before_kinds names its kind."""
    out = []
    for d in drafts:
        earlier = set(d.module.requires) | set(d.module.after)
        out.append(
            tuple(
                i
                for i, e in enumerate(drafts)
                if e is not d
                and (
                    (e.module.id in earlier and same_work(d, e))
                    or _previous(e, d)
                    or (d.module.kind is not None and d.module.kind in e.module.before_kinds)
                )
            )
        )
    return tuple(out)


def predecessors(drafts: tuple[Draft, ...]) -> tuple[frozenset[int], ...]:
    """Per draft: everything it must be scheduled after: what it follows, the launch-phase
    sessions (the programme opens with them, whatever else is pulled early to leave the
    sets room), and for the closing event (`last`) every other session."""
    direct = follows(drafts)
    opening = frozenset(i for i, d in enumerate(drafts) if d.module.phase == PHASES[0])
    return tuple(
        frozenset(range(len(drafts))) - {i}
        if d.module.last
        else frozenset(direct[i]) | (opening if i not in opening else frozenset())
        for i, d in enumerate(drafts)
    )


def blocked(drafts: tuple[Draft, ...]) -> frozenset[int]:
    """Drafts that can never run: a module they require is not in the programme, or a
    draft they require is blocked itself."""
    needs = requirements(drafts)
    stuck = {i for i, n in enumerate(needs) if n is None}
    grew = True
    while grew:
        more = {i for i, n in enumerate(needs) if i not in stuck and n and stuck & set(n)}
        stuck |= more
        grew = bool(more)
    return frozenset(stuck)


def essential_closure(drafts: tuple[Draft, ...]) -> frozenset[int]:
    """The essential drafts that can run, with everything they require: the sessions the
    budget and the calendar must hold."""
    needs, stuck = requirements(drafts), blocked(drafts)
    todo = [i for i, d in enumerate(drafts) if d.essential and i not in stuck]
    found: set[int] = set()
    while todo:
        i = todo.pop()
        if i not in found:
            found.add(i)
            todo += needs[i] or ()
    return frozenset(found)
