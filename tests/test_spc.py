"""XmR charts: every Making Data Count rule on hand-made series, with expected values from
NHSRplotthedots' own tests where it has them, and properties over generated series."""

from __future__ import annotations

import datetime as dt
import json
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progen.results.measure_json import measure_fields
from progen.results.model import Observation
from progen.results.runchart import run_chart
from progen.results.spc import _two_in_three, mean, mean_moving_range, xmr

START = dt.date(2027, 1, 1)
BASE = [9, 11] * 10  # common cause around 10, moving ranges of 2


def series(values, rebase=()) -> list[Observation]:
    return [
        Observation(START + dt.timedelta(days=i), float(v), rebase=i in rebase)
        for i, v in enumerate(values)
    ]


def rules(values, improvement="increase", rebase=()) -> list[str | None]:
    return [p.rule for p in xmr(series(values, rebase), improvement, None).points]


# set.seed(123); rnorm(20): the series of NHSRplotthedots' tests/testthat/test-ptd_spc.R and
# test-ptd_spc_standard.R, whose snapshots give mean 0.142, limits -3.01 and 3.29, all 20
# points common cause; split into two facets of 10 (the same sums as a rebase at point 11),
# 0.0746 (-2.60, 2.75) and 0.209 (-3.28, 3.70).
RNORM = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def test_the_packages_own_series_gives_its_snapshot_values():
    chart = xmr(series(RNORM), "increase", None)
    first = chart.points[0]
    assert (round(first.mean, 3), round(first.lpl, 2), round(first.upl, 2)) == (0.142, -3.01, 3.29)
    assert {p.point_type for p in chart.points} == {"common_cause"}
    assert chart.variation == "common_cause" and chart.assurance is None
    assert not chart.provisional


def test_a_rebase_gives_each_segment_its_own_mean_and_limits():
    chart = xmr(series(RNORM, rebase={10}), "increase", None)
    before, after = chart.points[0], chart.points[-1]
    assert [p.segment for p in chart.points] == [0] * 10 + [1] * 10
    assert (round(before.mean, 4), round(before.lpl, 2), round(before.upl, 2)) == (
        0.0746, -2.60, 2.75,
    )  # fmt: skip
    assert (round(after.mean, 3), round(after.lpl, 2), round(after.upl, 2)) == (0.209, -3.28, 3.70)
    assert all(p.mean == before.mean for p in chart.points[:10])
    assert chart.provisional  # both segments are shorter than 12 points


def test_a_rebase_on_the_first_point_starts_nothing():
    assert {p.segment for p in xmr(series(RNORM, rebase={0}), "increase", None).points} == {0}


def test_an_astronomical_point_is_screened_from_the_moving_ranges():
    # Moving ranges: 19 of 2 in the base, then 11 -> 60 -> 11 (49 each). Their mean, 136/21,
    # puts the two 49s above 3.267 times it, so the mean moving range is 2 again and the
    # limits are the mean ± 5.32, leaving 60 far outside.
    values = [*BASE, 60, 11]
    chart = xmr(series(values), "decrease", None)
    centre = chart.points[0].mean
    assert centre == sum(values) / len(values)
    assert chart.points[0].upl == centre + 2.66 * 2 and chart.points[0].lpl == centre - 2.66 * 2
    assert [p.rule for p in chart.points][-2:] == ["above_upl", None]
    assert chart.points[-2].point_type == "special_cause_concern"


# Seven above then seven below a mean of exactly 10, moving ranges of 1, limits 10 ± 2.66:
# every point inside the near limits (10 ± 1.77), none in a trend.
ABOVE = [10.5, 11.5, 10.5, 11.5, 10.5, 11.5, 10.5]
BELOW = [9.5, 8.5, 9.5, 8.5, 9.5, 8.5, 9.5]


def test_seven_on_one_side_of_the_mean_is_a_run_and_six_is_not():
    assert rules(ABOVE + BELOW) == ["run_above"] * 7 + ["run_below"] * 7
    assert rules(ABOVE[:6] + BELOW[:6]) == [None] * 12


