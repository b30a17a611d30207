"""Benchmark the results analysis: 20 task measures of 200 points each, charted as XmR and
run charts and turned into progress.json fields, the load issue 11 budgets at 0.5 s.

Run with `.venv/bin/python bench/bench_spc.py [runs]`. Not a test: timings depend on the
machine, so they are printed for BENCHMARKS.md, never asserted.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time

from progen.results.measure_json import measure_fields
from progen.results.model import Observation
from progen.results.runchart import run_chart
from progen.results.spc import xmr

MEASURES, POINTS = 20, 200


def measures(seed: int = 1) -> list[list[Observation]]:
    """Weekly series with a level shift, a drift, an outlier and a rebase at the change, each
    value written to one decimal place as records hold them."""
    rng = random.Random(seed)
    start = dt.date(2023, 1, 2)
    result = []
    for _ in range(MEASURES):
        change = rng.randrange(60, 140)
        level, points = rng.uniform(20, 80), []
        for week in range(POINTS):
            value = level + rng.gauss(0, 3) + (-6 if week >= change else 0) + week * 0.01
            if rng.random() < 0.01:
                value += 25
            points.append(
                Observation(start + dt.timedelta(weeks=week), round(value, 1), week == change)
            )
        result.append(points)
    return result


def analyse(series: list[list[Observation]]) -> list[dict]:
    return [measure_fields(xmr(s, "decrease", 40.0), run_chart(s)) for s in series]


def main(runs: int = 15) -> None:
    series = measures()
    times = []
    for _ in range(runs):
        started = time.process_time()
        analysed = analyse(series)
        times.append(time.process_time() - started)
    special = sum(p["rule"] is not None for m in analysed for p in m["points"])
    print(
        f"analyse {MEASURES} measures x {POINTS} points (XmR, run chart, JSON fields): "
        f"median {statistics.median(times) * 1000:.1f} ms CPU over {runs} runs, "
        f"max {max(times) * 1000:.1f} ms; {special} special-cause points"
    )


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
