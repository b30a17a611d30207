"""`progen serve`: a live preview that shows a saved change as soon as its pages are laid
out (under a second on a quiet machine; BENCHMARKS.md), the PDF following.

Each poll (`Preview.step`) asks the watcher what changed (`preview.watch`). Every changed
spec is validated on its own; a valid one has its site pages laid out at once into the
preview folder (`preview.quick`), and then one ordinary `progen build` of every spec
catches the output folder up in the background (`preview.background`): the handbook PDF
and the other downloads follow it, their links saying "updating" until it has landed.
A spec or records file with problems replaces every page with the located problems
until it is fixed; the output folder keeps the last good build. Pages reload themselves
whenever what they show changes (`preview.live`). The server listens on 127.0.0.1 only:
a preview is for the author at this machine, not for the network.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from progen.errors import UserError, render_text
from progen.preview import quick
from progen.preview.background import NICE_PROGEN, Background, Finished, build_arguments
from progen.preview.handler import Handler
from progen.preview.live import Live
from progen.preview.watch import Change, Watcher
from progen.publish.staging import BUSY, locked, recover
from progen.spec.find import as_typed

HOST = "127.0.0.1"
PREVIEW_PREFIX = "progen-preview-"
BUSY_RETRY = 2.0  # seconds before building again into an output folder another build holds


class Preview:
    """The state of one preview: what is watched, previewed, wrong and being built."""

    def __init__(
        self,
        specs: Sequence[Path],
        out: Path,
        modules_dir: Path | None = None,
        echo: Callable[[str], None] = print,
        examples: bool = False,
        records_dir: Path | None = None,
        command: Sequence[str] = NICE_PROGEN,
    ) -> None:
        self.out = out
        self.modules_dir = modules_dir
        self.records_dir = records_dir
        self.echo = echo
        self.watcher = Watcher(list(specs), examples, modules_dir, records_dir)
        self.live = Live()
        self.background = Background(command)
        self.specs: tuple[Path, ...] = ()
        self.problems: dict[Path, str] = {}  # a spec's located problems, while it has any
        self.previewed: dict[Path, tuple[str, int]] = {}  # spec -> (id, change) previewed
        self.failed_build: str | None = None  # what the last background build said, failing
        self.generation = 0  # counts the changes seen
        self.built = 0  # the change the output folder has caught up with
        self.retry_at = 0.0  # no background build before this (monotonic) time

    @functools.cached_property
    def folder(self) -> Path:
        """The preview folder, outside the output folder (`preview.quick`), named after this
        process; the folders of previews whose process was killed outright are removed."""
        for stale in Path(tempfile.gettempdir()).glob(f"{PREVIEW_PREFIX}*-"):
            owner = stale.name.removeprefix(PREVIEW_PREFIX).split("-", 1)[0]
            if owner.isdigit() and not _alive(int(owner)):
                shutil.rmtree(stale, ignore_errors=True)
        return Path(tempfile.mkdtemp(prefix=f"{PREVIEW_PREFIX}{os.getpid()}-", suffix="-"))

    def spec_paths(self) -> list[Path]:
        """The specs previewed and built, as the next poll sees them."""
        return self.watcher.spec_paths()

    # ------------------------------------------------------------ one poll

    def step(self) -> str:
        """One poll: 'previewed' or 'failed' when a change was seen (and the preview
        shows it), else 'unchanged'. A background build is collected or started."""
        status = "unchanged"
        change = self.watcher.poll()
        if change is not None:
            status = self.refresh(change)
        finished = self.background.finished()
        if finished is not None:
            self.landed(finished)
        due = self.generation > self.built and self.specs and not self.problems
        if due and not self.background.running and time.monotonic() >= self.retry_at:
            self.start_build()
        return status

    def refresh(self, change: Change) -> str:
        """Preview every changed programme's pages; note the problems of the rest."""
        self.generation += 1
        self.specs = change.specs
        self.failed_build = None  # the next build will tell
        if not self.specs:
            self.echo("no programmes/*.yaml yet; run 'progen new' to start one")
        for path in change.removed:
            self.problems.pop(path, None)
            self.forget(path)
        for path in change.changed:
            self.preview(path)
        self.show()
        return "failed" if self.problems else "previewed"

    def preview(self, path: Path) -> None:
        began = time.perf_counter()
        try:
            found = self.validated(path)
        except UserError as err:
            self.problems[path] = render_text(err.problems)
            self.echo(self.problems[path])
            self.echo(f"{as_typed(path)}: not previewed; the last good pages stay on disk")
            return
        except Exception as exc:
            self.broken(path, exc)
            return
        pid = found.programme.id
        old = self.previewed.get(path)
        self.previewed[path] = (pid, self.generation)
        self.live.mark(self.updating())
        try:
            quick.write_pages(found, self.folder)
        except Exception as exc:
            self.broken(path, exc)
            return
        self.problems.pop(path, None)
        if old is not None and old[0] != pid:  # the spec's id changed
            quick.drop(self.folder, old[0])
        seconds = time.perf_counter() - began
        self.echo(f"{pid}: pages in {seconds:.2f} s; the PDF and downloads follow")

    def validated(self, path: Path):
        """The spec validated (and so assembled) with its modules and records."""
        from progen.commands.validate import validated

        # design.budget hands Ctrl-C back to Python after OR-Tools' solver has run
        (found,) = validated([path], self.modules_dir, records_dir=self.records_dir)
        return found

    def broken(self, path: Path, exc: Exception) -> None:
        """A bug, not a problem in the spec: say so in the browser too, and keep serving."""
        why = f"{type(exc).__name__}: {exc}"
        self.problems[path] = f"{as_typed(path)}: could not preview ({why})"
        self.echo(self.problems[path])

    def forget(self, path: Path) -> None:
        if path in self.previewed:
            pid, _ = self.previewed.pop(path)
            quick.drop(self.folder, pid)

    # ------------------------------------------------------------ the background build

    def start_build(self) -> None:
        arguments = build_arguments(self.specs, self.out, self.modules_dir, self.records_dir)
        self.background.start(arguments, self.generation)

    def landed(self, finished: Finished) -> None:
        """A background build ended: the previews it caught up with are dropped (the output
        folder serves them now), or what it printed shows in the browser (and is not tried
        again until the next change)."""
        lines = finished.output.strip().splitlines()
        if not finished.ok and BUSY in finished.output:
            # another build (a user's, or one a killed serve left) holds the folder: not a
            # problem to show, only a wait; try again shortly
            self.retry_at = time.monotonic() + BUSY_RETRY
            self.echo(f"{self.out}/ is busy with another build; trying again shortly")
            return
        self.built = max(self.built, finished.generation)
        if finished.ok:
            for path, (pid, seen) in list(self.previewed.items()):
                if seen <= finished.generation:
                    del self.previewed[path]
                    quick.drop(self.folder, pid)
            self.echo(lines[-1] if lines else f"{self.out}/ is up to date")
        else:
            self.failed_build = finished.output.strip() or "the background build failed"
            self.echo(self.failed_build)
        self.show()

    # ------------------------------------------------------------ what is shown

    def show(self) -> None:
        quick.write_index(self.folder, self.out)
        problems = "\n".join(self.problems[path] for path in sorted(self.problems))
        self.live.show(self.updating(), problems or self.failed_build)

    def updating(self) -> frozenset[str]:
        """The programmes previewed ahead of the output folder: their downloads are stale."""
        return frozenset(pid for pid, _ in self.previewed.values())

    def handler(self) -> Callable[..., Handler]:
        return functools.partial(
            Handler,
            directory=str(self.out.resolve()),
            preview=str(self.folder.resolve()),
            live=self.live,
        )

    def run(self, stop: threading.Event, interval: float) -> None:
        """Poll until `stop` is set."""
        while not stop.is_set():
            self.step()
            stop.wait(interval)

    def close(self) -> None:
        """Stop the background build, repair what it left in the output folder (as the
        next build would), and drop the previews."""
        if self.background.stop():
            # busy, or no output folder: the next build repairs it
            with contextlib.suppress(OSError), locked(self.out):
                recover(self.out)
        if "folder" in self.__dict__:
            shutil.rmtree(self.folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (ours or another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def listening(preview: Preview, port: int) -> http.server.ThreadingHTTPServer:
    """The preview's server, listening on 127.0.0.1 only (port 0: any free port)."""
    return http.server.ThreadingHTTPServer((HOST, port), preview.handler())


def serve(
    specs: list[Path],
    out: Path,
    modules_dir: Path | None = None,
    port: int = 8000,
    interval: float = 0.2,
    echo: Callable[[str], None] = print,
    examples: bool = False,
    records_dir: Path | None = None,
) -> None:
    preview = Preview(specs, out, modules_dir, echo, examples, records_dir)
    try:
        server = listening(preview, port)
    except OSError:
        preview.close()
        raise
    threading.Thread(target=server.serve_forever, daemon=True).start()
    signal.signal(signal.SIGTERM, _interrupt)  # stopped by a service manager: clean up too
    echo(f"serving {out}/ on http://{HOST}:{server.server_port}/ (Ctrl-C to stop)")
    try:
        preview.run(threading.Event(), interval)
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        server.shutdown()
        server.server_close()
        preview.close()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
