"""Plain English for a board member reading a measure's chart: its latest value and the gap
to the target, then what the chart says.

A board member reads the variation icon (is something changing, for better or worse?)
and the assurance icon (will we meet the target?); the sentence says both in words,
with the pattern behind the variation counted in the measure's own unit of time
("7 months below the mean since April 2027"), so the chart need not be decoded first.

It also says what the icons cannot. Limits worked out from a segment that still holds
the months before an improvement describe neither the old process nor the new one, so an
improvement is not judged against them: the sentence asks for a rebase once the new level
has held (thresholds.REBASE_AFTER) and tests the target after. An improvement that began
before the programme did is said to have done so. Limits from too few points
(provisional) make no claim about the target at all. A shift or trend the run chart
shows and the XmR chart does not is mentioned, and after a rebase the sentence says
which stretch it reads ("since the rebase in March 2027").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from progen.results.model import XmrChart, XmrPoint
from progen.results.precision import decimals, fixed
from progen.results.progress_model import MeasureProgress
from progen.results.spc import HIGH_RULES
from progen.results.thresholds import PROVISIONAL_BELOW, REBASE_AFTER
from progen.wording import plural

VARIATION = {
    "common_cause": "Common cause variation",
    "improvement": "Special cause improvement",
    "concern": "Special cause concern",
    "neutral": "Special cause variation",
}
IMPROVEMENT = "special_cause_improvement"
REBASE_HOW = "the rebase column in the measures records"


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


def longday(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Improving:
    """The improvement the latest points show, read against the segment's own limits."""

    stretch: tuple[XmrPoint, ...]  # the improvement points at the end, oldest first
    before: tuple[XmrPoint, ...]  # the segment's points before them: in the same limits

    @property
    def began(self) -> dt.date:
        return self.stretch[0].date

    @property
    def rebase_due(self) -> bool:
        return len(self.stretch) >= REBASE_AFTER


def improving(m: MeasureProgress) -> Improving | None:
    """The improvement at the end of the latest segment, or None if the latest point is not
    special cause improvement."""
    if m.chart is None or m.chart.points[-1].point_type != IMPROVEMENT:
        return None
    seg = _segment(m.chart)
    n = _stretch(seg, lambda a, b: a.point_type == b.point_type == IMPROVEMENT)
    return Improving(tuple(seg[-n:]), tuple(seg[:-n]))


def target_judged(m: MeasureProgress) -> bool:
    """Whether the limits can be read against the target (the assurance icon is shown):
    not while they are provisional, nor while they still hold the points before an
    improvement."""
    better = improving(m)
    return m.chart is not None and not m.chart.provisional and not (better and better.before)


def latest(m: MeasureProgress) -> str:
    """'3.8 days in May 2027, 1.8 days above the target of 2 days': the latest value, and
    how far it is from the target in the direction that counts."""
    assert m.chart is not None
    last = m.chart.points[-1]
    said = f"{amount(last.value, m.unit)} in {when(last.date, m.frequency)}"
    if m.target is None:
        return said
    target = f"the target of {amount(m.target, m.unit)}"
    gap = last.value - m.target
    met = {"decrease": gap <= 0, "increase": gap >= 0}.get(m.improvement, gap == 0)
    if met:
        return f"{said}, meeting {target}"
    places = decimals([p.value for p in m.chart.points] + [m.target])
    size = fixed(abs(gap), places)
    size = f"{size} percentage points" if m.unit == "%" else f"{size} {m.unit}".rstrip()
    return f"{said}, {size} {'above' if gap > 0 else 'below'} {target}"


