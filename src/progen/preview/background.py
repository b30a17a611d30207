"""`progen build`, run in the background while the preview serves the pages it has.

It is the command itself, in a process of its own: what lands in the output folder is by
definition what `progen build` makes, with its locks, staging and ownership checks. The
process is started at a lower priority (nice 10), so that on a small machine the next
save's pages are laid out first, and in a session of its own, so that Ctrl-C in the
terminal reaches only `progen serve`. Serve stops it, when it stops itself, by ending
that session's processes (the build and the process laying out its PDF) at once: a
build killed at any instant leaves its staging folder for the next build to repair
(publish.staging), and SIGINT would be no gentler, since OR-Tools' solver leaves the
build's SIGINT at its default, which kills. A build is never stopped for a newer save:
the newer save builds when it has finished.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# The command line, at lower priority and ended by the kernel if serve is killed outright
# (a SIGKILLed serve must not leave a build publishing behind it): both in the child
# itself, because a preexec_fn is unsafe in a process with threads (the HTTP server's).
NICE_PROGEN = (
    sys.executable,
    "-c",
    "import os, sys; os.nice(10); from progen.orphans import die_with; "
    "die_with(os.getppid()); from progen.cli import main; main(sys.argv[1:], 'progen')",
)
GONE_WAIT = 5.0  # seconds to wait for a stopped build's processes to be gone


@dataclass(frozen=True)
class Finished:
    """How a background build ended: the change it caught up with, and what it printed."""

    generation: int
    ok: bool
    output: str


def build_arguments(
    specs: Sequence[Path], out: Path, modules_dir: Path | None, records_dir: Path | None
) -> list[str]:
    """The `progen build` arguments for exactly these specs, folders and output."""
    args = ["build", "--out", str(out)]
    if modules_dir is not None:
        args += ["--modules", str(modules_dir)]
    if records_dir is not None:
        args += ["--records", str(records_dir)]
    return [*args, "--", *map(str, specs)]


class Background:
    """At most one `progen build` at a time; `started` and `finished` are polled."""

    def __init__(self, command: Sequence[str] = NICE_PROGEN) -> None:
        self.command = tuple(command)
        self._process: subprocess.Popen | None = None
        self._output = None
        self._generation = -1

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self, arguments: Sequence[str], generation: int) -> None:
        """Start a build that catches the output folder up with change `generation`."""
        assert self._process is None, "one background build at a time"
        # Output goes to a file, not a pipe: a long report would fill a pipe and stall it.
        self._output = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _collect)
        self._process = subprocess.Popen(
            [*self.command, *arguments],
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._generation = generation

    def finished(self) -> Finished | None:
        """The build's end, once it has ended (reported once), else None."""
        if self._process is None or self._process.poll() is None:
            return None
        return self._collect()

    def stop(self) -> bool:
        """End a running build and every process it started; returns whether one was
        running (its staging folder is then left for `publish.staging.recover`)."""
        if self._process is None:
            return False
        running = self._process.poll() is None
        if running:
            group = self._process.pid  # its own session, so its own process group
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            self._process.wait()
            deadline = time.monotonic() + GONE_WAIT
            while time.monotonic() < deadline:  # the PDF process too, holding the lock
                try:
                    os.killpg(group, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.02)
        self._collect()
        return running

    def _collect(self) -> Finished:
        assert self._process is not None and self._output is not None
        self._output.seek(0)
        text = self._output.read().decode("utf-8", "replace")
        self._output.close()
        ok = self._process.returncode == 0
        self._process = self._output = None
        return Finished(self._generation, ok, text)
