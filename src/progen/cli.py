"""The `progen` command line: options parsed, the command's flow run (progen.commands),
its results printed.

User mistakes arrive here as one exception type and are printed in exactly one
place; the commands here only choose what to run and what to print.
"""

from __future__ import annotations

import errno
import functools
import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from progen import __version__
from progen.commands import Failed, Refused
from progen.errors import Problem, UserError, printable, render_json, render_text
from progen.spec.find import as_typed, chosen_specs
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
    below becomes its located problems and exit status 1 (SPEC.md section 2); a command
    Refused is a usage error (exit 2), one that Failed says why (exit 1)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as err:
            report(err.problems, ctx.meta.get("fmt", "text"))
            sys.exit(1)
        except Refused as err:
            name = ctx.invoked_subcommand
            command = self.get_command(ctx, name) if name else None
            shown = click.Context(command, ctx, name) if command else ctx  # "progen report -h"
            raise click.UsageError(str(err), shown) from None
        except Failed as err:
            raise click.ClickException(str(err)) from None


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
    from progen.commands.validate import valid_line, validated

    paths = spec_paths(specs, examples)

    def ok(found) -> None:
        if fmt == "text":
            click.echo(valid_line(found))

    checked = validated(paths, modules_dir, ok, records_dir)
    warnings = [w for found in checked for w in found.warnings]
    warn(warnings, strict, fmt)
    if fmt == "json":
        click.echo(render_json((), tuple(warnings)))


@main.command()
@click.argument("path", required=False, default="programmes/my-programme.yaml")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
def new(path: str, force: bool) -> None:
    """Write a commented starter spec to PATH (default programmes/my-programme.yaml).

    A PATH that is a folder, or ends with '/', gets my-programme.yaml inside it.
    """
    from progen.commands.new import new as write_starter

    target = write_starter(path, force)
    written = printable(str(target))
    click.echo(f"wrote {written}: fill it in, then run 'progen validate {written}'")


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
    from progen.commands.plan import plan_text, planned

    programme = planned(Path(spec), modules_dir)
    warn(programme.warnings, strict, fmt)
    click.echo(plan_text(programme, as_json), nl=False)


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
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="How many jobs (a programme's handbook PDF, or the rest of its outputs) run at once, "
    "each in its own process [default: one per core; 1: one after another, in one process].",
)
@STRICT
@FORMAT
def build(
    specs: tuple[str, ...],
    out: Path,
    modules_dir: Path | None,
    records_dir: Path | None,
    examples: bool,
    force: bool,
    jobs: int | None,
    strict: bool,
    fmt: str,
) -> None:
    """Validate, assemble and publish specs into site/ (default: every programmes/*.yaml,
    else the bundled examples)."""
    from progen.commands.build import build as run_build
    from progen.publish.ownership import REMEDY, OutputInTheWay
    from progen.publish.timestamps import BadEpoch, given_epoch

    paths = spec_paths(specs, examples)
    unchanged = printable(f"nothing written; {as_typed(out)}/ is unchanged")
    heard: list[Problem] = []

    def warned(warnings: list[Problem]) -> None:
        heard.extend(warnings)
        warn(warnings, strict, fmt)

    try:
        given_epoch()  # a malformed SOURCE_DATE_EPOCH is a usage error, before any spec is read
        run_build(
            paths,
            out,
            modules_dir,
            force=force,
            # under --format json, standard output holds the JSON report and nothing else
            echo=lambda line: click.echo(printable(line), err=fmt == "json"),
            progress=lambda line: click.echo(printable(line), err=True),
            warned=warned,
            records_dir=records_dir,
            workers=jobs,
        )
        if fmt == "json":
            click.echo(render_json((), tuple(heard)))
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
    from progen.commands.report import progress_as_at, report_text, write_report

    result, programme = progress_as_at(
        Path(spec), as_at, modules_dir, records_dir, lambda warnings: warn(warnings, strict, fmt)
    )
    if pdf_path is not None:
        write_report(result, programme, pdf_path)
    click.echo(report_text(result, as_json), nl=False)
