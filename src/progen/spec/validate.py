"""load -> schema -> checks -> Spec: the first two stages of the pipeline."""

from __future__ import annotations

from pathlib import Path

from progen.errors import Problem, UserError
from progen.spec.build import build_spec
from progen.spec.checks import check_problems
from progen.spec.load import Document, PartlyRead, load
from progen.spec.model import Spec
from progen.spec.schema import schema_problems


def _set_problems(doc: Document, spec: Spec) -> list[Problem]:
    """Tasks whose people cannot be split into sets within programme.set_size, even after
    people who serve several tasks are moved between them."""
    from progen.design.participants import expand_participants
    from progen.design.sets import infeasible_tasks

    index = {task.id: i for i, task in enumerate(spec.tasks)}
    found = infeasible_tasks(expand_participants(spec), list(index), spec.programme.set_size)
    return [
        doc.problem(("tasks", index[task], "stakeholders"), f"task '{task}': {reason}")
        for task, reason in found
    ]


def validate_document(doc: Document, earlier: tuple[Problem, ...] = ()) -> Spec:
    """Every problem in the document at once, or the Spec it describes. Problems found
    while reading it (`earlier`) come first; later ones at the same places are dropped,
    since a refused value would only be reported again as missing."""
    seen = {(p.line, p.column) for p in earlier}
    problems = list(earlier) + [
        p for p in schema_problems(doc) + check_problems(doc) if (p.line, p.column) not in seen
    ]
    if problems:
        raise UserError(problems)
    weeks = doc.mark(("programme", "weeks"))
    spec = build_spec(doc.data, doc.file, (weeks.line, weeks.column))  # type: ignore[arg-type]
    if problems := _set_problems(doc, spec):
        raise UserError(problems)
    return spec


def read_spec(path: Path, shown_as: str | None = None) -> Spec:
    try:
        doc = load(path, shown_as)
    except PartlyRead as err:
        return validate_document(err.document, err.problems)
    return validate_document(doc)
