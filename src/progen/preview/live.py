"""Live reload: every page the preview serves asks the server, in a long poll, whether
what it shows is still current, and reloads itself when it is not.

This is MkDocs' own approach (mkdocs.livereload): a few lines of script added before
`</body>` of each HTML page as it is served, and an endpoint that answers when the
version it was given is out of date (or after a while, to be asked again). MkDocs'
server itself is not reused: it watches and rebuilds a MkDocs project, while progen
builds several programmes its own way, and serve's request rules (no listing, no link
out of the site) live in our handler. The script is added only in the answer: the files
on disk stay byte for byte what `progen build` writes.

The version starts at the clock's reading in microseconds, so a page left open across a
restart of `progen serve` sees a different version and reloads too.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, replace

ENDPOINT = "/_progen/livereload"  # no programme id starts with "_", so no file is here
WAIT = 20.0  # seconds a poll is held open before it is answered "no change"

_SCRIPT = """<script>
(function (version) {
  function poll() {
    fetch("%s?v=" + version, {cache: "no-store"})
      .then(function (answer) { return answer.text(); })
      .then(function (now) {
        if (now.trim() !== String(version)) { location.reload(); } else { poll(); }
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})(%d);
</script>
"""
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Shown:
    """What the preview shows now: the version pages compare against, the programmes whose
    downloads (handbook, report, calendars, rosters, JSON, workbook) are being rebuilt, and
    the located problems that replace every page while a spec or its records are wrong."""

    version: int
    updating: frozenset[str] = frozenset()
    problems: str | None = None


class Live:
    """The current `Shown`, replaced as a whole, and waits for it to change."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._shown = Shown(time.time_ns() // 1000)

    def now(self) -> Shown:
        with self._changed:
            return self._shown

    def show(self, updating: frozenset[str], problems: str | None) -> None:
        """Show this from now on: every open page reloads."""
        with self._changed:
            self._shown = replace(
                self._shown,
                version=self._shown.version + 1,
                updating=updating,
                problems=problems,
            )
            self._changed.notify_all()

    def mark(self, updating: frozenset[str]) -> None:
        """Mark these programmes' downloads as updating without reloading any page: done
        before their new pages land, so no page is ever served new and unmarked."""
        with self._changed:
            self._shown = replace(self._shown, updating=updating)

    def wait(self, seen: int, timeout: float = WAIT) -> int:
        """The version once it is no longer `seen`, or after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._shown.version != seen, timeout)
            return self._shown.version


def with_script(page: bytes, version: int) -> bytes:
    """`page` with the live-reload script before its last `</body>` (at its end when it
    has none)."""
    script = (_SCRIPT % (ENDPOINT, version)).encode("ascii")
    ends = list(_BODY_END.finditer(page))
    at = ends[-1].start() if ends else len(page)
    return page[:at] + script + page[at:]
