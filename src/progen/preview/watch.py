"""Noticing that an input changed, however the editor saved it.

Editors save in three ways: in place (truncate and write: same inode, new mtime and
size), by writing a temporary file and renaming it over the old one (a new inode), and
vim's backup-and-write (the file is renamed to a backup, a new file written under the
old name, the backup deleted: for an instant the spec does not exist). Polling each
file's (mtime, ctime, size, inode) catches all three without a platform notifier:
ctime and the inode catch a rename-over that keeps mtime and size, and the instant a
spec is missing is waited out (`settled`) rather than reported as an error. Polling
costs a few milliseconds for the hundred-odd files a project has (BENCHMARKS.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from progen.resources import schemas_dir, templates_dir
from progen.spec.find import chosen_specs, modules_folder, records_root

Signature = tuple[int, int, int, int] | None  # (mtime, ctime, size, inode); None: missing


def signature(path: Path) -> Signature:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)


def _watched_file(path: Path) -> bool:
    """Not an editor's swap or backup file (.spec.yaml.swp, notes.csv~), which no
    command reads and which change on every keystroke."""
    return not path.name.startswith(".") and not path.name.endswith("~")


@dataclass(frozen=True)
class Snapshot:
    """What the inputs looked like at one poll: each spec's signature, in the order the
    build takes them, and every shared file's (templates, schemas, modules, records)."""

    specs: tuple[tuple[Path, Signature], ...]
    shared: tuple[tuple[str, Signature], ...]

    def missing(self) -> bool:
        return any(sig is None for _, sig in self.specs)


@dataclass(frozen=True)
class Change:
    """The specs to build now, those whose programme must be previewed again, and those
    no longer watched."""

    specs: tuple[Path, ...]
    changed: tuple[Path, ...]
    removed: tuple[Path, ...]


def difference(before: Snapshot | None, after: Snapshot) -> Change | None:
    """What changed from `before` to `after`: None when nothing did. A change to a shared
    file changes every programme (a template or a module is in all of them; records are
    not told apart by programme, which would mean reading the specs)."""
    if before == after:
        return None
    specs = tuple(path for path, _ in after.specs)
    if before is None or before.shared != after.shared:
        return Change(specs, specs, ())
    old = dict(before.specs)
    changed = tuple(path for path, sig in after.specs if path not in old or old[path] != sig)
    removed = tuple(path for path in old if path not in specs)
    return Change(specs, changed, removed)


@dataclass
class Watcher:
    """The inputs of a preview, polled: `poll()` says what changed since the last poll."""

    named: list[Path]
    examples: bool = False
    modules_dir: Path | None = None
    records_dir: Path | None = None
    settle: float = 0.05  # seconds between the looks that must agree before a change counts
    patience: float = 1.0  # how long a named spec may be missing (mid-save) before it counts
    seen: Snapshot | None = field(default=None, repr=False)

    def spec_paths(self) -> list[Path]:
        """The specs to preview and build (spec.find.chosen_specs), looked up again on
        every poll, so that a new spec in programmes/ is seen."""
        return chosen_specs(self.named, self.examples)

    def snapshot(self) -> Snapshot:
        """The specs and every file in the folders they use."""
        specs = self.spec_paths()
        roots = {modules_folder(spec, self.modules_dir) for spec in specs}
        roots |= {records_root(spec, self.records_dir) for spec in specs}
        files: list[Path] = []
        for root in (templates_dir(), schemas_dir(), *sorted(r for r in roots if r)):
            if root.is_dir():
                files += sorted(
                    p for p in root.rglob("*") if "__pycache__" not in p.parts and _watched_file(p)
                )
        return Snapshot(
            tuple((spec, signature(spec)) for spec in specs),
            tuple((str(path), signature(path)) for path in files),
        )

    def settled(self, first: Snapshot) -> Snapshot:
        """The inputs once two looks `settle` apart agree and no named spec is missing (or
        `patience` has run out): a save is several writes, and vim's leaves the spec
        missing for an instant."""
        deadline = time.monotonic() + self.patience
        now = first
        while True:
            time.sleep(self.settle)
            again = self.snapshot()
            stable, now = again == now, again
            if (stable and not now.missing()) or time.monotonic() >= deadline:
                return now

    def poll(self) -> Change | None:
        """What changed since the last poll (everything, the first time), or None."""
        now = self.snapshot()
        if now == self.seen:
            return None
        now = self.settled(now)
        change = difference(self.seen, now)
        self.seen = now
        return change
