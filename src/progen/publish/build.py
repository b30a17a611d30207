"""`progen build`: validate (and so assemble) every spec, then publish each programme.

The pipeline, in the order it runs:

1. check SOURCE_DATE_EPOCH and validate ALL specs, which assembles each programme
   (progen.validation); any problem stops the build before anything is written;
2. take the output folder's lock and repair what a killed build left (`staging`);
3. per programme, skip it when its content hash (spec bytes, templates, schemas,
   modules, progen's own code and version, the renderers' versions, Python's
   version, SOURCE_DATE_EPOCH) matches the manifest of its last good output;
4. check that progen wrote everything it is about to replace (`ownership`):
   anything else in the way stops the build, naming it, before any work is done;
5. publish each remaining programme into a staging folder
   inside the output (site, handbook PDF, programme.json, calendar, rosters), with
   a manifest of the files written;
6. only when every programme succeeded, check again, swap each new folder into
   place and rewrite site/index.html from what is now published.

A failure at any step leaves the output folder as it was. Timestamps come from
SOURCE_DATE_EPOCH (or the spec's start date, see `timestamps`) so the same inputs
give the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from progen import __version__
from progen.publish.ownership import (
    OutputInTheWay,
    complete,
    index_problems,
    programme_problems,
    write_manifest,
)
from progen.publish.staging import locked, recover, staging, swap_in
from progen.publish.timestamps import given_epoch, source_date_epoch
from progen.resources import schemas_dir, templates_dir
from progen.spec.find import as_typed, modules_folder

_PACKAGE = Path(__file__).resolve().parent.parent
_RENDERER_DISTS = (
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "nh3",
    "weasyprint",
    "pydyf",
    "icalendar",
    "jinja2",
)


@dataclass
class Outcome:
    """What happened to one programme: 'built' or 'up to date', and each stage's seconds."""

    id: str
    source: str
    status: str = "built"
    timings: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        stages = [f"{name} {seconds:.2f} s" for name, seconds in self.timings.items()]
        if self.status != "built":
            stages.append(self.status)
        return f"{self.id}: " + " · ".join(stages)


def expected_files(pid: str) -> tuple[str, ...]:
    """The files every published programme folder holds (SPEC.md section 5)."""
    return (
        "index.html",
        f"{pid}.pdf",
        "programme.json",
        f"{pid}.ics",
        "sets.csv",
        "set-meetings.csv",
    )


# ---------------------------------------------------------------- stage timing


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    began = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - began


# ---------------------------------------------------------------- content hash


def _tree_digest(digest, label: str, root: Path | None, pattern: str = "**/*") -> None:
    """The names and contents of the files under `root` matching `pattern`."""
    digest.update(f"\0tree {label}\0".encode())
    if root is None or not root.is_dir():
        return
    for path in sorted(p for p in root.glob(pattern) if p.is_file()):
        rel = path.relative_to(root)
        if "__pycache__" in rel.parts or path.suffix in (".pyc", ".pyo"):
            continue
        digest.update(f"{rel.as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def shared_digest(modules_dir: Path | None) -> bytes:
    """Everything a programme's output depends on besides its own spec."""
    python = ".".join(map(str, sys.version_info[:2]))
    digest = hashlib.sha256(f"progen {__version__}\0python {python}\0".encode())
    for dist in _RENDERER_DISTS:
        try:
            digest.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist}=absent\0".encode())
    digest.update(f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}\0".encode())
    _tree_digest(digest, "templates", templates_dir())
    _tree_digest(digest, "schemas", schemas_dir())
    # only the module files the catalogue reads (validated and bounded already), never
    # whatever else a --modules folder holds
    _tree_digest(digest, "modules", modules_dir, "*.md")
    _tree_digest(digest, "progen", _PACKAGE)
    return digest.digest()


def content_hash(spec_bytes: bytes, shared: bytes) -> str:
    return hashlib.sha256(shared + b"\0spec\0" + spec_bytes).hexdigest()


def up_to_date(folder: Path, pid: str, wanted: str) -> bool:
    return complete(folder, pid, wanted, expected_files(pid))


# ---------------------------------------------------------------- publishing


