"""Records files as tables of raw cells: a CSV file, or the sheets of records.xlsx.

Anything can sit where a records file is expected: an empty file, a binary, text in
another encoding, a FIFO, a folder, a workbook that is no zip or is a zip bomb, a sheet
with a million rows or a cell in column XFD. Each is a located problem here, never a
traceback or a hang: files are read with read_limited, a workbook's members are checked
by their declared sizes before openpyxl unpacks any, and rows and columns are bounded.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import zip_longest
from pathlib import Path

from progen.errors import Problem, column_letters
from progen.records.cells import is_blank
from progen.records.cells import shown as shown_value
from progen.records.columns import ABOUT_SHEET, BY_NAME, WORKBOOK
from progen.spec.files import NotReadable, read_limited
from progen.spec.limits import (
    MAX_RECORD_BYTES,
    MAX_RECORD_COLUMNS,
    MAX_RECORD_ROWS,
    MAX_WORKBOOK_MEMBERS,
    MAX_WORKBOOK_UNPACKED,
)
from progen.spec.schema import suggest

Row = tuple[object, ...]
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0"  # an old .xls workbook, or an encrypted .xlsx
_SAVE_AS_CSV = "in Excel, use Save As 'CSV UTF-8 (Comma delimited)'"


@dataclass(frozen=True)
class Table:
    """One records file's cells as read, row 1 being the header."""

    name: str  # which records file: "measures"
    file: str  # the file as the user knows it
    sheet: str | None  # the sheet, for a workbook
    rows: tuple[Row, ...]
    # Rows with a cell that could not be read, its problem already reported: they are not
    # read further, so one cell gives one problem.
    unread: frozenset[int] = frozenset()
    # A workbook sheet's merged ranges: only a range's first cell holds its value, so the
    # others read blank, and a message about a blank cell says why.
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (top, left, bottom, right)

    def problem(self, row: int, column: int, message: str, severity: str = "error") -> Problem:
        return Problem(self.file, row, column, "", message, severity, sheet=self.sheet, cells=True)

    def merged_into(self, row: int, column: int) -> str | None:
        """The first cell of the merged range holding this cell (not being it), as a
        spreadsheet names it, or None."""
        for top, left, bottom, right in self.merged:
            if top <= row <= bottom and left <= column <= right and (row, column) != (top, left):
                return f"{column_letters(left)}{top}"
        return None


def file_problem(shown: str, message: str, line: int = 1, severity: str = "error") -> Problem:
    """A problem with a whole file, before any cell of it could be read."""
    return Problem(shown, line, 1, "", message, severity, cells=True)


def _bounded(rows: Iterable[Row], table: Table) -> tuple[tuple[Row, ...], list[Problem]]:
    kept: list[Row] = []
    for row in rows:
        if len(kept) == MAX_RECORD_ROWS:
            return tuple(kept), [
                table.problem(
                    MAX_RECORD_ROWS + 1,
                    1,
                    f"more than {MAX_RECORD_ROWS:,} rows; a records file may hold at most that",
                )
            ]
        kept.append(row)
    return tuple(kept), []