def test_a_point_exactly_on_the_mean_breaks_a_run():
    # seven above and seven below, each seven split 3 + 4 by a point on the mean of 10
    above = [10.5, 11.5, 10.5, 10.0, 11.5, 10.5, 11.5, 10.5]
    below = [9.5, 8.5, 9.5, 10.0, 8.5, 9.5, 8.5, 9.5]
    chart = xmr(series(above + below), "increase", None)
    assert chart.points[0].mean == 10.0
    assert [p.rule for p in chart.points] == [None] * 16


# Limits about 10.7 ± 3.5, near limits ± 2.4: the rising points are inside both.
def test_seven_points_each_above_the_one_before_are_a_trend_whatever_their_side():
    up = [9, 9.5, 10, 10.5, 11, 11.5, 12]
    chart = xmr(series([10, 12, 10, 12, 10, 12, *up]), "increase", None)
    assert [p.rule for p in chart.points] == [None] * 6 + ["trend_up"] * 7
    assert chart.points[6].value < chart.points[6].mean  # below the mean, and still...
    assert {p.point_type for p in chart.points[6:]} == {"special_cause_improvement"}
    assert chart.variation == "improvement_high"
    falling = xmr(series([10, 12, 10, 12, 10, 12, *up]), "decrease", None)
    assert {p.point_type for p in falling.points[6:]} == {"special_cause_concern"}
    assert falling.variation == "concern_high"


def test_six_rising_points_or_an_equal_neighbour_are_no_trend():
    assert rules([10, 12, 10, 12, 10, 12, 9.5, 10, 10.5, 11, 11.5, 12]) == [None] * 12
    assert rules([10, 12, 10, 12, 10, 12, 9, 9.5, 10, 10, 10.5, 11, 11.5, 12]) == [None] * 14


def test_where_a_rise_meets_a_fall_the_point_takes_the_step_after_it():
    up_down = [9, 10, 11, 12, 13, 14, 15, 14, 13, 12, 11, 10, 9]
    assert rules([8, 12] * 10 + up_down) == [None] * 20 + ["trend_up"] * 6 + ["trend_down"] * 7
    # a flat top is a step of 0, which the package labels decreasing
    flat_top = [9, 10, 11, 12, 13, 14, 15, 15, 14, 13, 12, 11, 10, 9]
    assert rules([8, 12] * 10 + flat_top) == [None] * 20 + ["trend_up"] * 6 + ["trend_down"] * 8


def test_two_of_three_beyond_a_near_limit_flags_the_two_on_either_side():
    # mean 10.58, mean moving range 50/23, near limits 6.73 and 14.44, limits 4.80 and 16.37
    chart = xmr(series([*BASE, 15, 13, 15, 11]), "increase", None)
    assert [p.rule for p in chart.points][20:] == ["two_in_three_above", None] * 2
    assert chart.points[20].point_type == "special_cause_improvement"
    assert chart.variation == "common_cause"  # the last point is not flagged
    below = xmr(series([*[11, 9] * 10, 5, 7, 5, 9]), "increase", None)
    assert [p.rule for p in below.points][20:] == ["two_in_three_below", None] * 2
    assert below.points[20].point_type == "special_cause_concern"


def test_two_of_three_needs_all_three_on_the_same_side_of_the_mean():
    assert rules([*BASE, 15, 9, 15, 11]) == [None] * 24
    # NHSRplotthedots tests/testthat/test-ptd_spc_standard.R: two points close to the limits
    # on opposite sides of the mean are common cause
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    assert rules(values)[-2:] == [None, None]


def test_two_in_three_matches_the_packages_own_vectors():
    # tests/testthat/test-ptd_calculate_point_type.R: ptd_part_of_two_in_three flags only
    # the points near a limit within a qualifying three
    assert _two_in_three([1] * 7, [False, False, True, False, True, False, False]) == [
        False, False, True, False, True, False, False,
    ]  # fmt: skip
    assert _two_in_three([1] * 4, [True, False, False, True]) == [False] * 4
    assert _two_in_three([1] * 5, [True, False, False, True, True]) == [False] * 3 + [True] * 2
    assert _two_in_three([1, -1, 1], [True, False, True]) == [False] * 3


