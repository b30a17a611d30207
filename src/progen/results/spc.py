"""XmR (individuals) charts read the Making Data Count way, as NHSRplotthedots reads them.

NHS boards are taught to read a measure by its variation icon and its assurance icon
(NHS England/Improvement, Making Data Count, 2019); the NHS-R community's NHSRplotthedots
is the open implementation they are checked against, so this module mirrors its default
options (`ptd_spc()` with `screen_outliers = TRUE`, no `fix_after_n_points`) step by step,
floating-point operations included, and names the package file each step comes from.

Where the package differs from a plain reading of the rules, it is followed:

- A segment whose moving ranges are all zero (a constant series) or that has one point has
  no mean moving range in the package (`mean()` of nothing is NaN), so its limits are
  undefined (`lpl`/`upl` None here), no point in it is outside or near a limit and, having
  no point off the mean either, every point is common cause; assurance against such
  limits is `inconsistent`, since R skips the comparisons with NaN.
- Two-in-three flags only the points beyond a near limit, not the third point of the
  three, and a point beyond a process limit does not count towards the two.
- A trend is 7 points (6 rises or falls in a row), each strictly above (or below) the one
  before, so an equal neighbour breaks it. A point of a trend is improvement or concern by
  the trend's direction, not by its side of the mean; where two trends meet, a point takes
  the direction of the step after it, and a flat step there reads as decreasing.
- The variation icon is the last point's type turned into a side: improvement is `_high`
  for a measure that should increase and `_low` for one that should decrease, concern the
  opposite (R/geom_ptd_icon.R).
- `provisional` is the package's short-group warning: any segment of fewer than 12 points
  (R/ptd_add_short_group_warnings.R; the chart caption appears when any segment is short).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from progen.results.model import Improvement, Observation, XmrChart, XmrPoint
from progen.results.series import in_date_order, runs_of
from progen.results.thresholds import (
    LIMIT,
    NEAR_LIMIT,
    NEAR_NEEDED,
    NEAR_WINDOW,
    PROVISIONAL_BELOW,
    RUN,
    SCREEN,
    TREND,
)

DIRECTION = {"increase": 1, "decrease": -1, "neutral": 0}  # R/ptd_spc.R
HIGH_RULES = ("above_upl", "trend_up", "two_in_three_above", "run_above")  # the rest are low


def xmr(
    observations: Sequence[Observation], improvement: Improvement, target: float | None
) -> XmrChart:
    """The XmR chart of a measure with at least one point: limits per segment (a rebase
    starts a new one), each point's rule and type, the variation and assurance icons."""
    points = in_date_order(observations)
    if not points:
        raise ValueError("an XmR chart needs at least one point")
    segments = _segments(points)
    charted = [
        point
        for number, segment in enumerate(segments)
        for point in _segment_points(segment, number, DIRECTION[improvement])
    ]
    return XmrChart(
        points=tuple(charted),
        variation=_variation(charted[-1].point_type, improvement),
        assurance=_assurance(charted[-1], improvement, target),
        provisional=any(len(s) < PROVISIONAL_BELOW for s in segments),
    )


def _segments(points: tuple[Observation, ...]) -> list[tuple[Observation, ...]]:
    """Points split at each rebase. A rebase on the first point starts nothing new: the
    package numbers groups by `cumsum(rebase)` (R/ptd_spc_standard.R)."""
    starts = [0] + [i for i, p in enumerate(points) if p.rebase and i > 0]
    return [points[a:b] for a, b in zip(starts, [*starts[1:], len(points)], strict=True)]


