"""Find sets that score well: construction, then seeded local search.

*Construction.* Each task's people are ordered by organisation, level and location and
dealt round-robin into its sets, top-team members first, which already separates
colleagues from the same place and gives no set more than its share of the top team.

*Local search.* Seeded descent over swaps (two people trade sets, across tasks too when
both may serve either) and moves (one person changes set while sizes stay in range), using
the score's own incremental changes (set_score.mixing_change and set_value), within a fixed
evaluation budget so run time does not depend on the machine and output does not depend on
timing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from progen.design.participants import Participant
from progen.design.set_counts import Pools, set_count
from progen.design.set_score import (
    ATTRIBUTE_WEIGHTS,
    NOBODY,
    RULE_PENALTY,
    TOP_TEAM,
    Key,
    empty_counts,
    mixing_change,
    rank_pair,
    set_value,
    top_team_cap,
    top_team_excess,
    value_change,
)

# Upper bound on score evaluations in the local search: enough for small programmes to reach
# (near) optimum with several restarts, and bounded so 5,000 people stay well under a second.
_EVALUATION_BUDGET = 80_000
_RESTARTS = 12
# Candidate sets looked at per person and pass; all of them when there are no more than this.
_SAMPLE = 6

Neighbours = dict[int, list[tuple[int, int]]]


@dataclass(slots=True)
class Layout:
    """Mutable working state of the search, so the hot loop updates counts in place.

    Per set: its task, members, key counts (a key is deleted at zero so that `key in
    counts` means "represented in the set"), mixing score, distinct organisations,
    top-team members and rank pairs (set_score.ranked). Per task: its number of
    sets, its top-team members, and how many of its sets hold each number of them, so a
    change of the task's top-team share can be scored without visiting its sets. `score`
    is the sum of set_value over sets.
    """

    keys: list[Key]
    top: list[bool]
    set_task: list[int]
    members: list[list[int]]
    counts: list[dict[int, int]]
    where: list[int]
    mixing: list[int]
    organisations: list[int]
    top_team: list[int]
    ranks: list[int]
    rank_pairs: dict[int, list[int]]  # per group key, the groups it is a rank pair with
    task_sets: list[int]
    task_top: list[int]
    task_spread: list[dict[int, int]]
    caps: list[int]  # per task: top_team_cap of its top-team members and sets
    score: int


def _set_gain(
    layout: Layout,
    nbr: Neighbours,
    s: int,
    out: Key,
    inn: Key,
    tops: int,
    cap: int,
    new_cap: int,
) -> int:
    """Change of set s's value when the person with keys `out` leaves it, the person with
    keys `inn` joins it, its top-team members change by `tops` and its task's top-team
    share goes from `cap` to `new_cap`. The search's predicted gain and the update it then
    makes (_enter) both read mixing_change, so they cannot disagree."""
    mixing, organisations, rank = mixing_change(layout.counts[s], nbr, layout.rank_pairs, out, inn)
    return value_change(
        layout.mixing[s],
        mixing,
        layout.organisations[s],
        organisations,
        layout.top_team[s],
        tops,
        cap,
        new_cap,
        rank,
    )


def _share_gain(layout: Layout, task: int, s: int, cap: int, new_cap: int) -> int:
    """Change of the values of the task's sets other than s when its top-team share goes
    from `cap` to `new_cap`: only their top-team excess can change."""
    if cap == new_cap:
        return 0
    excess = 0
    for top_team, sets in layout.task_spread[task].items():
        sets -= top_team == layout.top_team[s]
        excess += sets * (top_team_excess(top_team, new_cap) - top_team_excess(top_team, cap))
    return -RULE_PENALTY * excess


def move_gain(layout: Layout, nbr: Neighbours, p: int, there: int, q: int | None) -> int:
    """Change of the score when p moves to set `there` and q (if any) takes p's place."""
    here = layout.where[p]
    task_here, task_there = layout.set_task[here], layout.set_task[there]
    cap_here, cap_there = layout.caps[task_here], layout.caps[task_there]
    mover, other = layout.keys[p], NOBODY if q is None else layout.keys[q]
    tops = layout.top[p] - (q is not None and layout.top[q])
    if task_here == task_there or not tops:
        return _set_gain(layout, nbr, here, mover, other, -tops, cap_here, cap_here) + _set_gain(
            layout, nbr, there, other, mover, tops, cap_there, cap_there
        )
    new_here = top_team_cap(layout.task_top[task_here] - tops, layout.task_sets[task_here])
    new_there = top_team_cap(layout.task_top[task_there] + tops, layout.task_sets[task_there])
    return (
        _set_gain(layout, nbr, here, mover, other, -tops, cap_here, new_here)
        + _set_gain(layout, nbr, there, other, mover, tops, cap_there, new_there)
        + _share_gain(layout, task_here, here, cap_here, new_here)
        + _share_gain(layout, task_there, there, cap_there, new_there)
    )


