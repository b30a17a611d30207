"""Set meetings, advisers and what the handbook says about them, as properties over generated
specs and on the readers' cases.

Each property is checked from the programme alone (its sessions, calendar and spec), not
from the planner's own helpers, so a planner that computed its window wrongly would fail.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections import Counter

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from progen.design import thresholds as t
from progen.design import venues
from progen.design.assemble import assemble
from progen.design.calendar import programme_calendar, working_day
from progen.design.participants import expand_participants
from progen.design.set_plan import set_list
from progen.errors import UserError
from progen.publish.programme_json import programme_dict
from progen.publish.tables import sets_csv
from progen.spec.load import parse
from progen.spec.validate import validate_document
from progen.validation import check_document

LEVELS = ["top-team", "senior", "middle", "frontline", "community"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
DAY = dt.timedelta(days=1)


@st.composite
def spec_data(draw) -> dict:
    """A spec whose tasks have people enough for sets: groups of 2 to 12 in 1 to 4
    organisations, every task with at least two groups."""
    orgs = [
        {"id": f"org{i}", "name": f"Org {i}", "kind": "acute-trust", "location": f"Place {i}"}
        for i in range(draw(st.integers(1, 4)))
    ]
    groups = [
        {
            "id": f"g{i}",
            "name": f"Group {i}s",
            "organisation": draw(st.sampled_from(orgs))["id"],
            "level": draw(st.sampled_from(LEVELS)),
            "count": draw(st.integers(2, 12)),
        }
        for i in range(draw(st.integers(2, 8)))
    ]
    ids = [g["id"] for g in groups]
    for group in groups:
        others = [i for i in ids if i != group["id"]]
        group["depends_on"] = draw(st.lists(st.sampled_from(others), unique=True, max_size=2))
    tasks = [
        {
            "id": f"t{i}",
            "title": f"Task {i}",
            "aim": "Improve",
            "stakeholders": draw(st.lists(st.sampled_from(ids), min_size=2, unique=True)),
        }
        for i in range(draw(st.integers(1, 3)))
    ]
    weeks = draw(st.integers(12, 60))
    low = draw(st.integers(3, 5))
    return {
        "version": 1,
        "programme": {
            "id": "sets",
            "title": "Sets",
            "weeks": weeks,
            "start": (dt.date(2027, 1, 4) + dt.timedelta(draw(st.integers(0, 700)))).isoformat(),
            "session_days": draw(
                st.lists(st.sampled_from(WEEKDAYS), min_size=2, max_size=4, unique=True)
            ),
            "holidays": draw(st.sampled_from(["england-and-wales", "scotland", "none"])),
            "contact_hours": draw(st.integers(18, 60)),
            "set_size": [low, low + draw(st.integers(2, 4))],
            "set_cadence_weeks": draw(st.integers(1, min(6, weeks // 3))),
        },
        "context": {
            "stage": draw(st.sampled_from(["early", "improving", "performing"])),
            "top_team_effective": draw(st.booleans()),
        },
        "organisations": orgs,
        "tasks": tasks,
        "stakeholders": groups,
        "facilitators": [
            {"name": f"Adviser {i}", "organisation": draw(st.sampled_from(orgs))["id"]}
            for i in range(draw(st.integers(0, 4)))
        ],
    }


def programme_of(data: dict):
    try:
        spec, _ = check_document(parse("sets.yaml", yaml.safe_dump(data).encode()))
        return assemble(spec)
    except UserError:
        assume(False)  # a spec the generator could not make valid: drawn again


def set_window(p):
    """(launch, open days after it and before the closing event) as the programme shows them."""
    calendar = programme_calendar(p.spec.programme)
    launch = next(
        (s.date for s in p.sessions if s.module == "action-learning-launch"),
        calendar.start - DAY,
    )
    closing = min((s.date for s in p.sessions if s.phase == "close"), default=calendar.end + DAY)
    return launch, [d for d in calendar.open_days if launch < d < closing]


def free_days(p, aset, days):
    """The open days on which none of the set's members is in a taught session at the set's
    time (a session that ends with a break before the set starts leaves the afternoon)."""
    groups = {m.stakeholder for m in aset.members}

    def minutes(clock: str) -> int:
        return int(clock[:2]) * 60 + int(clock[3:])

    afternoon = minutes(p.spec.programme.set_start) - t.SET_AFTER_SESSION_BREAK
    busy = {s.date for s in p.sessions if groups & set(s.audience) and minutes(s.end) > afternoon}
    return [d for d in days if d not in busy]


def longest_chain(free, first, shortest):
    """Most meetings from `first` with at least `shortest` days between them."""
    count, last = 1, first
    for day in free:
        if (day - last).days >= shortest:
            count, last = count + 1, day
    return count


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(spec_data())
def test_sets_keep_their_people_rules(data):
    p = programme_of(data)
    spec = p.spec
    placed = Counter(m for s in p.sets for m in s.members)
    assert placed == Counter(expand_participants(spec)), "everyone in exactly one set"
    low, high = spec.programme.set_size
    tasks = {task.id: task for task in spec.tasks}
    for task in spec.tasks:
        mine = [s for s in p.sets if s.task == task.id]
        everyone = [m for s in mine for m in s.members]
        tops = sum(m.level == "top-team" for m in everyone)
        largest = max(Counter(m.organisation for m in everyone).values(), default=0)
        for s in mine:
            assert low <= len(s.members) <= high
            assert all(m.stakeholder in tasks[s.task].stakeholders for m in s.members)
            assert sum(m.level == "top-team" for m in s.members) <= math.ceil(tops / len(mine))
            if largest <= len(everyone) - len(mine):
                assert len({m.organisation for m in s.members}) > 1


@PROPERTY
@given(spec_data())
def test_set_meetings_keep_the_calendar_the_cadence_and_the_advisers(data):
    p = programme_of(data)
    launch, days = set_window(p)
    cadence = 7 * p.spec.programme.set_cadence_weeks
    shortest = max(7, cadence - 7)
    booked = Counter()
    for s in p.sets:
        free = free_days(p, s, days)
        assert list(s.meetings) == sorted(set(s.meetings))
        assert set(s.meetings) <= set(free), "open, after the launch, before the close, no clash"
        if not free:
            assert not s.meetings
            continue
        soon = [d for d in free if d <= launch + dt.timedelta(t.SET_START_WINDOW_DAYS)]
        if s.adviser_meetings:  # a later start, within two cadences, can be what frees one
            reach = max(t.SET_START_WINDOW_DAYS, 2 * cadence)
            assert s.meetings[0] in [d for d in free if d <= launch + dt.timedelta(reach)]
        else:
            assert s.meetings[0] in soon if soon else s.meetings[0] == free[0]
        for a, b in zip(s.meetings, s.meetings[1:], strict=False):
            assert (b - a).days >= shortest
            if (b - a).days > cadence + 7:  # only when no day within a week of it was free
                assert not [d for d in free if shortest <= (d - a).days <= cadence + 7]
        could = min(t.SET_MINIMUM_MEETINGS, longest_chain(free, free[0], shortest))
        # an advised set may give up its last meeting to start with an adviser, keeping three
        given_up = 1 if s.adviser_meetings and could > 3 else 0
        assert len(s.meetings) >= could - given_up
        advisers = [m.adviser for m in s.schedule]
        attended = [a for a in advisers if a]
        assert advisers[: len(attended)] == attended, "an adviser starts the set, then leaves"
        assert len(set(attended)) <= 1 and s.facilitator == advisers[0]
        assert s.adviser_meetings == len(attended)
        assert all(m.start == p.spec.programme.set_start for m in s.schedule)
        booked.update((m.adviser, m.date) for m in s.schedule if m.adviser)
    assert all(n == 1 for n in booked.values()), "no adviser with two sets on one day"


@PROPERTY
@given(spec_data())
def test_set_notes_say_what_the_sets_do(data):
    p = programme_of(data)
    notes = " ".join(p.set_notes)
    lifetime = t.SET_LIFETIME_MEETINGS
    if f"After {lifetime} meetings a set re-contracts" in notes:
        assert all(len(s.meetings) > lifetime for s in p.sets)
    if "Each set re-contracts at its last meeting" in notes:
        assert all(len(s.meetings) <= lifetime for s in p.sets)
    alone = [s.id for s in p.sets if s.meetings and not s.adviser_meetings]
    if p.spec.facilitators:
        assert ("from the start" in notes) == bool(alone)
        assert not alone or f"{set_list(alone)} manage" in notes
    else:
        assert "names no set advisers" in notes and not any(s.facilitator for s in p.sets)
    counts = sorted({len(s.meetings) for s in p.sets if s.meetings})
    if counts:
        times = f"{counts[0]} to {counts[-1]} times" if len(counts) > 1 else f"{counts[0]} time"
        assert times in notes
    single = [s for s in p.sets if len({m.organisation for m in s.members}) == 1]
    assert ("at least two organisations" in notes) == (not single)


def test_advisers_start_every_set_when_the_days_allow():
    p = assemble(validate_document(parse("a.yaml", yaml.safe_dump(STAGGER).encode())))
    assert len(p.sets) == 6
    assert all(s.adviser_meetings >= t.ADVISER_SUPPORTED_MEETINGS for s in p.sets)
    assert len({s.meetings[0] for s in p.sets}) >= 3, "first meetings on different days"
    assert "from the start" not in " ".join(p.set_notes)
    assert "set-1 to set-6 have an adviser at their first 2 meetings" in " ".join(p.set_notes)


def test_schedule_in_json_and_csv():
    p = assemble(validate_document(parse("a.yaml", yaml.safe_dump(STAGGER).encode())))
    data = json.loads(json.dumps(programme_dict(p)))
    for s, aset in zip(data["action_learning_sets"], p.sets, strict=True):
        assert [m["date"] for m in s["schedule"]] == s["meetings"]
        assert s["facilitator"] == s["schedule"][0]["adviser"] == aset.facilitator
        # no venues in the spec: a set meets where its members are based, room to be arranged
        assert {m["venue"] for m in s["schedule"]} <= {
            f"{x['location']} (room to be arranged)" for x in s["members"]
        }
        assert {m["start"] for m in s["schedule"]} == {"13:30"}
    rows = list(csv.DictReader(io.StringIO(sets_csv(p).decode("utf-8-sig"), newline="")))
    third = p.sets[2]
    shown = next(r for r in rows if r["set"] == third.id)["meetings (adviser)"]
    assert shown.startswith(f"{third.meetings[0].isoformat()} ({third.facilitator})")
    assert shown.endswith(f"{third.meetings[-1].isoformat()} (self-managed)")


def test_a_set_meeting_four_times_says_it_re_contracts_at_its_last():
    data = json.loads(json.dumps(STAGGER))
    data["programme"]["weeks"] = 26
    p = assemble(validate_document(parse("a.yaml", yaml.safe_dump(data).encode())))
    assert all(4 <= len(s.meetings) <= t.SET_LIFETIME_MEETINGS for s in p.sets)
    notes = " ".join(p.set_notes)
    assert "re-contracts at its last meeting" in notes
    assert f"After {t.SET_LIFETIME_MEETINGS} meetings" not in notes


# Two advisers, six sets, three session days a week: room to start every set with one.
STAGGER = {
    "version": 1,
    "programme": {
        "id": "stagger",
        "title": "Stagger",
        "start": "2027-01-12",
        "weeks": 40,
        "session_days": ["tue", "wed", "thu"],
        "set_size": [5, 6],
    },
    "context": {"stage": "improving", "top_team_effective": True},
    "organisations": [
        {"id": "trust", "name": "Trust", "kind": "acute-trust", "location": "Town"},
        {"id": "council", "name": "Council", "kind": "local-authority", "location": "City"},
        {"id": "gp", "name": "GPs", "kind": "primary-care", "location": "Village"},
    ],
    "tasks": [
        {
            "id": "flow",
            "title": "Flow",
            "aim": "Faster discharge",
            "stakeholders": ["execs", "managers", "nurses", "social", "gps"],
        }
    ],
    "stakeholders": [
        {
            "id": "execs",
            "name": "Executives",
            "organisation": "trust",
            "level": "top-team",
            "count": 4,
        },
        {
            "id": "managers",
            "name": "Ward managers",
            "organisation": "trust",
            "level": "middle",
            "count": 8,
        },
        {
            "id": "nurses",
            "name": "Nurses",
            "organisation": "trust",
            "level": "frontline",
            "count": 8,
        },
        {
            "id": "social",
            "name": "Social workers",
            "organisation": "council",
            "level": "frontline",
            "count": 8,
        },
        {"id": "gps", "name": "GPs", "organisation": "gp", "level": "senior", "count": 5},
    ],
    "facilitators": [
        {"name": "Adviser One", "organisation": "trust"},
        {"name": "Adviser Two", "organisation": "council"},
    ],
}


@PROPERTY
@given(spec_data())
def test_each_set_owns_a_ramp_of_tests_studied_at_its_own_meetings(data):
    """PDSA runs as parallel ramps: one per set of the task, each studied at that set's
    meetings after the task's Model for Improvement launch; rounds follow on without gaps
    or overlaps, the first within a week of the launch."""
    p = programme_of(data)
    closed = programme_calendar(p.spec.programme).closed
    for plan in p.pdsa:
        mine = [s for s in p.sets if s.task == plan.task]
        launch = next(
            s.date
            for s in p.sessions
            if s.module == "model-for-improvement-launch" and s.task == plan.task
        )
        assert [r.set for r in plan.ramps] == [s.id for s in mine]
        for ramp, s in zip(plan.ramps, mine, strict=True):
            assert ramp.adviser == s.facilitator
            assert ramp.reviews == tuple(d for d in s.meetings if d > launch)
        first_week = working_day(launch + dt.timedelta(days=t.FIRST_TEST_DAYS), closed)
        assert launch < plan.cycles[0].start <= plan.cycles[0].end == first_week
        for a, b in zip(plan.cycles, plan.cycles[1:], strict=False):
            assert a.start <= a.end < b.start <= b.end
            # each later round ends once every set that meets again has studied it
            for s in mine:
                if any(d > a.end for d in s.meetings):
                    assert any(a.end < d <= b.end for d in s.meetings) or b is plan.cycles[-1]
        who = "Each set" if len(mine) > 1 else "The set"
        assert all(c.prompt.startswith(who) for c in plan.cycles[1:])
        assert "launch" in plan.cycles[0].prompt


@PROPERTY
@given(spec_data())
def test_the_notes_say_where_several_sets_need_rooms_at_once(data):
    """A set works in private: where sets meet at one venue at once, the notes say so,
    with the number of rooms, so the organisers book one for each."""
    p = programme_of(data)
    together = Counter((m.date, m.start, m.venue) for s in p.sets for m in s.schedule if m.venue)
    shared = sorted((key, n) for key, n in together.items() if n > 1)
    notes = " ".join(p.set_notes)
    assert ("book a room for each" in notes) == bool(shared)
    for (day, _, _), n in shared[: venues.ROOM_DAYS_NAMED]:
        assert f"{n} on {day:%a %-d %b %Y} at " in notes


@PROPERTY
@given(spec_data())
def test_the_notes_name_the_sets_where_grades_of_one_organisation_meet(data):
    """Rank in the room (grades of one organisation with no stated hand-off between them) is
    kept out where the rules allow; where it is not, the notes name those sets, and only
    those, with how the adviser contracts for it."""
    p = programme_of(data)
    notes = " ".join(p.set_notes)
    depends = {(g.id, d) for g in p.spec.stakeholders for d in g.depends_on}
    staff = ("top-team", "senior", "middle", "frontline")

    def rank(a, b) -> bool:
        return (
            a.organisation == b.organisation
            and a.level != b.level
            and a.level in staff
            and b.level in staff
            and not {(a.stakeholder, b.stakeholder), (b.stakeholder, a.stakeholder)} & depends
        )

    mixed = [s.id for s in p.sets if any(rank(a, b) for a in s.members for b in s.members)]
    assert ("that could not be avoided" in notes) == bool(mixed)
    if mixed:
        assert f"In {set_list(mixed)} that could not be avoided" in notes
