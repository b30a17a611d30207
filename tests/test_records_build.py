"""Records through the commands: `build` publishes the template always and progress, the
Progress pages and the board report once there are records; bad records stop it with
nothing written; `report` prints progress as text or JSON and can write the PDF."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from pypdf import PdfReader

from progen.cli import main

EXAMPLE = REPO / "programmes" / "examples" / "westmoor-discharge.yaml"
RECORDS = REPO / "records" / "westmoor-discharge"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder holding the example spec in programmes/ and its records."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "programmes").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "programmes" / EXAMPLE.name)
    shutil.copytree(RECORDS, tmp_path / "records" / "westmoor-discharge")
    return tmp_path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The example built once with its bundled records, by the real renderers."""
    root = tmp_path_factory.mktemp("built")
    (root / "programmes").mkdir()
    shutil.copy(EXAMPLE, root / "programmes" / EXAMPLE.name)
    shutil.copytree(RECORDS, root / "records" / "westmoor-discharge")
    result = CliRunner().invoke(
        main, ["build", str(root / "programmes" / EXAMPLE.name), "--out", str(root / "site")]
    )
    assert result.exit_code == 0, result.output
    return root / "site" / "westmoor-discharge"


def test_the_bundled_records_make_progress_pages_and_a_board_report(built):
    data = json.loads((built / "progress.json").read_text("utf-8"))
    assert data["as_at"] == "2027-05-31"
    assert [m["task"] for m in data["measures"]] == ["discharge", "first-week-home"]
    assert all(len(m["points"]) == 25 for m in data["measures"])
    reader = PdfReader(io.BytesIO((built / "westmoor-discharge-report.pdf").read_bytes()))
    assert 2 <= len(reader.pages) <= 4
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Progress report as at Monday 31 May 2027" in text
    page = (built / "progress" / "index.html").read_text("utf-8")
    assert "Set 6" in page and "Hospital social workers" in page
    assert 'href="westmoor-discharge-report.pdf"' in (built / "index.html").read_text("utf-8")
    assert (built / "records-template.xlsx").is_file()
    assert (built / "records-template" / "attendance.csv").is_file()


def test_without_records_only_the_template_is_published(tmp_path):
    out = tmp_path / "site"
    (tmp_path / "programmes").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "programmes" / EXAMPLE.name)
    result = run("build", str(tmp_path / "programmes" / EXAMPLE.name), "--out", str(out))
    assert result.exit_code == 0, result.output
    folder = out / "westmoor-discharge"
    assert (folder / "records-template.xlsx").is_file()
    assert not (folder / "progress.json").exists()
    assert not (folder / "westmoor-discharge-report.pdf").exists()
    assert "report.pdf" not in (folder / "index.html").read_text("utf-8")


def test_bad_records_stop_the_build_with_located_problems_and_nothing_written(project):
    site = project / "site"
    site.mkdir()
    (site / "keep.txt").write_text("the user's", "utf-8")
    measures = project / "records" / "westmoor-discharge" / "measures.csv"
    lines = measures.read_text("utf-8").splitlines()
    lines[3] = lines[3].replace("discharge,", "dischrge,", 1)
    measures.write_text("\n".join(lines) + "\n", "utf-8")
    result = run("build")
    assert result.exit_code == 1, result.output
    assert "records/westmoor-discharge/measures.csv:4:1: " in result.stderr
    assert "did you mean 'discharge'" in result.stderr
    lines[5] = "discharge,2025-10-31,six,,"
    measures.write_text("\n".join(lines) + "\n", "utf-8")
    result = run("build")
    assert result.exit_code == 1, result.output
    assert "records/westmoor-discharge/measures.csv:6:3: " in result.stderr
    assert sorted(p.name for p in site.iterdir()) == ["keep.txt"]
    assert run("validate").exit_code == 1  # validate finds them too


def test_report_prints_progress_as_at_a_day_and_writes_the_board_report(project):
    text = run("report", "programmes/westmoor-discharge.yaml")
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith("Progress as at 31 May 2027 (westmoor-discharge)")
    assert "DECISIONS FOR THE BOARD" in text.stdout
    earlier = run("report", "programmes/westmoor-discharge.yaml", "--as-at", "2027-03-31", "--json")
    assert earlier.exit_code == 0, earlier.output
    data = json.loads(earlier.stdout)
    assert data["as_at"] == "2027-03-31"
    assert all(p["date"] <= "2027-03-31" for m in data["measures"] for p in m["points"])
    pdf = project / "board.pdf"
    assert run("report", "programmes/westmoor-discharge.yaml", "--pdf", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    again = run("report", "programmes/westmoor-discharge.yaml", "--pdf", str(pdf))
    assert again.exit_code == 2 and "already exists" in again.output


def test_report_without_records_says_where_they_go(project):
    shutil.rmtree(project / "records")
    result = run("report", "programmes/westmoor-discharge.yaml")
    assert result.exit_code == 1
    assert "no records yet in records/westmoor-discharge/" in result.output
    assert "records-template.xlsx" in result.output


def test_records_elsewhere_are_found_with_records_option(project):
    shutil.move(project / "records", project / "kept")
    assert "no records yet" in run("report", "programmes/westmoor-discharge.yaml").output
    result = run("report", "programmes/westmoor-discharge.yaml", "--records", "kept")
    assert result.exit_code == 0, result.output
