"""The stakeholder interdependency map: organisations as columns, groups as boxes,
`depends_on` as arrows from a group to the group it depends on, task badges on boxes.

Positions are worked out once (MapLayout), in spec order, so the same spec always draws
the same map; arrows are drawn before boxes so they run under them."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from markupsafe import Markup

from progen.design.model import Programme
from progen.publish.svg.markup import BLUE, DARK, GREY, LIGHT, esc, svg_open
from progen.spec.model import Organisation, Spec, Stakeholder
from progen.wording import kind_words

COL_W, GAP, BOX_H, VGAP, HEAD_H, PAD = 200, 90, 62, 34, 56, 20


@dataclass(frozen=True)
class MapLayout:
    """The organisations that have groups, each group's box (left, top, column), and the
    dependencies between placed groups."""

    orgs: tuple[Organisation, ...]
    pos: dict[str, tuple[float, float, int]]
    rows: int
    edges: tuple[tuple[str, str], ...]
    nation: str  # whose words name the organisations' kinds

    @property
    def width(self) -> int:
        return PAD * 2 + len(self.orgs) * COL_W + max(len(self.orgs) - 1, 0) * GAP

    @property
    def height(self) -> int:
        return PAD * 2 + HEAD_H + self.rows * (BOX_H + VGAP) + 10


def column_x(c: int) -> int:
    return PAD + c * (COL_W + GAP)


def map_layout(spec: Spec) -> MapLayout:
    orgs = [o for o in spec.organisations if any(g.organisation == o.id for g in spec.stakeholders)]
    pos: dict[str, tuple[float, float, int]] = {}
    rows = 1
    for c, o in enumerate(orgs):
        groups = [g for g in spec.stakeholders if g.organisation == o.id]
        rows = max(rows, len(groups))
        for r, g in enumerate(groups):
            pos[g.id] = (column_x(c), PAD + HEAD_H + r * (BOX_H + VGAP), c)
    edges = tuple((g.id, d) for g in spec.stakeholders for d in g.depends_on if d in pos)
    return MapLayout(tuple(orgs), pos, rows, edges, spec.programme.nation)


def _wrap(text: str, width: int, lines: int) -> list[str]:
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = textwrap.shorten(wrapped[-1] + " …", width, placeholder="…")
    return wrapped


def columns(layout: MapLayout) -> list[str]:
    """A shaded column per organisation, headed with its name and kind."""
    out = []
    for c, o in enumerate(layout.orgs):
        x = column_x(c)
        out.append(
            f'<rect x="{x - 8}" y="{PAD - 8}" width="{COL_W + 16}" '
            f'height="{layout.height - 2 * PAD + 8}" rx="8" fill="#f0f4f5" stroke="{LIGHT}"/>'
        )
        for i, line in enumerate(_wrap(o.name, 27, 2)):
            out.append(
                f'<text x="{x + COL_W / 2}" y="{PAD + 10 + i * 15}" text-anchor="middle" '
                f'font-weight="bold" font-size="12" fill="{DARK}">{esc(line)}</text>'
            )
        out.append(
            f'<text x="{x + COL_W / 2}" y="{PAD + 44}" text-anchor="middle" font-size="10" '
            f'fill="{GREY}">{esc(kind_words(o.kind, layout.nation))}</text>'
        )
    return out


def same_column_path(src: tuple, dst: tuple, k: int) -> str:
    """An arrow that bulges out to the right of the column, the k-th in that column a
    little further out than the one before (four widths, then round again)."""
    (sx, sy, _), (_, dy, _) = src, dst
    bulge = 26 + 10 * (k % 4)
    x0 = sx + COL_W
    y0, y1 = sy + BOX_H / 2 + 8, dy + BOX_H / 2 - 8
    return (
        f"M{x0:.0f} {y0:.0f} C{x0 + bulge:.0f} {y0:.0f} {x0 + bulge:.0f} {y1:.0f} "
        f"{x0 + 1:.0f} {y1:.0f}"
    )


def across_path(src: tuple, dst: tuple) -> str:
    """An arrow from the side of one box to the facing side of a box in another column,
    rightward arrows a little below the middle and leftward ones above, so a pair of
    groups that depend on each other have two arrows, not one on top of the other."""
    (sx, sy, sc), (dx, dy, dc) = src, dst
    x0, x1 = (sx + COL_W, dx) if dc > sc else (sx, dx + COL_W)
    shift = 6 if dc > sc else -6
    y0, y1 = sy + BOX_H / 2 + shift, dy + BOX_H / 2 + shift
    mx = (x0 + x1) / 2
    return f"M{x0:.0f} {y0:.0f} C{mx:.0f} {y0:.0f} {mx:.0f} {y1:.0f} {x1:.0f} {y1:.0f}"


def arrows(layout: MapLayout, spec: Spec) -> list[str]:
    out = []
    same_col_count: dict[int, int] = {}
    for src, dst in layout.edges:
        a, b = layout.pos[src], layout.pos[dst]
        if a[2] == b[2]:
            k = same_col_count.get(a[2], 0)
            same_col_count[a[2]] = k + 1
            path = same_column_path(a, b, k)
        else:
            path = across_path(a, b)
        names = (spec.stakeholder(src).name, spec.stakeholder(dst).name)
        out.append(
            f'<path d="{path}" fill="none" stroke="{GREY}" stroke-width="1.6" '
            f'marker-end="url(#progen-arrow)"><title>'
            f"{esc(f'{names[0]} depends on {names[1]}')}</title></path>"
        )
    return out


def group_box(g: Stakeholder, at: tuple[float, float, int], tasks: list[int]) -> list[str]:
    """The group's box: its name, level and head count, and a badge per task it works on."""
    x, y, _ = at
    out = [
        f'<rect x="{x}" y="{y}" width="{COL_W}" height="{BOX_H}" rx="6" fill="#ffffff" '
        f'stroke="{BLUE}" stroke-width="2"/>'
    ]
    for i, line in enumerate(_wrap(g.name, 24, 2)):
        out.append(
            f'<text x="{x + 10}" y="{y + 18 + i * 15}" font-weight="bold" fill="{DARK}">'
            f"{esc(line)}</text>"
        )
    out.append(
        f'<text x="{x + 10}" y="{y + BOX_H - 9}" font-size="10" fill="{GREY}">'
        f"{esc(g.level.replace('-', ' '))} · {g.count}</text>"
    )
    for k, n in enumerate(reversed(tasks)):
        cx = x + COL_W - 14 - k * 22
        out.append(
            f'<circle cx="{cx}" cy="{y + BOX_H - 14}" r="9" fill="{BLUE}"/>'
            f'<text x="{cx}" y="{y + BOX_H - 10}" text-anchor="middle" font-size="10" '
            f'font-weight="bold" fill="#ffffff">T{n}</text>'
        )
    return out


