"""Benchmark `progen plan --json` as a whole process (median wall time, peak memory).

Not a test: timings depend on the machine. Run it and record what it prints in
BENCHMARKS.md with the machine's description.

    .venv/bin/python bench/bench_plan.py [runs]
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGEN = ROOT / ".venv" / "bin" / "progen"
sys.path.insert(0, str(ROOT / "bench"))

from region_spec import write  # noqa: E402


def measure(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall seconds and the largest peak RSS in MB over `runs` runs."""
    walls, peaks = [], []
    for _ in range(runs):
        done = subprocess.run(
            ["/usr/bin/time", "-v", str(PROGEN), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
        hours, minutes, seconds = wall.groups()
        walls.append(int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds))
        peaks.append(
            int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
            / 1024
        )
    return statistics.median(walls), max(peaks)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp:
        region = write(Path(tmp) / "region.yaml")
        cases = [
            ("westmoor-discharge", "programmes/westmoor-discharge.yaml"),
            ("region 400 groups", str(region)),
        ]
        for name, path in cases:
            wall, peak = measure(["plan", path, "--json"], runs)
            print(f"plan --json {name}: median {wall:.2f} s, peak {peak:.0f} MB ({runs} runs)")


if __name__ == "__main__":
    main()
