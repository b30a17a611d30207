"""`progen build` never loses the user's files and never leaves a broken site.

- Only what progen wrote is replaced: a folder named like a programme, an index.html,
  a file in a programme folder, a link, anything progen did not write is named in an
  error and left exactly as it was (issue 8, item 1).
- Timestamps: every start date the spec allows builds; a malformed SOURCE_DATE_EPOCH is a
  usage error (item 3).
- A build killed at any point is repaired by the next one; staging happens inside the
  output (so a mount point works), leftovers of killed builds are cleaned, a live build's
  are not, and no file is written through a link (item 9).

The pipeline tests use quick stand-in renderers; the timestamp tests use the real MkDocs
site, since the gzip step that crashed is MkDocs' own.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import html.parser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, VALID, stops, swap
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import progen.commands.build as pipeline
import progen.publish.programme as publishing
import progen.validation as validation
from progen.cli import main
from progen.publish import staging, timestamps
from progen.publish.ownership import LEGACY_HASH, MANIFEST, OutputInTheWay, programme_problems

real_assemble = validation.assemble
GOOD = swap(VALID, "    count: 7", "    count: 4")  # 7 people: one action-learning set
PID = "test-programme"


def spec_text(pid: str = PID, start: str = "2027-01-12") -> str:
    return swap(swap(GOOD, f"  id: {PID}", f"  id: {pid}"), "start: 2027-01-12", f"start: {start}")


def stub_site(programme, folder: Path, progress=None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(f"<!doctype html><title>{programme.id}</title>", "utf-8")
    (folder / "sessions").mkdir()
    (folder / "sessions" / "first.html").write_text("<!doctype html><p>a session</p>", "utf-8")


def stub_pdf(programme, path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n% stand-in for " + programme.id.encode() + b"\n%%EOF\n")


@pytest.fixture
def stub(monkeypatch):
    monkeypatch.setattr(publishing, "renderers", lambda: (stub_site, stub_pdf))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def write_spec(folder: Path, pid: str = PID, **kwargs) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pid}.yaml"
    path.write_text(spec_text(pid, **kwargs), "utf-8")
    return path


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under root, folders and links included, as what it is: 'dir', the link's
    target, or the sha256 of a file's bytes."""
    found = {}
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(base, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = "link " + os.readlink(path)
            elif path.is_dir():
                found[rel] = "dir"
            else:
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def quiet(line: str) -> None:
    pass


def build(specs: list[Path], out: Path, **kwargs):
    return pipeline.build(specs, out, echo=quiet, **kwargs)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


class Hrefs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [v or "" for k, v in attrs if k == "href"]


def index_links(out: Path) -> list[str]:
    parser = Hrefs()
    parser.feed((out / "index.html").read_text("utf-8"))
    return parser.hrefs


def assert_whole(out: Path, pids: list[str]) -> None:
    """The site is whole: every programme is complete and unchanged since progen wrote it,
    the index links each of them, every link it holds resolves, nothing is left over."""
    links = index_links(out)
    for pid in pids:
        assert f"{pid}/index.html" in links, pid
        assert programme_problems(out / pid, pid) == []
        assert (out / pid / MANIFEST).is_file()
    for href in links:
        assert (out / href).is_file(), href
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert leftovers == [], leftovers


# ---------------------------------------------------------------- only what progen wrote


def test_build_into_the_project_folder_keeps_the_specs(tmp_path, stub, monkeypatch):
    """`progen new programmes/programmes.yaml` then `progen build --out .` deleted programmes/."""
    monkeypatch.chdir(tmp_path)
    assert run("new", "programmes/programmes.yaml").exit_code == 0
    before = snapshot(tmp_path)
    result = run("build", "--out", ".")
    assert result.exit_code == 1, result.output
    assert "programmes: is where programme 'programmes' is published, and progen did not " in (
        result.output
    )
    assert f"(it has no {MANIFEST})" in result.output
    assert "progen only replaces files and folders it wrote" in result.output
    assert "nothing written; ./ is unchanged" in result.output
    assert snapshot(tmp_path) == before


def test_a_user_folder_named_as_a_programme_is_kept(tmp_path, stub):
    out = tmp_path / "out"
    (out / PID / "minutes").mkdir(parents=True)
    (out / PID / "minutes" / "march.docx").write_bytes(b"the user's minutes")
    (out / "unrelated.txt").write_text("mine", "utf-8")
    spec = write_spec(tmp_path / "specs")
    before = snapshot(tmp_path)
    with pytest.raises(OutputInTheWay) as err:
        build([spec], out)
    assert err.value.problems == [(out / PID, err.value.problems[0][1])]
    assert "progen did not write it" in str(err.value)
    assert snapshot(tmp_path) == before


def test_out_at_the_file_system_root_never_deletes_a_system_folder(tmp_path, stub, monkeypatch):
    """`--out /` with `id: home` deleted /home. A temporary folder stands in for /."""
    root = tmp_path / "root"
    for folder, name in (("home/alex", ".bashrc"), ("etc", "passwd"), ("usr/bin", "sh")):
        (root / folder).mkdir(parents=True)
        (root / folder / name).write_text(f"{folder}/{name}", "utf-8")
    spec = write_spec(tmp_path / "programmes", "home")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("build", str(spec), "--out", str(root))
    assert result.exit_code == 1, result.output
    assert "root/home: is where programme 'home' is published, and progen did not write" in (
        result.output
    )
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_text("<!doctype html><h1>Our team's own home page</h1>", "utf-8"),
        lambda p: p.mkdir(),
        lambda p: p.symlink_to(p.parent.parent / "elsewhere.html"),
    ],
    ids=["page", "folder", "link"],
)
def test_a_foreign_index_is_kept(tmp_path, stub, make):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere.html").write_text("the user's page", "utf-8")
    make(out / "index.html")
    spec = write_spec(tmp_path / "specs")
    before = snapshot(tmp_path)
    result = run("build", str(spec), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert "index.html: is where progen writes its index page, and progen did not write it" in (
        result.output
    )
    assert snapshot(tmp_path) == before


def test_output_errors_as_json(tmp_path, stub):
    out = tmp_path / "out"
    (out / PID).mkdir(parents=True)
    spec = write_spec(tmp_path / "specs")
    result = CliRunner().invoke(main, ["build", str(spec), "--out", str(out), "--format", "json"])
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)["errors"]
    assert problem["file"].endswith(f"out/{PID}") and "did not write" in problem["message"]