def progress_of(programme, records):
    """The programme's progress as at its latest record, or None before anything is
    recorded (no progress pages, no report)."""
    as_at = records.latest()
    if as_at is None:
        return None
    from progen.results.progress import progress

    return progress(programme, records, as_at)


def records_digest(records) -> bytes:
    """What the records add to a programme's content hash: a change to them rebuilds it."""
    return hashlib.sha256(repr(records).encode("utf-8")).digest()


def renderers() -> tuple[Callable, Callable]:
    """(write_site, write_pdf), imported only when publishing: they are heavy."""
    from progen.publish.pdf import write_pdf
    from progen.publish.site import write_site

    return write_site, write_pdf


def publish(programme, records, folder: Path, timings: dict[str, float]) -> None:
    """Every output of one programme into `folder` (which may not exist yet): the design,
    the records template, and, once there are records, progress and the board report.
    The handbook PDF is laid out in a second process meanwhile (publish.beside)."""
    from progen.publish.beside import started

    write_site, write_pdf = renderers()
    pid = programme.id
    folder.mkdir(parents=True, exist_ok=True)
    progress = progress_of(programme, records)
    # Laid out beside the folder, not in it: MkDocs empties the folder when it builds.
    pdf = folder.parent / f".{pid}.pdf.part"
    finish_pdf = started(write_pdf, programme, pdf)
    ok = False
    try:
        _publish_the_rest(programme, progress, folder, timings, write_site)
        ok = True
    finally:
        with timed(timings, "pdf (waited for)"):
            finish_pdf(ok)
    os.link(pdf, folder / f"{pid}.pdf")  # a new name in the same staging folder
    pdf.unlink()
    missing = [name for name in expected_files(pid) if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"{pid}: publishing did not write {', '.join(missing)}")


def _publish_the_rest(programme, progress, folder: Path, timings, write_site) -> None:
    """Everything but the handbook PDF, which is laid out beside this (publish.beside)."""
    from progen.publish.calendar import Calendars
    from progen.publish.programme_json import programme_json
    from progen.publish.site import group_calendar_file, set_calendar_file
    from progen.publish.tables import set_meetings_csv, sets_csv
    from progen.records.template import write_templates

    pid = programme.id
    with timed(timings, "site"):
        write_site(programme, folder, progress)
    if progress is not None:
        from progen.publish.report import write_report_pdf
        from progen.results.progress_json import progress_json

        with timed(timings, "report"):
            write_report_pdf(progress, programme, folder / f"{pid}-report.pdf")
            text = json.dumps(progress_json(progress), indent=2, ensure_ascii=False) + "\n"
            (folder / "progress.json").write_bytes(text.encode("utf-8"))
    with timed(timings, "records template"):
        write_templates(programme, folder)
    with timed(timings, "files"):
        (folder / "programme.json").write_bytes(programme_json(programme).encode("utf-8"))
        calendars = Calendars(programme)
        (folder / f"{pid}.ics").write_bytes(calendars.whole())
        (folder / "sets.csv").write_bytes(sets_csv(programme))
        (folder / "set-meetings.csv").write_bytes(set_meetings_csv(programme))
        (folder / "calendars").mkdir()
        for i, group in enumerate(programme.spec.stakeholders):
            (folder / group_calendar_file(programme, i)).write_bytes(calendars.group(group.id))
        for i, aset in enumerate(programme.sets):
            (folder / set_calendar_file(programme, i)).write_bytes(calendars.set(aset))


# ---------------------------------------------------------------- validation


def validate_all(
    spec_paths: Sequence[Path], modules_dir: Path | None = None, records_dir: Path | None = None
) -> tuple[list, list, dict[str, float]]:
    """Every spec validated (and so assembled) with the modules it will use and its records
    checked, with their warnings, or one UserError carrying every problem in every file."""
    from progen.validation import check_files

    seconds: dict[str, float] = {}
    began = time.perf_counter()

    def timed_each(found) -> None:
        nonlocal began
        seconds[found.spec.programme.id] = time.perf_counter() - began
        began = time.perf_counter()

    checked = check_files(
        spec_paths,
        as_typed,
        timed_each,
        lambda path: modules_folder(path, modules_dir),
        records_dir,
    )
    warnings = [w for found in checked for w in found.warnings]
    return checked, warnings, seconds


