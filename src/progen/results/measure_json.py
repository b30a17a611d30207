"""A measure's analysis as the fields of a SPEC.md section 6 `progress.json` measure.

The writer of progress.json adds what the spec and records say about the measure (task,
name, unit, improvement, target); these are the fields the analysis decides, in a fixed
key order with ISO dates, so the same points always give the same bytes. Numbers are
written unrounded, for comparison with NHSRplotthedots point by point.
"""

from __future__ import annotations

from progen.results.model import RunChart, XmrChart


def measure_fields(chart: XmrChart, runs: RunChart) -> dict:
    return {
        "points": [
            {
                "date": p.date.isoformat(),
                "value": p.value,
                "segment": p.segment,
                "mean": p.mean,
                "lpl": p.lpl,
                "upl": p.upl,
                "rule": p.rule,
                "point_type": p.point_type,
            }
            for p in chart.points
        ],
        "variation": chart.variation,
        "assurance": chart.assurance,
        "provisional": chart.provisional,
        "run_chart": {
            "median": runs.median,
            "useful": runs.useful,
            "runs": runs.runs,
            "signals": [
                {"rule": s.rule, "from": s.start.isoformat(), "to": s.end.isoformat()}
                for s in runs.signals
            ],
        },
    }
