"""The command line: exit codes, text and JSON reports, `new`, `schema`, the bundled specs,
and a validate path that loads no renderer."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import REPO, VALID, swap

import progen.publish.programme_json as programme_json
from progen.cli import main

SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/programme.schema.json"  # programmes/
EXAMPLE_SCHEMA_LINE = SCHEMA_LINE.replace("../", "../../")  # programmes/examples/
BUNDLED = sorted((REPO / "programmes" / "examples").glob("*.yaml"))
RENDERERS = ("weasyprint", "mkdocs", "material", "icalendar")


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    """Run the command in an empty folder of its own."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def progen(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


# ── validate ─────────────────────────────────────────────────────────────────────────


def test_validate_without_arguments_checks_every_programme_here(here):
    write(here / "programmes" / "b.yaml", VALID)
    a = swap(swap(VALID, "    count: 7", "    count: 9"), "id: test-programme", "id: other")
    write(here / "programmes" / "a.yaml", a)
    write(here / "elsewhere.yaml", "not: a spec")  # not under programmes/: not read
    result = progen("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "programmes/a.yaml: valid (2 organisations, 1 task, 2 groups, 12 people), 3 warnings",
        "programmes/b.yaml: valid (2 organisations, 1 task, 2 groups, 10 people), 3 warnings",
    ]
    # the minimal spec leaves out facts the design then assumes: each is a located warning
    assert [line for line in result.stderr.splitlines() if ": warning: " in line] == [
        f"programmes/{name}:{at}: warning: {what}"
        for name in ("a.yaml", "b.yaml")
        for at, what in (
            (
                "7:1",
                "context team_working.real_teams is not given, so the national picture is "
                "assumed (about 4 in 10 staff in real teams) and team-charter and reflexivity work "
                "is included; give your staff-survey figure to decide it locally",
            ),
            (
                "7:1",
                "context top_team_effective is not given: with 2 organisations taking part "
                "the design assumes the top team already works as a team and adds no senior-team "
                "session; write 'top_team_effective: false' if it does not",
            ),
            (
                "18:5",
                "tasks[0] task 'discharge' has no measure: its team agrees one at the Model "
                "for Improvement launch and its run chart starts empty; add "
                "'measure: {name, unit, baseline, target}' if you know it",
            ),
        )
    ]


def test_validate_without_arguments_reports_the_bad_one(here):
    write(here / "programmes" / "good.yaml", VALID)
    write(here / "programmes" / "bad.yaml", swap(VALID, "  stage: early", "  stage: erly"))
    result = progen("validate")
    assert result.exit_code == 1
    assert "programmes/good.yaml: valid" in result.stdout
    assert result.stderr.splitlines()[0] == (
        "programmes/bad.yaml:8:10: context.stage: 'erly' is not one of early, improving, "
        "performing (did you mean 'early'?)"
    )


def _with_examples(here: Path) -> None:
    """A clone's programmes/examples/, with the bundled example specs."""
    for path in BUNDLED[:2]:
        write(here / "programmes" / "examples" / path.name, path.read_bytes())


def test_with_no_spec_of_their_own_a_fresh_clone_uses_the_examples(here):
    _with_examples(here)
    result = progen("validate")
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        f"programmes/examples/{path.name}" for path in BUNDLED[:2]
    ]


def test_a_users_own_spec_is_not_joined_by_the_examples_unless_asked(here):
    _with_examples(here)
    write(here / "programmes" / "ours.yaml", VALID)
    alone = progen("validate")
    assert alone.exit_code == 0, alone.output
    assert [line.split(":")[0] for line in alone.stdout.splitlines()] == ["programmes/ours.yaml"]
    both = progen("validate", "--examples")
    assert both.exit_code == 0, both.output
    assert [line.split(":")[0] for line in both.stdout.splitlines()] == [
        "programmes/ours.yaml",
        *(f"programmes/examples/{path.name}" for path in BUNDLED[:2]),
    ]
    named = progen("validate", "--examples", f"programmes/examples/{BUNDLED[0].name}")
    assert named.exit_code == 0, named.output
    assert len(named.stdout.splitlines()) == 2  # the example named is not read twice


def test_validate_with_no_programmes_is_a_usage_error(here):
    result = progen("validate")
    assert result.exit_code == 2
    assert "no spec given and no programmes/*.yaml here" in result.stderr


def test_unknown_option_is_a_usage_error(here):
    assert progen("validate", "--colour").exit_code == 2
    assert progen("validate", "--format", "xml", "x.yaml").exit_code == 2
    assert progen("frobnicate").exit_code == 2


