"""Small helpers for writing numbers, lists and spec values into sentences.

A board reads the handbook, so counts are written as words where a person would
("every five weeks"), plurals agree with their numbers, and the spec's context is
described in the words of `templates/context.yaml`, never by its YAML path.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

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


def kind_words(kind: str) -> str:
    """An organisation kind as a reader says it: 'health board', 'voluntary organisation'."""
    return context_words()["kinds"].get(kind, kind.replace("-", " "))
