"""Axes shared by progen's charts: dates to x, the months along a time axis and how each
is labelled, and round numbers for a value axis. One place, so the timeline, the empty
run chart and the progress charts agree on them."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class TimeScale:
    """Days from `first` to `last` spread evenly from x0 to x1 (a one-day axis when the
    two are the same day, so nothing divides by zero)."""

    first: dt.date
    last: dt.date
    x0: float
    x1: float

    @cached_property
    def days(self) -> int:
        return max((self.last - self.first).days, 1)

    def __call__(self, d: dt.date) -> float:
        return self.x0 + (self.x1 - self.x0) * (d - self.first).days / self.days


def next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from `first`'s month to `last`'s."""
    d, out = dt.date(first.year, first.month, 1), []
    while d <= last:
        out.append(d)
        d = next_month(d)
    return out


@dataclass(frozen=True)
class MonthMark:
    """A month on a time axis: where it starts and ends (clipped to the axis) and its
    label, empty when there is no room for one."""

    x0: float
    x1: float
    label: str


def month_marks(
    scale: TimeScale, fits: Callable[[str, float], bool], shorten: bool
) -> list[MonthMark]:
    """The months on the axis, labelled so the year is said once and again each January:
    "Jan 2027" where it `fits` the month's room, or (when `shorten`) just "Jan"."""
    marks, year_said = [], False
    for m in month_starts(scale.first, scale.last):
        x0, x1 = scale(max(m, scale.first)), scale(min(next_month(m), scale.last))
        short = f"{m:%b}"
        wanted = [short] if m.month != 1 and year_said else [f"{m:%b %Y}", short]
        label = next((w for w in wanted[: 2 if shorten else 1] if fits(w, x1 - x0)), "")
        year_said = year_said or label not in ("", short)
        marks.append(MonthMark(x0, x1, label))
    return marks


NICE = (1, 2, 2.5, 5, 10)  # the multiples of a power of ten people read easily on an axis


def _decade(x: float) -> float:
    return 10 ** math.floor(math.log10(x))


def nice_step(raw: float) -> float:
    """The smallest nice multiple of `raw`'s power of ten that is at least `raw`: a step
    between grid lines."""
    power = _decade(raw)
    return next(s * power for s in NICE if s * power >= raw)


def nice_max(value: float) -> float:
    """The top of a value axis of ten bands, each a nice step, that holds `value`.
    Compared at the axis's own scale (step x 10 against `value`), not as the step against
    value / 10, which rounds differently a hair above a round number."""
    if value <= 0:
        return 10.0
    power = _decade(value / 10)
    return next((s * power * 10 for s in NICE if s * power * 10 >= value), power * 100)
