"""Small helpers for writing numbers, lists and spec values into sentences.

A board reads the handbook, so counts are written as words where a person would
("every five weeks"), plurals agree with their numbers, and the spec's context is
described in the words of `templates/context.yaml`, never by its YAML path.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from markupsafe import Markup

from progen.resources import template_data

_SMALL = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen", "twenty"),
)


def plural(n: int, noun: str) -> str:
    """'1 set', '3 sets'; nouns with irregular plurals are written out by the caller."""
    return f"{n} {noun}{'s' * (n != 1)}"


def number_word(n: int) -> str:
    """'five' for 5: numbers up to twenty as words, larger ones as digits (as in prose)."""
    return _SMALL[n] if 0 <= n < len(_SMALL) else str(n)


def counted(n: int, noun: str) -> str:
    """'one set', 'five sets': `plural` with the number in words."""
    return f"{number_word(n)} {noun}{'s' * (n != 1)}"


def joined(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@cache
def context_words() -> dict:
    """Stages, levels and culture tags in words (templates/context.yaml)."""
    return template_data("context.yaml")


def kind_words(kind: str, nation: str = "england") -> str:
    """An organisation kind as a reader in `nation` says it: 'health board', 'voluntary
    organisation'; 'health and social care trust' for a trust in Northern Ireland."""
    words = context_words()
    local = words["nations"].get(nation, {}).get("kinds", {})
    return local.get(kind) or words["kinds"].get(kind, kind.replace("-", " "))


# Characters Python-Markdown (with the tables extension) treats as syntax.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


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


def quoted(text: str, limit: int) -> str:
    """A person's text to quote in a sentence: on one line, cut at a word before `limit`
    characters with an ellipsis, and ending as a sentence does."""
    words = " ".join(text.split())
    if len(words) > limit:
        words = words[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return words if words[-1:] in ".!?…" else words + "."


def figure(x: float) -> str:
    """A measured number as a person writes it: 5, 35.5, 1,234,567.891, 0.0000001; never
    in scientific notation."""
    text = f"{x:,.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
