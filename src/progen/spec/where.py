"""Where each value of a spec was written.

Loading records the line and column of every value and key; the map travels with the
validated Spec so that any later stage (feasibility checks, warnings, the derivation
appendix) can point at the user's own line without re-reading or scanning the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from progen.errors import Problem
from progen.spec.paths import Path, dotted


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class SourceMap:
    """The place of every value (`marks`) and every mapping key (`key_marks`) in one file."""

    file: str
    marks: Mapping[Path, Mark] = field(default_factory=dict, repr=False, compare=False)
    key_marks: Mapping[Path, Mark] = field(default_factory=dict, repr=False, compare=False)

    def mark(self, path: Path, *, at_key: bool = False) -> Mark:
        """The closest located node: the key itself when asked and known, else the value at
        the path or its nearest located ancestor (a default the user left out has no place of
        its own, so it is reported where its section starts)."""
        if at_key and (found := self.key_marks.get(path)):
            return found
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, Mark(1, 1))

    def problem(
        self, path: Path, message: str, *, at_key: bool = False, severity: str = "error"
    ) -> Problem:
        mark = self.mark(path, at_key=at_key)
        return Problem(self.file, mark.line, mark.column, dotted(path), message, severity)

    def warning(self, path: Path, message: str, *, at_key: bool = False) -> Problem:
        return self.problem(path, message, at_key=at_key, severity="warning")
