"""Warnings: spec facts that change nothing or were assumed are located, printed to standard
error, listed in the programme JSON, and made errors by --strict; one programme id per spec."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import VALID, swap

from progen.cli import main
from progen.spec.load import parse
from progen.validation import check_document

# VALID with every fact the design would otherwise assume, and hours for every session
# any of these tests calls for, so it warns about nothing.
QUIET = swap(
    swap(
        swap(VALID, "  weeks: 26\n", "  weeks: 26\n  contact_hours: 80\n"),
        "  stage: early\n",
        "  stage: early\n  top_team_effective: true\n  team_working: {real_teams: 40}\n",
    ),
    "    stakeholders: [ward-managers, social-workers]\n",
    "    measure: {name: days delayed, unit: days, baseline: 6, target: 2}\n"
    "    stakeholders: [ward-managers, social-workers]\n",
)


def warnings_of(text: str) -> list[str]:
    _, found = check_document(parse("spec.yaml", text.encode()))
    return [w.headline() for w in found]


def test_a_spec_that_states_its_facts_has_no_warnings():
    assert warnings_of(QUIET) == []


def test_a_group_in_no_task_is_told_what_it_still_joins():
    text = QUIET + (
        "  - id: locality-leads\n    name: Integrated locality leaders\n"
        "    organisation: council\n    level: senior\n    count: 3\n"
    )
    (line,) = warnings_of(text)
    assert line.startswith("spec.yaml:37:5: warning: stakeholders[2] 'Integrated locality leaders'")
    assert "join the sessions for everyone and for their level but no action-learning set" in line


def test_a_dependency_between_groups_that_share_no_task_is_reported_at_the_dependency():
    text = swap(
        QUIET,
        "    people: [Alex Brown, Sam Green, Jo White]\n",
        "    people: [Alex Brown, Sam Green, Jo White]\n"
        "  - id: porters\n    name: Porters\n    organisation: trust\n    level: frontline\n"
        "    count: 6\n    depends_on: [ward-managers]\n",
    )
    text = swap(
        text,
        "tasks:\n",
        "tasks:\n  - id: moves\n    title: Moving patients\n"
        "    aim: Faster moves\n    measure: {name: minutes, baseline: 40, target: 20}\n"
        "    stakeholders: [porters]\n",
    )
    found = warnings_of(text)
    assert [w for w in found if "depends_on[0]" in w] == [
        found[-1]
    ] and "'Porters' depend on 'Ward managers', but the two serve no task together" in found[-1]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  top_team_effective: true\n", "", "context top_team_effective is not given"),
        ("  team_working: {real_teams: 40}\n", "", "context team_working.real_teams is not given"),
        (
            "    measure: {name: days delayed, unit: days, baseline: 6, target: 2}\n",
            "",
            "tasks[0] task 'discharge' has no measure",
        ),
        ("  stage: early\n", "  stage: early\n  culture: [hierarchical-ish]\n", None),
    ],
)
def test_each_assumption_is_one_located_warning(old, new, expected):
    text = swap(QUIET, old, new)
    if expected is None:  # a tag the schema refuses is an error, not a warning
        with pytest.raises(Exception, match="culture"):
            warnings_of(text)
        return
    (line,) = warnings_of(text)
    assert expected in line and ": warning: " in line


def test_a_task_within_one_organisation_of_several_is_warned_about():
    text = swap(
        QUIET,
        "tasks:\n",
        "tasks:\n  - id: beds\n    title: Bed flow\n    aim: Fewer moves\n"
        "    measure: {name: moves, baseline: 4, target: 2}\n    stakeholders: [ward-managers]\n",
    )
    (line,) = warnings_of(text)
    assert "tasks[0].stakeholders every stakeholder of task 'beds' belongs to" in line


def test_a_blackout_outside_the_programme_changes_nothing_and_says_so():
    text = swap(QUIET, "  weeks: 26\n", "  weeks: 26\n  blackout: [2027-02-02, 2030-01-01]\n")
    (line,) = warnings_of(text)
    assert line.startswith("spec.yaml:7:26: warning: programme.blackout[1] 2030-01-01 is outside")


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "programmes").mkdir()
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_warnings_leave_exit_zero_and_strict_makes_them_errors(here):
    (here / "programmes" / "p.yaml").write_text(VALID)
    for command in (["validate"], ["plan", "programmes/p.yaml"]):
        loose = run(*command)
        assert loose.exit_code == 0, loose.output
        assert loose.stderr.count(": warning: ") == 3
        strict = run(*command, "--strict")
        assert strict.exit_code == 1
        assert ": warning: " not in strict.stderr
        assert "programmes/p.yaml:18:5: tasks[0]: task 'discharge' has no measure" in strict.stderr


def test_plan_json_lists_the_warnings(here):
    (here / "programmes" / "p.yaml").write_text(VALID)
    result = run("plan", "programmes/p.yaml", "--json")
    warnings = json.loads(result.stdout)["warnings"]
    assert [(w["line"], w["column"], w["path"]) for w in warnings] == [
        (7, 1, "context"),
        (7, 1, "context"),
        (18, 5, "tasks[0]"),
    ]
    assert set(warnings[0]) == {"file", "line", "column", "path", "message"}


def test_two_specs_with_one_id_is_an_error_at_the_second_id(here):
    (here / "programmes" / "a.yaml").write_text(QUIET)
    (here / "programmes" / "b.yaml").write_text(QUIET)
    result = run("validate")
    assert result.exit_code == 1
    assert (
        "programmes/b.yaml:3:7: programme.id: 'test-programme' is already the id of "
        "programmes/a.yaml" in result.stderr
    )


def test_a_budget_too_small_for_the_essential_sessions_is_an_error_naming_the_smallest(
    problems,
):
    found = problems(swap(QUIET, "  contact_hours: 80\n", "  contact_hours: 6\n"))
    (problem,) = found
    assert (problem.line, problem.column, problem.path) == (7, 18, "programme.contact_hours")
    smallest = float(problem.message.rsplit("budget that fits is ", 1)[1].split()[0])
    assert not problems(swap(QUIET, "  contact_hours: 80\n", f"  contact_hours: {smallest}\n"))
    assert problems(swap(QUIET, "  contact_hours: 80\n", f"  contact_hours: {smallest - 0.5}\n"))


def test_too_few_open_days_is_an_error_at_weeks(problems):
    text = swap(
        QUIET, "  weeks: 26\n", "  weeks: 4\n  session_days: [mon]\n  set_cadence_weeks: 2\n"
    )
    assert [p.path for p in problems(text)] == ["programme.weeks"]


def test_sessions_left_out_by_the_budget_are_one_warning_at_contact_hours(here):
    (here / "programmes" / "p.yaml").write_text(
        swap(QUIET, "  contact_hours: 80\n", "  contact_hours: 24\n")
    )
    result = run("plan", "programmes/p.yaml", "--json")
    warnings = json.loads(result.stdout)["warnings"]
    assert [(w["line"], w["path"]) for w in warnings] == [(7, "programme.contact_hours")]
    assert warnings[0]["message"].startswith("at 24 contact hours, ")


@pytest.mark.parametrize(
    ("find", "put", "path", "said"),
    [
        ("team_working: {real_teams: 40}", "team_working: {in_teams: 10, real_teams: 40}",
         "context.team_working.real_teams", "more than the 10% who work in teams"),
        ("baseline: 6, target: 2}", "baseline: 6, target: 2, improvement: increase}",
         "tasks[0].measure.improvement", "is below the baseline (6)"),
        ("baseline: 6, target: 2}", "baseline: 6, target: 6}",
         "tasks[0].measure.target", "the target equals the baseline"),
    ],
    ids=["real teams above teams", "direction", "target is baseline"],
)  # fmt: skip
def test_facts_that_contradict_each_other_are_warned_about(find, put, path, said):
    assert find in QUIET
    _, found = check_document(parse("spec.yaml", swap(QUIET, find, put).encode()))
    (warning,) = found
    assert warning.path == path and said in warning.message, warning.headline()


def test_a_facilitator_named_twice_is_warned_about():
    text = QUIET + "facilitators:\n  - {name: Dr A. Example}\n  - {name: Dr A. Example}\n"
    _, found = check_document(parse("spec.yaml", text.encode()))
    (warning,) = found
    assert warning.path == "facilitators[1]" and "named twice" in warning.message


@pytest.mark.parametrize(
    ("find", "put", "said"),
    [
        ("  weeks: 26\n", '  weeks: 26\n  session_start: "23:59"\n',
         "programme.session_start: starting at 23:59, a 240-minute meeting would run past "
         "midnight; start at 20:00 or earlier"),
        ("  weeks: 26\n", '  weeks: 26\n  session_start: "24:00"\n',
         "programme.session_start: '24:00' is not a time of day; write HH:MM from 00:00 to 23:59"),
        ("  weeks: 26\n", "  weeks: 8\n  session_days: [thu]\n  set_cadence_weeks: 4\n",
         "programme.weeks: between the session that forms them and the closing event, some "
         "action-learning sets can meet only once"),
    ],
    ids=["past midnight", "no such time", "sets meet once"],
)  # fmt: skip
def test_a_programme_that_cannot_be_run_as_assembled_is_an_error(problems, find, put, said):
    found = problems(swap(QUIET, find, put))
    assert any(said in p.headline() for p in found), [p.headline() for p in found]


def test_a_top_team_from_one_organisation_of_several_is_warned_about():
    text = swap(QUIET, "top_team_effective: true", "top_team_effective: false") + (
        "  - id: board\n    name: Trust board\n    organisation: trust\n    level: top-team\n"
        "    count: 3\n"
    )
    _, found = check_document(parse("spec.yaml", text.encode()))
    said = [w for w in found if "every top-team group belongs to" in w.message]
    assert [w.path for w in said] == ["stakeholders[2]"]
    assert "has no top-team member from Our County Council" in said[0].message


@pytest.mark.parametrize(
    ("aim", "warned"),
    [
        ("Cut the delay by December 2028", True),
        ("Cut the delay by the end of march 2028", True),
        ("Cut the delay by January 2028", False),  # the follow-up's own month
        ("Cut the delay by 2 days", False),
        ("Cut the delay by December 2027", False),
        ("Cut the delay by Sept 2028", True),
        ("Cut the delay by 31 Mar, 2028", True),
        ("Cut it by December 2027, then by 1 day by June 2028", True),  # the latest date
    ],
)
def test_an_aim_due_after_the_follow_up_is_told(aim, warned):
    """The programme runs 26 weeks from 12 January 2027 to July; the follow-up six months on
    falls in January 2028, so an aim due later cannot be judged at it."""
    text = swap(QUIET, "aim: Cut the delay for medically fit patients", f"aim: {aim}")
    found = [w for w in warnings_of(text) if "falls due" in w]
    assert bool(found) == warned, found
    if warned:
        assert found[0].startswith("spec.yaml:23:10: warning: tasks[0].aim")


def test_a_lone_facilitator_across_organisations_is_told_to_name_a_second():
    one = QUIET + "facilitators:\n  - {name: Pat Lee, organisation: trust}\n"
    two = one + "  - {name: Sam Roe, organisation: council}\n"
    assert any("is the only facilitator" in w for w in warnings_of(one))
    assert not any("only facilitator" in w for w in warnings_of(two))


def test_an_aim_to_hold_a_level_may_have_its_target_at_the_baseline():
    same = "    measure: {name: days delayed, unit: days, baseline: 6, target: 6}\n"
    text = swap(QUIET, same.replace("target: 6", "target: 2"), same)
    assert any("the target equals the baseline" in w for w in warnings_of(text))
    held = swap(text, "aim: Cut the delay for medically fit patients", "aim: Hold the delay at 6")
    assert not any("the target equals the baseline" in w for w in warnings_of(held))
