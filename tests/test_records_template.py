"""The records template: pre-filled from the design, read back as nothing recorded,
filled in it reads back as what was typed, and the same bytes on every build."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from records_support import SPEC, swap

from progen.design.assemble import assemble
from progen.design.participants import expand_participants
from progen.records.check import check_records
from progen.records.model import Records
from progen.records.read import read_records
from progen.records.template import template_rows, workbook_bytes, write_templates
from progen.spec.validate import read_spec

# A group whose named people would be formulas in a spreadsheet if written carelessly.
HOSTILE = swap(SPEC, "[Alex Brown, Sam Green, Jo White]", '["=1+2", "@SUM(A1)", Jo White]')


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "spec.yaml"
    path.write_text(HOSTILE, "utf-8")
    return assemble(read_spec(path))


@pytest.fixture(scope="module")
def written(programme, tmp_path_factory):
    return write_templates(programme, tmp_path_factory.mktemp("site"))


def test_the_files_written(written):
    assert [p.relative_to(written[0].parent).as_posix() for p in written] == [
        "records-template.xlsx",
        "records-template/measures.csv",
        "records-template/attendance.csv",
        "records-template/pdsa.csv",
        "records-template/feedback.csv",
        "records-template/evaluation.csv",
    ]


def test_rows_are_pre_filled_from_the_design(programme):
    rows = template_rows(programme)
    assert rows["measures"] == [("discharge", None, None, None, None)]  # carers-voice has none
    people = expand_participants(programme.spec)
    set_task = {m: st.task for st in programme.sets for m in st.members}

    def expected(p, s) -> bool:
        """At a task's own session, a member of a group in several tasks only if it is theirs."""
        mine = s.task is None or len(p.tasks) == 1 or set_task[p] == s.task
        return p.stakeholder in s.audience and mine

    planned = sum(sum(expected(p, s) for p in people) for s in programme.sessions) + sum(
        len(s.members) * len(s.meetings) for s in programme.sets
    )
    assert len(rows["attendance"]) == planned
    first = programme.sessions[0]
    assert rows["attendance"][0][:2] == (first.id, first.date)
    assert [r[3] for r in rows["attendance"]] == [None] * planned
    assert [r[:4] for r in rows["pdsa"]] == [
        (plan.task, c.n, c.start, c.end) for plan in programme.pdsa for c in plan.cycles
    ]
    assert [r[0] for r in rows["feedback"]] == [s.id for s in programme.sessions]
    assert ("baseline", "learning", "Leadership self-assessment", None, None) in rows["evaluation"]
    assert not any(r[2] == "Session feedback" for r in rows["evaluation"])


def copy_in(source: Path, folder: Path) -> Path:
    folder.mkdir()
    if source.suffix == ".xlsx":
        shutil.copy(source, folder / "records.xlsx")
    else:
        for csv in source.glob("*.csv"):
            shutil.copy(csv, folder / csv.name)
    return folder


def test_the_untouched_template_reads_back_as_no_records(written, tmp_path, programme):
    for n, source in enumerate((written[0], written[1].parent)):
        records = read_records(copy_in(source, tmp_path / f"r{n}"), "p")
        assert records == Records("p")
        assert check_records(records, programme) == ()


