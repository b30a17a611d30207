"""One row's cells turned into the values a record holds, with a located problem for each
cell that does not hold one.

A cell comes from a CSV file (always text) or a workbook (text, a number, a true/false, or
a date Excel stored as a date), so each reader accepts both forms. What is accepted:
dates as YYYY-MM-DD text or a date cell; plain decimal numbers (no thousands separators,
no NaN or infinity); `attended` as yes/no, y/n, true/false or 1/0 in any case, or a
TRUE/FALSE cell, since all of them are unambiguous and each is what some spreadsheet
writes; `rebase` as 1 (a new segment) or blank/0; `decision` in any case.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import TypeVar

from progen.errors import Problem
from progen.records.model import Origin
from progen.spec.schema import suggest

T = TypeVar("T")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_SHOWN = 40


def shown(value: object) -> str:
    """A cell's value as a message quotes it, cut short."""
    text = str(value)
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "...")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Cells:
    """A row's cells by column name; each accessor returns the value or None, and keeps a
    problem at the cell when the value is missing or wrong."""

    def __init__(self, origin: Origin, values: Mapping[str, object]):
        self.origin = origin
        self.values = values
        self.problems: list[Problem] = []

    def blank(self, name: str) -> bool:
        return is_blank(self.values.get(name))

    def fail(self, name: str, message: str) -> None:
        self.problems.append(self.origin.problem(name, message))

    def _present(self, name: str, required: bool) -> object | None:
        if self.blank(name):
            if required:
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
        return str(value)

    def date(self, name: str, *, required: bool = True) -> dt.date | None:
        value = self._present(name, required)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            if value.time() == dt.time():
                return value.date()
            self.fail(name, f"{value.isoformat(' ')} has a time of day; give the date alone")
            return None
        if isinstance(value, dt.date):
            return value
        text = str(value)
        if _ISO_DATE.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                self.fail(name, f"{shown(text)} is not a date in the calendar")
                return None
        hint = "write dates as YYYY-MM-DD"
        if match := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                hint += f" (if the day comes first, {year:04d}-{month:02d}-{day:02d})"
        self.fail(name, f"{shown(text)} is not a date; {hint}")
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
        if not math.isfinite(number):
            self.fail(name, f"{shown(value)} is too large a number")
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
