"""Where progen looks when the user names no path: the specs in programmes/ here (or the
bundled examples in programmes/examples/), and the modules and records folders beside a
spec's programmes/ folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

PROGRAMMES = Path("programmes")
EXAMPLES = PROGRAMMES / "examples"
MODULES = "modules"
RECORDS = "records"


def programme_files(folder: Path = PROGRAMMES) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def chosen_specs(named: Sequence[Path], examples: bool = False) -> list[Path]:
    """The specs a command works on: those named, else the user's own programmes/*.yaml;
    the bundled examples in programmes/examples/ are added when asked (--examples), and
    used when nothing is named and the user has no spec yet (a fresh clone). A user's
    programme is never published beside the fictional ones unless they ask."""
    own = list(named) or programme_files()
    if not (examples or not own):
        return own
    seen = {p.absolute() for p in own}  # not resolved: a named path may be a broken link
    return own + [p for p in programme_files(EXAMPLES) if p.absolute() not in seen]


def _beside_programmes(spec: Path, name: str) -> Path:
    """The folder `name` beside the spec's programmes/ folder when the spec sits in one (or
    in its examples/), else beside the spec itself. It belongs to the specs, not to wherever
    progen is run from: `progen plan /proj/programmes/p.yaml` uses /proj/modules from any
    folder. Shown relative to here when it is below here, as the user would type it."""
    holder = spec.absolute().parent
    if holder.name == EXAMPLES.name and holder.parent.name == PROGRAMMES.name:
        holder = holder.parent
    project = holder.parent if holder.name == PROGRAMMES.name else holder
    folder = project / name
    try:
        return folder.relative_to(Path.cwd())
    except ValueError:
        return folder


def modules_folder(spec: Path, given: Path | None = None) -> Path | None:
    """The folder of the user's own modules for `spec`: `given` (--modules), else modules/
    beside the spec's programmes/ folder, when there is one."""
    if given is not None:
        return given
    folder = _beside_programmes(spec, MODULES)
    return folder if folder.is_dir() else None


def records_root(spec: Path, given: Path | None = None) -> Path:
    """The folder holding a folder of records per programme: `given` (--records), else
    records/ beside the spec's programmes/ folder."""
    return given if given is not None else _beside_programmes(spec, RECORDS)


def records_folder(spec: Path, programme_id: str, given: Path | None = None) -> Path:
    """Where what happened in a programme is kept (SPEC.md section 6): `<given>/<id>/`
    (--records), else records/<id>/ beside the spec's programmes/ folder. It may not exist:
    a programme that has not started has no records."""
    return records_root(spec, given) / programme_id


def specs_using(root: Path) -> list[Path]:
    """Every spec whose records are kept under `root` by default (those in programmes/ and
    programmes/examples/ beside it, or beside it themselves): when all of them have been
    checked, a folder in `root` that is none of their ids belongs to no programme."""
    project = root.parent
    found = [
        *programme_files(project / PROGRAMMES.name),
        *programme_files(project / EXAMPLES),
        *programme_files(project),
    ]
    return [p for p in found if records_root(p).absolute() == root.absolute()]


def as_typed(path: Path) -> str:
    """A path as the user would type it: relative to here when it is below here. A path
    that cannot be resolved (a symbolic link that points at itself) is shown as given; the
    reading that follows reports what is wrong with it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, RuntimeError, OSError):
        return str(path)
