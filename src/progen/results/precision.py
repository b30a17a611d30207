"""How many decimals a measure's numbers are shown with, so a chart reads evenly.

A measure recorded in whole percentages and one recorded to a tenth of a day should not
both print limits as "52.83" next to "6.9": each value is shown as it was recorded, and
what is worked out from the values (the mean, the limits, a gap) with one decimal more,
always the same number of them, so "Upper 6.90" sits above "Mean 5.75".
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_DECIMALS = 4  # float noise beyond this is not a recorded decimal


def decimals(values: Iterable[float]) -> int:
    """The most decimals any of the recorded `values` has (0 for whole numbers)."""
    most = 0
    for v in values:
        text = f"{round(v, MAX_DECIMALS):.{MAX_DECIMALS}f}".rstrip("0")
        most = max(most, len(text.partition(".")[2]))
    return most


def fixed(value: float, places: int) -> str:
    """`value` with exactly `places` decimals: '6.90', '52.8', '-0.0' never ('0.0')."""
    text = f"{value:.{places}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text