def _enter(layout: Layout, nbr: Neighbours, s: int, out: int | None, inn: int | None) -> None:
    """Update set s's running counts for `out` leaving and `inn` joining."""
    keys, top = layout.keys, layout.top
    counts = layout.counts[s]
    leaving = NOBODY if out is None else keys[out]
    joining = NOBODY if inn is None else keys[inn]
    mixing, organisations, rank = mixing_change(counts, nbr, layout.rank_pairs, leaving, joining)
    layout.ranks[s] += rank
    tops = (inn is not None and top[inn]) - (out is not None and top[out])
    if out is not None:
        layout.members[s].remove(out)
        for key in leaving:
            if counts[key] == 1:
                del counts[key]
            else:
                counts[key] -= 1
    if inn is not None:
        layout.members[s].append(inn)
        for key in joining:
            counts[key] = counts.get(key, 0) + 1
        layout.where[inn] = s
    if tops:
        task, spread = layout.set_task[s], layout.task_spread[layout.set_task[s]]
        before = layout.top_team[s]
        spread[before] -= 1
        spread[before + tops] = spread.get(before + tops, 0) + 1
        layout.top_team[s] += tops
        layout.task_top[task] += tops
        layout.caps[task] = top_team_cap(layout.task_top[task], layout.task_sets[task])
    layout.mixing[s] += mixing
    layout.organisations[s] += organisations


def apply_move(layout: Layout, nbr: Neighbours, p: int, there: int, q: int | None) -> None:
    """Move p to set `there` and q (if any) to p's set, keeping every running total."""
    here = layout.where[p]
    layout.score += move_gain(layout, nbr, p, there, q)
    _enter(layout, nbr, here, p, q)
    _enter(layout, nbr, there, q, p)


def _descend(
    layout: Layout,
    nbr: Neighbours,
    compatible: list[list[int]],
    eligible: list[frozenset[int]],
    size: tuple[int, int],
    rng: random.Random,
    budget: int,
) -> int:
    """Improve the layout by swaps and moves until a pass finds nothing; returns budget left."""
    low, high = size
    keys, set_task, members, counts, where = (
        layout.keys,
        layout.set_task,
        layout.members,
        layout.counts,
        layout.where,
    )
    order = list(range(len(keys)))
    improved = True
    while improved and budget > 0:
        improved = False
        rng.shuffle(order)
        for p in order:
            if budget <= 0:
                break
            here = where[p]
            options = compatible[p]
            if len(options) > _SAMPLE:
                own = keys[p]
                if all(counts[here][k] == 1 for k in own[:3]) and not any(
                    g in counts[here] for g in layout.rank_pairs.get(own[3], ())
                ):
                    # too many options to try all: spend them on people who repeat a
                    # value or put rank in the room
                    continue
                options = rng.sample(options, _SAMPLE)
            task_here = set_task[here]
            best, best_gain = None, 0
            for there in options:
                if there == here:
                    continue
                budget -= len(members[there]) + 1
                if len(members[here]) > low and len(members[there]) < high:
                    gain = move_gain(layout, nbr, p, there, None)
                    if gain > best_gain:
                        best, best_gain = (there, None), gain
                for q in members[there]:
                    if task_here in eligible[q]:
                        gain = move_gain(layout, nbr, p, there, q)
                        if gain > best_gain:
                            best, best_gain = (there, q), gain
            if best is not None:
                apply_move(layout, nbr, p, *best)
                improved = True
    return budget


