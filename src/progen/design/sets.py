"""Form action-learning sets: bring the interdependent people of each task together.

Three steps, each kept apart so it can be reasoned about and tested on its own:

1. *Counts.* People whose group serves one task are fixed to it; people whose group serves
   several tasks ("shared" people) are shared out so that every task's head-count can be
   split into sets within ``set_size``. That is a small transportation problem with a
   feasible-count constraint per task, solved by backtracking over each task's feasible count
   ranges with a max-flow check, so a count that shared people could rescue is never reported
   as infeasible.
2. *Construction.* Each task's people are sorted by organisation, level and location and dealt
   round-robin into its sets, which already separates colleagues from the same place.
3. *Local search.* Seeded descent over swaps (two people trade sets, across tasks too when both
   may serve either) and moves (one person changes set while sizes stay in range), using
   incremental score deltas, within a fixed evaluation budget so run time does not depend on
   the machine and output does not depend on timing.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import ceil

from progen.design.participants import Participant

# Weights of the mixing score (see set_score). Organisation weighs most because crossing
# organisational boundaries is the programme's reason to exist; level next because the
# system view needs grades that rarely meet; location last because it often follows
# organisation. A depends_on pair brought together counts like a level: it is the direct
# form of "the people who need each other meet".
ORGANISATION_WEIGHT = 3
LEVEL_WEIGHT = 2
LOCATION_WEIGHT = 1
PAIR_WEIGHT = 2

_ATTRIBUTE_WEIGHTS = (ORGANISATION_WEIGHT, LEVEL_WEIGHT, LOCATION_WEIGHT)
# Upper bound on score evaluations in the local search: enough for small programmes to reach
# (near) optimum with several restarts, and bounded so 5,000 people stay well under a second.
_EVALUATION_BUDGET = 80_000
_RESTARTS = 12
# Candidate sets looked at per person and pass; all of them when there are no more than this.
_SAMPLE = 6
# Flow checks allowed when sharing out people; only adversarial specs come near it.
_SEARCH_BUDGET = 2_000


@dataclass(frozen=True)
class FormedSet:
    task: str
    members: tuple[Participant, ...]


class SetsInfeasible(Exception):
    """A task's people cannot be split into sets within set_size, whatever shared people do."""

    def __init__(self, task_id: str, reason: str) -> None:
        super().__init__(f"task '{task_id}': {reason}")
        self.task_id = task_id
        self.reason = reason


def set_score(members: Sequence[Participant], depends: frozenset[tuple[str, str]]) -> float:
    """How well one set mixes the system: the quantity set formation maximises.

    3 x (distinct organisations - 1) + 2 x (distinct levels - 1) + 1 x (distinct locations - 1)
    + 2 x (depends_on pairs (a, b), a != b, with both group a and group b in the set).

    Counting distinct-minus-one makes a set of colleagues from one place score 0 and each
    extra kind of person score its weight, so the total over sets is a count of boundaries
    crossed. A pair listed both ways counts twice: each direction is a stated dependency.
    """
    if not members:
        return 0.0
    groups = {p.stakeholder for p in members}
    distinct = (
        len({p.organisation for p in members}),
        len({p.level for p in members}),
        len({p.location for p in members}),
    )
    pairs = sum(1 for a, b in depends if a != b and a in groups and b in groups)
    attributes = sum(w * (d - 1) for w, d in zip(_ATTRIBUTE_WEIGHTS, distinct, strict=True))
    return float(attributes + PAIR_WEIGHT * pairs)


def total_score(sets: Iterable[FormedSet], depends: frozenset[tuple[str, str]]) -> float:
    """Sum of set_score over sets: the objective the engine and its optimum test share."""
    return sum(set_score(s.members, depends) for s in sets)


# --- Step 1: how many people each task gets -------------------------------------------------


@dataclass(frozen=True)
class _Pools:
    """People grouped by what they can serve: fixed per task, shared per set of tasks."""

    tasks: tuple[str, ...]
    fixed: tuple[tuple[int, ...], ...]  # per task: indexes of people serving only it
    classes: tuple[tuple[int, ...], ...]  # per class of shared people: task indexes served
    shared: tuple[tuple[int, ...], ...]  # per class: indexes of its people

    def reach(self, task: int) -> int:
        return len(self.fixed[task]) + sum(
            len(m) for c, m in zip(self.classes, self.shared, strict=True) if task in c
        )


