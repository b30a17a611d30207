"""The `progen` command line: thin commands over the pipeline.

User mistakes arrive here as one exception type and are printed in exactly one
place; the commands themselves only choose what to run and what to print.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from progen import __version__
from progen.errors import UserError, render_json, render_text
from progen.spec.find import modules_folder, programme_files
from progen.wording import plural


def shown(path: Path) -> str:
    """A path as the user would type it: relative to here when it is below here."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def spec_paths(specs: tuple[str, ...]) -> list[Path]:
    """The specs named, or every programmes/*.yaml when none is."""
    if specs:
        return [Path(s) for s in specs]
    found = programme_files()
    if not found:
        raise click.UsageError(
            "no spec given and no programmes/*.yaml here; "
            "run 'progen new programmes/my-programme.yaml' to start one"
        )
    return found


def report(errors: list[UserError], fmt: str) -> None:
    problems = tuple(p for e in errors for p in e.problems)
    if fmt == "json":
        click.echo(render_json(problems))
        return
    click.echo(render_text(problems), err=True)
    files = len({p.file for p in problems})
    click.echo(f"{plural(len(problems), 'problem')} in {plural(files, 'file')}", err=True)


@contextmanager
def collecting(errors: list[UserError]) -> Iterator[None]:
    """Keep going past one bad spec so every file's problems are reported in one run."""
    try:
        yield
    except UserError as err:
        errors.append(err)


def validated(paths: list[Path], each: Callable | None = None) -> tuple[list, list[UserError]]:
    from progen.spec.validate import read_spec

    specs, errors = [], []
    for path in paths:
        with collecting(errors):
            spec = read_spec(path, shown(path))
            specs.append(spec)
            if each:
                each(spec)
    return specs, errors


def module_errors(folders: set[Path]) -> list[UserError]:
    """The problems in each folder of the user's own modules (checked with the built-in ones
    they extend or replace), so `validate` finds what would stop `plan` and `build`."""
    from progen.design.catalogue import load_catalogue

    errors: list[UserError] = []
    for folder in sorted(folders):
        with collecting(errors):
            load_catalogue(folder)
    return errors


FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print errors: for people or for tools.",
)

MODULES = click.option(
    "--modules",
    "modules_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of extra or replacement session modules "
    "(default: modules/ beside each spec's programmes/ folder, if there is one).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="progen")
def main() -> None:
    """Design bespoke leadership and team-development programmes for health and social care.

    Describe your local system in a YAML spec (start with 'progen new'), check it with
    'progen validate', read the programme with 'progen plan', publish it with 'progen build'.
    """


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@MODULES
@FORMAT
def validate(specs: tuple[str, ...], modules_dir: Path | None, fmt: str) -> None:
    """Check specs (default: every programmes/*.yaml), and the modules each would use,
    and report every problem."""
    paths = spec_paths(specs)

    def ok(spec) -> None:
        if fmt == "text":
            people = sum(g.count for g in spec.stakeholders)
            click.echo(
                f"{spec.source}: valid ({plural(len(spec.organisations), 'organisation')}, "
                f"{plural(len(spec.tasks), 'task')}, "
                f"{plural(len(spec.stakeholders), 'group')}, {plural(people, 'person')})".replace(
                    " persons", " people"
                )
            )

    _, errors = validated(paths, ok)
    errors += module_errors({f for p in paths if (f := modules_folder(p, modules_dir))})
    if errors:
        report(errors, fmt)
        sys.exit(1)
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
    if path.endswith(("/", os.sep)) or target.is_dir():
        target /= STARTER
    starter = (templates_dir() / "starter.yaml").read_text("utf-8")
    text = starter.replace("my-programme", _id_from(target))
    try:
        _create(target, text, replace=force)
    except FileExistsError:
        if not target.parent.is_dir():
            raise click.ClickException(
                f"cannot write {target}: {target.parent} is a file, not a folder"
            ) from None
        raise click.UsageError(
            f"{target} already exists; choose another name or add --force"
        ) from None
    except OSError as err:  # /proc/x.yaml, a path under a file, no permission, disk full...
        raise click.ClickException(f"cannot write {target}: {err.strerror or err}") from None
    click.echo(f"wrote {target}: fill it in, then run 'progen validate {target}'")


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
@FORMAT
def plan(spec: str, as_json: bool, modules_dir: Path | None, fmt: str) -> None:
    """Print the programme progen designs from SPEC: a summary, or its JSON."""
    from progen.design.assemble import assemble

    specs, errors = validated([Path(spec)])
    if not errors:
        with collecting(errors):
            programme = assemble(specs[0], modules_folder(Path(spec), modules_dir))
    if errors:
        report(errors, fmt)
        sys.exit(1)
    if as_json:
        from progen.publish.programme_json import programme_json

        click.echo(programme_json(programme), nl=False)
    else:
        from progen.publish.text import summary

        click.echo(summary(programme), nl=False)


OUT = click.option(
    "--out",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to publish into.",
)


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@OUT
@MODULES
@click.option("--force", is_flag=True, help="Rebuild every programme, even when up to date.")
@FORMAT
def build(
    specs: tuple[str, ...], out: Path, modules_dir: Path | None, force: bool, fmt: str
) -> None:
    """Validate, assemble and publish specs into site/ (default: all of programmes/)."""
    from progen.publish.build import build as run_build

    paths = spec_paths(specs)
    try:
        run_build(paths, out, modules_dir, force=force, echo=click.echo)
    except UserError as err:
        report([err], fmt)
        click.echo(f"nothing written; {shown(out)}/ is unchanged", err=True)
        sys.exit(1)
    except OSError as err:  # e.g. the output folder cannot be written, or the disk is full
        click.echo(f"progen build: {err}", err=True)
        click.echo(f"nothing written; {shown(out)}/ is unchanged", err=True)
        sys.exit(1)


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@OUT
@MODULES
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to serve on (127.0.0.1 only).",
)
@click.option(
    "--interval", default=1.0, show_default=True, type=click.FloatRange(0.1, 60), hidden=True
)
def serve(
    specs: tuple[str, ...], out: Path, modules_dir: Path | None, port: int, interval: float
) -> None:
    """Live preview on http://127.0.0.1:PORT/: rebuild when a spec or template changes."""
    from progen.serve import serve as run_serve

    try:
        run_serve(
            specs=[Path(s) for s in specs],
            out=out,
            modules_dir=modules_dir,
            port=port,
            interval=interval,
            echo=click.echo,
        )
    except OSError as err:
        raise click.UsageError(f"cannot serve on 127.0.0.1:{port} ({err.strerror or err})") from err