def _regrade(
    layout: Layout,
    nbr: Neighbours,
    compatible: list[list[int]],
    eligible: list[frozenset[int]],
    size: tuple[int, int],
    budget: int,
) -> tuple[bool, int]:
    """Move a whole group out of a set it puts rank in (set_score.ranked), where that
    raises the score; returns (improved, budget left).

    Single moves and swaps cannot clear rank when two or more colleagues of one group must
    leave together (taking one away leaves the set as ranked as before and mixing less),
    so the descent stops short; this tries those moves as one."""
    low, high = size
    keys, members, improved = layout.keys, layout.members, False
    for here in range(len(members)):
        if not layout.ranks[here]:
            continue
        counts = layout.counts[here]
        groups: dict[int, list[int]] = {}
        for p in members[here]:
            if any(g in counts for g in layout.rank_pairs.get(keys[p][3], ())):
                groups.setdefault(keys[p][3], []).append(p)
        for movers in sorted(groups.values(), key=len):
            if layout.where[movers[0]] != here:
                continue
            shrinks = len(members[here]) - len(movers) >= low
            targets = set(compatible[movers[0]]).intersection(*(compatible[p] for p in movers))
            group = keys[movers[0]][3]
            for there in sorted(targets - {here}):
                if budget <= 0:
                    return improved, budget
                # a plain move where sizes allow, else a swap with as many of `there`'s
                # members of other groups as can serve here, those who bring no rank of
                # their own into it first
                back: list[int | None] = [None] * len(movers)
                if not shrinks or len(members[there]) + len(movers) > high:
                    task = layout.set_task[here]
                    ranked_with = layout.rank_pairs
                    back = sorted(
                        (q for q in members[there] if keys[q][3] != group and task in eligible[q]),
                        key=lambda q: any(
                            g in counts and g != group for g in ranked_with.get(keys[q][3], ())
                        ),
                    )[: len(movers)]
                    if len(back) < len(movers):
                        continue
                budget -= len(movers) * 2
                before = layout.score
                for p, q in zip(movers, back, strict=True):
                    apply_move(layout, nbr, p, there, q)
                if layout.score > before:
                    improved = True
                    break
                for p, q in zip(movers, back, strict=True):  # undo, pair by pair
                    if q is None:
                        apply_move(layout, nbr, p, here, None)
                    else:
                        apply_move(layout, nbr, q, there, p)
    return improved, budget


def _deal(
    task_people: list[list[int]], set_counts: list[int], top: list[bool]
) -> list[tuple[int, list[int]]]:
    """Deal each task's people round-robin into its sets, top-team members first: sizes
    come out balanced and no set gets more than its share of the top team."""
    sets: list[tuple[int, list[int]]] = []
    for task, (pool, k) in enumerate(zip(task_people, set_counts, strict=True)):
        dealt = [p for p in pool if top[p]] + [p for p in pool if not top[p]]
        sets.extend((task, dealt[j::k]) for j in range(k))
    return sets


def _share_people(
    pools: Pools, shares: tuple[tuple[tuple[int, int], ...], ...], order: list[int]
) -> list[list[int]]:
    """People per task: the fixed ones plus each class's people handed out by its quotas."""
    rank = {p: i for i, p in enumerate(order)}
    task_people = [list(f) for f in pools.fixed]
    for people, quotas in zip(pools.shared, shares, strict=True):
        queue = sorted(people, key=rank.__getitem__)
        for task, count in quotas:
            task_people[task].extend(queue[:count])
            queue = queue[count:]
    return [sorted(pool, key=rank.__getitem__) for pool in task_people]


