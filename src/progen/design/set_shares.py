"""Every task a group serves hears from that group: a repair after the set search.

A member of a group serving several tasks works on the task their set serves, and comes to
that task's own sessions only (participants.expected_at). The set search balances mixing,
not representation, so it can put all of a group's members into one task's sets: the other
task then plans its changes without them (every survivor of a stroke in the discharge
sets, none in "Life after stroke"). This pass moves or swaps members so that each task
holds at least one member of every group that serves it, wherever that keeps every set
within its size and takes no one from a task where their group would then be absent.
Where it cannot, `absent_warnings` says so at the group's line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from progen.design.model import ActionLearningSet
from progen.design.participants import Participant, dependency_pairs, tasks_served
from progen.design.set_score import TOP_TEAM, FormedSet, ranked
from progen.errors import Problem
from progen.spec.model import Spec


def _count(sets: Sequence[FormedSet] | Sequence[ActionLearningSet]) -> Counter[tuple[str, str]]:
    """(group, task) -> members of the group in that task's sets."""
    return Counter((m.stakeholder, s.task) for s in sets for m in s.members)


def _without(s: FormedSet, p: Participant) -> FormedSet:
    return replace(s, members=tuple(m for m in s.members if m != p))


def _with(s: FormedSet, p: Participant) -> FormedSet:
    return replace(s, members=(*s.members, p))


def _spare(
    sets: Sequence[FormedSet], counts: Counter[tuple[str, str]], group: str, task: str
) -> list[tuple[int, Participant]]:
    """(set index, member) of `group` who could leave their task's sets for `task`'s: the
    group keeps someone in their task (`counts` is _count of `sets`). Never a top-team
    member: the top team's spread over the sets is settled by the search."""
    return [
        (i, m)
        for i, s in enumerate(sets)
        if s.task != task and counts[(group, s.task)] > 1
        for m in s.members
        if m.stakeholder == group and m.level != TOP_TEAM
    ]


def _keeps(before: FormedSet, after: FormedSet, rank: frozenset[tuple[str, str]] | None) -> bool:
    """A change keeps a set's rule: one that crossed organisations still does; and, with
    `rank` (the spec's depends_on pairs), it brings no more rank into the room
    (set_score.ranked) than the set had."""
    organisations = len({m.organisation for m in after.members})
    if organisations == 1 and len({m.organisation for m in before.members}) > 1:
        return False
    return rank is None or ranked(after.members, rank) <= ranked(before.members, rank)


def _place(
    sets: list[FormedSet],
    counts: Counter[tuple[str, str]],
    size: tuple[int, int],
    p: Participant,
    at: int,
    task: str,
    rank: frozenset[tuple[str, str]] | None = None,
) -> bool:
    """Move p from set `at` into one of `task`'s sets, or swap them with a member there
    who serves p's old task and whose own group stays in `task` without them; `counts`
    (_count of `sets`) is kept up to date, so no pass recounts thousands of members."""
    low, high = size
    here = sets[at].task
    targets = sorted(
        (j for j, s in enumerate(sets) if s.task == task),
        key=lambda j: (sum(m.organisation == p.organisation for m in sets[j].members), j),
    )
    for j in targets:
        if len(sets[j].members) < high and len(sets[at].members) > low:
            left, joined = _without(sets[at], p), _with(sets[j], p)
            if _keeps(sets[at], left, rank) and _keeps(sets[j], joined, rank):
                sets[at], sets[j] = left, joined
                counts[(p.stakeholder, here)] -= 1
                counts[(p.stakeholder, task)] += 1
                return True
    for j in targets:
        for q in sets[j].members:
            if here in q.tasks and counts[(q.stakeholder, task)] > 1 and q.level != TOP_TEAM:
                left, joined = _with(_without(sets[at], p), q), _with(_without(sets[j], q), p)
                if _keeps(sets[at], left, rank) and _keeps(sets[j], joined, rank):
                    sets[at], sets[j] = left, joined
                    counts[(p.stakeholder, here)] -= 1
                    counts[(p.stakeholder, task)] += 1
                    counts[(q.stakeholder, task)] -= 1
                    counts[(q.stakeholder, here)] += 1
                    return True
    return False


def shared_out(spec: Spec, formed: Sequence[FormedSet]) -> tuple[FormedSet, ...]:
    """The sets with each task holding a member of every group that serves it, where a
    move or a swap allows (the module docstring); groups and tasks in spec order."""
    sets = list(formed)
    counts = _count(sets)
    depends = dependency_pairs(spec)
    for group, tasks in tasks_served(spec).items():
        if len(tasks) < 2:
            continue
        for task in tasks:
            if counts[(group, task)]:
                continue
            # first a place that brings no rank into a set, then any place at all
            for rank in (depends, None):
                size = spec.programme.set_size
                spare = _spare(sets, counts, group, task)
                if any(_place(sets, counts, size, p, at, task, rank) for at, p in spare):
                    break
    return tuple(sets)


def absent_warnings(spec: Spec, sets: Sequence[ActionLearningSet]) -> tuple[Problem, ...]:
    """A group serving several tasks with nobody in one task's sets: none of its members
    comes to that task's own sessions, though they are listed for them."""
    counts = _count(sets)
    titles = {t.id: t.title for t in spec.tasks}
    served = tasks_served(spec)
    out = []
    for i, group in enumerate(spec.stakeholders):
        tasks = served.get(group.id, ())
        missing = [t for t in tasks if len(tasks) > 1 and not counts[(group.id, t)]]
        if missing:
            named = " and ".join(f"'{titles[t]}'" for t in missing)
            out.append(
                spec.where.warning(
                    ("stakeholders", i),
                    f"none of {group.name} is in a set for {named}, so none of them comes to "
                    f"that task's own sessions: no move between sets keeps every set within its "
                    f"size and crossing organisations; add people to the group, or widen "
                    f"programme.set_size",
                    at_key=True,
                )
            )
    return tuple(out)
