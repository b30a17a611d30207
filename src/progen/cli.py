"""The `progen` command line: thin commands over the pipeline.

User mistakes arrive here as one exception type and are printed in exactly one
place; the commands themselves only choose what to run and what to print.
"""

from __future__ import annotations

import errno
import functools
import gc
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from progen import __version__
from progen.errors import Problem, UserError, printable, render_json, render_text
from progen.spec.find import as_typed, chosen_specs, modules_folder, records_folder
from progen.spec.limits import EARLIEST_RECORD_YEAR, LATEST_RECORD_YEAR
from progen.wording import plural


def spec_paths(specs: tuple[str, ...], examples: bool = False) -> list[Path]:
    """The specs named (with the bundled examples under --examples), or, when none is,
    every programmes/*.yaml: the user's own, else the bundled examples (spec.find)."""
    found = chosen_specs([Path(s) for s in specs], examples)
    if not found:
        raise click.UsageError(
            "no spec given and no programmes/*.yaml here; "
            "run 'progen new programmes/my-programme.yaml' to start one"
        )
    return found


def report(problems: Sequence[Problem], fmt: str) -> None:
    """Print problems once, for people (standard error) or for tools (JSON on standard out)."""
    problems = tuple(problems)
    if fmt == "json":
        click.echo(render_json(problems))
        return
    click.echo(render_text(problems), err=True)
    files = len({p.file for p in problems})
    click.echo(f"{plural(len(problems), 'problem')} in {plural(files, 'file')}", err=True)


def warn(warnings: Sequence[Problem], strict: bool, fmt: str) -> None:
    """Warnings go to standard error and leave the exit status alone; under --strict they
    are errors: reported as such, exit 1."""
    if not warnings:
        return
    if strict:
        report([w.as_error() for w in warnings], fmt)
        click.echo("--strict: warnings are errors", err=True)
        sys.exit(1)
    if fmt == "text":
        click.echo(render_text(tuple(warnings)), err=True)


def validated(
    paths: list[Path],
    modules_dir: Path | None,
    each: Callable | None = None,
    records_dir: Path | None = None,
) -> list:
    """Every spec validated (progen.validation) with the modules it will be planned with
    (`modules_dir`, else the modules beside its own programmes/) and its records (under
    `records_dir`, else records/ beside its programmes/), or every problem printed and
    exit 1."""
    from progen.validation import check_files

    return check_files(
        paths, as_typed, each, lambda path: modules_folder(path, modules_dir), records_dir
    )


def without_cycle_collector(command: Callable) -> Callable:
    """Run a command that reads, checks and prints with Python's cyclic garbage collector
    off. A plan keeps hundreds of thousands of objects alive until the process ends, and
    the collector walked them again and again for about a tenth of the run (0.1 s at
    5,000 people) to free almost nothing: a region plan leaves some 4,000 objects in
    cycles, 3 MB. Afterwards the objects allocated meanwhile go straight to the oldest
    generation (gc.freeze, then gc.unfreeze: moved without a walk), so the collector does
    not walk them all once more on the way out; a process that goes on, as the tests do,
    collects them in its next full collection."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        was_on = gc.isenabled()
        gc.disable()
        try:
            return command(*args, **kwargs)
        finally:
            if was_on:
                gc.freeze()
                gc.unfreeze()
                gc.enable()

    return run


STRICT = click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
EXAMPLES_OPTION = click.option(
    "--examples",
    is_flag=True,
    help="Add the bundled example programmes (programmes/examples/) to your own; with no "
    "spec of your own they are used anyway.",
)


def _remember_format(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Keep --format where the group's error handler finds it."""
    ctx.meta["fmt"] = value
    return value


FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    is_eager=True,
    callback=_remember_format,
    help="How to print errors: for people or for tools.",
)

RECORDS = click.option(
    "--records",
    "records_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding each programme's records in <programme-id>/ "
    "(default: records/ beside each spec's programmes/ folder).",
)
MODULES = click.option(
    "--modules",
    "modules_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of extra or replacement session modules "
    "(default: modules/ beside each spec's programmes/ folder, if there is one).",
)