def test_a_folder_given_as_a_spec_is_a_usage_error(here):
    (here / "programmes").mkdir()
    assert progen("validate", "programmes").exit_code == 2


def test_missing_spec_file_is_reported_not_raised(here):
    result = progen("validate", "nope.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "nope.yaml:1:1: no such file"


def test_text_report_has_an_excerpt_with_a_caret_under_the_column(here):
    write(here / "spec.yaml", swap(VALID, "    level: middle", "    level: midle"))
    result = progen("validate", "spec.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "spec.yaml:26:12: stakeholders[0].level: 'midle' is not one of top-team, senior, "
        "middle, frontline, community (did you mean 'middle'?)",
        "   26 |     level: midle",
        "      |            ^",
        "1 problem in 1 file",
    ]


def test_text_report_caret_after_a_tab_and_at_column_one(here):
    write(here / "spec.yaml", swap(VALID, "  stage: early", "\tstage: early"))
    result = progen("validate", "spec.yaml")
    assert result.stderr.splitlines()[1:3] == ["    8 |  stage: early", "      | ^"]


def test_text_report_caret_on_a_first_line_after_a_byte_order_mark(here):
    write(here / "spec.yaml", b"\xef\xbb\xbf" + VALID.replace("version: 1", "version: 2").encode())
    result = progen("validate", "spec.yaml")
    assert result.stderr.splitlines()[:3] == [
        "spec.yaml:1:10: version: 2 is not supported; write 1",
        "    1 | version: 2",
        "      |          ^",
    ]


def test_every_file_and_problem_is_counted(here):
    write(
        here / "one.yaml",
        swap(swap(VALID, "  stage: early", "  stage: x"), "  weeks: 26", "  weeks: 2"),
    )
    write(here / "two.yaml", b"")
    write(here / "ok.yaml", VALID)
    result = progen("validate", "one.yaml", "two.yaml", "ok.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ok.yaml: valid (2 organisations, 1 task, 2 groups, 10 people), 3 warnings"
    ]
    heads = [line for line in result.stderr.splitlines() if line.startswith(("one", "two"))]
    assert [h.split(": ")[0] for h in heads] == [
        "one.yaml:6:10",
        "one.yaml:6:10",
        "one.yaml:8:10",
        "two.yaml:1:1",
    ]
    assert result.stderr.splitlines()[-1] == "4 problems in 2 files"


def test_json_report_shape(here):
    write(here / "spec.yaml", swap(VALID, "  stage: early", "  stage: erly"))
    result = progen("validate", "--format", "json", "spec.yaml")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "errors": [
            {
                "file": "spec.yaml",
                "line": 8,
                "column": 10,
                "path": "context.stage",
                "message": "'erly' is not one of early, improving, performing "
                "(did you mean 'early'?)",
            }
        ]
    }


def test_json_report_for_a_loading_error_and_several_files(here):
    write(here / "a.yaml", b"- 1\n")
    write(here / "b.yaml", swap(VALID, "    count: 7", "    count: 2001"))
    result = progen("validate", "--format", "json", "a.yaml", "b.yaml")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["file"], e["line"], e["column"], e["path"]) for e in errors] == [
        ("a.yaml", 1, 1, ""),
        ("b.yaml", 27, 12, "stakeholders[0].count"),
    ]
    assert all(set(e) == {"file", "line", "column", "path", "message"} for e in errors)


def test_json_report_when_valid(here):
    write(here / "spec.yaml", VALID)
    result = progen("validate", "--format", "json", "spec.yaml")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["errors"] == []
    assert {w["path"] for w in report["warnings"]} >= {"tasks[0]"}  # VALID's task has no measure


