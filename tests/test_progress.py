"""Progress as at a day: numbers on a small hand-built programme and records, the
progress.json shape, one sentence per chart case, deterministic accessible SVG, and a
board report of 2 to 4 pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

import pytest
from conftest import REPO
from pypdf import PdfReader

from progen.design.assemble import assemble
from progen.design.participants import member_names
from progen.publish.report import progress_markdown, report_html, write_report_pdf
from progen.records.model import (
    Attendance,
    EvaluationResponse,
    Feedback,
    MeasurePoint,
    PdsaRecord,
    Records,
)
from progen.results.chart_svg import numbers_table, run_chart_svg, xmr_svg
from progen.results.model import Observation
from progen.results.progress import frequency, progress
from progen.results.progress_json import progress_json
from progen.results.progress_model import MeasureProgress
from progen.results.runchart import run_chart
from progen.results.sentence import sentence
from progen.results.spc import xmr
from progen.spec.validate import read_spec


def month(i: int) -> dt.date:
    y, m = divmod(2026 * 12 + i, 12)
    return dt.date(y, m + 1, 28)


def records_for(p, attend_sets=lambda s, n: True, hostile="") -> Records:
    first = p.sessions[0]
    people = [n for g in first.audience for n in member_names(p.spec.stakeholder(g))]
    attendance = [Attendance(first.id, first.date, n, n != people[0]) for n in people]
    for st in p.sets:
        for n, day in enumerate(st.meetings):
            if attend_sets(st, n):
                attendance += [Attendance(st.id, day, m.name, True) for m in st.members]
    values = [6.1, 5.9, 6.3, 5.8, 6.0, 6.2, 5.9, 4.1, 4.0, 3.8, 4.2, 3.9, 4.0, 3.7, 4.1]
    return Records(
        p.id,
        measures=tuple(MeasurePoint("discharge", month(i), v) for i, v in enumerate(values)),
        attendance=tuple(attendance),
        pdsa=(
            PdsaRecord(
                "discharge",
                1,
                p.pdsa[0].cycles[0].start,
                p.pdsa[0].cycles[0].end,
                hostile or "Board round",
                "fewer waits",
                "fewer waits",
                "adopt",
            ),
            PdsaRecord("discharge", 2, p.pdsa[0].cycles[1].start, None, "Lounge", "x", "", ""),
        ),
        feedback=(Feedback(first.id, 4), Feedback(first.id, 5), Feedback(p.sessions[-1].id, 1)),
        evaluation=(
            EvaluationResponse("baseline", "learning", "Leadership self-assessment", "a", 2),
            EvaluationResponse("baseline", "learning", "Leadership self-assessment", "b", 3),
            EvaluationResponse("midpoint", "learning", "Leadership self-assessment", "a", 4),
        ),
    )


def as_at(p) -> dt.date:
    return p.sets[0].meetings[3]  # four set meetings due


def test_attendance_is_counted_against_the_plan(small):
    first = small.sessions[0]
    result = progress(small, records_for(small), first.date)
    expected = sum(len(member_names(small.spec.stakeholder(g))) for g in first.audience)
    total = sum(t.planned for t in result.attendance.by_organisation)
    assert total == expected  # only the first session is due
    assert sum(t.attended for t in result.attendance.by_organisation) == expected - 1
    assert result.attendance.sessions_held == (first.id,)
    assert [t.key for t in result.attendance.by_level] == ["middle", "frontline"]
    assert result.attendance.by_level[0].label == "Middle"


def test_records_after_the_as_at_day_do_not_count(small):
    day = as_at(small)
    result = progress(small, records_for(small), day)
    chart = result.measures[0].chart
    assert chart is not None and max(p.date for p in chart.points) <= day
    assert result.measures[0].runs.useful <= len(chart.points)
    assert all(s.ahead == len(small.sets[0].meetings) - 4 for s in result.sets[:1])
    ratings = result.evaluation[0].feedback
    assert ratings is not None and ratings.n == 2 and ratings.distribution == (0, 0, 0, 1, 1)


def test_sets_held_missed_and_stopped(small):
    skipped = lambda st, n: not (st.id == "set-1" and n in (2, 3))  # noqa: E731
    result = progress(small, records_for(small, skipped), as_at(small))
    first = result.sets[0]
    assert (len(first.held), len(first.missed)) == (2, 2) and first.stopped
    assert all(not s.stopped for s in result.sets[1:])
    kinds = [(d.kind, d.subject) for d in result.decisions]
    assert ("set_stopped", "set-1") in kinds
    one_missed = lambda st, n: not (st.id == "set-1" and n == 2)  # noqa: E731
    assert not progress(small, records_for(small, one_missed), as_at(small)).sets[0].stopped


def test_a_group_whose_attendance_falls_is_a_decision(small):
    day = small.sessions[-1].date
    half = len(small.sessions) // 2
    attendance = tuple(
        Attendance(s.id, s.date, n, i < half or k == 0)  # later, only one person comes
        for i, s in enumerate(small.sessions)
        for g in s.audience
        for k, n in enumerate(member_names(small.spec.stakeholder(g)))
    )
    records = dataclasses.replace(records_for(small), attendance=attendance)
    decisions = progress(small, records, day).decisions
    fell = {d.subject for d in decisions if d.kind == "attendance_fell"}
    assert "ward-managers" in fell


def test_attendance_alarms_need_enough_places(small):
    """Sets of five meeting twice, then one member each: too few places to call a fall."""
    late = lambda st, n: n < 2  # noqa: E731
    extra = tuple(
        Attendance(st.id, d, st.members[0].name, True) for st in small.sets for d in st.meetings[2:]
    )
    records = records_for(small, late)
    records = dataclasses.replace(records, attendance=records.attendance + extra)
    kinds = {d.kind for d in progress(small, records, small.sets[0].meetings[-1]).decisions}
    assert not kinds & {"attendance_fell", "attendance_low"}


def test_pdsa_cycles_against_the_plan(small):
    day = as_at(small)
    x = progress(small, records_for(small), day).pdsa[0]
    assert x.planned == sum(1 for c in small.pdsa[0].cycles if c.start <= day)
    assert [c.n for c in x.cycles] == [1, 2] and x.decisions() == {"adopt": 1}
    assert x.cycles[1].decision == "" and x.cycles[1].end is None


def test_evaluation_scores_at_the_first_timepoint_and_the_latest(small):
    late = small.evaluation.timepoints[1].date
    learning = next(lv for lv in progress(small, records_for(small), late).evaluation
                    if lv.level == "learning")  # fmt: skip
    score = learning.scores[0]
    assert (score.first.timepoint, score.first.mean, score.first.n) == ("baseline", 2.5, 2)
    assert (score.latest.timepoint, score.latest.mean) == ("midpoint", 4.0)


def test_progress_json_has_the_spec_fields_and_is_deterministic(small):
    result = progress(small, records_for(small), as_at(small))
    data = progress_json(result)
    assert list(data) == ["as_at", "measures", "attendance", "sets", "pdsa", "evaluation",
                          "decisions"]  # fmt: skip
    assert list(data["measures"][0]) == [
        "task", "name", "unit", "improvement", "target", "points", "variation", "assurance",
        "provisional", "run_chart",
    ]  # fmt: skip
    assert data["measures"][0]["improvement"] == "decrease"
    text = json.dumps(data, allow_nan=False)
    again = json.dumps(progress_json(progress(small, records_for(small), as_at(small))))
    assert text == again


def measure(values, improvement="decrease", target=2.0, rebase=(), days=30) -> MeasureProgress:
    points = [
        Observation(dt.date(2027, 1, 1) + dt.timedelta(days=days * i), float(v), i in rebase)
        for i, v in enumerate(values)
    ]
    return MeasureProgress(
        "t", "Task", "median days", "days", improvement, target, 6.0,
        frequency(p.date for p in points),
        xmr(points, improvement, target) if points else None,
        run_chart(points), (),
    )  # fmt: skip


BASE = [9, 11] * 10


@pytest.mark.parametrize(
    ("values", "improvement", "target", "expected"),
    [
        ([], "decrease", 2, "No data yet: the chart starts when the first month's figure"),
        (BASE, "decrease", 10, "Common cause variation: no sign of change yet; the target of "
         "10 days is within the limits, so it will be hit and missed."),
        (BASE, "decrease", 2, "the target of 2 days is below the lower limit, so it will not "
         "be met without a change"),
        (BASE, "decrease", 20, "above the upper limit, so it will be met every month"),
        (BASE, "increase", 20, "above the upper limit, so it will not be met"),
        (BASE, "neutral", 20, "with no direction set for better, the target of 20 days is not"),
        (BASE, "decrease", None, "no target is set"),
        ([*BASE, 8.5, 9.5] * 1 + [8.5, 9.5, 8.5, 9.5, 8.5], "decrease", None,
         "Special cause improvement: 7 months below the mean since"),
        ([*BASE, 8.5, 9.5, 8.5, 9.5, 8.5, 9.5, 8.5], "increase", None,
         "Special cause concern: 7 months below the mean since"),
        ([*BASE, 9, 9.5, 10, 10.5, 11, 11.5, 12], "increase", None,
         "Special cause improvement: 7 months in a row, each higher than the one before"),
        ([*BASE, 30], "decrease", None, "Special cause concern: the latest month, "),
        ([*BASE, 15, 13, 15], "neutral", None,
         "Special cause variation: two of the last three months are close to the upper limit"),
        ([4] * 14, "decrease", 2, "the figures have not varied, so there are no limits yet"),
        ([9, 11, 9, 11, 9], "decrease", 10, "too few points to judge whether the target of 10 "
         "days will be met"),
        ([9, 11, 9, 11, 9], "decrease", None, "the limits are provisional until there are 12 "
         "months"),
    ],
)  # fmt: skip
def test_each_chart_case_has_its_sentence(values, improvement, target, expected):
    text = sentence(measure(values, improvement, target))
    assert expected in text and text.endswith(".")


def test_weekly_data_counts_in_weeks():
    m = measure([*BASE, 8.5, 9.5, 8.5, 9.5, 8.5, 9.5, 8.5], days=7)
    assert m.frequency == "week"
    assert "7 weeks below the mean since the week of" in sentence(m)


def test_charts_are_accessible_and_identical_across_runs():
    m = measure([*BASE, 30, 9, 11, 9], rebase={20})
    for draw in (xmr_svg, run_chart_svg):
        svg = str(draw(m, "c"))
        assert svg == str(draw(m, "c"))
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "<script" not in svg.lower() and "javascript" not in svg.lower()
        assert 'viewBox="' in svg and 'width="100%"' in svg
    assert "Rebased" in str(xmr_svg(m, "c"))


def test_user_text_is_escaped_in_charts_tables_and_pages(small):
    hostile = "<script>alert(1)</script> [x](javascript:alert(2))"
    records = records_for(small, hostile=hostile)
    result = progress(small, records, as_at(small))
    m = dataclasses.replace(result.measures[0], name=hostile)
    assert "<script>" not in str(xmr_svg(m, "c")) + str(numbers_table(m))
    html = report_html(result, small)
    assert "<script>" not in html and "&lt;script&gt;" in html
    pages = progress_markdown(result, small)
    assert "progress/index.md" in pages and "progress/discharge.md" in pages
    assert all("<script>" not in text for text in pages.values())


def test_the_board_report_of_a_bundled_example_has_two_to_four_pages(tmp_path):
    p = assemble(read_spec(REPO / "programmes" / "examples" / "westmoor-discharge.yaml"))
    points = tuple(
        MeasurePoint(task, month(i), v)
        for task, base in (("discharge", 6.0), ("first-week-home", 40.0))
        for i, v in enumerate([base + (i % 3) * 0.4 - (i > 12) * base / 4 for i in range(24)])
    )
    attendance = tuple(
        Attendance(s.id, s.date, n, i % 5 != 0)
        for s in p.sessions for g in s.audience
        for i, n in enumerate(member_names(p.spec.stakeholder(g)))
    )  # fmt: skip
    records = Records(p.id, measures=points, attendance=attendance)
    result = progress(p, records, dt.date(2027, 7, 31))
    path = tmp_path / "report.pdf"
    write_report_pdf(result, p, path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert 2 <= len(reader.pages) <= 4
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Progress report as at Saturday 31 July 2027" in text
    assert "Decisions for the board" in text