def mean(values: Sequence[float]) -> float:
    """The exact mean rounded once to the nearest double. R's `mean()` sums in extended
    precision and then corrects by the mean residual, which gives this same value but for
    the rarest last-bit ties; a naive sum would not, and a point exactly on the mean (which
    breaks a run) must be found on it."""
    ratios = [v.as_integer_ratio() for v in values]
    scale = max(d for _, d in ratios)
    return sum(n * (scale // d) for n, d in ratios) / (scale * len(values))


def mean_moving_range(values: Sequence[float]) -> float | None:
    """R/ptd_spc_standard.R: the mean of the moving ranges, recomputed without those at or
    above 3.267 times it (`screen_outliers`, on by default); None where the package gets
    NaN, because there is no moving range left to average."""
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    if not ranges:
        return None
    first = mean(ranges)
    kept = [r for r in ranges if r < SCREEN * first]
    return mean(kept) if kept else None


def _segment_points(
    segment: tuple[Observation, ...], number: int, direction: int
) -> list[XmrPoint]:
    values = [p.value for p in segment]
    centre = mean(values)
    spread = mean_moving_range(values)
    side = [(v > centre) - (v < centre) for v in values]  # relative_to_mean
    if spread is None:
        lpl = upl = None
        outside = near = [False] * len(values)
    else:
        lpl, upl = centre - LIMIT * spread, centre + LIMIT * spread
        nlpl, nupl = centre - NEAR_LIMIT * spread, centre + NEAR_LIMIT * spread
        outside = [v > upl or v < lpl for v in values]
        near = [not o and (v < nlpl or v > nupl) for v, o in zip(values, outside, strict=True)]
    rules = _rules(values, side, outside, near)
    return [
        XmrPoint(p.date, p.value, number, centre, lpl, upl, rule, _point_type(rule, direction))
        for p, rule in zip(segment, rules, strict=True)
    ]


def _rules(
    values: list[float], side: list[int], outside: list[bool], near: list[bool]
) -> list[str | None]:
    """Each point's special-cause rule, in the package's order of precedence: outside the
    limits, trend, two in three, run (`ptd_special_cause_type`, R/ptd_calculate_point_type.R)."""
    trend = _trend_directions(values)
    two_of_three = _two_in_three(side, near)
    run = _in_runs(side)
    rules: list[str | None] = []
    for i, s in enumerate(side):
        above = s > 0
        if outside[i]:
            rules.append("above_upl" if s == 1 else "below_lpl")
        elif trend[i]:
            rules.append("trend_up" if trend[i] == 1 else "trend_down")
        elif two_of_three[i]:
            rules.append("two_in_three_above" if above else "two_in_three_below")
        elif run[i]:
            rules.append("run_above" if above else "run_below")
        else:
            rules.append(None)
    return rules


def _in_runs(side: list[int]) -> list[bool]:
    """Points in 7 or more in a row on one side of the mean; a point on the mean (side 0)
    breaks the run (`ptd_seven_point_one_side_mean` with `ptd_part_of_seven_trend`)."""
    flagged = [False] * len(side)
    for first, last, key in runs_of(side):
        if key != 0 and last - first + 1 >= RUN:
            flagged[first : last + 1] = [True] * (last - first + 1)
    return flagged


def _trend_directions(values: list[float]) -> list[int]:
    """For each point of 7 or more in a row each strictly above (or below) the one before,
    the direction the package labels it with, else 0 (`ptd_seven_point_trend`, and the
    `sdy` step of `ptd_special_cause_type`: a point whose successor is also in a trend
    takes the step to it, any other the step from its predecessor; a step of 0 or down
    reads as decreasing)."""
    steps = [(b > a) - (b < a) for a, b in itertools.pairwise(values)]
    flagged = [False] * len(values)
    for first, last, key in runs_of(steps):
        if key != 0 and last - first + 1 >= TREND - 1:
            flagged[first : last + 2] = [True] * (last - first + 2)
    directions = []
    for i, part in enumerate(flagged):
        if not part:
            directions.append(0)
            continue
        onward = i + 1 < len(values) and flagged[i + 1]
        step = steps[i] if onward else (steps[i - 1] if i else 0)
        directions.append(1 if step == 1 else -1)
    return directions


def _two_in_three(side: list[int], near: list[bool]) -> list[bool]:
    """Points beyond a near limit that, with at least one other such point, fall in three
    consecutive points all on the same side of the mean (`ptd_two_in_three` with
    `ptd_part_of_two_in_three`). Windows run only within the segment."""
    n = len(side)
    qualifying = [
        sum(near[w : w + NEAR_WINDOW]) >= NEAR_NEEDED
        and abs(sum(side[w : w + NEAR_WINDOW])) == NEAR_WINDOW
        for w in range(n - NEAR_WINDOW + 1)
    ]
    return [near[i] and any(qualifying[max(0, i - NEAR_WINDOW + 1) : i + 1]) for i in range(n)]


def _point_type(rule: str | None, direction: int) -> str:
    """`ptd_point_type`: the rule's direction, oriented by the improvement direction."""
    if rule is None:
        return "common_cause"
    high = rule in HIGH_RULES
    if direction == 0:
        return "special_cause_neutral_high" if high else "special_cause_neutral_low"
    improving = (1 if high else -1) == direction
    return "special_cause_improvement" if improving else "special_cause_concern"


def _variation(last_type: str, improvement: Improvement) -> str:
    """The variation icon is the last point's type (`ptd_get_icons`, R/geom_ptd_icon.R)."""
    increase = improvement == "increase"
    return {
        "common_cause": "common_cause",
        "special_cause_neutral_high": "neutral_high",
        "special_cause_neutral_low": "neutral_low",
        "special_cause_improvement": "improvement_high" if increase else "improvement_low",
        "special_cause_concern": "concern_low" if increase else "concern_high",
    }[last_type]


def _assurance(last: XmrPoint, improvement: Improvement, target: float | None) -> str | None:
    """The target against the last point's limits, those of the latest segment
    (R/ptd_calculate_assurance_type.R); none without a target or a direction."""
    if target is None or improvement == "neutral":
        return None
    increase = improvement == "increase"
    if last.upl is not None and target > last.upl:
        return "consistent_fail" if increase else "consistent_pass"
    if last.lpl is not None and target < last.lpl:
        return "consistent_pass" if increase else "consistent_fail"
    return "inconsistent"