HOSTILE = {
    "empty": b"",
    "binary": bytes(range(256)),
    "latin-1": "title: café\n".encode("latin-1"),
    "python-object": b"version: !!python/object/apply:os.system ['echo pwned']\n",
    "bomb": b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + b"".join(
        f"{c}: &{c} [".encode() + b", ".join([f"*{p}".encode()] * 10) + b"]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ),
    "recursive": b"a: &a [*a]\n",
    "deep": b"[" * 10_000 + b"]" * 10_000,
    "deep-block": b"".join(b" " * i + b"k:\n" for i in range(500)),
    "list": b"[1, 2, 3]\n",
    "null": b"~\n",
    "tabs": b"a:\n\tb: 1\n",
    "syntax": b"a: 'b\n",
    "huge-int": b"version: 0x" + b"f" * 20_000 + b"\n",
    "keys": b"? {a: 1}\n: 2\n[1]: 3\n",
    "everything-wrong-types": b"version: []\nprogramme: 1\ncontext: x\norganisations: {}\n"
    b"tasks: abc\nstakeholders: [1, [2], {id: 3}]\nfacilitators: x\nevaluation: []\n",
    "bad-inner-types": swap(
        VALID, "    stakeholders: [ward-managers, social-workers]", "    stakeholders: {a: 1}"
    ).encode()
    + b"facilitators: [{name: x, organisation: [1]}]\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_a_located_report_never_a_traceback(here, name):
    write(here / "spec.yaml", HOSTILE[name])
    for fmt in ("text", "json"):
        result = progen("validate", "--format", fmt, "spec.yaml")
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
    errors = json.loads(result.stdout)["errors"]
    assert errors and all(e["line"] >= 1 and e["column"] >= 1 and e["message"] for e in errors)


def test_the_installed_command_exits_1_with_no_traceback(tmp_path):
    write(tmp_path / "programmes" / "x.yaml", b"a: &a [*a, *a]\n")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("progen")), "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("programmes/x.yaml:1:")
    assert "Traceback" not in done.stderr


# ── new ──────────────────────────────────────────────────────────────────────────────


def test_new_writes_a_starter_that_validates_with_an_id_from_the_file_name(here):
    result = progen("new", "programmes/North Devon_Discharge.yaml")
    assert result.exit_code == 0, result.output
    written = here / "programmes" / "North Devon_Discharge.yaml"
    text = written.read_text("utf-8")
    assert text.startswith(SCHEMA_LINE + "\n")
    assert '  id: "north-devon-discharge" ' in text
    check = progen("validate", "--strict", str(written))
    assert check.exit_code == 0, check.output  # no warning either: it validates as written
    assert "valid (" in check.stdout


def test_new_default_path_validates_with_validate_default(here):
    assert progen("new").exit_code == 0
    assert (here / "programmes" / "my-programme.yaml").is_file()
    result = progen("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("programmes/my-programme.yaml: valid")


def test_new_refuses_to_overwrite_without_force(here):
    target = write(here / "mine.yaml", "# my own work\n")
    result = progen("new", "mine.yaml")
    assert result.exit_code == 2
    assert "mine.yaml already exists; choose another name or add --force" in result.stderr
    assert target.read_text() == "# my own work\n"
    assert progen("new", "--force", "mine.yaml").exit_code == 0
    assert target.read_text("utf-8").startswith(SCHEMA_LINE)
    assert progen("validate", "mine.yaml").exit_code == 0


@pytest.mark.parametrize("name", ["0", "true", "null", "0x10", "1e3", "yes", "2027-01-01"])
def test_new_quotes_an_id_yaml_would_read_as_something_else(here, name):
    assert progen("new", f"{name}.yaml").exit_code == 0
    result = progen("validate", "--strict", f"{name}.yaml")
    assert result.exit_code == 0, result.output


def test_validate_plan_and_build_see_the_same_warnings(here):
    """A session the budget leaves out is a warning only the assembled programme knows:
    validate assembles, so validate --strict fails exactly when plan --strict does."""
    spec = write(
        here / "programmes" / "p.yaml",
        swap(VALID, "  weeks: 26", "  weeks: 26\n  contact_hours: 16"),
    )
    for command in ("validate", "plan", "build"):
        result = progen(command, "--strict", str(spec))
        assert result.exit_code == 1, (command, result.output)
        assert "is left out" in result.stderr or "are left out" in result.stderr, command
    assert not (here / "site").exists()


def test_new_makes_a_valid_ascii_id_from_any_file_name(here):
    result = progen("new", "Ysbyty Gwynedd Llŵyd.yaml")
    assert result.exit_code == 0, result.output
    assert '  id: "ysbyty-gwynedd-llwyd" ' in (here / "Ysbyty Gwynedd Llŵyd.yaml").read_text(
        "utf-8"
    )
    assert progen("validate", "Ysbyty Gwynedd Llŵyd.yaml").exit_code == 0
    assert progen("new", "日本.yaml").exit_code == 0
    assert '  id: "my-programme" ' in (here / "日本.yaml").read_text("utf-8")
    long_name = "a" * 62 + " b.yaml"  # cut at 63 characters, after the hyphen
    assert progen("new", long_name).exit_code == 0
    assert progen("validate", long_name).exit_code == 0


@pytest.mark.parametrize("given", ["dir/", "existing", "existing/"])
def test_new_into_a_folder_writes_the_starter_inside_it(here, given):
    (here / "existing").mkdir()
    result = progen("new", given)
    assert result.exit_code == 0, result.output
    written = here / given.rstrip("/") / "my-programme.yaml"
    assert result.stdout.startswith(f"wrote {written.relative_to(here)}: ")
    assert progen("validate", str(written)).exit_code == 0
    assert not (here / "dir").is_file()


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/proc/x.yaml", "No such file or directory"),
        ("a-file/x.yaml", "a-file is a file, not a folder"),
        ("a-file/deeper/x.yaml", "Not a directory"),
    ],
)
def test_new_to_a_path_it_cannot_write_is_a_clear_error(here, path, reason):
    write(here / "a-file", "my notes\n")
    result = progen("new", path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {path}: {reason}\n"
    assert (here / "a-file").read_text() == "my notes\n"


def test_new_replaces_a_link_instead_of_writing_through_it(here):
    (here / "target.yaml").write_text("# someone else's file\n")
    (here / "link.yaml").symlink_to(here / "target.yaml")
    assert progen("new", "link.yaml").exit_code == 2  # exists: a link counts
    assert progen("new", "--force", "link.yaml").exit_code == 0
    assert not (here / "link.yaml").is_symlink()
    assert (here / "target.yaml").read_text() == "# someone else's file\n"
    (here / "dangling.yaml").symlink_to(here / "nowhere.yaml")
    assert progen("new", "dangling.yaml").exit_code == 2
    assert not (here / "nowhere.yaml").exists()


def test_starter_is_commented_in_every_section(here):
    text = (REPO / "templates" / "starter.yaml").read_text("utf-8")
    for section in ("programme:", "context:", "organisations:", "tasks:", "stakeholders:"):
        before = text[: text.index(f"\n{section}")]
        assert before.rstrip().splitlines()[-1].lstrip().startswith("#"), section


# ── schema ───────────────────────────────────────────────────────────────────────────


def test_schema_prints_the_schema_file(here):
    result = progen("schema")
    assert result.exit_code == 0
    on_disk = (REPO / "schemas" / "programme.schema.json").read_text("utf-8")
    assert result.stdout == on_disk
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_describes_every_property_and_closes_every_object():
    schema = json.loads((REPO / "schemas" / "programme.schema.json").read_text("utf-8"))

    def walk(node: dict, where: str) -> None:
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, where
        for name, sub in node.get("properties", {}).items():
            assert sub.get("description"), f"{where}.{name}"
            walk(sub, f"{where}.{name}")
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{where}[]")

    walk(schema, "$")


# ── the bundled programmes ───────────────────────────────────────────────────────────


def test_there_are_bundled_programmes():
    assert len(BUNDLED) >= 2


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_programme_validates_and_names_its_schema(path, monkeypatch):
    assert path.read_text("utf-8").splitlines()[0] == EXAMPLE_SCHEMA_LINE
    assert (path.parent / EXAMPLE_SCHEMA_LINE.split("=")[1]).resolve().is_file()
    monkeypatch.chdir(REPO)
    result = progen("validate", f"programmes/examples/{path.name}")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"programmes/examples/{path.name}: valid (")


