"""Recognising progen's own output, so that a build only ever replaces what progen wrote.

`progen build --out DIR` replaces DIR/<id>/ and DIR/index.html. DIR can be any folder,
even one holding the user's own work (`--out .` beside `programmes/`), so nothing is
replaced until progen has checked that it wrote it:

- every programme folder holds `.progen-manifest`: the programme's id, its content hash
  and the sha256 of every file progen wrote there. The folder is progen's when the
  manifest is there and everything else in the folder is a file it lists, unchanged. A
  file it does not list, a file changed since, a link, or a folder with no manifest is
  the user's, and the build stops naming it.
- index.html ends with a comment holding the sha256 of everything before it, so the page
  vouches for itself: there is no second file that a killed build could leave out of step.

Output of progen versions from before manifests (folders with `.progen-hash`, an index
page with only progen's generator tag) cannot vouch for itself: a user's file inside, or
a hand-edited page, would look the same. The build stops and names it rather than guess.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

MANIFEST = ".progen-manifest"
LEGACY_HASH = ".progen-hash"
_FORMAT = 1
_HEX = re.compile(r"[0-9a-f]{64}")
_SEAL = re.compile(rb"<!-- progen sha256 ([0-9a-f]{64}) -->\n\Z")
_INDEX_LIMIT = 64 * 1024 * 1024  # an index page larger than this is not one progen wrote
REMEDY = (
    "progen only replaces files and folders it wrote: move these away (or choose another "
    "--out) and build again"
)


class OutputInTheWay(Exception):
    """Something progen did not write is where a build would write: (path, why) for each."""

    def __init__(self, problems: list[tuple[Path, str]]):
        self.problems = problems
        super().__init__("\n".join(f"{path}: {why}" for path, why in problems))


# ---------------------------------------------------------------- programme folders


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _unreadable(err: OSError) -> None:
    raise err  # a folder that cannot be listed cannot be shown to hold only progen's files


def _walk(folder: Path) -> tuple[dict[str, Path], dict[str, Path], list[Path]]:
    """(regular files, then folders, by path relative to `folder`; then everything that is
    neither: links, sockets, FIFOs). Links are reported, never followed."""
    files: dict[str, Path] = {}
    folders: dict[str, Path] = {}
    odd: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=_unreadable):
        base = Path(root)
        for name in sorted(dirs):
            path = base / name
            if path.is_symlink():
                odd.append(path)
            else:
                folders[path.relative_to(folder).as_posix()] = path
        for name in sorted(names):
            path = base / name
            if stat.S_ISREG(path.lstat().st_mode):
                files[path.relative_to(folder).as_posix()] = path
            else:
                odd.append(path)
    return files, folders, odd


def write_manifest(folder: Path, pid: str, content_hash: str) -> None:
    """Record every file now in `folder` (a programme progen has just published) as its own."""
    files, _, odd = _walk(folder)
    if odd:
        raise RuntimeError(f"publishing {pid} wrote something that is not a file: {odd[0]}")
    manifest = {
        "progen-manifest": _FORMAT,
        "id": pid,
        "hash": content_hash,
        "files": {rel: _sha256(path) for rel, path in sorted(files.items())},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", "utf-8")


def read_manifest(folder: Path, pid: str) -> dict | None:
    """The manifest of `folder` when it is a well-formed one for programme `pid`, else None."""
    path = folder / MANIFEST
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("progen-manifest") != _FORMAT
        or data.get("id") != pid
        or not isinstance(data.get("hash"), str)
        or not isinstance(data.get("files"), dict)
    ):
        return None
    return data


def _legacy(folder: Path) -> bool:
    """A folder from a progen version before manifests: it holds the content hash file."""
    path = folder / LEGACY_HASH
    try:
        return stat.S_ISREG(path.lstat().st_mode) and bool(
            _HEX.fullmatch(path.read_text("ascii").strip())
        )
    except (OSError, UnicodeDecodeError):
        return False


def claimed(folder: Path, pid: str) -> bool:
    """Whether `folder` says it is programme `pid`'s published output (no file is checked)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return read_manifest(folder, pid) is not None or _legacy(folder)


def programme_problems(folder: Path, pid: str) -> list[tuple[Path, str]]:
    """Why `folder` may not be replaced by programme `pid`'s new output: nothing when it does
    not exist or when everything in it is what progen wrote there."""
    if not os.path.lexists(folder):
        return []
    if folder.is_symlink() or not folder.is_dir():
        return [(folder, f"is where programme '{pid}' is published, and progen did not write it")]
    manifest = read_manifest(folder, pid)
    if manifest is None:
        if _legacy(folder):
            return [
                (
                    folder,
                    "was published by an older progen that kept no list of its files, so "
                    "whether everything in it is progen's cannot be told; move it away",
                )
            ]
        return [
            (
                folder,
                f"is where programme '{pid}' is published, and progen did not write it "
                f"(it has no {MANIFEST})",
            )
        ]
    listed = manifest["files"]
    ours = {"."} | {str(parent) for rel in listed for parent in Path(rel).parents}
    files, folders, odd = _walk(folder)
    problems = [(path, "is a link or special file progen did not write") for path in odd]
    foreign = f"was not written by progen, in programme '{pid}'s folder"
    for rel, path in folders.items():  # only the outermost folder of the user's own
        if rel not in ours and str(Path(rel).parent) in ours:
            problems.append((path, foreign))
    for rel, path in files.items():
        if rel == MANIFEST or str(Path(rel).parent) not in ours:
            continue
        if rel not in listed:
            problems.append((path, foreign))
        elif _sha256(path) != listed[rel]:
            problems.append((path, "has been changed since progen wrote it"))
    return sorted(problems)


def complete(folder: Path, pid: str, content_hash: str, expected: tuple[str, ...]) -> bool:
    """Whether `folder` is progen's output of exactly this content, with all its files."""
    manifest = read_manifest(folder, pid)
    if manifest is None or manifest["hash"] != content_hash:
        return False
    names = set(manifest["files"])
    return set(expected) <= names and all((folder / rel).is_file() for rel in names)


# ---------------------------------------------------------------- index.html


def seal(page: str) -> bytes:
    """The index page's bytes, ending with the comment by which progen knows it later."""
    body = page.encode("utf-8")
    return body + b"<!-- progen sha256 " + hashlib.sha256(body).hexdigest().encode() + b" -->\n"


def index_problems(path: Path) -> list[tuple[Path, str]]:
    """Why the index page at `path` may not be replaced: nothing when it does not exist, or
    when progen wrote it and it is unchanged (or it is an earlier version's index page)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return []
    if not stat.S_ISREG(info.st_mode) or info.st_size > _INDEX_LIMIT:
        return [(path, "is where progen writes its index page, and progen did not write it")]
    data = path.read_bytes()
    sealed = _SEAL.search(data)
    if sealed:
        body = data[: sealed.start()]
        if hashlib.sha256(body).hexdigest().encode() == sealed.group(1):
            return []
        return [(path, "has been changed since progen wrote it")]
    return [(path, "is where progen writes its index page, and progen did not write it")]
