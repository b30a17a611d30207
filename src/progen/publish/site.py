"""The programme site: Markdown pages from templates, built by MkDocs with Material.

Everything MkDocs- or Material-specific lives in this module, so changing the site
generator or its theme touches one file. Pages are generated into a temporary docs
folder and built in strict mode: any MkDocs warning (a broken link, a missing page)
fails the build with the warnings in the message instead of shipping a broken site.

Rosters have a page per set (`sets/<set id>.html`), linked from the sets page: a set
adviser prints the page for their own set, and no page, nor the handbook, grows with
the number of people. Those pages are plain HTML written beside the MkDocs build, not
MkDocs pages: each themed page carries the whole navigation and a raw-HTML pass, which
for a region's thousands of sets would dominate the build (see BENCHMARKS.md).

Each stakeholder group has a MkDocs page (`groups/<group id>.html`, "Your programme"):
its sessions, its sets' meetings, its tasks and its calendar. The nav lists them while
there are few enough to scan (NAV_GROUPS); beyond that the groups page lists them and
they are left out of the nav, which every page carries.

The content partials (shared with the handbook) are HTML already: a page's Markdown holds
a placeholder for each, filled after Markdown has run (`site_hooks`), so Python-Markdown
does not reparse every table as raw HTML.

The build writes only the site; the PDF, calendars, rosters and JSON the pages link to
are written into the same folder afterwards by the caller, so those links are plain HTML
anchors that MkDocs does not try to validate.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import jinja2
import jinja2.bccache
from markupsafe import Markup

from progen.design.model import Programme
from progen.publish import svg
from progen.publish.render import Helpers, html_env, md_env, partial
from progen.resources import templates_dir

_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# The nav lists every group's page up to this many groups; beyond it, the "Your programme"
# page lists them. Every page carries the whole nav, so 400 groups in it would make the
# site hundreds of times larger and slower to build (BENCHMARKS.md), and no one scans a
# list that long.
NAV_GROUPS = 40
# The site's own stylesheets, after Material's; stack.css is shared with the set pages.
STYLESHEETS = ("progen.css", "stack.css")


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the process. Jinja checks each
    against its template's source before use, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED = _Compiled()  # MkDocs' environments share it (site_hooks.on_env)


class SiteBuildError(RuntimeError):
    """MkDocs reported warnings or errors: a bug in progen's pages, not in the spec."""


def _safe(name: str, fallback: str) -> str:
    return name if _SAFE_NAME.fullmatch(name) else fallback


def _title(text: str) -> Markup:
    """A nav title or site name: Material prints these without escaping, so escape here.

    `Markup` passes MkDocs' config validation as a `str` and is not escaped twice by the
    templates that do escape it.
    """
    return Markup(html.escape(" ".join(text.split()), quote=True))


def session_file(p: Programme, index: int) -> str:
    s = p.sessions[index]
    return f"sessions/{_safe(s.id, f'session-{index + 1}')}.md"


def set_file(p: Programme, index: int) -> str:
    return f"sets/{_safe(p.sets[index].id, f'set-{index + 1}')}.html"


def pdsa_file(p: Programme, index: int) -> str:
    return f"pdsa/{_safe(p.pdsa[index].task, f'task-{index + 1}')}.md"


def group_file(p: Programme, index: int) -> str:
    """One stakeholder group's own page (SPEC.md section 5)."""
    return f"groups/{_safe(p.spec.stakeholders[index].id, f'group-{index + 1}')}.md"


def group_calendar_file(p: Programme, index: int) -> str:
    """A group's calendar, beside the sets' calendars: validation keeps group ids from
    taking a set's name (set-<n>)."""
    return f"calendars/{_safe(p.spec.stakeholders[index].id, f'group-{index + 1}')}.ics"


def set_calendar_file(p: Programme, index: int) -> str:
    return f"calendars/{_safe(p.sets[index].id, f'set-{index + 1}')}.ics"


def download_names(p: Programme) -> dict[str, str]:
    """File names, relative to the site folder, that the build writes beside the site."""
    return {
        "pdf": f"{p.id}.pdf",
        "ics": f"{p.id}.ics",
        "csv": "sets.csv",
        "meetings": "set-meetings.csv",
        "json": "programme.json",
        "records": "records-template.xlsx",
    }


