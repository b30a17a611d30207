"""Benchmark set formation: time, memory and mixing at region scale, quality against the
optimum.

Run with `.venv/bin/python bench/bench_sets.py [instances]`. Not a test: timings depend on
the machine, so they are printed for BENCHMARKS.md, never asserted.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import time
from pathlib import Path

from progen.design.participants import Participant
from progen.design.set_score import (
    RANK_PENALTY,
    RULE_PENALTY,
    fair,
    mixing_score,
    total_score,
)
from progen.design.set_score import ranked as rank_pairs
from progen.design.sets import form_sets, infeasible_tasks

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_set_formation import LEVELS, engine_and_optimum, random_instance, tiers


def region(seed: int = 1):
    """~400 groups and ~5,000 people across 20 organisations, 30 locations and 12 tasks."""
    rng = random.Random(seed)
    tasks = [f"task-{i:02d}" for i in range(12)]
    people: list[Participant] = []
    gids = [f"group-{i:03d}" for i in range(400)]
    for gid in gids:
        served = sorted(rng.sample(tasks, rng.choices((1, 2, 3), weights=(70, 25, 5))[0]))
        org, level, loc = f"org-{rng.randrange(20)}", rng.choice(LEVELS), f"loc-{rng.randrange(30)}"
        people += [
            Participant(f"{gid} member {n}", gid, org, level, loc, tuple(served))
            for n in range(1, rng.randint(5, 20) + 1)
        ]
    depends = frozenset((g, d) for g in gids for d in rng.sample(gids, rng.randint(0, 3)) if d != g)
    return people, tasks, (5, 7), depends


def main(instances: int = 200) -> None:
    people, tasks, size, depends = region()
    assert not infeasible_tasks(people, tasks, size)
    times, sets = [], ()
    for _ in range(5):
        start = time.process_time()
        sets = form_sets(people, tasks, size, depends, seed=0)
        times.append(time.process_time() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mixing = [mixing_score(s.members, depends) for s in sets]
    # counted directly: at this scale the fair part far exceeds what tiers() can separate
    ranked = sum(rank_pairs(s.members, depends) for s in sets)
    fair_part = sum(fair(m) for m in mixing)
    broken = -(total_score(sets, depends) - fair_part + RANK_PENALTY * ranked) // RULE_PENALTY
    print(
        f"sets {len(people)} people in {len({p.stakeholder for p in people})} groups: "
        f"median {statistics.median(times):.2f} s CPU, {len(sets)} sets, "
        f"rules broken {broken}, rank pairs {ranked}, fair score {fair_part}, "
        f"mixing total {sum(mixing)}, "
        f"least-mixed set {min(mixing)}, mean {statistics.mean(mixing):.1f}, "
        f"peak memory {peak:.0f} MB"
    )

    ratios, same_rules, same_rank = [], 0, 0
    start = time.process_time()
    for seed in range(instances):
        rng = random.Random(10_000 + seed)
        case = random_instance(rng, rng.randint(8, 16))
        (engine_broken, engine_ranked, engine), (best_broken, best_ranked, best) = map(
            tiers, engine_and_optimum(*case, seed=seed)
        )
        same_rules += engine_broken == best_broken
        same_rank += engine_broken == best_broken and engine_ranked == best_ranked
        if (engine_broken, engine_ranked) == (best_broken, best_ranked):
            ratios.append(engine / best if best else 1.0)
    print(
        f"quality: rules broken as few as the optimum in {same_rules} of {instances}, and rank "
        f"pairs as few too in {same_rank}; where both match, "
        f"fair score mean {statistics.mean(ratios):.4f} worst {min(ratios):.4f} of the optimum "
        f"over {instances} instances of 8-16 people "
        f"({sum(r == 1.0 for r in ratios)} optimal, {time.process_time() - start:.1f} s)"
    )


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
