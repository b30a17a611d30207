"""load -> schema -> checks -> Spec: the spec's own checks.

The design's feasibility checks and the warnings join them in progen.validation, the one
validation stage the commands call.
"""

from __future__ import annotations

from pathlib import Path

from progen.errors import Problem, UserError
from progen.spec.build import build_spec
from progen.spec.checks import check_problems
from progen.spec.load import Document, PartlyRead, load
from progen.spec.model import Spec
from progen.spec.schema import schema_problems


def validate_document(doc: Document, earlier: tuple[Problem, ...] = ()) -> Spec:
    """Every problem in the document at once, or the Spec it describes. Problems found
    while reading it (`earlier`) come first; later ones at the same places are dropped,
    since a refused value would only be reported again as missing."""
    seen = {(p.line, p.column) for p in earlier}
    refused = {p.path for p in earlier}  # a refused key is otherwise reported as missing
    problems = list(earlier) + [
        p
        for p in schema_problems(doc) + check_problems(doc)
        if (p.line, p.column) not in seen
        and not (p.path in refused and p.message.startswith("missing required key"))
    ]
    if problems:
        raise UserError(problems)
    weeks = doc.mark(("programme", "weeks"))
    spec = build_spec(
        doc.data,  # type: ignore[arg-type]
        doc.file,
        (weeks.line, weeks.column),
        doc.where,
    )
    return spec


def read_document(path: Path, shown_as: str | None = None) -> tuple[Document, tuple[Problem, ...]]:
    """The loaded document and the problems found while reading it (a duplicate key, a
    refused tag), which validation reports together with everything else."""
    try:
        return load(path, shown_as), ()
    except PartlyRead as err:
        return err.document, err.problems


def read_spec(path: Path, shown_as: str | None = None) -> Spec:
    return validate_document(*read_document(path, shown_as))
