"""A measure's charts as accessible, deterministic SVG: the XmR chart, the run chart, the
numbers behind them as a table, and progen's own variation and assurance icons.

Points are coloured the Making Data Count way (common cause grey, improvement blue,
concern orange, neutral purple), and each type also has its own shape, so the chart
does not rest on colour alone. Every chart is `role="img"` with a `<title>` and a
`<desc>` that says what it shows in words; no JavaScript. The icons are progen's own
drawing (a circle with a letter, and the words beside it), not NHS England's artwork.

The same markup goes into the site and the board report: a viewBox and width 100 %
let it scale from a phone to A4.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence

from markupsafe import Markup

from progen.publish.svg.axis import TimeScale, nice_step
from progen.publish.svg.markup import DARK, GREY, LIGHT, esc, svg_open
from progen.results.precision import decimals, fixed
from progen.results.progress_model import MeasureProgress
from progen.results.sentence import amount, longday, sentence, when

POINT_STYLE = {  # colour, shape, words
    "common_cause": ("#768692", "circle", "Common cause"),
    "special_cause_improvement": ("#005eb8", "circle", "Improvement"),
    "special_cause_concern": ("#ed8b00", "diamond", "Concern"),
    "special_cause_neutral_high": ("#330072", "square", "Neither better nor worse (high)"),
    "special_cause_neutral_low": ("#330072", "square", "Neither better nor worse (low)"),
}
GREEN = "#007f3b"
RULE_WORDS = {
    "above_upl": "above the upper limit",
    "below_lpl": "below the lower limit",
    "trend_up": "rising seven or more times in a row",
    "trend_down": "falling seven or more times in a row",
    "two_in_three_above": "two of three close to the upper limit",
    "two_in_three_below": "two of three close to the lower limit",
    "run_above": "seven or more above the mean",
    "run_below": "seven or more below the mean",
}
VARIATION_ICON = {  # colour, letter, words
    "common_cause": ("#768692", "~", "Common cause variation"),
    "improvement_high": ("#005eb8", "H", "Special cause improvement (higher)"),
    "improvement_low": ("#005eb8", "L", "Special cause improvement (lower)"),
    "concern_high": ("#ed8b00", "H", "Special cause concern (higher)"),
    "concern_low": ("#ed8b00", "L", "Special cause concern (lower)"),
    "neutral_high": ("#330072", "H", "Special cause variation (higher)"),
    "neutral_low": ("#330072", "L", "Special cause variation (lower)"),
}
ASSURANCE_ICON = {
    "consistent_pass": ("#005eb8", "P", "Target met consistently"),
    "consistent_fail": ("#ed8b00", "F", "Target missed consistently"),
    "inconsistent": ("#768692", "?", "Target hit and miss"),
    None: ("#768692", "–", "No target tested"),
}

WIDTH, LEFT, RIGHT, TOP, PLOT_BOTTOM = 720, 56, 118, 14, 214
CHAR = 6.2  # a label character's width at font size 11, generously
LANE = 18  # height of a lane of PDSA cycle labels below the axis
LABEL_GAP = 14  # reference labels at font size 11 at least this far apart, baseline to baseline


def num(v: float) -> str:
    """A number as the chart prints it: at most three significant decimals."""
    return f"{round(v, 2):g}" if abs(v) < 1e6 else f"{v:.3g}"


def worked(m: MeasureProgress):
    """How the chart prints what is worked out from the values (mean, limits, median):
    always one decimal more than the values were recorded with (precision.py)."""
    assert m.chart is not None
    places = decimals(p.value for p in m.chart.points) + 1
    return lambda v: fixed(v, places)


def tick_labels(m: MeasureProgress) -> list[tuple[dt.date, str]]:
    """A label for each point at the point's own date, naming the period it stands for, so
    a value for April (dated 30 April) sits above "Apr 2027", never beside "May"."""
    assert m.chart is not None
    style = "%-d %b %Y" if m.frequency == "week" else "%b %Y"
    return [(p.date, f"{p.date:{style}}") for p in m.chart.points]


# ------------------------------------------------------------------ axes


TICKS = 5  # about this many steps up the value axis


class _Frame:
    """Scales and the parts every chart shares: the value grid, the date labels, and the
    reference lines labelled in the right margin."""

    def __init__(
        self,
        dates: Sequence[dt.date],
        values: Sequence[float],
        ticks: Sequence[tuple[dt.date, str]],
    ):
        self.first, self.last = min(dates), max(dates)
        self.ticks = ticks
        self.x = TimeScale(self.first, self.last, LEFT + 8, WIDTH - RIGHT - 8)
        low, high = min(values), max(values)
        if high == low:
            low, high = low - 1, high + 1
        step = nice_step((high - low) / TICKS)
        self.low = math.floor(low / step) * step
        self.high = math.ceil(high / step) * step
        self.step = step

    def y(self, v: float) -> float:
        return PLOT_BOTTOM - (PLOT_BOTTOM - TOP) * (v - self.low) / (self.high - self.low)

    def grid(self, unit: str) -> list[str]:
        out = []
        n = round((self.high - self.low) / self.step)
        for i in range(n + 1):
            v = self.low + i * self.step
            y = self.y(v)
            out.append(
                f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                f'stroke="{LIGHT}" stroke-width="1"/>'
                f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                f'fill="{GREY}">{esc(num(v))}</text>'
            )
        out.append(
            f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{PLOT_BOTTOM}" stroke="{DARK}"/>'
            f'<line x1="{LEFT}" y1="{PLOT_BOTTOM}" x2="{WIDTH - RIGHT}" y2="{PLOT_BOTTOM}" '
            f'stroke="{DARK}"/>'
        )
        if unit:
            mid = (TOP + PLOT_BOTTOM) / 2
            out.append(
                f'<text x="14" y="{mid:.0f}" text-anchor="middle" font-size="11" fill="{DARK}" '
                f'transform="rotate(-90 14 {mid:.0f})">{esc(unit)}</text>'
            )
        out += self.date_labels()
        return out

    def date_labels(self) -> list[str]:
        """The points' own period labels, every k-th counted back from the latest point,
        with k the smallest that keeps them apart. Labels never overlap."""
        for stride in (1, 2, 3, 4, 6, 12, 24, 60, 120, 10**6):
            chosen = list(self.ticks)[::-1][::stride][::-1]
            placed = [self._place(d, label) for d, label in chosen]
            if all(b[0] - a[1] >= 8 for a, b in itertools.pairwise(placed)):
                break
        out = []
        for (d, label), (x0, _) in zip(chosen, placed, strict=True):
            tick = self.x(d)
            out.append(
                f'<line x1="{tick:.1f}" y1="{PLOT_BOTTOM}" x2="{tick:.1f}" '
                f'y2="{PLOT_BOTTOM + 5}" stroke="{DARK}"/>'
                f'<text x="{x0:.1f}" y="{PLOT_BOTTOM + 18}" font-size="11" '
                f'fill="{DARK}">{esc(label)}</text>'
            )
        return out

    def _place(self, d: dt.date, label: str) -> tuple[float, float]:
        """The label's left and right edges, centred on its date but kept on the chart."""
        w = len(label) * CHAR
        x0 = min(max(self.x(d) - w / 2, LEFT - 20), WIDTH - RIGHT + 40 - w)
        return x0, x0 + w

    def reference_labels(self, lines: list[tuple[float, str, str]]) -> list[str]:
        """Labels for horizontal lines at the right, moved apart so none overlaps."""
        placed = sorted(
            ((self.y(v), text, colour) for v, text, colour in lines), key=lambda t: t[0]
        )
        ys: list[float] = []
        for y, _, _ in placed:
            ys.append(max(y + 4, ys[-1] + LABEL_GAP) if ys else y + 4)
        overflow = ys[-1] - (PLOT_BOTTOM + 4) if ys else 0
        if overflow > 0:
            ys = [y - overflow for y in ys]
            for i in range(len(ys) - 2, -1, -1):
                ys[i] = min(ys[i], ys[i + 1] - LABEL_GAP)
        return [
            f'<text x="{WIDTH - RIGHT + 6}" y="{ly:.1f}" font-size="11" fill="{colour}">'
            f"{esc(text)}</text>"
            for ly, (_, text, colour) in zip(ys, placed, strict=True)
        ]

    def hline(self, x0: float, x1: float, v: float, colour: str, dash: str = "", w=1.5) -> str:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        y = self.y(v)
        return (
            f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="{w}"{dashed}/>'
        )


