"""One error type for user mistakes, printed in one place.

Anything the user can fix (a bad spec, a missing file) is a `Problem` carried by
`UserError`; everything else is a bug and may crash loudly. Problems know their
file, line and column so a message can point at the exact place to change.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from progen.spec.files import NotReadable, read_limited
from progen.spec.limits import MAX_BYTES
from progen.wording import plural

SHOWN_PROBLEMS = 100  # a report lists this many problems and counts the rest


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
    # Set for a problem in a workbook: the sheet, with `line` and `column` naming the cell's
    # row and column, shown as a spreadsheet shows it (records.xlsx:measures!C14).
    sheet: str | None = None
    # True when `line` and `column` count rows and cells of a table (a records CSV file or
    # a workbook sheet), not characters, so no excerpt of the file can point at the place.
    cells: bool = False

    @property
    def place(self) -> str:
        if self.sheet is not None:
            cell = f"{column_letters(self.column)}{self.line}"
            return f"{self.file}:{sheet_reference(self.sheet)}!{cell}"
        return f"{self.file}:{self.line}:{self.column}"

    def headline(self) -> str:
        if self.severity == "warning":
            where = f"{self.path} " if self.path else ""
            return printable(f"{self.place}: warning: {where}{self.message}")
        where = f"{self.path}: " if self.path else ""
        return printable(f"{self.place}: {where}{self.message}")

    def as_error(self) -> Problem:
        """The same problem as an error: what --strict makes of a warning."""
        return replace(self, severity="error")


_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def sheet_reference(sheet: str) -> str:
    """A sheet's name as a spreadsheet reference writes it: quoted when it holds a space
    or anything else a bare name may not (' MEASURES ', 'Q1 2027'), so the user sees
    exactly which sheet, spaces and all."""
    if _PLAIN_SHEET.fullmatch(sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def column_letters(column: int) -> str:
    """A 1-based column number as a spreadsheet names it: 1 -> A, 27 -> AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def printable(text: str) -> str:
    """Text with line breaks and other unprintable characters (which a key or value in a
    hostile spec may hold) escaped, so every headline stays on one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def file_order(problem: Problem) -> tuple[str, str, int, int]:
    """The order problems are reported in: by file, sheet, line and column."""
    return (problem.file, problem.sheet or "", problem.line, problem.column)


class UserError(Exception):
    """A mistake the user can fix; carries every problem found, in file order."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(problems, key=file_order))
        super().__init__("\n".join(p.headline() for p in self.problems[:SHOWN_PROBLEMS]))

    def __reduce__(self):
        """Pickled as its problems, not its message, so that one raised in a build's job
        process reaches the user as the same located problems (publish.parallel)."""
        return (type(self), (self.problems,))


# What YAML counts as a line break, so an excerpt shows the line the loader counted;
# str.splitlines() also breaks at \v, \f and \x1c-\x1e, which YAML does not.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_WIDEST_EXCERPT = 160


def excerpt(lines: list[str] | None, problem: Problem) -> str:
    """A compiler-style excerpt of the offending line with a caret under the column.
    Control characters in the line are shown escaped (a spec holding ESC ] 0 ; ... BEL
    would otherwise retitle the user's terminal), with the caret kept under the same
    character."""
    if lines is None or problem.cells or not 1 <= problem.line <= len(lines):
        return ""
    raw = lines[problem.line - 1].replace("\t", " ")
    column = min(problem.column - 1, len(raw))
    before, text = len(printable(raw[:column])), printable(raw)
    if len(text) > _WIDEST_EXCERPT:
        text = text[: _WIDEST_EXCERPT - 3] + "..."
    gutter = f"{problem.line:>5} | "
    caret = " " * (len(gutter) - 2) + "| " + " " * min(before, len(text)) + "^"
    return f"{gutter}{text}\n{caret}"


def source_lines(text: str) -> list[str]:
    """A source text as the lines YAML counts."""
    return LINE_BREAK.split(text.removeprefix("\ufeff"))


def _read_sources(files: set[str]) -> dict[str, list[str]]:
    sources = {}
    for file in files:
        try:
            raw = read_limited(Path(file), MAX_BYTES)
        except NotReadable:
            continue
        sources[file] = source_lines(raw.decode("utf-8", "replace"))
    return sources


def render_text(problems: tuple[Problem, ...], sources: dict[str, str] | None = None) -> str:
    """The first SHOWN_PROBLEMS problems as headlines plus source excerpts (read from each
    problem's file unless `sources` gives the text), and a count of the rest: a report of
    thousands of lines helps no one, and printing them took longer than finding them."""
    shown = problems[:SHOWN_PROBLEMS]
    files = {p.file for p in shown if not p.cells}
    if sources is None:
        lines = _read_sources(files)
    else:
        lines = {file: source_lines(text) for file, text in sources.items() if file in files}
    blocks = []
    for p in shown:
        snippet = excerpt(lines.get(p.file), p)
        blocks.append(p.headline() + ("\n" + snippet if snippet else ""))
    if len(problems) > len(shown):
        blocks.append(f"... and {plural(len(problems) - len(shown), 'more problem')}")
    return "\n".join(blocks)


def as_dict(problem: Problem) -> dict:
    """The JSON shape of a problem (SPEC.md section 4 `warnings`, and `--format json`); a
    workbook problem also names its `sheet`."""
    shown = asdict(problem)
    del shown["severity"], shown["cells"]
    if problem.sheet is None:
        del shown["sheet"]
    return shown


def render_json(problems: tuple[Problem, ...], warnings: tuple[Problem, ...] = ()) -> str:
    """The first SHOWN_PROBLEMS problems, and `more`: how many were left off (when any);
    and the warnings of a run that succeeded (when any), the same way."""
    report: dict[str, object] = {"errors": [as_dict(p) for p in problems[:SHOWN_PROBLEMS]]}
    if len(problems) > SHOWN_PROBLEMS:
        report["more"] = len(problems) - SHOWN_PROBLEMS
    if warnings:
        report["warnings"] = [as_dict(w) for w in warnings[:SHOWN_PROBLEMS]]
    return json.dumps(report, indent=2, ensure_ascii=False)
