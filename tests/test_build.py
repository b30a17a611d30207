"""`progen build` and `progen serve`: every output's structure, hostile text, no lost work,
reproducibility and incremental rebuilds.

Tests that check what the renderers produce use the real `write_site` / `write_pdf`;
tests of the pipeline itself (skipping, failure handling, serve) use small stand-ins
so they stay quick.
"""

from __future__ import annotations

import csv
import hashlib
import html.parser
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, VALID, swap
from icalendar import Calendar

import progen.commands.build as pipeline
import progen.publish.programme as publishing
from progen.cli import main
from progen.errors import UserError
from progen.publish.ownership import MANIFEST
from progen.publish.staging import swap_in
from progen.serve import Preview

BUNDLED = sorted((REPO / "programmes" / "examples").glob("*.yaml"))
IDS = [p.stem for p in BUNDLED]


# ---------------------------------------------------------------- helpers


def fake_write_site(programme, out_dir: Path, progress=None) -> None:
    """A stand-in for the MkDocs site: an overview linking to one page per session."""
    from markupsafe import escape

    out_dir.mkdir(parents=True, exist_ok=True)
    links = "".join(
        f'<li><a href="sessions/{s.id}/">{escape(s.title)}</a></li>' for s in programme.sessions
    )
    (out_dir / "index.html").write_text(
        f'<!doctype html><html lang="en"><head><title>{escape(programme.title)}</title></head>'
        f"<body><main><h1>{escape(programme.title)}</h1><ul>{links}</ul>"
        f'<a href="{programme.id}.pdf">PDF</a></main></body></html>',
        "utf-8",
    )
    for s in programme.sessions:
        page = out_dir / "sessions" / s.id / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<!doctype html><html lang="en"><head><title>{escape(s.title)}</title></head>'
            f"<body><main><h1>{escape(s.title)}</h1></main></body></html>",
            "utf-8",
        )


def fake_write_pdf(programme, pdf_path: Path) -> None:
    pdf_path.write_bytes(b"%PDF-1.7\n% stand-in for " + programme.id.encode() + b"\n%%EOF\n")


@pytest.fixture
def stub(monkeypatch):
    """Quick stand-in renderers for tests of the pipeline itself."""
    monkeypatch.setattr(publishing, "renderers", lambda: (fake_write_site, fake_write_pdf))


def tree(root: Path) -> dict[str, str]:
    """Every file under root (hidden ones too) -> sha256 of its bytes."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


class Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_data(self, data):
        self.text.append(data)

    @property
    def hrefs(self) -> list[str]:
        return [v or "" for t, k, v in self.attrs if k == "href"]


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text("utf-8"))
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The bundled programmes built once, with the real renderers."""
    out = tmp_path_factory.mktemp("a") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        # jobs side by side, even on one core: the serial build below must match it
        outcomes = pipeline.build(BUNDLED, out, echo=lambda line: None, workers=3)
    assert [o.status for o in outcomes] == ["built"] * len(BUNDLED)
    return out


# ---------------------------------------------------------------- structure


def test_every_programme_has_every_output(built):
    for pid in IDS:
        for name in publishing.expected_files(pid):
            assert (built / pid / name).is_file(), f"{pid}/{name}"
        assert (built / pid / MANIFEST).is_file()
        data = json.loads((built / pid / "programme.json").read_text("utf-8"))
        sets = [s["id"] for s in data["action_learning_sets"]]
        groups = {g for t in data["tasks"] for g in t["stakeholders"]}
        listed = set(json.loads((built / pid / MANIFEST).read_text("utf-8"))["files"])
        wanted = {"set-meetings.csv"} | {f"groups/{g}.html" for g in groups}
        wanted |= {f"calendars/{name}.ics" for name in (*sets, *groups)}
        assert wanted <= listed, f"{pid}: the manifest leaves out {sorted(wanted - listed)}"
    assert not list(built.glob(".progen-tmp-*")), "temporary folders left behind"


