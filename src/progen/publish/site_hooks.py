"""MkDocs hooks for progen's site, loaded by MkDocs from this file (site._config).

A page's content partials are HTML that progen's own templates rendered and escaped. The
page's Markdown holds a placeholder comment for each one, and this hook puts the HTML in
after Python-Markdown has run: Markdown would only pass the HTML through, but it parses
every tag of it on the way, which at region scale was most of the site's build time
(BENCHMARKS.md). User text cannot forge a placeholder: it reaches the Markdown escaped,
so a '<' never starts a comment there.

MkDocs makes a new Jinja environment for every build, so the theme's templates would be
compiled again for every programme; `on_env` gives each environment the process's one
cache of compiled templates (`site.COMPILED`), which a long-running `progen serve` and a
build of several programmes then compile once.
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"<!-- progen-block (\d+) -->")


def on_page_content(html: str, /, *, page, config, files) -> str:
    blocks = config.extra["progen_blocks"]
    return PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], html)


def on_env(env, /, *, config, files):
    from progen.publish.site import COMPILED

    env.bytecode_cache = COMPILED
    return env