def encode(
    people: Sequence[Participant], depends: frozenset[tuple[str, str]]
) -> tuple[list[Key], Neighbours, dict[int, list[int]]]:
    """Integer keys per person; per group key, its depends_on neighbours with multiplicity;
    and per group key, the groups it would put rank in the room with (set_score.rank_pair)."""
    ids: dict[tuple[int, str], int] = {}

    def key(kind: int, value: str) -> int:
        return ids.setdefault((kind, value), len(ids))

    keys = [
        (key(0, p.organisation), key(1, p.level), key(2, p.location), key(3, p.stakeholder))
        for p in people
    ]
    nbr: dict[int, dict[int, int]] = {}
    for a, b in sorted(depends):
        if a != b and (3, a) in ids and (3, b) in ids:
            ka, kb = ids[(3, a)], ids[(3, b)]
            nbr.setdefault(ka, {})[kb] = nbr.get(ka, {}).get(kb, 0) + 1
            nbr.setdefault(kb, {})[ka] = nbr.get(kb, {}).get(ka, 0) + 1
    by_organisation: dict[str, list[Participant]] = {}
    for p in {p.stakeholder: p for p in people}.values():  # one member stands for a group
        by_organisation.setdefault(p.organisation, []).append(p)
    rank_pairs: dict[int, list[int]] = {}
    for colleagues in by_organisation.values():  # rank pairs share an organisation
        for a in colleagues:
            found = [ids[(3, b.stakeholder)] for b in colleagues if rank_pair(a, b, depends)]
            if found:
                rank_pairs[ids[(3, a.stakeholder)]] = found
    return keys, {g: list(n.items()) for g, n in nbr.items()}, rank_pairs


def layout_of(
    keys: list[Key],
    top: list[bool],
    sets: list[tuple[int, list[int]]],
    nbr: Neighbours,
    rank_pairs: dict[int, list[int]],
) -> Layout:
    """The working state for these sets, each task's top-team share taken from its sets."""
    n, tasks = len(sets), max((t for t, _ in sets), default=-1) + 1
    task_sets = [0] * tasks
    for t, _ in sets:
        task_sets[t] += 1
    layout = Layout(
        keys,
        top,
        [t for t, _ in sets],
        [[] for _ in range(n)],
        [empty_counts() for _ in range(n)],
        [0] * len(keys),
        [0] * n,
        [0] * n,
        [0] * n,
        [0] * n,
        rank_pairs,
        task_sets,
        [0] * tasks,
        [{0: k} if k else {} for k in task_sets],
        [0] * tasks,
        0,
    )
    for s, (_, group) in enumerate(sets):
        for p in group:
            _enter(layout, nbr, s, None, p)
        if group:  # joining an empty set adds every weight, but one person crosses nothing
            layout.mixing[s] -= sum(ATTRIBUTE_WEIGHTS)
    layout.score = sum(
        set_value(
            layout.mixing[s],
            layout.organisations[s],
            layout.top_team[s],
            layout.caps[layout.set_task[s]],
            layout.ranks[s],
        )
        for s in range(n)
    )
    return layout


def search(
    people: Sequence[Participant],
    pools: Pools,
    shares: tuple[tuple[tuple[int, int], ...], ...],
    size: tuple[int, int],
    depends: frozenset[tuple[str, str]],
    seed: int,
) -> Layout:
    """The best layout found from a sorted deal and shuffled restarts, on a fixed budget."""
    keys, nbr, rank_pairs = encode(people, depends)
    top = [p.level == TOP_TEAM for p in people]
    eligible = [frozenset(pools.tasks.index(t) for t in p.tasks) for p in people]
    rng = random.Random(seed)

    by_attributes = sorted(range(len(people)), key=lambda i: keys[i])
    task_people = _share_people(pools, shares, by_attributes)
    set_counts = [set_count(len(pool), size) if pool else 0 for pool in task_people]
    sets_of_task: list[list[int]] = []
    for k in set_counts:
        start = sum(len(s) for s in sets_of_task)
        sets_of_task.append(list(range(start, start + k)))
    sets_serving = {e: [s for t in sorted(e) for s in sets_of_task[t]] for e in set(eligible)}
    compatible = [sets_serving[e] for e in eligible]

    best: Layout | None = None
    budget = _EVALUATION_BUDGET
    for attempt in range(_RESTARTS):
        if attempt:
            order = list(range(len(people)))
            rng.shuffle(order)
            task_people = _share_people(pools, shares, order)
        layout = layout_of(keys, top, _deal(task_people, set_counts, top), nbr, rank_pairs)
        budget = _descend(layout, nbr, compatible, eligible, size, rng, budget)
        regraded = True
        while regraded and budget > 0:
            regraded, budget = _regrade(layout, nbr, compatible, eligible, size, budget)
            if regraded:
                budget = _descend(layout, nbr, compatible, eligible, size, rng, budget)
        if best is None or layout.score > best.score:
            best = layout
        if budget <= 0:
            break
    assert best is not None
    return best
