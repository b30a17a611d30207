"""The records template a build writes for each programme: the five records files, as CSV
files and as one workbook, pre-filled from the design so a coordinator only types values.

What is pre-filled: attendance, one row per planned person per session and per set
meeting (the person as the plan names them; a coordinator may type the real name over
it); PDSA, one row per planned cycle with its planned dates; feedback, one row per
session; evaluation, one row per measure per timepoint the measure is taken at (measures
taken at every session or set meeting are recorded in feedback or kept elsewhere);
measures, one row per task that has a measure, for the first value. The cells a
coordinator types are blank, and a row left so reads back as not yet recorded (read.py):
the template read back is empty records.

The workbook opens on an `about` sheet the reader ignores, and its sheets have a frozen
header, drop-downs for yes/no, 1-5 and the decisions, and dates as date cells. It is the
same bytes on every build of the same design: openpyxl's created and modified times and
the zip's entry times are set from SOURCE_DATE_EPOCH, or the programme's start.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from progen.design.model import Programme
from progen.design.participants import expected_at
from progen.errors import column_letters
from progen.publish.tables import csv_bytes
from progen.publish.timestamps import build_epoch
from progen.records.columns import ABOUT_SHEET, BY_NAME, DECISIONS, FILES, RATINGS
from progen.results.thresholds import REBASE_AFTER
from progen.spec.limits import MAX_RECORD_ROWS

WORKBOOK_NAME = "records-template.xlsx"
CSV_FOLDER = "records-template"  # <folder>/records-template/measures.csv, ...

Cell = str | int | dt.date | None
_WIDTH = {"name": 28, "change": 40, "prediction": 40, "result": 40, "note": 40, "comment": 50}
_WIDTH |= {"measure": 50, "respondent": 24, "date": 12, "start": 12, "end": 12}
_DEFAULT_WIDTH = 14
_SPARE_ROWS = 1000  # rows below the pre-filled ones that still get the drop-downs
_ZIP_EARLIEST = (1980, 1, 1, 0, 0, 0)  # a zip entry cannot be dated earlier


def template_rows(programme: Programme) -> dict[str, list[tuple[Cell, ...]]]:
    """Each records file's pre-filled rows, in its columns' order (columns.py)."""
    expected = expected_at(programme)
    events = [(s.date, 0, s.id, expected[s.id]) for s in programme.sessions]
    events += [(day, 1, st.id, expected[st.id]) for st in programme.sets for day in st.meetings]
    tasks = {t.id: t for t in programme.spec.tasks}
    return {
        "measures": [(t.id, None, None, None, None) for t in tasks.values() if t.measure],
        "attendance": [
            (event, day, name, None)
            for day, _, event, people in sorted(events, key=lambda e: e[:3])
            for name, _ in people
        ]
        if prefills_attendance(programme)
        else [],
        "pdsa": [
            (plan.task, c.n, c.start, c.end, None, None, None, None)
            for plan in programme.pdsa
            for c in plan.cycles
        ],
        "feedback": [(s.id, None, None) for s in programme.sessions],
        "evaluation": [
            (t.name, level.level, m.name, None, None)
            for t in programme.evaluation.timepoints
            for level in programme.evaluation.levels
            for m in level.measures
            if t.name in m.when
        ],
    }


def planned_places(programme: Programme) -> int:
    """One per planned person per session and per set meeting: the attendance rows."""
    expected = expected_at(programme)
    taught = sum(len(expected[s.id]) for s in programme.sessions)
    return taught + sum(len(expected[st.id]) * len(st.meetings) for st in programme.sets)


def prefills_attendance(programme: Programme) -> bool:
    """Whether the template lists every planned place: not when there are more than a
    records file may hold (a region of 20,000 people plans hundreds of thousands), which
    would give a template its own reader refuses and a workbook of gigabytes to build."""
    return planned_places(programme) < MAX_RECORD_ROWS - _SPARE_ROWS


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    return cell.isoformat() if isinstance(cell, dt.date) else str(cell)


def _about(programme: Programme) -> list[str]:
    folder = f"records/{programme.id}/"
    return [
        f"Records for {programme.title}",
        "",
        "Type what happened in the blank cells; leave a row blank until it has happened, and "
        "add rows as you need them.",
        f"Save this workbook as records.xlsx in the folder {folder} beside programmes/ (or "
        f"save each sheet as a CSV file of its name, UTF-8, in that folder) and build again.",
        "",
        "measures: how to fill this in.",
        "  - One row per period (a month, or a week) for each task, with the period's last "
        "day as the date (2027-03-31 for March 2027).",
        "  - History from before the programme started is welcome: the more periods before "
        "the change, the better the chart can tell a real change from ordinary variation.",
        f"  - rebase = 1 only after a sustained signal: the chart shows special cause "
        f"improvement, the new level has held for {REBASE_AFTER} periods, and a change was "
        f"adopted. Put it on the first period of the new level; the limits are then worked "
        f"out again from there.",
        "  - note: anything a reader of the chart should know about that period; it is shown "
        "beside the point.",
        "attendance: attended = yes or no for each person at each session and set meeting."
        + (
            ""
            if prefills_attendance(programme)
            else f" This programme plans {planned_places(programme):,} places, more than a "
            f"records file may hold ({MAX_RECORD_ROWS:,} rows), so they are not listed here: "
            f"record the events you follow closely (each set's meetings, say), one row per "
            f"person."
        ),
        "pdsa: what each cycle changed, predicted and found, and the decision (adopt, adapt, "
        "abandon or continue).",
        "feedback: each participant's rating of a session, 1 (poor) to 5 (excellent); copy "
        "the row for each participant.",
        "evaluation: each respondent's score at each timepoint; copy the row for each respondent.",
        "",
        "Dates are YYYY-MM-DD. This sheet is never read.",
    ]


_ALLOWED = {  # what the drop-down refuses a typed entry with
    "attended": "Choose yes or no.",
    "rating": f"Type a whole number from {RATINGS[0]} (poor) to {RATINGS[1]} (excellent).",
    "decision": f"Choose {', '.join(DECISIONS[:-1])} or {DECISIONS[-1]}.",
    "rebase": "Choose 1, or leave it blank.",
}


def _validations(sheet, columns: tuple[str, ...], last_row: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    low, high = RATINGS
    rules = {
        "attended": DataValidation(type="list", formula1='"yes,no"'),
        "rating": DataValidation(
            type="whole", operator="between", formula1=str(low), formula2=str(high)
        ),
        "decision": DataValidation(type="list", formula1=f'"{",".join(DECISIONS)}"'),
        "rebase": DataValidation(type="list", formula1='"1"'),
    }
    for i, name in enumerate(columns, 1):
        if name in rules:
            rule = rules[name]
            rule.showErrorMessage = True  # a wrong entry is refused as it is typed
            rule.errorTitle = f"Not a {name}"
            rule.error = _ALLOWED[name]
            rule.add(f"{column_letters(i)}2:{column_letters(i)}{last_row}")
            sheet.add_data_validation(rule)


def _sheet(book, name: str, rows: list[tuple[Cell, ...]]) -> None:
    from openpyxl.styles import Font

    columns = BY_NAME[name].columns
    sheet = book.create_sheet(name)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a name starting with = is text, never a formula
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for i, column in enumerate(columns, 1):
        sheet.column_dimensions[column_letters(i)].width = _WIDTH.get(column, _DEFAULT_WIDTH)
    _validations(sheet, columns, len(rows) + 1 + _SPARE_ROWS)


def workbook_bytes(programme: Programme, epoch: int) -> bytes:
    """records-template.xlsx, the same bytes for the same programme and `epoch`."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    about = book.active
    about.title = ABOUT_SHEET
    for line in _about(programme):
        about.append([line])
        about.cell(about.max_row, 1).data_type = "s"
    about.column_dimensions["A"].width = 110
    for name, rows in template_rows(programme).items():
        _sheet(book, name, rows)
    stamp = dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)
    book.properties.created = book.properties.modified = stamp
    raw = io.BytesIO()
    # openpyxl's save_workbook stamps the clock as the modified time; its writer does not.
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _dated(raw.getvalue(), max(stamp.timetuple()[:6], _ZIP_EARLIEST))


def _dated(raw: bytes, when: tuple[int, ...]) -> bytes:
    """The zip in `raw` with every entry dated `when`, rather than when it was written."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            entry = zipfile.ZipInfo(member.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(member))
    return out.getvalue()


def write_templates(programme: Programme, folder: Path) -> tuple[Path, ...]:
    """Write records-template.xlsx and records-template/<name>.csv into `folder` (the
    programme's site folder); the paths written, workbook first."""
    folder.mkdir(parents=True, exist_ok=True)
    workbook = folder / WORKBOOK_NAME
    workbook.write_bytes(workbook_bytes(programme, build_epoch(programme.spec.programme.start)))
    written = [workbook]
    rows = template_rows(programme)
    (folder / CSV_FOLDER).mkdir(exist_ok=True)
    for spec in FILES:
        path = folder / CSV_FOLDER / f"{spec.name}.csv"
        path.write_bytes(csv_bytes(spec.columns, [tuple(map(_text, r)) for r in rows[spec.name]]))
        written.append(path)
    return tuple(written)
