"""The works progen cites, as data, and the one way they are written out."""

from __future__ import annotations

from functools import cache

from progen.resources import template_data


@cache
def bibliography() -> dict[str, dict[str, str]]:
    return template_data("bibliography.yaml")


def formatted(key: str) -> str:
    """'Authors (year) Title. Source.' in the style of SPEC.md section 4."""
    ref = bibliography()[key]
    text = f"{ref['authors']} ({ref['year']}) {ref['title']}. {ref['source']}."
    return text.replace("..", ".")


def cited(keys: set[str]) -> dict[str, str]:
    """Only the works actually cited, ordered by key, so the list is stable."""
    return {key: formatted(key) for key in sorted(keys)}
