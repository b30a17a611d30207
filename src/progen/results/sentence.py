"""One plain-English sentence per measure, for a board member reading its chart.

A board member reads the variation icon (is something changing, for better or worse?)
and the assurance icon (will we meet the target?); the sentence says both in words,
with the pattern behind the variation counted in the measure's own unit of time
("7 months below the mean since April 2027"), so the chart need not be decoded first.
"""

from __future__ import annotations

import datetime as dt

from progen.results.model import XmrChart, XmrPoint
from progen.results.progress_model import MeasureProgress
from progen.results.spc import HIGH_RULES
from progen.results.thresholds import PROVISIONAL_BELOW
from progen.wording import plural

VARIATION = {
    "common_cause": "Common cause variation",
    "improvement": "Special cause improvement",
    "concern": "Special cause concern",
    "neutral": "Special cause variation",
}


def amount(value: float, unit: str) -> str:
    """'2 days', '90%', '14': a number as a reader says it with its unit."""
    if unit == "%":
        return f"{value:g}%"
    return f"{value:g} {unit}".rstrip()


def when(day: dt.date, frequency: str) -> str:
    """The period a point stands for: 'April 2027', or 'the week of 5 April 2027'."""
    if frequency == "week":
        return f"the week of {day.day} {day:%B %Y}"
    return f"{day:%B %Y}"


def sentence(m: MeasureProgress) -> str:
    """What the chart says, and whether the target will be met, in one sentence."""
    if m.chart is None:
        return (
            f"No data yet: the chart starts when the first {m.frequency}'s figure for "
            f"{m.name} is recorded."
        )
    chart = m.chart
    family = "common_cause" if chart.variation == "common_cause" else chart.variation.split("_")[0]
    head = VARIATION[family]
    pattern = "no sign of change yet" if family == "common_cause" else _pattern(chart, m)
    clauses = [f"{head}: {pattern}", _assurance(chart, m)]
    if chart.provisional:
        clauses.append(
            f"the limits are provisional until there are {PROVISIONAL_BELOW} {m.frequency}s "
            "of data in each stretch between rebases"
        )
    return "; ".join(clauses) + "."


def _pattern(chart: XmrChart, m: MeasureProgress) -> str:
    """The rule behind the last point's signal, counted back from the last point."""
    points = [p for p in chart.points if p.segment == chart.points[-1].segment]
    last = points[-1]
    rule = last.rule or ""  # flagged: the variation is special cause
    unit = m.frequency
    high = rule in HIGH_RULES
    if rule.startswith("run_"):
        n = _stretch(points, lambda a, b: (a.value > a.mean) == (b.value > b.mean))
        side = "above" if high else "below"
        first = points[-n]
        return f"{plural(n, unit)} {side} the mean since {when(first.date, unit)}"
    if rule.startswith("trend_"):
        n = _stretch(points, lambda a, b: (b.value > a.value) if high else (b.value < a.value))
        way = "higher" if high else "lower"
        first = points[-n]
        return (
            f"{plural(n, unit)} in a row, each {way} than the one before, since "
            f"{when(first.date, unit)}"
        )
    if rule.startswith("two_in_three_"):
        side = "upper" if high else "lower"
        return f"two of the last three {unit}s are close to the {side} limit"
    side = "above the upper" if high else "below the lower"
    return f"the latest {unit}, {when(last.date, unit)}, is {side} limit"


def _stretch(points: list[XmrPoint], same) -> int:
    """How many points at the end hold `same` with their predecessor, counting the first."""
    n = 1
    while n < len(points) and same(points[-n - 1], points[-n]):
        n += 1
    return n


def _assurance(chart: XmrChart, m: MeasureProgress) -> str:
    if m.target is None:
        return "no target is set, so none is tested"
    target = f"the target of {amount(m.target, m.unit)}"
    if chart.assurance is None:
        return f"with no direction set for better, {target} is not tested against the limits"
    last = chart.points[-1]
    if last.upl is None:
        return f"the figures have not varied, so there are no limits yet to test {target} against"
    where = "above the upper" if last.upl < m.target else "below the lower"
    if chart.assurance == "consistent_pass":
        return (
            f"{target} is {where} limit, so it will be met every {m.frequency} if nothing changes"
        )
    if chart.assurance == "consistent_fail":
        return (
            f"{target} is {where} limit, so it will not be met without a change to how the "
            "work is done"
        )
    return f"{target} is within the limits, so it will be hit and missed"
