"""Benchmark `progen validate` on hostile specs that produce tens of thousands of problems:
99,000 bad items in a block list and in a one-line flow list, 99,500 bad names spread over
50 lists that are each within bounds, 90,000 references to groups that do not exist among
495 that do, and 20,000 distinct mappings in a list whose items must be unique. Prints, per
case, the median wall time, CPU time and peak memory of whole processes and the number of
lines the report printed (capped at 100 problems and a count of the rest).

Run with `.venv/bin/python bench/bench_hostile.py [runs]` from the repository root. Not a
test: timings depend on the machine, so they are printed for BENCHMARKS.md, never asserted
(issue 8 asks for a few seconds where printing 297,000 lines took 25 s).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import VALID, swap  # noqa: E402

PROGEN = Path(sys.executable).with_name("progen")
TIME = Path("/usr/bin/time")


def people_lists() -> str:
    names = "".join(f"      - {i}\n" for i in range(1990))
    groups = "".join(
        f"  - id: g{g}\n    name: G\n    organisation: trust\n    level: middle\n"
        f"    people:\n{names}"
        for g in range(50)
    )
    return VALID + groups


def unknown_references() -> str:
    refs = ", ".join(f"grp{i}" for i in range(90_000))
    groups = "".join(
        f"  - {{id: grp-{g}, name: G, organisation: trust, level: middle, count: 1}}\n"
        for g in range(495)
    )
    old = "    stakeholders: [ward-managers, social-workers]\n"
    return swap(VALID, old, f"    stakeholders: [{refs}]\n") + groups


CASES = {
    "99,000 bad items, block list": lambda: swap(
        VALID,
        "  stage: early\n",
        "  stage: early\n  culture:\n" + "".join(f"    - bad{i}\n" for i in range(99_000)),
    ),
    "99,000 bad items, one-line flow list": lambda: swap(
        VALID,
        "  stage: early\n",
        "  stage: early\n  culture: [" + ", ".join(["bad"] * 99_000) + "]\n",
    ),
    "99,500 bad names in 50 lists": people_lists,
    "90,000 unknown references, 495 groups": unknown_references,
    "20,000 distinct mappings, unique list": lambda: swap(
        VALID,
        "  stage: early\n",
        "  stage: early\n  culture:\n" + "".join(f"    - {{a: {i}}}\n" for i in range(20_000)),
    ),
}


def run_once(spec: Path) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak MB, lines printed) of one `progen validate` process."""
    began = time.perf_counter()
    done = subprocess.run(
        [str(TIME), "-v", str(PROGEN), "validate", str(spec)], capture_output=True, text=True
    )
    wall = time.perf_counter() - began
    if done.returncode != 1:
        sys.exit(f"expected exit status 1, got {done.returncode}:\n{done.stderr[-2000:]}")
    report, _, usage = done.stderr.partition("\tCommand being timed:")
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", usage).group(1)) / 1024
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", usage))
    return wall, cpu, peak, len(report.splitlines())


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with open("/proc/loadavg") as file:
        load = file.read().split()[0]
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load {load}")
    work = Path(tempfile.mkdtemp(prefix="progen-bench-"))
    try:
        for label, make in CASES.items():
            spec = work / "spec.yaml"
            spec.write_text(make(), "utf-8")
            results = [run_once(spec) for _ in range(runs)]
            wall = statistics.median(r[0] for r in results)
            cpu = statistics.median(r[1] for r in results)
            peak = max(r[2] for r in results)
            lines = results[0][3]
            print(
                f"{label}: median {wall:.2f} s wall, {cpu:.2f} s CPU, peak {peak:.0f} MB, "
                f"{lines} lines printed ({runs} runs)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
