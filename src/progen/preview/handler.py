"""The preview's HTTP answers: the built site, the pages just previewed over it, and the
live-reload endpoint; nothing else.

A request is answered from the preview folder when the file is there (a programme's
pages rebuilt moments ago, the index listing them) and from the output folder otherwise.
The rules of a static host hold for both: no folder listings (a 404), a 400 for a path no
file can have (a NUL byte, bytes that are not UTF-8), a 404 for anything that is not a
regular file (a FIFO would block the answer forever) or that a symbolic link puts outside
its folder, `no-store` so the browser never shows a stale copy, and no traceback on the
console when a request is bad or the browser hangs up.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import os
from http import HTTPStatus
from urllib.parse import parse_qs, unquote, urlsplit

from progen.preview.live import ENDPOINT, Live, with_script
from progen.preview.pages import mark_updating, problems_page


def _inside(path: str, folder: str) -> bool:
    real = os.path.realpath(path)
    return real == folder or real.startswith(os.path.join(folder, ""))


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serve `directory` (the output folder), with `preview` (a folder laid over it) and
    `live` (pages get the live-reload script, download links the "updating" mark, and the
    problems page stands in for every page) when given."""

    def __init__(
        self,
        *args,
        directory: str | None = None,
        preview: str | None = None,
        live: Live | None = None,
        **kwargs,
    ):
        self.out = os.fspath(directory if directory is not None else os.getcwd())
        self.preview = preview
        self.live = live
        super().__init__(*args, directory=self.out, **kwargs)

    def send_head(self):  # type: ignore[no-untyped-def]
        try:
            route = unquote(urlsplit(self.path).path, errors="strict")
            if self.live is not None and route == ENDPOINT:
                return self._version()
            shown = self.live.now() if self.live is not None else None
            if shown is not None and shown.problems is not None and _is_page(route):
                return self._send(problems_page(shown.problems), shown.version)
            self.directory = self._folder_for(self.path)
            path = self.translate_path(self.path)
            if os.path.lexists(path) and not self._servable(path):
                return self._not_found()
            if os.path.isdir(path) and route.endswith("/"):
                path = os.path.join(path, "index.html")
                if not self._servable(path):  # a folder is never listed
                    return self._not_found()
            if shown is not None and path.endswith(".html") and self._servable(path):
                with open(path, "rb") as f:
                    page = f.read()
                return self._send(mark_updating(page, route, shown.updating), shown.version)
            return super().send_head()
        except ValueError:  # a NUL in the path, or one that is not UTF-8
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
            return None

    def _folder_for(self, path: str) -> str:
        """The preview folder when it holds the file (or the folder's index page) asked
        for, else the output folder."""
        if self.preview is None:
            return self.out
        self.directory = self.preview
        candidate = self.translate_path(path)
        if os.path.isfile(candidate) or os.path.isfile(os.path.join(candidate, "index.html")):
            return self.preview
        return self.out

    def _servable(self, path: str) -> bool:
        """A regular file or folder that is, links resolved, inside the folder served."""
        return _inside(path, self.directory) and (os.path.isdir(path) or os.path.isfile(path))

    def _not_found(self) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")

    def _send(self, page: bytes, version: int) -> io.BytesIO:
        body = with_script(page, version)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _version(self) -> io.BytesIO:
        """The long poll: the version once it differs from the one the page has."""
        assert self.live is not None
        asked = parse_qs(urlsplit(self.path).query).get("v", [""])[0]
        seen = int(asked) if asked.isdigit() else -1
        body = str(self.live.wait(seen)).encode("ascii")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def list_directory(self, path):  # type: ignore[no-untyped-def]
        return self._not_found()

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):  # the browser went away mid-answer
            super().handle()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass


def _is_page(route: str) -> bool:
    """A request for a page (a folder's index or an .html file), not an asset."""
    return route.endswith(("/", ".html", ".htm"))
