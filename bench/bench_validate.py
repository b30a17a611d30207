"""Benchmark `progen validate` as whole processes: a bundled spec and a generated
region-scale spec (400 groups, about 5,000 people). Prints the median wall time and the
peak resident memory of N runs each, and checks that the validate path imports no
renderer.

Run with `.venv/bin/python bench/bench_validate.py [runs]` from the repository root. Not a
test: timings depend on the machine, so they are printed for BENCHMARKS.md, never
asserted (issue 2 asks for under 0.3 s and under 1 s).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from region_spec import write as write_region  # noqa: E402

PROGEN = Path(sys.executable).with_name("progen")
TIME = Path("/usr/bin/time")
RENDERERS = ("weasyprint", "mkdocs", "material", "icalendar")


def run_once(args: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one whole `progen` process. CPU time
    is printed too because wall time on a shared, busy machine mostly measures the queue."""
    if TIME.exists():
        began = time.perf_counter()
        done = subprocess.run(
            [str(TIME), "-v", str(PROGEN), *args], cwd=REPO, capture_output=True, text=True
        )
        wall = time.perf_counter() - began
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        peak = int(found.group(1)) / 1024 if found else float("nan")
        cpu = sum(
            float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr)
        )
    else:  # ru_maxrss of the largest child so far; each run is a fresh child
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        done = subprocess.run([str(PROGEN), *args], cwd=REPO, capture_output=True, text=True)
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak = after.ru_maxrss / 1024
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != 0:
        sys.exit(f"progen {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return wall, cpu, peak


def bench(label: str, args: list[str], runs: int) -> None:
    run_once(args)  # warm the file cache and the bytecode
    results = [run_once(args) for _ in range(runs)]
    wall = statistics.median(w for w, _, _ in results)
    cpu = statistics.median(c for _, c, _ in results)
    peak = max(p for _, _, p in results)
    print(
        f"validate {label}: median {wall:.2f} s, peak {peak:.0f} MB (CPU {cpu:.2f} s; {runs} runs)"
    )


def renderers_imported() -> list[str]:
    """Top-level modules of renderers loaded by `progen validate` (in a fresh process)."""
    code = (
        "import sys\n"
        "from progen.cli import main\n"
        "try:\n"
        "    main(['validate', 'programmes/examples/westmoor-discharge.yaml'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('renderers:' + ','.join(sorted({m.split('.')[0] for m in sys.modules}\n"
        f"    & set({RENDERERS!r}))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    (line,) = [ln for ln in done.stdout.splitlines() if ln.startswith("renderers:")]
    return [m for m in line.removeprefix("renderers:").split(",") if m]


def slowest_imports(args: list[str], top: int = 5) -> list[str]:
    """The cumulatively slowest imports of one `progen validate`, from -X importtime."""
    code = f"from progen.cli import main; main({args!r})"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], cwd=REPO, capture_output=True, text=True
    )
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    found = {name.strip() for _, name in rows}
    leaked = sorted(found & set(RENDERERS))
    if leaked:
        print(f"importtime: renderers imported: {', '.join(leaked)}")
    return [f"{us / 1000:6.1f} ms {name}" for us, name in sorted(rows, reverse=True)[:top]]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {sys.platform}")
    bench("westmoor-discharge", ["validate", "programmes/examples/westmoor-discharge.yaml"], runs)
    work = Path(tempfile.mkdtemp(prefix="progen-bench-"))
    try:
        region = write_region(work / "region.yaml")
        bench("region (400 groups, 5,000 people)", ["validate", str(region)], runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    leaked = renderers_imported()
    print(f"renderers imported by validate: {', '.join(leaked) if leaked else 'none'}")
    print("slowest imports (cumulative) of validate:")
    for row in slowest_imports(["validate", "programmes/examples/westmoor-discharge.yaml"]):
        print(f"  {row}")
    if leaked:
        sys.exit(1)


if __name__ == "__main__":
    main()