class _Commands(click.Group):
    """Every command's user mistakes are printed here, once: a UserError raised anywhere
    below becomes its located problems and exit status 1 (SPEC.md section 2)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as err:
            report(err.problems, ctx.meta.get("fmt", "text"))
            sys.exit(1)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="progen")
def main() -> None:
    """Design bespoke leadership and team-development programmes for health and social care.

    Describe your local system in a YAML spec (start with 'progen new'), check it with
    'progen validate', read the programme with 'progen plan', publish it with 'progen build'.
    """


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@MODULES
@RECORDS
@EXAMPLES_OPTION
@STRICT
@FORMAT
@without_cycle_collector
def validate(
    specs: tuple[str, ...],
    modules_dir: Path | None,
    records_dir: Path | None,
    examples: bool,
    strict: bool,
    fmt: str,
) -> None:
    """Check specs (default: every programmes/*.yaml, else the bundled examples), the
    modules each would use and the records kept for each, and report every problem."""
    paths = spec_paths(specs, examples)

    def ok(found) -> None:
        spec = found.spec
        if fmt == "text":
            people = sum(g.count for g in spec.stakeholders)
            click.echo(
                f"{printable(spec.source)}: valid "
                f"({plural(len(spec.organisations), 'organisation')}, "
                f"{plural(len(spec.tasks), 'task')}, "
                f"{plural(len(spec.stakeholders), 'group')}, {plural(people, 'person')})".replace(
                    " persons", " people"
                )
                + (f", {plural(len(found.warnings), 'warning')}" if found.warnings else "")
            )

    checked = validated(paths, modules_dir, ok, records_dir)
    warn([w for found in checked for w in found.warnings], strict, fmt)
    if fmt == "json":
        click.echo(render_json(()))


STARTER = "my-programme.yaml"


@main.command()
@click.argument("path", required=False, default=f"programmes/{STARTER}")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
def new(path: str, force: bool) -> None:
    """Write a commented starter spec to PATH (default programmes/my-programme.yaml).

    A PATH that is a folder, or ends with '/', gets my-programme.yaml inside it.
    """
    from progen.resources import templates_dir

    target = Path(path)
    try:
        if path.endswith(("/", os.sep)) or target.is_dir():
            target /= STARTER
    except OSError as err:  # a name too long for the file system, a loop of links
        raise click.ClickException(f"cannot write {printable(path)}: {err.strerror}") from None
    starter = (templates_dir() / "starter.yaml").read_text("utf-8")
    text = starter.replace("my-programme", _id_from(target))
    try:
        _create(target, text, replace=force)
    except FileExistsError:
        if not target.parent.is_dir():
            raise click.ClickException(
                f"cannot write {printable(str(target))}: {printable(str(target.parent))} is "
                f"a file, not a folder"
            ) from None
        raise click.UsageError(
            f"{printable(str(target))} already exists; choose another name or add --force"
        ) from None
    except OSError as err:  # /proc/x.yaml, a path under a file, no permission, disk full...
        raise click.ClickException(
            f"cannot write {printable(str(target))}: {err.strerror or err}"
        ) from None
    written = printable(str(target))
    click.echo(f"wrote {written}: fill it in, then run 'progen validate {written}'")


def _create(target: Path, text: str, *, replace: bool) -> None:
    """Write a new file; FileExistsError when something is there and `replace` is not set.
    A file or link being replaced is removed first, so a link is never written through."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if replace and (target.is_symlink() or target.is_file()):
        target.unlink()
    with target.open("x", encoding="utf-8") as file:
        file.write(text)


def _id_from(path: Path) -> str:
    """A valid programme id from the file name, so the starter validates as written: letters
    lose their accents (Llŵyd -> llwyd) and whatever is not ASCII is dropped."""
    ascii_stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_stem.lower()).split()
    return "-".join(words)[:63].rstrip("-") or "my-programme"


@main.command()
def schema() -> None:
    """Print the JSON Schema of the spec format (for editors and tools)."""
    from progen.resources import schemas_dir

    click.echo((schemas_dir() / "programme.schema.json").read_text("utf-8"), nl=False)


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print SPEC.md section 4 JSON.")
@MODULES
@STRICT
@FORMAT
@without_cycle_collector
def plan(spec: str, as_json: bool, modules_dir: Path | None, strict: bool, fmt: str) -> None:
    """Print the programme progen designs from SPEC: a summary, or its JSON."""
    (found,) = validated([Path(spec)], modules_dir)
    programme = found.programme
    warn(programme.warnings, strict, fmt)
    if as_json:
        from progen.publish.programme_json import programme_json

        click.echo(programme_json(programme), nl=False)
    else:
        from progen.publish.text import summary

        click.echo(summary(programme), nl=False)


def _named_folder(_ctx: click.Context, _param: click.Parameter, value: str) -> Path:
    """An empty --out would quietly mean the current folder; say so rather than guess
    (`--out .` names it, and is safe: progen replaces only what it wrote)."""
    if not value.strip():
        raise click.BadParameter("name a folder to publish into, e.g. --out site")
    return Path(value)


OUT = click.option(
    "--out",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False, path_type=str),
    callback=_named_folder,
    help="Folder to publish into.",
)


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@OUT
@MODULES
@RECORDS
@EXAMPLES_OPTION
@click.option("--force", is_flag=True, help="Rebuild every programme, even when up to date.")
@STRICT
@FORMAT
def build(
    specs: tuple[str, ...],
    out: Path,
    modules_dir: Path | None,
    records_dir: Path | None,
    examples: bool,
    force: bool,
    strict: bool,
    fmt: str,
) -> None:
    """Validate, assemble and publish specs into site/ (default: every programmes/*.yaml,
    else the bundled examples)."""
    from progen.publish.build import build as run_build
    from progen.publish.ownership import REMEDY, OutputInTheWay
    from progen.publish.timestamps import BadEpoch, given_epoch

    paths = spec_paths(specs, examples)
    unchanged = printable(f"nothing written; {as_typed(out)}/ is unchanged")
    try:
        given_epoch()  # a malformed SOURCE_DATE_EPOCH is a usage error, before any spec is read
        run_build(
            paths,
            out,
            modules_dir,
            force=force,
            echo=lambda line: click.echo(printable(line)),
            warned=lambda warnings: warn(warnings, strict, fmt),
            records_dir=records_dir,
        )
    except BadEpoch as err:
        raise click.UsageError(str(err)) from err
    except UserError as err:
        report(err.problems, fmt)
        click.echo(unchanged, err=True)
        sys.exit(1)
    except OutputInTheWay as err:
        problems = tuple(Problem(as_typed(path), 0, 0, "", why) for path, why in err.problems)
        if fmt == "json":
            click.echo(render_json(problems))
        else:
            for p in problems:
                click.echo(f"{p.file}: {p.message}", err=True)
        click.echo(REMEDY, err=True)
        click.echo(unchanged, err=True)
        sys.exit(1)
    except OSError as err:  # e.g. the output folder cannot be written, or the disk is full
        where = printable(as_typed(Path(err.filename))) if err.filename else printable(str(out))
        why = {
            errno.EEXIST: "is a file, not a folder",
            errno.ENOTDIR: "is inside something that is not a folder",
            errno.EACCES: "cannot be written (permission denied)",
            errno.EROFS: "is on a read-only file system",
            errno.ENOSPC: "cannot be written: the disk is full",
        }.get(err.errno or 0, f"cannot be written ({err.strerror or err})")
        click.echo(f"progen build: {where} {why}", err=True)
        click.echo(unchanged, err=True)
        sys.exit(1)


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@OUT
@MODULES
@RECORDS
@EXAMPLES_OPTION
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to serve on (127.0.0.1 only).",
)
@click.option(
    "--interval", default=0.2, show_default=True, type=click.FloatRange(0.05, 60), hidden=True
)
def serve(
    specs: tuple[str, ...],
    out: Path,
    modules_dir: Path | None,
    records_dir: Path | None,
    examples: bool,
    port: int,
    interval: float,
) -> None:
    """Live preview on http://127.0.0.1:PORT/: a saved change shows within a second and the
    page reloads itself; the PDF and downloads follow from a build in the background."""
    from progen.serve import serve as run_serve

    try:
        run_serve(
            specs=[Path(s) for s in specs],
            out=out,
            modules_dir=modules_dir,
            records_dir=records_dir,
            examples=examples,
            port=port,
            interval=interval,
            echo=click.echo,
        )
    except OSError as err:
        raise click.UsageError(f"cannot serve on 127.0.0.1:{port} ({err.strerror or err})") from err


def _as_at_day(_ctx: click.Context, _param: click.Parameter, value):
    """The --as-at day, within the years a record may have (a typed 0027 for 2027 would
    report on a year no one means)."""
    if value is None:
        return None
    if not EARLIEST_RECORD_YEAR <= value.year <= LATEST_RECORD_YEAR:
        raise click.BadParameter(
            f"{value.date()} is not a day to report as at; give a day from "
            f"{EARLIEST_RECORD_YEAR} to {LATEST_RECORD_YEAR}"
        )
    return value.date()


def _pdf_file(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Path | None:
    """An empty --pdf would name the current folder, and '-' is not standard output here
    (a PDF is no text for a terminal): say so rather than write a file called '-'."""
    if value is None:
        return None
    if not value.strip() or value == "-":
        raise click.BadParameter("name the PDF file to write, e.g. --pdf board-report.pdf")
    return Path(value)


@main.command(name="report")
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option(
    "--as-at",
    "as_at",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    callback=_as_at_day,
    help="Report as at this day (YYYY-MM-DD; default: the latest record).",
)
@click.option("--json", "as_json", is_flag=True, help="Print progress.json (SPEC.md section 6).")
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False),
    default=None,
    callback=_pdf_file,
    help="Also write the board report to this PDF file (it must not exist yet).",
)
@MODULES
@RECORDS
@STRICT
@FORMAT
def progress_report(
    spec: str,
    as_at,
    as_json: bool,
    pdf_path: Path | None,
    modules_dir: Path | None,
    records_dir: Path | None,
    strict: bool,
    fmt: str,
) -> None:
    """Progress from SPEC's records: each measure's chart read the Making Data Count way,
    attendance, sets, PDSA cycles, evaluation and the decisions for the board."""
    (found,) = validated([Path(spec)], modules_dir, None, records_dir)
    warn(found.warnings, strict, fmt)
    start = found.programme.spec.programme.start
    if as_at is not None and as_at < start:
        raise click.UsageError(
            f"--as-at {as_at} is before the programme starts ({start}); there is no "
            f"progress to report yet"
        )
    day = as_at or found.records.latest()
    if day is None:
        folder = records_folder(Path(spec), found.programme.id, records_dir)
        raise click.ClickException(
            f"no records yet in {printable(as_typed(folder))}/: fill in the records workbook "
            f"that 'progen build' writes (site/{found.programme.id}/records-template.xlsx) "
            f"and save its sheets there"
        )
    from progen.results.progress import progress

    result = progress(found.programme, found.records, day)
    if pdf_path is not None:
        _write_report(result, found.programme, pdf_path)
    if as_json:
        from progen.results.progress_json import progress_json

        click.echo(json.dumps(progress_json(result), indent=2, ensure_ascii=False))
    else:
        from progen.results.summary import progress_summary

        click.echo(progress_summary(result), nl=False)


def _write_report(result, programme, path: Path) -> None:
    """The board report to a new file: never over, or through, something already there."""
    from progen.publish.report import write_report_pdf

    if os.path.lexists(path):
        raise click.UsageError(f"{printable(str(path))} already exists; name a new file")
    try:
        write_report_pdf(result, programme, path)
    except OSError as err:
        raise click.ClickException(
            f"cannot write {printable(str(path))}: {err.strerror or err}"
        ) from None
