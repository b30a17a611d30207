"""Benchmark `progen build` at scale, as whole processes under `/usr/bin/time -v`: the
region spec (5,000 people in 400 groups, 833 sets), the same region at 20,000 people,
and the largest spec `progen validate` accepts (bench/region_spec.py --largest). Prints
wall and CPU seconds, peak memory, progen's own stage timings, the set meetings and the
handbook's pages, for BENCHMARKS.md.

Run with `.venv/bin/python bench/bench_scale.py [runs]` from the repository root. Not a
test: timings depend on the machine (and on what else it is running, so the load
average is printed too); nothing here is asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))

from process_time import timed
from region_spec import REGION, Scale, largest, write

REPO = Path(__file__).resolve().parent.parent
PROGEN = Path(sys.executable).with_name("progen")
CASES: dict[str, Scale] = {
    "region, 5,000 people": REGION,
    "region, 20,000 people": replace(REGION, people=20_000),
    "largest accepted spec": largest(),
}


def build_once(spec: Path, out: Path) -> dict[str, float | str]:
    """One whole `progen build` process: wall and CPU seconds, peak RSS, stage line."""
    done = timed([str(PROGEN), "build", str(spec), "--out", str(out), "--force"], REPO)
    return {
        "wall": done.wall,
        "cpu": done.cpu,
        "peak": done.peak_mb,
        "stages": done.stdout.splitlines()[0],
    }


def main(runs: int = 1) -> None:
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="progen-scale-") as tmp:
        for name, scale in CASES.items():
            spec = write(Path(tmp) / f"{name.split(',')[0].split()[0]}.yaml", scale)
            out = Path(tmp) / "site"
            results = [build_once(spec, out) for _ in range(runs)]
            folder = next(p for p in out.iterdir() if p.is_dir())
            data = json.loads((folder / "programme.json").read_text("utf-8"))
            sets = data["action_learning_sets"]
            pages = len(PdfReader(folder / f"{folder.name}.pdf").pages)
            wall = statistics.median(r["wall"] for r in results)  # type: ignore[misc]
            cpu = statistics.median(r["cpu"] for r in results)  # type: ignore[misc]
            peak = max(r["peak"] for r in results)  # type: ignore[type-var]
            print(
                f"{name}: {scale.people:,} people, {scale.groups} groups, {len(sets):,} sets, "
                f"{sum(len(s['meetings']) for s in sets):,} set meetings, "
                f"{scale.advisers} advisers, handbook {pages} pages"
            )
            print(f"  wall {wall:.1f} s, CPU {cpu:.1f} s, peak {peak:.0f} MB (median of {runs})")
            print(f"  {results[-1]['stages']}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