def _marker(x: float, y: float, point_type: str) -> str:
    colour, shape, _ = POINT_STYLE[point_type]
    r = 3.2 if point_type == "common_cause" else 4.5
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" '
            f'fill="{colour}"/>'
        )
    return (
        f'<path d="M{x:.1f} {y - r - 1:.1f}L{x + r + 1:.1f} {y:.1f}L{x:.1f} {y + r + 1:.1f}'
        f'L{x - r - 1:.1f} {y:.1f}Z" fill="{colour}"/>'
    )


def _line(frame: _Frame, dates: Sequence[dt.date], values: Sequence[float]) -> str:
    pts = " ".join(f"{frame.x(d):.1f},{frame.y(v):.1f}" for d, v in zip(dates, values, strict=True))
    return f'<polyline points="{pts}" fill="none" stroke="#aeb7bd" stroke-width="1.5"/>'


def _cycles(m: MeasureProgress, frame: _Frame) -> tuple[list[str], int, float]:
    """The PDSA cycles on the time axis: a bar from start to end (to the last date while
    one runs) and a dotted line up the plot at its start, each label in the first lane
    below the axis where it meets no other. Returns the marks, the number of lanes and
    the left edge of the leftmost mark (the chart's right edge when there is none)."""
    lanes: list[list[tuple[float, float]]] = []
    out = []
    for c in m.cycles:
        x0 = frame.x(min(max(c.start, frame.first), frame.last))
        x1 = max(frame.x(min(max(c.end or frame.last, frame.first), frame.last)), x0 + 3)
        label = f"PDSA {c.n}" + (f": {c.decision}" if c.decision else "")
        reach = max(x1, x0 + len(label) * 5.6)
        lane = next(
            (
                i
                for i, taken in enumerate(lanes)
                if all(reach + 6 < a or x0 > b + 6 for a, b in taken)
            ),
            len(lanes),
        )
        if lane == len(lanes):
            lanes.append([])
        lanes[lane].append((x0, reach))
        top = PLOT_BOTTOM + 30 + LANE * lane
        out.append(
            f'<rect x="{x0:.1f}" y="{top + 11}" width="{x1 - x0:.1f}" height="4" fill="{GREEN}"/>'
            f'<line x1="{x0:.1f}" y1="{TOP}" x2="{x0:.1f}" y2="{PLOT_BOTTOM}" '
            f'stroke="{GREEN}" stroke-width="1" stroke-dasharray="2 3"/>'
            f'<text x="{x0:.1f}" y="{top + 9}" font-size="10" fill="{GREEN}">{esc(label)}</text>'
        )
    return out, len(lanes), min((a for lane in lanes for a, _ in lane), default=WIDTH)


