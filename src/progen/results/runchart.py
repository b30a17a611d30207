"""Run charts read with the rules of Perla, Provost and Murray (2011), for early data.

With a handful of points an XmR chart's limits are trial limits; a run chart against the
median asks less of the data and is what improvement teams are taught to read first
(Perla RJ, Provost LP, Murray SK. The run chart: a simple analytical tool for learning
from variation in healthcare processes. BMJ Qual Saf 2011;20:46-51).

- Shift: 6 or more points in a row on one side of the median; points on the median
  neither count nor break it.
- Trend: 5 or more points all going up or all going down; equal neighbours count once.
- Runs: too few or too many runs on either side of the median for the number of useful
  observations (points not on the median), by thresholds.RUNS_LIMITS.

The median is of every point: a rebase resets the XmR limits, not this chart's median.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from decimal import Decimal

from progen.results.model import Observation, RunChart, RunSignal
from progen.results.series import in_date_order, runs_of
from progen.results.thresholds import RUN_CHART_TREND, RUNS_LIMITS, SHIFT


def run_chart(observations: Sequence[Observation]) -> RunChart:
    """The median, the runs and every signal, each dated from its first point to its last."""
    points = in_date_order(observations)
    if not points:
        return RunChart(median=None, useful=0, runs=0, signals=())
    # Taken over the decimals the user wrote, so the median of 87.1 and 87.3 is 87.2, as a
    # reader working it out would say, and not binary floating point's 87.19999999999999.
    exact = [Decimal(repr(p.value)) for p in points]
    median = statistics.median(exact)
    sides = [(v > median) - (v < median) for v in exact]
    useful = [i for i, s in enumerate(sides) if s]
    runs = list(runs_of([sides[i] for i in useful]))
    signals = [
        RunSignal("shift", points[useful[first]].date, points[useful[last]].date)
        for first, last, _ in runs
        if last - first + 1 >= SHIFT
    ]
    signals += [RunSignal("trend", points[a].date, points[b].date) for a, b in _trends(points)]
    limits = RUNS_LIMITS.get(len(useful))  # the table's range; outside it, no runs test
    if limits and not limits[0] <= len(runs) <= limits[1]:
        signals.append(RunSignal("runs", points[0].date, points[-1].date))
    return RunChart(
        median=float(median),
        useful=len(useful),
        runs=len(runs),
        signals=tuple(sorted(signals, key=lambda s: (s.start, s.end, s.rule))),
    )


def _trends(points: tuple[Observation, ...]) -> list[tuple[int, int]]:
    """(first, last) point of each trend. Equal neighbours collapse into one point, so a
    trend runs from the last of its first equals to the first of its last: the span over
    which the values actually moved."""
    groups = [(first, last) for first, last, _ in runs_of([p.value for p in points])]
    values = [points[first].value for first, _ in groups]
    steps = [(b > a) - (b < a) for a, b in itertools.pairwise(values)]
    return [
        (groups[first][1], groups[last + 1][0])
        for first, last, _ in runs_of(steps)
        if last - first + 2 >= RUN_CHART_TREND
    ]
