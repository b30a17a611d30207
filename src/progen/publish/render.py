"""Shared template machinery for the site and the handbook.

Both readers' outputs come from the same content partials (`templates/partials`),
rendered by one HTML environment with autoescaping on, so the wording of a session
header or the sets-by-task table cannot drift between the web page and the printed page.

Generated Markdown (the site's pages) has its own environment whose every `{{ }}`
output is escaped for Markdown *and* HTML unless it is already `Markup`: user text
can never become a link, an image or a tag, even where a template forgets a filter.

Session plans (module bodies, which a user's modules folder can replace) are the one
place where user Markdown is meant to format: `plan_html` renders them to sanitised
HTML once, and the site embeds that HTML as a raw block while the handbook prints it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, cached_property
from pathlib import PurePath
from typing import Any

import jinja2
import markdown
import nh3
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from progen.design.calendar import FESTIVE
from progen.design.evaluation import FORMS, LICENSED, LICENSED_PAGE
from progen.design.model import Programme, clock
from progen.design.participants import taught_minutes
from progen.design.venues import online_venues, venue_text
from progen.publish.templating import environment, longdate, shortdate
from progen.wording import context_words, kind_words, md_escape, plural

LEVELS = ("reaction", "learning", "behaviour", "results")


def _md_finalize(value: Any) -> Any:
    if value is None:
        return ""
    return md_escape(value)


# What a facilitator's plan may hold once rendered: text, headings, lists, tables, code
# and quotations. Nothing that leaves the page (links, images) and nothing active.
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TEXT = ("p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li")
_TABLES = ("table", "thead", "tbody", "tr", "th", "td")
PLAN_TAGS = frozenset({*_HEADINGS, *_TEXT, *_TABLES})
_ALIGN = {"left", "center", "right"}
PLAN_ATTRIBUTE_VALUES = {"th": {"align": _ALIGN}, "td": {"align": _ALIGN}}
PLAN_ATTRIBUTES = {"ol": {"start"}}

# Python-Markdown's inline patterns that make links, images or raw HTML. Without them
# (and without the raw-HTML block preprocessor and the link-definition block processor)
# the syntax stays text: `[x](javascript:...)`, `<http://x>`, `[x][1]` and `<script>`
# print as written, whatever escaping tricks surround them.
_LINK_PATTERNS = ("reference", "link", "short_reference", "autolink", "automail")
_IMAGE_AND_HTML_PATTERNS = ("image_link", "image_reference", "short_image_ref", "html")


class _ShiftHeadings(Treeprocessor):
    """Moves every heading down `shift` levels so a plan sits under the page's own headings
    (ATX and setext headings alike)."""

    def __init__(self, md: markdown.Markdown, shift: int) -> None:
        super().__init__(md)
        self.shift = shift

    def run(self, root) -> None:
        for element in root.iter():
            if element.tag in _HEADINGS:
                element.tag = f"h{min(int(element.tag[1]) + self.shift, 6)}"


@cache
def _plan_markdown(shift: int) -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=[TableExtension(use_align_attribute=True), "sane_lists"],
        output_format="html",
    )
    md.preprocessors.deregister("html_block")
    md.parser.blockprocessors.deregister("reference")
    for name in _LINK_PATTERNS + _IMAGE_AND_HTML_PATTERNS:
        md.inlinePatterns.deregister(name)
    md.treeprocessors.register(_ShiftHeadings(md, shift), "shift_headings", 1)
    return md


def plan_html(text: str, shift: int = 0) -> Markup:
    """A session plan (a module body) as HTML that can format but not link or inject.

    Built-in plans are trusted, but a user's own module folder can replace them, so the
    body is rendered here, for the site and the handbook alike, by a Markdown parser that
    has no link, image or raw-HTML syntax, and the result is then cleaned by nh3 (a
    maintained sanitiser) to an allow-list of formatting tags with no URLs at all: if
    the parser ever let something through, the sanitiser still drops it. Headings move
    down `shift` levels to sit under the page's own headings.
    """
    rendered = _plan_markdown(shift).reset().convert(text)
    return Markup(
        nh3.clean(
            rendered,
            tags=set(PLAN_TAGS),
            attributes={tag: set(names) for tag, names in PLAN_ATTRIBUTES.items()},
            tag_attribute_values=PLAN_ATTRIBUTE_VALUES,
            url_schemes=set(),
            link_rel=None,
        )
    )


def number(x: float | None) -> str:
    if x is None:
        return "not known"
    return f"{x:g}"


class Helpers:
    """Look-ups the templates need, bound to one programme."""

    def __init__(self, p: Programme) -> None:
        self.p = p
        self._groups = {g.id: g for g in p.spec.stakeholders}
        self._orgs = {o.id: o for o in p.spec.organisations}
        self._tasks = {t.id: t for t in p.spec.tasks}

    def group(self, group_id: str) -> str:
        g = self._groups.get(group_id)
        return g.name if g else group_id

    def groups(self, ids) -> list[str]:
        return [self.group(i) for i in ids]

    def org(self, org_id: str) -> str:
        o = self._orgs.get(org_id)
        return o.name if o else org_id

    def task(self, task_id: str | None) -> str:
        if task_id is None:
            return ""
        t = self._tasks.get(task_id)
        return t.title if t else task_id

    def tasks_of(self, group_id: str) -> list:
        """The tasks a stakeholder group works on, in spec order."""
        return [t for t in self.p.spec.tasks if group_id in t.stakeholders]

    def split_groups(self, audience) -> list[str]:
        """The groups in `audience` that serve several tasks, whose members divide the
        tasks' own sessions between them (participants.expected_at)."""
        return [g for g in audience if len(self.tasks_of(g)) > 1]

    @cached_property
    def _taught(self) -> dict[tuple[str, str], int]:
        """Each person's taught minutes (participants.taught_minutes), worked out once."""
        return taught_minutes(self.p)

    @cached_property
    def _venue_names(self) -> dict[str, str]:
        return {venue_text(v): v.name for v in self.p.spec.venues}

    def time_out(self) -> str:
        """'up to 36 hours of taught sessions and 18 hours of set meetings': the most time
        any one person is away from their service, for the organisers to arrange cover."""
        taught = round(max(self._taught.values(), default=0) / 30) / 2  # to the half hour
        sets = round(max((len(s.meetings) * s.minutes for s in self.p.sets), default=0) / 30) / 2
        parts = [f"{taught:g} hours of taught sessions"] if taught else []
        if sets:
            parts.append(f"{sets:g} hours of set meetings")
        return " and ".join(parts)

    def festive(self) -> str:
        """'24 December to 1 January': the Christmas break the calendar keeps free."""
        (m1, d1), (m2, d2) = FESTIVE
        return f"{dt.date(1, m1, d1):%-d %B} to {dt.date(2, m2, d2):%-d %B}"

    def online(self, venue: str | None) -> bool:
        """Whether a session or meeting is held at one of the spec's online venues."""
        return venue in online_venues(self.p.spec)

    def time_in_all(self) -> str:
        """'about 620 hours of staff time and 90 hours of community members' time': every
        participant's taught sessions and set meetings added up, for the board to plan and
        cost the cover (community members are not staff, so their time is counted apart)."""
        level = {g.id: g.level for g in self.p.spec.stakeholders}
        hours = {"staff": 0, "community": 0}
        for (_, group), minutes in self._taught.items():
            hours["community" if level[group] == "community" else "staff"] += minutes
        for st in self.p.sets:
            for m in st.members:
                kind = "community" if m.level == "community" else "staff"
                hours[kind] += len(st.meetings) * st.minutes
        parts = [
            f"about {round(minutes / 60):,} hours of {label}"
            for label, minutes in (
                ("staff time", hours["staff"]),
                ("community members' time", hours["community"]),
            )
            if minutes
        ]
        return " and ".join(parts)

    def venue_name(self, venue: str) -> str:
        """A venue as a table shows it: its name without the address (the session's page
        and the calendar keep the address); text no spec venue wrote stays as it is."""
        return self._venue_names.get(venue, venue)

    def times_chosen(self) -> bool:
        """Whether the organisers chose the start times (else they are the defaults)."""
        marks = self.p.spec.where.marks
        return ("programme", "session_start") in marks or ("programme", "set_start") in marks

    def language_note(self) -> str:
        """What the nation's languages ask of the organisers (templates/context.yaml)."""
        return context_words()["nations"][self.p.spec.programme.nation]["language"]

    def hours_each(self, group_id: str) -> str:
        """'12.5 hours': the most taught time any one member of the group is expected at
        (participants.taught_minutes), for the group's own page; "" when none."""
        most = max((m for (_, g), m in self._taught.items() if g == group_id), default=0)
        if not most:
            return ""
        hours = most / 60
        if (hours * 2).is_integer():
            return f"{hours:g} hour{'s' * (hours != 1)}"
        return f"about {round(hours)} hour{'s' * (round(hours) != 1)}"

    def reference(self, key: str) -> str:
        return self.p.references.get(key, key)


