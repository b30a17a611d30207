"""validate: the one stage that finds everything that could stop `plan` or `build`.

It runs the spec's own checks (spec/: load, schema, references, duplicates), then the
design's feasibility checks (design/feasible.py) and collects the warnings about facts
that change nothing or had to be assumed (design/assumptions.py). Across several files it
also makes sure no two specs claim one programme id, since the id names the output folder.
Commands call this and nothing else to validate, so no later stage needs a check of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from progen.design import sets_ahead
from progen.design.assemble import assemble
from progen.design.catalogue import load_catalogue
from progen.design.feasible import assembled_problems, feasibility_problems
from progen.design.model import Programme
from progen.errors import Problem, UserError
from progen.records.load import programme_records, stray_folders, with_held
from progen.records.model import Records
from progen.spec.find import records_root, specs_using
from progen.spec.load import Document
from progen.spec.model import Spec
from progen.spec.validate import read_document, validate_document


@dataclass(frozen=True)
class Validated:
    """A spec that can be assembled, the programme assembled from it, and its warnings."""

    path: Path
    spec: Spec
    warnings: tuple[Problem, ...]
    programme: Programme
    records: Records  # what happened so far (SPEC.md section 6), empty before it starts


def _checked(
    doc: Document, earlier: tuple[Problem, ...], modules_dir: Path | None
) -> tuple[Spec, Programme]:
    problems: list[Problem] = []
    spec = catalogue = None
    try:
        spec = validate_document(doc, earlier)
        sets_ahead.start(spec)  # the sets are formed beside the checks that follow
    except UserError as err:
        problems += err.problems
    try:
        catalogue = load_catalogue(modules_dir)
    except UserError as err:
        problems += err.problems
    if spec is not None and catalogue is not None:
        problems += feasibility_problems(spec, catalogue)
    if problems or spec is None:
        if spec is not None:
            sets_ahead.discard(spec)
        raise UserError(problems)
    # Assembling is the last check: a module's plan is a template that only fails when
    # written out for a session, and the sessions a budget leaves out are warnings only
    # the assembled programme knows, so `validate` and `plan` must see the same ones.
    programme = assemble(spec, catalogue=catalogue)
    if problems := assembled_problems(programme):
        raise UserError(problems)
    return spec, programme


def check_document(
    doc: Document, earlier: tuple[Problem, ...] = (), modules_dir: Path | None = None
) -> tuple[Spec, tuple[Problem, ...]]:
    """The Spec and its warnings, or a UserError with every problem in the document and in
    the module folder it will be planned with (both are reported in one run)."""
    spec, programme = _checked(doc, earlier, modules_dir)
    return spec, programme.warnings


def check_file(
    path: Path,
    shown_as: str | None = None,
    modules_dir: Path | None = None,
    records_dir: Path | None = None,
) -> Validated:
    """The spec at `path` checked and assembled, with its records (under `records_dir`,
    else records/ beside its programmes/ folder) checked against the programme."""
    spec, programme = _checked(*read_document(path, shown_as), modules_dir)
    records, noted = programme_records(path, programme, records_dir)
    held = with_held(programme, records)
    return Validated(path, spec, programme.warnings + noted, held, records)


def check_files(
    paths: Sequence[Path],
    shown: Callable[[Path], str] = str,
    each: Callable[[Validated], None] | None = None,
    modules_for: Callable[[Path], Path | None] = lambda _: None,
    records_dir: Path | None = None,
) -> list[Validated]:
    """Every spec checked; one UserError with every problem in every file, in the order
    given, when any has one. A second spec with an id already taken is an error at its id."""
    good: list[Validated] = []
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for path in paths:
        try:
            found = check_file(path, shown(path), modules_for(path), records_dir)
        except UserError as err:
            problems.extend(err.problems)
            continue
        pid = found.spec.programme.id
        if pid in owner:
            problems.append(
                found.spec.where.problem(
                    ("programme", "id"),
                    f"'{pid}' is already the id of {owner[pid]}; each programme needs its own "
                    f"id (it names the output folder)",
                )
            )
            continue
        owner[pid] = found.spec.source
        good.append(found)
        if each is not None:
            each(found)
    if problems:
        # a broken module in a folder several specs share is reported once
        raise UserError(list(dict.fromkeys(problems)))
    return _with_stray_folders(good, records_dir)


def _with_stray_folders(good: list[Validated], records_dir: Path | None) -> list[Validated]:
    """The specs checked, the first keeping its records in each records folder warned of
    the folders there that no programme reads (records.load.stray_folders)."""
    users: dict[Path, list[int]] = {}
    for i, found in enumerate(good):
        users.setdefault(records_root(found.path, records_dir), []).append(i)
    checked = {found.path.absolute() for found in good}
    for root, which in users.items():
        complete = records_dir is None and all(p.absolute() in checked for p in specs_using(root))
        ids = {good[i].programme.id for i in which}
        if stray := stray_folders(root, ids, complete):
            first = good[which[0]]
            good[which[0]] = replace(first, warnings=first.warnings + tuple(stray))
    return good
