"""Reading records files (SPEC.md section 6): values, locations, and hostile files."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest
from records_support import FOLDER, folder_with, headlines, patched, read_or_problems, workbook

from progen.errors import Problem, UserError
from progen.records import sources
from progen.records.model import (
    EvaluationResponse,
    Feedback,
    MeasurePoint,
    Origin,
    PdsaRecord,
    Records,
)
from progen.records.read import read_records

M = "rec/measures.csv"
X = "rec/records.xlsx"


@pytest.fixture(autouse=True)
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def read(files: dict[str, str | bytes]) -> Records:
    folder_with(Path("."), files)
    found = read_or_problems()
    assert isinstance(found, Records), [p.headline() for p in found]
    return found


# --- values --------------------------------------------------------------------------------


def test_each_file_reads_into_its_records_with_where_each_row_was():
    records = read(
        {
            "measures.csv": "task,date,value,note,rebase\n"
            "discharge,2027-01-31,6.5,,\ndischarge,2027-02-28,4,new form,1\n",
            "attendance.csv": "event,date,name,attended\ns01,2027-01-12,Alex Brown,yes\n"
            "set-1,2027-02-24,Sam Green,No\n",
            "pdsa.csv": "task,cycle,start,end,change,prediction,result,decision\n"
            "discharge,1,2027-02-18,2027-02-24,board round,fewer waits,fewer,Adopt\n",
            "feedback.csv": "session,rating,comment\ns01,4,useful\n",
            "evaluation.csv": "timepoint,level,measure,respondent,score\n"
            "baseline,learning,Leadership self-assessment,r1,3.5\n",
        }
    )
    cols = ("task", "date", "value", "note", "rebase")
    assert records.measures == (
        MeasurePoint("discharge", dt.date(2027, 1, 31), 6.5, "", False, Origin(M, 2, None, cols)),
        MeasurePoint(
            "discharge", dt.date(2027, 2, 28), 4.0, "new form", True, Origin(M, 3, None, cols)
        ),
    )
    assert [(a.event, a.name, a.attended) for a in records.attendance] == [
        ("s01", "Alex Brown", True),
        ("set-1", "Sam Green", False),
    ]
    assert records.pdsa[0] == PdsaRecord(
        "discharge",
        1,
        dt.date(2027, 2, 18),
        dt.date(2027, 2, 24),
        "board round",
        "fewer waits",
        "fewer",
        "adopt",
        records.pdsa[0].origin,
    )
    assert records.feedback[0] == Feedback("s01", 4, "useful", records.feedback[0].origin)
    assert records.evaluation[0] == EvaluationResponse(
        "baseline",
        "learning",
        "Leadership self-assessment",
        "r1",
        3.5,
        records.evaluation[0].origin,
    )


def test_columns_in_any_order_any_case_with_or_without_the_excel_bom():
    text = "Value , DATE,task\n5,2027-01-31,discharge\n"
    for raw in (text.encode(), b"\xef\xbb\xbf" + text.encode()):
        (point,) = read({"measures.csv": raw}).measures
        assert (point.task, point.value) == ("discharge", 5.0)
        assert point.origin.column("date") == 2


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("discharge,31/01/2027,5", f"{M}:2:2: date: '31/01/2027' is not a date; write dates as "
         "YYYY-MM-DD (if the day comes first, 2027-01-31)"),
        ("discharge,2027-02-30,5", f"{M}:2:2: date: '2027-02-30' is not a date in the calendar"),
        ("discharge,20270131,5", f"{M}:2:2: date: '20270131' is not a date; write dates as "
         "YYYY-MM-DD"),
        ("discharge,2027-01-31,five", f"{M}:2:3: value: 'five' is not a number"),
        ('discharge,2027-01-31,"1,234"', f"{M}:2:3: value: '1,234' is not a number (write it "
         "without thousands separators)"),
        ("discharge,2027-01-31,nan", f"{M}:2:3: value: 'nan' is not a number"),
        ("discharge,2027-01-31,1e999", f"{M}:2:3: value: '1e999' is too large a number; "
             "records hold numbers from -1e+12 to 1e+12"),
        ("discharge,2027-01-31,", f"{M}:2:3: value: no value: this row needs one"),
        (",2027-01-31,5", f"{M}:2:1: task: no task: this row needs one"),
    ],
)  # fmt: skip
def test_a_bad_measure_value_is_located_at_its_cell(row, expected):
    assert headlines({"measures.csv": f"task,date,value\n{row}\n"}) == [expected]


def test_attended_takes_yes_no_and_the_other_unambiguous_spellings():
    rows = "".join(
        f"s01,2027-01-12,P{i},{v}\n"
        for i, v in enumerate(["yes", "Y", "TRUE", "1", "no", "N", "false", "0"])
    )
    records = read({"attendance.csv": "event,date,name,attended\n" + rows})
    assert [a.attended for a in records.attendance] == [True] * 4 + [False] * 4
    assert headlines({"attendance.csv": "event,date,name,attended\ns01,2027-01-12,A,maybe\n"}) == [
        "rec/attendance.csv:2:4: attended: 'maybe' is not yes or no"
    ]


@pytest.mark.parametrize(
    ("rating", "expected"),
    [("0", "'0' is not a whole number from 1 to 5"), ("6", "'6' is not a whole number from 1 to 5"),
     ("2.5", "'2.5' is not a whole number from 1 to 5"), ("", "no rating: this row needs one")],
)  # fmt: skip
def test_a_rating_outside_one_to_five(rating, expected):
    found = headlines({"feedback.csv": f"session,rating,comment\ns01,{rating},good\n"})
    assert found == [f"rec/feedback.csv:2:2: rating: {expected}"]


def test_pdsa_decision_cycle_and_dates():
    head = "task,cycle,start,end,change,prediction,result,decision\n"
    found = headlines(
        {
            "pdsa.csv": head + "discharge,0,2027-02-18,2027-02-24,x,,,adapt\n"
            "discharge,2,2027-02-18,2027-02-24,x,,,adpot\n"
            "discharge,3,2027-02-18,2027-02-10,x,,done,\n"
        }
    )
    assert found == [
        "rec/pdsa.csv:2:2: cycle: '0' is not a whole number of 1 or more",
        "rec/pdsa.csv:3:8: decision: 'adpot' is not adopt or adapt or abandon or continue "
        "(did you mean 'adopt'?)",
        "rec/pdsa.csv:4:4: end: the cycle ends (2027-02-10) before it starts (2027-02-18)",
    ]


def test_a_running_cycle_has_no_end_and_a_planned_cycle_is_not_yet_recorded():
    head = "task,cycle,start,end,change,prediction,result,decision\n"
    records = read(
        {
            "pdsa.csv": head + "discharge,1,2027-02-18,2027-02-24,board round,fewer,,\n"
            "discharge,2,2027-02-25,2027-03-10,,,,\n"
        }
    )
    (running,) = records.pdsa
    assert (running.cycle, running.end, running.decision) == (1, None, "")


def test_the_measure_rebase_column_is_one_or_blank():
    head = "task,date,value,rebase\n"
    assert headlines({"measures.csv": head + "discharge,2027-01-31,5,2\n"}) == [
        f"{M}:2:4: rebase: '2' is not 1 or blank"
    ]


def test_blank_rows_and_rows_not_yet_recorded_are_skipped():
    records = read(
        {
            "measures.csv": "task,date,value\n\n,,\ndischarge,,\n",
            "attendance.csv": "event,date,name,attended\ns01,2027-01-12,Alex,\n",
            "feedback.csv": "session,rating,comment\ns01,,\n",
            "evaluation.csv": "timepoint,level,measure,respondent,score\nbaseline,learning,x,,\n",
        }
    )
    assert records == Records("p")


def test_a_comment_without_a_rating_and_a_respondent_without_a_score_are_errors():
    found = headlines(
        {
            "feedback.csv": "session,rating,comment\ns01,,good\n",
            "evaluation.csv": "timepoint,level,measure,respondent,score\nbaseline,learning,x,r1,\n",
        }
    )
    assert found == [
        "rec/evaluation.csv:2:5: score: no score: this row needs one",
        "rec/feedback.csv:2:2: rating: no rating: this row needs one",
    ]


# --- headers ---------------------------------------------------------------------------------


def test_an_unknown_column_is_an_error_with_a_suggestion():
    assert headlines({"measures.csv": "task,date,value,notes\ndischarge,2027-01-31,5,x\n"}) == [
        f"{M}:1:4: 'notes' is not a column of measures; its columns are task, date, value, note, "
        "rebase (did you mean 'note'?)"
    ]


def test_missing_columns_are_named():
    assert headlines({"attendance.csv": "event,name\ns01,Alex\n"}) == [
        "rec/attendance.csv:1:1: no column 'date', 'attended': attendance needs event, date, "
        "name, attended"
    ]


def test_a_column_twice_and_a_semicolon_separated_file():
    assert headlines({"measures.csv": "task,date,value,task\n"}) == [
        f"{M}:1:4: column 'task' appears twice (first in column 1)"
    ]
    found = headlines({"feedback.csv": "session;rating\ns01;4\n"})
    assert found[0] == (
        "rec/feedback.csv:1:1: 'session;rating' is not a column of feedback; its columns are "
        "session, rating, comment (the columns are separated by ';'; progen reads commas)"
    )


def test_ragged_rows_a_short_row_is_blank_to_the_right_a_long_one_an_error():
    found = headlines({"measures.csv": "task,date,value\ndischarge,2027-01-31\nx,2027-01-31,5,9\n"})
    assert found == [
        f"{M}:2:3: value: no value: this row needs one",
        f"{M}:3:4: this cell is in no column the header names",
    ]
    # trailing empty cells, as some spreadsheets write, are fine
    assert read({"measures.csv": "task,date,value\ndischarge,2027-01-31,5,,\n"}).measures


# --- the folder -------------------------------------------------------------------------------


def test_no_folder_is_no_records_and_a_misspelt_file_is_an_error():
    assert read_records(Path("nowhere"), "p") == Records("p")
    found = headlines({"measure.csv": "task,date,value\n", "notes.txt": "x", "~$records.xlsx": "x"})
    assert found == [
        "rec/measure.csv:1:1: progen reads no records file of this name; it reads measures.csv, "
        "attendance.csv, pdsa.csv, feedback.csv, evaluation.csv, records.xlsx "
        "(did you mean 'measures.csv'?)"
    ]


def test_a_records_folder_that_is_a_file():
    Path(FOLDER).write_text("x")
    with pytest.raises(UserError) as err:
        read_records(Path(FOLDER), "p")
    assert str(err.value) == "rec:1:1: the records folder is not a folder"


# --- hostile files -----------------------------------------------------------------------------


def test_an_empty_file_and_a_header_only_file_hold_no_records():
    assert read({"measures.csv": "", "feedback.csv": "session,rating\n"}) == Records("p")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (bytes(range(128, 256)),
         "this is not UTF-8 text (byte 0x80 at line 1); in Excel, use Save "
         "As 'CSV UTF-8 (Comma delimited)'"),
        ("task,date,value\nd,2027-01-31,5\ncafé,2027-01-31,5\n".encode("latin-1"),
         "this is not UTF-8 text (byte 0xe9 at line 3); in Excel, use Save As 'CSV UTF-8 "
         "(Comma delimited)'"),
        (b"PK\x03\x04rest", "this is a workbook, not CSV text; in Excel, use Save As 'CSV UTF-8 "
         "(Comma delimited)', or put the sheet 'measures' in records.xlsx"),
    ],
)  # fmt: skip
def test_binary_and_foreign_files_are_refused_with_the_way_to_fix_them(raw, expected):
    found = headlines({"measures.csv": raw})
    line = 3 if b"caf" in raw else 1
    assert found == [f"{M}:{line}:1: {expected}"]


def test_a_nul_byte_is_located():
    assert headlines({"measures.csv": "task,date,value\ndis\x00charge,2027-01-31,5\n"}) == [
        f"{M}:2:1: this cell holds a NUL byte: is this a binary file? Records files are CSV text"
    ]


def test_a_fifo_a_folder_and_a_huge_file_are_refused_unread():
    folder = folder_with(Path("."), {})
    os.mkfifo(folder / "measures.csv")
    (folder / "pdsa.csv").mkdir()
    with open(folder / "feedback.csv", "wb") as huge:
        huge.truncate(sources.MAX_RECORD_BYTES + 1)
    found = [p.headline() for p in read_or_problems()]
    assert found == [
        "rec/feedback.csv:1:1: cannot read this records file: the file is 16,777,217 bytes; a "
        "records file may be at most 16,777,216 bytes",
        "rec/measures.csv:1:1: cannot read this records file: this is a named pipe (FIFO), not a "
        "records file",
        "rec/pdsa.csv:1:1: cannot read this records file: this is a folder, not a records file",
    ]


def test_rows_are_bounded(monkeypatch):
    monkeypatch.setattr(sources, "MAX_RECORD_ROWS", 3)
    found = headlines({"measures.csv": "task,date,value\n" + "d,2027-01-31,5\n" * 5})
    assert found[0] == f"{M}:4:1: more than 3 rows; a records file may hold at most that"


def test_an_over_long_cell_is_a_problem_at_its_own_column():
    found = headlines(
        {"measures.csv": 'task,date,value,note\ndischarge,2027-01-31,5,"' + "x" * 200_000 + '"\n'}
    )
    assert found == [f"{M}:2:4: note: this text is 200,000 characters long; a records cell may "
                     "hold at most 2,000"]  # fmt: skip


# --- workbooks --------------------------------------------------------------------------------


def test_a_workbook_reads_like_the_csv_files_with_date_cells_and_numbers():
    raw = workbook(
        {
            "Sheet1": [],
            "measures": [("task", "date", "value"), ("discharge", dt.datetime(2027, 1, 31), 6)],
            "Attendance": [("event", "date", "name", "attended"), ("s01", "2027-01-12", "A", True)],
        }
    )
    records = read({"records.xlsx": raw})
    assert records.measures[0].date == dt.date(2027, 1, 31)
    assert records.measures[0].origin == Origin(X, 2, "measures", ("task", "date", "value"))
    assert records.attendance[0].attended is True


def test_workbook_problems_are_located_at_the_sheet_cell():
    raw = workbook(
        {
            "measures": [
                ("task", "date", "value"),
                ("discharge", dt.datetime(2027, 1, 31, 9), "x"),
            ],
            "feedbak": [("session", "rating"), ("s01", 4)],
        }
    )
    found = headlines({"records.xlsx": raw})
    assert found == [
        "rec/records.xlsx:feedbak!A1: progen keeps no records in a sheet 'feedbak'; the sheets are "
        "measures, attendance, pdsa, feedback, evaluation (did you mean 'feedback'?)",
        "rec/records.xlsx:measures!B2: date: 2027-01-31 09:00:00 has a time of day; give the date "
        "alone",
        "rec/records.xlsx:measures!C2: value: 'x' is not a number",
    ]
    problem = read_or_problems()[0]
    assert (problem.sheet, problem.line, problem.column) == ("feedbak", 1, 1)


def test_a_formula_counts_by_its_stored_result_and_one_with_none_is_a_problem():
    raw = workbook({"measures": [("task", "date", "value"), ("discharge", "2027-01-31", "=1+1")]})
    assert headlines({"records.xlsx": raw}) == [
        "rec/records.xlsx:measures!C2: this formula has no stored result; type the value, not a "
        "formula"
    ]
    cached = patched(raw, "xl/worksheets/sheet1.xml", "<f>1+1</f><v />", "<f>1+1</f><v>2</v>")
    assert read({"records.xlsx": cached}).measures[0].value == 2.0


def test_a_blank_cell_under_a_merge_is_named_as_merged():
    import openpyxl

    book = openpyxl.load_workbook(
        io.BytesIO(
            workbook(
                {
                    "attendance": [
                        ("event", "date", "name", "attended"),
                        ("s01", "2027-01-12", "A", "yes"),
                        ("s01", "2027-01-12", "B", "yes"),
                    ]
                }
            )
        )
    )
    book["attendance"].merge_cells("A2:A3")
    out = io.BytesIO()
    book.save(out)
    assert headlines({"records.xlsx": out.getvalue()}) == [
        "rec/records.xlsx:attendance!A3: event: no event: this cell is merged into A2, which "
        "alone holds the value; unmerge the cells and type the event in every row"
    ]


def test_an_empty_sheet_and_the_about_sheet_are_ignored():
    raw = workbook({"about": [("Type the values",)], "measures": [], "feedback": [("session",)]})
    found = headlines({"records.xlsx": raw})
    assert found == [
        "rec/records.xlsx:feedback!A1: no column 'rating': feedback needs session, rating (and "
        "may have comment)"
    ]


def test_a_cell_beyond_the_columns_read_is_named():
    raw = workbook({"measures": [("task", "date", "value") + (None,) * 47 + ("x",)]})
    assert headlines({"records.xlsx": raw}) == [
        "rec/records.xlsx:measures!AY1: more than 50 columns"
    ]


def test_a_sheet_and_a_file_both_holding_records_is_an_error_naming_both():
    raw = workbook({"measures": [("task", "date", "value"), ("discharge", "2027-01-31", 5)]})
    csv = "task,date,value\ndischarge,2027-02-28,4\n"
    assert headlines({"records.xlsx": raw, "measures.csv": csv}) == [
        "rec/records.xlsx:measures!A1: rec/measures.csv also holds measures records; keep them in "
        "one place (which one counts would be a guess)"
    ]
    # a sheet with no records beside the file is no conflict
    unfilled = workbook({"measures": [("task", "date", "value"), ("discharge", None, None)]})
    assert len(read({"records.xlsx": unfilled, "measures.csv": csv}).measures) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"not a zip at all", "this is not an Excel workbook (.xlsx): it is not a zip file"),
        (b"\xd0\xcf\x11\xe0" + bytes(100), "this is an old-style .xls workbook or a "
         "password-protected one; save it as an Excel Workbook (.xlsx) without a password"),
        (b"", "this is not an Excel workbook (.xlsx): it is not a zip file"),
    ],
)  # fmt: skip
def test_a_workbook_that_is_not_one(raw, expected):
    assert headlines({"records.xlsx": raw}) == [f"{X}:1:1: {expected}"]


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory(monkeypatch):
    monkeypatch.setattr(sources, "MAX_WORKBOOK_UNPACKED", 1_000_000)
    bomb = zip_of({"xl/worksheets/sheet1.xml": bytes(2_000_000)})
    assert len(bomb) < 10_000
    assert headlines({"records.xlsx": bomb}) == [
        f"{X}:1:1: this workbook unpacks to 1 parts of 2,000,000 bytes; a records workbook may "
        "unpack to at most 1,000 parts of 1,000,000 bytes"
    ]


def test_a_zip_that_is_no_workbook_is_a_problem_not_a_traceback():
    assert headlines({"records.xlsx": zip_of({"hello.txt": b"hi"})}) == [
        f"{X}:1:1: this workbook cannot be read (KeyError)"
    ]


def test_sheet_rows_are_bounded(monkeypatch):
    monkeypatch.setattr(sources, "MAX_RECORD_ROWS", 2)
    raw = workbook({"measures": [("task", "date", "value")] + [("d", "2027-01-31", 5)] * 3})
    assert headlines({"records.xlsx": raw})[0] == (
        "rec/records.xlsx:measures!A3: more than 2 rows; a records file may hold at most that"
    )


def test_problem_json_names_the_sheet_only_for_a_workbook():
    from progen.errors import as_dict

    cell = Problem(X, 14, 3, "value", "bad", sheet="measures", cells=True)
    assert cell.headline() == "rec/records.xlsx:measures!C14: value: bad"
    assert as_dict(cell)["sheet"] == "measures"
    assert "sheet" not in as_dict(Problem("spec.yaml", 1, 1, "", "x"))


def test_an_xml_entity_bomb_in_a_sheet_is_refused_not_expanded():
    raw = workbook({"measures": [("task", "date", "value"), ("discharge", "2027-01-31", 5)]})
    entities = '<!ENTITY e0 "lolololololololololol">' + "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10)
    )
    sheet = "xl/worksheets/sheet1.xml"
    bomb = patched(raw, sheet, "<worksheet ", f"<!DOCTYPE worksheet [{entities}]><worksheet ")
    bomb = patched(bomb, sheet, ">discharge<", ">&e9;<")
    assert headlines({"records.xlsx": bomb}) == [
        f"{X}:1:1: this workbook cannot be read (ParseError)"
    ]
