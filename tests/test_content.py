"""What a board and a facilitator read: evidence as the sources say it, plans that agree
with the programme they sit in, culture tags that change the design, prose without YAML
paths, and every form a session or the evaluation names printed in the handbook."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine import BUNDLED, first, modules, spec_of
from test_engine_properties import specs
from test_site import SPEC_PATH

from progen.design import thresholds as t
from progen.design.assemble import assemble
from progen.design.bibliography import bibliography
from progen.design.budget import minimum_contact_hours
from progen.design.catalogue import load_catalogue
from progen.design.diagnose import diagnose
from progen.design.evaluation import FORMS, LICENSED, LICENSED_PAGE
from progen.design.rationale import core_reasons
from progen.errors import UserError
from progen.publish.pdf import handbook_html
from progen.spec.load import parse
from progen.spec.validate import read_spec
from progen.spec.where import SourceMap
from progen.validation import check_document
from progen.wording import number_word

HLM_DIMENSIONS = (
    "Inspiring shared purpose",
    "Leading with care",
    "Evaluating information",
    "Connecting our service",
    "Sharing the vision",
    "Engaging the team",
    "Holding to account",
    "Developing capability",
    "Influencing for results",
)
RC_DIMENSIONS = ("frequent", "timely", "accurate", "problem-solving", "shared goals",
                 "shared knowledge", "mutual respect")  # fmt: skip
# How plans refer to other sessions; none may appear unless that session runs.
REFERENCES = {
    "pdsa-clinic": ("PDSA clinic",),
    "learning-session": ("next learning session", "Learning sessions review"),
    "sharing-event": ("the sharing event",),
    "relational-coordination": ("relational-coordination session", "relational-coordination work"),
    "appreciative-design": ("Design and Destiny session", "the Design session"),
    "appreciative-discovery": ("appreciative inquiry sessions",),
    "team-reflexivity": ("team-reflexivity sessions",),
    "measures-and-run-charts": ("measures session",),
}


def everything(p) -> str:
    """All the prose the engine writes for a programme: findings, reasons and plans."""
    parts = [f.text for f in p.diagnosis.findings]
    parts += [line for s in p.sessions for line in s.rationale] + [s.plan for s in p.sessions]
    return "\n".join(parts)


def plan(p, module: str) -> str:
    return " ".join(first(p, module).plan.split())


# Evidence


def test_every_bibliography_entry_is_complete_and_every_cited_key_is_in_it():
    refs = bibliography()
    for key, ref in refs.items():
        assert all(ref.get(k) for k in ("authors", "year", "title", "source")), key
        assert re.fullmatch(r"[a-z-]+-\d{4}", key) and key.endswith(ref["year"]), key
    for module in load_catalogue():
        assert set(module.evidence) <= set(refs), module.id
    for reason in core_reasons().values():
        assert reason["evidence"] and set(reason["evidence"]) <= set(refs)
    assert "Destiny" in refs["cooperrider-2005"]["note"]
    assert "seven dimensions" in refs["gittell-2009"]["note"]
    assert refs["edmondson-1999"]["source"] == "Administrative Science Quarterly 44(2):350-383"


def test_the_4d_cycle_ends_in_destiny():
    p = assemble(spec_of(culture=["blame"]))
    finding = next(f for f in p.diagnosis.findings if f.id == "appreciative")
    assert "Discovery, Dream, Design and Destiny" in finding.text
    assert "**Destiny.**" in first(p, "appreciative-design").plan
    assert "Design and Destiny" in plan(p, "appreciative-discovery")
    assert "Design and Deliver" not in everything(p)
    assert "Deliver" not in everything(p).replace("call the fourth stage Deliver", "")


def test_relational_coordination_has_its_seven_dimensions():
    p = assemble(spec_of())
    finding = next(f for f in p.diagnosis.findings if f.id == "multi-organisation")
    assert all(d in finding.text for d in RC_DIMENSIONS)
    assert "seven dimensions" in finding.text
    rc = plan(p, "relational-coordination")
    assert "seven dimensions" in rc and "six" not in rc
    measure = next(
        m for lv in p.evaluation.levels for m in lv.measures if m.name == "Relational coordination"
    )
    assert "seven dimensions" in measure.instrument


def test_reinertsen_is_cited_only_for_what_the_white_paper_says():
    p = assemble(spec_of(top_team_effective=False))
    text = everything(p)
    assert "do not work as an effective team" not in text
    finding = next(f for f in p.diagnosis.findings if f.id == "top-team-ineffective")
    assert "leverage points" in finding.text and "theory, not a tested method" in finding.text
    assert "this programme's own interpretation" in finding.text


def test_the_real_team_threshold_is_called_a_design_default_not_evidence():
    p = assemble(spec_of(team_working={"in_teams": 90, "real_teams": 35}))
    finding = next(f for f in p.diagnosis.findings if f.id == "low-real-teams")
    assert f"below {t.REAL_TEAMS_THRESHOLD}%" in finding.text
    assert "a design default, not a threshold from the research" in finding.text


def test_every_always_held_module_gives_a_reason_with_evidence():
    for module in load_catalogue():
        if not module.all_of and not module.any_of:
            assert module.id in core_reasons(), module.id


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_session_cites_evidence_and_no_reason_names_the_tool(path):
    p = assemble(read_spec(path))
    for s in p.sessions:
        assert s.evidence and set(s.evidence) <= set(p.references), s.id
    assert "progen" not in everything(p).lower()


# Culture tags


def test_a_hierarchical_culture_brings_psychological_safety():
    p = assemble(spec_of(culture=["hierarchical"]))
    session = first(p, "psychological-safety")
    assert "edmondson-1999" in session.evidence
    assert "hierarchical" in session.rationale[0] and "Edmondson (1999)" in session.rationale[0]
    assert "psychological-safety" not in modules(assemble(spec_of()))


def test_innovative_and_supportive_cultures_are_strengths_participative_work_builds_on():
    p = assemble(spec_of(stage="performing", culture=["innovative", "supportive"]))
    finding = next(f for f in p.diagnosis.findings if f.id == "strengths")
    assert finding.facts[0].words == "The culture is described as innovative and supportive"
    participative = [s for s in p.sessions if s.emphasis == "participative"]
    assert participative
    for s in participative:
        assert "anderson-1998" in s.evidence
        assert any("builds on strengths in the culture" in line for line in s.rationale)
    plain = assemble(spec_of(stage="performing"))
    assert not plain.diagnosis.has("strengths")


# Text from the plan


def test_plans_state_the_programmes_own_cadence():
    def five(data):
        data["programme"]["set_cadence_weeks"] = 5

    p = assemble(spec_of(five))
    assert "every five weeks" in plan(p, "action-learning-launch")
    assert "every five weeks" in plan(p, "programme-launch")
    assert "every four weeks" not in everything(p)


def _big(advisers: int):
    def change(data):
        data["stakeholders"][2]["count"] = 20
        data["stakeholders"][3]["count"] = 15
        data["facilitators"] = [{"name": f"Adviser {i}"} for i in range(advisers)]

    return change


def test_too_few_advisers_never_promise_an_adviser_in_each_set():
    p = assemble(spec_of(_big(2)))
    assert len(p.sets) > 2
    launch = plan(p, "action-learning-launch")
    assert "a set adviser in each set" not in launch
    assert f"the two set advisers moving between the {number_word(len(p.sets))} sets" in launch
    many = assemble(spec_of(_big(10)))
    assert "with a set adviser in each set" in plan(many, "action-learning-launch")
    none = assemble(spec_of(_big(0)))
    assert "no set advisers" in plan(none, "action-learning-launch")
    alone = plan(none, "self-managed-sets")
    assert "no set advisers" in alone
    for promise in ("with its adviser", "The adviser withdraws", "adviser's contact details"):
        assert promise not in alone


@pytest.mark.parametrize("tight", [False, True])
def test_minutes_per_member_come_from_the_sessions_real_length(tight):
    hours = minimum_contact_hours(spec_of(), load_catalogue()) if tight else 30

    def budget(data):
        data["programme"]["contact_hours"] = hours

    p = assemble(spec_of(budget))
    launch = first(p, "action-learning-launch")
    round_minutes = next(a.minutes for a in launch.agenda if a.item.startswith("First round"))
    largest = max(len(s.members) for s in p.sets)
    each = round_minutes // largest
    text = plan(p, "action-learning-launch")
    assert f"In a set of {number_word(largest)}, each member in turn has about " in text
    assert f"about {number_word(each)} minutes" in text
    assert "twelve minutes" not in text or each == 12


def test_re_contracting_matches_the_sets_real_meetings():
    def short(data):
        data["programme"]["weeks"] = 20

    p = assemble(spec_of(short))
    counts = sorted({len(s.meetings) for s in p.sets})
    assert counts[-1] < t.SET_LIFETIME_MEETINGS
    launch = plan(p, "action-learning-launch")
    assert f"each set meets {_times(counts[0], counts[-1])}" in launch
    assert f"fewer than the {number_word(t.SET_LIFETIME_MEETINGS)} meetings" in launch
    assert "after 6 meetings" not in everything(p)


def _times(low: int, high: int) -> str:
    if low == high:
        return {1: "once", 2: "twice"}.get(low, f"{number_word(low)} times")
    joiner = " or " if high == low + 1 else " to "
    return f"{number_word(low)}{joiner}{number_word(high)} times"


def test_the_stage_emphasis_in_plans_is_the_programmes_own():
    performing = assemble(spec_of(stage="performing"))
    text = everything(performing)
    assert "shift from a clarifying, directive emphasis" not in text
    assert "participative from the start" in plan(performing, "participative-leadership")
    improving = assemble(spec_of(stage="improving"))
    assert "moves during the programme" in plan(improving, "participative-leadership")


def _check_references(p) -> None:
    running = {s.module for s in p.sessions}
    for s in p.sessions:
        for module, phrases in REFERENCES.items():
            if module not in running:
                for phrase in phrases:
                    assert phrase.lower() not in s.plan.lower(), (s.id, module, phrase)
        assert "{{" not in s.plan and "{%" not in s.plan


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_plans_refer_only_to_sessions_that_run(path):
    _check_references(assemble(read_spec(path)))
    collaborative = assemble(read_spec(path))
    if collaborative.diagnosis.has("collaborative"):
        assert "pdsa-clinic" not in modules(collaborative)


@st.composite
def plannable(draw) -> dict:
    """Generated specs that (nearly always) plan: groups of at least six, sets of 3 to 10,
    a budget and a calendar with room for the essential sessions, so the property below is
    checked on programmes, not on validation errors."""
    data = draw(specs())
    data["programme"]["set_size"] = [3, 10]
    # room for every essential session: this property is about the plans' text
    data["programme"]["contact_hours"] = 60
    data["programme"]["weeks"] = max(data["programme"]["weeks"], 20)
    data["programme"]["session_days"] = ["mon", "tue", "wed", "thu"]
    for group in data["stakeholders"]:
        group["count"] = max(group["count"], 6)
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plannable())
def test_generated_programmes_keep_their_plans_and_evidence_true(data):
    try:
        spec, _ = check_document(parse("prop.yaml", yaml.safe_dump(data).encode()))
    except UserError as err:  # rare: a task whose people other tasks' sets all need
        assert "needed by other tasks" in err.problems[0].message
        return
    p = assemble(spec)
    _check_references(p)
    for s in p.sessions:
        assert s.evidence and set(s.evidence) <= set(p.references), s.id
    if "action-learning-launch" in modules(p) and p.sets:
        launch = plan(p, "action-learning-launch")
        weeks = p.spec.programme.set_cadence_weeks
        assert ("every week" if weeks == 1 else f"every {number_word(weeks)} weeks") in launch
        promised = "with a set adviser in each set" in launch
        assert promised == (len(p.spec.facilitators) >= len(p.sets))


# Untrusted module bodies


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ facts.nope }}", "facts has no attribute 'nope'"),
        ("{% for x in [1, 2] %}{{ x }}{% endfor %}", "'for' is not allowed"),
        ("{% macro m() %}{% endmacro %}", "'macro' is not allowed"),
        ('{{ "x" * 100000 }}', "a number or text in the plan is too large"),
        ('{{ "a".upper() }}', "cannot be called here"),
        ("{{ ''.__class__ }}", "unsafe"),
        ("{{ 1 // 0 }}", "division"),
        ('{{ minutes("No such item") }}', "no agenda item starts with 'No such item'"),
        ('{{ title("psychological-safety") }}', "does not run in this programme"),
        ("{% if %}", "Expected an expression"),
        ("{{ x | center(9) }}", "no filter named 'center'"),
    ],
)
def test_a_broken_plan_in_a_users_module_is_a_located_error(tmp_path, body, message):
    source = (Path(load_catalogue()[0].source)).read_text("utf-8")
    front, _, _ = source[4:].partition("\n---\n")
    module = tmp_path / "programme-launch.md"
    module.write_text(f"---\n{front}\n---\n\n## Purpose\n\nFine so far.\n{body}\n", "utf-8")
    assert load_catalogue()[0].id == "programme-launch"
    with pytest.raises(UserError) as err:
        assemble(spec_of(), modules_dir=tmp_path)
    (problem,) = err.value.problems
    body_line = front.count("\n") + 1 + 2 + 1  # '---', front matter, '---', blank line
    assert (problem.file, problem.line) == (str(module), body_line + 4)
    assert message in problem.message


# Prose for a board


def test_findings_keep_their_facts_paths_and_lines_for_the_derivation():
    lines = BUNDLED[0].read_text("utf-8").splitlines()
    spec = read_spec(BUNDLED[0])
    for finding in diagnose(spec).findings:
        assert not SPEC_PATH.search(finding.text)
        for fact in finding.facts:
            assert fact.line and fact.column, fact
            key = fact.path.rsplit(".", 1)[-1].split("[")[0]
            assert lines[fact.line - 1][fact.column - 1 :].startswith(key), fact
            assert not SPEC_PATH.search(fact.words)
    in_memory = replace(spec, where=SourceMap(spec.source))  # a spec with no file behind it
    assert all(x.line is None for f in diagnose(in_memory).findings for x in f.facts)


def _handbook_body(p) -> str:
    page = handbook_html(p)
    page = page[page.index("<body>") :]
    page = re.sub(r'<section class="chapter" id="derivation">.*?</section>', "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_handbook_body_names_no_yaml_path_and_not_the_tool(path):
    p = assemble(read_spec(path))
    text = _handbook_body(p)
    assert "progen" not in text.lower()
    assert not SPEC_PATH.search(text), SPEC_PATH.search(text)
    assert not re.search(r"\b1 (sessions|action-learning sets|PDSA plans)\b", text)
    assert "Appendix: how this programme was derived" in handbook_html(p)


# Instruments supplied


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_form_the_evaluation_names_is_printed_and_licensed_ones_are_named(path):
    p = assemble(read_spec(path))
    text = _handbook_body(p)
    instruments = [m.instrument for lv in p.evaluation.levels for m in lv.measures]
    for instrument in instruments:
        if "(in the handbook)" in instrument:
            assert any(name in instrument for name in FORMS.values()), instrument
    for key in ("feedback", "questionnaire", "real-team", "action-log", "pdsa", "data-plan",
                "set-contract"):  # fmt: skip
        assert FORMS[key] in text, key
    for name in LICENSED.values():
        assert name in text
    assert LICENSED_PAGE in text and "Relational Coordination Collaborative" in text
    assert all(d in text for d in HLM_DIMENSIONS)
    assert "self-assessment tool and its 360° feedback tool are the official instruments" in text
    running = modules(p)
    assert (FORMS["team-charter"] in text) == bool(
        {"real-team-check", "team-reflexivity", "senior-team-as-a-team"} & set(running)
    )
    assert (FORMS["rc-grid"] in text) == ("relational-coordination" in running)


def _behaviour(p) -> list[str]:
    (level,) = [lv for lv in p.evaluation.levels if lv.level == "behaviour"]
    return [m.instrument for m in level.measures]


@pytest.mark.parametrize("per_group", [4, 14])
def test_licensed_instruments_are_in_proportion_to_the_programme(per_group):
    """The Relational Coordination Survey always; the 360° tool and the Team Climate
    Inventory only from LICENSED_FROM_PEOPLE participants, with the reason given below it;
    the handbook's licensed page names exactly the ones used."""

    def sized(data):
        for g in data["stakeholders"]:
            g["count"] = per_group
            g.pop("people", None)

    p = assemble(spec_of(sized))
    people = sum(len(s.members) for s in p.sets)
    large = people >= t.LICENSED_FROM_PEOPLE
    used = ("rc", "tci", "hlm-360") if large else ("rc",)
    assert p.evaluation.licensed == used
    instruments = " ".join(_behaviour(p))
    for key, name in LICENSED.items():
        assert (name in instruments) == (key in used), key
    assert bool(p.evaluation.proportion) == (not large)
    page = handbook_html(p)
    table = page[page.index('<table class="form licensed">') :]
    table = html.unescape(table[: table.index("</table>")])
    for key, name in LICENSED.items():
        assert (f"<td>{name}</td>" in table) == (key in used), key