def test_validate_loads_no_renderer():
    code = (
        "import sys\n"
        "from progen.cli import main\n"
        "try:\n"
        "    main(['validate'])\n"
        "except SystemExit as done:\n"
        "    assert done.code in (0, None), done.code\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {RENDERERS!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_plan_runs_without_the_cycle_collector_and_gives_it_back(monkeypatch):
    """`plan` runs with the cyclic collector off (it only walks what the plan keeps), and
    afterwards the collector is on again with nothing frozen, so a process that goes on
    still collects what the plan left in cycles."""
    seen = []
    write_json = programme_json.programme_json

    def watched(programme):
        seen.append(gc.isenabled())
        return write_json(programme)

    monkeypatch.setattr(programme_json, "programme_json", watched)
    assert gc.isenabled()
    done = progen(
        "plan", str(REPO / "programmes" / "examples" / "westmoor-discharge.yaml"), "--json"
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["id"] == "westmoor-discharge"
    assert seen == [False]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_failing_plan_gives_the_cycle_collector_back(here):
    write(here / "bad.yaml", "version: 1\n")
    done = progen("plan", "bad.yaml")
    assert done.exit_code == 1
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_build_with_json_keeps_standard_output_to_the_json_report(tmp_path):
    """Progress and the summary go to standard error; standard output is one JSON report,
    with the warnings the build heard."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(VALID, "utf-8")
    result = CliRunner().invoke(
        main, ["build", str(spec), "--out", str(tmp_path / "site"), "--format", "json", "-j", "1"]
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == [] and report["warnings"]
    assert "1 programme" in result.stderr
