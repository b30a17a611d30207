"""Records an adversary wrote (issue 11 follow-up): values and dates no board could mean,
records dropped without a word, broken quoting, hostile text, and the command options
around them. Each is a located problem or warning, never a traceback or a silent drop."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from records_support import SPEC, folder_with, headlines, workbook

from progen.cli import main
from progen.errors import UserError
from progen.validation import check_file

M = "rec/measures.csv"
PDSA = "task,cycle,start,end,change,prediction,result,decision\n"
EVAL = "timepoint,level,measure,respondent,score\n"


@pytest.fixture(autouse=True)
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def project(tmp_path) -> Path:
    """programmes/p.yaml (the records tests' spec, id test-programme) and records/."""
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "p.yaml").write_text(SPEC, "utf-8")
    (tmp_path / "records" / "test-programme").mkdir(parents=True)
    return tmp_path


def checked(project: Path, files: dict[str, str | bytes]) -> list[str]:
    """The headlines of every problem and warning the records `files` give, as
    `validate` finds them (read and checked against the programme)."""
    folder = project / "records" / "test-programme"
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    try:
        found = check_file(Path("programmes/p.yaml"))
    except UserError as err:
        return [p.headline() for p in err.problems]
    return [p.headline() for p in found.warnings if p.cells or "records" in p.file]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# --- 1. values --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1000000000001", "-2e12"])
def test_a_value_beyond_a_million_million_is_refused_at_its_cell(value):
    assert headlines({"measures.csv": f"task,date,value\ndischarge,2027-01-31,{value}\n"}) == [
        f"{M}:2:3: value: '{value}' is too large a number; records hold numbers from -1e+12 "
        "to 1e+12"
    ]


def test_a_value_of_a_million_million_is_kept():
    assert headlines({"measures.csv": "task,date,value\ndischarge,2027-01-31,-1e12\n"}) == []


def test_evaluation_scores_keep_to_the_handbook_scales_and_the_design_timepoints(project):
    found = checked(
        project,
        {
            "evaluation.csv": EVAL + "baseline,learning,Leadership self-assessment,r1,-1e300\n"
            "end,learning,Leadership self-assessment,r2,6\n"
            "end,learning,Confidence and commitment,r2,10\n"
            "midpoint,learning,Leadership self-assessment,r3,4\n"
        },
    )
    assert found == [
        "records/test-programme/evaluation.csv:2:5: score: '-1e300' is too large a number; "
        "records hold numbers from -1e+12 to 1e+12",
        "records/test-programme/evaluation.csv:3:5: score: 6 is outside the scale of 'Leadership "
        "self-assessment', 1 to 5 (the handbook's form)",
        "records/test-programme/evaluation.csv:5:1: warning: timepoint the design measures "
        "'Leadership self-assessment' at baseline and end, not at midpoint",
    ]


# --- 2. dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-01", "0001-01-01", "1899-12-31"])
def test_a_date_no_record_can_have_is_refused_when_read(day):
    assert headlines({"measures.csv": f"task,date,value\ndischarge,{day},4\n"}) == [
        f"{M}:2:2: date: {day} is not a date a record can have; records are dated from 1900 to 2200"
    ]


def test_measures_and_pdsa_cycles_far_from_the_programme_are_errors(project):
    # the programme runs 2027-01-12 to 2027-07-12; follow-up is within the year after
    found = checked(
        project,
        {
            "measures.csv": "task,date,value\ndischarge,2020-01-31,3\ndischarge,2028-07-12,3\n"
            "discharge,2028-07-13,3\n",
            "pdsa.csv": PDSA + "discharge,1,2026-01-12,2027-02-01,c,p,r,adopt\n"
            "discharge,2,1900-01-01,2099-01-01,c,p,r,adopt\n",
        },
    )
    assert found == [
        "records/test-programme/measures.csv:4:2: date: 2028-07-13 is after 2028-07-12, more "
        "than a year after the programme ends (2027-07-12); is the year a typo?",
        "records/test-programme/pdsa.csv:3:3: start: 1900-01-01 is more than a year outside the "
        "programme (2027-01-12 to 2027-07-12); is the year a typo?",
        "records/test-programme/pdsa.csv:3:4: end: 2099-01-01 is more than a year outside the "
        "programme (2027-01-12 to 2027-07-12); is the year a typo?",
    ]


def test_an_excel_date_serial_gets_a_hint():
    assert headlines({"measures.csv": "task,date,value\ndischarge,46203,4\n"}) == [
        f"{M}:2:2: date: '46203' is not a date; write dates as YYYY-MM-DD (this looks like an "
        "Excel date serial, 2026-06-30: format the cell as a date, or type the date as text)"
    ]


