"""Validation: schema problems and the checks a schema cannot express, worded and located
exactly as SPEC.md §2 promises, all of them in one run; and the defaults a valid spec gets."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SHOWN, VALID, base, dump, swap

from progen.errors import UserError

ID_RULE = (
    "is not a valid id: use lowercase letters, digits and hyphens, starting with a letter "
    "or digit, at most 63 characters"
)
PROGRAMME_KEYS = (
    "blackout, contact_hours, holidays, id, nation, session_days, session_start, "
    "set_cadence_weeks, set_size, set_start, start, title, venue, weeks"
)


def test_the_base_spec_is_valid(problems):
    assert problems(VALID) == []
    assert problems(dump(base())) == []


# ── schema problems ──────────────────────────────────────────────────────────────────


def test_spec_example_wrong_enum_with_did_you_mean(headlines):
    text = swap(VALID, "  stage: early", "  stage: erly")
    assert headlines(text) == [
        f"{SHOWN}:8:10: context.stage: 'erly' is not one of early, improving, performing "
        "(did you mean 'early'?)"
    ]


def test_wrong_enum_in_a_list_item(headlines):
    text = swap(VALID, "    level: middle", "    level: midle")
    assert headlines(text) == [
        f"{SHOWN}:26:12: stakeholders[0].level: 'midle' is not one of top-team, senior, "
        "middle, frontline, community (did you mean 'middle'?)"
    ]


def test_wrong_enum_with_nothing_close_has_no_suggestion(headlines):
    text = swap(VALID, "    level: middle", "    level: xyz")
    assert headlines(text) == [
        f"{SHOWN}:26:12: stakeholders[0].level: 'xyz' is not one of top-team, senior, "
        "middle, frontline, community"
    ]


def test_unknown_key_with_did_you_mean_at_the_key(headlines):
    text = swap(VALID, "  weeks: 26", "  weeks: 26\n  sesion_days: [mon]")
    assert headlines(text) == [
        f"{SHOWN}:7:3: programme.sesion_days: unknown key 'sesion_days' "
        f"(did you mean 'session_days'?); allowed here: {PROGRAMME_KEYS}"
    ]


def test_unknown_top_level_key(headlines):
    assert headlines(VALID + "stakeholder: []\n") == [
        f"{SHOWN}:33:1: stakeholder: unknown key 'stakeholder' (did you mean 'stakeholders'?); "
        "allowed here: context, evaluation, facilitators, organisations, programme, "
        "stakeholders, tasks, venues, version"
    ]


def test_several_unknown_keys_in_one_mapping_each_at_its_own_line(headlines):
    text = swap(VALID, "    count: 7", "    cuont: 6\n    count: 6\n    levl: senior")
    assert headlines(text) == [
        f"{SHOWN}:27:5: stakeholders[0].cuont: unknown key 'cuont' (did you mean 'count'?); "
        "allowed here: count, depends_on, id, level, location, name, organisation, people, person",
        f"{SHOWN}:29:5: stakeholders[0].levl: unknown key 'levl' (did you mean 'level'?); "
        "allowed here: count, depends_on, id, level, location, name, organisation, people, person",
    ]


def test_missing_required_key_is_located_at_its_parent(headlines):
    text = swap(VALID, "  title: Test programme\n", "")
    assert headlines(text) == [
        f"{SHOWN}:2:1: programme: missing required key 'title': "
        "the programme's title as participants will see it."
    ]


def test_missing_required_key_in_a_list_item(headlines):
    text = swap(VALID, "    level: middle\n", "")
    assert headlines(text) == [
        f"{SHOWN}:23:5: stakeholders[0]: missing required key 'level': where the group sits: "
        "top-team, senior, middle, frontline or community (patients, carers, residents)."
    ]


def test_missing_top_level_section(headlines):
    text = swap(VALID, "context:\n  stage: early\n", "")
    assert headlines(text) == [
        f"{SHOWN}:1:1: missing required key 'context': what the local system is like now. "
        "progen reads it to choose the programme's emphasis."
    ]


@pytest.mark.parametrize(
    ("line", "replacement", "expected"),
    [
        (
            "  weeks: 26",
            "  weeks: twenty",
            "6:10: programme.weeks: expected a whole number, got 'twenty'",
        ),
        (
            "  weeks: 26",
            "  weeks: 26.5",
            "6:10: programme.weeks: expected a whole number, got 26.5",
        ),
        (
            "  weeks: 26",
            "  weeks: true",
            "6:10: programme.weeks: expected a whole number, got true",
        ),
        (
            "  weeks: 26",
            "  weeks:",
            "6:9: programme.weeks: expected a whole number, got an empty value",
        ),
        ("  title: Test programme", "  title: 42", "4:10: programme.title: expected text, got 42"),
        (
            "  stage: early",
            "  stage: [early]",
            "8:10: context.stage: a list is not one of early, improving, performing",
        ),
        (
            "context:\n  stage: early",
            "context: early",
            "7:10: context: expected a mapping of keys, got 'early'",
        ),
        ("version: 1", "version: 2", "1:10: version: 2 is not supported; write 1"),
        (
            "    people: [Alex Brown, Sam Green, Jo White]",
            "    people: Alex Brown",
            "32:13: stakeholders[1].people: expected a list, got 'Alex Brown'; write a list, "
            "even of one item: people: [Alex Brown]",
        ),
    ],
)
def test_wrong_type(headlines, line, replacement, expected):
    assert headlines(swap(VALID, line, replacement)) == [f"{SHOWN}:{expected}"]


def test_text_where_a_list_belongs_is_one_problem_not_one_per_character(headlines):
    text = swap(VALID, "[ward-managers, social-workers]", "ward-managers")
    assert headlines(text) == [
        f"{SHOWN}:21:19: tasks[0].stakeholders: expected a list, got 'ward-managers'; "
        "write a list, even of one item: stakeholders: [ward-managers]"
    ]


def test_bad_id_pattern_suggests_a_valid_id(headlines):
    text = swap(VALID, "  id: test-programme", "  id: Test Programme!")
    assert headlines(text) == [
        f"{SHOWN}:3:7: programme.id: 'Test Programme!' {ID_RULE} (did you mean 'test-programme'?)"
    ]


def test_id_with_a_trailing_newline_is_not_valid(headlines):
    # Python's re lets '$' match before a final newline; JSON Schema's '$' does not
    text = swap(VALID, "  id: test-programme", '  id: "test-programme\\n"')
    assert headlines(text) == [
        f"{SHOWN}:3:7: programme.id: 'test-programme\\n' {ID_RULE} (did you mean 'test-programme'?)"
    ]


def test_id_longer_than_63_characters(headlines):
    text = swap(VALID, "  id: test-programme", "  id: " + "a" * 64)
    assert headlines(text) == [f"{SHOWN}:3:7: programme.id: '{'a' * 57}...' {ID_RULE}"]


@pytest.mark.parametrize("date", ["2027-02-30", "2027-13-01", "2027-00-10", "2026-02-29"])
def test_impossible_calendar_date_is_located(headlines, date):
    text = swap(VALID, "  start: 2027-01-12", f"  start: {date}")
    assert headlines(text) == [
        f"{SHOWN}:5:10: programme.start: '{date}' is not a real calendar date; "
        "write YYYY-MM-DD, e.g. 2027-01-12"
    ]


def test_impossible_date_inside_a_list(headlines):
    text = swap(VALID, "  weeks: 26", "  weeks: 26\n  blackout: [2027-04-06, 2027-02-30]")
    assert headlines(text) == [
        f"{SHOWN}:7:26: programme.blackout[1]: '2027-02-30' is not a real calendar date; "
        "write YYYY-MM-DD, e.g. 2027-01-12"
    ]


@pytest.mark.parametrize("date", ["'2027-1-12'", "12/01/2027", "2027-01-12 10:00:00"])
def test_date_in_another_format(headlines, date):
    text = swap(VALID, "  start: 2027-01-12", f"  start: {date}")
    (found,) = headlines(text)
    assert found.startswith(f"{SHOWN}:5:10: programme.start: '")
    assert found.endswith("' is not a real calendar date; write YYYY-MM-DD, e.g. 2027-01-12")


@pytest.mark.parametrize(
    ("line", "replacement", "expected"),
    [
        (
            "  weeks: 26",
            "  weeks: 3",
            "6:10: programme.weeks: 3 is out of range; use a value from 4 to 104",
        ),
        (
            "  weeks: 26",
            "  weeks: 105",
            "6:10: programme.weeks: 105 is out of range; use a value from 4 to 104",
        ),
        (
            "    count: 7",
            "    count: 0",
            "27:12: stakeholders[0].count: 0 is out of range; use a value from 1 to 2000",
        ),
        (
            "    count: 7",
            "    count: 2001",
            "27:12: stakeholders[0].count: 2001 is out of range; use a value from 1 to 2000",
        ),
        (
            "  weeks: 26",
            "  weeks: 26\n  contact_hours: 2.5",
            "7:18: programme.contact_hours: 2.5 is out of range; use a value from 3 to 200",
        ),
    ],
)
def test_out_of_range_number(problems, line, replacement, expected):
    found = [p.headline() for p in problems(swap(VALID, line, replacement))]
    assert f"{SHOWN}:{expected}" in found


def test_out_of_range_set_size_items(headlines):
    text = swap(VALID, "  weeks: 26", "  weeks: 26\n  set_size: [2, 11]")
    assert headlines(text) == [
        f"{SHOWN}:7:14: programme.set_size[0]: 2 is out of range; use a value from 3 to 10",
        f"{SHOWN}:7:17: programme.set_size[1]: 11 is out of range; use a value from 3 to 10",
    ]


def test_set_size_with_one_number(headlines):
    text = swap(VALID, "  weeks: 26", "  weeks: 26\n  set_size: [5]")
    assert headlines(text) == [f"{SHOWN}:7:13: programme.set_size: has 1 item; at least 2 needed"]


def test_empty_and_repeated_lists(headlines):
    assert headlines(swap(VALID, "[ward-managers, social-workers]", "[]")) == [
        f"{SHOWN}:21:19: tasks[0].stakeholders: has 0 items; at least 1 needed"
    ]
    text = swap(VALID, "[ward-managers, social-workers]", "[ward-managers, ward-managers]")
    assert headlines(text) == [
        f"{SHOWN}:21:19: tasks[0].stakeholders: lists 'ward-managers' more than once"
    ]


def test_empty_and_overlong_text(headlines):
    assert headlines(swap(VALID, "  title: Test programme", "  title: ''")) == [
        f"{SHOWN}:4:10: programme.title: must not be empty"
    ]
    assert headlines(swap(VALID, "  title: Test programme", "  title: " + "x" * 201)) == [
        f"{SHOWN}:4:10: programme.title: is 201 characters long; at most 200 allowed"
    ]


# ── checks beyond the schema ───────────────────────────────────────────────────────────


def test_unknown_organisation_reference_with_suggestion(headlines):
    text = swap(VALID, "    organisation: trust", "    organisation: trst")
    assert headlines(text) == [
        f"{SHOWN}:25:19: stakeholders[0].organisation: 'trst' is not a known organisation id "
        "(did you mean 'trust'?); known: trust, council"
    ]


def test_unknown_stakeholder_reference_in_a_task(problems):
    text = swap(VALID, "[ward-managers, social-workers]", "[ward-managers, social-worker]")
    found = [p.headline() for p in problems(text)]
    assert (
        f"{SHOWN}:21:35: tasks[0].stakeholders[1]: 'social-worker' is not a known stakeholder "
        "id (did you mean 'social-workers'?); known: ward-managers, social-workers"
    ) in found


def test_unknown_stakeholder_reference_in_depends_on(headlines):
    text = swap(VALID, "    count: 7", "    count: 7\n    depends_on: [social-worker]")
    assert headlines(text) == [
        f"{SHOWN}:28:18: stakeholders[0].depends_on[0]: 'social-worker' is not a known "
        "stakeholder id (did you mean 'social-workers'?); known: ward-managers, social-workers"
    ]


def test_unknown_facilitator_organisation(headlines):
    text = VALID + "facilitators:\n  - {name: A. Adviser, organisation: trustt}\n"
    assert headlines(text) == [
        f"{SHOWN}:34:38: facilitators[0].organisation: 'trustt' is not a known organisation "
        "id (did you mean 'trust'?); known: trust, council"
    ]


def test_known_list_is_shortened_after_twelve(headlines):
    data = base()
    data["organisations"] += [
        {"id": f"org-{n:02}", "name": f"Org {n}", "kind": "voluntary"} for n in range(12)
    ]
    data["stakeholders"][0]["organisation"] = "org-99"
    (found,) = headlines(dump(data))
    assert found.endswith(
        "'org-99' is not a known organisation id (did you mean 'org-09'?); known: trust, "
        "council, org-00, org-01, org-02, org-03, org-04, org-05, org-06, org-07, org-08, "
        "org-09, ..."
    )


def test_duplicate_ids(headlines):
    text = swap(VALID, "  - id: social-workers", "  - id: ward-managers")
    found = headlines(text)
    assert (
        f"{SHOWN}:28:9: stakeholders[1].id: duplicate id 'ward-managers' (already used at "
        "line 23); ids must be unique"
    ) in found


def test_duplicate_organisation_id_is_listed_once_in_known(headlines):
    text = swap(VALID, "  - id: council", "  - id: trust")
    assert headlines(text) == [
        f"{SHOWN}:14:9: organisations[1].id: duplicate id 'trust' (already used at line 10); "
        "ids must be unique",
        f"{SHOWN}:30:19: stakeholders[1].organisation: 'council' is not a known organisation "
        "id; known: trust",
    ]


def test_same_id_in_different_sections_is_fine(problems):
    data = base()
    data["tasks"][0]["id"] = "trust"
    assert problems(dump(data)) == []


def test_self_dependency(headlines):
    text = swap(VALID, "    count: 7", "    count: 7\n    depends_on: [ward-managers]")
    assert headlines(text) == [
        f"{SHOWN}:28:18: stakeholders[0].depends_on[0]: 'ward-managers' depends on itself; "
        "list the other groups it relies on"
    ]


def test_set_size_min_above_max(headlines):
    text = swap(VALID, "  weeks: 26", "  weeks: 26\n  set_size: [7, 5]")
    assert headlines(text) == [
        f"{SHOWN}:7:13: programme.set_size: the smallest set (7) is larger than the largest "
        "(5); write [5, 7]"
    ]


def test_task_too_small_for_one_set(headlines):
    text = swap(VALID, "    count: 7", "    count: 1")
    assert headlines(text) == [
        f"{SHOWN}:21:19: tasks[0].stakeholders: task 'discharge' has 4 people, too few for one "
        "action-learning set of 5; add stakeholders or lower programme.set_size"
    ]


def test_task_exactly_one_set_is_enough(problems):
    text = swap(VALID, "    count: 7", "    count: 2")  # 2 + 3 named = 5 = set_size min
    assert problems(text) == []


def test_smaller_sets_make_a_small_task_feasible(problems):
    text = swap(VALID, "    count: 7", "    count: 1")
    assert problems(swap(text, "  weeks: 26", "  weeks: 26\n  set_size: [4, 6]")) == []


def test_start_too_late_for_the_calendar(headlines):
    # 9999-11-30 would pass the schema, then overflow every date computed from it
    assert headlines(swap(VALID, "  start: 2027-01-12", "  start: 9999-11-30")) == [
        f"{SHOWN}:5:10: programme.start: '9999-11-30' is too late a start: the programme's "
        "dates would run past the year 9999; check the year"
    ]


def test_start_late_but_plannable(problems):
    assert problems(swap(VALID, "  start: 2027-01-12", "  start: 9990-12-31")) == []


def test_weeks_too_short_for_two_meetings_at_the_cadence(headlines):
    text = swap(VALID, "  weeks: 26", "  weeks: 10\n  set_cadence_weeks: 6")
    assert headlines(text) == [
        f"{SHOWN}:6:10: programme.weeks: 10 weeks leave room for fewer than two set meetings "
        "every 6 weeks; make weeks at least 12 or set_cadence_weeks at most 5"
    ]


def test_weeks_just_long_enough_for_two_meetings(problems):
    assert problems(swap(VALID, "  weeks: 26", "  weeks: 12\n  set_cadence_weeks: 6")) == []


def test_weeks_against_the_default_cadence(headlines):
    assert headlines(swap(VALID, "  weeks: 26", "  weeks: 7")) == [
        f"{SHOWN}:6:10: programme.weeks: 7 weeks leave room for fewer than two set meetings "
        "every 4 weeks; make weeks at least 8 or set_cadence_weeks at most 3"
    ]


def test_count_smaller_than_the_people_named(headlines):
    text = swap(
        VALID,
        "    people: [Alex Brown, Sam Green, Jo White]",
        "    count: 2\n    people: [Alex Brown, Sam Green, Jo White]",
    )
    assert headlines(text) == [
        f"{SHOWN}:32:12: stakeholders[1].count: count is 2 but 3 people are named; "
        "make count at least 3 or leave it out"
    ]


def test_group_with_neither_count_nor_people(problems):
    found = [p.headline() for p in problems(swap(VALID, "    count: 7\n", ""))]
    assert (
        f"{SHOWN}:23:5: stakeholders[0]: give the group a count of people or list their "
        "names under people"
    ) in found


def test_group_problem_is_kept_when_another_key_of_it_is_missing(problems):
    text = swap(VALID, "    count: 7\n", "")
    found = [p.headline() for p in problems(swap(text, "    level: middle\n", ""))]
    assert [h.split(": ", 2)[1] for h in found if ":23:5:" in h] == [
        "stakeholders[0]",
        "stakeholders[0]",
    ]
    assert any("missing required key 'level'" in h for h in found)
    assert any("give the group a count" in h for h in found)


# ── every problem in one run, in file order ─────────────────────────────────────────────

SEVEN_MISTAKES = """\
version: 1
programme:
  id: test-programme
  title: Test programme
  start: 2027-02-30
  weeks: 26
  set_size: [7, 5]
  sesion_days: [mon]
