"""Dotted paths into the spec, as users see them in error messages."""

from __future__ import annotations

from collections.abc import Iterable

Path = tuple[str | int, ...]


def dotted(path: Iterable[str | int]) -> str:
    """('tasks', 0, 'title') -> 'tasks[0].title'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
