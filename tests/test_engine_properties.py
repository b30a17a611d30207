"""Property tests: any plannable spec plans without crashing and keeps the engine's rules."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter

import holidays
import yaml
from conftest import most_minutes
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


def split(draw, total: int, parts: int) -> list[int]:
    """`total` as `parts` positive whole numbers (total >= parts)."""
    cuts = sorted(
        draw(
            st.lists(st.integers(1, total - 1), min_size=parts - 1, max_size=parts - 1, unique=True)
        )
    )
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


@st.composite
def specs(draw) -> dict:
    """Specs that can be planned by construction: each task's people fill a whole number of
    sets within set_size (drawn set by set), and a group shared with the next task counts
    towards this task's sets, so putting its people here always works."""
    low = draw(st.integers(3, 6))
    high = low + draw(st.integers(0, 4))
    orgs = [
        {"id": f"org{i}", "name": f"Org {i}", "kind": "acute-trust", "location": f"L{i}"}
        for i in range(draw(st.integers(1, 4)))
    ]
    groups: list[dict] = []
    tasks: list[dict] = []
    for t in range(draw(st.integers(1, 3))):
        people = sum(draw(st.lists(st.integers(low, high), min_size=1, max_size=3)))
        sizes = split(draw, people, draw(st.integers(1, min(3, people))))
        first = len(groups)
        for size in sizes:
            group = {
                "id": f"g{len(groups)}",
                "name": f"Group {len(groups)}s",
                "organisation": draw(st.sampled_from(orgs))["id"],
                "level": draw(st.sampled_from(LEVELS)),
                "count": size,
            }
            if draw(st.booleans()):
                group["location"] = draw(st.sampled_from(["A", "B", "C"]))
            groups.append(group)
        tasks.append(
            {
                "id": f"t{t}",
                "title": f"Task {t}",
                "aim": "Improve",
                "topic": draw(st.sampled_from(["x", "y", "z"])),
                "stakeholders": [g["id"] for g in groups[first:]],
            }
        )
    for t, task in enumerate(tasks[:-1]):
        if draw(st.booleans()):  # one of this task's groups also serves the next task
            tasks[t + 1]["stakeholders"].append(draw(st.sampled_from(task["stakeholders"])))
    if draw(st.booleans()):  # a group in no task: no set, only sessions not for a task
        groups.append(
            {
                "id": f"g{len(groups)}",
                "name": "Onlookers",
                "organisation": "org0",
                "level": draw(st.sampled_from(LEVELS)),
                "count": draw(st.integers(1, 9)),
            }
        )
    ids = [g["id"] for g in groups]
    for group in groups:
        others = [i for i in ids if i != group["id"]]
        if others:
            group["depends_on"] = draw(st.lists(st.sampled_from(others), unique=True, max_size=3))
    weeks = draw(st.integers(16, 60))
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
            # room for the programme's spine (about 12 to 22 hours: its launches, the PDSA
            # clinics, the closing event and what the findings promise); a smaller budget is
            # a validation error, tested in test_warnings.py
            "contact_hours": draw(st.integers(24, 60)),
            "set_size": [low, high],
            # a cadence the weeks hold at least four times, so sets can meet twice or more
            # between forming and the close (fewer is a validation error, in test_warnings)
            "set_cadence_weeks": draw(st.integers(1, min(6, max(1, weeks // 4)))),
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


def _refusal(problem) -> str:
    """What a located refusal of a plannable spec says, or fail: the kinds validation
    documents for a spec the generator made."""
    assert problem.file == "prop.yaml" and problem.line >= 1 and problem.column >= 1
    if problem.path == "programme.contact_hours":  # a budget below the spine's minimum
        assert "the smallest budget that fits is " in problem.message, problem
        return "budget too small"
    assert problem.path in ("programme.weeks", "programme.blackout"), problem.headline()
    if "action-learning sets can meet only once" in problem.message:
        return "sets meet once"
    assert "open session days" in problem.message, problem
    return "too few open days"


def plan_and_check(data: dict) -> str:
    """Plan a generated spec and check the engine's rules on the result: 'planned', or the
    refusals a plannable spec can meet (its calendar cannot hold the sessions, or its budget
    the programme's spine), which must be the located errors validation documents. Anything else
    fails: the generator only makes valid, plannable specs."""
    try:
        spec, _ = check_document(parse("prop.yaml", yaml.safe_dump(data).encode()))
    except UserError as err:
        # a budget below the spine's minimum and a calendar too short may come together
        return " and ".join(_refusal(problem) for problem in err.problems)
    programme = assemble(spec)
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
        minutes = most_minutes(programme, group.id)
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
    return "planned"


def test_property_tests_draw_the_same_examples_on_every_run():
    """conftest's profile: derandomised (always in CI) unless someone asked to explore."""
    exploring = os.environ.get("HYPOTHESIS_PROFILE") == "explore" and not os.environ.get("CI")
    assert settings.default.derandomize is not exploring
    assert settings.default.deadline is None and settings.default.print_blob


def test_plannable_specs_plan_within_the_rules():
    outcomes: Counter[str] = Counter()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specs())
    def check(data):
        outcomes[plan_and_check(data)] += 1

    check()
    assert outcomes["planned"] >= 0.9 * sum(outcomes.values()), outcomes
