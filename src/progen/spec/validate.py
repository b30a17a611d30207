"""load -> schema -> checks -> Spec: the first two stages of the pipeline."""

from __future__ import annotations

from pathlib import Path

from progen.errors import UserError
from progen.spec.build import build_spec
from progen.spec.checks import check_problems
from progen.spec.load import Document, load
from progen.spec.model import Spec
from progen.spec.schema import schema_problems


def validate_document(doc: Document) -> Spec:
    """Every problem in the document at once, or the Spec it describes."""
    problems = schema_problems(doc)
    problems += check_problems(doc)
    if problems:
        raise UserError(problems)
    return build_spec(doc.data, doc.file)  # type: ignore[arg-type]


def read_spec(path: Path, shown_as: str | None = None) -> Spec:
    return validate_document(load(path, shown_as))
