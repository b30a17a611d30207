"""The printable handbook: HTML from the shared partials, laid out by WeasyPrint.

The handbook is written for paper, not printed from the site: a cover, contents with
page numbers, running header and footer, one session per page, worksheets and forms.
WeasyPrint fetches through `AssetsOnlyFetcher`, so nothing outside progen's own PDF
assets folder is read and nothing is fetched from the network, whatever the spec says.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from progen import __version__
from progen.design.model import Programme, Session
from progen.publish import svg
from progen.publish.render import Helpers, html_env, partial
from progen.resources import templates_dir


class URLRefused(ValueError):
    """The handbook asked for a resource outside its own assets."""


def assets_dir() -> Path:
    return templates_dir() / "pdf" / "assets"


def make_fetcher(assets: Path | None = None):
    """A WeasyPrint URL fetcher that serves only `data:` URIs and files inside `assets`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = (assets or assets_dir()).resolve()

    class AssetsOnlyFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                parts = urlsplit(url)
                path = Path(unquote(parts.path)).resolve()
                inside = parts.netloc in ("", "localhost") and path.is_relative_to(root)
                if inside and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        path.as_uri(), path.read_bytes(), {"Content-Type": kind}
                    )
            raise URLRefused(f"refused to fetch {url[:200]!r}: the handbook reads only its assets")

    return AssetsOnlyFetcher()


def handbook_html(p: Programme) -> str:
    """The handbook as one HTML document (what WeasyPrint lays out)."""
    h = Helpers(p)
    index = {s.id: i for i, s in enumerate(p.sessions, 1)}
    template = html_env().get_template("pdf/handbook.html")
    return template.render(
        p=p,
        h=h,
        same_plan=same_plans(p),
        rosters=sum(len(st.members) for st in p.sets) <= ROSTERS_IN_HANDBOOK,
        partial=partial,
        version=__version__,
        session_href=lambda s: f"#session-{index[s.id]}",
        timeline=svg.timeline_svg(p),
        map=svg.map_svg(p),
        tasks=svg.task_numbers(p),
        charts=[svg.run_chart_svg(x, p, i) for i, x in enumerate(p.pdsa)],
    )


# Up to this many set members the handbook prints every set's roster, one set to a page,
# as a facilitator expects; beyond it (a region of hundreds of sets) rosters would make
# most of the book, and they go to the sets' own pages and sets.csv instead. progen's own
# default.
ROSTERS_IN_HANDBOOK = 150


def same_plans(p: Programme) -> dict[str, Session]:
    """Session id -> the earlier session whose facilitator's plan is word for word the
    same. A programme of twenty tasks has forty PDSA clinics with two plans between them:
    the handbook prints each plan once and points the others to it, so it stays a book a
    facilitator can carry rather than a pile of repeats."""
    first: dict[str, Session] = {}
    out = {}
    for s in p.sessions:
        earlier = first.setdefault(s.plan, s)
        if earlier is not s:
            out[s.id] = earlier
    return out


class _Quiet(logging.Filter):
    """WeasyPrint warns about CSS it ignores; keep its messages out of the build's output."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        self.messages.append(record.getMessage())
        return False


def write_pdf(programme: Programme, pdf_path: Path) -> None:
    """Write the programme handbook as a tagged A4 PDF at `pdf_path`."""
    render_pdf(handbook_html(programme), "pdf/handbook.css", pdf_path)


def render_pdf(document_html: str, stylesheet: str, pdf_path: Path) -> None:
    """Lay out `document_html` with the stylesheet at `stylesheet` (under templates/) as a
    tagged PDF, reading only progen's own assets and keeping WeasyPrint's notes quiet."""
    from weasyprint import CSS, HTML

    fetcher = make_fetcher()
    base = assets_dir().resolve().as_uri() + "/"
    css = (templates_dir() / stylesheet).read_text(encoding="utf-8")
    logger = logging.getLogger("weasyprint")
    quiet = _Quiet()
    logger.addFilter(quiet)
    try:
        document = HTML(string=document_html, base_url=base, url_fetcher=fetcher)
        document.write_pdf(
            Path(pdf_path),
            stylesheets=[CSS(string=css, base_url=base, url_fetcher=fetcher)],
            pdf_variant="pdf/ua-1",  # tagged, with the title shown and the language set
            pdf_tags=True,
        )
    finally:
        logger.removeFilter(quiet)
