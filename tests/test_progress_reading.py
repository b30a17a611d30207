"""How a measure is read and shown to a board (issue 11 follow-up): an improvement against
limits that still hold the months before it, attribution to the programme, dates under
their own points, no assurance from too few points, the latest value and its gap, notes,
even precision, and the Results level pointing at the charts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re

import pytest

from progen.publish.report import report_html
from progen.records.model import MeasurePoint, PdsaRecord, Records
from progen.results.chart_svg import LABEL_GAP, numbers_table, tick_labels, xmr_svg
from progen.results.model import Observation
from progen.results.precision import decimals, fixed
from progen.results.progress import frequency, progress
from progen.results.progress_model import CycleMark, MeasureProgress
from progen.results.runchart import run_chart
from progen.results.sentence import sentence, target_judged
from progen.results.spc import xmr

STABLE = [6.2, 5.8, 6.5, 6.0, 5.6, 6.4, 6.9, 6.1, 5.9, 6.3, 5.7, 6.0, 6.6, 6.2, 5.8, 6.1, 6.4, 5.9]
FALLING = [6.0, 5.5, 4.9, 4.6, 4.4, 4.1, 3.8]  # the Westmoor discharge measure's last 7 months


def month_end(i: int, first: dt.date = dt.date(2025, 5, 1)) -> dt.date:
    """The last day of the i-th month from `first`."""
    y, m = divmod(first.year * 12 + first.month - 1 + i + 1, 12)
    return dt.date(y, m + 1, 1) - dt.timedelta(days=1)


def measure(
    values, target=2.0, started=None, rebase=(), cycles=(), notes=(), improvement="decrease",
    unit="days",
) -> MeasureProgress:  # fmt: skip
    points = [Observation(month_end(i), float(v), i in rebase) for i, v in enumerate(values)]
    return MeasureProgress(
        "t", "Task", "median days", unit, improvement, target, 6.0,
        frequency(p.date for p in points), xmr(points, improvement, target),
        run_chart(points), tuple(cycles), started, tuple(notes),
    )  # fmt: skip


def test_an_improvement_against_mixed_limits_asks_for_a_rebase_not_a_verdict():
    text = sentence(measure(STABLE + FALLING))
    assert "Special cause improvement" in text
    assert "The limits still include the 18 months before the change" in text
    assert "hence the earlier concern points" in text
    assert "once the new level has held for 12 months (7 so far)" in text
    assert "rebase column" in text
    assert "will not be met" not in text and "will be met" not in text


def test_a_new_level_held_for_twelve_points_is_due_a_rebase():
    text = sentence(measure(STABLE + FALLING + [3.7, 3.9, 3.6, 3.8, 3.7]))
    assert "rebase now" in text and "held for 12 months" in text


def test_an_improvement_that_began_before_the_programme_says_so():
    before = sentence(measure(STABLE + FALLING, started=dt.date(2027, 1, 12)))
    assert (
        "It began in November 2026, before the programme started on 12 January 2027, so not "
        "all of it can be the programme's." in before
    )
    after = sentence(measure(STABLE + FALLING, started=dt.date(2026, 6, 1)))
    assert "before the programme started" not in after


def test_after_a_rebase_the_sentence_names_it_and_a_run_chart_trend_is_mentioned():
    values = [*STABLE, 4.9, 4.6, 4.4, 4.1, 3.8]
    text = sentence(measure(values, rebase={len(STABLE)}))
    assert "Common cause variation since the rebase in November 2026" in text
    assert "no sign of change on this chart, but the run chart shows a shift since" in text


def test_too_few_points_make_no_assurance_claim_and_show_no_assurance_icon():
    m = measure([4.9, 4.6, 4.4, 4.1, 3.8])
    assert m.chart is not None and m.chart.provisional and m.chart.assurance
    text = sentence(m)
    assert "too few points to judge whether the target of 2 days will be met" in text
    assert "will not be met" not in text
    assert not target_judged(m) and not target_judged(measure(STABLE + FALLING))
    assert target_judged(measure(STABLE))


@pytest.mark.parametrize(
    ("values", "target", "unit", "improvement", "expected"),
    [
        ([5, 4.6, 3.8], 2, "days", "decrease", "3.8 days in July 2025, 1.8 days above the target"),
        ([5, 4.6, 1.5], 2, "days", "decrease", "1.5 days in July 2025, meeting the target of 2"),
        ([40, 52, 64], 90, "%", "increase", "64% in July 2025, 26 percentage points below the "
         "target of 90%"),
        ([40, 52, 64], None, "%", "increase", "64% in July 2025."),
    ],
)  # fmt: skip
def test_the_sentence_starts_with_the_latest_value_and_the_gap(
    values, target, unit, improvement, expected
):
    assert sentence(measure(values, target, unit=unit, improvement=improvement)).startswith(
        expected
    )


def test_each_point_sits_above_its_own_months_label():
    m = measure([6.0, 5.0, 4.0])  # dated 31 May, 30 June, 31 July 2025
    assert tick_labels(m) == [
        (dt.date(2025, 5, 31), "May 2025"),
        (dt.date(2025, 6, 30), "Jun 2025"),
        (dt.date(2025, 7, 31), "Jul 2025"),
    ]
    svg = str(xmr_svg(m, "c"))
    ticks = re.findall(r'<line x1="([\d.]+)" y1="214" x2="[\d.]+" y2="219"', svg)
    points = re.findall(r'<circle cx="([\d.]+)"', svg)
    assert ticks and set(ticks) <= set(points)


def test_the_programme_start_and_notes_are_marked_and_listed():
    notes = ((month_end(20), "first discharge-to-assess tests"),)
    m = measure(STABLE + FALLING, started=dt.date(2027, 1, 12), notes=notes)
    svg = str(xmr_svg(m, "c"))
    assert "Programme starts" in svg and "The programme started on 12 January 2027" in svg
    assert 'r="6.5"' in svg  # the numbered ring over the noted point
    table = str(numbers_table(m))
    assert "1. first discharge-to-assess tests" in table and '<th scope="col">Note</th>' in table
    assert 'role="region" tabindex="0"' in table


def test_limits_are_printed_with_one_decimal_more_than_the_data():
    assert decimals([6.2, 5.8, 6]) == 1 and decimals([38, 42]) == 0 and decimals([0.1 + 0.2]) == 1
    assert fixed(6.9, 2) == "6.90" and fixed(-0.001, 1) == "0.0"
    svg = str(xmr_svg(measure(STABLE + FALLING), "c"))
    assert "Upper 6.90" in svg and "Mean 5.75" in svg and "Lower 4.60" in svg
    whole = str(xmr_svg(measure([38, 42, 41, 37, 45, 40, 44], target=90, improvement="increase",
                                unit="%"), "c"))  # fmt: skip
    assert re.search(r"Upper \d+\.\d<", whole)


def test_reference_labels_never_overlap():
    svg = str(xmr_svg(measure(STABLE + FALLING), "c"))  # baseline 6 beside mean 5.75
    ys = sorted(float(y) for y in re.findall(r'<text x="608" y="([\d.]+)"', svg))
    assert len(ys) == 5 and all(b - a >= LABEL_GAP for a, b in itertools.pairwise(ys))


def test_an_improvement_is_a_decision_to_spread_and_the_results_level_points_at_charts(small):
    start = small.spec.programme.start
    values = STABLE + FALLING
    first = dt.date(start.year - 2, start.month, 1)
    points = tuple(MeasurePoint("discharge", month_end(i, first), v) for i, v in enumerate(values))
    cycle = PdsaRecord("discharge", 1, start, start + dt.timedelta(days=7), "Board-round booking",
                       "fewer waits", "fewer waits", "adopt")  # fmt: skip
    records = Records(small.id, measures=points, pdsa=(cycle,))
    result = progress(small, records, points[-1].date)
    (decision,) = [d for d in result.decisions if d.subject == "discharge"]
    assert decision.kind == "measure_improving"
    assert "PDSA 1 (Board-round booking)" in decision.text and "rebase" in decision.text
    html = report_html(result, small)
    assert "An improvement to sustain and spread" in html
    assert "A measure that needs attention" not in html
    results = html[html.index("Results: what changed") :]
    assert "No data yet" not in results and "see the chart for" in results
    assert ">F<" not in html  # no assurance icon against limits that hold the months before


def test_common_cause_that_consistently_fails_needs_attention_unless_provisional():
    from progen.results.progress import _measure_decisions

    stable = measure([9, 11] * 10)
    assert [d.kind for d in _measure_decisions((stable,))] == ["measure_concern"]
    few = measure([9, 11, 9, 11, 9])
    assert _measure_decisions((few,)) == []
    with_cycle = dataclasses.replace(
        measure(STABLE + FALLING), cycles=(CycleMark(1, dt.date(2027, 3, 1), None, ""),)
    )
    (d,) = _measure_decisions((with_cycle,))
    assert d.kind == "measure_improving" and "No change from the PDSA cycles" in d.text
