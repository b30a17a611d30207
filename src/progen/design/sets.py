"""Form action-learning sets: bring the interdependent people of each task together.

Three steps, each in its own module so it can be reasoned about and tested on its own:
how many people each task gets (set_counts: feasibility by max-flow), what a good set is
(set_score: one weight table, the rules and the fair score), and how sets are found
(set_search: construction and seeded local search).
"""

from __future__ import annotations

from collections.abc import Sequence

from progen.design.participants import Participant
from progen.design.set_counts import plan_counts, pools, transport
from progen.design.set_score import FormedSet
from progen.design.set_search import Layout, search


class SetsInfeasible(Exception):
    """A task's people cannot be split into sets within set_size, whatever shared people do."""

    def __init__(self, task_id: str, reason: str) -> None:
        super().__init__(f"task '{task_id}': {reason}")
        self.task_id = task_id
        self.reason = reason


def infeasible_tasks(
    people: Sequence[Participant], task_ids: Sequence[str], size: tuple[int, int]
) -> tuple[tuple[str, str], ...]:
    """(task id, plain-English reason) for each task whose people cannot form valid sets."""
    return tuple(plan_counts(pools(people, task_ids), size)[1])


def form_sets(
    people: Sequence[Participant],
    task_ids: Sequence[str],
    size: tuple[int, int],
    depends: frozenset[tuple[str, str]],
    seed: int = 0,
) -> tuple[FormedSet, ...]:
    """Split everyone into action-learning sets that keep the rules and mix the system as
    much, and as fairly, as the search can find (set_score says what that means).

    Raises SetsInfeasible for the first task whose people cannot form sets within `size`.
    """
    grouped = pools(people, task_ids)
    bounds, problems = plan_counts(grouped, size)
    if problems:
        raise SetsInfeasible(*problems[0])
    shares = transport(grouped, bounds)
    assert shares is not None  # plan_counts only returns bounds the flow satisfied
    return _ordered(people, task_ids, search(people, grouped, shares, size, depends, seed))


def _ordered(
    people: Sequence[Participant], task_ids: Sequence[str], layout: Layout
) -> tuple[FormedSet, ...]:
    """Stable output: sets by task then first member; members by group order then input order.

    Input order within a group keeps "Ward manager 2" before "Ward manager 10".
    """
    group_rank: dict[str, int] = {}
    for p in people:
        group_rank.setdefault(p.stakeholder, len(group_rank))

    def member_key(i: int) -> tuple[int, int]:
        return group_rank[people[i].stakeholder], i

    sets = [
        (task, sorted(group, key=member_key))
        for task, group in zip(layout.set_task, layout.members, strict=True)
    ]
    sets.sort(key=lambda s: (s[0], member_key(s[1][0])))
    return tuple(FormedSet(task_ids[t], tuple(people[i] for i in group)) for t, group in sets)
