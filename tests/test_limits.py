"""What `progen validate` accepts is what `progen build` completes: the limits on people,
set meetings and set advisers, and the largest spec inside them (bench/region_spec.py
--largest, whose build time and memory are in BENCHMARKS.md)."""

from __future__ import annotations

import sys
from dataclasses import replace

from conftest import REPO

from progen.spec import limits

sys.path.insert(0, str(REPO / "bench"))

from region_spec import largest, region_text


def test_the_largest_benchmarked_spec_is_valid_and_at_every_limit(spec):
    scale = largest()
    built = spec(region_text(scale))
    people = sum(g.count for g in built.stakeholders)
    assert people == limits.MAX_PEOPLE
    assert len(built.facilitators) == scale.advisers >= 120  # a region of 800 sets names 120
    low, cadence = built.programme.set_size[0], built.programme.set_cadence_weeks
    weeks = built.programme.weeks
    assert people // low * (weeks // cadence + 1) <= limits.MAX_SET_MEETINGS
    assert people // low * (weeks // (cadence - 1) + 1) > limits.MAX_SET_MEETINGS


def test_more_people_than_progen_builds_is_a_located_error(headlines):
    text = region_text(replace(largest(), people=limits.MAX_PEOPLE + 1))
    (headline,) = headlines(text)
    assert headline.startswith("spec.yaml:")
    assert (
        f"stakeholders: the groups hold {limits.MAX_PEOPLE + 1:,} people; progen plans "
        f"programmes of up to {limits.MAX_PEOPLE:,}: split the system" in headline
    )


def test_more_set_meetings_than_progen_builds_is_a_located_error(headlines):
    scale = largest()
    text = region_text(replace(scale, cadence=scale.cadence - 1))
    (headline,) = headlines(text)
    line = text.splitlines().index(f"  set_cadence_weeks: {scale.cadence - 1}") + 1
    assert headline.startswith(f"spec.yaml:{line}:22: programme.set_cadence_weeks: 20,000 people ")
    assert f"progen builds programmes of up to {limits.MAX_SET_MEETINGS:,}: meet less" in headline


def test_the_set_meetings_limit_points_at_weeks_when_no_cadence_is_written(headlines):
    text = region_text(replace(largest(), cadence=4, set_size=(3, 3)))
    text = text.replace("  set_cadence_weeks: 4\n", "")
    (headline,) = headlines(text)
    assert ": programme.weeks: 20,000 people in action-learning sets of 3 or more, meeting " in (
        headline
    )
    assert "every 4 weeks for 104 weeks, could hold up to 179,982 set meetings" in headline


def test_more_set_advisers_than_the_limit_is_a_located_error(headlines):
    scale = largest()
    (headline,) = headlines(region_text(replace(scale, advisers=scale.advisers + 1)))
    assert ": facilitators: " in headline and str(scale.advisers) in headline


def test_the_set_meetings_limit_stands_down_where_the_schema_has_spoken(headlines):
    text = region_text(replace(largest(), set_size=(0, 4), cadence=0))
    found = headlines(text)
    assert [h for h in found if "programme.set_cadence_weeks: 0 is out of range" in h]
    assert [h for h in found if "programme.set_size[0]: 0 is out of range" in h]
    assert len(found) == 2
