"""Moving new programmes into the output folder so that no build, even one killed at any
instant, leaves the site broken for longer than it takes the next build to start.

- One build at a time per output folder: an exclusive `flock` on the folder itself. There
  is no lock file to leave behind, and the kernel releases the lock when a build dies.
- New programmes are staged in `DIR/.progen-tmp-XXXXXXXX/new/`, inside the output folder
  and so on its file system: a rename cannot cross file systems, so staging beside DIR
  could never succeed when DIR is a mount point.
- The swap renames each old folder into the staging folder's `old/` and the new one into
  its place. The staging folder, with the old copies, is deleted only after index.html
  has been rewritten.
- A build killed during the swap leaves its staging folder behind. The next build, holding
  the lock (so no live build can own it), puts back every old copy whose place is empty
  and then deletes the staging folder; so does one killed while staging, which never
  reached the swap. Files are replaced through new temporary files, never through a link.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_PREFIX = ".progen-tmp-"
# mkdtemp's names: the prefix and eight characters from [a-z0-9_].
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"[a-z0-9_]{8}")
_STAGES = {"new", "old"}
# replace_file's temporary files for the one file it replaces, the index page.
_TEMP_FILE = re.compile(r"\.index\.html\.[0-9a-f]{16}\.tmp")


class OutputBusy(OSError):
    """Another build holds the output folder: nothing is wrong, it is only not free now."""


BUSY = "another progen build is publishing into this folder"  # serve waits when it sees it


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder for this build, or say that another build holds it now."""
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusy(f"{out}: {BUSY}; try again when it has finished") from None
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh staging folder inside `out`, with `old/` for the folders swapped out; it is
    deleted however the block ends (a kill -9 is cleaned up by the next build's `recover`)."""
    temp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=out))
    try:
        (temp / "old").mkdir()
        yield temp
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def replace_file(target: Path, data: bytes) -> None:
    """Replace `target` with `data` in one rename, never writing through a link.

    The bytes go to a new file (O_CREAT | O_EXCL | O_NOFOLLOW: a link or file already there
    stops it) beside the target, then the rename puts that file, not a link's target,
    in place. A build killed between the two leaves the temporary file for `recover`.
    """
    temp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    fd = os.open(temp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def swap_in(staged: list[tuple[Path, Path]], aside: Path) -> None:
    """Move each (new folder, target) into place: the old target is renamed aside, the new
    one renamed in. If any rename fails, the ones already done are undone, so the output
    keeps either every new folder or none of them."""
    done: list[tuple[Path, Path, bool]] = []
    try:
        for new, target in staged:
            had_old = os.path.lexists(target)
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


def _abandoned(out: Path) -> list[Path]:
    """Staging folders left in `out` by killed builds: progen's names, progen's layout."""
    found = []
    for entry in sorted(out.iterdir()):
        if not _TEMP_NAME.fullmatch(entry.name) or entry.is_symlink() or not entry.is_dir():
            continue
        inside = list(entry.iterdir())
        if all(p.name in _STAGES and p.is_dir() and not p.is_symlink() for p in inside):
            found.append(entry)
    return found


def recover(out: Path) -> list[str]:
    """Repair what killed builds left in `out` (call it holding the lock): every folder
    swapped aside goes back where its place is empty, then the staging folder goes.
    Returns the names of the folders put back."""
    for entry in out.iterdir():
        if _TEMP_FILE.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink():
            entry.unlink()
    restored = []
    for temp in _abandoned(out):
        old = temp / "old"
        if old.is_dir():
            for folder in sorted(old.iterdir()):
                target = out / folder.name
                if folder.is_dir() and not folder.is_symlink() and not os.path.lexists(target):
                    folder.rename(target)
                    restored.append(folder.name)
        shutil.rmtree(temp)
    return restored
