"""`progen build`: validate every spec, then assemble and publish each programme.

The pipeline, in the order it runs:

1. validate ALL specs; any problem stops the build before anything is written;
2. per programme, skip it when its content hash (spec bytes, templates, schemas,
   modules, progen's own code and version, the renderers' versions, Python's
   version, SOURCE_DATE_EPOCH) matches `.progen-hash` in its last good output;
3. otherwise assemble it and publish everything into a temporary folder beside
   the output (site, handbook PDF, programme.json, calendar, rosters);
4. only when every programme succeeded, swap each new folder into place (old
   folder renamed aside, new one renamed in, old one deleted) and rewrite
   site/index.html from what is now published.

A failure at any step leaves the output folder exactly as it was. Timestamps
come from SOURCE_DATE_EPOCH (set from the spec's start date when the caller has
not set it) so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from progen import __version__
from progen.errors import Problem, UserError
from progen.resources import schemas_dir, templates_dir

HASH_FILE = ".progen-hash"
TEMP_PREFIX = ".progen-tmp-"
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
    return ("index.html", f"{pid}.pdf", "programme.json", f"{pid}.ics", "sets.csv")


def display(path: Path) -> str:
    """A spec path as the user would type it: relative to here when it is below here."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- stage timing


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    began = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - began


# ---------------------------------------------------------------- content hash


def _tree_digest(digest, label: str, root: Path | None) -> None:
    digest.update(f"\0tree {label}\0".encode())
    if root is None or not root.is_dir():
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
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
    _tree_digest(digest, "modules", modules_dir)
    _tree_digest(digest, "progen", _PACKAGE)
    return digest.digest()


def content_hash(spec_bytes: bytes, shared: bytes) -> str:
    return hashlib.sha256(shared + b"\0spec\0" + spec_bytes).hexdigest()


def up_to_date(folder: Path, pid: str, wanted: str) -> bool:
    try:
        stored = (folder / HASH_FILE).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return stored == wanted and all((folder / name).is_file() for name in expected_files(pid))


# ---------------------------------------------------------------- reproducibility


def spec_epoch(spec) -> int:
    """Midnight UTC on the programme's start date: a fixed timestamp derived from the spec."""
    import datetime as dt

    start = spec.programme.start
    return int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC).timestamp())


