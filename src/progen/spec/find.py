"""Where progen looks when the user names no path: the specs in programmes/ here, and the
modules folder beside a spec's programmes/ folder."""

from __future__ import annotations

from pathlib import Path

PROGRAMMES = Path("programmes")
MODULES = "modules"


def programme_files(folder: Path = PROGRAMMES) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def modules_folder(spec: Path, given: Path | None = None) -> Path | None:
    """The folder of the user's own modules for `spec`: `given` (--modules), else modules/
    beside the spec's programmes/ folder when the spec sits in one, else modules/ beside the
    spec itself. It belongs to the specs, not to wherever progen is run from: `progen plan
    /proj/programmes/p.yaml` uses /proj/modules from any folder. Shown relative to here
    when it is below here, as the user would type it."""
    if given is not None:
        return given
    holder = spec.absolute().parent
    project = holder.parent if holder.name == PROGRAMMES.name else holder
    folder = project / MODULES
    if not folder.is_dir():
        return None
    try:
        return folder.relative_to(Path.cwd())
    except ValueError:
        return folder


def as_typed(path: Path) -> str:
    """A path as the user would type it: relative to here when it is below here. A path
    that cannot be resolved (a symbolic link that points at itself) is shown as given; the
    reading that follows reports what is wrong with it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, RuntimeError, OSError):
        return str(path)
