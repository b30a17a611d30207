"""One row's cells turned into the values a record holds, with a located problem for each
cell that does not hold one.

A cell comes from a CSV file (always text) or a workbook (text, a number, a true/false, or
a date Excel stored as a date), so each reader accepts both forms. What is accepted:
dates as YYYY-MM-DD text or a date cell, from EARLIEST_RECORD_YEAR to LATEST_RECORD_YEAR;
plain decimal numbers (no thousands separators, no NaN or infinity, none beyond
±MAX_RECORD_VALUE, which only a typo reaches and which would overflow the charts'
arithmetic); `attended` as yes/no, y/n, true/false or 1/0 in any case, or a TRUE/FALSE
cell, since all of them are unambiguous and each is what some spreadsheet writes;
`rebase` as 1 (a new segment) or blank/0; `decision` in any case. Text may not hold
control characters or bidirectional overrides (they would reach the terminal, the pages
and the PDF), nor more than MAX_RECORD_TEXT characters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import TypeVar

from progen.errors import Problem
from progen.records.model import Origin
from progen.spec.limits import (
    CONTROL_CHARACTERS,
    EARLIEST_RECORD_YEAR,
    LATEST_RECORD_YEAR,
    MAX_RECORD_TEXT,
    MAX_RECORD_VALUE,
)
from progen.spec.schema import suggest

T = TypeVar("T")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_SHOWN = 40
_EXCEL_DAY_ZERO = dt.date(1899, 12, 30)  # what Excel's date serial 0 means, in practice
_SERIAL = re.compile(r"[0-9]{1,6}(\.0*)?")


def shown(value: object) -> str:
    """A cell's value as a message quotes it, cut short."""
    text = str(value)
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "...")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Cells:
    """A row's cells by column name; each accessor returns the value or None, and keeps a
    problem at the cell when the value is missing or wrong."""

    def __init__(
        self, origin: Origin, values: Mapping[str, object], merged: Mapping[str, str] | None = None
    ):
        self.origin = origin
        self.values = values
        # The cells of this row inside a merged range of a sheet, by column name, each to
        # the range's first cell: only that one holds the value, so the rest read blank.
        self.merged = merged or {}
        self.problems: list[Problem] = []

    def blank(self, name: str) -> bool:
        return is_blank(self.values.get(name))

    def fail(self, name: str, message: str) -> None:
        self.problems.append(self.origin.problem(name, message))

    def _present(self, name: str, required: bool) -> object | None:
        if self.blank(name):
            if required and name in self.merged:
                self.fail(
                    name,
                    f"no {name}: this cell is merged into {self.merged[name]}, which alone "
                    f"holds the value; unmerge the cells and type the {name} in every row",
                )
            elif required:
                self.fail(name, f"no {name}: this row needs one")
            return None
        value = self.values[name]
        return value.strip() if isinstance(value, str) else value

    def text(self, name: str, *, required: bool = False) -> str:
        value = self._present(name, required)
        if value is None:
            return ""
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return value.isoformat()
        text = str(value)
        if bad := CONTROL_CHARACTERS.search(text):
            self.fail(
                name,
                f"this text holds the control character U+{ord(bad.group()):04X}, which "
                f"could change how the line reads; delete it",
            )
            return ""
        if len(text) > MAX_RECORD_TEXT:
            self.fail(
                name,
                f"this text is {len(text):,} characters long; a records cell may hold at "
                f"most {MAX_RECORD_TEXT:,}",
            )
            return ""
        return text

    def date(self, name: str, *, required: bool = True) -> dt.date | None:
        value = self._present(name, required)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            if value.time() == dt.time():
                return self._dated(name, value.date())
            self.fail(name, f"{value.isoformat(' ')} has a time of day; give the date alone")
            return None
        if isinstance(value, dt.date):
            return self._dated(name, value)
        text = str(value)
        if _ISO_DATE.fullmatch(text):
            try:
                return self._dated(name, dt.date.fromisoformat(text))
            except ValueError:
                self.fail(name, f"{shown(text)} is not a date in the calendar")
                return None
        hint = "write dates as YYYY-MM-DD" + _serial_hint(value)
        if match := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                hint += f" (if the day comes first, {year:04d}-{month:02d}-{day:02d})"
        self.fail(name, f"{shown(text)} is not a date; {hint}")
        return None

    def _dated(self, name: str, day: dt.date) -> dt.date | None:
        if EARLIEST_RECORD_YEAR <= day.year <= LATEST_RECORD_YEAR:
            return day
        self.fail(
            name,
            f"{day.isoformat()} is not a date a record can have; records are dated from "
            f"{EARLIEST_RECORD_YEAR} to {LATEST_RECORD_YEAR}",
        )
        return None

    def number(self, name: str) -> float | None:
        value = self._present(name, True)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(name, f"{shown(value)} is not a number")
            return None
        if isinstance(value, str) and not _DECIMAL.fullmatch(value):
            hint = " (write it without thousands separators)" if "," in value else ""
            self.fail(name, f"{shown(value)} is not a number{hint}")
            return None
        number = float(value)
        if not math.isfinite(number) or abs(number) > MAX_RECORD_VALUE:
            self.fail(
                name,
                f"{shown(value)} is too large a number; records hold numbers from "
                f"{-MAX_RECORD_VALUE:g} to {MAX_RECORD_VALUE:g}",
            )
            return None
        return number

    def whole(self, name: str, low: int, high: int | None = None) -> int | None:
        """A whole number from `low` to `high` (no upper bound when None)."""
        number = self.number(name)
        if number is None:
            return None
        span = f"from {low} to {high}" if high is not None else f"of {low} or more"
        if number != int(number) or number < low or (high is not None and number > high):
            self.fail(name, f"{shown(self.values[name])} is not a whole number {span}")
            return None
        return int(number)

    def choice(
        self, name: str, choices: Mapping[str, T], *, required: bool = True, say: str = ""
    ) -> T | None:
        """One of `choices`, matched without regard to case; `say` words the choices for the
        message when listing every accepted spelling would not help."""
        value = self._present(name, required)
        if value is None:
            return None
        key = str(value).lower()
        if isinstance(value, bool):  # a TRUE/FALSE cell
            key = "true" if value else "false"
        elif isinstance(value, int | float) and value == int(value):
            key = str(int(value))
        if key in choices:
            return choices[key]
        words = list(choices)
        self.fail(name, f"{shown(value)} is not {say or ' or '.join(words)}{suggest(key, words)}")
        return None


def _serial_hint(value: object) -> str:
    """A hint for a date cell holding a whole number Excel would show as a date (a date
    column formatted as a number, or a date pasted as its value): what date it is."""
    if isinstance(value, bool) or not (
        isinstance(value, int | float) or _SERIAL.fullmatch(str(value))
    ):
        return ""
    serial = float(value)  # type: ignore[arg-type]
    if serial != int(serial) or not 1 <= serial <= 200_000:
        return ""
    day = _EXCEL_DAY_ZERO + dt.timedelta(days=int(serial))
    if not EARLIEST_RECORD_YEAR <= day.year <= LATEST_RECORD_YEAR:
        return ""
    return (
        f" (this looks like an Excel date serial, {day.isoformat()}: format the cell "
        f"as a date, or type the date as text)"
    )
