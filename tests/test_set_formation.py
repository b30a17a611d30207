"""Set formation: the hard rules, determinism, infeasible counts, and quality against the optimum.

The optimum is found by an exact branch and bound over how many of each group go to each set
(people of one group are interchangeable), with each task's number of sets fixed to the one
the sizing rule chose: the score favours fewer, larger sets, and the sizing rule (sets of
about 6) is a policy the score must work within, not a choice it may overrule.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Sequence

import pytest

from progen.design.participants import Participant
from progen.design.sets import (
    LEVEL_WEIGHT,
    LOCATION_WEIGHT,
    ORGANISATION_WEIGHT,
    PAIR_WEIGHT,
    FormedSet,
    SetsInfeasible,
    form_sets,
    infeasible_tasks,
    set_score,
    total_score,
)

LEVELS = ("top-team", "senior", "middle", "frontline", "community")
SIZES = ((3, 4), (3, 5), (4, 6), (5, 7), (4, 8), (3, 6))


def group(gid: str, count: int, org: str, level: str, loc: str, tasks: Sequence[str]):
    return [
        Participant(f"{gid} {n}", gid, org, level, loc, tuple(tasks)) for n in range(1, count + 1)
    ]


def random_instance(rng: random.Random, people_count: int, max_tasks: int = 2):
    """A feasible programme of about people_count people: groups of 1-4, some serving two tasks.

    Infeasible draws are redrawn, so the count can come out slightly different.
    """
    while True:
        tasks = [f"t{i}" for i in range(rng.randint(1, max_tasks))]
        size = rng.choice(SIZES)
        orgs = [f"org{i}" for i in range(rng.randint(1, 5))]
        locs = [f"loc{i}" for i in range(rng.randint(1, 4))]
        levels = rng.sample(LEVELS, rng.randint(1, 5))
        people: list[Participant] = []
        gids: list[str] = []
        while len(people) < people_count:
            count = min(rng.randint(1, 4), people_count - len(people))
            served = (
                rng.sample(tasks, 2)
                if len(tasks) > 1 and rng.random() < 0.3
                else [rng.choice(tasks)]
            )
            gid = f"g{len(gids)}"
            gids.append(gid)
            people += group(
                gid, count, rng.choice(orgs), rng.choice(levels), rng.choice(locs), sorted(served)
            )
        depends = frozenset((a, b) for a in gids for b in gids if a != b and rng.random() < 0.15)
        if not infeasible_tasks(people, tasks, size):
            return people, tasks, size, depends


def check_rules(people, tasks, size, sets: tuple[FormedSet, ...]) -> None:
    placed = Counter(p for s in sets for p in s.members)
    assert placed == Counter(people), "everyone in exactly one set"
    for s in sets:
        assert size[0] <= len(s.members) <= size[1]
        assert all(s.task in p.tasks for p in s.members)
    own = {p.tasks[0] for p in people if len(p.tasks) == 1}
    assert own <= {s.task for s in sets}, "every task with its own people has a set"
    task_rank = [tasks.index(s.task) for s in sets]
    assert task_rank == sorted(task_rank)
    first = {}
    for i, p in enumerate(people):
        first.setdefault(p.stakeholder, len(first))
        first.setdefault((p.stakeholder, p.name), i)
    for s in sets:
        keys = [(first[p.stakeholder], first[(p.stakeholder, p.name)]) for p in s.members]
        assert keys == sorted(keys)


# --- exact optimum ----------------------------------------------------------------------------


def optimum(people, tasks, size, depends, set_counts: dict[str, int], floor: float) -> float:
    """Best total_score over every valid layout with these set counts (at least `floor`).

    Branch and bound over groups: for each group, how many of its people go to each set.
    Empty sets of a task are interchangeable, so they are filled in order (amounts
    non-increasing). The bound adds, per organisation/level/location value, at most one new
    appearance per set still lacking it and per remaining person, and per depends_on pair at
    most one new meeting per set and remaining person.
    """
    low, high = size
    slots = [t for t in tasks for _ in range(set_counts.get(t, 0))]
    k = len(slots)
    members: dict[str, list[Participant]] = {}
    for p in people:
        members.setdefault(p.stakeholder, []).append(p)
    pairs = Counter(frozenset(ab) for ab in depends if ab[0] != ab[1] and set(ab) <= members.keys())
    degree = Counter(g for ab, m in pairs.items() for g in ab for _ in range(m))
    groups = sorted(members.values(), key=lambda g: (-degree[g[0].stakeholder], -len(g)))
    weights = (ORGANISATION_WEIGHT, LEVEL_WEIGHT, LOCATION_WEIGHT)

    def attrs(p: Participant):
        return ((0, p.organisation), (1, p.level), (2, p.location))

    remaining = Counter()
    for g in groups:
        for a in attrs(g[0]):
            remaining[a] += len(g)
        remaining[(3, g[0].stakeholder)] += len(g)
    present = [Counter() for _ in range(k)]
    sizes = [0] * k
    left = [len(people)]
    best = [floor]

    def score() -> float:
        total = 0
        for s in range(k):
            total += sum(
                w * (sum(1 for a in present[s] if a[0] == i) - 1) for i, w in enumerate(weights)
            )
            total += PAIR_WEIGHT * sum(
                m for ab, m in pairs.items() if all((3, g) in present[s] for g in ab)
            )
        return total

    def bound() -> float:
        slots_with = Counter(a for s in range(k) for a in present[s])
        room = [high - n for n in sizes]
        value = -k * sum(weights)
        for kind, weight in enumerate(weights):
            value += weight * sum(1 for s in range(k) for a in present[s] if a[0] == kind)
            by_value = sum(
                min(r, k - slots_with[a]) for a, r in remaining.items() if a[0] == kind and r
            )
            by_room = sum(
                min(
                    room[s],
                    sum(
                        1
                        for a, r in remaining.items()
                        if a[0] == kind and r and a not in present[s]
                    ),
                )
                for s in range(k)
            )
            value += weight * min(by_value, by_room)
        for ab, m in pairs.items():
            a, b = ((3, g) for g in ab)
            both = sum(1 for s in range(k) if a in present[s] and b in present[s])
            enter_a = min(remaining[a], k - slots_with[a])
            enter_b = min(remaining[b], k - slots_with[b])
            if not enter_a:
                extra = min(enter_b, slots_with[a] - both)
            elif not enter_b:
                extra = min(enter_a, slots_with[b] - both)
            else:
                extra = min(k - both, enter_a + enter_b)
            value += PAIR_WEIGHT * m * (both + extra)
        return value

    def next_group(gi: int) -> None:
        if sum(max(0, low - n) for n in sizes) > left[0]:
            return
        if gi == len(groups):
            if all(low <= n <= high for n in sizes):
                best[0] = max(best[0], score())
            return
        if bound() <= best[0]:
            return
        g = groups[gi]
        empty_at_start = [n == 0 for n in sizes]
        keys = [*attrs(g[0]), (3, g[0].stakeholder)]
        for a in keys:
            remaining[a] -= len(g)
        left[0] -= len(g)
        spread(gi, g, keys, 0, len(g), empty_at_start, {})
        left[0] += len(g)
        for a in keys:
            remaining[a] += len(g)

    def spread(gi, g, keys, s, r, empty_at_start, last_empty) -> None:
        if s == k:
            if r == 0:
                next_group(gi + 1)
            return
        task = slots[s]
        most = min(r, high - sizes[s]) if task in g[0].tasks else 0
        if empty_at_start[s] and task in last_empty:
            most = min(most, last_empty[task])
        for amount in range(most, -1, -1):
            if amount:
                sizes[s] += amount
                for a in keys:
                    present[s][a] += 1
            nxt = {**last_empty, task: amount} if empty_at_start[s] else last_empty
            spread(gi, g, keys, s + 1, r - amount, empty_at_start, nxt)
            if amount:
                sizes[s] -= amount
                for a in keys:
                    present[s][a] -= 1
                    if not present[s][a]:
                        del present[s][a]

    next_group(0)
    return best[0]


def engine_and_optimum(people, tasks, size, depends, seed: int = 0) -> tuple[float, float]:
    sets = form_sets(people, tasks, size, depends, seed)
    engine = total_score(sets, depends)
    counts = Counter(s.task for s in sets)
    return engine, optimum(people, tasks, size, depends, counts, engine)


# --- tests ------------------------------------------------------------------------------------


def test_score_counts_boundaries_crossed() -> None:
    alone = group("a", 1, "o1", "senior", "x", ["t"])
    assert set_score(alone, frozenset()) == 0
    mixed = group("a", 2, "o1", "senior", "x", ["t"]) + group("b", 1, "o2", "middle", "y", ["t"])
    both_ways = frozenset({("a", "b"), ("b", "a"), ("a", "a"), ("a", "zzz")})
    assert set_score(mixed, frozenset()) == ORGANISATION_WEIGHT + LEVEL_WEIGHT + LOCATION_WEIGHT
    assert set_score(mixed, both_ways) == 3 + 2 + 1 + 2 * PAIR_WEIGHT


@pytest.mark.parametrize("seed", range(150))
def test_hard_rules_on_random_instances(seed: int) -> None:
    rng = random.Random(seed)
    people, tasks, size, depends = random_instance(rng, rng.randint(3, 60), max_tasks=4)
    sets = form_sets(people, tasks, size, depends, seed=seed)
    check_rules(people, tasks, size, sets)


def test_task_that_only_just_fills_one_set() -> None:
    people = group("a", 3, "o1", "senior", "x", ["t1"]) + group("b", 2, "o2", "middle", "y", ["t1"])
    people += group("c", 12, "o3", "frontline", "z", ["t2"])
    sets = form_sets(people, ["t1", "t2"], (5, 7), frozenset())
    check_rules(people, ["t1", "t2"], (5, 7), sets)
    assert [len(s.members) for s in sets if s.task == "t1"] == [5]
    assert [len(s.members) for s in sets if s.task == "t2"] == [6, 6]


def test_infeasible_count_is_reported_and_raised() -> None:
    people = group("a", 8, "o1", "senior", "x", ["t1"]) + group("b", 6, "o2", "middle", "y", ["t2"])
    problems = infeasible_tasks(people, ["t1", "t2"], (5, 7))
    assert [t for t, _ in problems] == ["t1"]
    reason = problems[0][1]
    assert "8 people" in reason and "sets of 5 to 7" in reason and "programme.set_size" in reason
    with pytest.raises(SetsInfeasible) as raised:
        form_sets(people, ["t1", "t2"], (5, 7), frozenset())
    assert raised.value.task_id == "t1" and raised.value.reason == reason


def test_too_few_people_is_reported() -> None:
    people = group("a", 2, "o1", "senior", "x", ["t1"])
    ((task, reason),) = infeasible_tasks(people, ["t1"], (5, 7))
    assert task == "t1" and "2 people" in reason


def test_shared_people_rescue_an_otherwise_infeasible_count() -> None:
    people = group("a", 8, "o1", "senior", "x", ["t1"]) + group("b", 6, "o2", "middle", "y", ["t2"])
    people += group("s", 2, "o3", "frontline", "z", ["t1", "t2"])
    assert infeasible_tasks(people, ["t1", "t2"], (5, 7)) == ()
    sets = form_sets(people, ["t1", "t2"], (5, 7), frozenset())
    check_rules(people, ["t1", "t2"], (5, 7), sets)
    assert sorted(len(s.members) for s in sets if s.task == "t1") == [5, 5]


def test_tasks_competing_for_shared_people_report_the_later_one() -> None:
    people = group("a", 4, "o1", "senior", "x", ["t1"]) + group("b", 4, "o2", "middle", "y", ["t2"])
    people += group("s", 1, "o3", "frontline", "z", ["t1", "t2"])
    problems = infeasible_tasks(people, ["t1", "t2"], (5, 7))
    assert [t for t, _ in problems] == ["t2"]
    assert "shared with other tasks" in problems[0][1]


def test_task_with_only_shared_people_gets_a_set_when_possible() -> None:
    people = group("a", 6, "o1", "senior", "x", ["t1"])
    people += group("s", 5, "o2", "middle", "y", ["t1", "t2"])
    sets = form_sets(people, ["t1", "t2"], (5, 7), frozenset())
    check_rules(people, ["t1", "t2"], (5, 7), sets)
    assert {s.task for s in sets} == {"t1", "t2"}


def test_multi_task_person_goes_where_the_sets_gain_most() -> None:
    uniform = group("a", 3, "o1", "senior", "x", ["t1"])
    varied = group("b", 1, "o2", "middle", "y", ["t2"]) + group(
        "c", 2, "o3", "top-team", "z", ["t2"]
    )
    shared = group("s", 1, "o2", "middle", "y", ["t1", "t2"])
    people = uniform + varied + shared
    sets = form_sets(people, ["t1", "t2"], (3, 4), frozenset())
    check_rules(people, ["t1", "t2"], (3, 4), sets)
    (t1,) = [s for s in sets if s.task == "t1"]
    assert shared[0] in t1.members


def test_same_seed_same_sets() -> None:
    rng = random.Random(7)
    people, tasks, size, depends = random_instance(rng, 80, max_tasks=4)
    first = form_sets(people, tasks, size, depends, seed=3)
    assert form_sets(people, tasks, size, depends, seed=3) == first
    check_rules(people, tasks, size, form_sets(people, tasks, size, depends, seed=4))


def test_optimum_search_finds_a_known_optimum() -> None:
    people = group("a", 2, "o1", "senior", "x", ["t"]) + group("b", 2, "o2", "middle", "y", ["t"])
    counts = {"t": 2}
    # Best: one of each group per set, each set scoring 3 + 2 + 1 and the pair once.
    best = 2 * (3 + 2 + 1 + PAIR_WEIGHT)
    assert optimum(people, ["t"], (2, 2), frozenset({("a", "b")}), counts, 0) == best


@pytest.mark.parametrize("seed", range(60))
def test_engine_reaches_95_percent_of_the_optimum(seed: int) -> None:
    rng = random.Random(1000 + seed)
    people, tasks, size, depends = random_instance(rng, rng.randint(8, 16))
    engine, best = engine_and_optimum(people, tasks, size, depends, seed)
    assert engine >= 0.95 * best, (engine, best)


def brute_force(people, tasks, size, depends, set_counts: dict[str, int]) -> float:
    """Every assignment of people to sets, for checking the branch and bound on tiny cases."""
    slots = [t for t in tasks for _ in range(set_counts.get(t, 0))]
    best = float("-inf")
    for choice in itertools.product(range(len(slots)), repeat=len(people)):
        sets = [
            [p for p, c in zip(people, choice, strict=True) if c == s] for s in range(len(slots))
        ]
        if all(
            size[0] <= len(m) <= size[1] and all(slots[s] in p.tasks for p in m)
            for s, m in enumerate(sets)
        ):
            best = max(best, sum(set_score(m, depends) for m in sets))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_optimum_search_agrees_with_brute_force(seed: int) -> None:
    rng = random.Random(500 + seed)
    people, tasks, size, depends = random_instance(rng, rng.randint(6, 9))
    counts = Counter(s.task for s in form_sets(people, tasks, size, depends))
    expected = brute_force(people, tasks, size, depends, counts)
    assert optimum(people, tasks, size, depends, counts, float("-inf")) == expected
