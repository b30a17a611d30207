"""A build's jobs side by side (publish.parallel): failures come back as what they were and
leave the output as it was, progress is announced stage by stage, and neither a failure
nor Ctrl-C leaves a job process behind.

The byte-for-byte comparison of a parallel and a serial build of the bundled programmes,
with the real renderers, is in tests/test_build.py.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, VALID, stops, swap

import progen.commands.build as pipeline
import progen.publish.programme as publishing
from progen.cli import main
from progen.errors import UserError
from progen.publish import parallel

GOOD = swap(VALID, "    count: 7", "    count: 4")
PID = "test-programme"


def write_spec(folder: Path, pid: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pid}.yaml"
    path.write_text(swap(GOOD, f"  id: {PID}", f"  id: {pid}"), "utf-8")
    return path


def stub_site(programme, folder: Path, progress=None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(f"<!doctype html><title>{programme.id}</title>", "utf-8")


def stub_pdf(programme, path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n% stand-in for " + programme.id.encode() + b"\n%%EOF\n")


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def specs(tmp_path, monkeypatch) -> list[Path]:
    monkeypatch.setattr(publishing, "renderers", lambda: (stub_site, stub_pdf))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return [write_spec(tmp_path / "specs", pid) for pid in ("first", "second", "third")]


# ---------------------------------------------------------------- the runner


def test_jobs_run_in_other_processes_only_with_more_than_one_worker(tmp_path):
    def job(n):
        def run(stage_done):
            (tmp_path / f"{n}-{os.getpid()}").touch()
            stage_done("work", 0.5)

        return run

    for workers in (1, 2):
        heard: list[tuple] = []
        ended: list[int] = []
        parallel.run(
            [job(n) for n in range(4)],
            workers,
            lambda i, stage, s, heard=heard: heard.append((i, stage, s)),
            ended.append,
        )
        assert sorted(heard) == [(i, "work", 0.5) for i in range(4)]
        assert sorted(ended) == [0, 1, 2, 3]
        ran_in = {int(p.name.split("-")[1]) for p in tmp_path.iterdir()}
        assert (ran_in == {os.getpid()}) == (workers == 1), ran_in
        for p in tmp_path.iterdir():
            p.unlink()


def test_a_job_no_process_can_be_started_for_runs_here(tmp_path, monkeypatch):
    """At a process limit, starting a job's process fails: the job waits for a running
    one to finish, or runs in this process, and every job still runs once."""
    from multiprocessing.context import ForkProcess

    started = []
    real = ForkProcess.start

    def start_once(self):
        if started:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        started.append(self)
        real(self)

    monkeypatch.setattr(ForkProcess, "start", start_once)

    def job(n):
        def run(stage_done):
            (tmp_path / f"{n}-{os.getpid()}").touch()
            stage_done("work", 0.5)

        return run

    ended: list[int] = []
    parallel.run([job(n) for n in range(4)], 2, lambda *a: None, ended.append)
    assert sorted(ended) == [0, 1, 2, 3]
    ran_in = [int(p.name.split("-")[1]) for p in tmp_path.iterdir()]
    assert len(ran_in) == 4 and ran_in.count(os.getpid()) == 3, ran_in


def test_a_failing_job_stops_the_others_and_comes_back_as_itself(tmp_path):
    def sleeper(stage_done):
        (tmp_path / str(os.getpid())).touch()
        time.sleep(600)

    def failing(stage_done):
        while not any(tmp_path.iterdir()):  # the sleeper has started
            time.sleep(0.01)
        raise OSError(errno.ENOSPC, "No space left on device", "/full/disk")

    with pytest.raises(OSError) as err:
        parallel.run([sleeper, failing, sleeper], 2, lambda *a: None, lambda i: None)
    assert (err.value.errno, err.value.filename) == (errno.ENOSPC, "/full/disk")
    assert "failing" in str(err.value.__cause__)  # where it happened, in the child
    (sleeping,) = tmp_path.iterdir()  # the third job never started
    assert stops(int(sleeping.name))


def test_a_failure_that_cannot_travel_is_named(tmp_path):
    class Unpicklable(Exception):
        def __init__(self, a, b):
            super().__init__(f"{a} and {b}")

    def job(stage_done):
        raise Unpicklable("this", "that")

    with pytest.raises(parallel.JobFailed, match="Unpicklable: this and that"):
        parallel.run([job, job], 2, lambda *a: None, lambda i: None)


def test_a_job_process_that_dies_is_a_failure():
    def job(stage_done):
        os._exit(3)

    with pytest.raises(parallel.JobFailed, match="exit code 3"):
        parallel.run([job, job], 2, lambda *a: None, lambda i: None)


# ---------------------------------------------------------------- the build


def test_a_located_error_in_a_job_reaches_the_user_and_leaves_the_output(specs, tmp_path):
    out = tmp_path / "site"
    pipeline.build(specs, out, echo=lambda line: None)
    before = tree(out)

    def full_disk(programme, folder, progress=None):
        if programme.id == "second":
            raise OSError(errno.ENOSPC, "No space left on device", str(folder / "index.html"))
        stub_site(programme, folder, progress)

    publishing.renderers = lambda: (full_disk, stub_pdf)  # undone by the fixture's monkeypatch
    result = CliRunner().invoke(main, ["build", *map(str, specs), "--out", str(out), "--force"])
    assert result.exit_code == 1
    assert "second/index.html cannot be written: the disk is full" in result.stderr
    assert "nothing written" in result.stderr
    assert tree(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_a_user_error_in_a_job_comes_back_with_its_problems(specs, tmp_path, monkeypatch):
    from progen.errors import Problem

    problem = Problem("records.csv", 3, 2, "measures", "not a number")

    def refusing(programme, folder, progress=None):
        raise UserError([problem])

    monkeypatch.setattr(publishing, "renderers", lambda: (refusing, stub_pdf))
    with pytest.raises(UserError) as err:
        pipeline.build(specs, tmp_path / "site", echo=lambda line: None, workers=2)
    assert err.value.problems == (problem,)
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_is_a_line_per_programme_and_stage_as_it_goes(specs, tmp_path, workers):
    lines: list[str] = []
    pipeline.build(
        specs, tmp_path / "site", echo=lines.append, progress=lines.append, workers=workers
    )
    for pid in ("first", "second", "third"):
        summary = next(i for i, line in enumerate(lines) if line.startswith(f"{pid}: validate "))
        summed = [part.rsplit(" ", 2)[0] for part in lines[summary].split(": ", 1)[1].split(" · ")]
        for stage in ("validate", "site", "records template", "files", "pdf"):
            (at,) = [
                i for i, line in enumerate(lines) if line.startswith(f"  {pid}: {stage} done in ")
            ]
            assert at < summary, (pid, stage, lines)
            assert stage in summed
    assert lines[-1].endswith(" s") and "3 programmes (3 built, 0 up to date)" in lines[-1]


def test_a_build_told_one_job_at_a_time_runs_the_jobs_here(specs, tmp_path, monkeypatch):
    here = os.getpid()
    seen: list[int] = []

    def site(programme, folder, progress=None):
        seen.append(os.getpid())
        stub_site(programme, folder)

    monkeypatch.setattr(publishing, "renderers", lambda: (site, stub_pdf))
    result = CliRunner().invoke(
        main, ["build", *map(str, specs), "--out", str(tmp_path / "o"), "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    assert seen == [here] * 3
    # progress to standard error, as standard output may be JSON
    assert "  second: pdf done in " in result.stderr and " done in " not in result.stdout
    assert "second: validate " in result.stdout


# ---------------------------------------------------------------- Ctrl-C


INTERRUPTED = """
import os, pathlib, sys, time
import progen.publish.programme as publishing
from progen.cli import main

