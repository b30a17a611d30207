"""Shared helpers: a valid spec to start from, and a one-call way to run a spec's text
through the same load -> schema -> checks path as `progen validate`."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from progen.errors import Problem, UserError
from progen.spec.model import Spec
from progen.spec.validate import read_document
from progen.validation import check_document

REPO = Path(__file__).resolve().parent.parent
SHOWN = "spec.yaml"  # the name problems carry, so headlines are predictable

# A small valid spec, written out so that every line number in a test is easy to check.
#  1 version       8 stage          17 tasks             23 - id: ward-managers
#  2 programme     9 organisations  18 - id: discharge   27   count
#  5   start      10 - id: trust    21   stakeholders    28 - id: social-workers
#  6   weeks      14 - id: council  22 stakeholders      32   people
VALID = """\
version: 1
programme:
  id: test-programme
  title: Test programme
  start: 2027-01-12
  weeks: 26
context:
  stage: early
organisations:
  - id: trust
    name: Our Hospital Trust
    kind: acute-trust
    location: Main site
  - id: council
    name: Our County Council
    kind: local-authority
tasks:
  - id: discharge
    title: Home from hospital
    aim: Cut the delay for medically fit patients
    stakeholders: [ward-managers, social-workers]
stakeholders:
  - id: ward-managers
    name: Ward managers
    organisation: trust
    level: middle
    count: 7
  - id: social-workers
    name: Social workers
    organisation: council
    level: frontline
    people: [Alex Brown, Sam Green, Jo White]
"""

BASE: dict = yaml.safe_load(VALID)


def base() -> dict:
    """A fresh, mutable copy of the valid spec as data."""
    return copy.deepcopy(BASE)


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def swap(text: str, old: str, new: str) -> str:
    """`text` with its one occurrence of `old` replaced, so a test cannot edit the wrong line."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def run_spec(path: Path, source: str | bytes) -> tuple[Spec | None, list[Problem]]:
    path.write_bytes(source.encode("utf-8") if isinstance(source, str) else source)
    try:
        return check_document(*read_document(path, SHOWN))[0], []
    except UserError as err:
        return None, list(err.problems)


@pytest.fixture
def problems(tmp_path: Path) -> Callable[[str | bytes], list[Problem]]:
    """problems(text) -> every Problem `progen validate` reports for that spec text."""

    def run(source: str | bytes) -> list[Problem]:
        return run_spec(tmp_path / SHOWN, source)[1]

    return run


@pytest.fixture
def headlines(problems) -> Callable[[str | bytes], list[str]]:
    """headlines(text) -> the `file:line:col: path: message` lines, in reported order."""
    return lambda source: [p.headline() for p in problems(source)]


@pytest.fixture
def spec(tmp_path: Path) -> Callable[[str | bytes], Spec]:
    """spec(text) -> the built Spec; fails the test if the text has any problem."""

    def run(source: str | bytes) -> Spec:
        built, found = run_spec(tmp_path / SHOWN, source)
        assert found == [], [p.headline() for p in found]
        assert built is not None
        return built

    return run


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: builds a wheel or runs whole processes (still part of the default run)"
    )
