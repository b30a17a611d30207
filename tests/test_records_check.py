"""Records checked against the programme they record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from records_support import SPEC, folder_with

from progen.design.assemble import assemble
from progen.records.check import check_records
from progen.records.model import MeasurePoint, Records
from progen.records.read import read_records
from progen.spec.validate import read_spec


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "spec.yaml"
    path.write_text(SPEC, "utf-8")
    return assemble(read_spec(path))


@pytest.fixture
def check(programme, tmp_path, monkeypatch):
    """check(files) -> the headlines of every problem checking those records gives."""
    monkeypatch.chdir(tmp_path)

    def run(files: dict[str, str]) -> list[str]:
        folder_with(Path("."), files)
        return [p.headline() for p in check_records(read_records(Path("rec"), "p"), programme)]

    return run


def test_the_test_programme_is_what_these_tests_assume(programme):
    assert [s.id for s in programme.sessions][:2] == ["s01", "s02"]
    assert programme.sessions[0].date == dt.date(2027, 1, 12)
    assert [s.id for s in programme.sets] == ["set-1", "set-2"]
    assert programme.sets[0].meetings[:2] == (dt.date(2027, 3, 3), dt.date(2027, 3, 31))
    assert [t.name for t in programme.evaluation.timepoints] == [
        "baseline",
        "midpoint",
        "end",
        "follow-up",
    ]


def test_good_records_have_no_problem(check, programme):
    assert (
        check(
            {
                "measures.csv": "task,date,value\ndischarge,2026-06-30,7\ndischarge,2027-01-31,6\n",
                "attendance.csv": "event,date,name,attended\ns01,2027-01-12,Alex Brown,yes\n"
                "set-1,2027-03-03,Alex Brown,no\n"
                f"set-1,{programme.sets[0].meetings[-1]},Jo White,yes\n",
                "pdsa.csv": "task,cycle,start,end,change,prediction,result,decision\n"
                "discharge,1,2027-02-26,2027-03-04,x,y,z,adopt\n",
                "feedback.csv": "session,rating\ns01,5\ns01,4\n",
                "evaluation.csv": "timepoint,level,measure,respondent,score\n"
                "baseline,learning,Leadership self-assessment,r1,3\n"
                "end,learning,Leadership self-assessment,r1,4\n",
            }
        )
        == []
    )


def test_unknown_task_and_a_task_with_no_measure(check):
    assert check(
        {"measures.csv": "task,date,value\ndischarg,2027-01-31,6\ncarers-voice,2027-01-31,1\n"}
    ) == [
        "rec/measures.csv:2:1: task: the programme has no task 'discharg' (did you mean "
        "'discharge'?)",
        "rec/measures.csv:3:1: task: task 'carers-voice' has no measure in the spec; give it one "
        "(tasks: measure) before recording its data",
    ]


def test_a_duplicate_measure_names_the_first_row(check):
    found = check(
        {"measures.csv": "task,date,value\ndischarge,2027-01-31,6\ndischarge,2027-01-31,5\n"}
    )
    assert found == [
        "rec/measures.csv:3:2: date: a value for this task on this date is recorded twice "
        "(first at row 2)"
    ]


def test_attendance_ids_dates_and_duplicates(check):
    found = check(
        {
            "attendance.csv": "event,date,name,attended\n"
            "s-01,2027-01-12,Alex Brown,yes\n"
            "s01,2026-12-01,Alex Brown,yes\n"
            "s01,2027-01-12,Alex Brown,yes\n"
            "s01,2027-01-12,alex brown ,no\n"
            "set-9,2027-02-24,Alex Brown,yes\n"
        }
    )
    assert found == [
        "rec/attendance.csv:2:1: event: the programme has no session or set 's-01' (did you mean "
        "'s01'?)",
        "rec/attendance.csv:3:2: date: 2026-12-01 is outside the programme, which runs from its "
        "first session (2027-01-12) to its last event (2027-07-01)",
        "rec/attendance.csv:3:2: warning: date s01 was not planned for 2026-12-01 (planned: "
        "2027-01-12); was it moved?",
        "rec/attendance.csv:5:3: warning: name 1 name at 's01' ('alex brown' first) is not in "
        "the plan's list for it; they count as unplanned attendance, so check the spelling of "
        "any planned person",
        "rec/attendance.csv:5:3: name: this person's attendance at this event on this date is "
        "recorded twice (first at row 4)",
        "rec/attendance.csv:6:1: event: the programme has no session or set 'set-9' (did you mean "
        "'set-2'?)",
    ]


def test_a_moved_set_meeting_is_one_warning_naming_the_planned_dates_either_side(check):
    found = check(
        {
            "attendance.csv": "event,date,name,attended\n"
            "set-1,2027-03-10,Alex Brown,yes\nset-1,2027-03-10,Sam Green,yes\n"
        }
    )
    assert found == [
        "rec/attendance.csv:2:2: warning: date set-1 was not planned for 2027-03-10 (planned: "
        "2027-03-03 and 2027-03-31); was it moved?"
    ]


def test_pdsa_unknown_task_and_a_cycle_twice(check):
    head = "task,cycle,start,end,change,prediction,result,decision\n"
    found = check(
        {
            "pdsa.csv": head + "falls,1,2027-02-18,,x,,,\n"
            "discharge,1,2027-02-18,,x,,,\ndischarge,1,2027-02-25,,y,,,\n"
        }
    )
    assert found == [
        "rec/pdsa.csv:2:1: task: the programme has no task 'falls'; the tasks are 'discharge' "
        "and 'carers-voice'",
        "rec/pdsa.csv:4:2: cycle: this cycle of this task is recorded twice (first at row 3)",
    ]


def test_feedback_for_a_session_that_does_not_exist_or_for_a_set(check):
    assert check({"feedback.csv": "session,rating\nx99,4\nset-1,4\n"}) == [
        "rec/feedback.csv:2:1: session: the programme has no session 'x99'",
        "rec/feedback.csv:3:1: session: 'set-1' is a set; feedback is for sessions",
    ]


def test_evaluation_timepoint_level_measure_and_duplicates(check):
    head = "timepoint,level,measure,respondent,score\n"
    found = check(
        {
            "evaluation.csv": head + "basline,learning,Leadership self-assessment,r1,3\n"
            "end,learnin,Leadership self-assessment,r2,3\n"
            "end,behaviour,Leadership self-assessment,r3,3\n"
            "end,learning,Leadership self-assesment,r4,3\n"
            "end,results,Team climat,r5,3\n"
            "end,learning,Confidence and commitment,r2,3\n"
            "end,learning,Confidence and commitment,R2,4\n"
        }
    )
    assert found == [
        "rec/evaluation.csv:2:1: timepoint: the programme has no timepoint 'basline' (did you "
        "mean 'baseline'?)",
        "rec/evaluation.csv:3:2: level: the programme has no level 'learnin' (did you mean "
        "'learning'?)",
        "rec/evaluation.csv:4:3: measure: 'Leadership self-assessment' is a learning measure, "
        "not a behaviour one",
        "rec/evaluation.csv:5:3: measure: the programme has no learning measure "
        "'Leadership self-assesment' (did you mean 'Leadership self-assessment'?)",
        "rec/evaluation.csv:6:3: measure: the programme has no results measure 'Team climat'; "
        "the results measures are 'Home from hospital: days delayed', 'Carers heard: a measure "
        "to agree at the Model for Improvement launch', 'Staff motivation, morale and intention "
        "to stay' and 'Sickness absence and turnover'",
        "rec/evaluation.csv:8:4: respondent: this respondent's score on this measure at this "
        "timepoint is recorded twice (first at row 7)",
    ]


def test_a_workbook_problem_is_located_at_the_sheet_cell(check):
    from records_support import workbook

    raw = workbook({"feedback": [("rating", "session"), (4, "x99")]})
    assert check({"records.xlsx": raw}) == [
        "rec/records.xlsx:feedback!B2: session: the programme has no session 'x99'"
    ]


def test_records_made_in_code_can_be_checked_without_a_place(programme):
    records = Records("p", measures=(MeasurePoint("nope", dt.date(2027, 1, 1), 1.0),))
    (problem,) = check_records(records, programme)
    assert problem.headline() == (
        "records:1:1: task: the programme has no task 'nope'; the tasks are 'discharge' and "
        "'carers-voice'"
    )
