"""`progen serve`: a live preview that rebuilds when a spec or template changes.

`Preview.step()` does one poll: it compares the modification times of every
watched file with the last poll and, when something changed, runs the ordinary
incremental build. A failed build prints the located problems and leaves the
last good output being served. `serve()` runs that step in a loop beside a plain
`http.server` bound to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

from progen.errors import UserError, render_text
from progen.resources import schemas_dir, templates_dir
from progen.spec.find import chosen_specs, modules_folder, records_folder


@dataclass
class Preview:
    """Poll-and-rebuild state: which files to watch and what they looked like last time."""

    specs: list[Path]
    out: Path
    modules_dir: Path | None = None
    echo: Callable[[str], None] = print
    examples: bool = False  # --examples: the bundled examples beside the user's own
    records_dir: Path | None = None  # --records
    seen: dict[str, tuple[int, int]] | None = field(default=None, repr=False)

    def spec_paths(self) -> list[Path]:
        """The specs to build (spec.find.chosen_specs), looked up again on every poll so
        that a new spec is picked up."""
        return chosen_specs(self.specs, self.examples)

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """(mtime, size) of every spec, template, schema, module and records file (each
        spec's own modules and records folders)."""
        files = list(self.spec_paths())
        modules = {modules_folder(spec, self.modules_dir) for spec in files}
        modules |= {records_folder(spec, "", self.records_dir) for spec in files}
        for root in (templates_dir(), schemas_dir(), *sorted(m for m in modules if m)):
            if root.is_dir():
                files += sorted(p for p in root.rglob("*") if "__pycache__" not in p.parts)
        state: dict[str, tuple[int, int]] = {}
        for path in files:
            try:
                info = path.stat()
            except OSError:
                continue
            state[str(path)] = (info.st_mtime_ns, info.st_size)
        return state

    def step(self) -> str:
        """One poll: 'unchanged', 'built' or 'failed' (last good output kept)."""
        now = self.snapshot()
        if now == self.seen:
            return "unchanged"
        self.seen = now
        return self.rebuild()

    def rebuild(self) -> str:
        from progen.commands.build import build

        paths = self.spec_paths()
        if not paths:
            self.echo("no programmes/*.yaml yet; run 'progen new' to start one")
            return "failed"
        try:
            build(paths, self.out, self.modules_dir, echo=self.echo, records_dir=self.records_dir)
        except UserError as err:
            self.echo(render_text(err.problems))
            self.echo(f"build failed; still serving the last good {self.out}/")
            return "failed"
        except Exception as exc:  # a bug: report it, keep serving the last good output
            self.echo(f"build failed ({type(exc).__name__}: {exc}); still serving {self.out}/")
            return "failed"
        return "built"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve the built site and nothing else, quietly: no folder listings (a 404, as a static
    host gives), a 400 for a path no file can have (a NUL byte, bytes that are not UTF-8),
    a 404 for anything that is not a regular file (a FIFO would block the answer forever)
    or that a symbolic link puts outside the site,
    and no traceback on the console when a request is bad or the browser hangs up."""

    def send_head(self):  # type: ignore[no-untyped-def]
        try:
            path = self.translate_path(self.path)
            real = os.path.realpath(path)
            inside = real == self.directory or real.startswith(os.path.join(self.directory, ""))
            if os.path.lexists(path) and not (
                inside and (os.path.isdir(path) or os.path.isfile(path))
            ):
                self.send_error(HTTPStatus.NOT_FOUND, "File not found")
                return None
            return super().send_head()
        except ValueError:  # a NUL in the path, or one that is not UTF-8
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
            return None

    def list_directory(self, path):  # type: ignore[no-untyped-def]
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):  # the browser went away mid-answer
            super().handle()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass


def serve(
    specs: list[Path],
    out: Path,
    modules_dir: Path | None = None,
    port: int = 8000,
    interval: float = 1.0,
    echo: Callable[[str], None] = print,
    examples: bool = False,
    records_dir: Path | None = None,
) -> None:
    handler = functools.partial(_Handler, directory=str(out.resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    echo(f"serving {out}/ on http://127.0.0.1:{server.server_port}/ (Ctrl-C to stop)")
    preview = Preview(specs, out, modules_dir, echo, examples, records_dir)
    try:
        while True:
            preview.step()
            time.sleep(interval)
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        server.shutdown()
        server.server_close()