def _pools(people: Sequence[Participant], task_ids: Sequence[str]) -> _Pools:
    index = {t: i for i, t in enumerate(task_ids)}
    fixed: list[list[int]] = [[] for _ in task_ids]
    classes: dict[tuple[int, ...], list[int]] = {}
    for i, person in enumerate(people):
        served = tuple(dict.fromkeys(index[t] for t in person.tasks))
        if len(served) == 1:
            fixed[served[0]].append(i)
        else:
            classes.setdefault(served, []).append(i)
    return _Pools(
        tuple(task_ids),
        tuple(map(tuple, fixed)),
        tuple(classes),
        tuple(map(tuple, classes.values())),
    )


def _fits(n: int, size: tuple[int, int]) -> bool:
    low, high = size
    return n == 0 or ceil(n / high) <= n // low


def _set_count(n: int, size: tuple[int, int]) -> int:
    """Sets for n people: sizes nearest the middle of the range (about 6 for 5-7), then fewer."""
    low, high = size
    middle = (low + high) / 2
    return min(range(ceil(n / high), n // low + 1), key=lambda k: (abs(n / k - middle), k))


def _count_options(fixed: int, reach: int, size: tuple[int, int]) -> list[tuple[int, int]]:
    """Ranges of head-counts a task may take, most permissive first and none-at-all last.

    Feasible counts are the union of [k*low, k*high] over k; these merge into one open range
    once consecutive ones touch, so there are only a few ranges to try.
    """
    low, high = size
    spans: list[tuple[int, int]] = []
    k = 1
    while k * low <= reach:
        start, end = k * low, k * high
        if spans and start <= spans[-1][1] + 1:
            start = spans.pop()[0]
        if (k + 1) * low <= k * high + 1:
            spans.append((start, max(end, reach)))
            break
        spans.append((start, end))
        k += 1
    options = [(max(a, fixed), min(b, reach)) for a, b in spans if b >= fixed]
    options.sort(key=lambda span: -span[1])
    if fixed == 0:
        options.append((0, 0))
    return options


def _max_flow(
    nodes: int, arcs: Sequence[tuple[int, int, int]], source: int, sink: int
) -> list[int]:
    """Dinic's max flow; returns the flow on each arc (the graphs here have a few hundred arcs)."""
    graph: list[list[int]] = [[] for _ in range(nodes)]
    head: list[int] = []
    cap: list[int] = []
    for u, v, c in arcs:
        graph[u].append(len(head))
        head.append(v)
        cap.append(c)
        graph[v].append(len(head))
        head.append(u)
        cap.append(0)

    def push(u: int, limit: int, level: list[int], cursor: list[int]) -> int:
        if u == sink:
            return limit
        edges = graph[u]
        while cursor[u] < len(edges):
            e = edges[cursor[u]]
            v = head[e]
            if cap[e] and level[v] == level[u] + 1:
                pushed = push(v, min(limit, cap[e]), level, cursor)
                if pushed:
                    cap[e] -= pushed
                    cap[e ^ 1] += pushed
                    return pushed
            cursor[u] += 1
        return 0

    while True:
        level = [-1] * nodes
        level[source] = 0
        queue = [source]
        for u in queue:
            for e in graph[u]:
                if cap[e] and level[head[e]] < 0:
                    level[head[e]] = level[u] + 1
                    queue.append(head[e])
        if level[sink] < 0:
            return [cap[2 * i + 1] for i in range(len(arcs))]
        cursor = [0] * nodes
        while push(source, 1 << 60, level, cursor):
            pass


def _transport(
    pools: _Pools, bounds: Sequence[tuple[int, int]]
) -> tuple[tuple[tuple[int, int], ...], ...] | None:
    """Share out the shared people so each task's head-count lies in its bounds, or None.

    A circulation with lower bounds: every shared person must go somewhere (supply fixed)
    and each task takes between its low and high bound, less the people fixed to it.
    Returns, per class, (task, how many) pairs.
    """
    n_classes, n_tasks = len(pools.classes), len(pools.tasks)
    source, sink, super_source, super_sink = 0, 1, 2, 3
    excess = [0] * (4 + n_classes + n_tasks)
    arcs: list[tuple[int, int, int]] = []
    served: list[tuple[int, int]] = []  # (class, task) per arc of the first group
    for c, (tasks, people) in enumerate(zip(pools.classes, pools.shared, strict=True)):
        excess[4 + c] += len(people)
        excess[source] -= len(people)
        for t in tasks:
            arcs.append((4 + c, 4 + n_classes + t, len(people)))
            served.append((c, t))
    for t, (low, high) in enumerate(bounds):
        low, high = max(0, low - len(pools.fixed[t])), high - len(pools.fixed[t])
        if high < low:
            return None
        arcs.append((4 + n_classes + t, sink, high - low))
        excess[sink] += low
        excess[4 + n_classes + t] -= low
    arcs.append((sink, source, 1 << 40))
    need = 0
    for node, amount in enumerate(excess):
        if amount > 0:
            arcs.append((super_source, node, amount))
            need += amount
        elif amount < 0:
            arcs.append((node, super_sink, -amount))
    flow = _max_flow(len(excess), arcs, super_source, super_sink)
    if sum(f for (u, _, _), f in zip(arcs, flow, strict=True) if u == super_source) < need:
        return None
    shares: list[list[tuple[int, int]]] = [[] for _ in pools.classes]
    for (c, t), f in zip(served, flow, strict=False):
        shares[c].append((t, f))
    return tuple(map(tuple, shares))


def _widen_hint(n: int, size: tuple[int, int]) -> str:
    """A concrete set_size that would split n people, within the schema's 3 to 10."""
    low, high = size
    for step in range(1, 8):
        wider = (max(3, low - step), min(10, high + step))
        if n >= 3 and _fits(n, wider):
            return f"widen programme.set_size (for example [{wider[0]}, {wider[1]}]) or add people"
    return "add people or lower programme.set_size"


def _local_reason(fixed: int, reach: int, size: tuple[int, int]) -> str:
    low, high = size
    hint = _widen_hint(reach, size)
    if fixed == reach:
        return f"its {reach} people cannot be split into sets of {low} to {high}; {hint}"
    return (
        f"its {fixed} to {reach} people ({fixed} serve only this task, {reach - fixed} are "
        f"shared with other tasks) cannot be split into sets of {low} to {high}; {hint}"
    )


def _joint_reason(size: tuple[int, int]) -> str:
    low, high = size
    return (
        f"its people are shared with other tasks, and there is no way to share them out so "
        f"that every task splits into sets of {low} to {high}; widen programme.set_size or "
        f"add people to the tasks that share groups"
    )


def _empty_reason(size: tuple[int, int]) -> str:
    low, high = size
    return (
        f"all its people are needed by other tasks' sets, so it would have no "
        f"action-learning set of its own; add people to it, or widen programme.set_size "
        f"(now {low} to {high})"
    )


def _fit_counts(
    pools: _Pools,
    size: tuple[int, int],
    constrained: Sequence[int],
    start: Sequence[tuple[int, int]],
) -> list[tuple[int, int]] | None:
    """Choose a feasible count range for each constrained task, backtracking on the flow check.

    The newest task (last in `constrained`) gets a set if any choice allows it, without
    taking away a set an earlier task already has. Each round first keeps the ranges already
    chosen in `start` and only places the newest task, which settles the usual case with one
    flow check per task.
    """
    free = [(len(pools.fixed[t]), pools.reach(t)) for t in range(len(pools.tasks))]
    newest = constrained[-1]
    filled = {t for t in constrained[:-1] if start[t] != (0, 0)}
    budget = [_SEARCH_BUDGET]

    def extend(
        bounds: list[tuple[int, int]], depth: int, must_fill: set[int]
    ) -> list[tuple[int, int]] | None:
        if depth == len(constrained):
            return bounds
        t = constrained[depth]
        for option in _count_options(*free[t], size):
            if option == (0, 0) and t in must_fill:
                continue
            if budget[0] <= 0:
                return None
            budget[0] -= 1
            trial = [*bounds[:t], option, *bounds[t + 1 :]]
            if _transport(pools, trial) is not None and (
                found := extend(trial, depth + 1, must_fill)
            ):
                return found
        return None

    for must_fill in (filled | {newest}, filled):
        found = extend(list(start), len(constrained) - 1, must_fill) or extend(free, 0, must_fill)
        if found:
            return found
    return None


def _plan_counts(
    pools: _Pools, size: tuple[int, int]
) -> tuple[list[tuple[int, int]], list[tuple[str, str]]]:
    """Count bounds for every task, and (task, reason) for each task no sharing can fix.

    Tasks are taken in spec order, so when tasks compete for shared people the later one is
    reported. A task left with nobody (all its people are needed by other tasks' sets) is
    reported too: a task without a set has nowhere to study its PDSA cycles.
    """
    bounds = [(len(pools.fixed[t]), pools.reach(t)) for t in range(len(pools.tasks))]
    constrained: list[int] = []
    problems: list[tuple[str, str]] = []
    for t, task in enumerate(pools.tasks):
        fixed, reach = bounds[t]
        if not _count_options(fixed, reach, size):
            problems.append((task, _local_reason(fixed, reach, size)))
            continue
        if fixed == reach:
            continue  # no shared people: the count is what it is, and it fits
        found = _fit_counts(pools, size, [*constrained, t], bounds)
        if found is None:
            problems.append((task, _joint_reason(size)))
        else:
            constrained.append(t)
            bounds = found
    reported = {task for task, _ in problems}
    problems += [
        (task, _empty_reason(size))
        for t, task in enumerate(pools.tasks)
        if bounds[t] == (0, 0) and task not in reported
    ]
    return bounds, problems


def infeasible_tasks(
    people: Sequence[Participant], task_ids: Sequence[str], size: tuple[int, int]
) -> tuple[tuple[str, str], ...]:
    """(task id, plain-English reason) for each task whose people cannot form valid sets."""
    return tuple(_plan_counts(_pools(people, task_ids), size)[1])


# --- Steps 2 and 3: construction and local search -------------------------------------------


@dataclass(slots=True)
class _Layout:
    """Mutable working state of the search, so the hot loop updates counts in place.

    Each person is four integer keys (organisation, level, location, group) drawn from
    disjoint ranges, so one dict per set counts them all; a key is deleted at zero so that
    `key in counts` means "represented in the set".
    """

    keys: list[tuple[int, int, int, int]]
    set_task: list[int]
    members: list[list[int]]
    counts: list[dict[int, int]]
    where: list[int]
    score: int


def _remove_gain(counts: dict[int, int], nbr: dict[int, list[tuple[int, int]]], p: tuple) -> int:
    gain = 0
    for key, weight in zip(p[:3], _ATTRIBUTE_WEIGHTS, strict=True):
        if counts[key] == 1:
            gain -= weight
    if counts[p[3]] == 1:
        gain -= PAIR_WEIGHT * sum(m for g, m in nbr.get(p[3], ()) if g in counts)
    return gain


def _add_gain(counts: dict[int, int], nbr: dict[int, list[tuple[int, int]]], p: tuple) -> int:
    gain = 0
    for key, weight in zip(p[:3], _ATTRIBUTE_WEIGHTS, strict=True):
        if key not in counts:
            gain += weight
    if p[3] not in counts:
        gain += PAIR_WEIGHT * sum(m for g, m in nbr.get(p[3], ()) if g in counts)
    return gain


def _replace_gain(
    counts: dict[int, int], nbr: dict[int, list[tuple[int, int]]], out: tuple, inn: tuple
) -> int:
    """Score change of one set when `out` leaves it and `inn` takes the place.

    Unrolled over the three attributes: this is the innermost call of the search.
    """
    if out == inn:
        return 0
    gain = 0
    if out[0] != inn[0]:
        gain += ORGANISATION_WEIGHT * ((inn[0] not in counts) - (counts[out[0]] == 1))
    if out[1] != inn[1]:
        gain += LEVEL_WEIGHT * ((inn[1] not in counts) - (counts[out[1]] == 1))
    if out[2] != inn[2]:
        gain += LOCATION_WEIGHT * ((inn[2] not in counts) - (counts[out[2]] == 1))
    old, new = out[3], inn[3]
    if old != new:
        gone = counts[old] == 1
        if gone:
            gain -= PAIR_WEIGHT * sum(m for g, m in nbr.get(old, ()) if g in counts)
        if new not in counts:
            gain += PAIR_WEIGHT * sum(
                m for g, m in nbr.get(new, ()) if g in counts and not (gone and g == old)
            )
    return gain


def _put(counts: dict[int, int], p: tuple) -> None:
    for key in p:
        counts[key] = counts.get(key, 0) + 1


def _take(counts: dict[int, int], p: tuple) -> None:
    for key in p:
        if counts[key] == 1:
            del counts[key]
        else:
            counts[key] -= 1


def _descend(
    layout: _Layout,
    nbr: dict[int, list[tuple[int, int]]],
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
            key = keys[p]
            options = compatible[p]
            counts_here = counts[here]
            if len(options) > _SAMPLE:
                if all(counts_here[k] == 1 for k in key[:3]):
                    continue  # too many options to try all: spend them on people who repeat
                options = rng.sample(options, _SAMPLE)
            best, best_gain = None, 0
            leave = _remove_gain(counts_here, nbr, key) if len(members[here]) > low else None
            for there in options:
                if there == here:
                    continue
                counts_there = counts[there]
                budget -= len(members[there]) + 1
                if leave is not None and len(members[there]) < high:
                    gain = leave + _add_gain(counts_there, nbr, key)
                    if gain > best_gain:
                        best, best_gain = (there, None), gain
                task_here = set_task[here]
                for q in members[there]:
                    if task_here in eligible[q]:
                        other = keys[q]
                        gain = _replace_gain(counts_here, nbr, key, other) + _replace_gain(
                            counts_there, nbr, other, key
                        )
                        if gain > best_gain:
                            best, best_gain = (there, q), gain
            if best is not None:
                there, q = best
                _shift(layout, p, there)
                if q is not None:
                    _shift(layout, q, here)
                layout.score += best_gain
                improved = True
    return budget


def _shift(layout: _Layout, p: int, there: int) -> None:
    here = layout.where[p]
    layout.members[here].remove(p)
    _take(layout.counts[here], layout.keys[p])
    layout.members[there].append(p)
    _put(layout.counts[there], layout.keys[p])
    layout.where[p] = there


def _deal(task_people: list[list[int]], set_counts: list[int]) -> list[tuple[int, list[int]]]:
    """Deal each task's (ordered) people round-robin into its sets: sizes come out balanced."""
    sets: list[tuple[int, list[int]]] = []
    for task, (pool, k) in enumerate(zip(task_people, set_counts, strict=True)):
        sets.extend((task, pool[j::k]) for j in range(k))
    return sets


def _share_people(
    pools: _Pools, shares: tuple[tuple[tuple[int, int], ...], ...], order: list[int]
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


def _encode(
    people: Sequence[Participant], depends: frozenset[tuple[str, str]]
) -> tuple[list[tuple[int, int, int, int]], dict[int, list[tuple[int, int]]]]:
    """Integer keys per person and, per group key, its depends_on neighbours with multiplicity."""
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
    return keys, {g: list(n.items()) for g, n in nbr.items()}


def _layout(
    keys: list[tuple[int, int, int, int]],
    sets: list[tuple[int, list[int]]],
    nbr: dict[int, list[tuple[int, int]]],
) -> _Layout:
    where = [0] * len(keys)
    counts: list[dict[int, int]] = []
    score = 0
    for s, (_, group) in enumerate(sets):
        c: dict[int, int] = {}
        for p in group:
            score += _add_gain(c, nbr, keys[p]) if c else 0
            _put(c, keys[p])
            where[p] = s
        counts.append(c)
    return _Layout(keys, [t for t, _ in sets], [list(g) for _, g in sets], counts, where, score)


def form_sets(
    people: Sequence[Participant],
    task_ids: Sequence[str],
    size: tuple[int, int],
    depends: frozenset[tuple[str, str]],
    seed: int = 0,
) -> tuple[FormedSet, ...]:
    """Split everyone into action-learning sets that mix the system as much as possible.

    Raises SetsInfeasible for the first task whose people cannot form sets within `size`.
    """
    pools = _pools(people, task_ids)
    bounds, problems = _plan_counts(pools, size)
    if problems:
        raise SetsInfeasible(*problems[0])
    shares = _transport(pools, bounds)
    assert shares is not None  # _plan_counts only returns bounds the flow satisfied
    keys, nbr = _encode(people, depends)
    eligible = [frozenset(pools.tasks.index(t) for t in p.tasks) for p in people]
    rng = random.Random(seed)

    by_attributes = sorted(range(len(people)), key=lambda i: keys[i])
    task_people = _share_people(pools, shares, by_attributes)
    set_counts = [_set_count(len(pool), size) if pool else 0 for pool in task_people]
    sets_of_task: list[list[int]] = []
    for k in set_counts:
        start = sum(len(s) for s in sets_of_task)
        sets_of_task.append(list(range(start, start + k)))
    sets_serving = {e: [s for t in sorted(e) for s in sets_of_task[t]] for e in set(eligible)}
    compatible = [sets_serving[e] for e in eligible]

    best: _Layout | None = None
    budget = _EVALUATION_BUDGET
    for attempt in range(_RESTARTS):
        if attempt:
            order = list(range(len(people)))
            rng.shuffle(order)
            task_people = _share_people(pools, shares, order)
        layout = _layout(keys, _deal(task_people, set_counts), nbr)
        budget = _descend(layout, nbr, compatible, eligible, size, rng, budget)
        if best is None or layout.score > best.score:
            best = layout
        if budget <= 0:
            break
    return _ordered(people, task_ids, best)


def _ordered(
    people: Sequence[Participant], task_ids: Sequence[str], layout: _Layout
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
