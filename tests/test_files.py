"""Files the user points progen at: only regular files are read, never a pipe or a device
that would hang it; module files are checked like specs; each spec uses the modules folder
beside its own programmes/ folder, wherever progen is run from."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, SHOWN, VALID, swap

import progen.publish.programme as publishing
from progen.cli import main
from progen.design.catalogue import load_catalogue
from progen.errors import UserError
from progen.spec import limits
from progen.spec.files import NotReadable, read_limited
from progen.spec.load import load

MODULE = REPO / "templates" / "modules" / "programme-launch.md"  # in every programme
PROGEN = str(Path(sys.executable).with_name("progen"))


def finishes(call: Callable[[], object], seconds: float = 20) -> object:
    """What `call` returns or raises, failing the test if it is still running after
    `seconds` (a read that blocks would otherwise hang the suite)."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as err:  # handed to the test below
            outcome["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still reading after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]


def refusal(path: Path) -> str:
    with pytest.raises(UserError) as caught:
        finishes(lambda: load(path, SHOWN))
    (problem,) = caught.value.problems
    return problem.headline()


# ── special files ─────────────────────────────────────────────────────────────────────


def test_a_fifo_as_a_spec_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "spec.yaml")
    assert refusal(tmp_path / "spec.yaml") == (
        f"{SHOWN}:1:1: this is a named pipe (FIFO), not a spec file"
    )


