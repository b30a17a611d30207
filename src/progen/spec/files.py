"""Read a file the user named without letting it hang or flood progen.

A path can name anything: a FIFO that blocks until a writer appears, /dev/zero that never
ends, a folder, a file of gigabytes. So the type and size are checked before a byte is
read: stat first, then open without blocking (a FIFO opens at once that way) and check
the opened file again (the path may have been swapped in between), and read no more than
the limit allows. Only regular files are read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_NONBLOCK = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotReadable(Exception):
    """Why a file cannot be read, worded for the user (the caller knows the file's name)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _check(mode: int, size: int, noun: str, limit: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise NotReadable(f"this is {kind}, not a {noun}")
    if size > limit:
        raise NotReadable(f"the file is {size:,} bytes; a {noun} may be at most {limit:,} bytes")


def read_limited(path: Path, limit: int, noun: str = "file") -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them, or NotReadable.
    `noun` names what the file should be ("spec", "module file") in the reason."""
    try:
        _check(os.stat(path).st_mode, 0, noun, limit)
        fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    except FileNotFoundError:
        raise NotReadable("no such file") from None
    except OSError as err:
        raise NotReadable(f"cannot read the file: {err.strerror or err}") from None
    except ValueError:  # a path holding a NUL character
        raise NotReadable("cannot read the file: its name holds a NUL character") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        _check(info.st_mode, info.st_size, noun, limit)
        try:
            raw = file.read(limit + 1)
        except OSError as err:
            raise NotReadable(f"cannot read the file: {err.strerror or err}") from None
    if len(raw) > limit:  # it grew after the check
        raise NotReadable(f"the file is over {limit:,} bytes; a {noun} may be at most that")
    return raw
