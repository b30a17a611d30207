"""Example tests for the taught-session pipeline (audience rules, budget, order, schedule),
one for each fault the readers of issue 9 found, on small specs written for each."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import most_minutes

from progen.design.assemble import assemble
from progen.design.budget import minimum_contact_hours
from progen.design.catalogue import load_catalogue
from progen.design.participants import participant_groups
from progen.design.schedule import calendar_problems
from progen.design.sessions import audience_of
from progen.errors import UserError
from progen.publish.programme_json import programme_json
from progen.spec.load import parse
from progen.spec.model import Spec
from progen.spec.validate import read_spec, validate_document

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "templates" / "modules"

BASE = {
    "version": 1,
    "programme": {"id": "demo", "title": "Demo", "start": "2027-01-12", "weeks": 30},
    "context": {
        "stage": "early",
        "team_working": {"in_teams": 90, "real_teams": 60},
        "top_team_effective": True,
    },
    "organisations": [
        {"id": "trust", "name": "Trust", "kind": "acute-trust", "location": "Town"},
        {"id": "council", "name": "Council", "kind": "local-authority", "location": "City"},
        {"id": "forum", "name": "Carers' forum", "kind": "voluntary", "location": "Town"},
    ],
    "tasks": [
        {
            "id": "flow",
            "title": "Flow",
            "aim": "Faster discharge",
            "stakeholders": ["execs", "managers", "nurses", "social", "carers"],
        },
        {
            "id": "home",
            "title": "First week home",
            "aim": "Safer first week",
            "stakeholders": ["nurses", "social", "carers"],
        },
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
        },
        {
            "id": "carers",
            "name": "Family carers",
            "organisation": "forum",
            "level": "community",
            "count": 4,
        },
    ],
}


def spec_of(change=None, **context) -> Spec:
    data = copy.deepcopy(BASE)
    data["context"].update(context)
    if change:
        change(data)
    return validate_document(parse("demo.yaml", yaml.safe_dump(data, sort_keys=False).encode()))


def hours(spec: Spec, contact_hours: float) -> Spec:
    return replace(spec, programme=replace(spec.programme, contact_hours=contact_hours))


def minimum(spec: Spec, modules: Path | None = None) -> float:
    return minimum_contact_hours(spec, load_catalogue(modules))


def sessions_of(p, module: str):
    return [s for s in p.sessions if s.module == module]


def minutes_of(p, group: str) -> int:
    return most_minutes(p, group)


def override(folder: Path, module: str, **front) -> None:
    """A user copy of a built-in module with some front-matter lines replaced or added."""
    text = (MODULES / f"{module}.md").read_text("utf-8")
    head, body = text[4:].split("\n---\n", 1)
    for key, value in front.items():
        line = f"{key}: {value}"
        head, found = re.subn(rf"(?m)^{key}: .*$", line, head)
        if not found:
            head += "\n" + line
    (folder / f"{module}.md").write_text(f"---\n{head}\n---\n{body}", "utf-8")


def test_a_tight_budget_never_leaves_a_session_for_part_of_its_audience():
    # Family carers attend few sessions, so the old per-group fitting gave them "Culture and
    # meaning" alone once the staff's hours ran out.
    spec = spec_of(culture=["siloed"])
    low = minimum(spec)
    for budget in (low, low + 2, low + 5):
        p = assemble(hours(spec, budget))
        for s in p.sessions:
            assert s.audience == audience_of(spec, s.audience_rule), s.title
        for group in ("execs", "managers", "nurses", "social", "carers"):
            assert minutes_of(p, group) <= budget * 60
    p = assemble(hours(spec, low))
    assert not sessions_of(p, "culture-and-meaning")
    [left] = [o for o in p.omitted if o.module == "culture-and-meaning"]
    assert left.cause == "budget" and not left.essential
    assert re.fullmatch(
        rf"left out to keep within {low:g} contact hours; it would need \d+ more minutes for "
        r"[A-Z][a-z ]+.*",
        left.reason,
    )
    assert "Family carers" not in left.reason  # they have room; the staff do not


def test_a_second_pdsa_clinic_runs_only_after_the_first_and_for_the_same_people():
    spec = spec_of()
    for budget in (minimum(spec), minimum(spec) + 3, 40):
        p = assemble(hours(spec, budget))
        for task in ("flow", "home"):
            clinics = [s for s in sessions_of(p, "pdsa-clinic") if s.task == task]
            assert [s.occurrence for s in clinics] in ([], [1], [1, 2])
            if budget == 40:
                assert len(clinics) == 2
            if len(clinics) == 2:
                assert clinics[0].audience == clinics[1].audience
                assert clinics[0].date < clinics[1].date
                assert clinics[0].id in clinics[1].follows


def test_appreciative_design_never_runs_without_discovery_and_is_for_everyone(tmp_path):
    # Make discovery the cheaper session to drop: design is then worth more on its own, but
    # it builds on discovery, so it runs only with it.
    # A user's copies may make the cycle optional here (the built-in ones are essential in
    # a blaming culture): essential only when performing, which this early system is not.
    override(tmp_path, "appreciative-discovery", priority=4, essential_when="[stage-performing]")
    override(tmp_path, "appreciative-design", essential_when="[stage-performing]")
    spec = spec_of(culture=["blame"])
    for budget in (minimum(spec, tmp_path), minimum(spec, tmp_path) + 2, 40):
        p = assemble(hours(spec, budget), tmp_path)
        design = sessions_of(p, "appreciative-design")
        discovery = sessions_of(p, "appreciative-discovery")
        assert len(design) <= len(discovery)
        for s in design:
            assert s.audience == tuple(g.id for g in spec.stakeholders)
            assert discovery[0].id in s.follows and discovery[0].date < s.date
    p = assemble(hours(spec, minimum(spec, tmp_path)), tmp_path)
    assert not sessions_of(p, "appreciative-discovery")
    [left] = [o for o in p.omitted if o.module == "appreciative-design"]
    assert left.cause == "requires"
    assert left.reason.startswith("it builds on Appreciative inquiry: discovering")


def test_team_reflexivity_is_dropped_with_the_team_check_it_builds_on(tmp_path):
    override(tmp_path, "real-team-check", priority=5)
    spec = spec_of(team_working={"real_teams": 30})
    for budget in (minimum(spec, tmp_path) + 4, 40):
        p = assemble(hours(spec, budget), tmp_path)
        assert len(sessions_of(p, "team-reflexivity")) <= 2 * len(sessions_of(p, "real-team-check"))
    p = assemble(hours(spec, minimum(spec, tmp_path)), tmp_path)
    assert not sessions_of(p, "real-team-check")
    assert not sessions_of(p, "team-reflexivity")
    left = [o for o in p.omitted if o.module == "team-reflexivity"]
    assert [o.cause for o in left] == ["requires", "requires"]
    assert left[0].reason == (
        "it builds on Real teams: the three questions and a team charter, which does not run"
    )


def test_running_our_own_set_is_for_every_set_member_after_their_second_meetings():
    spec = read_spec(ROOT / "programmes" / "examples" / "westmoor-discharge.yaml")
    p = assemble(spec)
    [own] = sessions_of(p, "self-managed-sets")
    assert own.audience == participant_groups(spec)
    assert all(own.date > s.meetings[1] for s in p.sets)
    members = {m.stakeholder for s in p.sets if own.date in s.meetings for m in s.members}
    assert not members & set(own.audience)
    assert own.date < sessions_of(p, "sharing-event")[0].date


def test_the_smallest_budget_keeps_every_pdsa_clinic():
    """The clinics are where PDSA cycles are studied (Langley et al. 2009): they belong to
    the programme's spine, so the smallest budget that validates holds both for each task,
    and a budget below it is refused rather than planned without them."""
    spec = spec_of()
    p = assemble(hours(spec, minimum(spec)))  # the programme's spine and no more
    assert not [o for o in p.omitted if o.module == "pdsa-clinic"]
    assert len([s for s in p.sessions if s.module == "pdsa-clinic"]) == 2 * len(spec.tasks)


def test_minimum_contact_hours_is_the_smallest_half_hour_budget_that_fits():
    spec = spec_of(culture=["fatigued"], top_team_effective=False, team_working={"real_teams": 20})
    low = minimum(spec)
    assert low * 2 == int(low * 2)
    fits = assemble(hours(spec, low))
    assert not [o for o in fits.omitted if o.essential]
    short = assemble(hours(spec, low - 0.5))
    assert any(o.essential and o.cause == "budget" for o in short.omitted)


def test_an_improving_system_keeps_its_promised_participative_shift():
    spec = spec_of(stage="improving")
    for budget in (minimum(spec), 40):
        p = assemble(hours(spec, budget))
        [shift] = sessions_of(p, "participative-leadership")
        assert all(s.date < shift.date for s in sessions_of(p, "clarifying-expectations"))
    assert sessions_of(p, "clarifying-expectations")


def test_the_action_learning_launch_leaves_time_for_four_set_meetings_in_twenty_weeks():
    spec = spec_of(lambda d: d["programme"].update(weeks=20, contact_hours=40))
    p = assemble(spec)
    [launch] = sessions_of(p, "action-learning-launch")
    [closing] = sessions_of(p, "sharing-event")
    assert launch.date <= spec.programme.start + dt.timedelta(weeks=6)
    assert closing.date - launch.date >= dt.timedelta(weeks=3 * 4 + 2)
    assert all(s.meetings and max(s.meetings) < closing.date for s in p.sets)
    assert p.sessions[-1] == closing


def test_a_group_in_no_task_joins_the_sessions_for_everyone_and_its_level():
    def spare(data):
        data["stakeholders"].append(
            {
                "id": "leaders",
                "name": "Locality leaders",
                "organisation": "council",
                "level": "senior",
                "count": 2,
            }
        )

    p = assemble(spec_of(spare))
    joined = {s.module for s in p.sessions if "leaders" in s.audience}
    assert joined == {
        s.module
        for s in p.sessions
        if s.audience_rule.who == "everyone"
        or (
            s.audience_rule.who == "levels"
            and not s.task
            and not s.audience_rule.set_members
            and "senior" in s.audience_rule.levels
        )
    }
    assert "leaders" not in sessions_of(p, "action-learning-launch")[0].audience  # no set
    assert {"programme-launch", "sharing-event"} <= joined
    assert all(m.stakeholder != "leaders" for s in p.sets for m in s.members)


def test_programme_json_gives_each_session_its_audience_rule():
    p = assemble(spec_of())
    data = json.loads(programme_json(p))
    rules = {(s["module"], s["task"]): s["audience_rule"] for s in data["sessions"]}
    assert rules["programme-launch", None] == {"who": "everyone"}
    assert rules["model-for-improvement-launch", "home"] == {"who": "task", "task": "home"}
    assert rules["pdsa-clinic", "flow"] == {
        "who": "levels",
        "levels": ["senior", "middle", "frontline", "community"],
        "task": "flow",
    }
    assert rules["engaging-line-managers", None] == {
        "who": "levels",
        "levels": ["middle"],
        "line_managers": True,
    }
    home = next(
        s
        for s in data["sessions"]
        if s["module"] == "model-for-improvement-launch" and s["task"] == "home"
    )
    assert home["audience"] == ["nurses", "social", "carers"]


def test_too_few_open_days_because_of_blackouts_is_located_at_the_blackout():
    def closed(data):
        start = dt.date(2027, 1, 12)  # a Tuesday; sixteen of the twenty Tuesdays are closed
        data["programme"].update(
            weeks=20,
            session_days=["tue"],
            blackout=[(start + dt.timedelta(weeks=w)).isoformat() for w in range(4, 20)],
        )

    spec = spec_of(closed)
    [(path, message)] = calendar_problems(spec, load_catalogue())
    assert path == "programme.blackout"
    assert message.startswith("the programme has 4 open session days")
    assert "remove some blackout dates" in message
    assert (
        calendar_problems(spec_of(lambda d: d["programme"].update(weeks=20)), load_catalogue())
        == []
    )


def test_order_rules_that_go_round_in_a_circle_are_a_catalogue_error(tmp_path):
    override(tmp_path, "programme-launch", after="[sharing-event]")
    with pytest.raises(UserError) as err:
        load_catalogue(tmp_path)
    [problem] = err.value.problems
    assert problem.path == "after" and "go round in a circle" in problem.message
    assert "programme-launch after sharing-event" in problem.message


def test_requiring_an_unknown_module_is_a_catalogue_error(tmp_path):
    override(tmp_path, "team-reflexivity", requires="[real-team-chek]")
    with pytest.raises(UserError) as err:
        load_catalogue(tmp_path)
    assert [p.message for p in err.value.problems] == ["'real-team-chek' is not a module id"]


def test_a_finding_whose_work_the_budget_left_out_says_so():
    spec = spec_of(team_working={"real_teams": 20})
    tight = assemble(hours(spec, minimum(spec)))
    [finding] = [f for f in tight.diagnosis.findings if f.id == "low-real-teams"]
    assert not sessions_of(tight, "real-team-check")
    assert "not run in this programme" in finding.text
    roomy = assemble(hours(spec, 60))
    [finding] = [f for f in roomy.diagnosis.findings if f.id == "low-real-teams"]
    assert sessions_of(roomy, "real-team-check")
    assert "does not run" not in finding.text


def test_each_session_names_the_findings_that_chose_it_even_after_a_note_is_added():
    spec = spec_of(culture=["blame"], team_working={"real_teams": 20})
    p = assemble(hours(spec, 40))
    for s in p.sessions:
        module = next(m for m in load_catalogue() if m.id == s.module)
        chosen = {f.id for f in p.diagnosis.findings if f.id in module.chosen_by}
        assert chosen <= set(s.findings), s.title
    assert any("appreciative" in s.findings for s in p.sessions)


def test_a_member_of_a_group_in_two_tasks_attends_their_own_tasks_sessions_only():
    """Tywi's GP leads, social workers and carers each serve both tasks: each member comes
    to the task sessions of the task their set serves, to every whole-programme session,
    and to no other task's sessions, so their hours are one task's, not the sum."""
    from progen.design.participants import expected_at, tasks_served

    p = assemble(read_spec(Path("programmes/examples/tywi-home-first.yaml")))
    serves = tasks_served(p.spec)
    set_task = {(m.name, m.stakeholder): st.task for st in p.sets for m in st.members}
    expected = expected_at(p)
    split = [g for g, tasks in serves.items() if len(tasks) > 1]
    assert split
    seen_tasks = set()
    for s in p.sessions:
        for g in s.audience:
            if g not in split:
                continue
            names = {n for n, grp in expected[s.id] if grp == g}
            mine = {n for (n, grp), task in set_task.items() if grp == g}
            if s.task is None:
                assert names == mine
            else:
                seen_tasks.add(s.task)
                assert names == {n for n in mine if set_task[(n, g)] == s.task}
                assert len(names) < len(mine)
    assert len(seen_tasks) == 2


def test_a_blaming_culture_keeps_its_appreciative_start_at_the_smallest_budget():
    """Appreciative inquiry is essential where the culture calls for it: the smallest budget
    that validates holds the whole cycle, before any accountability work."""
    spec = spec_of(culture=["blame"])
    p = assemble(hours(spec, minimum(spec)))
    [discovery] = sessions_of(p, "appreciative-discovery")
    [design] = sessions_of(p, "appreciative-design")
    later = [s for s in p.sessions if s.module in ("accountability-and-escalation",)]
    assert all(design.date < s.date for s in later)
    assert discovery.date < design.date


def test_engaging_leadership_is_for_the_middle_managers_who_manage_someone_here():
    """Ward managers manage the trust's nurses, who take part; a commissioning team of
    middle grade with none of its own staff in the programme manages no one here."""

    def commissioners(data):
        data["organisations"].append(
            {"id": "icb", "name": "ICB", "kind": "commissioner", "location": "City"}
        )
        data["stakeholders"].append(
            {
                "id": "icb-leads",
                "name": "Commissioning leads",
                "organisation": "icb",
                "level": "middle",
                "count": 2,
            }
        )
        data["tasks"][0]["stakeholders"].append("icb-leads")

    p = assemble(hours(spec_of(commissioners), 60))
    [session] = [s for s in p.sessions if s.module == "engaging-line-managers"]
    assert session.audience == ("managers",)
    assert session.audience_rule.as_json()["line_managers"] is True
    assert "Commissioning leads" not in " ".join(f.text for f in p.diagnosis.findings)


def test_a_tight_budget_keeps_the_huddles_before_team_reflexivity():
    """Cross-boundary huddles are the most direct way the people who depend on each other
    keep talking after the programme: where the budget cannot hold both, reflexivity goes."""
    from test_engine import spec_of as engine_spec

    def tight(data):
        data["programme"]["contact_hours"] = 24

    team = {"in_teams": 90, "real_teams": 30}
    p = assemble(engine_spec(tight, culture=["siloed"], top_team_effective=True, team_working=team))
    running = {s.module for s in p.sessions}
    left = {o.module for o in p.omitted}
    assert "boundary-spanning-huddles" in running
    assert "team-reflexivity" in left
