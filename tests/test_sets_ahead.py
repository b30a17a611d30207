"""Sets formed ahead in a second process are the sets formed in-process, and a child that
cannot help changes nothing (design/sets_ahead.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from test_set_plan import PROPERTY, spec_data

from progen.design import sets_ahead
from progen.design.participants import expand_participants
from progen.errors import UserError
from progen.spec.load import parse
from progen.spec.validate import validate_document
from progen.validation import check_file

EXAMPLE = Path(__file__).parent.parent / "programmes" / "examples" / "westmoor-discharge.yaml"


def spec_of(data: dict):
    return validate_document(parse("sets.yaml", yaml.safe_dump(data).encode()))


def scaled(tmp_path: Path, times: int) -> Path:
    """The bundled Westmoor spec with every group `times` as large."""
    text = re.sub(
        r"(\n\s+count: )(\d+)",
        lambda m: m.group(1) + str(int(m.group(2)) * times),
        EXAMPLE.read_text("utf-8"),
    )
    path = tmp_path / "westmoor-large.yaml"
    path.write_text(text, "utf-8")
    return path


@PROPERTY
@given(spec_data())
def test_sets_formed_ahead_are_the_sets_formed_here(data):
    spec = spec_of(data)
    here = sets_ahead.formed_sets(spec)
    before, sets_ahead.AHEAD_PEOPLE = sets_ahead.AHEAD_PEOPLE, 0
    try:
        sets_ahead.start(spec)
        assert id(spec) in sets_ahead._waiting  # a child was started for it
        assert sets_ahead.sets_for(spec) == here
        assert id(spec) not in sets_ahead._waiting
    finally:
        sets_ahead.AHEAD_PEOPLE = before


def test_a_large_spec_is_planned_alike_with_and_without_the_child(tmp_path, monkeypatch):
    path = scaled(tmp_path, 4)
    forked = []
    real = sets_ahead.start

    def counted(spec):
        real(spec)
        forked.append(id(spec) in sets_ahead._waiting)

    monkeypatch.setattr(sets_ahead, "start", counted)
    ahead = check_file(path).programme
    assert forked == [True]
    assert len(expand_participants(ahead.spec)) >= sets_ahead.AHEAD_PEOPLE
    monkeypatch.setattr(sets_ahead, "start", lambda spec: None)
    here = check_file(path).programme
    assert [(s.task, s.members, s.schedule) for s in ahead.sets] == [
        (s.task, s.members, s.schedule) for s in here.sets
    ]


def test_a_child_that_fails_leaves_the_sets_to_the_parent(tmp_path, monkeypatch):
    path = scaled(tmp_path, 4)
    parent, real = os.getpid(), sets_ahead.formed_sets

    def failing_in_the_child(spec):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real(spec)

    expected = check_file(path).programme.sets
    monkeypatch.setattr(sets_ahead, "formed_sets", failing_in_the_child)
    assert check_file(path).programme.sets == expected


def test_no_child_while_other_threads_run_or_for_a_small_spec(tmp_path):
    large = check_file(scaled(tmp_path, 4)).spec
    small = check_file(EXAMPLE).spec
    assert len(expand_participants(small)) < sets_ahead.AHEAD_PEOPLE
    sets_ahead.start(small)
    assert id(small) not in sets_ahead._waiting
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        sets_ahead.start(large)
        assert id(large) not in sets_ahead._waiting
    finally:
        stop.set()
        other.join()
    sets_ahead.start(large)
    assert id(large) in sets_ahead._waiting
    assert sets_ahead.sets_for(large) == sets_ahead.formed_sets(large)


def test_no_process_to_spare_leaves_the_sets_to_the_parent(tmp_path, monkeypatch):
    path = scaled(tmp_path, 4)
    expected = check_file(path).programme.sets

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    files = len(os.listdir("/proc/self/fd"))
    assert check_file(path).programme.sets == expected
    assert not sets_ahead._waiting
    assert len(os.listdir("/proc/self/fd")) == files  # the pipe closed again


def test_a_spec_that_fails_validation_leaves_no_child_behind(tmp_path):
    text = scaled(tmp_path, 4).read_text("utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(re.sub(r"contact_hours: \d+", "contact_hours: 1", text), "utf-8")
    with pytest.raises(UserError):
        check_file(bad)
    assert not sets_ahead._waiting


def test_ctrl_c_during_the_fork_stops_the_plan(tmp_path):
    """Python drops exceptions raised in its after-fork hooks: a Ctrl-C arriving while the
    child is forked must still stop the plan ("Aborted!", exit 1), not vanish."""
    path = scaled(tmp_path, 4)
    script = (
        "import os, signal, sys\n"
        "os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGINT))\n"
        "from progen.cli import main\n"
        "main(sys.argv[1:], 'progen')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "plan", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Aborted!" in done.stderr
    assert "Traceback" not in done.stderr and not done.stdout