# ---------------------------------------------------------------- the build


def in_the_way(out: Path, pids: Sequence[str]) -> None:
    """Raise OutputInTheWay naming everything a build replacing `pids` and the index would
    lose that progen did not write; return when there is nothing."""
    problems = index_problems(out / "index.html")
    for pid in pids:
        problems += programme_problems(out / pid, pid)
    if problems:
        raise OutputInTheWay(problems)


def build(
    spec_paths: Sequence[Path],
    out: Path,
    modules_dir: Path | None = None,
    *,
    force: bool = False,
    echo: Callable[[str], None] = print,
    warned: Callable[[list], None] = lambda warnings: None,
    records_dir: Path | None = None,
) -> list[Outcome]:
    """Validate, assemble and publish the specs into `out`; see the module docstring.
    Each spec uses `modules_dir` when given, else the modules beside its own programmes/.

    Raises BadEpoch when SOURCE_DATE_EPOCH is malformed, UserError (with every problem)
    when a spec or module is wrong, OutputInTheWay when something progen did not write
    is where it would write; `out` is then untouched.
    `warned` hears every spec's warnings once all are valid, before anything is written
    (the command stops there under --strict).
    Returns one Outcome per spec, in the order given.
    """
    began = time.perf_counter()
    given_epoch()  # a malformed SOURCE_DATE_EPOCH stops the build before any work
    specs, warnings, validate_seconds = validate_all(spec_paths, modules_dir, records_dir)
    warned(warnings)
    shared = functools.cache(shared_digest)
    created = not os.path.lexists(out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        with locked(out):
            for name in recover(out):
                echo(f"{as_typed(out / name)}: put back after an interrupted build")
            outcomes = publish_all(specs, validate_seconds, shared, out, modules_dir, force, echo)
    except BaseException:
        if created and not any(out.iterdir()):
            out.rmdir()
        raise
    built = sum(o.status == "built" for o in outcomes)
    echo(
        f"{as_typed(out)}/index.html: {len(outcomes)} programme{'s' * (len(outcomes) != 1)} "
        f"({built} built, {len(outcomes) - built} up to date) "
        f"in {time.perf_counter() - began:.2f} s"
    )
    return outcomes


def publish_all(
    specs: list,
    validate_seconds: dict[str, float],
    shared: Callable[[Path | None], bytes],
    out: Path,
    modules_dir: Path | None,
    force: bool,
    echo: Callable[[str], None],
) -> list[Outcome]:
    """Steps 3 to 6 of the module docstring, for `build`, which holds the output's lock."""
    from progen.publish.index import write_index

    outcomes: list[Outcome] = []
    stale = []
    for found in specs:
        path, programme, records = found.path, found.programme, found.records
        spec = programme.spec
        pid = spec.programme.id
        outcome = Outcome(pid, spec.source)
        outcome.timings["validate"] = validate_seconds[pid]
        modules = modules_folder(path, modules_dir)
        wanted = content_hash(path.read_bytes() + records_digest(records), shared(modules))
        if not force and up_to_date(out / pid, pid, wanted):
            outcome.status = "up to date"
            echo(outcome.line())
        else:
            stale.append((programme, records, outcome, wanted))
        outcomes.append(outcome)
    pids = [outcome.id for _, _, outcome, _ in stale]
    in_the_way(out, pids)

    if stale:
        with staging(out) as temp:
            staged = []
            for programme, records, outcome, wanted in stale:
                spec = programme.spec
                with source_date_epoch(spec.programme.start):
                    folder = temp / "new" / spec.programme.id
                    publish(programme, records, folder, outcome.timings)
                with timed(outcome.timings, "files"):
                    write_manifest(folder, spec.programme.id, wanted)
                echo(outcome.line())
                staged.append((folder, out / spec.programme.id))
            in_the_way(out, pids)  # again: the user may have put something there meanwhile
            swap_in(staged, temp / "old")
            write_index(out)  # before the old copies go, so a kill here is repaired
    else:
        write_index(out)
    return outcomes
