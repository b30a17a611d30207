"""The wheel carries the schemas and templates, and progen runs from it without the repo."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built offline with the build backend already installed (hatchling is a
    test dependency): no package index is consulted, so a missing backend is a failure
    here rather than a download."""
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index"]
    command += ["--no-build-isolation", "-w", str(out), str(REPO)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("progen-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_the_schemas_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "progen/_data/schemas/programme.schema.json" in names
    assert "progen/_data/templates/starter.yaml" in names
    assert "progen/cli.py" in names and "progen/spec/load.py" in names
    for folder in ("schemas", "templates/modules"):
        for path in sorted((REPO / folder).glob("*.*")):
            assert f"progen/_data/{folder}/{path.name}" in names, path
    assert any(n.startswith("progen/_data/templates/modules/") for n in names)
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "progen = progen.cli:main" in text


@pytest.mark.slow
def test_progen_runs_from_the_unpacked_wheel(wheel, tmp_path):
    unpacked = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(unpacked)
    work = tmp_path / "work"
    work.mkdir()
    code = f"""
import contextlib, io, json, sys
sys.path.insert(0, {str(unpacked)!r})
import progen
from progen.resources import schemas_dir, templates_dir
from progen.cli import main

def run(*args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main(list(args))
        except SystemExit as done:
            assert done.code in (0, None), (args, done.code)
    return out.getvalue()

print(json.dumps({{
    "package": progen.__file__,
    "schemas": str(schemas_dir()),
    "templates": str(templates_dir()),
    "schema": run("schema"),
    "new": run("new", "programmes/from-wheel.yaml"),
    "validate": run("validate"),
}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=work, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    package = unpacked / "progen"
    assert Path(report["package"]).parent == package
    assert Path(report["schemas"]) == package / "_data" / "schemas"
    assert Path(report["templates"]) == package / "_data" / "templates"
    shipped = (package / "_data" / "schemas" / "programme.schema.json").read_text("utf-8")
    assert report["schema"] == shipped
    assert json.loads(report["schema"]) == json.loads(
        (REPO / "schemas" / "programme.schema.json").read_text("utf-8")
    )
    assert report["validate"].startswith("programmes/from-wheel.yaml: valid (")
    assert 'id: "from-wheel"' in (work / "programmes" / "from-wheel.yaml").read_text("utf-8")
