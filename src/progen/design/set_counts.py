"""How many people each task gets, and so how many sets: feasibility by max-flow.

People whose group serves one task are fixed to it; people whose group serves several tasks
("shared" people) are shared out so that every task's head-count can be split into sets
within ``set_size``. That is a small transportation problem with a feasible-count constraint
per task, solved by backtracking over each task's feasible count ranges with a max-flow
check, so a count that shared people could rescue is never reported as infeasible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil

from progen.design.participants import Participant

# Flow checks allowed when sharing out people; only adversarial specs come near it.
_SEARCH_BUDGET = 2_000


@dataclass(frozen=True)
class Pools:
    """People grouped by what they can serve: fixed per task, shared per set of tasks."""

    tasks: tuple[str, ...]
    fixed: tuple[tuple[int, ...], ...]  # per task: indexes of people serving only it
    classes: tuple[tuple[int, ...], ...]  # per class of shared people: task indexes served
    shared: tuple[tuple[int, ...], ...]  # per class: indexes of its people

    def reach(self, task: int) -> int:
        return len(self.fixed[task]) + sum(
            len(m) for c, m in zip(self.classes, self.shared, strict=True) if task in c
        )


def pools(people: Sequence[Participant], task_ids: Sequence[str]) -> Pools:
    index = {t: i for i, t in enumerate(task_ids)}
    fixed: list[list[int]] = [[] for _ in task_ids]
    classes: dict[tuple[int, ...], list[int]] = {}
    for i, person in enumerate(people):
        served = tuple(dict.fromkeys(index[t] for t in person.tasks))
        if len(served) == 1:
            fixed[served[0]].append(i)
        else:
            classes.setdefault(served, []).append(i)
    return Pools(
        tuple(task_ids),
        tuple(map(tuple, fixed)),
        tuple(classes),
        tuple(map(tuple, classes.values())),
    )


def _fits(n: int, size: tuple[int, int]) -> bool:
    low, high = size
    return n == 0 or ceil(n / high) <= n // low


def set_count(n: int, size: tuple[int, int]) -> int:
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


def transport(
    pools: Pools, bounds: Sequence[tuple[int, int]]
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
    pools: Pools,
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
            if transport(pools, trial) is not None and (
                found := extend(trial, depth + 1, must_fill)
            ):
                return found
        return None

    for must_fill in (filled | {newest}, filled):
        found = extend(list(start), len(constrained) - 1, must_fill) or extend(free, 0, must_fill)
        if found:
            return found
    return None


def plan_counts(
    pools: Pools, size: tuple[int, int]
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
