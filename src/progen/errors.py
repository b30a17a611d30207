"""One error type for user mistakes, printed in one place.

Anything the user can fix (a bad spec, a missing file) is a `Problem` carried by
`UserError`; everything else is a bug and may crash loudly. Problems know their
file, line and column so a message can point at the exact place to change.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1-based
    column: int  # 1-based
    path: str  # dotted path into the spec, e.g. "context.stage" or "tasks[0].title"
    message: str
    # "error" stops the command; "warning" reports a spec fact that changes nothing or that
    # had to be assumed, and stops it only under --strict (SPEC.md section 2).
    severity: str = "error"

    def headline(self) -> str:
        place = f"{self.file}:{self.line}:{self.column}"
        if self.severity == "warning":
            where = f"{self.path} " if self.path else ""
            return _one_line(f"{place}: warning: {where}{self.message}")
        where = f"{self.path}: " if self.path else ""
        return _one_line(f"{place}: {where}{self.message}")

    def as_error(self) -> Problem:
        """The same problem as an error: what --strict makes of a warning."""
        return replace(self, severity="error")


def _one_line(text: str) -> str:
    """Text with line breaks and other unprintable characters (which a key or value in a
    hostile spec may hold) escaped, so every headline stays on one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class UserError(Exception):
    """A mistake the user can fix; carries every problem found, in file order."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(problems, key=lambda p: (p.file, p.line, p.column)))
        super().__init__("\n".join(p.headline() for p in self.problems))


def excerpt(source: str | None, problem: Problem) -> str:
    """A compiler-style excerpt of the offending line with a caret under the column."""
    if source is None:
        return ""
    lines = source.removeprefix("\ufeff").splitlines()
    if not 1 <= problem.line <= len(lines):
        return ""
    text = lines[problem.line - 1].replace("\t", " ")
    if len(text) > 160:
        text = text[:157] + "..."
    gutter = f"{problem.line:>5} | "
    caret = " " * (len(gutter) - 2) + "| " + " " * min(problem.column - 1, len(text)) + "^"
    return f"{gutter}{text}\n{caret}"


def _read_sources(problems: tuple[Problem, ...]) -> dict[str, str]:
    sources = {}
    for file in {p.file for p in problems}:
        try:
            sources[file] = Path(file).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return sources


def render_text(problems: tuple[Problem, ...], sources: dict[str, str] | None = None) -> str:
    """Every problem as a headline plus its source excerpt (read from the problem's file
    unless `sources` gives the text)."""
    sources = _read_sources(problems) if sources is None else sources
    blocks = []
    for p in problems:
        snippet = excerpt(sources.get(p.file), p)
        blocks.append(p.headline() + ("\n" + snippet if snippet else ""))
    return "\n".join(blocks)


def as_dict(problem: Problem) -> dict:
    """The JSON shape of a problem (SPEC.md section 4 `warnings`, and `--format json`)."""
    return {k: v for k, v in asdict(problem).items() if k != "severity"}


def render_json(problems: tuple[Problem, ...]) -> str:
    return json.dumps({"errors": [as_dict(p) for p in problems]}, indent=2, ensure_ascii=False)