pids = pathlib.Path(sys.argv[1])


def site(programme, folder, progress=None):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text("<!doctype html><title>new</title>", "utf-8")


def pdf(programme, path):
    (pids / str(os.getpid())).touch()
    time.sleep(600)  # far beyond the test's patience, unless Ctrl-C stops it


publishing.renderers = lambda: (site, pdf)
main(["build", "--force", "-j", "2", *sys.argv[2:]])
"""


def test_ctrl_c_stops_every_job_and_leaves_the_output(specs, tmp_path):
    out = tmp_path / "site"
    pipeline.build(specs, out, echo=lambda line: None)
    before = tree(out)
    script, pids = tmp_path / "interrupted.py", tmp_path / "pids"
    script.write_text(INTERRUPTED, "utf-8")
    pids.mkdir()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), *sys.path]))
    build = subprocess.Popen(
        [sys.executable, str(script), str(pids), *map(str, specs), "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    while len(list(pids.iterdir())) < 2:  # both handbooks are being laid out
        assert build.poll() is None, build.communicate()
        time.sleep(0.05)
    os.killpg(build.pid, signal.SIGINT)  # what Ctrl-C sends: every process of the job
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 1, stderr
    assert b"Traceback" not in stderr
    for pid in pids.iterdir():
        assert stops(int(pid.name)), f"job process {pid.name} outlived its build"
    assert tree(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