def test_names_that_look_like_formulas_stay_text(written):
    attendance = written[2].read_text("utf-8-sig")
    assert "'=1+2" in attendance and "'@SUM(A1)" in attendance
    sheet = openpyxl.load_workbook(written[0])["attendance"]
    cells = [row[2] for row in sheet.iter_rows(min_row=2) if row[2].value in ("=1+2", "@SUM(A1)")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_workbook_opens_on_about_with_frozen_headers_drop_downs_and_date_cells(written):
    book = openpyxl.load_workbook(written[0])
    assert book.sheetnames == ["about", "measures", "attendance", "pdsa", "feedback", "evaluation"]
    attendance = book["attendance"]
    assert attendance.freeze_panes == "A2"
    assert attendance["D1"].value == "attended"
    assert isinstance(attendance["B2"].value, dt.datetime)
    assert attendance["B2"].number_format == "yyyy-mm-dd"
    (rule,) = attendance.data_validations.dataValidation
    assert rule.formula1 == '"yes,no"' and str(rule.sqref).startswith("D2:D")
    (rating,) = book["feedback"].data_validations.dataValidation
    assert (rating.type, rating.formula1, rating.formula2) == ("whole", "1", "5")
    (decision,) = book["pdsa"].data_validations.dataValidation
    assert decision.formula1 == '"adopt,adapt,abandon,continue"'
    assert book["pdsa"].column_dimensions["E"].width == 40


def test_the_workbook_is_the_same_bytes_on_every_build(programme, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = workbook_bytes(programme, 1_800_000_000)
    assert workbook_bytes(programme, 1_800_000_000) == first
    assert workbook_bytes(programme, 1_800_086_400) != first  # the stamp is the epoch's
    book = openpyxl.load_workbook(io.BytesIO(first))
    assert book.properties.modified == dt.datetime(2027, 1, 15, 8, 0)


def test_write_templates_takes_the_epoch_from_the_environment(programme, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    (workbook, *_) = write_templates(programme, tmp_path / "a")
    assert workbook.read_bytes() == workbook_bytes(programme, 1_800_000_000)
    (again, *_) = write_templates(programme, tmp_path / "b")
    assert again.read_bytes() == workbook.read_bytes()


def test_a_filled_in_template_reads_back_as_what_was_typed(written, tmp_path, programme):
    book = openpyxl.load_workbook(written[0])
    book["measures"]["B2"] = dt.datetime(2027, 1, 31)
    book["measures"]["C2"] = 6.5
    book["measures"].append(("discharge", dt.datetime(2027, 2, 28), 5, "new form", 1))
    attendance = book["attendance"]
    attendance["D2"] = "yes"
    attendance["D3"] = "no"
    book["pdsa"]["E2"] = "board round"
    book["pdsa"]["G2"] = "fewer waits"
    book["pdsa"]["H2"] = "adopt"
    book["feedback"]["B2"] = 5
    book["evaluation"]["D2"] = "r1"
    book["evaluation"]["E2"] = 3
    folder = tmp_path / "filled"
    folder.mkdir()
    book.save(folder / "records.xlsx")
    records = read_records(folder, "p")
    assert check_records(records, programme) == ()
    assert [(m.date, m.value, m.note, m.rebase) for m in records.measures] == [
        (dt.date(2027, 1, 31), 6.5, "", False),
        (dt.date(2027, 2, 28), 5.0, "new form", True),
    ]
    rows = template_rows(programme)
    assert [(a.event, a.date, a.name, a.attended) for a in records.attendance] == [
        (*rows["attendance"][0][:3], True),
        (*rows["attendance"][1][:3], False),
    ]
    (cycle,) = records.pdsa
    plan = programme.pdsa[0].cycles[0]
    assert (cycle.cycle, cycle.start, cycle.end, cycle.change, cycle.result, cycle.decision) == (
        1,
        plan.start,
        plan.end,
        "board round",
        "fewer waits",
        "adopt",
    )
    assert [(f.session, f.rating) for f in records.feedback] == [(programme.sessions[0].id, 5)]
    (response,) = records.evaluation
    assert (response.timepoint, response.respondent, response.score) == (
        rows["evaluation"][0][0],
        "r1",
        3.0,
    )


def test_drop_downs_refuse_a_wrong_entry_and_about_says_how_to_fill_in_measures(written):
    book = openpyxl.load_workbook(written[0])
    rules = [
        rule
        for name in ("attendance", "feedback", "pdsa", "measures")
        for rule in book[name].data_validations.dataValidation
    ]
    assert len(rules) == 4 and all(r.showErrorMessage and r.error for r in rules)
    about = "\n".join(str(row[0].value or "") for row in book["about"].iter_rows())
    assert "one row per period" in about.lower() and "last day as the date" in about
    assert "before the programme started is welcome" in about
    assert "only after a sustained signal" in about and "held for 12 periods" in about


def test_a_programme_planning_more_places_than_a_file_holds_lists_none(programme, monkeypatch):
    """A region's hundreds of thousands of places would make a template its reader refuses."""
    import progen.records.template as template

    places = template.planned_places(programme)
    assert len(template_rows(programme)["attendance"]) == places
    monkeypatch.setattr(template, "MAX_RECORD_ROWS", places)  # now too many to pre-fill
    assert template_rows(programme)["attendance"] == []
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(programme, 0)))
    about = " ".join(str(c.value) for c in book["about"]["A"] if c.value)
    assert f"This programme plans {places:,} places, more than a records file may hold" in about


def test_a_group_in_no_task_has_its_places_at_the_sessions_it_joins(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(
        SPEC + "  - {id: board, name: Trust board, organisation: trust, level: top-team,"
        " people: [Ann Lee, Raj Patel]}\n",
        "utf-8",
    )
    p = assemble(read_spec(path))
    rows = template_rows(p)["attendance"]
    joined = [s for s in p.sessions if "board" in s.audience]
    assert joined, "the board joins the sessions for everyone"
    for s in joined:
        assert {("Ann Lee", s.id), ("Raj Patel", s.id)} <= {(r[2], r[0]) for r in rows}
    import progen.records.template as template

    assert len(rows) == template.planned_places(p)
