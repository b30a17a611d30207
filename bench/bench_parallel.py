"""Benchmark a full `progen build --force` of the bundled programmes with its jobs side by
side (the default: one process per core) against the same jobs one after another in one
process (`-j 1`: the same renderers run in turn), each a whole process under
`/usr/bin/time -v`: wall time, and the maximum resident set size of the largest process
of the build (the kernel reports the largest of a process and the children it waited for).

Run with `.venv/bin/python bench/bench_parallel.py [runs] [other-src]` from the repository
root; `other-src` (e.g. another checkout's src/) adds the same build by that code, for a
before-and-after. Runs alternate, so a change in the machine's load falls on every variant.
Not a test: timings depend on the machine, so they are printed for BENCHMARKS.md.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from process_time import timed  # noqa: E402

SPECS = sorted((REPO / "programmes" / "examples").glob("*.yaml"))
EPOCH = "1767225600"  # 2026-01-01: fixed, so every run writes the same bytes


def timed_build(src: Path, out: Path, extra: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of every process, peak MB of the largest process) of one
    forced build."""
    env = dict(os.environ, PYTHONPATH=str(src), SOURCE_DATE_EPOCH=EPOCH)
    cmd = [sys.executable, "-m", "progen", "build", *map(str, SPECS), "--out", str(out)]
    run = timed([*cmd, "--force", *extra], REPO, env)
    return run.wall, run.cpu, run.peak_mb


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def main(runs: int = 3, other: str | None = None) -> None:
    variants = {
        "one job after another (-j 1)": (REPO / "src", ["-j", "1"]),
        f"side by side (default: {len(os.sched_getaffinity(0))} cores)": (REPO / "src", []),
    }
    if other:
        variants[f"{other} (its default)"] = (Path(other), [])
    print(f"programmes: {len(SPECS)} ({', '.join(s.stem for s in SPECS)}); runs: {runs}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    peaks: dict[str, float] = dict.fromkeys(variants, 0.0)
    with tempfile.TemporaryDirectory(prefix="progen-bench-") as tmp:
        outs = {name: Path(tmp) / f"out-{i}" for i, name in enumerate(variants)}
        for _ in range(runs):
            for name, (src, extra) in variants.items():
                shutil.rmtree(outs[name], ignore_errors=True)
                wall, cpu, peak = timed_build(src, outs[name], extra)
                walls[name].append(wall)
                cpus[name].append(cpu)
                peaks[name] = max(peaks[name], peak)
        serial, side = (files(outs[name]) for name in list(variants)[:2])
        differ = sorted(n for n in serial.keys() | side.keys() if serial.get(n) != side.get(n))
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    base = statistics.median(walls[next(iter(variants))])
    for name in variants:
        wall = statistics.median(walls[name])
        shown = ", ".join(f"{w:.1f}" for w in walls[name])
        print(
            f"{name}: median {wall:.2f} s ({wall / base:.2f}x of -j 1; runs {shown}), "
            f"CPU {statistics.median(cpus[name]):.1f} s, largest process {peaks[name]:.0f} MB"
        )
    same = "NO, not " + ", ".join(differ) if differ else "yes"
    print(f"side by side wrote the same bytes as -j 1: {same}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3, sys.argv[2] if len(sys.argv) > 2 else None)