def task_badges(spec: Spec) -> dict[str, list[int]]:
    """Each group's task numbers (1 for the spec's first task), in task order."""
    involves: dict[str, list[int]] = {}
    for n, t in enumerate(spec.tasks, 1):
        for g in t.stakeholders:
            involves.setdefault(g, []).append(n)
    return involves


ARROW_HEAD = (
    '<defs><marker id="progen-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
    'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
    f'<path d="M0 0 L10 5 L0 10 z" fill="{GREY}"/></marker></defs>'
)


def map_svg(p: Programme) -> Markup:
    """Stakeholder interdependency map: organisations as columns, groups as boxes,
    `depends_on` as arrows from a group to the group it depends on, task badges on boxes."""
    spec = p.spec
    layout = map_layout(spec)
    desc = (
        f"{len(layout.pos)} stakeholder groups in {len(layout.orgs)} organisations; an arrow "
        f"runs from a group to a group it depends on ({len(layout.edges)} dependencies). "
        "Numbered badges show the shared tasks each group works on."
    )
    title = f"Stakeholder interdependency map for {p.title}"
    out = [
        svg_open(layout.width, layout.height, f"map-{p.id}", title, desc, "progen-map"),
        ARROW_HEAD,
        *columns(layout),
        *arrows(layout, spec),
    ]
    badges = task_badges(spec)
    for g in spec.stakeholders:
        if g.id in layout.pos:
            out += group_box(g, layout.pos[g.id], badges.get(g.id, []))
    out.append("</svg>")
    return Markup("".join(out))


def task_numbers(p: Programme) -> list[tuple[str, str, list[str]]]:
    """(badge, task title, group names) for the map's key, in spec order."""
    return [
        (f"T{n}", t.title, [p.spec.stakeholder(g).name for g in t.stakeholders])
        for n, t in enumerate(p.spec.tasks, 1)
    ]