def _legend_width(types: Sequence[str]) -> float:
    return sum(30 + len(POINT_STYLE[t][2]) * 6.8 for t in types)  # words run wider than ticks


def _legend(types: Sequence[str], y: float) -> list[str]:
    out, x = [], LEFT
    for t in types:
        words = POINT_STYLE[t][2]
        out.append(_marker(x + 4, y - 4, t))
        out.append(f'<text x="{x + 12}" y="{y}" font-size="11" fill="{DARK}">{esc(words)}</text>')
        x += _legend_width([t])
    return out


def _started(m: MeasureProgress, frame: _Frame) -> list[str]:
    """The programme's first day on the time axis, so a reader can see which change came
    before it: a dashed line up the plot, labelled at the top on the side with room."""
    if m.started is None:
        return []
    x = frame.x(m.started)
    label = "Programme starts"
    room_left = x - LEFT > len(label) * 5.6 + 6
    tx, anchor = (x - 3, "end") if room_left else (x + 3, "start")
    return [
        f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{PLOT_BOTTOM}" stroke="{DARK}" '
        f'stroke-width="1.5" stroke-dasharray="6 3"/>'
        f'<text x="{tx:.1f}" y="{TOP + 10}" text-anchor="{anchor}" font-size="10" '
        f'fill="{DARK}">{label}</text>'
    ]