@contextmanager
def source_date_epoch(spec) -> Iterator[None]:
    """SOURCE_DATE_EPOCH for the renderers (MkDocs sitemap dates, PDF dates), never the clock."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is not None and given.strip().isdigit() and len(given.strip()) <= 11:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(spec_epoch(spec))
    try:
        yield
    finally:
        if given is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = given


# ---------------------------------------------------------------- publishing


def renderers() -> tuple[Callable, Callable]:
    """(write_site, write_pdf), imported only when publishing: they are heavy."""
    from progen.publish.pdf import write_pdf
    from progen.publish.site import write_site

    return write_site, write_pdf


def publish(programme, folder: Path, timings: dict[str, float]) -> None:
    """Every output of one programme into `folder` (which may not exist yet)."""
    from progen.publish.calendar import calendar_ics
    from progen.publish.programme_json import programme_json
    from progen.publish.tables import sets_csv

    write_site, write_pdf = renderers()
    pid = programme.id
    folder.mkdir(parents=True, exist_ok=True)
    with timed(timings, "site"):
        write_site(programme, folder)
    with timed(timings, "pdf"):
        write_pdf(programme, folder / f"{pid}.pdf")
    with timed(timings, "files"):
        (folder / "programme.json").write_bytes(programme_json(programme).encode("utf-8"))
        (folder / f"{pid}.ics").write_bytes(calendar_ics(programme))
        (folder / "sets.csv").write_bytes(sets_csv(programme))
    missing = [name for name in expected_files(pid) if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"{pid}: publishing did not write {', '.join(missing)}")


# ---------------------------------------------------------------- validation


def _line_of_id(source_text: str, pid: str) -> tuple[int, int]:
    pattern = re.compile(r"^(\s*)id:\s*['\"]?" + re.escape(pid) + r"['\"]?\s*(#.*)?$")
    for n, line in enumerate(source_text.splitlines(), start=1):
        match = pattern.match(line)
        if match:
            return n, len(match.group(1)) + 5
    return 1, 1


def validate_all(spec_paths: Sequence[Path]) -> tuple[list, dict[str, float]]:
    """Every spec validated, or one UserError carrying every problem in every file."""
    from progen.spec.validate import read_spec

    specs, problems, seconds = [], [], {}
    first_source: dict[str, str] = {}
    for path in spec_paths:
        began = time.perf_counter()
        try:
            spec = read_spec(path, display(path))
        except UserError as err:
            problems.extend(err.problems)
            continue
        pid = spec.programme.id
        seconds[pid] = time.perf_counter() - began
        if pid in first_source:
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            line, column = _line_of_id(text, pid)
            problems.append(
                Problem(
                    spec.source,
                    line,
                    column,
                    "programme.id",
                    f"'{pid}' is already the id of {first_source[pid]}; "
                    "each programme needs its own id (it names the output folder)",
                )
            )
            continue
        first_source[pid] = spec.source
        specs.append((path, spec))
    if problems:
        raise UserError(problems)
    return specs, seconds


# ---------------------------------------------------------------- the build


def swap_in(staged: list[tuple[Path, Path]], aside: Path) -> None:
    """Move each (new folder, target) into place: the old target is renamed aside, the new
    one renamed in. If any rename fails, the ones already done are undone, so the output
    keeps either every new folder or none of them."""
    done: list[tuple[Path, Path, bool]] = []
    try:
        for new, target in staged:
            had_old = target.exists()
            if had_old:
                target.rename(aside / target.name)
            try:
                new.rename(target)
            except BaseException:
                if had_old:
                    (aside / target.name).rename(target)
                raise
            done.append((new, target, had_old))
    except BaseException:
        for new, target, had_old in reversed(done):
            target.rename(new)
            if had_old:
                (aside / target.name).rename(target)
        raise


def build(
    spec_paths: Sequence[Path],
    out: Path,
    modules_dir: Path | None = None,
    *,
    force: bool = False,
    echo: Callable[[str], None] = print,
) -> list[Outcome]:
    """Validate, assemble and publish the specs into `out`; see the module docstring.

    Raises UserError (with every problem) when a spec or module is wrong; `out` is
    then untouched. Returns one Outcome per spec, in the order given.
    """
    began = time.perf_counter()
    specs, validate_seconds = validate_all(spec_paths)
    shared = shared_digest(modules_dir)

    outcomes: list[Outcome] = []
    stale = []
    for path, spec in specs:
        pid = spec.programme.id
        outcome = Outcome(pid, spec.source)
        outcome.timings["validate"] = validate_seconds[pid]
        wanted = content_hash(path.read_bytes(), shared)
        if not force and up_to_date(out / pid, pid, wanted):
            outcome.status = "up to date"
            echo(outcome.line())
        else:
            stale.append((spec, outcome, wanted))
        outcomes.append(outcome)

    if stale:
        from progen.design.assemble import assemble

        out.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=out.parent))
        try:
            staged = []
            for spec, outcome, wanted in stale:
                with source_date_epoch(spec):
                    with timed(outcome.timings, "assemble"):
                        programme = assemble(spec, modules_dir)
                    folder = temp / "new" / spec.programme.id
                    publish(programme, folder, outcome.timings)
                (folder / HASH_FILE).write_text(wanted + "\n", "ascii")
                echo(outcome.line())
                staged.append((folder, outcome))
            # Everything succeeded: move into place.
            out.mkdir(parents=True, exist_ok=True)
            (temp / "old").mkdir()
            swap_in([(folder, out / outcome.id) for folder, outcome in staged], temp / "old")
        finally:
            shutil.rmtree(temp, ignore_errors=True)

    from progen.publish.index import write_index

    out.mkdir(parents=True, exist_ok=True)
    write_index(out)
    built = sum(o.status == "built" for o in outcomes)
    echo(
        f"{display(out)}/index.html: {len(outcomes)} programme{'s' * (len(outcomes) != 1)} "
        f"({built} built, {len(outcomes) - built} up to date) "
        f"in {time.perf_counter() - began:.2f} s"
    )
    return outcomes