def read_csv(path: Path, shown: str, name: str) -> tuple[Table | None, list[Problem]]:
    """The CSV file at `path` as a table, or the problem that stops it being read."""
    try:
        raw = read_limited(path, MAX_RECORD_BYTES, "records file")
    except NotReadable as err:
        return None, [file_problem(shown, f"cannot read this records file: {err.reason}")]
    if raw.startswith((_ZIP, _OLE2)):
        return None, [
            file_problem(
                shown,
                f"this is a workbook, not CSV text; {_SAVE_AS_CSV}, or put the sheet "
                f"'{name}' in {WORKBOOK}",
            )
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [
            file_problem(
                shown,
                f"this is not UTF-8 text (byte 0x{raw[err.start]:02x} at line {line}); "
                f"{_SAVE_AS_CSV}",
                line,
            )
        ]
    table = Table(name, shown, None, ())
    rows, problems = _csv_rows(text, table)
    nul = [
        table.problem(
            number,
            column,
            "this cell holds a NUL byte: is this a binary file? Records files are CSV text",
        )
        for number, row in enumerate(rows, 1)
        for column, cell in enumerate(row, 1)
        if "\x00" in cell
    ]
    return _unread(Table(name, shown, None, rows), nul), problems + nul


def _csv_rows(text: str, table: Table) -> tuple[tuple[Row, ...], list[Problem]]:
    """The rows of CSV text, bounded, strictly quoted: a quote left open would otherwise
    swallow every later line into one cell without a word. A cell may be as long as the
    file (the limit on text cells is checked with the other cells, at its own column)."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    broken: list[Problem] = []

    def read() -> Iterator[Row]:
        ended, count = 0, 0  # the physical line the last row ended on; rows read
        try:
            for row in reader:
                count += 1
                yield tuple(row)
                ended = reader.line_num
        except csv.Error as err:
            lines = io.StringIO(text, newline="").readlines()
            start = lines[ended] if ended < len(lines) else ""
            message = (
                "a quote opens in this cell and is never closed, so every line after it "
                "would be read as one cell; close the quote"
                if "end of data" in str(err)
                else "this cell has text after its closing quote"
                if "expected after" in str(err)
                else f"this row is not readable CSV ({err})"
            )
            broken.append(
                table.problem(
                    count + 1,
                    _quoted_column(start),
                    f"{message} (a quote inside a cell is written as two quotes)",
                )
            )

    rows, problems = _bounded(read(), table)
    return rows, problems + broken


def _quoted_column(line: str) -> int:
    """The column of the quoted cell that breaks a CSV line: the one whose quote is still
    open at the line's end, or the first with something after its closing quote."""
    column, opened, quoted, closed, start = 1, 1, False, False, True
    for char in line.rstrip("\r\n"):
        if quoted:
            quoted, closed = char != '"', char == '"'
        elif char == '"' and (start or closed):
            quoted, closed, start, opened = True, False, False, column
        elif char == ",":
            column, closed, start = column + 1, False, True
        elif closed:
            return column
        else:
            start = False
    return opened if quoted else column


def _unread(table: Table, problems: list[Problem]) -> Table:
    return replace(table, unread=frozenset(p.line for p in problems))


def _members_problem(raw: bytes, shown: str) -> Problem | None:
    """Why the zip in `raw` is no workbook to open, judged from its directory alone."""
    if raw.startswith(_OLE2):
        return file_problem(
            shown,
            "this is an old-style .xls workbook or a password-protected one; save it as an "
            "Excel Workbook (.xlsx) without a password",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return file_problem(shown, "this is not an Excel workbook (.xlsx): it is not a zip file")
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_WORKBOOK_MEMBERS or unpacked > MAX_WORKBOOK_UNPACKED:
        return file_problem(
            shown,
            f"this workbook unpacks to {len(members):,} parts of {unpacked:,} bytes; a records "
            f"workbook may unpack to at most {MAX_WORKBOOK_MEMBERS:,} parts of "
            f"{MAX_WORKBOOK_UNPACKED:,} bytes",
        )
    return None


def _sheet_rows(sheet) -> Iterator[Row]:
    """A read-only sheet's rows as values, at most MAX_RECORD_COLUMNS + 1 cells across, so
    a cell in column XFD costs nothing but a problem about the column it is in."""
    sheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row to 16,384 cells
    for row in sheet.iter_rows(max_col=MAX_RECORD_COLUMNS + 1, values_only=True):
        cells = list(row)
        while cells and cells[-1] is None:  # iter_rows pads every row to max_col
            cells.pop()
        yield tuple(cells)


def _formula_problems(table: Table, formulas: tuple[Row, ...]) -> list[Problem]:
    """A formula whose result was never stored (a file a program wrote, not one Excel
    saved) reads as blank beside a formula: there is no value to read, so the user must
    type it."""
    return [
        table.problem(
            number, column, "this formula has no stored result; type the value, not a formula"
        )
        for number, (values, written) in enumerate(
            zip_longest(table.rows, formulas, fillvalue=()), 1
        )
        for column, (value, raw) in enumerate(zip_longest(values, written), 1)
        if is_blank(value) and not is_blank(raw)
    ]


def _open(raw: bytes, *, values: bool):
    import openpyxl  # only a build with a records workbook pays for importing it

    return openpyxl.load_workbook(
        io.BytesIO(raw), read_only=True, data_only=values, keep_links=False
    )


_FORMULA = re.compile(rb"<([A-Za-z_][\w.-]*:)?f[\s/>]")


def _has_formulas(raw: bytes) -> bool:
    """Whether any sheet of the workbook holds a formula: only then is it read a second
    time for them, which halves the time to read a large sheet (BENCHMARKS.md)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return any(
            _FORMULA.search(archive.read(m))
            for m in archive.infolist()
            if m.filename.startswith("xl/worksheets/")
        )


_MERGE = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"'
)
_MERGES_READ = 1_000  # merged ranges of one sheet that a message may name; more is no table


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _merges(archive: zipfile.ZipFile, sheet) -> tuple[tuple[int, int, int, int], ...]:
    """A read-only sheet's merged ranges, read from its XML (openpyxl reads them only when
    it loads the whole workbook, at many times the cost)."""
    path = sheet._worksheet_path.lstrip("/")
    found = _MERGE.finditer(archive.read(path)) if path in archive.namelist() else ()
    return tuple(
        (int(top), _column_number(left), int(bottom), _column_number(right))
        for (left, top, right, bottom), _ in zip(
            (m.groups() for m in found), range(_MERGES_READ), strict=False
        )
    )


def _state_problem(table: Table, state: str) -> list[Problem]:
    """A sheet no one can see holds records no one can check: a very hidden one (which
    only a macro or the VBA editor can show) is an error, a hidden one a warning."""
    if state == "veryHidden":
        return [
            table.problem(
                1,
                1,
                "this sheet is very hidden, so no one can see or check its records; unhide "
                "it (in the VBA editor, set Visible to -1) or delete it",
            )
        ]
    if state == "hidden":
        return [table.problem(1, 1, "this sheet is hidden; its records count", "warning")]
    return []


def _sheets(
    book, written, archive: zipfile.ZipFile, shown: str
) -> tuple[list[Table], list[Problem]]:
    """The known sheets of an open workbook (`book` its values, `written` what was typed,
    formulas included) as tables; a problem for each sheet progen does not know, unless it
    is empty (as Excel's own Sheet1 is) or the template's `about`."""
    tables: list[Table] = []
    problems: list[Problem] = []
    for title in book.sheetnames:
        name = title.strip().lower()
        table = Table(name, shown, title, ())
        rows, limit = _bounded(_sheet_rows(book[title]), table)
        if name == ABOUT_SHEET or not any(any(not is_blank(v) for v in r) for r in rows):
            continue
        if name not in BY_NAME:
            known = list(BY_NAME)
            problems.append(
                table.problem(
                    1,
                    1,
                    f"progen keeps no records in a sheet {shown_value(title)}; the sheets are "
                    f"{', '.join(known)}{suggest(name, known)}",
                )
            )
            continue
        problems += _state_problem(table, book[title].sheet_state)
        table = Table(name, shown, title, rows, merged=_merges(archive, book[title]))
        formulas = _bounded(_sheet_rows(written[title]), table)[0] if written else ()
        unread = _formula_problems(table, formulas)
        problems += limit + unread
        tables.append(_unread(table, unread))
    return tables, problems


def read_workbook(path: Path, shown: str) -> tuple[list[Table], list[Problem]]:
    """The records sheets of the workbook at `path` as tables, and their problems."""
    try:
        raw = read_limited(path, MAX_RECORD_BYTES, "records workbook")
    except NotReadable as err:
        return [], [file_problem(shown, f"cannot read this records workbook: {err.reason}")]
    if problem := _members_problem(raw, shown):
        return [], [problem]
    books = []
    # openpyxl raises many kinds of exception (KeyError, ValueError, XML parse errors,
    # zipfile errors) for a damaged or hand-made workbook; each means the same to the user.
    try:
        books = [_open(raw, values=True)]
        if _has_formulas(raw):
            books.append(_open(raw, values=False))
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return _sheets(books[0], books[1] if len(books) > 1 else None, archive, shown)
    except Exception as err:
        return [], [file_problem(shown, f"this workbook cannot be read ({type(err).__name__})")]
    finally:
        for book in books:
            book.close()