def sentence(m: MeasureProgress) -> str:
    """The latest value, then what the chart says and whether the target will be met."""
    if m.chart is None:
        return (
            f"No data yet: the chart starts when the first {m.frequency}'s figure for "
            f"{m.name} is recorded."
        )
    chart = m.chart
    family = "common_cause" if chart.variation == "common_cause" else chart.variation.split("_")[0]
    last = chart.points[-1]
    since = f" since the rebase in {when(_segment(chart)[0].date, m.frequency)}" * bool(
        last.segment
    )
    better = improving(m)
    if family == "common_cause":
        runs = _run_signal(m)
        seen = f"no sign of change on this chart, {runs}" if runs else "no sign of change yet"
        clauses = [f"{VARIATION[family]}{since}: {seen}"]
    else:
        clauses = [f"{VARIATION[family]}{since}: {_pattern(chart, m)}"]
    if better and better.before:
        return " ".join([f"{latest(m)}.", "; ".join(clauses) + ".", *_mixed_limits(better, m)])
    clauses.append(_assurance(chart, m))
    return f"{latest(m)}. " + "; ".join(clauses) + "."


def _segment(chart: XmrChart) -> list[XmrPoint]:
    return [p for p in chart.points if p.segment == chart.points[-1].segment]


def _mixed_limits(better: Improving, m: MeasureProgress) -> list[str]:
    """Sentences for an improvement whose limits still hold the points before it: what that
    means, when to rebase, and whether the improvement began before the programme."""
    unit = m.frequency
    n = len(better.stretch)
    echo = any(p.point_type == "special_cause_concern" for p in better.before)
    when_due = (
        f"rebase now ({REBASE_HOW}): the new level has held for {plural(n, unit)}"
        if better.rebase_due
        else f"rebase ({REBASE_HOW}) once the new level has held for "
        f"{plural(REBASE_AFTER, unit)} ({n} so far)"
    )
    out = [
        f"The limits still include the {plural(len(better.before), unit)} before the change"
        + (" (hence the earlier concern points)" if echo else "")
        + f", so the target is not judged against them yet: {when_due}, then test the target."
    ]
    return out + attribution(better, m)


def attribution(better: Improving, m: MeasureProgress) -> list[str]:
    """Whether the improvement began before the programme did, in a sentence if it did."""
    early = began_early(better, m)
    return [f"It began in {when(better.began, m.frequency)}, {early}."] if early else []


def began_early(better: Improving, m: MeasureProgress) -> str:
    """'before the programme started on 12 January 2027, so not all of it can be the
    programme's', or '' when the improvement began after the programme did."""
    if m.started is None or better.began >= m.started:
        return ""
    return (
        f"before the programme started on {longday(m.started)}, so not all of it can be the "
        "programme's"
    )


def _run_signal(m: MeasureProgress) -> str:
    """The latest shift or trend on the run chart within the latest segment, which the
    XmR chart (common cause here) does not show; '' if there is none."""
    assert m.chart is not None
    start = _segment(m.chart)[0].date
    found = [s for s in m.runs.signals if s.rule in ("shift", "trend") and s.end >= start]
    if not found:
        return ""
    s = max(found, key=lambda s: (s.end, s.start))
    kind = "a shift" if s.rule == "shift" else "a trend"
    if s.end == m.chart.points[-1].date:
        return f"but the run chart shows {kind} since {when(s.start, m.frequency)}"
    return (
        f"but the run chart showed {kind} from {when(s.start, m.frequency)} to "
        f"{when(s.end, m.frequency)}"
    )


def _pattern(chart: XmrChart, m: MeasureProgress) -> str:
    """The rule behind the last point's signal, counted back from the last point."""
    points = _segment(chart)
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
        if chart.provisional:
            return (
                f"no target is set, and the limits are provisional until there are "
                f"{PROVISIONAL_BELOW} {m.frequency}s of data in each stretch between rebases"
            )
        return "no target is set, so none is tested"
    target = f"the target of {amount(m.target, m.unit)}"
    if chart.provisional:
        return (
            f"too few points to judge whether {target} will be met (the limits need "
            f"{PROVISIONAL_BELOW} {m.frequency}s in each stretch between rebases)"
        )
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
