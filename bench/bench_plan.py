"""Benchmark `progen plan --json` and `progen plan` as whole processes (median wall and
CPU time, peak memory) for every bundled programme and the region-scale spec with 10 and
with 100 set advisers, then the session pipeline's own stages in-process: the budget
(including importing and running the CP-SAT solver when the defaults do not fit) and the
schedule.

Not a test: timings depend on the machine. Run it and record what it prints in
BENCHMARKS.md with the machine's description.

    .venv/bin/python bench/bench_plan.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from process_time import timed  # noqa: E402
from region_spec import REGION, write  # noqa: E402

# The processes import progen from this checkout's src/, not whichever one is installed.
THIS_CHECKOUT = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
}


def measure(args: list[str], runs: int) -> tuple[float, float, float]:
    """Median wall seconds, median CPU seconds (user + system: steadier than wall time on
    a shared machine) and the largest peak RSS in MB over `runs` runs."""
    done = [
        timed([sys.executable, "-m", "progen", *args], ROOT, THIS_CHECKOUT) for _ in range(runs)
    ]
    walls, cpus, peaks = [d.wall for d in done], [d.cpu for d in done], [d.peak_mb for d in done]
    return statistics.median(walls), statistics.median(cpus), max(peaks)


def solver_import(runs: int) -> float:
    """Median seconds to import OR-Tools' solver wrapper in a fresh interpreter: what a plan
    pays once when the defaults do not fit the budget."""
    code = (
        "import time; t = time.perf_counter(); from ortools.linear_solver import pywraplp; "
        "print(time.perf_counter() - t)"
    )
    return statistics.median(
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(runs)
    )


def stages(path: Path, runs: int) -> str:
    """Median in-process seconds of the budget (the solver already imported) and the
    schedule for one spec."""
    from progen.design.budget import fit_budget
    from progen.design.calendar import programme_calendar
    from progen.design.catalogue import load_catalogue
    from progen.design.diagnose import diagnose
    from progen.design.schedule import in_sequence, schedule
    from progen.design.sessions import draft_sessions
    from progen.spec.validate import read_spec

    spec = read_spec(path)
    drafts, _ = draft_sessions(spec, diagnose(spec), load_catalogue())
    calendar = programme_calendar(spec.programme)
    budget, dating = [], []
    for _ in range(runs):
        start = time.perf_counter()
        kept, _ = fit_budget(spec, drafts, calendar)
        budget.append(time.perf_counter() - start)
        start = time.perf_counter()
        schedule(tuple(d for d in kept if in_sequence(d)), calendar, spec.programme)
        dating.append(time.perf_counter() - start)
    return (
        f"{len(drafts)} drafts, {len(kept)} run: budget median "
        f"{statistics.median(budget) * 1000:.0f} ms, schedule median "
        f"{statistics.median(dating) * 1000:.0f} ms"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp:
        cases = [(p.stem, p) for p in sorted((ROOT / "programmes" / "examples").glob("*.yaml"))]
        for advisers in (REGION.advisers, 100):
            path = write(Path(tmp) / f"region-{advisers}.yaml", replace(REGION, advisers=advisers))
            cases.append((f"region 400 groups, {advisers} advisers", path))
        for name, path in cases:
            for args in (["--json"], []):
                wall, cpu, peak = measure(["plan", str(path), *args], runs)
                print(
                    f"plan {' '.join(args) or '(text)'} {name}: median {wall:.2f} s wall, "
                    f"{cpu:.2f} s CPU, peak {peak:.0f} MB ({runs} runs)"
                )
        print(f"solver import: median {solver_import(runs) * 1000:.0f} ms")
        for name, path in cases:
            print(f"stages {name}: {stages(path, runs)}")


if __name__ == "__main__":
    main()
