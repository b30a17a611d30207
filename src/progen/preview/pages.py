"""What the preview changes in a page as it serves it: the links to files still being
rebuilt say so, and a page of located problems stands in for the site while a spec or its
records are wrong. Neither is ever written to disk."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urljoin, urlsplit

# Files published beside a programme's site, which the background build rewrites: the
# handbook and report PDFs, calendars, rosters, programme.json, the records workbook.
DOWNLOADS = (".pdf", ".ics", ".csv", ".json", ".xlsx")
UPDATING = " (updating…)"
_LINK = re.compile(
    rb"(<a\b[^>]*?\bhref=\"([^\"]*)\"[^>]*>)(.*?)(</a\s*>)", re.IGNORECASE | re.DOTALL
)


def _stale(href: str, page: str, updating: frozenset[str]) -> bool:
    """Whether `href`, on the page at URL path `page`, is a download of a programme whose
    downloads are being rebuilt."""
    target = urlsplit(urljoin(page, html.unescape(href)))
    if target.scheme or target.netloc:
        return False
    parts = unquote(target.path).split("/")
    return len(parts) > 2 and parts[1] in updating and target.path.lower().endswith(DOWNLOADS)


def mark_updating(page: bytes, at: str, updating: frozenset[str]) -> bytes:
    """The page served at URL path `at` with every link to a download still being rebuilt
    marked: its text says "(updating…)" and it carries data-progen="updating"; the link
    itself still works (to the last good file, when there is one)."""
    if not updating:
        return page

    def mark(link: re.Match) -> bytes:
        opening, href, text, closing = link.groups()
        if not _stale(href.decode("utf-8", "replace"), at, updating):
            return link.group(0)
        opening = opening[:-1] + b' data-progen="updating">'
        return opening + text + UPDATING.encode("utf-8") + closing

    return _LINK.sub(mark, page)


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Problems to fix · progen serve</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #212b32; }}
h1 {{ color: #d5281b; font-size: 1.6rem; }}
pre {{ background: #f0f4f5; border-left: 4px solid #d5281b; padding: 1rem;
      overflow-x: auto; white-space: pre; line-height: 1.4; }}
</style>
</head>
<body>
<main>
<h1>Problems to fix</h1>
<p>The preview shows these until they are fixed: save the file and this page is replaced
by the programme's site.</p>
<pre id="problems">{problems}</pre>
</main>
</body>
</html>
"""


def problems_page(problems: str) -> bytes:
    """A page listing the located problems (file:line:column: message, with the source
    excerpt), as the terminal shows them, escaped as text."""
    return _PAGE.format(problems=html.escape(problems, quote=True)).encode("utf-8")