def _note_marks(m: MeasureProgress, frame: _Frame) -> list[str]:
    """A numbered ring above each point that has a note; the notes are listed, by the
    same numbers, under the chart and in the numbers table."""
    assert m.chart is not None
    at = {p.date: p for p in m.chart.points}
    out = []
    for i, (day, _) in enumerate(m.notes, 1):
        p = at.get(day)
        if p is None:
            continue
        x, y = frame.x(day), frame.y(p.value) - 14
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6.5" fill="#fff" stroke="{DARK}"/>'
            f'<text x="{x:.1f}" y="{y + 3.5:.1f}" text-anchor="middle" font-size="9" '
            f'fill="{DARK}">{i}</text>'
        )
    return out


def note_list(m: MeasureProgress) -> list[str]:
    """'1. March 2027: first tests on two wards': the measure's notes as the chart numbers
    them."""
    return [f"{i}. {when(day, m.frequency)}: {text}" for i, (day, text) in enumerate(m.notes, 1)]


def _notes_said(m: MeasureProgress) -> str:
    return f"Notes: {' '.join(note_list(m))}. " if m.notes else ""


# ------------------------------------------------------------------ charts


def xmr_svg(m: MeasureProgress, label_id: str) -> Markup:
    """The XmR chart of a measure with at least one point."""
    chart = m.chart
    assert chart is not None  # a measure with no points has no chart, only a sentence
    points = chart.points
    values = [p.value for p in points]
    values += [v for p in points for v in (p.lpl, p.upl) if v is not None]
    values += [v for v in (m.target, m.baseline) if v is not None]
    dates = [p.date for p in points]
    dates += [d for c in m.cycles for d in (c.start, c.end) if d is not None]
    dates += [m.started] if m.started else []
    frame = _Frame(dates, values, tick_labels(m))
    marks, lanes, leftmost = _cycles(m, frame)
    types = [t for t in POINT_STYLE if any(p.point_type == t for p in points)]
    if LEFT + _legend_width(types) < leftmost:  # the legend fits beside the cycles' lanes
        legend_y = PLOT_BOTTOM + 30 + 12
        height = max(legend_y, PLOT_BOTTOM + 30 + LANE * lanes) + 12
    else:
        legend_y = PLOT_BOTTOM + 30 + LANE * lanes + 16
        height = legend_y + 12
    last = points[-1]
    fmt = worked(m)
    limits = (
        f"Mean {fmt(last.mean)}, process limits {fmt(last.lpl)} to {fmt(last.upl)}"
        if last.upl is not None and last.lpl is not None
        else f"Mean {fmt(last.mean)}, no process limits yet (the figures have not varied)"
    )
    started = f"The programme started on {longday(m.started)}. " if m.started else ""
    desc = (
        f"{len(points)} points from {when(points[0].date, m.frequency)} to "
        f"{when(last.date, m.frequency)}. {limits}"
        f"{' in the latest segment' if last.segment else ''}. {started}"
        f"{len(m.cycles)} PDSA cycles marked. {_notes_said(m)}{sentence(m)}"
    )
    out = [svg_open(WIDTH, height, label_id, f"{m.name}: XmR chart", desc, "progen-xmr")]
    out += frame.grid(m.unit)
    right = WIDTH - RIGHT
    labels: list[tuple[float, str, str]] = []
    if m.baseline is not None:
        out.append(frame.hline(LEFT, right, m.baseline, GREY, "2 4"))
        labels.append((m.baseline, f"Baseline {num(m.baseline)}", GREY))
    if m.target is not None:
        out.append(frame.hline(LEFT, right, m.target, GREEN, "8 4", 2))
        labels.append((m.target, f"Target {num(m.target)}", GREEN))
    segments = sorted({p.segment for p in points})
    for s in segments:
        seg = [p for p in points if p.segment == s]
        x0, x1 = frame.x(seg[0].date) - 4, frame.x(seg[-1].date) + 4
        if s:
            before = next(p for p in reversed(points) if p.segment == s - 1)
            xr = (frame.x(before.date) + frame.x(seg[0].date)) / 2
            x0 = xr
            out.append(
                f'<line x1="{xr:.1f}" y1="{TOP}" x2="{xr:.1f}" y2="{PLOT_BOTTOM}" stroke="{DARK}" '
                f'stroke-dasharray="1 3"/><text x="{xr + 3:.1f}" y="{TOP + 10}" font-size="10" '
                f'fill="{DARK}">Rebased</text>'
            )
        if s == segments[-1]:
            x1 = right
        out.append(frame.hline(x0, x1, seg[0].mean, "#425563"))
        for limit in (seg[0].lpl, seg[0].upl):
            if limit is not None:
                out.append(frame.hline(x0, x1, limit, "#425563", "5 3", 1))
    labels.append((last.mean, f"Mean {fmt(last.mean)}", "#425563"))
    if last.upl is not None and last.lpl is not None:
        labels.append((last.upl, f"Upper {fmt(last.upl)}", "#425563"))
        labels.append((last.lpl, f"Lower {fmt(last.lpl)}", "#425563"))
    out += _started(m, frame)
    out += marks
    out.append(_line(frame, [p.date for p in points], [p.value for p in points]))
    out += [_marker(frame.x(p.date), frame.y(p.value), p.point_type) for p in points]
    out += _note_marks(m, frame)
    out += frame.reference_labels(labels)
    out += _legend(types, legend_y)
    out.append("</svg>")
    return Markup("".join(out))


