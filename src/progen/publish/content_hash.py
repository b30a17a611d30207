"""A programme's content hash: everything its output depends on, so that a build can skip
a programme whose last good output was made from exactly these inputs.

The hash covers the spec's bytes, its records, the templates, schemas and modules,
progen's own code and version, the renderers' versions, Python's version and
SOURCE_DATE_EPOCH; the manifest of each published programme (publish.ownership) keeps
the hash it was made from.
"""

from __future__ import annotations

import hashlib
import os
import sys
from importlib import metadata
from pathlib import Path

from progen import __version__
from progen.publish.ownership import complete
from progen.publish.programme import expected_files
from progen.resources import schemas_dir, templates_dir

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


def _tree_digest(digest, label: str, root: Path | None, pattern: str = "**/*") -> None:
    """The names and contents of the files under `root` matching `pattern`."""
    digest.update(f"\0tree {label}\0".encode())
    if root is None or not root.is_dir():
        return
    for path in sorted(p for p in root.glob(pattern) if p.is_file()):
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
    # only the module files the catalogue reads (validated and bounded already), never
    # whatever else a --modules folder holds
    _tree_digest(digest, "modules", modules_dir, "*.md")
    _tree_digest(digest, "progen", _PACKAGE)
    return digest.digest()


def records_digest(records) -> bytes:
    """What the records add to a programme's content hash: a change to them rebuilds it."""
    return hashlib.sha256(repr(records).encode("utf-8")).digest()


def content_hash(spec_bytes: bytes, shared: bytes) -> str:
    return hashlib.sha256(shared + b"\0spec\0" + spec_bytes).hexdigest()


def up_to_date(folder: Path, pid: str, wanted: str) -> bool:
    """Whether `folder` holds the whole output of exactly the content hashed as `wanted`."""
    return complete(folder, pid, wanted, expected_files(pid))
