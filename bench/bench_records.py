"""Benchmark records in: reading the largest records files progen accepts (100,000 rows, as
CSV and as a workbook sheet), checking 100,000 rows that are all wrong, and writing the
records template for a bundled programme and for a region of 5,000 people.

Run with `.venv/bin/python bench/bench_records.py`. Not a test: timings depend on the
machine, so they are printed for BENCHMARKS.md, never asserted.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from progen.design.assemble import assemble
from progen.errors import UserError
from progen.records.check import check_records
from progen.records.read import read_records
from progen.records.template import template_rows, write_templates
from progen.spec.limits import MAX_RECORD_ROWS
from progen.spec.validate import read_spec

ROOT = Path(__file__).resolve().parent.parent
ROWS = MAX_RECORD_ROWS - 1  # the header is a row


def timed(label: str, run) -> object:
    start = time.perf_counter()
    result = run()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    example = assemble(read_spec(ROOT / "programmes/examples/westmoor-discharge.yaml"))
    start = dt.date(2020, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "csv"
        folder.mkdir()
        lines = [
            f"discharge,{start + dt.timedelta(days=i)},{i % 97 / 7:.1f}\n" for i in range(ROWS)
        ]
        (folder / "measures.csv").write_text("task,date,value\n" + "".join(lines))
        records = timed(f"read {ROWS:,} measure rows (CSV)", lambda: read_records(folder, "p"))
        timed("check them", lambda: check_records(records, example))

        book_folder = Path(tmp) / "xlsx"
        book_folder.mkdir()
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("measures")
        sheet.append(("task", "date", "value"))
        for i in range(ROWS):
            sheet.append(("discharge", start + dt.timedelta(days=i), i % 97 / 7))
        book.save(book_folder / "records.xlsx")
        timed(f"read {ROWS:,} measure rows (records.xlsx)", lambda: read_records(book_folder, "p"))

        bad = Path(tmp) / "bad"
        bad.mkdir()
        rows = "".join(f"x{i},2027-01-12,P{i},yes\n" for i in range(ROWS))
        (bad / "attendance.csv").write_text("event,date,name,attended\n" + rows)
        wrong = timed(f"read {ROWS:,} attendance rows", lambda: read_records(bad, "p"))
        found = timed("check them (every event unknown)", lambda: check_records(wrong, example))
        print(f"  {len(found):,} problems")
        (bad / "attendance.csv").write_text(
            "event,date,name,attended\n" + "s01,31/01/2027,P,maybe\n" * ROWS
        )

        def refused():
            try:
                read_records(bad, "p")
            except UserError as err:
                return err.problems

        print(f"  {len(timed(f'read {ROWS:,} rows, every cell wrong', refused)):,} problems")

        timed(
            "write the template (westmoor-discharge)",
            lambda: write_templates(example, Path(tmp) / "t1"),
        )
        region_spec = Path(tmp) / "region.yaml"
        import subprocess

        subprocess.run(
            [sys.executable, str(ROOT / "bench/region_spec.py"), str(region_spec)], check=True
        )
        region = assemble(read_spec(region_spec))
        print(f"  region: {len(template_rows(region)['attendance']):,} attendance rows")
        timed(
            "write the template (region of 5,000 people)",
            lambda: write_templates(region, Path(tmp) / "t2"),
        )


if __name__ == "__main__":
    main()