def tamper_extra(folder: Path) -> str:
    (folder / "my-notes.md").write_text("notes on the sessions", "utf-8")
    return "my-notes.md: was not written by progen, in programme 'test-programme's folder"


def tamper_folder(folder: Path) -> str:
    (folder / "sessions" / "drafts" / "empty").mkdir(parents=True)
    return "sessions/drafts: was not written by progen, in programme 'test-programme's folder"


def tamper_edit(folder: Path) -> str:
    with (folder / "sets.csv").open("a", encoding="utf-8") as f:
        f.write("an added row\n")
    return "sets.csv: has been changed since progen wrote it"


def tamper_link(folder: Path) -> str:
    (folder / "sessions" / "shared").symlink_to(folder.parent.parent / "shared")
    return "sessions/shared: is a link or special file progen did not write"


def tamper_spec_inside(folder: Path) -> str:
    (folder / "programme.yaml").write_text(spec_text(), "utf-8")
    return "programme.yaml: was not written by progen"


@pytest.mark.parametrize(
    "tamper",
    [tamper_extra, tamper_folder, tamper_edit, tamper_link, tamper_spec_inside],
    ids=["extra-file", "folder", "edited-file", "link", "spec-inside"],
)
def test_a_programme_folder_holding_the_users_work_is_kept(tmp_path, stub, tamper):
    (tmp_path / "shared").mkdir()
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    build([spec], out)
    expected = tamper(out / PID)
    before = snapshot(out)
    # Unchanged, the programme is up to date: nothing is replaced, so nothing is in the way.
    assert [o.status for o in build([spec], out)] == ["up to date"]
    assert snapshot(out) == before
    with pytest.raises(OutputInTheWay) as err:
        build([spec], out, force=True)
    assert expected in str(err.value)
    assert snapshot(out) == before