def test_rules_overlap_in_the_packages_order():
    # mean 10.72; one moving range (8.5) screened, so limits 4.56 and 16.88, near 14.83:
    # nine points above the mean hold two near the limit and one beyond it
    values = [*BASE, 11.5, 12, 15.5, 12, 15.5, 12, 20, 11.5, 7, 9, 8, 9]
    assert rules(values)[19:28] == [
        "run_above", "run_above", "run_above", "two_in_three_above", "run_above",
        "two_in_three_above", "run_above", "above_upl", "run_above",
    ]  # fmt: skip
    # a trend that is also a run, with points near the limit, is labelled a trend
    climbing = [9, 11] * 9 + [9, 11, 12, 12.5, 13, 13.5, 14, 14.5, 15, 9]
    assert rules(climbing)[18:] == ["trend_up"] * 9 + [None]


@pytest.mark.parametrize(
    ("improvement", "high", "low"),
    [
        ("increase", "special_cause_improvement", "special_cause_concern"),
        ("decrease", "special_cause_concern", "special_cause_improvement"),
        ("neutral", "special_cause_neutral_high", "special_cause_neutral_low"),
    ],
)
def test_a_flagged_point_is_improvement_or_concern_by_direction(improvement, high, low):
    chart = xmr(series(ABOVE + BELOW), improvement, None)
    assert {p.point_type for p in chart.points[:7]} == {high}
    assert {p.point_type for p in chart.points[7:]} == {low}


@pytest.mark.parametrize(
    ("improvement", "variation"),
    [("increase", "concern_low"), ("decrease", "improvement_low"), ("neutral", "neutral_low")],
)
def test_the_variation_icon_is_the_last_points_type(improvement, variation):
    assert xmr(series(ABOVE + BELOW), improvement, None).variation == variation


# 9, 11, ... : mean 10, moving ranges 2, limits 4.68 and 15.32
@pytest.mark.parametrize(
    ("improvement", "target", "assurance"),
    [
        ("increase", 20, "consistent_fail"),
        ("increase", 2, "consistent_pass"),
        ("increase", 10, "inconsistent"),
        ("decrease", 20, "consistent_pass"),
        ("decrease", 2, "consistent_fail"),
        ("decrease", 15, "inconsistent"),
        ("neutral", 20, None),
        ("increase", None, None),
    ],
)
def test_assurance_compares_the_target_with_the_limits(improvement, target, assurance):
    assert xmr(series([9, 11] * 6), improvement, target).assurance == assurance


def test_assurance_uses_the_last_segments_limits():
    values = [9, 11] * 6 + [29, 31] * 6  # the second segment's limits are 24.68 and 35.32
    assert xmr(series(values, rebase={12}), "increase", 20).assurance == "consistent_pass"
    assert xmr(series(values), "increase", 20).assurance == "inconsistent"


def test_fewer_than_twelve_points_are_provisional():
    assert xmr(series([9, 11] * 5 + [9]), "increase", None).provisional
    assert not xmr(series([9, 11] * 6), "increase", None).provisional
    assert xmr(series([9, 11] * 12, rebase={14}), "increase", None).provisional


def test_a_constant_series_has_no_limits_and_no_special_cause():
    chart = xmr(series([4] * 15), "increase", 5)
    assert {(p.mean, p.lpl, p.upl, p.rule) for p in chart.points} == {(4.0, None, None, None)}
    assert chart.variation == "common_cause" and chart.assurance == "inconsistent"
    single = xmr(series([*BASE, 30], rebase={20}), "increase", None).points[-1]
    assert (single.segment, single.lpl, single.upl, single.point_type) == (
        1, None, None, "common_cause",
    )  # fmt: skip


