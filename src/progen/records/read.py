"""Read a programme's records folder (SPEC.md section 6) into checked, frozen Records.

The folder holds any of the five CSV files and/or one records.xlsx with a sheet per file.
Every problem in every file is found before any is reported. Decisions a user would
otherwise have to guess at:

- Headers are matched without regard to case or surrounding spaces, in any order.
- A row whose typed cells (columns.py) are all blank is a row of the template not yet
  filled in, and is skipped; so is a wholly blank row, and an empty file or sheet.
- A PDSA cycle with neither a result nor a decision is still running: its `end` (the
  template's planned end) is not read, so a planned date never counts as a record.
- A file and a sheet of the same name may both exist (the template has every sheet), but
  only one of them may hold records: if both do, which one counts would be a guess.
- Other CSV or workbook files in the folder are an error, since a misspelt name would
  otherwise drop its records without a word; a file of another kind whose name is close
  to a records file's (measures.txt, "measures.csv " with a trailing space) is a warning;
  hidden files, Excel's ~$ lock files and any other file are ignored.
- A symbolic link in the folder is an error and is never followed: records are the
  files in the folder, and a link could make a message quote a file from elsewhere.
- Rows that read cleanly are kept even when others have problems, so the checks against
  the programme (check.py) run on them too and one run reports every problem.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from pathlib import Path

from progen.errors import SHOWN_PROBLEMS, Problem, UserError
from progen.records.cells import Cells, is_blank, shown
from progen.records.columns import ATTENDED, BY_NAME, DECISIONS, WORKBOOK, RecordsFile
from progen.records.model import (
    Attendance,
    EvaluationResponse,
    Feedback,
    MeasurePoint,
    Origin,
    PdsaRecord,
    Records,
)
from progen.records.sources import Table, file_problem, read_csv, read_workbook
from progen.spec.limits import MAX_RECORD_COLUMNS
from progen.spec.schema import suggest

REBASE = {"1": True, "0": False}


def _measure(c: Cells) -> MeasurePoint | None:
    task, date, value = c.text("task", required=True), c.date("date"), c.number("value")
    note, rebase = c.text("note"), c.choice("rebase", REBASE, required=False, say="1 or blank")
    if c.problems or date is None or value is None:
        return None
    return MeasurePoint(task, date, value, note, bool(rebase), c.origin)


def _attendance(c: Cells) -> Attendance | None:
    event, date, name = (
        c.text("event", required=True),
        c.date("date"),
        c.text("name", required=True),
    )
    attended = c.choice("attended", ATTENDED, say="yes or no")
    if c.problems or date is None or attended is None:
        return None
    return Attendance(event, date, name, attended, c.origin)


def _pdsa(c: Cells) -> PdsaRecord | None:
    task, cycle, start = c.text("task", required=True), c.whole("cycle", 1), c.date("start")
    change, prediction, result = c.text("change"), c.text("prediction"), c.text("result")
    decision = c.choice("decision", {d: d for d in DECISIONS}, required=False) or ""
    end = c.date("end", required=False) if result or decision else None
    if start is not None and end is not None and end < start:
        c.fail("end", f"the cycle ends ({end}) before it starts ({start})")
    if c.problems or cycle is None or start is None:
        return None
    return PdsaRecord(task, cycle, start, end, change, prediction, result, decision, c.origin)


def _feedback(c: Cells) -> Feedback | None:
    session, rating, comment = (
        c.text("session", required=True),
        c.whole("rating", 1, 5),
        c.text("comment"),
    )
    if c.problems or rating is None:
        return None
    return Feedback(session, rating, comment, c.origin)


def _evaluation(c: Cells) -> EvaluationResponse | None:
    timepoint, level = c.text("timepoint", required=True), c.text("level", required=True)
    measure, respondent = c.text("measure", required=True), c.text("respondent", required=True)
    score = c.number("score")
    if c.problems or score is None:
        return None
    return EvaluationResponse(timepoint, level, measure, respondent, score, c.origin)


BUILDERS: dict[str, Callable[[Cells], object | None]] = {
    "measures": _measure,
    "attendance": _attendance,
    "pdsa": _pdsa,
    "feedback": _feedback,
    "evaluation": _evaluation,
}


def _header(table: Table, spec: RecordsFile) -> tuple[tuple[str, ...], list[Problem]]:
    """The header's column names (lower case, "" where blank) and its problems."""
    names = tuple("" if is_blank(v) else str(v).strip().lower() for v in table.rows[0])
    problems = []
    if not any(names):
        return names, [table.problem(1, 1, f"row 1 must be the header: {', '.join(spec.columns)}")]
    if len(names) > MAX_RECORD_COLUMNS:
        problems.append(
            table.problem(1, MAX_RECORD_COLUMNS + 1, f"more than {MAX_RECORD_COLUMNS} columns")
        )
    for i, name in enumerate(names[:MAX_RECORD_COLUMNS], 1):
        if not name:
            continue
        if name in names[: i - 1]:
            problems.append(
                table.problem(
                    1, i, f"column '{name}' appears twice (first in column {names.index(name) + 1})"
                )
            )
        elif name not in spec.columns:
            separator = next((s for s in (";", "\t") if s in name), None)
            hint = (
                f" (the columns are separated by {separator!r}; progen reads commas)"
                if separator and table.sheet is None
                else suggest(name, list(spec.columns))
            )
            problems.append(
                table.problem(
                    1,
                    i,
                    f"{shown(name)} is not a column of {spec.name}; its columns "
                    f"are {', '.join(spec.columns)}{hint}",
                )
            )
    missing = [c for c in spec.required if c not in names]
    if missing and not problems:
        problems.append(
            table.problem(
                1,
                1,
                f"no column {', '.join(repr(m) for m in missing)}: {spec.name} "
                f"needs {', '.join(spec.required)}"
                + (f" (and may have {', '.join(spec.optional)})" if spec.optional else ""),
            )
        )
    return names, problems


