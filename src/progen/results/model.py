"""What the results analysis takes and gives: frozen values named as SPEC.md section 6.

A measure's points go in as `Observation`s; an `XmrChart` and a `RunChart` come out,
their field names and string values exactly those of `progress.json` `measures[]`, so
the writer of that file copies rather than translates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Improvement = Literal["increase", "decrease", "neutral"]


@dataclass(frozen=True)
class Observation:
    """One data point of a task measure; `rebase` marks the first point of a new segment
    (after a change was adopted), as the `rebase` column of measures.csv does."""

    date: dt.date
    value: float
    rebase: bool = False


@dataclass(frozen=True)
class XmrPoint:
    date: dt.date
    value: float
    segment: int  # 0 for the first segment, one more at each rebase
    mean: float
    lpl: float | None  # None where the package's limits are undefined (NaN): see spc.py
    upl: float | None
    rule: str | None  # above_upl, below_lpl, trend_up, ..., or None for common cause
    point_type: str


@dataclass(frozen=True)
class XmrChart:
    points: tuple[XmrPoint, ...]
    variation: str
    assurance: str | None
    provisional: bool


@dataclass(frozen=True)
class RunSignal:
    rule: str  # shift, trend or runs
    start: dt.date  # `from` in progress.json
    end: dt.date  # `to`


@dataclass(frozen=True)
class RunChart:
    median: float | None  # None for a measure with no points
    useful: int  # observations not on the median
    runs: int  # runs of points on one side of the median
    signals: tuple[RunSignal, ...]