def run_chart_svg(m: MeasureProgress, label_id: str) -> Markup:
    """The run chart: the points against their median, points in a shift or a trend
    marked, and too few or too many runs said in words above the plot."""
    chart = m.chart
    assert chart is not None and m.runs.median is not None
    points = chart.points
    values = [p.value for p in points] + [v for v in (m.target,) if v is not None]
    frame = _Frame([p.date for p in points], values, tick_labels(m))
    fmt = worked(m)
    flagged = {
        p.date
        for s in m.runs.signals
        if s.rule != "runs"
        for p in points
        if s.start <= p.date <= s.end
    }
    runs = next((s for s in m.runs.signals if s.rule == "runs"), None)
    words = {"shift": "a shift", "trend": "a trend", "runs": "too few or too many runs"}
    found = sorted({words[s.rule] for s in m.runs.signals})
    desc = f"{len(points)} points, median {fmt(m.runs.median)}, {m.runs.runs} runs. " + (
        f"Signals: {', '.join(found)}." if found else "No signal of non-random change."
    )
    height = PLOT_BOTTOM + 52
    out = [svg_open(WIDTH, height, label_id, f"{m.name}: run chart", desc, "progen-run")]
    out += frame.grid(m.unit)
    labels = [(m.runs.median, f"Median {fmt(m.runs.median)}", "#425563")]
    out.append(frame.hline(LEFT, WIDTH - RIGHT, m.runs.median, "#425563"))
    if m.target is not None:
        out.append(frame.hline(LEFT, WIDTH - RIGHT, m.target, GREEN, "8 4", 2))
        labels.append((m.target, f"Target {num(m.target)}", GREEN))
    out.append(_line(frame, [p.date for p in points], [p.value for p in points]))
    for p in points:
        kind = "special_cause_improvement" if p.date in flagged else "common_cause"
        out.append(_marker(frame.x(p.date), frame.y(p.value), kind))
    out += frame.reference_labels(labels)
    legend = ["In a shift or trend"] if flagged else []
    if runs:
        legend.append("Too few or too many runs for chance")
    y = PLOT_BOTTOM + 44
    if flagged:
        out.append(_marker(LEFT + 4, y - 4, "special_cause_improvement"))
    out.append(
        f'<text x="{LEFT + 12}" y="{y}" font-size="11" fill="{DARK}">'
        f"{esc('; '.join(legend) or 'No shift, trend or unusual number of runs')}</text></svg>"
    )
    return Markup("".join(out))