def test_a_link_to_a_fifo_is_refused_too(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "spec.yaml").symlink_to(tmp_path / "pipe")
    assert refusal(tmp_path / "spec.yaml").endswith("this is a named pipe (FIFO), not a spec file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_as_a_spec_is_refused_before_reading(device):
    assert refusal(Path(device)) == f"{SHOWN}:1:1: this is a device, not a spec file"


def test_a_file_over_the_limit_is_refused_from_its_size_without_reading_it(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as file:
        file.truncate(50 * limits.MAX_BYTES)  # sparse: large, yet nothing to read
    assert refusal(big) == (
        f"{SHOWN}:1:1: the file is {50 * limits.MAX_BYTES:,} bytes; "
        f"a spec file may be at most {limits.MAX_BYTES:,} bytes"
    )


def test_read_limited_reads_a_regular_file_and_explains_what_it_cannot(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"hello")
    assert read_limited(tmp_path / "a.txt", 5) == b"hello"
    with pytest.raises(NotReadable, match="the file is 6 bytes; a file may be at most 5 bytes"):
        (tmp_path / "b.txt").write_bytes(b"hello!")
        read_limited(tmp_path / "b.txt", 5)
    with pytest.raises(NotReadable, match="cannot read the file: Not a directory"):
        read_limited(tmp_path / "a.txt" / "under-a-file.yaml", 5)
    with pytest.raises(NotReadable, match="its name holds a NUL character"):
        read_limited(tmp_path / "a\x00b", 5)


def test_the_installed_command_refuses_devices_and_fifos_at_once(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "good.yaml").write_text(VALID, "utf-8")
    done = subprocess.run(
        [PROGEN, "validate", "/dev/zero", "/dev/urandom", "pipe.yaml", "good.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout.startswith("good.yaml: valid (2 organisations")
    assert done.stderr.splitlines() == [
        "/dev/urandom:1:1: this is a device, not a spec file",
        "/dev/zero:1:1: this is a device, not a spec file",
        "pipe.yaml:1:1: this is a named pipe (FIFO), not a spec file",
        "3 problems in 3 files",
    ]


# ── module files ──────────────────────────────────────────────────────────────────────


def test_bad_module_files_are_located_problems_not_tracebacks(tmp_path):
    folder = tmp_path / "modules"
    folder.mkdir()
    (folder / "latin1.md").write_bytes(b"---\nid: latin1\ntitle: Caf\xe9\n---\n")
    (folder / "folder.md").mkdir()
    os.mkfifo(folder / "pipe.md")
    (folder / "ok.txt").write_text("not a module: ignored")
    with pytest.raises(UserError) as caught:
        finishes(lambda: load_catalogue(folder))
    assert [p.headline() for p in caught.value.problems] == [
        f"{folder}/folder.md:1:1: this is a folder, not a module file",
        f"{folder}/latin1.md:3:11: byte 0xe9 is not UTF-8 text; save the file as UTF-8",
        f"{folder}/pipe.md:1:1: this is a named pipe (FIFO), not a module file",
    ]


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("", "1:1: the front matter is empty"),
        ("- a\n- b\n", "2:1: the front matter is a list; it must be a mapping of keys and values"),
    ],
)
def test_module_front_matter_problems_speak_of_front_matter(tmp_path, front, message):
    (tmp_path / "x.md").write_text(f"---\n{front}---\nThe plan.\n", "utf-8")
    with pytest.raises(UserError) as caught:
        load_catalogue(tmp_path)
    assert [p.headline() for p in caught.value.problems] == [f"{tmp_path}/x.md:{message}"]


def test_module_front_matter_reads_plain_values_by_yaml_1_2(tmp_path):
    text = MODULE.read_text("utf-8")
    (tmp_path / MODULE.name).write_text(swap(text, "emphasis: neutral", "emphasis: NO"))
    with pytest.raises(UserError) as caught:
        load_catalogue(tmp_path)
    (problem,) = caught.value.problems
    assert problem.message.startswith("'NO' is not one of")  # not false


def project(root: Path, title: str) -> Path:
    """root/programmes/p.yaml beside root/modules/, whose module has the given title."""
    (root / "programmes").mkdir(parents=True)
    (root / "modules").mkdir()
    spec = root / "programmes" / "p.yaml"
    spec.write_text(swap(VALID, "  id: test-programme", f"  id: {root.name}"), "utf-8")
    (root / "modules" / MODULE.name).write_text(titled(title), "utf-8")
    return spec


def titled(title: str) -> str:
    """The built-in module's file with its title changed."""
    text = MODULE.read_text("utf-8")
    return re.sub(r"(?m)^title: .*$", f"title: {title} module", text, count=1)


def titles(plan_json: str) -> set[str]:
    return {s["title"] for s in json.loads(plan_json)["sessions"]}


def test_plan_uses_the_modules_beside_the_specs_programmes_folder_from_anywhere(
    tmp_path, monkeypatch
):
    spec = project(tmp_path / "proj", "Local")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "modules").mkdir()  # the current folder's modules/ belongs to no spec here
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(main, ["plan", "--json", str(spec)])
    assert result.exit_code == 0, result.output
    assert any(t.startswith("Local ") for t in titles(result.stdout))


def test_modules_given_on_the_command_line_win(tmp_path, monkeypatch):
    spec = project(tmp_path / "proj", "Local")
    other = tmp_path / "other"
    other.mkdir()
    (other / MODULE.name).write_text(titled("Given"), "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["plan", "--json", "--modules", str(other), str(spec)])
    assert result.exit_code == 0, result.output
    found = titles(result.stdout)
    assert any(t.startswith("Given ") for t in found)
    assert not any(t.startswith("Local ") for t in found)


def test_validate_checks_each_specs_modules_folder(tmp_path, monkeypatch):
    good = project(tmp_path / "good", "Local")
    bad = project(tmp_path / "bad", "Local")
    (tmp_path / "bad" / "modules" / "broken.md").write_bytes(b"---\nid: broken\n\xff\n---\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "bad/modules/broken.md:3:1: byte 0xff is not UTF-8 text; save the file as UTF-8"
    )
    assert "good/modules" not in result.stderr
    alone = CliRunner().invoke(main, ["validate", str(good)])
    assert alone.exit_code == 0, alone.output


def test_validate_takes_a_modules_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.yaml").write_text(VALID, "utf-8")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "x.md").write_text("---\nid: x\n---\n", "utf-8")
    result = CliRunner().invoke(main, ["validate", "--modules", "mine", "spec.yaml"])
    assert result.exit_code == 1
    assert result.stderr.startswith("mine/x.md:2:1: missing required key")
    missing = CliRunner().invoke(main, ["validate", "--modules", "nowhere", "spec.yaml"])
    assert missing.exit_code == 1
    assert "nowhere:1:1: no such folder of modules" in missing.stderr


def fake_write_site(programme, folder: Path, progress=None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text("<!doctype html><title>x</title>", "utf-8")


def fake_write_pdf(programme, path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n%%EOF\n")


def test_build_gives_each_spec_the_modules_beside_its_own_programmes(tmp_path, monkeypatch):
    monkeypatch.setattr(publishing, "renderers", lambda: (fake_write_site, fake_write_pdf))
    north = project(tmp_path / "north", "Northern")
    south = project(tmp_path / "south", "Southern")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--out", "site", str(north), str(south)])
    assert result.exit_code == 0, result.output
    for name, title in (("north", "Northern "), ("south", "Southern ")):
        built = titles((tmp_path / "site" / name / "programme.json").read_text("utf-8"))
        assert any(t.startswith(title) for t in built), (name, built)


def test_a_spec_outside_a_programmes_folder_uses_the_modules_beside_it(tmp_path):
    from progen.spec.find import modules_folder

    (tmp_path / "modules").mkdir()
    (tmp_path / "work").mkdir()
    assert modules_folder(tmp_path / "p.yaml") == tmp_path / "modules"
    # never the parent of an unrelated folder: /tmp/work/p.yaml does not reach /tmp/modules
    assert modules_folder(tmp_path / "work" / "p.yaml") is None
