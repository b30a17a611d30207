"""One whole process under `/usr/bin/time -v`: its wall and CPU seconds and peak memory.

Every benchmark that times a progen command as a user runs it goes through here, so the
figures in BENCHMARKS.md are read the same way. CPU is user plus system time of the
process and the children it waited for; peak memory is the largest resident set of any
one of them (what /usr/bin/time reports).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Timed:
    wall: float  # seconds
    cpu: float  # seconds, user + system
    peak_mb: float
    stdout: str
    stderr: str


def timed(cmd: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> Timed:
    """Run `cmd` to the end (failing on a non-zero exit) and read what /usr/bin/time says."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", *cmd],
        cwd=cwd,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        check=True,
    )

    def field(name: str) -> str:
        found = re.search(rf"{name}: (.*)", done.stderr)
        assert found, f"/usr/bin/time said no {name}"
        return found.group(1).strip()

    *hours, minutes, seconds = field(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\)").split(":")
    return Timed(
        wall=int(hours[0] if hours else 0) * 3600 + int(minutes) * 60 + float(seconds),
        cpu=float(field(r"User time \(seconds\)")) + float(field(r"System time \(seconds\)")),
        peak_mb=int(field(r"Maximum resident set size \(kbytes\)")) / 1024,
        stdout=done.stdout,
        stderr=done.stderr,
    )
