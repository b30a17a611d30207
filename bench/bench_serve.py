"""Benchmark `progen serve`: from a save to the served page showing it, and to the PDF
link no longer saying "updating" (the background build has landed).

A temporary project holds the bundled westmoor-discharge spec and its records; `progen
serve` runs on it as a user runs it (its own process, the default poll interval). Each
run saves the spec with a new title the way an editor that writes a temporary file and
renames it does (os.replace), then polls the page every 10 ms. The seconds serve itself
reports for laying out the pages ("pages in 0.61 s") are printed beside, so the rest of
the wait (the poll interval, settling, the request) shows too.

Run with `.venv/bin/python bench/bench_serve.py [runs]` from the repository root. Not a
test: timings depend on the machine, so they are printed for BENCHMARKS.md, never
asserted.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PID = "westmoor-discharge"
SPEC = REPO / "programmes" / "examples" / f"{PID}.yaml"
RECORDS = REPO / "records" / PID
LAID_OUT = re.compile(rf"{PID}: pages in ([0-9.]+) s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{PID}/index.html", timeout=10) as r:
        text = r.read().decode("utf-8")
    if "<title>Problems to fix" in text:
        raise RuntimeError(f"the preview shows problems:\n{text}")
    return text


def until(test, limit: float = 120.0) -> float:
    """Seconds until test() holds, polled every 10 ms."""
    began = time.perf_counter()
    while True:
        try:
            if test():
                return time.perf_counter() - began
        except OSError:
            pass
        if time.perf_counter() - began > limit:
            raise TimeoutError("the preview did not show the change")
        time.sleep(0.01)


def save(spec: Path, title: str) -> None:
    text = re.sub(r"(?m)^  title: .*$", f'  title: "{title}"', spec.read_text("utf-8"), count=1)
    temp = spec.with_name(f".{spec.name}.tmp")
    temp.write_text(text, "utf-8")
    os.replace(temp, spec)


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        project = Path(tmp)
        (project / "programmes").mkdir()
        spec = project / "programmes" / SPEC.name
        shutil.copyfile(SPEC, spec)
        if RECORDS.is_dir():
            shutil.copytree(RECORDS, project / "records" / PID)
        port = free_port()
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
        log = project / "serve.log"
        server = subprocess.Popen(
            [sys.executable, "-m", "progen", "serve", "--port", str(port)],
            cwd=project,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            first = until(lambda: "(updating…)" not in page(port))
            print(f"start to everything built: {first:.2f} s")
            pages, pdfs, layouts = [], [], []
            for run in range(runs):
                title = f"Bench title {run}"
                began = time.perf_counter()
                save(spec, title)
                until(lambda title=title: title in page(port))
                pages.append(time.perf_counter() - began)
                until(lambda title=title: title in page(port) and "(updating…)" not in page(port))
                pdfs.append(time.perf_counter() - began)
                layouts.append(float(LAID_OUT.findall(log.read_text("utf-8"))[-1]))
                print(
                    f"run {run + 1}: page {pages[-1]:.2f} s (laying out the pages "
                    f"{layouts[-1]:.2f} s), PDF and downloads {pdfs[-1]:.2f} s"
                )
            for name, seconds in (
                ("save to page", pages),
                ("laying out the pages", layouts),
                ("save to PDF", pdfs),
            ):
                median = statistics.median(seconds)
                print(f"{name}: median {median:.2f} s, max {max(seconds):.2f} s")
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(30)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
