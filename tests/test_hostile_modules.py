"""A user's module file is untrusted: a plan too long, too wide, too deeply nested, or a
template that would build huge numbers or texts is a located error when the catalogue is
loaded (so `validate` finds it), never a hang or a traceback in `plan` or `build`."""

from __future__ import annotations

import pytest
from conftest import REPO

from progen.design.catalogue import load_catalogue
from progen.errors import UserError

LAUNCH = (REPO / "templates" / "modules" / "programme-launch.md").read_text("utf-8")


def problems_with(tmp_path, extra: str) -> list[str]:
    (tmp_path / "programme-launch.md").write_text(LAUNCH.rstrip("\n") + "\n\n" + extra + "\n")
    with pytest.raises(UserError) as err:
        load_catalogue(tmp_path)
    return [p.headline() for p in err.value.problems]


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ("*a**" * 20_000, "characters long; break it into lines of at most 2,000"),
        (("| a | b |\n" * 3 + "|---|---|\n") * 30_000, "a plan may be at most 100,000"),
        ("> " * 40 + "deep", "nested more than 8 deep"),
        ("{% set a = 99999999999999999999 %}{{ a * a }}", "a number or text in the plan is too"),
        ("{% set a = ['x'] %}{{ a|length }}", "'list' is not allowed in a session plan"),
        ("{{ " + "(" * 600 + "1" + ")" * 600 + " }}", "nested too deeply or holds too large"),
        ("{{ " + " + ".join(["1"] * 400) + " }}", "nested too deeply or holds too large"),
    ],
    ids=[
        "emphasis bomb",
        "table bomb",
        "deep quotes",
        "big number",
        "list",
        "deep parentheses",
        "long sum",
    ],
)
def test_a_hostile_plan_is_a_located_error_at_load(tmp_path, extra, said):
    found = problems_with(tmp_path, extra)
    assert found and all(h.startswith(f"{tmp_path}/programme-launch.md:") for h in found)
    assert any(said in h for h in found), found


def test_text_built_by_multiplying_is_capped_when_the_plan_is_written(tmp_path):
    # small numbers pass the load-time checks; the sandbox stops the text growing
    from progen.design.assemble import assemble
    from progen.spec.validate import read_spec

    extra = "{% set a = 'xxxxxxxxxx' * 1000 %}{% set b = a * 1000 %}{{ b|length }}"
    (tmp_path / "programme-launch.md").write_text(LAUNCH.rstrip("\n") + "\n\n" + extra + "\n")
    spec = read_spec(REPO / "programmes" / "examples" / "westmoor-discharge.yaml")
    with pytest.raises(UserError, match="too long a text"):
        assemble(spec, tmp_path)


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ("{{ '> ' * 9 }}deep", "written out for Launch"),
        ("{{ '> ' * 5000 }}deep", "characters long; break it"),
        ("\n".join(["{{ 'word ' * 3000 }}"] * 200), "a plan may be at most 100,000"),
        ("{{ '| a ' * 40 }}|", "a table row of 40 columns"),
        ("{{ 1/0 }}", "division by zero"),
        ("{{ nothing }}", "'nothing' is undefined"),
        ('{{ "%0999999999d" % 1 }}', "text cannot be formatted with %"),
        ("{{ '\x1b]0;x\x07' }}", "control character U+001B"),
    ],
    ids=[
        "quotes",
        "quote bomb",
        "many capped texts",
        "wide table",
        "zero",
        "undefined",
        "format bomb",
        "escape built",
    ],
)
def test_a_plan_that_only_goes_wrong_when_written_out_fails_validate(tmp_path, extra, said):
    """Expressions can build what the body does not show, and fail only when run: validate
    writes every plan out, so it finds these at the module file, before plan or build."""
    from progen.validation import check_file

    (tmp_path / "programme-launch.md").write_text(LAUNCH.rstrip("\n") + "\n\n" + extra + "\n")
    spec = REPO / "programmes" / "examples" / "westmoor-discharge.yaml"
    with pytest.raises(UserError) as err:
        check_file(spec, "spec.yaml", tmp_path)
    (problem,) = err.value.problems
    assert problem.file == str(tmp_path / "programme-launch.md")
    assert said in problem.message, problem.message


def test_odd_paths_and_epochs_are_errors_not_tracebacks(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from progen.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    run = CliRunner().invoke(main, ["validate", "loop.yaml"])
    assert run.exit_code == 1 and "loop.yaml:1:1: cannot read the file" in run.stderr
    run = CliRunner().invoke(main, ["new", "a" * 300 + ".yaml"])
    assert run.exit_code == 1 and "cannot write" in run.stderr
    run = CliRunner().invoke(main, ["new", "\x1b]0;x\x07.yaml"])
    assert run.exit_code == 0 and "\x1b" not in run.stdout and "\\x1b" in run.stdout
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "9" * 5000)
    run = CliRunner().invoke(main, ["build", "\x1b]0;x\x07.yaml", "--out", "out"])
    assert run.exit_code == 2 and "SOURCE_DATE_EPOCH must be a whole number" in run.stderr


def test_a_short_programme_in_the_first_weeks_of_the_year_1_plans(spec):
    from conftest import VALID, swap

    from progen.design.assemble import assemble

    text = swap(
        swap(VALID, "  start: 2027-01-12", "  start: 0001-01-08"), "  weeks: 26", "  weeks: 4"
    )
    text = swap(text, "  weeks: 4\n", "  weeks: 4\n  set_cadence_weeks: 2\n")
    assert assemble(spec(text)).sessions


def test_only_the_module_files_count_towards_the_build_hash(tmp_path):
    from progen.publish.content_hash import shared_digest

    (tmp_path / "programme-launch.md").write_text(LAUNCH)
    before = shared_digest(tmp_path)
    (tmp_path / "notes.txt").write_bytes(b"x" * 1000)  # never read: a big file costs nothing
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "other.md").write_text("not a module of this folder")
    assert shared_digest(tmp_path) == before
    (tmp_path / "programme-launch.md").write_text(LAUNCH + "\nMore.\n")
    assert shared_digest(tmp_path) != before


@pytest.mark.parametrize(
    ("find", "put"),
    [
        ('title: "Launch:', 'title: "\\e]0;PWNED\\aLaunch:'),
        ("## Purpose", "## Purpose \x1b[31m"),
        ("## Purpose", "## Purpose \u202e"),
    ],
    ids=["title", "body", "bidi override"],
)
def test_control_characters_in_a_module_are_a_located_error(tmp_path, find, put):
    assert find in LAUNCH
    (tmp_path / "programme-launch.md").write_text(LAUNCH.replace(find, put, 1))
    with pytest.raises(UserError) as err:
        load_catalogue(tmp_path)
    (problem,) = err.value.problems
    assert "control character" in problem.message
    assert problem.line > 1 or problem.path == "title"
