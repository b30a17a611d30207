"""Shared helpers: a valid spec to start from, and a one-call way to run a spec's text
through the same load -> schema -> checks path as `progen validate`."""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

from progen.errors import Problem, UserError
from progen.spec.model import Spec
from progen.spec.validate import read_document
from progen.validation import check_document

REPO = Path(__file__).resolve().parent.parent

# Property tests draw the same examples on every run and every machine, so a failure seen
# once (in CI, where CI=true, or here) is seen again by whoever runs the suite next; the
# failing example's blob is printed for `@reproduce_failure`. Outside CI,
# HYPOTHESIS_PROFILE=explore draws fresh examples, to look for new failures on purpose.
settings.register_profile("repeatable", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, print_blob=True)
settings.load_profile(
    "repeatable" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "repeatable")
)
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

# A module body as a hostile user might write one: every way Markdown or HTML has of
# making a link, an image or a script, with some formatting that must still work.
HOSTILE_BODY = """\
## Kept heading

**kept bold** and a table:

| kept | table |
|---|---|
| a | b |

\\[a\\](javascript:alert(1))
[b](http://evil.example/b)
<a href=javascript:alert(2)>c</a>
![d](file:///etc/passwd)
<http://evil.example/e> <mail@evil.example>
[f][1] and [g]
<a href="&#106;avascript:alert(4)">h</a> [i](&#106;avascript:alert(5))
<script>alert(6)</script>
<img src=x onerror=alert(7)>
<iframe src="http://evil.example/k"></iframe>
<svg onload=alert(8)></svg>

<div><a href="//evil.example/l">l</a></div>

[1]: javascript:alert(3)
[g]: http://evil.example/g
"""


def base() -> dict:
    """A fresh, mutable copy of the valid spec as data."""
    return copy.deepcopy(BASE)


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def most_minutes(programme, group: str) -> int:
    """The most taught minutes any member of `group` is expected at: what contact_hours
    bounds (a member of a group in several tasks attends their own task's sessions)."""
    from progen.design.participants import taught_minutes

    return max((m for (_, g), m in taught_minutes(programme).items() if g == group), default=0)


def swap(text: str, old: str, new: str) -> str:
    """`text` with its one occurrence of `old` replaced, so a test cannot edit the wrong line."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def hostile_modules(folder: Path) -> Path:
    """Every built-in module, with its front matter kept and its body replaced by
    HOSTILE_BODY, in `folder` (a user's modules folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    for module in sorted((REPO / "templates" / "modules").glob("*.md")):
        _, front, _ = module.read_text("utf-8").split("---\n", 2)
        (folder / module.name).write_text(f"---\n{front}---\n{HOSTILE_BODY}", "utf-8")
    return folder


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


@pytest.fixture(scope="session")
def small(tmp_path_factory):
    """VALID with a measure on its task, assembled: the programme the progress tests record."""
    from progen.design.assemble import assemble
    from progen.spec.validate import read_spec

    path = tmp_path_factory.mktemp("spec") / "spec.yaml"
    text = swap(
        VALID,
        "    stakeholders: [ward-managers, social-workers]",
        "    measure: {name: median days delayed, unit: days, baseline: 6, target: 2}\n"
        "    stakeholders: [ward-managers, social-workers]",
    )
    path.write_text(text, encoding="utf-8")
    return assemble(read_spec(path))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: builds a wheel or runs whole processes (still part of the default run)"
    )


def stops(pid: int, patience: float = 60.0) -> bool:
    """Whether process `pid` stops running (exits, or is a zombie) within `patience`
    seconds: a killed process closes its files a moment before it is seen to have ended."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False
