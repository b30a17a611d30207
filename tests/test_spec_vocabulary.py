"""What a real system needs to say: nations, venues, start times, new organisation kinds,
a measure's direction and how to name a group's members; and errors that teach."""

from __future__ import annotations

import pytest
from conftest import VALID, swap

from progen.design.evaluation import evaluation_plan
from progen.design.participants import expand_participants, placeholder
from progen.spec.model import Stakeholder


def with_programme(extra: str) -> str:
    return swap(VALID, "  weeks: 26\n", "  weeks: 26\n" + extra)


@pytest.mark.parametrize(
    ("extra", "nation", "holidays"),
    [
        ("", "england", "england-and-wales"),
        ("  nation: wales\n", "wales", "england-and-wales"),
        ("  nation: scotland\n", "scotland", "scotland"),
        ("  nation: northern-ireland\n", "northern-ireland", "northern-ireland"),
        ("  holidays: scotland\n", "scotland", "scotland"),
        ("  holidays: northern-ireland\n", "northern-ireland", "northern-ireland"),
        ("  holidays: none\n", "england", "none"),
        ("  nation: wales\n  holidays: none\n", "wales", "none"),
    ],
)
def test_nation_and_holidays_follow_each_other(spec, extra, nation, holidays):
    built = spec(with_programme(extra)).programme
    assert (built.nation, built.holidays) == (nation, holidays)


@pytest.mark.parametrize(
    ("nation", "survey"),
    [
        ("england", "NHS Staff Survey"),
        ("wales", "NHS Wales staff survey"),
        ("scotland", "iMatter"),
        ("northern-ireland", "HSC staff survey"),
    ],
)
def test_the_staff_survey_follows_the_nation(spec, nation, survey):
    built = spec(with_programme(f"  nation: {nation}\n"))
    plan = evaluation_plan(built, (), (), ())
    results = next(level for level in plan.levels if level.level == "results")
    morale = next(m for m in results.measures if m.name.startswith("Staff motivation"))
    assert morale.instrument.startswith(survey)
    # the council in VALID runs no NHS survey of its own: it is named, with its own survey
    assert "Our County Council: their own staff survey" in morale.instrument
    learning = next(level for level in plan.levels if level.level == "learning")
    framework = learning.measures[0].instrument
    assert ("written for the NHS in England" in framework) == (nation != "england")


def test_venues_and_times_are_read(spec):
    text = with_programme('  venue: hq\n  session_start: "10:00"\n  set_start: "14:00"\n') + (
        "venues:\n  - {id: hq, name: Education centre, address: Carmarthen SA31 2AF}\n"
        "  - {id: teams, name: Online (Teams), online: true}\n"
    )
    text = swap(text, "    kind: local-authority\n", "    kind: health-board\n    venue: teams\n")
    built = spec(text)
    assert built.programme.venue == "hq"
    assert (built.programme.session_start, built.programme.set_start) == ("10:00", "14:00")
    assert built.venue("teams").online and built.venue("hq").address == "Carmarthen SA31 2AF"
    assert built.organisation("council").kind == "health-board"
    assert built.organisation("council").venue == "teams"


def test_an_unknown_venue_is_located_with_a_suggestion(headlines):
    text = with_programme("  venue: hqq\n") + "venues:\n  - {id: hq, name: Education centre}\n"
    assert headlines(text) == [
        "spec.yaml:7:10: programme.venue: 'hqq' is not a known venue id (did you mean 'hq'?); "
        "known: hq"
    ]


def test_a_venue_named_with_no_venues_listed_says_so(headlines):
    text = swap(VALID, "    kind: local-authority\n", "    kind: local-authority\n    venue: x\n")
    assert headlines(text) == [
        "spec.yaml:17:12: organisations[1].venue: 'x' is not a known venue id; "
        "the spec lists no venues yet"
    ]


def test_a_clock_time_must_be_quoted_and_valid(headlines):
    (line,) = headlines(with_programme('  session_start: "25:00"\n'))
    assert line.startswith("spec.yaml:7:18: programme.session_start:")


def test_holidays_wales_suggests_the_right_value(headlines):
    (line,) = headlines(with_programme("  holidays: wales\n"))
    assert line.endswith("(did you mean 'england-and-wales'?)")


def test_a_scalar_where_a_list_is_expected_shows_the_list_form(headlines):
    (line,) = headlines(
        swap(VALID, "  stage: early\n", "  stage: early\n  culture: hierarchical\n")
    )
    assert line.endswith("write a list, even of one item: culture: [hierarchical]")


@pytest.mark.parametrize(
    ("measure", "improvement"),
    [
        ("{name: delay, baseline: 6, target: 2}", "decrease"),
        ("{name: contacts, baseline: 40, target: 90}", "increase"),
        ("{name: delay, baseline: 6}", "neutral"),
        ("{name: delay, baseline: 6, target: 6}", "neutral"),
        ("{name: delay, baseline: 6, target: 2, improvement: neutral}", "neutral"),
        ("{name: waits, improvement: decrease}", "decrease"),
    ],
)
def test_a_measure_says_which_way_is_better(spec, measure, improvement):
    text = swap(
        VALID,
        "    stakeholders: [ward-managers, social-workers]\n",
        f"    measure: {measure}\n    stakeholders: [ward-managers, social-workers]\n",
    )
    assert spec(text).tasks[0].measure.improvement == improvement


@pytest.mark.parametrize(
    ("name", "person", "expected"),
    [
        ("Ward managers", None, "Ward manager"),
        ("Ward sisters and hospital manager", None, "Ward sister"),
        ("GPs, practice nurses and pharmacists", None, "GP"),
        ("Family carers", None, "Family carer"),
        ("Crisis team", None, "Crisis team member"),
        ("Secretaries", None, "Secretary"),
        ("Matron", None, "Matron"),
        ("Ward sisters and hospital manager", "ward sister", "Ward sister"),
        ("Integrated locality team", "locality lead", "Locality lead"),
    ],
)
def test_placeholder_names_are_one_person(name, person, expected):
    group = Stakeholder("g", name, "o", "middle", "", 3, (), (), person)
    assert placeholder(group) == expected


def test_the_spec_names_placeholders(spec):
    text = swap(VALID, "    count: 7\n", "    count: 7\n    person: ward sister\n")
    names = [p.name for p in expand_participants(spec(text)) if p.stakeholder == "ward-managers"]
    assert names[:2] == ["Ward sister 1", "Ward sister 2"]