@pytest.mark.parametrize(
    ("day", "says"),
    [("0001-01-01", "give a day from 1900 to 2200"), ("2026-12-31", "before the programme")],
)
def test_report_as_at_a_day_no_one_means_is_a_usage_error(project, day, says):
    (project / "records" / "test-programme" / "measures.csv").write_text(
        "task,date,value\ndischarge,2027-01-31,3\n", "utf-8"
    )
    result = run("report", "programmes/p.yaml", "--as-at", day)
    assert result.exit_code == 2 and says in result.output


# --- 3. records dropped without a word --------------------------------------------------------


def test_unplanned_names_are_one_warning_per_event_with_a_count(project):
    rows = "".join(f"s01,2027-01-12,Person {n},yes\n" for n in range(7))
    found = checked(project, {"attendance.csv": "event,date,name,attended\n" + rows})
    assert found == [
        "records/test-programme/attendance.csv:2:3: warning: name 7 names at 's01' ('Person 0' "
        "first) are not in the plan's list for it; they count as unplanned attendance, so check "
        "the spelling of any planned person"
    ]


def test_a_folder_named_for_no_programme_is_a_warning_with_a_suggestion(project):
    (project / "records" / "test-programme").rmdir()
    (project / "records" / "Test-Programme").mkdir()
    (project / "records" / "ghost").mkdir()
    result = run("validate", "programmes/p.yaml")
    assert result.exit_code == 0
    assert (
        "records/Test-Programme:1:1: warning: no programme has the id 'Test-Programme', so these "
        "records are not read (did you mean 'test-programme'?)" in result.output
    )
    # every spec keeping records here was checked, so ghost belongs to none
    assert "records/ghost:1:1: warning: no programme has the id 'ghost'" in result.output


def test_a_stray_folder_is_not_said_when_another_spec_was_not_checked(project):
    (project / "programmes" / "q.yaml").write_text(SPEC.replace("test-programme", "other"))
    (project / "records" / "other").mkdir()
    assert "records/other" not in run("validate", "programmes/p.yaml").output


@pytest.mark.parametrize(
    ("name", "meant"), [("measures.txt", "measures.csv"), ("measures.csv ", "measures.csv")]
)
def test_a_near_miss_file_name_is_a_warning_naming_the_file_meant(project, name, meant):
    found = checked(project, {name: "task,date,value\ndischarge,2027-01-31,3\n", "notes.md": "x"})
    assert found == [
        f"records/test-programme/{name}:1:1: warning: progen does not read this file; if it "
        f"holds records, name it '{meant}'"
    ]


def test_records_that_is_a_file_is_an_error(project):
    (project / "records" / "test-programme").rmdir()
    (project / "records").rmdir()
    (project / "records").write_text("oops")
    assert checked(project, {}) == [
        "records:1:1: records is a file; records are kept in a folder of that name"
    ]


# --- 4. quoting -------------------------------------------------------------------------------


def test_an_unclosed_quote_is_an_error_where_it_opens():
    found = headlines(
        {
            "measures.csv": "task,date,value,note\ndischarge,2027-05-31,3,\n"
            'discharge,2027-06-30,3,"oops,\ndischarge,2027-07-31,3,,\n'
        }
    )
    assert found == [
        f"{M}:3:4: a quote opens in this cell and is never closed, so every line after it would "
        "be read as one cell; close the quote (a quote inside a cell is written as two quotes)"
    ]


def test_text_after_a_closing_quote_is_an_error_at_its_cell():
    assert headlines({"measures.csv": 'task,date,value,note\ndischarge,2027-05-31,3,"a"b\n'}) == [
        f"{M}:2:4: this cell has text after its closing quote (a quote inside a cell is written "
        "as two quotes)"
    ]


# --- 5. every problem in one run --------------------------------------------------------------


def test_cell_problems_and_programme_problems_are_reported_together(project):
    found = checked(
        project,
        {
            "measures.csv": "task,date,value\ndischarge,2027-06-30,nan\nDischarge,2027-07-31,3\n",
            "attendance.csv": "event,date,name,attended\ns01,2027-01-12,Alex Brown,maybe\n"
            "S01,2027-01-12,Alex Brown,yes\n",
        },
    )
    assert found == [
        "records/test-programme/attendance.csv:2:4: attended: 'maybe' is not yes or no",
        "records/test-programme/attendance.csv:3:1: event: the programme has no session or set "
        "'S01' (did you mean 's01'?)",
        "records/test-programme/measures.csv:2:3: value: 'nan' is not a number",
        "records/test-programme/measures.csv:3:1: task: the programme has no task 'Discharge' "
        "(did you mean 'discharge'?)",
    ]