def test_a_speak_up_culture_measures_psychological_safety():
    for culture, measured in ((["blame"], True), (["hierarchical"], True), (["siloed"], False)):
        p = assemble(spec_of(culture=culture))
        found = [i for i in _behaviour(p) if "psychological safety scale" in i]
        assert bool(found) == measured, culture


def test_a_licensed_instrument_the_organisers_add_is_named_with_the_others():
    def added(data):
        data.setdefault("evaluation", {})["measures"] = [
            {"name": "Team climate", "source": "Team Climate Inventory", "level": "behaviour"}
        ]
        for g in data["stakeholders"]:
            g["count"] = 4
            g.pop("people", None)

    p = assemble(spec_of(added))
    assert p.evaluation.licensed == ("rc", "tci")
    assert "Add the Healthcare Leadership Model 360° feedback tool under" in p.evaluation.proportion
    assert "Team Climate Inventory under" not in p.evaluation.proportion
    page = handbook_html(p)
    table = html.unescape(page[page.index('<table class="form licensed">') :])
    table = table[: table.index("</table>")]
    assert f"<td>{LICENSED['tci']}</td>" in table
    assert f"<td>{LICENSED['hlm-360']}</td>" not in table


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_overview_totals_the_time_away_for_the_board(path):
    """Every participant's taught sessions and set meetings added up, staff and community
    members apart, so the organisers can plan and cost the cover."""
    from progen.design.participants import expected_at
    from progen.publish.render import Helpers

    p = assemble(read_spec(path))
    level = {g.id: g.level for g in p.spec.stakeholders}
    minutes = {s.id: s.minutes for s in p.sessions}
    totals = {"staff": 0, "community": 0}
    for event, people in expected_at(p).items():
        for _, group in people:
            kind = "community" if level[group] == "community" else "staff"
            totals[kind] += minutes.get(event, 0)
    for aset in p.sets:
        for m in aset.members:
            kind = "community" if m.level == "community" else "staff"
            totals[kind] += aset.minutes * len(aset.meetings)
    said = Helpers(p).time_in_all()
    assert f"about {round(totals['staff'] / 60):,} hours of staff time" in said
    if totals["community"]:
        assert f"about {round(totals['community'] / 60):,} hours of community members' time" in said
    assert said in html.unescape(handbook_html(p))