context:
  stage: erly
organisations:
  - id: trust
    name: Our Hospital Trust
    kind: acute-trust
  - id: trust
    name: Our County Council
    kind: local-authority
tasks:
  - id: discharge
    title: Home from hospital
    aim: Cut the delay
    stakeholders: [ward-managers, social-workers]
stakeholders:
  - id: ward-managers
    name: Ward managers
    organisation: trst
    level: middle
    count: 6
    depends_on: [ward-managers]
  - id: social-workers
    name: Social workers
    organisation: trust
    level: frontline
    count: 3
"""


def test_every_problem_in_one_run_in_file_order(headlines):
    assert headlines(SEVEN_MISTAKES) == [
        f"{SHOWN}:5:10: programme.start: '2027-02-30' is not a real calendar date; "
        "write YYYY-MM-DD, e.g. 2027-01-12",
        f"{SHOWN}:7:13: programme.set_size: the smallest set (7) is larger than the largest "
        "(5); write [5, 7]",
        f"{SHOWN}:8:3: programme.sesion_days: unknown key 'sesion_days' "
        f"(did you mean 'session_days'?); allowed here: {PROGRAMME_KEYS}",
        f"{SHOWN}:10:10: context.stage: 'erly' is not one of early, improving, performing "
        "(did you mean 'early'?)",
        f"{SHOWN}:15:9: organisations[1].id: duplicate id 'trust' (already used at line 12); "
        "ids must be unique",
        f"{SHOWN}:26:19: stakeholders[0].organisation: 'trst' is not a known organisation id "
        "(did you mean 'trust'?); known: trust",
        f"{SHOWN}:29:18: stakeholders[0].depends_on[0]: 'ward-managers' depends on itself; "
        "list the other groups it relies on",
    ]


def test_problems_in_a_mapping_written_out_of_order_still_come_in_line_order(problems):
    text = swap(VALID, "  stage: early", "  stage: erly")
    text = swap(text, "  weeks: 26", "  weeks: 2")
    text = swap(text, "    level: middle", "    level: midle")
    lines = [p.line for p in problems(text)]
    assert lines == sorted(lines) and len(lines) >= 3


# ── defaults and the model ──────────────────────────────────────────────────────────────


def test_minimal_spec_gets_the_defaults(spec):
    built = spec(VALID)
    p = built.programme
    assert p.id == "test-programme"
    assert p.start == dt.date(2027, 1, 12)
    assert p.weeks == 26
    assert p.session_days == ("tue", "wed", "thu")
    assert p.holidays == "england-and-wales"
    assert p.blackout == ()
    assert p.set_size == (5, 7)
    assert p.set_cadence_weeks == 4
    assert p.contact_hours == 30
    assert built.follow_up_months == 6
    assert built.facilitators == ()
    assert built.local_measures == ()
    assert built.context.stage == "early"
    assert built.context.culture == ()
    assert built.source == SHOWN


def test_stakeholder_location_and_count(spec):
    text = swap(VALID, "    level: frontline", "    level: frontline\n    location: Town hall")
    built = spec(text)
    ward, social = built.stakeholders
    assert ward.location == "Main site"  # inherited from the trust
    assert ward.count == 7 and ward.people == ()
    assert social.location == "Town hall"  # its own
    assert social.count == 3  # defaults to the people named
    assert social.people == ("Alex Brown", "Sam Green", "Jo White")
    assert spec(VALID).stakeholders[1].location == ""  # the council has no location


def test_count_may_exceed_the_people_named(spec):
    text = swap(
        VALID,
        "    people: [Alex Brown, Sam Green, Jo White]",
        "    count: 10\n    people: [Alex Brown, Sam Green, Jo White]",
    )
    assert spec(text).stakeholders[1].count == 10


def test_whole_numbers_written_as_decimals_are_whole_in_the_model(spec):
    text = swap(VALID, "  weeks: 26", "  weeks: 26.0\n  set_size: [5.0, 7.0]")
    p = spec(swap(text, "    count: 7", "    count: 7.0")).programme
    assert (p.weeks, p.set_size) == (26, (5, 7))
    assert type(p.weeks) is int and all(type(n) is int for n in p.set_size)
    assert type(spec(swap(VALID, "    count: 7", "    count: 7.0")).stakeholders[0].count) is int


def test_explicit_values_override_defaults(spec):
    data = base()
    data["programme"].update(
        session_days=["mon", "fri"],
        holidays="scotland",
        blackout=["2027-05-04", "2027-04-06"],
        contact_hours=24.5,
        set_size=[4, 8],
        set_cadence_weeks=5,
    )
    data["evaluation"] = {
        "follow_up_months": 12,
        "measures": [{"name": "Readmissions", "level": "results"}],
    }
    data["facilitators"] = [{"name": "A. Adviser", "organisation": "trust"}, {"name": "B"}]
    data["tasks"][0]["measure"] = {"name": "days", "baseline": 6, "target": 2}
    built = spec(dump(data))
    p = built.programme
    assert p.session_days == ("mon", "fri")
    assert p.holidays == "scotland"
    assert p.blackout == (dt.date(2027, 5, 4), dt.date(2027, 4, 6))  # as written
    assert (p.contact_hours, p.set_size, p.set_cadence_weeks) == (24.5, (4, 8), 5)
    assert built.follow_up_months == 12
    assert [(m.name, m.source, m.level) for m in built.local_measures] == [
        ("Readmissions", "", "results")
    ]
    assert [(f.name, f.organisation) for f in built.facilitators] == [
        ("A. Adviser", "trust"),
        ("B", None),
    ]
    measure = built.tasks[0].measure
    assert (measure.name, measure.unit, measure.baseline, measure.target) == ("days", "", 6, 2)
    assert p.end == dt.date(2027, 1, 12) + dt.timedelta(weeks=26, days=-1)


def test_reading_problems_and_validation_problems_come_in_one_run(tmp_path):
    from progen.spec.validate import read_spec

    path = tmp_path / "dup.yaml"
    path.write_text(
        "version: 1\n"
        "programme:\n"
        "  id: x\n"
        "  title: X\n"
        "  title: Y\n"
        "  start: 2027-01-12\n"
        "  weeks: 26\n"
        "context: {stage: erly}\n"
        "organisations: [{id: a, name: A, kind: acute-trust, location: !!python/none x}]\n"
        "tasks:\n"
        "  - {id: t1, title: T, aim: A, stakeholders: [g1]}\n"
        "stakeholders:\n"
        "  - {id: g1, name: Nurses, organisation: b, level: middle, count: 6}\n"
    )
    with pytest.raises(UserError) as err:
        read_spec(path, "dup.yaml")
    assert [p.headline().split(": ")[0:2] for p in err.value.problems] == [
        ["dup.yaml:5:3", "programme.title"],
        ["dup.yaml:8:18", "context.stage"],
        ["dup.yaml:9:63", "organisations[0].location"],
        ["dup.yaml:13:42", "stakeholders[0].organisation"],
    ]


def test_two_groups_whose_members_would_share_names_are_a_located_error(problems):
    """Two groups both called 'Nurses' would both have a 'Nurse 1': records could not tell
    them apart, so validation says so at the second group."""
    text = VALID.replace(
        "  - id: social-workers\n    name: Social workers\n",
        "  - id: social-workers\n    name: Ward managers\n",
    ).replace("    people: [Alex Brown, Sam Green, Jo White]", "    count: 3")
    found = [p for p in problems(text) if "would name a member of both" in p.message]
    assert len(found) == 1
    assert found[0].path == "stakeholders[1]"
    assert "'Ward manager 1', 'Ward manager 2' and 'Ward manager 3'" in found[0].message