# --- 6. text ----------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x1b", "\x9b", "\x7f", "\u202e", "\u2066"])
def test_control_and_bidi_characters_are_refused_in_text(char):
    found = headlines({"measures.csv": f"task,date,value,note\ndischarge,2027-01-31,3,a{char}b\n"})
    assert found == [
        f"{M}:2:4: note: this text holds the control character U+{ord(char):04X}, which could "
        "change how the line reads; delete it"
    ]


def test_an_unknown_id_is_quoted_cut_short(project):
    found = checked(project, {"feedback.csv": "session,rating\n" + "s" * 3_000 + ",4\n"})
    assert len(found) == 1 and len(found[0]) < 300


def test_a_lookalike_character_in_an_id_is_named(project):
    found = checked(project, {"feedback.csv": "session,rating\ns\u043e1,4\n"})
    assert found == [
        "records/test-programme/feedback.csv:2:1: session: the programme has no session 's\u043e1' "
        "(it holds '\u043e', U+043E, which only looks like an ASCII character: retype it)"
    ]


def test_a_sheet_name_with_spaces_is_quoted_in_its_location(project):
    raw = workbook({" MEASURES ": [("task", "date", "value"), ("discharge", "2027-01-31", "x")]})
    assert headlines({"records.xlsx": raw}) == [
        "rec/records.xlsx:' MEASURES '!C2: value: 'x' is not a number"
    ]


def test_a_very_hidden_sheet_is_an_error_and_a_hidden_one_a_warning():
    import openpyxl

    book = openpyxl.load_workbook(
        io.BytesIO(
            workbook(
                {
                    "measures": [("task", "date", "value"), ("discharge", "2027-01-31", 3)],
                    "feedback": [("session", "rating"), ("s01", 4)],
                    "pdsa": [],
                }
            )
        )
    )
    book["measures"].sheet_state = "veryHidden"
    book["feedback"].sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    folder_with(Path("."), {"records.xlsx": out.getvalue()})
    from progen.records.read import read_folder

    _, found = read_folder(Path("rec"), "p")
    assert [(p.headline(), p.severity) for p in found] == [
        ("rec/records.xlsx:measures!A1: this sheet is very hidden, so no one can see or check "
         "its records; unhide it (in the VBA editor, set Visible to -1) or delete it", "error"),
        ("rec/records.xlsx:feedback!A1: warning: this sheet is hidden; its records count",
         "warning"),
    ]  # fmt: skip


def test_a_symbolic_link_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET\n")
    folder = folder_with(Path("."), {})
    os.symlink(secret, folder / "measures.csv")
    found = headlines({})
    assert found == [
        "rec/measures.csv:1:1: this is a symbolic link; progen reads only files kept in the "
        "records folder itself, so copy the file here instead"
    ]
    assert "SECRET" not in " ".join(found)


@pytest.mark.parametrize("name", ["", "-", " "])
def test_report_pdf_needs_a_file_name(project, name):
    result = run("report", "programmes/p.yaml", "--pdf", name)
    assert result.exit_code == 2 and "name the PDF file to write" in result.output
    assert not (project / "-").exists()


def test_validate_reads_the_records_named_with_records(project, tmp_path):
    other = tmp_path / "elsewhere" / "test-programme"
    other.mkdir(parents=True)
    (other / "measures.csv").write_text("task,date,value\ndischarg,2027-01-31,3\n", "utf-8")
    result = run("validate", "programmes/p.yaml", "--records", "elsewhere")
    assert result.exit_code == 1
    assert "elsewhere/test-programme/measures.csv:2:1: task: the programme has no task" in (
        result.output
    )


def test_too_many_points_for_one_measure_is_an_error_at_the_first_past_the_limit(
    project, monkeypatch
):
    monkeypatch.setattr("progen.records.check.MAX_MEASURE_POINTS", 3)
    rows = "".join(f"discharge,2027-0{m}-01,3\n" for m in range(1, 6))
    found = checked(project, {"measures.csv": "task,date,value\n" + rows})
    assert found == [
        "records/test-programme/measures.csv:5:1: task: more than 3 measure points for task "
        "'discharge'; progen charts and reports at most that many"
    ]