def test_a_folder_with_a_manifest_progen_did_not_write_is_kept(tmp_path, stub):
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    (out / PID).mkdir(parents=True)
    (out / PID / "index.html").write_text("the user's page", "utf-8")
    (out / PID / MANIFEST).write_text('{"id": "test-programme", "files": {}}', "utf-8")
    before = snapshot(out)
    with pytest.raises(OutputInTheWay, match=f"it has no {re.escape(MANIFEST)}"):
        build([spec], out)
    assert snapshot(out) == before


def test_a_programme_folder_that_is_a_link_is_kept(tmp_path, stub):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "plan.txt").write_text("the user's plan", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / PID).symlink_to(mine)
    spec = write_spec(tmp_path / "specs")
    before = snapshot(tmp_path)
    with pytest.raises(OutputInTheWay, match="progen did not write it"):
        build([spec], out)
    assert snapshot(tmp_path) == before


def test_an_edited_index_is_kept(tmp_path, stub):
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    build([spec], out)
    page = out / "index.html"
    page.write_text(page.read_text("utf-8").replace("Leadership programmes", "Our programmes"))
    before = snapshot(out)
    with pytest.raises(OutputInTheWay, match=r"index\.html: has been changed since progen wrote"):
        build([spec], out, force=True)
    assert snapshot(out) == before


def test_output_of_the_version_before_manifests_is_named_not_replaced(tmp_path, stub):
    """Folders from before manifests hold `.progen-hash`; their index has progen's tag. Neither
    can vouch for what is inside (a user's file, an edited page), so the build stops."""
    out = tmp_path / "out"
    old = out / PID
    old.mkdir(parents=True)
    for name in publishing.expected_files(PID):
        (old / name).write_text("old output", "utf-8")
    (old / LEGACY_HASH).write_text("ab" * 32 + "\n", "ascii")
    (out / "index.html").write_text(
        '<!doctype html>\n<html lang="en-GB">\n<head>\n<meta name="generator" '
        'content="progen 0.1.0">\n</head></html>\n',
        "utf-8",
    )
    before = snapshot(out)
    with pytest.raises(OutputInTheWay, match="older progen"):
        build([write_spec(tmp_path / "specs")], out)
    assert snapshot(out) == before
    shutil.rmtree(old)
    with pytest.raises(OutputInTheWay, match=r"index\.html: is where progen writes"):
        build([write_spec(tmp_path / "specs")], out)
    (out / "index.html").unlink()
    build([write_spec(tmp_path / "specs")], out)
    assert_whole(out, [PID])


def test_the_index_lists_only_what_progen_published(tmp_path, stub):
    out = tmp_path / "out"
    (out / "impostor").mkdir(parents=True)
    (out / "impostor" / "programme.json").write_text('{"title": "Not a programme"}', "utf-8")
    build([write_spec(tmp_path / "specs")], out)
    links = index_links(out)
    assert f"{PID}/index.html" in links
    assert not [href for href in links if href.startswith("impostor")]
    assert (out / "impostor" / "programme.json").is_file()


# A user's folder in the output: names that progen uses and names it does not. The
# staging name `.progen-tmp-` plus eight characters is progen's own and left out here.
NAMES = st.sampled_from(
    [PID, "other", "index.html", MANIFEST, "sets.csv", "notes", ".progen-tmp-mine", "x.yaml"]
)
ENTRIES = st.lists(
    st.tuples(st.lists(NAMES, min_size=1, max_size=3), st.sampled_from(["file", "dir", "link"])),
    max_size=6,
)


ASSEMBLED: dict = {}