def _rows(table: Table) -> tuple[list, list[Problem]]:
    """The records in a table, and the problems in it."""
    if not table.rows:
        return [], []
    spec = BY_NAME[table.name]
    names, problems = _header(table, spec)
    if any(c not in names for c in spec.required):
        return [], problems
    positions = {n: i for i, n in reversed(list(enumerate(names))) if n in spec.columns}
    build = BUILDERS[table.name]
    found = []
    hints = SHOWN_PROBLEMS  # rows whose blank cells are looked up in the merged ranges
    for number, row in enumerate(table.rows[1:], 2):
        for i, value in enumerate(row):
            if not is_blank(value) and (i >= len(names) or not names[i]):
                problems.append(
                    table.problem(number, i + 1, "this cell is in no column the header names")
                )
        if number in table.unread:
            continue
        values = {n: row[i] if i < len(row) else None for n, i in positions.items()}
        if all(is_blank(values[n]) for n in spec.typed if n in values):
            continue  # blank, or planned and not yet recorded
        merged = {}
        if table.merged and hints > 0 and any(is_blank(values[n]) for n in spec.required):
            hints -= 1
            merged = {
                n: first
                for n, i in positions.items()
                if (first := table.merged_into(number, i + 1))
            }
        cells = Cells(Origin(table.file, number, table.sheet, names), values, merged)
        record = build(cells)
        problems += cells.problems
        if record is not None:
            found.append(record)
    return found, problems


def _tables(folder: Path, shown_folder: str) -> tuple[list[Table], list[Problem]]:
    tables: list[Table] = []
    problems: list[Problem] = []
    known = [f"{n}.csv" for n in BY_NAME] + [WORKBOOK]
    for entry in sorted(os.listdir(folder)):
        shown_file = f"{shown_folder}/{entry}"
        stem, _, kind = entry.lower().rpartition(".")
        if entry.startswith((".", "~$")):
            continue
        if (folder / entry).is_symlink():
            problems.append(
                file_problem(
                    shown_file,
                    "this is a symbolic link; progen reads only files kept in the records "
                    "folder itself, so copy the file here instead",
                )
            )
        elif kind == "csv" and stem in BY_NAME:
            table, found = read_csv(folder / entry, shown_file, stem)
            tables += [table] if table else []
            problems += found
        elif entry.lower() == WORKBOOK:
            found_tables, found = read_workbook(folder / entry, shown_file)
            tables += found_tables
            problems += found
        elif kind in ("csv", "xlsx", "xlsm", "xls"):
            problems.append(
                file_problem(
                    shown_file,
                    f"progen reads no records file of this name; it reads "
                    f"{', '.join(known)}{suggest(entry.lower(), known)}",
                )
            )
        elif near := _near_miss(entry, known):
            problems.append(
                file_problem(
                    shown_file,
                    f"progen does not read this file; if it holds records, name it {near!r}",
                    severity="warning",
                )
            )
    return tables, problems


def _near_miss(entry: str, known: list[str]) -> str | None:
    """The records file a file of another kind was probably meant to be: the same name
    with spaces around it or another extension (measures.txt), or a close spelling."""
    name = entry.strip().lower()
    stem = name.rpartition(".")[0] or name
    by_stem = {k.rpartition(".")[0]: k for k in known}
    if name in known or stem in by_stem:
        return by_stem.get(stem, name)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    return close[0] if close else None


def read_folder(folder: Path, programme_id: str) -> tuple[Records, tuple[Problem, ...]]:
    """The records in `folder` (records/<programme-id>/) that read cleanly, and every
    problem (errors and warnings) in it: the rows kept can still be checked against the
    programme when others are wrong. A folder that does not exist holds no records yet:
    that is no problem, unless what should hold it (records/) is a file."""
    shown_folder = folder.as_posix()
    if not os.path.lexists(folder):
        holder = folder.parent
        if os.path.lexists(holder) and not holder.is_dir():
            where = holder.as_posix()
            return Records(programme_id), (
                file_problem(
                    where, f"{where} is a file; records are kept in a folder of that name"
                ),
            )
        return Records(programme_id), ()
    if not folder.is_dir():
        return Records(programme_id), (
            file_problem(shown_folder, "the records folder is not a folder"),
        )
    try:
        tables, problems = _tables(folder, shown_folder)
    except OSError as err:
        return Records(programme_id), (
            file_problem(shown_folder, f"cannot list the records folder: {err.strerror}"),
        )
    kept: dict[str, tuple[Table, list]] = {}
    for table in tables:
        found, table_problems = _rows(table)
        problems += table_problems
        if not found:
            continue
        if table.name in kept:
            first = kept[table.name][0]
            problems.append(
                table.problem(
                    1,
                    1,
                    f"{_where(first)} also holds {table.name} records; keep them "
                    f"in one place (which one counts would be a guess)",
                )
            )
        else:
            kept[table.name] = (table, found)
    parts = {name: tuple(found) for name, (_, found) in kept.items()}
    return Records(programme_id, **parts), tuple(problems)


def read_records(folder: Path, programme_id: str) -> Records:
    """The records in `folder`, or UserError with every problem in it when any is an
    error (its warnings are read_folder's)."""
    records, problems = read_folder(folder, programme_id)
    if any(p.severity == "error" for p in problems):
        raise UserError(problems)
    return records


def _where(table: Table) -> str:
    return table.file if table.sheet is None else f"the sheet {shown(table.sheet)} of {table.file}"
