"""The preview server answers bad paths quietly and serves nothing but the built files."""

from __future__ import annotations

import functools
import http.client
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from progen.serve import _Handler


@pytest.fixture
def get(tmp_path: Path) -> Iterator:
    """get(path) -> (status, body) from a preview server of a small site in tmp_path."""
    site = tmp_path / "site"
    (site / "prog").mkdir(parents=True)
    (site / "prog" / "index.html").write_text("<p>programme</p>")
    (site / "prog" / "sets.csv").write_text("set,name\n")
    (site / "assets").mkdir()
    os.mkfifo(site / "pipe.html")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "notes.txt").write_text("not for the browser")
    (site / "away").symlink_to(tmp_path / "private")
    (site / "away.txt").symlink_to(tmp_path / "private" / "notes.txt")
    (site / "prog" / "here.html").symlink_to(site / "prog" / "index.html")
    handler = functools.partial(_Handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def fetch(path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        try:
            connection.request("GET", path)
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    yield fetch
    server.shutdown()
    server.server_close()


def test_built_files_are_served(get):
    assert get("/prog/") == (200, b"<p>programme</p>")
    assert get("/prog/sets.csv") == (200, b"set,name\n")
    assert get("/prog")[0] == 301  # to the folder, as a static host does


@pytest.mark.parametrize("path", ["/", "/assets/", "/prog/../assets/"])
def test_folders_are_never_listed(get, path):
    status, body = get(path)
    assert status == 404
    assert b"Directory listing" not in body


@pytest.mark.parametrize("path", ["/%00", "/prog/%00.html", "/%ff", "/prog/%c3"])
def test_a_path_no_file_can_have_is_a_quiet_error(get, capfd, path):
    status, _ = get(path)
    assert status in (400, 404)
    assert get("/prog/")[0] == 200  # and the server is still answering
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert captured.err == ""


def test_a_fifo_in_the_output_is_not_opened(get):
    assert get("/pipe.html")[0] == 404


def test_a_link_out_of_the_site_is_not_followed(get):
    assert get("/away/notes.txt")[0] == 404
    assert get("/away.txt")[0] == 404
    assert get("/prog/here.html") == (200, b"<p>programme</p>")  # a link within the site is