def remembered_assemble(spec, modules_dir=None, **known):
    """The engine's programme for each spec, designed once: only the output differs here."""
    if spec.programme.id not in ASSEMBLED:
        ASSEMBLED[spec.programme.id] = real_assemble(spec, modules_dir, **known)
    return ASSEMBLED[spec.programme.id]


def plant(out: Path, entries) -> dict[str, str]:
    """Create the user's entries under `out` where they fit; return them as snapshot() would."""
    for parts, kind in entries:
        path = out.joinpath(*parts)
        if os.path.lexists(path) or not path.parent.is_dir() or path.parent.is_symlink():
            continue
        if kind == "dir":
            path.mkdir()
        elif kind == "file":
            path.write_text("/".join(parts), "utf-8")
        else:
            path.symlink_to(out.parent / "target")
    return snapshot(out)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=ENTRIES, earlier=st.booleans(), force=st.booleans())
def test_a_build_never_loses_a_user_file(
    tmp_path_factory, stub, monkeypatch, entries, earlier, force
):
    """Whatever the user keeps in the output folder, a build either leaves every one of the
    user's entries exactly as it was, or stops with OutputInTheWay leaving everything so."""
    monkeypatch.setattr(validation, "assemble", remembered_assemble)
    top = tmp_path_factory.mktemp("case")
    (top / "target").write_text("a link's target", "utf-8")
    specs = [write_spec(top / "specs", PID), write_spec(top / "specs", "other")]
    out = top / "out"
    out.mkdir()
    if earlier:
        build(specs, out)
    before = snapshot(out)
    mine = {k: v for k, v in plant(out, entries).items() if k not in before}
    planted = snapshot(out)
    try:
        build(specs, out, force=force)
    except OutputInTheWay:
        assert snapshot(out) == planted
    else:
        after = snapshot(out)
        assert {k: after.get(k) for k in mine} == mine
    assert (top / "target").read_text("utf-8") == "a link's target"