def numbers_table(m: MeasureProgress) -> Markup:
    """The numbers behind the XmR chart as an HTML table, for screen readers and checking,
    in a region that scrolls sideways on a phone rather than cutting columns off."""
    chart = m.chart
    if chart is None:
        return Markup("")
    fmt = worked(m)
    places = decimals(p.value for p in chart.points)
    notes = {day: (i, text) for i, (day, text) in enumerate(m.notes, 1)}
    rows = []
    for p in chart.points:
        signal = RULE_WORDS.get(p.rule or "", "")
        kind = POINT_STYLE[p.point_type][2]
        note = f"{notes[p.date][0]}. {notes[p.date][1]}" if p.date in notes else ""
        rows.append(
            f"<tr><td>{esc(p.date.isoformat())}</td><td>{esc(fixed(p.value, places))}</td>"
            f"<td>{esc(fmt(p.mean))}</td>"
            f"<td>{'' if p.lpl is None else esc(fmt(p.lpl))}</td>"
            f"<td>{'' if p.upl is None else esc(fmt(p.upl))}</td>"
            f"<td>{esc(kind + (': ' + signal if signal else ''))}</td><td>{esc(note)}</td></tr>"
        )
    unit = f" ({m.unit})" if m.unit else ""
    caption = f"{m.name}{unit}: the numbers behind the chart"
    return Markup(
        f'<div class="progen-scroll" role="region" tabindex="0" aria-label="{esc(caption)}">'
        f'<table class="progen-numbers"><caption>{esc(caption)}</caption><thead><tr>'
        '<th scope="col">Date</th><th scope="col">Value</th>'
        '<th scope="col">Mean</th><th scope="col">Lower limit</th>'
        '<th scope="col">Upper limit</th><th scope="col">Point</th>'
        '<th scope="col">Note</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _icon(colour: str, letter: str, words: str) -> Markup:
    return Markup(
        '<span class="progen-icon"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" '
        'width="24" height="24" aria-hidden="true" focusable="false">'
        f'<circle cx="12" cy="12" r="11" fill="#fff" stroke="{colour}" stroke-width="2"/>'
        f'<text x="12" y="16.5" text-anchor="middle" font-size="13" font-weight="bold" '
        f'font-family="\'DejaVu Sans\', Arial, sans-serif" fill="{colour}">{esc(letter)}</text>'
        f"</svg> {esc(words)}</span>"
    )


def variation_icon(variation: str) -> Markup:
    """progen's variation icon: a circle with H (higher), L (lower) or ~, and the words."""
    return _icon(*VARIATION_ICON[variation])


def assurance_icon(assurance: str | None, target: float | None, unit: str) -> Markup:
    """progen's assurance icon: P (met), F (missed), ? (hit and miss), with the words."""
    colour, letter, words = ASSURANCE_ICON[assurance]
    if target is not None and assurance:
        words = f"{words} ({amount(target, unit)})"
    return _icon(colour, letter, words)
