"""Bounds on the shape of a session plan's text, read before it reaches the renderers.

A facilitator's plan is a few pages of paragraphs, short lists and perhaps a small
table. These bounds are far above any real plan and keep a hostile module file from
tying up Python-Markdown and WeasyPrint: blockquotes nested thousands deep make the
PDF renderer recurse until it fails, a table a thousand columns wide takes it minutes.
They apply twice: to the module body as written, and to each plan as written out for a
session, since a template's expressions can build text the body does not show.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from progen.spec.limits import CONTROL_CHARACTERS

MAX_PLAN_CHARACTERS = 100_000
MAX_PLAN_LINE = 2_000
MAX_PLAN_NESTING = 8  # blockquote '>' marks, or list levels, at the start of a line
MAX_TABLE_COLUMNS = 20  # cells in one row of a Markdown table
_NESTING = re.compile(r"^(?:\s*>)+|^(?: {4}|\t)+|^(?:\s*[-*+]\s+)+")


def _depth(prefix: str) -> int:
    marks = prefix.count(">") + len(re.findall(r"[-*+]\s", prefix))
    return marks or len(prefix.expandtabs(4)) // 4


def shape_problems(text: str) -> Iterator[tuple[int, str]]:
    """Each way `text` is larger, wider or deeper than a plan may be, as (line number
    within `text`, 1-based; message); a text that is too long as a whole is one problem."""
    if len(text) > MAX_PLAN_CHARACTERS:
        yield (
            1,
            (
                f"the session plan is {len(text):,} characters long; "
                f"a plan may be at most {MAX_PLAN_CHARACTERS:,}"
            ),
        )
        return
    for n, line in enumerate(text.splitlines(), 1):
        if bad := CONTROL_CHARACTERS.search(line):
            yield n, f"the plan holds the control character U+{ord(bad[0]):04X}; delete it"
        elif len(line) > MAX_PLAN_LINE:
            yield (
                n,
                (
                    f"this line of the plan is {len(line):,} characters long; "
                    f"break it into lines of at most {MAX_PLAN_LINE:,}"
                ),
            )
        elif (found := _NESTING.match(line)) and _depth(found.group(0)) > MAX_PLAN_NESTING:
            yield (
                n,
                (
                    f"quotes or lists nested more than {MAX_PLAN_NESTING} deep; "
                    "a plan needs at most a few levels"
                ),
            )
        elif line.lstrip().startswith("|") and line.count("|") - 1 > MAX_TABLE_COLUMNS:
            yield (
                n,
                (
                    f"a table row of {line.count('|') - 1} columns; "
                    f"a plan's table may have at most {MAX_TABLE_COLUMNS}"
                ),
            )