# ---------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    ("start", "epoch"),
    [
        (dt.date(2027, 1, 12), 1799712000),
        (dt.date(1969, 12, 31), 0),
        (dt.date(1, 1, 1), 0),
        (dt.date(2106, 2, 8), timestamps.LATEST),
        (dt.date(9999, 12, 31), timestamps.LATEST),
    ],
)
def test_a_start_date_gives_a_timestamp_every_renderer_can_store(start, epoch, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert timestamps.build_epoch(start) == epoch


def sitemap_stamp(out: Path) -> int:
    """The time in the gzip header of the site's sitemap.xml.gz, the field that overflowed."""
    with gzip.open(out / PID / "sitemap.xml.gz") as f:
        f.read()
        return f.mtime


def day_of(epoch: int) -> int:
    """MkDocs dates the sitemap by day: midnight UTC of the day `epoch` falls on."""
    return epoch - epoch % 86400


@pytest.mark.parametrize("start", ["1969-06-03", "2107-01-04", "0001-01-02"])
def test_a_start_date_outside_1970_to_2106_builds(tmp_path, monkeypatch, start):
    """These passed validate and crashed MkDocs' gzip step; the real site is built here."""
    from progen.publish.site import write_site

    monkeypatch.setattr(publishing, "renderers", lambda: (write_site, stub_pdf))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "out"
    result = run("build", str(write_spec(tmp_path, start=start)), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sitemap_stamp(out) == (0 if start < "1970" else day_of(timestamps.LATEST))
    assert_whole(out, [PID])
    assert "SOURCE_DATE_EPOCH" not in os.environ


@pytest.mark.parametrize("given", ["0", str(timestamps.LATEST)])
def test_the_extreme_source_date_epochs_build(tmp_path, monkeypatch, given):
    from progen.publish.site import write_site

    monkeypatch.setattr(publishing, "renderers", lambda: (write_site, stub_pdf))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", given)
    out = tmp_path / "out"
    assert run("build", str(write_spec(tmp_path)), "--out", str(out)).exit_code == 0
    assert sitemap_stamp(out) == day_of(int(given))
    stamp = dt.datetime.fromtimestamp(int(given), tz=dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTAMP:{stamp}".encode() in (out / PID / f"{PID}.ics").read_bytes()
    assert os.environ["SOURCE_DATE_EPOCH"] == given


@pytest.mark.parametrize(
    "given", ["99999999999", "4294967296", "-1", "abc", "1.5", " 1700000000", "1e9", "٣"]
)
def test_a_malformed_source_date_epoch_is_a_usage_error(tmp_path, stub, monkeypatch, given):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", given)
    out = tmp_path / "out"
    result = run("build", str(write_spec(tmp_path)), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01" in result.output
    assert f"got {given!r}" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_an_empty_source_date_epoch_is_unset(tmp_path, stub, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    out = tmp_path / "out"
    assert run("build", str(write_spec(tmp_path)), "--out", str(out)).exit_code == 0
    assert b"DTSTAMP:20270112T000000Z" in (out / PID / f"{PID}.ics").read_bytes()


# ---------------------------------------------------------------- killed builds


KILLER = """
import os, pathlib, signal, sys, time
import progen.commands.build as pipeline
import progen.publish.programme as publishing
import progen.publish.staging as staging

where, count = sys.argv[1], int(sys.argv[2])
seen = 0
pids = pathlib.Path(sys.argv[3]).parent / "pids"


def kill_on(n):
    global seen
    seen += 1
    if seen == n:
        os.kill(os.getpid(), signal.SIGKILL)


def site(programme, folder, progress=None):
    if where == "publish":  # the site is written here: the build runs one job at a time
        kill_on(count)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text("<!doctype html><title>new</title>", "utf-8")


def pdf(programme, path):
    if where == "parallel":  # the build is killed while the handbooks are laid out
        if programme.id == "late":
            while len(list(pids.glob("*"))) < 2:
                time.sleep(0.01)
            os.kill(os.getppid(), signal.SIGKILL)
        pids.mkdir(exist_ok=True)
        (pids / str(os.getpid())).touch()
        time.sleep(600)  # far beyond the test's patience, unless it dies with the build
    path.write_bytes(b"%PDF new")


publishing.renderers = lambda: (site, pdf)
if where == "rename":
    rename = pathlib.Path.rename

    def killing_rename(self, target):
        kill_on(count)
        return rename(self, target)

    pathlib.Path.rename = killing_rename
if where == "index":
    replace = os.replace

    def killing_replace(src, dst):
        kill_on(count)
        return replace(src, dst)

    staging.os.replace = killing_replace
pipeline.build([pathlib.Path(p) for p in sys.argv[4:]], pathlib.Path(sys.argv[3]),
               force=True, echo=lambda line: None, workers=1 if where == "publish" else 3)
"""


def killed_build(tmp_path: Path, out: Path, specs: list[Path], where: str, count: int) -> None:
    """Run a forced build in another process and SIGKILL it at the `count`th `where`."""
    script = tmp_path / "killer.py"
    script.write_text(KILLER, "utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), *sys.path]))
    env.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run(
        [sys.executable, str(script), where, str(count), str(out), *map(str, specs)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


@pytest.mark.parametrize(
    ("where", "count", "hole", "late"),
    [
        ("rename", 2, "first", False),  # first old folder aside, its new one not yet in
        ("rename", 3, None, False),  # first programme swapped, second not started
        ("rename", 4, "other", False),  # second old folder aside, its new one not yet in
        ("index", 1, None, True),  # every folder swapped, index not yet rewritten
        ("publish", 2, None, False),  # staging the second programme: no swap yet
        ("parallel", 0, None, False),  # killed while its job processes run
    ],
)
def test_a_killed_build_is_repaired_by_the_next(tmp_path, stub, where, count, hole, late):
    specs = [write_spec(tmp_path / "specs", "first"), write_spec(tmp_path / "specs", "other")]
    out = tmp_path / "out"
    build(specs, out)
    # The killed build also publishes a new programme, so its index would change.
    killed_build(tmp_path, out, [*specs, write_spec(tmp_path / "specs", "late")], where, count)
    assert list(out.glob(".progen-tmp-*")), "the kill left no staging folder: not a real test"
    if hole:
        assert not (out / hole).exists() and f"{hole}/index.html" in index_links(out)
    assert (out / "late").is_dir() == late
    for pid in (tmp_path / "pids").glob("*"):  # the job processes died with the build
        assert stops(int(pid.name)), f"job process {pid.name} outlived its build"
    # The next build, even of another programme only, puts the site back together.
    lines: list[str] = []
    pipeline.build([write_spec(tmp_path / "specs", "third")], out, echo=lines.append)
    assert_whole(out, ["first", "other", "third"] + ["late"] * late)
    if hole:
        assert any(line.endswith(f"{hole}: put back after an interrupted build") for line in lines)


def test_a_live_build_keeps_its_staging_folder(tmp_path, stub):
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    build([spec], out)
    live = out / ".progen-tmp-abcd1234"
    (live / "new").mkdir(parents=True)
    with staging.locked(out):  # another build holds the output folder
        result = run("build", str(spec), "--out", str(out), "--force")
        assert result.exit_code == 1
        assert "another progen build is publishing into this folder" in result.output
        assert (live / "new").is_dir()
    build([spec], out)  # the other build has gone: its folder is abandoned
    assert not live.exists()


def test_only_progens_own_staging_folders_are_cleaned(tmp_path, stub):
    out = tmp_path / "out"
    for name, inside in (
        (".progen-tmp-notes", "new"),  # not a name progen makes
        (".progen-tmp-abcd1234", "notes.txt"),  # not progen's layout
    ):
        (out / name).mkdir(parents=True)
        (out / name / inside).write_text("the user's", "utf-8")
    (out / ".progen-tmp-link0000").symlink_to(tmp_path)
    (out / f".notes.{'0' * 16}.tmp").write_text("the user's", "utf-8")
    (out / f".index.html.{'0' * 16}.tmp").symlink_to(tmp_path / "nowhere")
    before = snapshot(out)
    build([write_spec(tmp_path / "specs")], out)
    after = snapshot(out)
    assert {k: after.get(k) for k in before} == before


def test_staging_happens_inside_the_output_folder(tmp_path, monkeypatch):
    """A rename cannot cross file systems, so staging beside `--out` failed whenever the
    output folder was a mount point; staged inside it, the swap stays on one file system."""
    out = tmp_path / "out"
    staged: list[Path] = []

    def recording_site(programme, folder, progress=None):
        staged.append(folder)
        stub_site(programme, folder)

    monkeypatch.setattr(publishing, "renderers", lambda: (recording_site, stub_pdf))
    build([write_spec(tmp_path / "specs")], out, workers=1)  # the site written here, not forked
    (folder,) = staged
    assert folder.parent.parent.parent == out and folder.parent.name == "new"
    assert re.fullmatch(r"\.progen-tmp-[a-z0-9_]{8}", folder.parent.parent.name)


def test_a_planted_link_at_the_old_temporary_index_name_is_not_followed(tmp_path, stub):
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's file", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".index.html.tmp").symlink_to(victim)
    build([write_spec(tmp_path / "specs")], out)
    assert victim.read_text("utf-8") == "the user's file"
    assert (out / ".index.html.tmp").is_symlink()
    assert not (out / "index.html").is_symlink() and (out / "index.html").is_file()


def test_a_link_where_the_temporary_file_goes_is_never_written_through(tmp_path, monkeypatch):
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's file", "utf-8")
    monkeypatch.setattr(staging.secrets, "token_hex", lambda n: "0" * 16)
    (tmp_path / f".index.html.{'0' * 16}.tmp").symlink_to(victim)
    with pytest.raises(FileExistsError):
        staging.replace_file(tmp_path / "index.html", b"new page")
    assert victim.read_text("utf-8") == "the user's file"
    assert not (tmp_path / "index.html").exists()
