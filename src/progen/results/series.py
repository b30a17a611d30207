"""What both charts need from a measure's points: date order, and runs of equal keys."""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterator, Sequence

from progen.results.model import Observation


def in_date_order(observations: Sequence[Observation]) -> tuple[Observation, ...]:
    """The points oldest first. Records are checked before they get here (a duplicate date or
    a value that is not a finite number is the user's to fix, located in their file), so
    either here is a caller's bug; NHSRplotthedots refuses duplicate dates too
    (R/ptd_validate_spc_options.R)."""
    points = tuple(sorted(observations, key=lambda o: o.date))
    for before, after in itertools.pairwise(points):
        if before.date == after.date:
            raise ValueError(f"two points dated {after.date.isoformat()}")
    for point in points:
        if not math.isfinite(point.value):
            raise ValueError(f"the point dated {point.date.isoformat()} is not a finite number")
    return points


def runs_of(keys: Sequence[Hashable]) -> Iterator[tuple[int, int, Hashable]]:
    """Each maximal stretch of equal neighbouring keys as (first index, last index, key)."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            yield start, i - 1, keys[start]
            start = i