def test_index_links_every_programme(built):
    page = parse(built / "index.html")
    assert ("html", "lang", "en-GB") in page.attrs
    assert "h1" in page.tags and "h2" in page.tags
    text = " ".join(page.text)
    for pid in IDS:
        data = json.loads((built / pid / "programme.json").read_text("utf-8"))
        assert f"{pid}/index.html" in page.hrefs
        assert f"{pid}/{pid}.pdf" in page.hrefs
        assert data["title"] in text
        for org in data["organisations"]:
            assert org["name"] in text
        assert data["start"] in str(page.attrs) and data["end"] in str(page.attrs)
    for href in page.hrefs:
        assert (built / href).is_file(), href
    assert "script" not in page.tags
    assert not [v for t, k, v in page.attrs if k in ("src", "href") and "//" in (v or "")]


@pytest.mark.parametrize("spec", BUNDLED, ids=IDS)
def test_json_is_what_plan_prints(built, spec):
    plan = run("plan", str(spec), "--json")
    assert plan.exit_code == 0
    assert (built / spec.stem / "programme.json").read_text("utf-8") == plan.stdout


@pytest.mark.parametrize("spec", BUNDLED, ids=IDS)
def test_calendar_and_rosters(built, spec):
    data = json.loads((built / spec.stem / "programme.json").read_text("utf-8"))
    cal = Calendar.from_ical((built / spec.stem / f"{spec.stem}.ics").read_bytes())
    meetings = sum(len(s["meetings"]) for s in data["action_learning_sets"])
    assert len(cal.walk("VEVENT")) == len(data["sessions"]) + meetings
    text = (built / spec.stem / "sets.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    members = [m for s in data["action_learning_sets"] for m in s["members"]]
    assert len(rows) - 1 == len(members)
    assert [r[3] for r in rows[1:]] == [m["name"] for m in members]


def test_programme_site_links_to_its_pdf(built):
    for pid in IDS:
        assert f"{pid}.pdf" in " ".join(parse(built / pid / "index.html").hrefs)


# ---------------------------------------------------------------- reproducible


def test_a_serial_build_gives_the_parallel_builds_bytes(built, tmp_path, monkeypatch):
    """Every file of a build whose jobs ran side by side in forked processes is byte for
    byte that of a build running them one after another in one process, elsewhere."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = tmp_path / "elsewhere" / "out"
    pipeline.build(BUNDLED, again, echo=lambda line: None, workers=1)
    first, second = tree(built), tree(again)
    assert sorted(first) == sorted(second)
    different = sorted(name for name in first if first[name] != second[name])
    assert different == [], f"differ between builds: {different}"
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_source_date_epoch_is_respected(tmp_path, monkeypatch, stub):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    pipeline.build(BUNDLED[:1], tmp_path / "site", echo=lambda line: None)
    ics = (tmp_path / "site" / IDS[0] / f"{IDS[0]}.ics").read_bytes()
    assert b"DTSTAMP:20231114T221320Z" in ics
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"


# ---------------------------------------------------------------- incremental


def test_noop_rebuild_skips_and_touches_nothing(tmp_path, stub):
    out = tmp_path / "site"
    pipeline.build(BUNDLED, out, echo=lambda line: None)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    lines: list[str] = []
    outcomes = pipeline.build(BUNDLED, out, echo=lines.append)
    assert [o.status for o in outcomes] == ["up to date"] * len(BUNDLED)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    assert any("up to date" in line for line in lines)
    forced = pipeline.build(BUNDLED, out, force=True, echo=lambda line: None)
    assert [o.status for o in forced] == ["built"] * len(BUNDLED)


def test_only_the_changed_spec_is_rebuilt(tmp_path, stub):
    specs = []
    for spec in BUNDLED:
        shutil.copy(spec, tmp_path / spec.name)
        specs.append(tmp_path / spec.name)
    out = tmp_path / "site"
    pipeline.build(specs, out, echo=lambda line: None)
    with specs[0].open("a", encoding="utf-8") as f:
        f.write("# an edit\n")
    lines: list[str] = []
    outcomes = pipeline.build(specs, out, echo=lines.append)
    assert [o.status for o in outcomes] == ["built"] + ["up to date"] * (len(specs) - 1)
    (line,) = [line for line in lines if line.startswith(f"{IDS[0]}: validate ")]
    for stage in ("site", "pdf", "files"):
        assert f" · {stage} " in line


def test_a_template_change_rebuilds_everything(tmp_path, stub, monkeypatch):
    out = tmp_path / "site"
    pipeline.build(BUNDLED, out, echo=lambda line: None)
    monkeypatch.setattr(pipeline, "shared_digest", lambda modules: b"templates changed")
    outcomes = pipeline.build(BUNDLED, out, echo=lambda line: None)
    assert [o.status for o in outcomes] == ["built"] * len(BUNDLED)


def test_missing_output_is_rebuilt(tmp_path, stub):
    out = tmp_path / "site"
    pipeline.build(BUNDLED, out, echo=lambda line: None)
    (out / IDS[0] / "sets.csv").unlink()
    outcomes = pipeline.build(BUNDLED, out, echo=lambda line: None)
    assert outcomes[0].status == "built"
    assert (out / IDS[0] / "sets.csv").is_file()


def test_index_lists_programmes_from_earlier_builds(tmp_path, stub):
    out = tmp_path / "site"
    pipeline.build(BUNDLED[:1], out, echo=lambda line: None)
    pipeline.build(BUNDLED[1:], out, echo=lambda line: None)
    hrefs = parse(out / "index.html").hrefs
    for pid in IDS:
        assert f"{pid}/index.html" in hrefs


def test_no_arguments_builds_every_bundled_programme(tmp_path, stub, monkeypatch):
    shutil.copytree(REPO / "programmes", tmp_path / "programmes")
    monkeypatch.chdir(tmp_path)
    result = run("build")
    assert result.exit_code == 0, result.output
    for pid in IDS:
        assert (tmp_path / "site" / pid / "index.html").is_file()
        assert f"{pid}: validate" in result.output
    assert "site/index.html: " in result.output


def test_a_users_programme_is_built_without_the_examples_unless_asked(tmp_path, stub, monkeypatch):
    shutil.copytree(REPO / "programmes", tmp_path / "programmes")
    (tmp_path / "programmes" / "ours.yaml").write_text(VALID, "utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("build").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "site").iterdir() if p.is_dir()) == ["test-programme"]
    assert [p.name for p in Preview([], tmp_path / "site").spec_paths()] == ["ours.yaml"]
    assert run("build", "--examples").exit_code == 0
    assert {p.name for p in (tmp_path / "site").iterdir() if p.is_dir()} == {
        "test-programme",
        *IDS,
    }
    serving = Preview([], tmp_path / "site", examples=True).spec_paths()
    assert [p.name for p in serving] == ["ours.yaml", *(f"{pid}.yaml" for pid in IDS)]


# ---------------------------------------------------------------- no lost work


GOOD = swap(VALID, "    count: 7", "    count: 4")  # 7 people: one action-learning set
BAD = swap(GOOD, "  stage: early", "  stage: erly")


def test_invalid_spec_leaves_site_byte_for_byte(built, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(built, out)  # the real build: site, PDF, calendar, rosters, JSON
    before = tree(out)
    assert len(before) > 20
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, "utf-8")
    result = run("build", *map(str, BUNDLED), str(bad), "--out", str(out), "--force")
    assert result.exit_code == 1
    assert "stage: 'erly' is not one of" in result.output
    assert "nothing written" in result.output
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "site"]


def test_build_errors_as_json(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, "utf-8")
    result = run("build", str(bad), "--out", str(tmp_path / "site"), "--format", "json")
    assert result.exit_code == 1
    body = result.output[: result.output.rindex("}") + 1]
    (problem,) = json.loads(body)["errors"]
    assert problem["path"] == "context.stage" and problem["line"] == 8
    assert not (tmp_path / "site").exists()


def test_invalid_spec_writes_nothing_when_there_is_no_site(tmp_path, stub):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, "utf-8")
    with pytest.raises(UserError):
        pipeline.build([*BUNDLED, bad], tmp_path / "site", echo=lambda line: None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_a_renderer_crash_leaves_site_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setattr(publishing, "renderers", lambda: (fake_write_site, fake_write_pdf))
    out = tmp_path / "site"
    pipeline.build(BUNDLED, out, echo=lambda line: None)
    before = tree(out)
    second = IDS[1]  # laid out in its own process: no shared counter, the id decides

    def crash_on_second(programme, pdf_path):
        if programme.id == second:
            raise RuntimeError("renderer broke")
        fake_write_pdf(programme, pdf_path)

    monkeypatch.setattr(publishing, "renderers", lambda: (fake_write_site, crash_on_second))
    with pytest.raises(RuntimeError, match="renderer broke"):
        pipeline.build(BUNDLED, out, force=True, echo=lambda line: None)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_duplicate_programme_ids_are_an_error(tmp_path, stub):
    copy = tmp_path / "copy.yaml"
    shutil.copy(BUNDLED[0], copy)
    with pytest.raises(UserError) as err:
        pipeline.build([BUNDLED[0], copy], tmp_path / "site", echo=lambda line: None)
    (problem,) = err.value.problems
    assert problem.path == "programme.id" and "already the id" in problem.message
    assert problem.line > 1
    assert not (tmp_path / "site").exists()


# ---------------------------------------------------------------- hostile text


HOSTILE = swap(
    swap(
        swap(
            GOOD,
            "title: Test programme",
            "title: \"<script>alert('t')</script><img src=x onerror=alert(1)>"
            '[x](javascript:alert(2)) ![p](file:///etc/passwd)"',
        ),
        "    name: Our Hospital Trust",
        '    name: "javascript:alert(3)"',
    ),
    "    name: Our County Council",
    "    name: \"<a href='javascript:alert(4)'>council</a>\"",
)


def check_inert(page: Path) -> None:
    doc = parse(page)
    source = page.read_text("utf-8")
    assert "<script>alert" not in source
    assert "<img src=x" not in source
    for tag, name, value in doc.attrs:
        assert not (value or "").strip().lower().startswith(("javascript:", "file:")), (
            page,
            tag,
            name,
            value,
        )
        assert not name.startswith("on"), (page, tag, name)


def test_hostile_text_stays_inert_in_the_index(tmp_path, stub):
    spec = tmp_path / "hostile.yaml"
    spec.write_text(HOSTILE, "utf-8")
    out = tmp_path / "site"
    pipeline.build([spec], out, echo=lambda line: None)
    index = out / "index.html"
    check_inert(index)
    doc = parse(index)
    assert "script" not in doc.tags and "img" not in doc.tags
    text = " ".join(doc.text)
    assert "<script>alert('t')</script>" in text  # shown as text, exactly as written
    assert "javascript:alert(3)" in text
    assert "&lt;script&gt;" in index.read_text("utf-8")


def test_hostile_text_stays_inert_in_every_page(tmp_path):
    spec = tmp_path / "hostile.yaml"
    spec.write_text(HOSTILE, "utf-8")
    out = tmp_path / "site"
    pipeline.build([spec], out, echo=lambda line: None)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 2
    for page in pages:
        check_inert(page)


def test_swap_in_is_all_or_nothing(tmp_path):
    out, temp = tmp_path / "site", tmp_path / "temp"
    for name in ("one", "two"):
        (out / name).mkdir(parents=True)
        (out / name / "f.txt").write_text(f"old {name}")
    (temp / "new" / "one").mkdir(parents=True)
    (temp / "new" / "one" / "f.txt").write_text("new one")
    (temp / "old").mkdir()
    before = tree(out)
    staged = [(temp / "new" / "one", out / "one"), (temp / "new" / "missing", out / "two")]
    with pytest.raises(OSError):
        swap_in(staged, temp / "old")
    assert tree(out) == before
    swap_in(staged[:1], temp / "old")
    assert (out / "one" / "f.txt").read_text() == "new one"


def test_serve_reports_a_port_in_use(tmp_path, stub, monkeypatch):
    import socket

    monkeypatch.chdir(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.output
