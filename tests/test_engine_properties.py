"""Property tests: any valid spec plans without crashing and keeps the engine's rules."""

from __future__ import annotations

import datetime as dt
import json

import holidays
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progen.design.assemble import assemble
from progen.design.participants import expand_participants
from progen.errors import UserError
from progen.publish.programme_json import programme_json
from progen.spec.load import parse
from progen.validation import check_document

LEVELS = ["top-team", "senior", "middle", "frontline", "community"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
REGIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}


@st.composite
def specs(draw) -> dict:
    orgs = [
        {"id": f"org{i}", "name": f"Org {i}", "kind": "acute-trust", "location": f"L{i}"}
        for i in range(draw(st.integers(1, 4)))
    ]
    groups = []
    for i in range(draw(st.integers(1, 7))):
        group = {
            "id": f"g{i}",
            "name": f"Group {i}s",
            "organisation": draw(st.sampled_from(orgs))["id"],
            "level": draw(st.sampled_from(LEVELS)),
            "count": draw(st.integers(1, 14)),
        }
        if draw(st.booleans()):
            group["location"] = draw(st.sampled_from(["A", "B", "C"]))
        groups.append(group)
    ids = [g["id"] for g in groups]
    for group in groups:
        others = [i for i in ids if i != group["id"]]
        if others:
            group["depends_on"] = draw(st.lists(st.sampled_from(others), unique=True, max_size=3))
    tasks = [
        {
            "id": f"t{i}",
            "title": f"Task {i}",
            "aim": "Improve",
            "topic": draw(st.sampled_from(["x", "y", None])) or "z",
            "stakeholders": draw(st.lists(st.sampled_from(ids), min_size=1, unique=True)),
        }
        for i in range(draw(st.integers(1, 3)))
    ]
    weeks = draw(st.integers(8, 60))
    low = draw(st.integers(3, 6))
    return {
        "version": 1,
        "programme": {
            "id": "prop",
            "title": "Property",
            "weeks": weeks,
            "start": (dt.date(2027, 1, 1) + dt.timedelta(draw(st.integers(0, 700)))).isoformat(),
            "session_days": draw(
                st.lists(st.sampled_from(DAYS), min_size=1, max_size=4, unique=True)
            ),
            "holidays": draw(st.sampled_from([*REGIONS, "none"])),
            "contact_hours": draw(st.integers(3, 60)),
            "set_size": [low, low + draw(st.integers(0, 4))],
            "set_cadence_weeks": draw(st.integers(1, min(6, weeks // 2))),
        },
        "context": {
            "stage": draw(st.sampled_from(["early", "improving", "performing"])),
            "team_working": {"real_teams": draw(st.integers(0, 100))},
            "top_team_effective": draw(st.booleans()),
            "culture": draw(
                st.lists(
                    st.sampled_from(["siloed", "blame", "fatigued", "innovative"]), unique=True
                )
            ),
        },
        "organisations": orgs,
        "tasks": tasks,
        "stakeholders": groups,
        "facilitators": [{"name": f"Adviser {i}"} for i in range(draw(st.integers(0, 3)))],
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_any_valid_spec_plans_within_the_rules(data):
    try:
        spec, _ = check_document(parse("prop.yaml", yaml.safe_dump(data).encode()))
        programme = assemble(spec)
    except UserError as err:
        assert all(p.line >= 1 and p.column >= 1 and p.message for p in err.problems)
        return
    prog = spec.programme
    bank = holidays.country_holidays(
        "GB",
        subdiv=REGIONS.get(prog.holidays, "ENG"),
        years=range(prog.start.year, prog.end.year + 1),
    )
    dates = [s.date for s in programme.sessions] + [d for s in programme.sets for d in s.meetings]
    for day in dates:
        assert prog.start <= day <= prog.end
        assert DAYS[day.weekday()] in prog.session_days and day not in prog.blackout
        assert prog.holidays == "none" or day not in bank
    for group in spec.stakeholders:
        minutes = sum(s.minutes for s in programme.sessions if group.id in s.audience)
        assert minutes <= prog.contact_hours * 60
    placed = sorted((m for s in programme.sets for m in s.members), key=repr)
    assert placed == sorted(expand_participants(spec), key=repr)
    booked = []
    for s in programme.sets:
        assert prog.set_size[0] <= len(s.members) <= prog.set_size[1]
        assert (s.facilitator is None) == (s.adviser_meetings == 0)
        booked += [(s.facilitator, d) for d in s.meetings[: s.adviser_meetings]]
    assert len(booked) == len(set(booked))
    assert {p.task for p in programme.pdsa} == {t.id for t in spec.tasks}
    assert json.loads(programme_json(programme))["id"] == "prop"
