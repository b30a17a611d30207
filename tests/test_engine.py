"""Scenario tests for the design engine: diagnosis, selection, budget, schedule, sets,
PDSA and evaluation, on small specs written for each rule."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import holidays
import pytest
import yaml
from conftest import most_minutes

from progen.design.assemble import assemble
from progen.design.catalogue import load_catalogue
from progen.design.participants import expand_participants
from progen.design.schedule import calendar_problems
from progen.errors import UserError
from progen.spec.load import parse
from progen.spec.validate import read_spec, validate_document

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "programmes" / "examples").glob("*.yaml"))

BASE = {
    "version": 1,
    "programme": {"id": "demo", "title": "Demo", "start": "2027-01-12", "weeks": 26},
    "context": {
        "stage": "early",
        "team_working": {"in_teams": 90, "real_teams": 60},
        "top_team_effective": True,
    },
    "organisations": [
        {"id": "trust", "name": "Trust", "kind": "acute-trust", "location": "Town"},
        {"id": "council", "name": "Council", "kind": "local-authority", "location": "City"},
    ],
    "tasks": [
        {
            "id": "flow",
            "title": "Flow",
            "aim": "Faster discharge",
            "measure": {"name": "days delayed", "unit": "days", "baseline": 6, "target": 2},
            "stakeholders": ["execs", "managers", "nurses", "social"],
        }
    ],
    "stakeholders": [
        {
            "id": "execs",
            "name": "Executives",
            "organisation": "trust",
            "level": "top-team",
            "count": 3,
        },
        {
            "id": "managers",
            "name": "Ward managers",
            "organisation": "trust",
            "level": "middle",
            "count": 6,
            "depends_on": ["social"],
        },
        {
            "id": "nurses",
            "name": "Nurses",
            "organisation": "trust",
            "level": "frontline",
            "count": 6,
        },
        {
            "id": "social",
            "name": "Social workers",
            "organisation": "council",
            "level": "frontline",
            "count": 6,
            "depends_on": ["nurses"],
        },
    ],
    "facilitators": [{"name": "Adviser One", "organisation": "trust"}],
}


def spec_of(changes=None, **context):
    data = copy.deepcopy(BASE)
    data["context"].update(context)
    if changes:
        changes(data)
    doc = parse("demo.yaml", yaml.safe_dump(data, sort_keys=False).encode())
    return validate_document(doc)


def modules(programme) -> list[str]:
    return [s.module for s in programme.sessions]


def first(programme, module: str):
    return next(s for s in programme.sessions if s.module == module)


def test_early_system_gets_clarifying_work_first_and_no_participative_module():
    p = assemble(spec_of(stage="early"))
    assert p.diagnosis.style == "directive"
    assert "clarifying-expectations" in modules(p)
    assert "participative-leadership" not in modules(p)
    clarifying = first(p, "clarifying-expectations")
    later = [s for s in p.sessions if s.phase == "development"]
    assert later and all(clarifying.date < s.date for s in later)
    assert any("early stage of development" in line for line in clarifying.rationale)


def test_performing_system_gets_participative_work_and_no_directive_clarifying():
    p = assemble(spec_of(stage="performing"))
    assert p.diagnosis.style == "participative"
    assert "clarifying-expectations" not in modules(p)
    participative = [s for s in p.sessions if s.emphasis == "participative"]
    assert participative
    assert participative[0].phase == "foundations"
    improvement = first(p, "pdsa-clinic")
    assert participative[0].date < improvement.date


def test_improving_system_moves_from_directive_to_participative():
    p = assemble(spec_of(stage="improving"))
    assert first(p, "clarifying-expectations").date < first(p, "participative-leadership").date
    assert any(
        "moves from clarifying expectations to participative leadership" in line
        for line in first(p, "participative-leadership").rationale
    )


def test_low_real_team_share_brings_team_charter_with_the_figure_in_its_rationale():
    p = assemble(spec_of(team_working={"in_teams": 90, "real_teams": 35}))
    session = first(p, "real-team-check")
    text = " ".join(session.rationale)
    assert "35% of staff work in real teams" in text
    assert "below 50%" in text and "a design default, not a threshold from the research" in text
    assert "west-2013" in session.evidence


def test_real_team_share_at_threshold_brings_no_team_charter():
    p = assemble(spec_of(team_working={"in_teams": 90, "real_teams": 50}))
    assert "real-team-check" not in modules(p)


def test_unknown_real_team_share_is_treated_as_low():
    p = assemble(spec_of(team_working={}))
    text = " ".join(first(p, "real-team-check").rationale)
    assert "No figure is given for the share of staff in real teams" in text


def test_ineffective_top_team_across_organisations_gets_its_own_session():
    p = assemble(spec_of(top_team_effective=False))
    session = first(p, "senior-team-as-a-team")
    assert session.audience == ("execs",)
    assert any("top team does not yet work as a team" in line for line in session.rationale)
    finding = next(f for f in p.diagnosis.findings if f.id == "top-team-ineffective")
    assert [x.path for x in finding.facts] == ["context.top_team_effective", "organisations"]


def test_ineffective_top_team_in_one_organisation_gets_no_senior_team_session():
    def one_org(data):
        data["organisations"] = data["organisations"][:1]
        data["stakeholders"][3]["organisation"] = "trust"

    p = assemble(spec_of(one_org, top_team_effective=False))
    assert "senior-team-as-a-team" not in modules(p)
    assert "relational-coordination" not in modules(p)


def test_community_groups_are_in_co_production():
    def carers(data):
        data["organisations"].append({"id": "forum", "name": "Forum", "kind": "voluntary"})
        data["stakeholders"].append(
            {
                "id": "carers",
                "name": "Carers",
                "organisation": "forum",
                "level": "community",
                "count": 4,
            }
        )
        data["tasks"][0]["stakeholders"].append("carers")

    p = assemble(spec_of(carers))
    assert "carers" in first(p, "co-production").audience
    assert "co-production" not in modules(assemble(spec_of()))


def test_line_managers_get_engaging_leadership():
    p = assemble(spec_of())
    assert first(p, "engaging-line-managers").audience == ("managers",)


def test_blame_culture_starts_appreciatively_before_problem_solving():
    p = assemble(spec_of(culture=["blame"]))
    discovery = first(p, "appreciative-discovery")
    assert discovery.date < first(p, "model-for-improvement-launch").date
    assert "cooperrider-2005" in discovery.evidence


@pytest.mark.parametrize("hours", [6, 12, 30])
def test_contact_hours_budget_holds_for_every_group(hours):
    def budget(data):
        data["programme"]["contact_hours"] = hours

    p = assemble(spec_of(budget, culture=["siloed"], top_team_effective=False))
    for group in ("execs", "managers", "nurses", "social"):
        minutes = most_minutes(p, group)
        assert minutes <= hours * 60, group
    if hours == 6:
        assert any(
            o.cause == "budget" and o.reason.startswith("left out to keep within 6 contact hours")
            for o in p.omitted
        )


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_programmes_keep_budget_calendar_and_spacing(path):
    spec = read_spec(path)
    p = assemble(spec)
    prog = spec.programme
    region = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
    bank = holidays.country_holidays(
        "GB", subdiv=region[prog.holidays], years=range(prog.start.year, prog.end.year + 1)
    )
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    dates = [s.date for s in p.sessions] + [d for st in p.sets for d in st.meetings]
    for day in dates:
        assert prog.start <= day <= prog.end
        assert day not in bank and day not in prog.blackout
        assert days[day.weekday()] in prog.session_days
    for group in spec.stakeholders:
        assert most_minutes(p, group.id) <= prog.contact_hours * 60
    last_quarter = prog.start + dt.timedelta(weeks=prog.weeks * 3 // 4)
    assert max(s.date for s in p.sessions) >= last_quarter
    assert [s.date for s in p.sessions] == sorted(s.date for s in p.sessions)


def test_blackout_and_bank_holiday_dates_are_avoided():
    def closed(data):
        data["programme"].update(
            start="2027-04-27", weeks=8, session_days=["mon", "tue"], blackout=["2027-04-27"]
        )

    p = assemble(spec_of(closed))
    used = {s.date for s in p.sessions} | {d for st in p.sets for d in st.meetings}
    assert dt.date(2027, 4, 27) not in used
    assert dt.date(2027, 5, 3) not in used  # May Day bank holiday
    assert dt.date(2027, 5, 31) not in used  # Spring bank holiday


def test_two_contexts_give_visibly_different_programmes():
    early = assemble(spec_of(stage="early", culture=["blame"], team_working={"real_teams": 30}))
    performing = assemble(spec_of(stage="performing", culture=["innovative"]))
    assert set(modules(early)) ^ set(modules(performing))


def test_plan_json_is_byte_identical_across_runs():
    path = str(ROOT / "programmes" / "examples" / "westmoor-discharge.yaml")
    runs = [
        subprocess.run(
            [sys.executable, "-m", "progen", "plan", path, "--json"],
            capture_output=True,
            check=True,
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    data = json.loads(runs[0])
    assert {
        "id",
        "title",
        "diagnosis",
        "sessions",
        "action_learning_sets",
        "pdsa",
        "evaluation",
        "references",
    } <= set(data)
    for session in data["sessions"]:
        assert set(session["evidence"]) <= set(data["references"])


def test_every_participant_has_exactly_one_set_within_bounds_and_task():
    spec = read_spec(ROOT / "programmes" / "examples" / "westmoor-discharge.yaml")
    p = assemble(spec)
    people = expand_participants(spec)
    placed = [m for s in p.sets for m in s.members]
    assert sorted(placed, key=repr) == sorted(people, key=repr)
    low, high = spec.programme.set_size
    tasks = {t.id: t for t in spec.tasks}
    for s in p.sets:
        assert low <= len(s.members) <= high
        assert all(m.stakeholder in tasks[s.task].stakeholders for m in s.members)


@pytest.mark.parametrize(
    ("context", "meetings"),
    [
        ({"stage": "improving", "culture": ["siloed"]}, 2),
        ({"stage": "improving", "culture": ["blame"]}, 3),
        ({"stage": "early", "culture": []}, 3),
    ],
)
def test_every_set_has_an_adviser_for_its_first_meetings_and_none_keeps_one_throughout(
    context, meetings
):
    """Two meetings with an adviser, three where people are not used to questioning each
    other openly (an early stage, a blaming or hierarchical culture), and the note says why."""
    p = assemble(spec_of(**context))
    assert len(p.sets) > 1
    assert p.sets[0].facilitator == "Adviser One"
    supported = [s for s in p.sets if s.facilitator]
    assert supported == list(p.sets)
    assert all(s.adviser_meetings == meetings < len(s.meetings) for s in supported)
    assert any(f"first {meetings} meetings" in note for note in p.set_notes)
    assert any("rather than two because" in note for note in p.set_notes) == (meetings == 3)


def test_no_advisers_means_self_managed_sets():
    def none(data):
        del data["facilitators"]

    p = assemble(spec_of(none))
    assert all(s.facilitator is None for s in p.sets)


def test_set_meetings_follow_the_launch_at_the_cadence():
    p = assemble(spec_of())
    launch = first(p, "action-learning-launch").date
    for s in p.sets:
        assert s.meetings[0] > launch
        gaps = [(b - a).days for a, b in zip(s.meetings, s.meetings[1:], strict=False)]
        assert all(7 * 3 <= gap <= 7 * 5 for gap in gaps)  # 4 weeks, within a week


def test_pdsa_first_test_within_a_week_of_launch_and_cycles_follow_on():
    p = assemble(spec_of())
    plan = p.pdsa[0]
    launch = first(p, "model-for-improvement-launch").date
    assert plan.cycles[0].start > launch
    assert (plan.cycles[0].end - launch).days <= 7
    for a, b in zip(plan.cycles, plan.cycles[1:], strict=False):
        assert b.start == a.end + dt.timedelta(days=1)
    assert plan.direction == "decrease"
    assert "6 to 2 days" in plan.questions[1]


def test_evaluation_has_four_levels_task_measures_and_follow_up():
    def local(data):
        data["evaluation"] = {
            "follow_up_months": 3,
            "measures": [{"name": "Readmissions", "source": "warehouse", "level": "results"}],
        }

    p = assemble(spec_of(local))
    levels = [lv.level for lv in p.evaluation.levels]
    assert levels == ["reaction", "learning", "behaviour", "results"]
    results = [m.name for m in p.evaluation.levels[3].measures]
    assert "Flow: days delayed" in results and "Readmissions" in results
    points = {tp.name: tp.date for tp in p.evaluation.timepoints}
    assert points["baseline"] <= p.spec.programme.start
    assert points["follow-up"] == dt.date(2027, 10, 12)  # end 2027-07-12 + 3 months
    assert "attribut" in p.evaluation.attribution


def test_user_modules_override_and_extend_the_catalogue(tmp_path):
    source = (ROOT / "templates" / "modules" / "culture-and-meaning.md").read_text()
    local = re.sub(r"(?m)^title: .*$", "title: Local culture and meaning", source, count=1)
    (tmp_path / "culture-and-meaning.md").write_text(local)
    p = assemble(spec_of(), tmp_path)
    assert first(p, "culture-and-meaning").title.startswith("Local")


def test_invalid_user_module_is_a_located_error(tmp_path):
    (tmp_path / "broken.md").write_text("---\nid: broken\ntitle: Broken\nphase: lunch\n---\nx\n")
    with pytest.raises(UserError) as err:
        assemble(spec_of(), tmp_path)
    problems = [p.headline() for p in err.value.problems]
    assert any("broken.md:4:8: phase: 'lunch' is not one of" in h for h in problems)


def test_set_meetings_step_over_a_bank_holiday_week_and_keep_the_cadence():
    def easter(data):
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        data["programme"].update(
            start="2027-02-01", weeks=20, session_days=["mon", "fri"], set_cadence_weeks=2
        )

    p = assemble(spec_of(easter))
    closed = {dt.date(2027, 3, 26), dt.date(2027, 3, 29)}
    for s in p.sets:
        assert not closed & set(s.meetings)
        # Every 2 weeks, moved by up to a week when the day is closed or a member is busy.
        gaps = [(b - a).days for a, b in zip(s.meetings, s.meetings[1:], strict=False)]
        assert all(7 <= gap <= 21 for gap in gaps)
    assert any(
        a < dt.date(2027, 3, 26) < b
        for s in p.sets
        for a, b in zip(s.meetings, s.meetings[1:], strict=False)
    )


def test_region_scale_spec_plans_everyone_into_one_set():
    sys.path.insert(0, str(ROOT / "bench"))
    from region_spec import region_text

    spec = validate_document(parse("region.yaml", region_text().encode()))
    p = assemble(spec)
    people = expand_participants(spec)
    assert len(people) > 4500
    placed = [m for s in p.sets for m in s.members]
    assert len(placed) == len(people) and set(placed) == set(people)
    low, high = spec.programme.set_size
    assert all(low <= len(s.members) <= high for s in p.sets)


def test_too_few_open_days_for_the_essential_sessions_is_found_before_planning():
    text = (
        "version: 1\n"
        "programme:\n"
        "  id: x\n"
        "  title: X\n"
        "  start: 2027-04-27\n"
        "  weeks: 4\n"
        "  session_days: [mon]\n"
        "  set_cadence_weeks: 2\n"
        "  set_size: [3, 5]\n"
        "context: {stage: early, culture: [blame]}\n"
        "organisations: [{id: a, name: A, kind: acute-trust}, {id: b, name: B, kind: voluntary}]\n"
        "tasks:\n"
        "  - {id: t1, title: T, aim: A, stakeholders: [g1, g2]}\n"
        "stakeholders:\n"
        "  - {id: g1, name: Nurses, organisation: a, level: middle, count: 4}\n"
        "  - {id: g2, name: Carers, organisation: b, level: community, count: 3}\n"
    )
    spec = validate_document(parse("short.yaml", text.encode()))
    [(path, message)] = calendar_problems(spec, load_catalogue())
    assert path == "programme.weeks"
    assert message.startswith("the programme has 3 open session days from 2027-04-27")
    assert "add weeks or session_days" in message


@pytest.mark.parametrize(
    "programme",
    [
        {"weeks": 8},
        {"weeks": 5, "set_cadence_weeks": 2},
        {"blackout": ["2027-07-01", "2027-07-06", "2027-07-07", "2027-07-08"]},
    ],
    ids=["eight-weeks", "five-weeks", "blackout-at-the-end"],
)
def test_short_or_closed_programme_ends_still_plan(programme):
    def small(data):
        data["programme"].update(programme)
        data["stakeholders"] = [
            {"id": "g1", "name": "Group 1", "organisation": "trust", "level": "middle", "count": 5}
        ]
        data["tasks"][0]["stakeholders"] = ["g1"]
        data["organisations"] = data["organisations"][:1]
        del data["facilitators"]

    p = assemble(spec_of(small))
    assert p.sessions[-1].module == "sharing-event"
    assert p.sessions[-1].date <= p.spec.programme.end


def test_a_busy_adviser_never_leaves_a_set_without_meetings():
    def one_day(data):
        data["programme"].update(
            weeks=20, session_days=["tue"], set_size=[5, 5], set_cadence_weeks=2
        )
        data["organisations"] = data["organisations"][:1]
        data["stakeholders"] = [
            {
                "id": "g1",
                "name": "Nurses",
                "organisation": "trust",
                "level": "frontline",
                "count": 20,
            }
        ]
        data["tasks"][0]["stakeholders"] = ["g1"]
        data["facilitators"] = [{"name": "Pat", "organisation": "trust"}]

    p = assemble(spec_of(one_day, stage="performing"))
    assert len(p.sets) == 4
    for s in p.sets:
        assert len(s.meetings) >= 2
        assert (s.facilitator is None) == (s.adviser_meetings == 0)
    booked = [d for s in p.sets if s.facilitator == "Pat" for d in s.meetings[: s.adviser_meetings]]
    assert len(booked) == len(set(booked))  # never in two sets at once


def test_early_system_with_a_blame_culture_appreciates_before_clarifying_and_improving():
    p = assemble(spec_of(stage="early", culture=["blame", "siloed"]))
    order = modules(p)
    assert order.index("appreciative-design") < order.index("clarifying-expectations")
    assert order.index("appreciative-design") < order.index("model-for-improvement-launch")
    assert order.index("appreciative-design") < order.index("action-learning-launch")
    assert order.index("measures-and-run-charts") < order.index("model-for-improvement-launch")
    first_participative = min(i for i, s in enumerate(p.sessions) if s.emphasis == "participative")
    assert order.index("clarifying-expectations") < first_participative


def test_one_adviser_on_one_day_a_week_starts_every_set_by_giving_up_a_last_meeting():
    """Four sets, one adviser, Tuesdays only: the fourth set starts a week later with the
    adviser and meets three times, rather than four times with nobody to start it."""

    def tuesdays(data):
        data["programme"].update(weeks=14, session_days=["tue"], set_cadence_weeks=3)
        data["programme"]["contact_hours"] = 18
        data["stakeholders"][1]["count"] = 8
        data["stakeholders"][2]["count"] = 8

    p = assemble(spec_of(tuesdays, stage="performing", culture=[]))
    assert len(p.sets) == 4
    assert all(s.adviser_meetings >= 1 for s in p.sets)
    assert min(len(s.meetings) for s in p.sets) == 3
    booked = [(s.facilitator, d) for s in p.sets for d in s.meetings[: s.adviser_meetings]]
    assert len(booked) == len(set(booked))


def test_a_holding_aim_tests_ways_to_keep_the_gains_and_cycles_keep_to_working_days():
    def hold(data):
        data["tasks"][0]["aim"] = "Hold the delay at or below 2 days through 2027"
        data["programme"]["start"] = "2027-03-02"  # Good Friday and Easter Monday fall inside

    p = assemble(spec_of(hold))
    [plan] = p.pdsa
    assert "hold a level already reached" in plan.run_chart
    assert "a way to keep the gains" in plan.cycles[0].prompt
    assert "stay where it is" in plan.cycles[0].prediction
    bank = holidays.country_holidays("GB", subdiv="ENG", years=[2027])
    for c in plan.cycles:
        assert c.start.weekday() < 5 and c.start not in bank, c
        assert c.end.weekday() < 5 and c.end not in bank, c
    moving = assemble(spec_of())
    assert "hold a level" not in moving.pdsa[0].run_chart


def test_the_top_teams_own_session_is_not_led_by_one_of_their_colleagues():
    def two(data):
        data["facilitators"] = [
            {"name": "Inside One", "organisation": "trust"},
            {"name": "Outside Two", "organisation": "council"},
        ]

    p = assemble(spec_of(two, top_team_effective=False))
    [senior] = [s for s in p.sessions if s.module == "senior-team-as-a-team"]
    assert senior.facilitators[0] == "Outside Two"  # the executives all work for the trust


def test_nothing_falls_in_the_christmas_and_new_year_break():
    def winter(data):
        data["programme"].update(
            start="2027-11-02", weeks=16, session_days=["mon", "tue", "wed", "thu", "fri"]
        )

    p = assemble(spec_of(winter))
    break_days = {dt.date(2027, 12, 24) + dt.timedelta(n) for n in range(9)}
    days = [s.date for s in p.sessions] + [d for st in p.sets for d in st.meetings]
    days += [c.start for x in p.pdsa for c in x.cycles] + [c.end for x in p.pdsa for c in x.cycles]
    assert days and not set(days) & break_days
    assert not {t.date for t in p.evaluation.timepoints} & break_days

    def no_holidays(data):
        winter(data)
        data["programme"]["holidays"] = "none"

    open_all = assemble(spec_of(no_holidays))
    days = [d for st in open_all.sets for d in st.meetings] + [s.date for s in open_all.sessions]
    assert set(days) & break_days  # the break is kept with the bank holidays, off with them


def test_ctrl_c_while_the_budget_solver_runs_stops_the_plan(monkeypatch):
    """OR-Tools takes Ctrl-C for itself and returns without a solution; the plan stops as
    Python stops on Ctrl-C, not with a failed check."""
    from ortools.linear_solver import pywraplp

    def interrupted(solver):
        return pywraplp.Solver.NOT_SOLVED

    def budget(data):
        data["programme"]["contact_hours"] = 6

    spec = spec_of(budget, culture=["siloed"], top_team_effective=False)
    monkeypatch.setattr(pywraplp.Solver, "Solve", interrupted)
    with pytest.raises(KeyboardInterrupt):
        assemble(spec)
