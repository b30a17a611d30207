"""Benchmark `progen build`: whole-process full build, no-op rebuild, and overhead over
the bare renderers (`mkdocs build` on the same generated pages plus the `weasyprint`
command on the same handbook HTML).

Run with `.venv/bin/python bench/bench_build.py [runs]` from the repository root. Not a
test: timings depend on the machine, so they are printed for BENCHMARKS.md, never
asserted.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SPECS = sorted((REPO / "programmes" / "examples").glob("*.yaml"))


def timed(cmd: list[str], cwd: Path = REPO) -> float:
    return timed_output(cmd, cwd)[0]


def timed_output(cmd: list[str], cwd: Path = REPO) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)
    return time.perf_counter() - began, done.stdout


def plain(value):
    """Config values as plain YAML types (the site module uses Markup strings)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def prepare_bare(work: Path) -> list[tuple[list[str], list[str]]]:
    """Per programme: the generated MkDocs project and handbook HTML, and the two bare
    commands that render them."""
    from progen.design.assemble import assemble
    from progen.publish import pdf, site
    from progen.resources import templates_dir
    from progen.spec.validate import read_spec

    jobs = []
    for spec_path in SPECS:
        p = assemble(read_spec(spec_path))
        root = work / p.id
        docs = root / "docs"
        (docs / "assets").mkdir(parents=True)
        for sheet in site.STYLESHEETS:
            shutil.copyfile(templates_dir() / "site" / sheet, docs / "assets" / sheet)
        nav, blocks = site.write_pages(p, docs)
        config = plain(site._config(p, docs, root / "site", nav, blocks))
        (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
        (root / "handbook.html").write_text(pdf.handbook_html(p), "utf-8")
        mkdocs = [str(BIN / "mkdocs"), "build", "-q", "-f", str(root / "mkdocs.yml")]
        weasy = [
            str(BIN / "weasyprint"),
            "--pdf-tags",
            "-s",
            str(templates_dir() / "pdf" / "handbook.css"),
            "-u",
            pdf.assets_dir().resolve().as_uri() + "/",
            str(root / "handbook.html"),
            str(root / f"{p.id}.pdf"),
        ]
        jobs.append((mkdocs, weasy))
    return jobs


def main(runs: int = 3) -> None:
    progen = str(BIN / "progen")
    specs = [str(s) for s in SPECS]
    with tempfile.TemporaryDirectory(prefix="progen-bench-") as tmp:
        work = Path(tmp)
        full, noop, rebuilt = [], [], 0
        for n in range(runs):
            out = work / f"site-{n}"
            full.append(timed([progen, "build", *specs, "--out", str(out)]))
            seconds, output = timed_output([progen, "build", *specs, "--out", str(out)])
            noop.append(seconds)
            rebuilt += sum(" · pdf " in line for line in output.splitlines())
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        jobs = prepare_bare(work / "bare")
        mkdocs_runs, weasy_runs = [], []
        for _ in range(runs):
            mkdocs_runs.append(sum(timed(m) for m, _ in jobs))
            weasy_runs.append(sum(timed(w) for _, w in jobs))

    full_s, noop_s = statistics.median(full), statistics.median(noop)
    mk_s, wp_s = statistics.median(mkdocs_runs), statistics.median(weasy_runs)
    bare = mk_s + wp_s
    print(f"programmes: {len(SPECS)} ({', '.join(s.stem for s in SPECS)}); runs: {runs}")
    print(f"progen build, full (whole process, median): {full_s:.2f} s")
    print(f"progen build, no-op rebuild (median): {noop_s:.2f} s ({noop_s / full_s:.1%} of full)")
    if rebuilt:
        print(f"warning: {rebuilt} programme(s) were rebuilt by a no-op run (inputs edited?)")
    print(f"peak memory of any progen build process: {peak_mb:.0f} MB")
    print(f"bare mkdocs build, same pages (sum over programmes, median): {mk_s:.2f} s")
    print(f"bare weasyprint, same handbook HTML (sum over programmes, median): {wp_s:.2f} s")
    print(f"bare renderers total: {bare:.2f} s")
    print(f"progen overhead ratio (full / bare): {full_s / bare:.2f}x (goal <= 1.2x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