def write_pages(p: Programme, docs: Path, progress=None) -> tuple[list, list[str]]:
    """Write every Markdown page into `docs`, with the Progress section when there is
    `progress` (results.progress); return the MkDocs nav for them, and the HTML of the
    content partials the pages hold placeholders for (site_hooks)."""
    env = md_env()
    h = Helpers(p)
    session_files = {s.id: session_file(p, i) for i, s in enumerate(p.sessions)}
    blocks: list[str] = []

    def session_href(s) -> str:
        return session_files[s.id].removesuffix(".md") + ".html"

    def block(name: str, **context) -> Markup:
        blocks.append(partial(name, **context))
        return Markup(f"<!-- progen-block {len(blocks) - 1} -->")

    common = {"p": p, "h": h, "partial": block, "session_href": session_href}

    def page(name: str, template: str, **context) -> None:
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = env.get_template(f"site/{template}").render(**common, **context)
        path.write_text(text, encoding="utf-8")

    group_files = [group_file(p, i) for i in range(len(p.spec.stakeholders))]
    # Markdown links between pages, which MkDocs checks: the paths hold checked ids only.
    group_href = {g.id: Markup(group_files[i]) for i, g in enumerate(p.spec.stakeholders)}
    report = {"report": f"{p.id}-report.pdf"} if progress is not None else {}
    page("index.md", "index.md.j2", files=download_names(p) | report)
    page("groups.md", "groups.md.j2", group_href=lambda g: group_href[g.id])
    page("timeline.md", "timeline.md.j2", timeline=svg.timeline_svg(p))
    for s in p.sessions:
        page(session_files[s.id], "session.md.j2", s=s)
    set_files = {st.id: set_file(p, i) for i, st in enumerate(p.sets)}
    set_calendars = {st.id: set_calendar_file(p, i) for i, st in enumerate(p.sets)}
    page(
        "sets.md",
        "sets.md.j2",
        set_href=lambda st: set_files[st.id],
        calendar_href=lambda st: set_calendars[st.id],
    )
    for i, x in enumerate(p.pdsa):
        page(pdsa_file(p, i), "pdsa.md.j2", x=x, chart=svg.run_chart_svg(x, p, i))
    page("evaluation.md", "evaluation.md.j2")
    page("map.md", "map.md.j2", map=svg.map_svg(p), tasks=svg.task_numbers(p))
    page("omitted.md", "omitted.md.j2")
    page("references.md", "references.md.j2")
    page("derivation.md", "derivation.md.j2")
    # A group's page sits in groups/, so its links climb one folder.
    pdsa_files = {x.task: pdsa_file(p, i) for i, x in enumerate(p.pdsa)}
    links = {
        "session": lambda s: "../" + session_href(s),
        "set": lambda st: "../" + set_files[st.id],
        "set_calendar": lambda st: "../" + set_calendars[st.id],
        "pdsa": lambda task: "../" + pdsa_files[task].removesuffix(".md") + ".html",
        "files": {k: "../" + name for k, name in download_names(p).items()},
    }
    for i, g in enumerate(p.spec.stakeholders):
        calendar = "../" + group_calendar_file(p, i)
        page(group_files[i], "group.md.j2", g=g, links=links, calendar=calendar)

    groups_nav = [
        {_title(g.name): group_files[i]}
        for i, g in enumerate(p.spec.stakeholders)
        if _groups_in_nav(p)
    ]
    nav: list = [
        {"Overview": "index.md"},
        {"Timeline": "timeline.md"},
        {
            "Sessions": [
                {_title(f"{s.id.lstrip('s')}. {s.title}"): session_files[s.id]} for s in p.sessions
            ]
        },
        {"Action-learning sets": "sets.md"},
        {"Your programme": [{"Every group": "groups.md"}, *groups_nav]},
    ]
    if p.pdsa:
        nav.append(
            {"PDSA": [{_title(h.task(x.task)): pdsa_file(p, i)} for i, x in enumerate(p.pdsa)]}
        )
    if progress is not None:
        from progen.publish.report import progress_markdown, progress_page

        for name, text in progress_markdown(progress, p).items():
            (docs / name).parent.mkdir(parents=True, exist_ok=True)
            (docs / name).write_text(text, encoding="utf-8")
        measured = [
            {_title(m.title): progress_page(m.task, i)} for i, m in enumerate(progress.measures)
        ]
        nav.append({"Progress": [{"Overview": "progress/index.md"}, *measured]})
    nav += [
        {"Evaluation": "evaluation.md"},
        {"Stakeholder map": "map.md"},
        {"Left out, and why": "omitted.md"},
        {"References": "references.md"},
        {"How this programme was derived": "derivation.md"},
    ]
    return nav, blocks


