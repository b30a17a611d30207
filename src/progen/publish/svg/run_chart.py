"""An empty run chart for a task's measure, to print and fill in by hand: months along
the bottom, a value axis in ten bands, and the baseline and target drawn in when they
are known."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

from markupsafe import Markup

from progen.design.model import PdsaPlan, Programme
from progen.publish.svg.axis import TimeScale, month_marks, nice_max
from progen.publish.svg.markup import DARK, GREY, LIGHT, esc, svg_open

WIDTH, HEIGHT = 760, 380
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 34, 60  # margins
PLOT_BOTTOM = HEIGHT - BOTTOM
TARGET_GREEN = "#007f3b"
DIRECTION_WORDS = {"increase": "better is up ↑", "decrease": "better is down ↓"}


@dataclass(frozen=True)
class RunChartFrame:
    """The chart's two scales: the programme's days (and any cycle outside them) across,
    and the measure's values up to a round top."""

    scale: TimeScale
    ymax: float

    def y(self, v: float) -> float:
        return PLOT_BOTTOM - (PLOT_BOTTOM - TOP) * v / self.ymax


def value_top(plan: PdsaPlan) -> float:
    """100 for a percentage; else room above the larger of baseline and target."""
    known = [v for v in (plan.baseline, plan.target) if v is not None]
    if plan.unit.strip() == "%":
        return 100.0
    return nice_max(max(known) * 1.4) if known else 10.0


def run_chart_frame(plan: PdsaPlan, p: Programme) -> RunChartFrame:
    """The chart runs to the evaluation's follow-up, not the programme's last day: a task's
    aim usually falls due after the programme, and its measure is plotted until then."""
    start = min([p.spec.programme.start] + [c.start for c in plan.cycles])
    follow_up = [t.date for t in p.evaluation.timepoints if t.name == "follow-up"]
    end = max([p.spec.programme.end, *follow_up] + [c.end for c in plan.cycles])
    return RunChartFrame(TimeScale(start, end, LEFT, WIDTH - RIGHT), value_top(plan))


def value_grid(frame: RunChartFrame) -> list[str]:
    """Ten horizontal bands, each line labelled with its value."""
    out = []
    for i in range(11):
        y = frame.y(frame.ymax * i / 10)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{LIGHT}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{GREY}">{frame.ymax * i / 10:g}</text>'
        )
    return out


def date_grid(frame: RunChartFrame) -> list[str]:
    """A faint line every week from the first day, a stronger one at each month, and the
    month's name after it where it fits."""
    scale, out = frame.scale, []
    d = scale.first
    while d <= scale.last:
        x = scale(d)
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{PLOT_BOTTOM}" stroke="#eef1f2" '
            'stroke-width="1"/>'
        )
        d += dt.timedelta(days=7)
    for m in month_marks(scale, lambda w, room: room > len(w) * 6 + 6, shorten=False):
        out.append(
            f'<line x1="{m.x0:.1f}" y1="{TOP}" x2="{m.x0:.1f}" y2="{PLOT_BOTTOM + 6}" '
            f'stroke="{GREY}" stroke-width="1"/>'
        )
        if m.label:
            out.append(
                f'<text x="{m.x0 + 3:.1f}" y="{PLOT_BOTTOM + 20}" font-size="11" fill="{DARK}">'
                f"{esc(m.label)}</text>"
            )
    return out


def axes(plan: PdsaPlan) -> str:
    """The two axis lines and their titles: the measure (with its unit) up the side, the
    date and how often to plot along the bottom."""
    unit = f" ({plan.unit})" if plan.unit else ""
    mid = (TOP + PLOT_BOTTOM) / 2
    return (
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{PLOT_BOTTOM}" stroke="{DARK}" '
        'stroke-width="1.5"/>'
        f'<line x1="{LEFT}" y1="{PLOT_BOTTOM}" x2="{WIDTH - RIGHT}" y2="{PLOT_BOTTOM}" '
        f'stroke="{DARK}" stroke-width="1.5"/>'
        f'<text x="16" y="{mid:.0f}" text-anchor="middle" font-size="11" '
        f'fill="{DARK}" transform="rotate(-90 16 {mid:.0f})">'
        f"{esc(textwrap.shorten(plan.measure + unit, 60, placeholder='…'))}</text>"
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - 14}" text-anchor="middle" '
        f'font-size="11" fill="{DARK}">Date (plot {esc(plan.data_frequency)})</text>'
    )


def reference_lines(plan: PdsaPlan, frame: RunChartFrame) -> list[str]:
    """The baseline (dashed) and the target, each labelled at the right; a note to draw
    them in later when neither is known."""
    lines = []
    if plan.baseline is not None:
        lines.append((plan.baseline, f"Baseline {plan.baseline:g}", GREY, "6 4"))
    if plan.target is not None:
        lines.append((plan.target, f"Target {plan.target:g}", TARGET_GREEN, "none"))
    out = []
    for value, label, colour, dash in lines:
        yy = frame.y(max(0.0, min(value, frame.ymax)))
        out.append(
            f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
            f'<text x="{WIDTH - RIGHT - 4}" y="{yy - 5:.1f}" text-anchor="end" font-size="12" '
            f'font-weight="bold" fill="{colour}">{esc(label)}</text>'
        )
    return out


def heading(plan: PdsaPlan) -> str:
    direction = DIRECTION_WORDS.get(plan.direction, "direction not known")
    return (
        f'<text x="{LEFT}" y="{TOP - 12}" font-size="12" fill="{DARK}">'
        f"{esc(textwrap.shorten(plan.measure, 70, placeholder='…'))}: {esc(direction)}</text>"
    )


def unknown_note() -> str:
    return (
        f'<text x="{(LEFT + WIDTH) / 2:.0f}" y="{(TOP + PLOT_BOTTOM) / 2:.0f}" '
        f'text-anchor="middle" fill="{GREY}">Baseline and target not known yet: '
        "draw them in when they are</text>"
    )


def description(plan: PdsaPlan) -> str:
    return (
        "Blank run chart to print, with months along the bottom"
        + (f", baseline {plan.baseline:g}" if plan.baseline is not None else "")
        + (f", target {plan.target:g}" if plan.target is not None else "")
        + f" ({plan.unit})."
    )


def run_chart_svg(plan: PdsaPlan, p: Programme, index: int = 0) -> Markup:
    """An empty run chart to print and fill in: months along x, baseline and target lines."""
    frame = run_chart_frame(plan, p)
    title = f"Empty run chart: {plan.measure}"
    lines = reference_lines(plan, frame)
    out = [
        svg_open(WIDTH, HEIGHT, f"runchart-{index}", title, description(plan), "progen-runchart"),
        *value_grid(frame),
        *date_grid(frame),
        axes(plan),
        *lines,
        heading(plan),
        *([] if lines else [unknown_note()]),
        "</svg>",
    ]
    return Markup("".join(out))
