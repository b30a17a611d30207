"""Run charts: Perla, Provost and Murray's (2011) shift, trend and runs rules on hand-made
series, and the runs table recomputed from Swed and Eisenhart's distribution."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from math import comb

from hypothesis import given, settings
from hypothesis import strategies as st

from progen.results.model import Observation
from progen.results.runchart import run_chart
from progen.results.thresholds import RUNS_LIMITS

START = dt.date(2027, 1, 1)


def day(i: int) -> dt.date:
    return START + dt.timedelta(days=i)


def chart(values):
    return run_chart([Observation(day(i), float(v)) for i, v in enumerate(values)])


def signals(values) -> list[tuple[str, int, int]]:
    return [(s.rule, (s.start - START).days, (s.end - START).days) for s in chart(values).signals]


def test_six_on_one_side_of_the_median_is_a_shift_and_points_on_it_neither_count_nor_break():
    # 7 fours, one 5, 7 sixes: the median is 5
    values = [6, 6, 6, 5, 6, 6, 6, 4, 4, 4, 4, 4, 4, 4, 6]
    result = chart(values)
    assert (result.median, result.useful, result.runs) == (5.0, 14, 3)
    assert signals(values) == [("shift", 0, 6), ("runs", 0, 14), ("shift", 7, 13)]
    # five above with a point on the median among them: no shift
    assert [s for s in signals([6, 6, 5, 6, 6, 6, 4, 4, 4, 4, 4, 5]) if s[0] == "shift"] == []


def test_five_points_going_one_way_are_a_trend_and_equal_neighbours_count_once():
    assert signals([1, 2, 3, 4, 5]) == [("trend", 0, 4)]
    assert signals([1, 2, 2, 3, 4, 5]) == [("trend", 0, 5)]
    assert signals([1, 2, 2, 3, 4]) == []
    # a trend runs from the last of its first equals to the first of its last
    assert signals([2, 2, 3, 4, 5, 6, 6]) == [("trend", 1, 5)]
    # a rise and a fall share their peak
    assert signals([1, 2, 3, 4, 5, 4, 3, 2, 1]) == [("trend", 0, 4), ("trend", 4, 8)]


def test_too_many_or_too_few_runs_by_the_table():
    assert RUNS_LIMITS[12] == (3, 11)  # 12 useful observations: 3 to 11 runs are expected
    assert signals([1, 9] * 6) == [("runs", 0, 11)]  # 12 runs
    assert signals([1, 9, 1, 9, 1, 9, 1, 9, 1, 9, 9, 1]) == []  # 11 runs
    three = [1, 1, 1, 9, 9, 9, 9, 9, 9, 1, 1, 1]
    assert chart(three).runs == 3 and "runs" not in {s[0] for s in signals(three)}
    assert ("runs", 0, 11) in signals([1] * 6 + [9] * 6)  # 2 runs


def test_points_on_the_median_are_not_useful_observations():
    result = chart([1, 5, 9] * 4)
    assert (result.median, result.useful, result.runs) == (5.0, 8, 8)


def test_fewer_useful_observations_than_the_table_holds_have_no_runs_test():
    alternating = [1, 9] * 4 + [5]  # 8 useful observations in 8 runs
    assert chart(alternating).runs == 8 and signals(alternating) == []


def test_the_median_is_of_the_values_as_written():
    assert chart([87.1, 87.3]).median == 87.2


def test_no_points_no_median():
    assert chart([]).median is None and chart([]).signals == ()


def swed_eisenhart(above: int, below: int) -> dict[int, Fraction]:
    """The probability of each number of runs when `above` and `below` points fall in
    random order (Swed and Eisenhart 1943)."""
    total = comb(above + below, above)
    probability = {}
    for runs in range(2, above + below + 1):
        k = runs // 2
        if runs % 2 == 0:
            ways = 2 * comb(above - 1, k - 1) * comb(below - 1, k - 1)
        else:
            ways = comb(above - 1, k) * comb(below - 1, k - 1) + comb(above - 1, k - 1) * comb(
                below - 1, k
            )
        probability[runs] = Fraction(ways, total)
    return probability


def test_the_runs_table_is_swed_and_eisenharts_five_percent_limits():
    five_percent = Fraction(5, 100)
    for useful, (lower, upper) in RUNS_LIMITS.items():
        p = swed_eisenhart(useful // 2, useful - useful // 2)
        at_most = {r: sum(v for s, v in p.items() if s <= r) for r in p}
        at_least = {r: sum(v for s, v in p.items() if s >= r) for r in p}
        assert lower == max(r for r in p if at_most[r] <= five_percent), useful
        assert upper == min(r for r in p if at_least[r] <= five_percent), useful
    assert sorted(RUNS_LIMITS) == list(range(10, 61))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=40))
def test_signals_lie_within_the_series(values):
    result = chart(values)
    assert result.runs <= result.useful <= len(values)
    assert (result.runs == 0) == (result.useful == 0)
    for s in result.signals:
        assert START <= s.start < s.end <= day(len(values) - 1)
    assert list(result.signals) == sorted(result.signals, key=lambda s: (s.start, s.end, s.rule))


def test_six_in_a_row_is_a_shift_and_five_is_not():
    assert ("shift", 0, 5) in signals([9, 8, 9, 8, 9, 8, 1, 2, 1, 2, 1, 2])
    assert [s for s in signals([9, 8, 9, 8, 9, 1, 2, 1, 2, 1, 9, 1]) if s[0] == "shift"] == []


def test_a_rebase_does_not_reset_the_median():
    points = [Observation(day(i), float(v), rebase=i == 6) for i, v in enumerate(range(1, 13))]
    assert run_chart(points).median == 6.5
