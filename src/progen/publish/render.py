"""Shared template machinery for the site and the handbook.

Both readers' outputs come from the same content partials (`templates/partials`),
rendered by one HTML environment with autoescaping on, so the wording of a session
header or a roster cannot drift between the web page and the printed page.

Generated Markdown (the site's pages) has its own environment whose every `{{ }}`
output is escaped for Markdown *and* HTML unless it is already `Markup`: user text
can never become a link, an image or a tag, even where a template forgets a filter.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

import jinja2
import markdown
from markupsafe import Markup

from progen.design.evaluation import FORMS, LICENSED, LICENSED_PAGE
from progen.design.model import Programme
from progen.publish.templating import environment, longdate, shortdate
from progen.wording import plural

# Characters Python-Markdown (with the tables extension) treats as syntax.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_HEADING = re.compile(r"^(#{1,5}) ", re.MULTILINE)

LEVELS = ("reaction", "learning", "behaviour", "results")


def md_escape(value: Any) -> Markup:
    """User text as inert Markdown: HTML-escaped, syntax backslash-escaped, on one line.

    `<script>` becomes `&lt;script&gt;`, `[x](javascript:...)` and `![](file:...)` lose
    the brackets that would make them links or images, and newlines cannot start a
    heading, list or table.
    """
    if isinstance(value, Markup):
        return value
    text = " ".join(str(value).split())
    text = html.escape(text, quote=True)
    return Markup(_MD_SPECIAL.sub(r"\\\1", text))


def _md_finalize(value: Any) -> Any:
    if value is None:
        return ""
    return md_escape(value)


def plan_markdown(text: str, shift: int = 0) -> Markup:
    """A session plan body as Markdown that can format but not inject.

    Built-in plans are trusted, but a user's own module folder can replace them, so raw
    HTML is escaped and square brackets are backslash-escaped: headings, lists, emphasis
    and tables work; tags, links and images (`javascript:`, `file:`) cannot appear.
    Headings move down `shift` levels to sit under the page's own headings.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace("[", "\\[").replace("]", "\\]")
    if shift:
        text = _HEADING.sub(lambda m: "#" * min(len(m.group(1)) + shift, 6) + " ", text)
    return Markup(text)


def markdown_html(text: str, shift: int = 0) -> Markup:
    """A session plan body as HTML (for the handbook), made safe by `plan_markdown`."""
    html_text = markdown.markdown(
        str(plan_markdown(text, shift)), extensions=["tables", "sane_lists"]
    )
    return Markup(html_text)


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

    def reference(self, key: str) -> str:
        return self.p.references.get(key, key)


def _filters() -> dict:
    return {
        "longdate": longdate,
        "shortdate": shortdate,
        "number": number,
        "level_name": lambda s: s.replace("-", " "),
        "md_escape": md_escape,
        "markdown": markdown_html,
        "plural": plural,
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
    env.filters["plan_markdown"] = plan_markdown
    env.globals["LEVELS"] = LEVELS
    return env


def partial(name: str, **context: Any) -> Markup:
    """A shared content partial rendered as one HTML block with no blank lines.

    Blank lines are dropped so Markdown keeps the block as raw HTML when a site page
    embeds it.
    """
    out = html_env().get_template(f"partials/{name}.html").render(**context)
    return Markup("\n".join(line for line in out.splitlines() if line.strip()))