def test_points_are_read_in_date_order_and_a_repeated_date_is_refused():
    shuffled = list(reversed(series(ABOVE + BELOW)))
    assert [p.rule for p in xmr(shuffled, "increase", None).points] == rules(ABOVE + BELOW)
    with pytest.raises(ValueError, match="two points dated 2027-01-01"):
        xmr(series([1, 2])[:1] * 2, "increase", None)
    with pytest.raises(ValueError, match="not a finite number"):
        xmr(series([1, math.inf]), "increase", None)
    with pytest.raises(ValueError, match="at least one point"):
        xmr([], "increase", None)


def test_the_fields_are_those_of_progress_json():
    fields = measure_fields(xmr(series(ABOVE + BELOW), "decrease", 9), run_chart(series([1, 2])))
    assert list(fields) == ["points", "variation", "assurance", "provisional", "run_chart"]
    assert fields["points"][0] == {
        "date": "2027-01-01", "value": 10.5, "segment": 0, "mean": 10.0, "lpl": 10 - 2.66,
        "upl": 10 + 2.66, "rule": "run_above", "point_type": "special_cause_concern",
    }  # fmt: skip
    assert (fields["variation"], fields["assurance"]) == ("improvement_low", "inconsistent")
    json.dumps(fields, allow_nan=False)


DIRECTIONS = ["increase", "decrease", "neutral"]
measure_values = st.lists(
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 2)), min_size=1, max_size=40
)


@settings(max_examples=150, deadline=None)
@given(measure_values, st.sets(st.integers(1, 39)), st.sampled_from(DIRECTIONS))
def test_each_segment_is_centred_on_its_own_mean(vals, rebase, improvement):
    chart = xmr(series(vals, rebase), improvement, None)
    for number in {p.segment for p in chart.points}:
        points = [p for p in chart.points if p.segment == number]
        exact = sum(Fraction(p.value) for p in points) / len(points)
        assert {p.mean for p in points} == {float(exact)}
        if points[0].upl is not None:
            width = points[0].upl - points[0].mean
            assert width >= 0
            assert math.isclose(points[0].mean - points[0].lpl, width, rel_tol=1e-9, abs_tol=1e-6)
        else:  # no limits only where the segment cannot vary
            assert len({p.value for p in points}) == 1


@settings(max_examples=150, deadline=None)
@given(measure_values, st.sampled_from(DIRECTIONS))
def test_types_follow_the_rules_and_the_direction(vals, improvement):
    chart = xmr(series(vals), improvement, None)
    for p in chart.points:
        assert (p.rule is None) == (p.point_type == "common_cause")
        assert ("neutral" in p.point_type) == (improvement == "neutral" and p.rule is not None)
        if p.rule in ("above_upl", "below_lpl"):
            assert not p.lpl <= p.value <= p.upl
    kind = chart.points[-1].point_type.removeprefix("special_cause_").split("_")[0]
    assert chart.variation.split("_")[0] == kind


@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(1, 30))
def test_a_constant_series_is_all_common_cause(value, n):
    chart = xmr(series([value] * n), "increase", None)
    assert all(p.rule is None and p.lpl is None and p.mean == value for p in chart.points)


def test_a_moving_range_is_screened_only_from_3267_times_the_mean_up():
    # nine moving ranges of 1 and one of R: R is screened once R >= 3.267 (9 + R) / 10,
    # that is from R = 4.367; 4.3 stays in the mean, 4.4 leaves it
    assert mean_moving_range([0, 1] * 5 + [5.3]) == mean([1.0] * 9 + [4.3])
    assert mean_moving_range([0, 1] * 5 + [5.4]) == 1.0


def test_a_point_outside_the_limits_is_labelled_so_even_inside_a_trend():
    rising = [9.5, 10, 10.5, 11, 11.5, 12, 30]  # the seventh rise ends beyond the upper limit
    assert rules([*BASE, *rising])[20:] == ["trend_up"] * 6 + ["above_upl"]
