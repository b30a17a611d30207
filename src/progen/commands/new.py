"""`progen new`: a commented starter spec, written where the user asks, that validates as
written (its programme id comes from the file's name)."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from progen.commands import Failed, Refused
from progen.errors import printable
from progen.resources import templates_dir

STARTER = "my-programme.yaml"


def new(path: str, force: bool) -> Path:
    """Write the starter spec to `path` (a folder, or a path ending with '/', gets
    my-programme.yaml inside it) and return where it went; replace a file there only when
    `force`. Raises Refused when something is in the way, Failed when it cannot write."""
    target = Path(path)
    try:
        if path.endswith(("/", os.sep)) or target.is_dir():
            target /= STARTER
    except OSError as err:  # a name too long for the file system, a loop of links
        raise Failed(f"cannot write {printable(path)}: {err.strerror}") from None
    starter = (templates_dir() / "starter.yaml").read_text("utf-8")
    text = starter.replace("my-programme", _id_from(target))
    try:
        _create(target, text, replace=force)
    except FileExistsError:
        if not target.parent.is_dir():
            raise Failed(
                f"cannot write {printable(str(target))}: {printable(str(target.parent))} is "
                f"a file, not a folder"
            ) from None
        raise Refused(
            f"{printable(str(target))} already exists; choose another name or add --force"
        ) from None
    except OSError as err:  # /proc/x.yaml, a path under a file, no permission, disk full...
        raise Failed(f"cannot write {printable(str(target))}: {err.strerror or err}") from None
    return target


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
