"""The programme's pictures as inline SVG: timeline, empty run chart, stakeholder map.

Plain SVG text with a viewBox, escaped as XML, laid out deterministically from the
model (spec order, fixed sizes) so the same programme always draws the same picture.
The same markup goes into the site and the handbook.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import textwrap

from markupsafe import Markup

from progen.design.model import PdsaPlan, Programme
from progen.wording import kind_words

FONT = "font-family=\"'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif\""
BLUE = "#005eb8"
DARK = "#212b32"
GREY = "#4c6272"
LIGHT = "#d8dde0"
PHASE_COLOURS = {
    "launch": "#005eb8",
    "foundations": "#007f3b",
    "improvement": "#7c2855",
    "development": "#8a4a00",
    "close": "#330072",
}
PHASES = tuple(PHASE_COLOURS)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    d = dt.date(first.year, first.month, 1)
    out = []
    while d <= last:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def _next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _open(width: float, height: float, label_id: str, title: str, desc: str, cls: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progen-svg {cls}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" role="img" '
        f'aria-labelledby="{label_id}-title {label_id}-desc" {FONT} font-size="12">'
        f'<title id="{label_id}-title">{_e(title)}</title>'
        f'<desc id="{label_id}-desc">{_e(desc)}</desc>'
    )


class _Scale:
    def __init__(self, first: dt.date, last: dt.date, x0: float, x1: float) -> None:
        self.first, self.days = first, max((last - first).days, 1)
        self.x0, self.x1 = x0, x1

    def __call__(self, d: dt.date) -> float:
        return self.x0 + (self.x1 - self.x0) * (d - self.first).days / self.days


def _month_axis(out: list[str], scale: _Scale, top: float, bottom: float) -> None:
    months = _month_starts(scale.first, dt.date.fromordinal(scale.first.toordinal() + scale.days))
    labelled = False
    for m in months:
        x = scale(max(m, scale.first))
        out.append(
            f'<line x1="{x:.1f}" y1="{top:.0f}" x2="{x:.1f}" y2="{bottom:.0f}" '
            f'stroke="{LIGHT}" stroke-width="1"/>'
        )
        end = min(_next_month(m), dt.date.fromordinal(scale.first.toordinal() + scale.days))
        mid = (scale(max(m, scale.first)) + scale(end)) / 2
        room = scale(end) - scale(max(m, scale.first))
        wanted = [f"{m:%b}"] if m.month != 1 and labelled else [f"{m:%b %Y}", f"{m:%b}"]
        label = next((w for w in wanted if room > len(w) * 6.5 + 4), None)
        if label:
            labelled = labelled or label != f"{m:%b}"
            out.append(
                f'<text x="{mid:.1f}" y="{top - 6:.0f}" text-anchor="middle" '
                f'fill="{GREY}">{_e(label)}</text>'
            )


MAX_SET_LANES = 12  # beyond this, one timeline lane per task rather than per set


def _set_rows(p: Programme) -> list[tuple[str, list[tuple[dt.date, bool]]]]:
    """Timeline lanes for the sets: one per set, or one per task for a large programme
    (a meeting day is filled when any of the task's sets has its adviser that day)."""
    if len(p.sets) <= MAX_SET_LANES:
        return [
            (
                st.id.replace("-", " ").capitalize(),
                [(d, n <= st.adviser_meetings) for n, d in enumerate(st.meetings, 1)],
            )
            for st in p.sets
        ]
    rows = []
    for task in p.spec.tasks:
        sets = [st for st in p.sets if st.task == task.id]
        days: dict[dt.date, bool] = {}
        for st in sets:
            for n, d in enumerate(st.meetings, 1):
                days[d] = days.get(d, False) or n <= st.adviser_meetings
        if sets:
            rows.append((f"{len(sets)} sets: {task.title}", sorted(days.items())))
    return rows


def timeline_svg(p: Programme) -> Markup:
    """The whole programme on one time axis: sessions by phase, sets, PDSA cycles, evaluation."""
    dates = [p.spec.programme.start, p.spec.programme.end]
    dates += [s.date for s in p.sessions]
    dates += [d for st in p.sets for d in st.meetings]
    dates += [c.end for x in p.pdsa for c in x.cycles]
    dates += [t.date for t in p.evaluation.timepoints]
    first = min(dates)
    last = max(dates) + dt.timedelta(days=7)
    phases = [ph for ph in PHASES if any(s.phase == ph for s in p.sessions)]
    phases += sorted({s.phase for s in p.sessions} - set(phases))
    lanes: list[tuple[str, str]] = [("phase", ph) for ph in phases]
    set_rows = _set_rows(p)
    lanes += [("set", str(i)) for i in range(len(set_rows))]
    lanes += [("pdsa", x.task) for x in p.pdsa]
    lanes += [("eval", "evaluation")]
    label_w, width, lane_h, top = 170, 1000, 32, 46
    height = top + lane_h * len(lanes) + 40
    scale = _Scale(first, last, label_w + 10, width - 20)
    out = [
        _open(
            width,
            height,
            f"timeline-{p.id}",
            f"Timeline of {p.title}",
            f"{len(p.sessions)} sessions, {len(p.sets)} action-learning sets, "
            f"PDSA cycles for {len(p.pdsa)} tasks and {len(p.evaluation.timepoints)} "
            f"evaluation points, from {first:%d %B %Y} to {last:%d %B %Y}.",
            "progen-timeline",
        )
    ]
    bottom = top + lane_h * len(lanes)
    _month_axis(out, scale, top, bottom)
    for i, _lane in enumerate(lanes):
        y = top + lane_h * i
        if i % 2 == 0:
            out.append(
                f'<rect x="0" y="{y}" width="{width}" height="{lane_h}" fill="#f0f4f5" '
                'fill-opacity="0.6"/>'
            )
    group_names = {t.id: t.title for t in p.spec.tasks}
    for i, (kind, key) in enumerate(lanes):
        y = top + lane_h * i
        mid = y + lane_h / 2
        if kind == "phase":
            colour = PHASE_COLOURS.get(key, DARK)
            label = f"Sessions: {key}"
            out.append(
                f'<text x="8" y="{mid + 4:.0f}" fill="{colour}" font-weight="bold">'
                f"{_e(label)}</text>"
            )
            prev_x, raised = -100.0, False
            for s in (s for s in p.sessions if s.phase == key):
                x = scale(s.date)
                raised = not raised if x - prev_x < 16 else False
                prev_x = x
                ty = mid - 8 if raised else mid + 13
                out.append(
                    f"<g><title>{_e(f'{s.id} {s.date:%a %d %b %Y}: {s.title}')}</title>"
                    f'<circle cx="{x:.1f}" cy="{mid:.1f}" r="4.5" fill="{colour}"/>'
                    f'<text x="{x:.1f}" y="{ty:.0f}" text-anchor="middle" font-size="9" '
                    f'fill="{DARK}">{_e(s.id.lstrip("s"))}</text></g>'
                )
        elif kind == "set":
            label, meetings = set_rows[int(key)]
            out.append(
                f'<text x="8" y="{mid + 4:.0f}" fill="{DARK}">'
                f"{_e(textwrap.shorten(label, 26, placeholder='…'))}</text>"
            )
            for d, with_adviser in meetings:
                x = scale(d)
                fill = BLUE if with_adviser else "#ffffff"
                who = "with adviser" if with_adviser else "self-managed"
                out.append(
                    f"<g><title>{_e(f'{label}: meeting {d:%a %d %b %Y}, {who}')}</title>"
                    f'<rect x="{x - 5:.1f}" y="{mid - 5:.0f}" width="10" height="10" '
                    f'fill="{fill}" stroke="{BLUE}" stroke-width="2"/></g>'
                )
        elif kind == "pdsa":
            plan = next(x for x in p.pdsa if x.task == key)
            label = "PDSA: " + group_names.get(key, key)
            out.append(
                f'<text x="8" y="{mid + 4:.0f}" fill="{DARK}">'
                f"{_e(textwrap.shorten(label, 26, placeholder='…'))}</text>"
            )
            for c in plan.cycles:
                x0, x1 = scale(c.start), scale(c.end + dt.timedelta(days=1))
                fill = "#7c2855" if c.n % 2 else "#b05583"
                out.append(
                    f"<g><title>{_e(f'Cycle {c.n}: {c.start:%d %b} to {c.end:%d %b %Y}')}"
                    f'</title><rect x="{x0:.1f}" y="{mid - 8:.0f}" '
                    f'width="{max(x1 - x0 - 1, 2):.1f}" height="16" rx="2" fill="{fill}"/>'
                )
                if x1 - x0 > 14:
                    out.append(
                        f'<text x="{(x0 + x1) / 2:.1f}" y="{mid + 4:.0f}" text-anchor="middle" '
                        f'font-size="10" fill="#ffffff">{c.n}</text>'
                    )
                out.append("</g>")
        else:
            out.append(
                f'<text x="8" y="{mid + 4:.0f}" fill="{DARK}" font-weight="bold">Evaluation</text>'
            )
            for tp in p.evaluation.timepoints:
                x = scale(tp.date)
                anchor = "end" if x > width - 80 else "start"
                dx = -8 if anchor == "end" else 8
                out.append(
                    f"<g><title>{_e(f'{tp.name}: {tp.date:%d %b %Y}')}</title>"
                    f'<path d="M{x:.1f} {mid - 7:.0f} l7 7 l-7 7 l-7 -7 z" fill="#ffb81c" '
                    f'stroke="{DARK}" stroke-width="1"/>'
                    f'<text x="{x + dx:.1f}" y="{mid + 4:.0f}" '
                    f'text-anchor="{anchor}" font-size="10" fill="{DARK}">{_e(tp.name)}</text></g>'
                )
    legend_y = bottom + 22
    out.append(
        f'<g font-size="11" fill="{DARK}">'
        f'<circle cx="{label_w + 14}" cy="{legend_y - 4}" r="4.5" fill="{BLUE}"/>'
        f'<text x="{label_w + 24}" y="{legend_y}">session (number)</text>'
        f'<rect x="{label_w + 140}" y="{legend_y - 9}" width="10" height="10" fill="{BLUE}" '
        f'stroke="{BLUE}" stroke-width="2"/>'
        f'<text x="{label_w + 156}" y="{legend_y}">set meeting with adviser</text>'
        f'<rect x="{label_w + 320}" y="{legend_y - 9}" width="10" height="10" fill="#ffffff" '
        f'stroke="{BLUE}" stroke-width="2"/>'
        f'<text x="{label_w + 336}" y="{legend_y}">self-managed</text>'
        f'<rect x="{label_w + 440}" y="{legend_y - 10}" width="20" height="12" rx="2" '
        f'fill="#7c2855"/><text x="{label_w + 466}" y="{legend_y}">PDSA cycle</text>'
        f'<path d="M{label_w + 560} {legend_y - 11} l6 6 l-6 6 l-6 -6 z" fill="#ffb81c" '
        f'stroke="{DARK}"/><text x="{label_w + 572}" y="{legend_y}">evaluation point</text>'
        "</g>"
    )
    out.append("</svg>")
    return Markup("".join(out))


def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten, times ten, that holds `value`."""
    if value <= 0:
        return 10.0
    power = 10 ** math.floor(math.log10(value / 10))
    for step in (1, 2, 2.5, 5, 10):
        if step * power * 10 >= value:
            return step * power * 10
    return power * 100


def run_chart_svg(plan: PdsaPlan, p: Programme, index: int = 0) -> Markup:
    """An empty run chart to print and fill in: months along x, baseline and target lines."""
    start = min([p.spec.programme.start] + [c.start for c in plan.cycles])
    end = max([p.spec.programme.end] + [c.end for c in plan.cycles])
    width, height = 760, 380
    left, right, top, bottom = 70, 20, 34, 60
    known = [v for v in (plan.baseline, plan.target) if v is not None]
    if plan.unit.strip() == "%":
        ymax = 100.0
    elif known:
        ymax = _nice_max(max(known) * 1.4)
    else:
        ymax = 10.0
    scale = _Scale(start, end, left, width - right)
    plot_bottom = height - bottom

    def y(v: float) -> float:
        return plot_bottom - (plot_bottom - top) * v / ymax

    out = [
        _open(
            width,
            height,
            f"runchart-{index}",
            f"Empty run chart: {plan.measure}",
            "Blank run chart to print, with months along the bottom"
            + (f", baseline {plan.baseline:g}" if plan.baseline is not None else "")
            + (f", target {plan.target:g}" if plan.target is not None else "")
            + f" ({plan.unit}).",
            "progen-runchart",
        )
    ]
    # Horizontal grid: ten bands.
    for i in range(11):
        v = ymax * i / 10
        out.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" '
            f'stroke="{LIGHT}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{GREY}">{v:g}</text>'
        )
    # Weekly vertical grid, months labelled.
    d = start
    while d <= end:
        x = scale(d)
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{plot_bottom}" stroke="#eef1f2" '
            'stroke-width="1"/>'
        )
        d += dt.timedelta(days=7)
    labelled = False
    for m in _month_starts(start, end):
        x = scale(max(m, start))
        room = scale(min(_next_month(m), end)) - x
        label = f"{m:%b %Y}" if m.month == 1 or not labelled else f"{m:%b}"
        if room <= len(label) * 6 + 6:
            label = ""
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{plot_bottom + 6}" '
            f'stroke="{GREY}" stroke-width="1"/>'
        )
        if label:
            labelled = True
            out.append(
                f'<text x="{x + 3:.1f}" y="{plot_bottom + 20}" font-size="11" fill="{DARK}">'
                f"{_e(label)}</text>"
            )
    out.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{plot_bottom}" stroke="{DARK}" '
        'stroke-width="1.5"/>'
        f'<line x1="{left}" y1="{plot_bottom}" x2="{width - right}" y2="{plot_bottom}" '
        f'stroke="{DARK}" stroke-width="1.5"/>'
    )
    unit = f" ({plan.unit})" if plan.unit else ""
    out.append(
        f'<text x="16" y="{(top + plot_bottom) / 2:.0f}" text-anchor="middle" font-size="11" '
        f'fill="{DARK}" transform="rotate(-90 16 {(top + plot_bottom) / 2:.0f})">'
        f"{_e(textwrap.shorten(plan.measure + unit, 60, placeholder='…'))}</text>"
        f'<text x="{(left + width - right) / 2:.0f}" y="{height - 14}" text-anchor="middle" '
        f'font-size="11" fill="{DARK}">Date (plot {_e(plan.data_frequency)})</text>'
    )
    lines = []
    if plan.baseline is not None:
        lines.append((plan.baseline, f"Baseline {plan.baseline:g}", GREY, "6 4"))
    if plan.target is not None:
        lines.append((plan.target, f"Target {plan.target:g}", "#007f3b", "none"))
    for value, label, colour, dash in lines:
        yy = y(max(0.0, min(value, ymax)))
        out.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
            f'<text x="{width - right - 4}" y="{yy - 5:.1f}" text-anchor="end" font-size="12" '
            f'font-weight="bold" fill="{colour}">{_e(label)}</text>'
        )
    direction = {"increase": "better is up ↑", "decrease": "better is down ↓"}.get(
        plan.direction, "direction not known"
    )
    out.append(
        f'<text x="{left}" y="{top - 12}" font-size="12" fill="{DARK}">'
        f"{_e(textwrap.shorten(plan.measure, 70, placeholder='…'))}: {_e(direction)}</text>"
    )
    if not lines:
        out.append(
            f'<text x="{(left + width) / 2:.0f}" y="{(top + plot_bottom) / 2:.0f}" '
            f'text-anchor="middle" fill="{GREY}">Baseline and target not known yet: '
            "draw them in when they are</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))


def _wrap(text: str, width: int, lines: int) -> list[str]:
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = textwrap.shorten(wrapped[-1] + " …", width, placeholder="…")
    return wrapped


def map_svg(p: Programme) -> Markup:
    """Stakeholder interdependency map: organisations as columns, groups as boxes,
    `depends_on` as arrows from a group to the group it depends on, task badges on boxes."""
    spec = p.spec
    orgs = [o for o in spec.organisations if any(g.organisation == o.id for g in spec.stakeholders)]
    col_w, gap, box_h, vgap, head_h, pad = 200, 90, 62, 34, 56, 20
    task_no = {t.id: n for n, t in enumerate(spec.tasks, 1)}
    involves: dict[str, list[int]] = {}
    for t in spec.tasks:
        for g in t.stakeholders:
            involves.setdefault(g, []).append(task_no[t.id])
    pos: dict[str, tuple[float, float, int]] = {}
    rows = 1
    for c, o in enumerate(orgs):
        groups = [g for g in spec.stakeholders if g.organisation == o.id]
        rows = max(rows, len(groups))
        for r, g in enumerate(groups):
            pos[g.id] = (pad + c * (col_w + gap), pad + head_h + r * (box_h + vgap), c)
    width = pad * 2 + len(orgs) * col_w + max(len(orgs) - 1, 0) * gap
    height = pad * 2 + head_h + rows * (box_h + vgap) + 10
    edges = [(g.id, d) for g in spec.stakeholders for d in g.depends_on if d in pos]
    out = [
        _open(
            width,
            height,
            f"map-{p.id}",
            f"Stakeholder interdependency map for {p.title}",
            f"{len(pos)} stakeholder groups in {len(orgs)} organisations; an arrow runs from a "
            f"group to a group it depends on ({len(edges)} dependencies). Numbered badges show "
            "the shared tasks each group works on.",
            "progen-map",
        ),
        '<defs><marker id="progen-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0 0 L10 5 L0 10 z" fill="{GREY}"/></marker></defs>',
    ]
    for c, o in enumerate(orgs):
        x = pad + c * (col_w + gap)
        out.append(
            f'<rect x="{x - 8}" y="{pad - 8}" width="{col_w + 16}" '
            f'height="{height - 2 * pad + 8}" rx="8" fill="#f0f4f5" stroke="{LIGHT}"/>'
        )
        for i, line in enumerate(_wrap(o.name, 27, 2)):
            out.append(
                f'<text x="{x + col_w / 2}" y="{pad + 10 + i * 15}" text-anchor="middle" '
                f'font-weight="bold" font-size="12" fill="{DARK}">{_e(line)}</text>'
            )
        out.append(
            f'<text x="{x + col_w / 2}" y="{pad + 44}" text-anchor="middle" font-size="10" '
            f'fill="{GREY}">{_e(kind_words(o.kind))}</text>'
        )
    # Arrows under the boxes.
    same_col_offset: dict[int, int] = {}
    for src, dst in edges:
        sx, sy, sc = pos[src]
        dx, dy, dc = pos[dst]
        if sc == dc:
            k = same_col_offset.get(sc, 0)
            same_col_offset[sc] = k + 1
            bulge = 26 + 10 * (k % 4)
            x0 = sx + col_w
            y0, y1 = sy + box_h / 2 + 8, dy + box_h / 2 - 8
            path = (
                f"M{x0:.0f} {y0:.0f} C{x0 + bulge:.0f} {y0:.0f} {x0 + bulge:.0f} {y1:.0f} "
                f"{x0 + 1:.0f} {y1:.0f}"
            )
        else:
            if dc > sc:
                x0, x1 = sx + col_w, dx
            else:
                x0, x1 = sx, dx + col_w
            y0 = sy + box_h / 2 + (6 if dc > sc else -6)
            y1 = dy + box_h / 2 + (6 if dc > sc else -6)
            mx = (x0 + x1) / 2
            path = f"M{x0:.0f} {y0:.0f} C{mx:.0f} {y0:.0f} {mx:.0f} {y1:.0f} {x1:.0f} {y1:.0f}"
        names = (spec.stakeholder(src).name, spec.stakeholder(dst).name)
        out.append(
            f'<path d="{path}" fill="none" stroke="{GREY}" stroke-width="1.6" '
            f'marker-end="url(#progen-arrow)"><title>'
            f"{_e(f'{names[0]} depends on {names[1]}')}</title></path>"
        )
    for g in spec.stakeholders:
        if g.id not in pos:
            continue
        x, y, _ = pos[g.id]
        out.append(
            f'<rect x="{x}" y="{y}" width="{col_w}" height="{box_h}" rx="6" fill="#ffffff" '
            f'stroke="{BLUE}" stroke-width="2"/>'
        )
        for i, line in enumerate(_wrap(g.name, 24, 2)):
            out.append(
                f'<text x="{x + 10}" y="{y + 18 + i * 15}" font-weight="bold" fill="{DARK}">'
                f"{_e(line)}</text>"
            )
        out.append(
            f'<text x="{x + 10}" y="{y + box_h - 9}" font-size="10" fill="{GREY}">'
            f"{_e(g.level.replace('-', ' '))} · {g.count}</text>"
        )
        for k, n in enumerate(reversed(involves.get(g.id, []))):
            cx = x + col_w - 14 - k * 22
            out.append(
                f'<circle cx="{cx}" cy="{y + box_h - 14}" r="9" fill="{BLUE}"/>'
                f'<text x="{cx}" y="{y + box_h - 10}" text-anchor="middle" font-size="10" '
                f'font-weight="bold" fill="#ffffff">T{n}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))


def task_numbers(p: Programme) -> list[tuple[str, str, list[str]]]:
    """(badge, task title, group names) for the map's key, in spec order."""
    return [
        (f"T{n}", t.title, [p.spec.stakeholder(g).name for g in t.stakeholders])
        for n, t in enumerate(p.spec.tasks, 1)
    ]


__all__ = ["map_svg", "run_chart_svg", "task_numbers", "timeline_svg"]
