"""The whole programme on one time axis: sessions by phase, sets, PDSA cycles, evaluation.

The layout (timeline_layout.py) places the lanes and the axis; here each kind of lane
has its own drawing function, given the lane and the y of its middle."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable

from markupsafe import Markup

from progen.design.model import Programme
from progen.publish.svg.axis import month_marks
from progen.publish.svg.markup import BLUE, DARK, GREY, LIGHT, esc, svg_open
from progen.publish.svg.timeline_layout import (
    LABEL_W,
    LANE_H,
    PHASE_COLOURS,
    WIDTH,
    EvaluationLane,
    Lane,
    PdsaLane,
    SessionLane,
    SetLane,
    TimelineLayout,
    timeline_layout,
)

CYCLE_FILLS = ("#b05583", "#7c2855")  # even and odd cycles, so neighbours stand apart
EVALUATION_FILL = "#ffb81c"


LABEL_ROOM = 16  # pixels between two session numbers on one line (two digits at 9 px)


def _lane_name(mid: float, text: str, fill: str = DARK, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="8" y="{mid + 4:.0f}" fill="{fill}"{weight}>{esc(text)}</text>'


def _mark(hover: str, shapes: str) -> str:
    """A mark on the timeline: its shapes grouped under a title a pointer shows."""
    return f"<g><title>{esc(hover)}</title>{shapes}</g>"


def _short(label: str) -> str:
    return textwrap.shorten(label, 26, placeholder="…")


def session_marks(lane: SessionLane, layout: TimelineLayout, mid: float) -> list[str]:
    """A dot per session with its number: below the dot, or above it when the number below
    would touch the last one there; a number with room on neither line is left off (the
    dot keeps its title, and the session list its number), never printed over another."""
    colour = PHASE_COLOURS.get(lane.phase, DARK)
    out = [_lane_name(mid, f"Sessions: {lane.phase}", colour, bold=True)]
    last = {mid + 13: -100.0, mid - 8: -100.0}  # each label line: where its last number is
    for s in lane.sessions:
        x = layout.scale(s.date)
        free = [ty for ty, at in last.items() if x - at >= LABEL_ROOM]
        label = ""
        if free:
            last[free[0]] = x
            label = (
                f'<text x="{x:.1f}" y="{free[0]:.0f}" text-anchor="middle" font-size="9" '
                f'fill="{DARK}">{esc(s.id.lstrip("s"))}</text>'
            )
        out.append(
            _mark(
                f"{s.id} {s.date:%a %d %b %Y}: {s.title}",
                f'<circle cx="{x:.1f}" cy="{mid:.1f}" r="4.5" fill="{colour}"/>{label}',
            )
        )
    return out


def set_marks(lane: SetLane, layout: TimelineLayout, mid: float) -> list[str]:
    """A square per meeting: filled with a set adviser there, empty when self-managed."""
    out = [_lane_name(mid, _short(lane.label))]
    for d, with_adviser in lane.meetings:
        x = layout.scale(d)
        fill = BLUE if with_adviser else "#ffffff"
        who = "with adviser" if with_adviser else "self-managed"
        out.append(
            _mark(
                f"{lane.label}: meeting {d:%a %d %b %Y}, {who}",
                f'<rect x="{x - 5:.1f}" y="{mid - 5:.0f}" width="10" height="10" '
                f'fill="{fill}" stroke="{BLUE}" stroke-width="2"/>',
            )
        )
    return out


def pdsa_marks(lane: PdsaLane, layout: TimelineLayout, mid: float) -> list[str]:
    """A bar per cycle from its first day to the end of its last, numbered where the bar
    is wide enough."""
    out = [_lane_name(mid, _short(lane.label))]
    for c in lane.cycles:
        x0, x1 = layout.scale(c.start), layout.scale(c.end + dt.timedelta(days=1))
        number = (
            f'<text x="{(x0 + x1) / 2:.1f}" y="{mid + 4:.0f}" text-anchor="middle" '
            f'font-size="10" fill="#ffffff">{c.n}</text>'
            if x1 - x0 > 14
            else ""
        )
        out.append(
            _mark(
                f"Round {c.n} of tests: {c.start:%d %b} to {c.end:%d %b %Y}",
                f'<rect x="{x0:.1f}" y="{mid - 8:.0f}" width="{max(x1 - x0 - 1, 2):.1f}" '
                f'height="16" rx="2" fill="{CYCLE_FILLS[c.n % 2]}"/>{number}',
            )
        )
    return out


def evaluation_marks(lane: EvaluationLane, layout: TimelineLayout, mid: float) -> list[str]:
    """A diamond per evaluation point, named on the side with room."""
    out = [_lane_name(mid, "Evaluation", bold=True)]
    for tp in lane.timepoints:
        x = layout.scale(tp.date)
        anchor, dx = ("end", -8) if x > WIDTH - 80 else ("start", 8)
        out.append(
            _mark(
                f"{tp.name}: {tp.date:%d %b %Y}",
                f'<path d="M{x:.1f} {mid - 7:.0f} l7 7 l-7 7 l-7 -7 z" fill="{EVALUATION_FILL}" '
                f'stroke="{DARK}" stroke-width="1"/><text x="{x + dx:.1f}" y="{mid + 4:.0f}" '
                f'text-anchor="{anchor}" font-size="10" fill="{DARK}">{esc(tp.name)}</text>',
            )
        )
    return out


LANE_MARKS: dict[type, Callable[..., list[str]]] = {
    SessionLane: session_marks,
    SetLane: set_marks,
    PdsaLane: pdsa_marks,
    EvaluationLane: evaluation_marks,
}


def lane_marks(lane: Lane, layout: TimelineLayout, mid: float) -> list[str]:
    return LANE_MARKS[type(lane)](lane, layout, mid)


def month_grid(layout: TimelineLayout) -> list[str]:
    """A line at each month's start down through the lanes, the month named above the
    lanes in the middle of its room."""
    top, bottom = layout.lane_top(0), layout.bottom
    out = []
    for m in month_marks(layout.scale, lambda w, room: room > len(w) * 6.5 + 4, shorten=True):
        out.append(
            f'<line x1="{m.x0:.1f}" y1="{top:.0f}" x2="{m.x0:.1f}" y2="{bottom:.0f}" '
            f'stroke="{LIGHT}" stroke-width="1"/>'
        )
        if m.label:
            out.append(
                f'<text x="{(m.x0 + m.x1) / 2:.1f}" y="{top - 6:.0f}" text-anchor="middle" '
                f'fill="{GREY}">{esc(m.label)}</text>'
            )
    return out


def stripes(layout: TimelineLayout) -> list[str]:
    """Every other lane shaded, so the eye can follow a lane across."""
    return [
        f'<rect x="0" y="{layout.lane_top(i)}" width="{WIDTH}" height="{LANE_H}" '
        'fill="#f0f4f5" fill-opacity="0.6"/>'
        for i in range(0, len(layout.lanes), 2)
    ]


def legend(layout: TimelineLayout) -> str:
    x, y = LABEL_W, layout.bottom + 22
    return (
        f'<g font-size="11" fill="{DARK}">'
        f'<circle cx="{x + 14}" cy="{y - 4}" r="4.5" fill="{BLUE}"/>'
        f'<text x="{x + 24}" y="{y}">session (number)</text>'
        f'<rect x="{x + 140}" y="{y - 9}" width="10" height="10" fill="{BLUE}" '
        f'stroke="{BLUE}" stroke-width="2"/>'
        f'<text x="{x + 156}" y="{y}">set meeting with adviser</text>'
        f'<rect x="{x + 320}" y="{y - 9}" width="10" height="10" fill="#ffffff" '
        f'stroke="{BLUE}" stroke-width="2"/>'
        f'<text x="{x + 336}" y="{y}">self-managed</text>'
        f'<rect x="{x + 440}" y="{y - 10}" width="20" height="12" rx="2" '
        f'fill="{CYCLE_FILLS[1]}"/><text x="{x + 466}" y="{y}">PDSA round</text>'
        f'<path d="M{x + 560} {y - 11} l6 6 l-6 6 l-6 -6 z" fill="{EVALUATION_FILL}" '
        f'stroke="{DARK}"/><text x="{x + 572}" y="{y}">evaluation point</text>'
        "</g>"
    )


def timeline_svg(p: Programme) -> Markup:
    """The whole programme on one time axis: sessions by phase, sets, PDSA cycles, evaluation."""
    layout = timeline_layout(p)
    scale = layout.scale
    desc = (
        f"{len(p.sessions)} sessions, {len(p.sets)} action-learning sets, "
        f"rounds of PDSA tests for {len(p.pdsa)} tasks and {len(p.evaluation.timepoints)} "
        f"evaluation points, from {scale.first:%d %B %Y} to {scale.last:%d %B %Y}."
    )
    label_id, title = f"timeline-{p.id}", f"Timeline of {p.title}"
    out = [
        svg_open(WIDTH, layout.height, label_id, title, desc, "progen-timeline"),
        *month_grid(layout),
        *stripes(layout),
    ]
    for i, lane in enumerate(layout.lanes):
        out += lane_marks(lane, layout, layout.lane_mid(i))
    out += [legend(layout), "</svg>"]
    return Markup("".join(out))
