"""Benchmark progress as the build would make it: a bundled programme given 20 task
measures of 200 weekly points each, analysed with `progress()` (charts, attendance, sets,
PDSA, evaluation, decisions), every XmR and run chart drawn as SVG with its table, and
progress.json serialised; issue 11 budgets this at 0.5 s.

Run with `.venv/bin/python bench/bench_progress.py [runs]`. Not a test: timings depend on
the machine, so they are printed for BENCHMARKS.md, never asserted.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

from bench_spc import MEASURES, POINTS, measures

from progen.design.assemble import assemble
from progen.records.model import MeasurePoint, Records
from progen.results.chart_svg import numbers_table, run_chart_svg, xmr_svg
from progen.results.progress import progress
from progen.results.progress_json import progress_json
from progen.spec.validate import read_spec

EXAMPLE = Path(__file__).resolve().parent.parent / "programmes/examples/westmoor-discharge.yaml"


def setup():
    """The example with its first task copied to 20 more measured tasks, and their records."""
    p = assemble(read_spec(EXAMPLE))
    task = p.spec.tasks[0]
    tasks = tuple(dataclasses.replace(task, id=f"task-{i}") for i in range(MEASURES))
    p = dataclasses.replace(p, spec=dataclasses.replace(p.spec, tasks=p.spec.tasks + tasks))
    points = tuple(
        MeasurePoint(f"task-{i}", o.date, o.value, rebase=o.rebase)
        for i, series in enumerate(measures())
        for o in series
    )
    return p, Records(p.id, measures=points)


def run(p, records) -> int:
    result = progress(p, records, max(m.date for m in records.measures))
    size = len(json.dumps(progress_json(result), allow_nan=False))
    for i, m in enumerate(x for x in result.measures if x.chart):
        size += len(xmr_svg(m, f"x{i}")) + len(run_chart_svg(m, f"r{i}")) + len(numbers_table(m))
    return size


def main(runs: int = 10) -> None:
    p, records = setup()
    times = []
    for _ in range(runs):
        started = time.process_time()
        size = run(p, records)
        times.append(time.process_time() - started)
    print(
        f"progress of {MEASURES} measures x {POINTS} points with SVG charts, tables and "
        f"progress.json: median {statistics.median(times) * 1000:.0f} ms CPU over {runs} runs, "
        f"max {max(times) * 1000:.0f} ms; {size / 1e6:.1f} MB of output"
    )


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