def _filters() -> dict:
    return {
        "longdate": longdate,
        "shortdate": shortdate,
        "number": number,
        "level_name": lambda s: s.replace("-", " "),
        "kind_name": kind_words,
        "md_escape": md_escape,
        "plural": plural,
        "plan_html": plan_html,
        "clock": clock,
        # a spec's file name without the folders it was built from on someone's machine
        "file_name": lambda path: PurePath(path).name,
    }


@cache
def html_env() -> jinja2.Environment:
    """Autoescaping HTML environment for `partials/` and `pdf/`."""
    env = environment(autoescape=True)
    env.filters.update(_filters())
    env.globals["LEVELS"] = LEVELS
    env.globals.update(FORMS=FORMS, LICENSED=LICENSED, LICENSED_PAGE=LICENSED_PAGE)
    return env


@cache
def md_env() -> jinja2.Environment:
    """Environment for the site's Markdown pages: everything printed is Markdown-escaped."""
    env = environment(autoescape=False, finalize=_md_finalize, keep_trailing_newline=True)
    env.filters.update(_filters())
    env.globals["LEVELS"] = LEVELS
    return env


def partial(name: str, **context: Any) -> Markup:
    """A shared content partial rendered as one HTML block with no blank lines.

    Blank lines are dropped so Markdown keeps the block as raw HTML when a site page
    embeds it.
    """
    out = html_env().get_template(f"partials/{name}.html").render(**context)
    return Markup("\n".join(line for line in out.splitlines() if line.strip()))
