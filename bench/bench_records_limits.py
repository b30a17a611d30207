"""Benchmark the board report at the records limits: every measure of the bundled example
at MAX_MEASURE_POINTS daily points, or every task at MAX_PDSA_CYCLES cycles whose change,
prediction and result each hold MAX_RECORD_TEXT characters (spec/limits.py), then
`progen report --pdf`, the costliest thing records feed.

Run with `.venv/bin/python bench/bench_records_limits.py`. Not a test: timings depend on
the machine, so they are printed for BENCHMARKS.md, never asserted.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from progen.spec.limits import MAX_MEASURE_POINTS, MAX_PDSA_CYCLES, MAX_RECORD_TEXT

ROOT = Path(__file__).resolve().parent.parent

EXAMPLE = ROOT / "programmes" / "examples" / "westmoor-discharge.yaml"
TASKS = ("discharge", "first-week-home")


def measures() -> str:
    first = dt.date(2028, 5, 1) - dt.timedelta(days=MAX_MEASURE_POINTS)
    rows = [
        f"{task},{first + dt.timedelta(days=i)},{5 + (i * 7919 % 13) / 10:.1f},,"
        for task in TASKS
        for i in range(MAX_MEASURE_POINTS)
    ]
    return "task,date,value,note,rebase\n" + "\n".join(rows) + "\n"


def pdsa() -> str:
    text = ("word " * MAX_RECORD_TEXT)[:MAX_RECORD_TEXT]
    rows = [
        f"{task},{n},2027-03-04,2027-03-10,{text},{text},{text},adapt"
        for task in TASKS
        for n in range(1, MAX_PDSA_CYCLES + 1)
    ]
    return "task,cycle,start,end,change,prediction,result,decision\n" + "\n".join(rows) + "\n"


def report(label: str, name: str, content: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "programmes").mkdir()
        shutil.copy(EXAMPLE, root / "programmes")
        records = root / "records" / "westmoor-discharge"
        shutil.copytree(ROOT / "records" / "westmoor-discharge", records)
        (records / name).write_text(content, "utf-8")
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "progen", "report", f"programmes/{EXAMPLE.name}", "--pdf",
             "r.pdf"],
            cwd=root, check=True, capture_output=True,
            env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        print(f"{label}: {time.perf_counter() - start:.2f} s")


def main() -> None:
    report(f"report --pdf, 2 measures of {MAX_MEASURE_POINTS:,} points", "measures.csv", measures())
    report(
        f"report --pdf, 2 tasks of {MAX_PDSA_CYCLES} cycles, {MAX_RECORD_TEXT:,}-character cells",
        "pdsa.csv",
        pdsa(),
    )


if __name__ == "__main__":
    main()
