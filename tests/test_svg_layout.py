"""The programme's pictures keep their shape: the timeline's lanes never overlap, every
mark lies on the time axis, each set's meetings run left to right, every picture is
well-formed XML with a title and a description for screen readers; and the axis
helpers the progress charts share say the year once and pick round numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import xml.etree.ElementTree as ET

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from test_engine import BUNDLED
from test_engine_properties import specs

from progen.design.assemble import assemble
from progen.design.model import Programme
from progen.errors import UserError
from progen.publish.svg import map_svg, run_chart_svg, timeline_svg
from progen.publish.svg.axis import TimeScale, month_marks, nice_max, nice_step
from progen.publish.svg.timeline_layout import (
    LANE_H,
    MAX_SET_LANES,
    TOP,
    EvaluationLane,
    PdsaLane,
    SessionLane,
    SetLane,
    TimelineLayout,
    set_lanes,
    timeline_layout,
)
from progen.spec.load import parse
from progen.spec.validate import read_spec
from progen.validation import check_document

NS = "{http://www.w3.org/2000/svg}"
KIND_ORDER = (SessionLane, SetLane, PdsaLane, EvaluationLane)


def lane_days(lane) -> list[dt.date]:
    """Every day a lane marks (a PDSA bar runs to the end of its last day)."""
    if isinstance(lane, SessionLane):
        return [s.date for s in lane.sessions]
    if isinstance(lane, SetLane):
        return [d for d, _ in lane.meetings]
    if isinstance(lane, PdsaLane):
        return [d for c in lane.cycles for d in (c.start, c.end + dt.timedelta(days=1))]
    return [t.date for t in lane.timepoints]


def marks(lane) -> int:
    return len(
        getattr(lane, "sessions", None)
        or getattr(lane, "meetings", None)
        or getattr(lane, "cycles", None)
        or getattr(lane, "timepoints", ())
    )


def accessible(svg: str) -> ET.Element:
    """The SVG as XML, checked to be an image labelled by its own title and description."""
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def check_timeline(p: Programme) -> None:
    layout: TimelineLayout = timeline_layout(p)
    lanes = layout.lanes
    # lanes come in kind order, stacked one below the other without overlapping
    kinds = [KIND_ORDER.index(type(lane)) for lane in lanes]
    assert kinds == sorted(kinds) and isinstance(lanes[-1], EvaluationLane)
    assert sum(isinstance(lane, EvaluationLane) for lane in lanes) == 1
    tops = [layout.lane_top(i) for i in range(len(lanes) + 1)]
    assert tops[0] == TOP and all(b - a == LANE_H for a, b in itertools.pairwise(tops))
    for i in range(len(lanes)):
        assert tops[i] < layout.lane_mid(i) < tops[i + 1]
    assert layout.bottom == tops[-1] < layout.height
    # the lanes hold the whole programme
    assert sum(len(lane.sessions) for lane in lanes if isinstance(lane, SessionLane)) == len(
        p.sessions
    )
    assert [lane.cycles for lane in lanes if isinstance(lane, PdsaLane)] == [
        x.cycles for x in p.pdsa
    ]
    if len(p.sets) <= MAX_SET_LANES:
        assert [len(lane.meetings) for lane in lanes if isinstance(lane, SetLane)] == [
            len(st.meetings) for st in p.sets
        ]
    # every mark lies on the axis; a set's meetings run left to right
    scale = layout.scale
    for lane in lanes:
        for day in lane_days(lane):
            assert scale.first <= day <= scale.last, (lane, day)
            assert scale.x0 <= scale(day) <= scale.x1
        if isinstance(lane, SetLane):
            days = [d for d, _ in lane.meetings]
            assert days == sorted(set(days)), lane.label
    # the picture draws a mark (a titled group) for each, every shape inside its lane
    root = accessible(timeline_svg(p))
    assert root.get("viewBox") == f"0 0 1000 {layout.height}"
    groups = iter(g for g in root.iter(f"{NS}g") if g.find(f"{NS}title") is not None)
    for i, lane in enumerate(lanes):
        for group in itertools.islice(groups, marks(lane)):
            for shape in group:
                if shape.tag != f"{NS}title":
                    top, bottom = vertical_extent(shape)
                    assert tops[i] <= top <= bottom <= tops[i + 1], (lane, ET.tostring(shape))
    assert next(groups, None) is None


def vertical_extent(shape: ET.Element) -> tuple[float, float]:
    """Where a timeline mark's shape starts and ends down the picture (a text by its
    baseline; a diamond path from its top point, 14 high)."""
    tag = shape.tag.removeprefix(NS)
    if tag == "circle":
        cy, r = float(shape.get("cy")), float(shape.get("r"))
        return cy - r, cy + r
    if tag == "rect":
        y = float(shape.get("y"))
        return y, y + float(shape.get("height"))
    if tag == "path":
        y = float(shape.get("d").split()[1])
        return y, y + 14
    assert tag == "text", tag
    return float(shape.get("y")), float(shape.get("y"))


def plan(data: dict) -> Programme | None:
    try:
        spec, _ = check_document(parse("prop.yaml", yaml.safe_dump(data).encode()))
    except UserError:  # the few generated specs whose calendar or budget cannot hold a plan
        return None
    return assemble(spec)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_generated_programmes_draw_well_formed_pictures_with_lanes_in_place(data):
    p = plan(data)
    if p is None:
        return
    check_timeline(p)
    accessible(map_svg(p))
    for i, x in enumerate(p.pdsa):
        accessible(run_chart_svg(x, p, i))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_timelines_keep_their_lanes_in_place(path):
    check_timeline(assemble(read_spec(path)))


def test_a_large_programme_has_a_set_lane_per_task_with_every_meeting_day_once():
    p = assemble(read_spec(BUNDLED[0]))
    many = (
        tuple(dataclasses.replace(st, id=f"{st.id}-{k}") for k in range(3) for st in p.sets)
        + p.sets[:1]
    )
    assert len(many) > MAX_SET_LANES
    big = dataclasses.replace(p, sets=many)
    lanes = set_lanes(big)
    with_sets = [t for t in p.spec.tasks if any(st.task == t.id for st in p.sets)]
    assert [lane.label.split(" sets: ")[1] for lane in lanes] == [t.title for t in with_sets]
    for lane, task in zip(lanes, with_sets, strict=True):
        sets = [st for st in many if st.task == task.id]
        assert lane.label.startswith(f"{len(sets)} sets: ")
        assert [d for d, _ in lane.meetings] == sorted({d for st in sets for d in st.meetings})
        advised = {d for st in sets for d in st.meetings[: st.adviser_meetings]}
        assert {d for d, filled in lane.meetings if filled} == advised
    check_timeline(big)


def test_months_say_the_year_once_and_again_each_january():
    scale = TimeScale(dt.date(2026, 11, 15), dt.date(2027, 3, 31), 0, 1000)
    labels = [m.label for m in month_marks(scale, lambda w, room: True, shorten=True)]
    assert labels == ["Nov 2026", "Dec", "Jan 2027", "Feb", "Mar"]
    marks_ = month_marks(scale, lambda w, room: True, shorten=True)
    assert marks_[0].x0 == 0 and marks_[-1].x1 == 1000
    assert all(a.x1 == b.x0 for a, b in itertools.pairwise(marks_))


def test_a_month_without_room_for_its_year_is_shortened_or_left_blank():
    scale = TimeScale(dt.date(2027, 2, 1), dt.date(2027, 4, 30), 0, 100)
    fits = lambda w, room: len(w) <= 3  # noqa: E731 - room for "Feb", never "Feb 2027"
    assert [m.label for m in month_marks(scale, fits, shorten=True)] == ["Feb", "Mar", "Apr"]
    # without shortening, nothing is labelled until the year can be said
    assert [m.label for m in month_marks(scale, fits, shorten=False)] == ["", "", ""]


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 10.0), (-3, 10.0), (7, 10.0), (14, 20.0), (21, 25.0), (26, 50.0), (140, 200.0)],
)
def test_a_value_axis_tops_out_at_a_round_number(value, top):
    assert nice_max(value) == top


@pytest.mark.parametrize(
    ("raw", "step"), [(0.3, 0.5), (1, 1), (1.2, 2), (2.2, 2.5), (3, 5), (7, 10), (42, 50)]
)
def test_grid_steps_are_round(raw, step):
    assert nice_step(raw) == pytest.approx(step)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_session_numbers_on_one_line_never_touch(path):
    """Close sessions' numbers go above and below their dots; none is printed over another."""
    import re

    from progen.publish.svg.timeline import LABEL_ROOM

    svg = str(timeline_svg(assemble(read_spec(path))))
    labels = re.findall(r'<text x="([\d.]+)" y="(\d+)" text-anchor="middle" font-size="9"', svg)
    assert len(labels) > 5
    lines: dict[str, list[float]] = {}
    for x, y in labels:
        lines.setdefault(y, []).append(float(x))
    for xs in lines.values():
        xs.sort()
        assert all(b - a >= LABEL_ROOM for a, b in itertools.pairwise(xs)), xs