def _groups_in_nav(p: Programme) -> bool:
    return len(p.spec.stakeholders) <= NAV_GROUPS


def _config(p: Programme, docs: Path, out_dir: Path, nav: list, blocks: list[str]) -> dict:
    site = templates_dir() / "site"
    return {
        # Group pages left out of a long nav are still pages: the groups page lists them.
        "not_in_nav": "" if _groups_in_nav(p) else "/groups/",
        "site_name": _title(p.title),
        "docs_dir": str(docs),
        "site_dir": str(out_dir),
        "use_directory_urls": False,
        "strict": True,
        "nav": nav,
        "theme": {
            "name": "material",
            "custom_dir": str(site / "overrides"),
            "language": "en",
            "font": False,
            "palette": {"scheme": "default", "primary": "custom", "accent": "custom"},
            "features": ["navigation.footer", "navigation.top", "toc.follow"],
        },
        "plugins": [],  # no search: it needs a server, and stock Material's dialog fails axe
        "hooks": [str(Path(__file__).with_name("site_hooks.py"))],
        "extra_css": [f"assets/{sheet}" for sheet in STYLESHEETS],
        "extra": {"generator": False, "progen_blocks": blocks},
        "markdown_extensions": [
            "tables",
            {"toc": {"permalink": False}},
        ],  # no attr_list: it allows on* attributes
        "validation": {
            "omitted_files": "warn",
            "absolute_links": "warn",
            "unrecognized_links": "warn",
            "anchors": "warn",
        },
    }


def write_set_pages(p: Programme, out_dir: Path) -> None:
    """One printable page per action-learning set, and the stylesheet they share."""
    template = html_env().get_template("site/set.html.j2")
    h = Helpers(p)
    (out_dir / "sets").mkdir(exist_ok=True)
    shutil.copyfile(templates_dir() / "site" / "roster.css", out_dir / "assets" / "roster.css")
    for i, st in enumerate(p.sets):
        page = template.render(p=p, h=h, st=st, partial=partial)
        (out_dir / set_file(p, i)).write_text(page, encoding="utf-8")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def write_site(programme: Programme, out_dir: Path, progress=None) -> None:
    """Build the programme's site into `out_dir` (which MkDocs empties first)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life notice
    from mkdocs.commands.build import build
    from mkdocs.config.base import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="progen-docs-") as tmp:
        root = Path(tmp)
        docs = root / "docs"
        (docs / "assets").mkdir(parents=True)
        for sheet in STYLESHEETS:
            shutil.copyfile(templates_dir() / "site" / sheet, docs / "assets" / sheet)
        nav, blocks = write_pages(programme, docs, progress)
        config_file = root / "mkdocs.yml"
        config_file.write_text("site_name: progen\n", encoding="utf-8")

        logger = logging.getLogger("mkdocs")
        collect = _Collect()
        logger.addHandler(collect)
        propagate, logger.propagate = logger.propagate, False
        try:
            config = load_config(
                str(config_file), **_config(programme, docs, out_dir.resolve(), nav, blocks)
            )
            build(config)
        except (Abort, MkDocsException) as err:
            details = "; ".join(collect.messages) or str(err)
            raise SiteBuildError(f"site for {programme.id} did not build: {details}") from err
        finally:
            logger.removeHandler(collect)
            logger.propagate = propagate
        if collect.messages:
            raise SiteBuildError(
                f"site for {programme.id} built with warnings: " + "; ".join(collect.messages)
            )
    write_set_pages(programme, out_dir)
    # MkDocs' 404 page links from the server root, which is wrong for a programme that
    # lives in site/<id>/ and is read from files; no reader is ever sent to it.
    (out_dir / "404.html").unlink(missing_ok=True)
