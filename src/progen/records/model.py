"""A programme's records as frozen values, one type per records file of SPEC.md section 6.

Readers (CSV or the `records.xlsx` workbook) produce these only after every row has been
checked, so the analysis and the pages never meet a bad value. Each row keeps where it
came from, so a later check against the programme can still point at the user's cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from progen.errors import Problem


@dataclass(frozen=True)
class Origin:
    """Where a row was read: `file` as the user knows it (records/p/measures.csv or
    records/p/records.xlsx) with `sheet` set for a workbook; `row` 1-based, the header is 1.
    `columns` is the file's header as read (lower case, in the user's order), so a check made
    long after reading can still point at the very cell it is about."""

    file: str
    row: int
    sheet: str | None = None
    columns: tuple[str, ...] = ()

    def column(self, name: str) -> int:
        """The 1-based column holding `name` in this row's file (1 when it has none)."""
        return self.columns.index(name) + 1 if name in self.columns else 1

    def problem(self, name: str, message: str, severity: str = "error") -> Problem:
        """A problem at this row's `name` cell, labelled with the column's name."""
        return Problem(
            self.file, self.row, self.column(name), name, message, severity, self.sheet, True
        )


@dataclass(frozen=True)
class MeasurePoint:
    task: str
    date: dt.date
    value: float
    note: str = ""
    rebase: bool = False  # the first point of a new segment, after a change was adopted
    origin: Origin | None = None


@dataclass(frozen=True)
class Attendance:
    event: str  # a session id (s03) or a set id (set-2)
    date: dt.date
    name: str
    attended: bool
    origin: Origin | None = None


@dataclass(frozen=True)
class PdsaRecord:
    task: str
    cycle: int
    start: dt.date
    end: dt.date | None  # None while the cycle is still running
    change: str
    prediction: str
    result: str
    decision: str  # adopt | adapt | abandon | continue, or "" while running
    origin: Origin | None = None


@dataclass(frozen=True)
class Feedback:
    session: str
    rating: int  # 1..5
    comment: str = ""
    origin: Origin | None = None


@dataclass(frozen=True)
class EvaluationResponse:
    timepoint: str
    level: str  # reaction | learning | behaviour | results
    measure: str
    respondent: str
    score: float
    origin: Origin | None = None


@dataclass(frozen=True)
class Records:
    """Everything recorded for one programme; every file is optional, so any part may be empty."""

    programme: str
    measures: tuple[MeasurePoint, ...] = ()
    attendance: tuple[Attendance, ...] = ()
    pdsa: tuple[PdsaRecord, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    evaluation: tuple[EvaluationResponse, ...] = ()

    def latest(self) -> dt.date | None:
        """The date of the latest record: a report is "as at" this day unless told otherwise."""
        dates = [
            *(m.date for m in self.measures),
            *(a.date for a in self.attendance),
            *(p.end or p.start for p in self.pdsa),
        ]
        return max(dates, default=None)
