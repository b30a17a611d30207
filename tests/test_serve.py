"""`progen serve`: the server answers bad paths quietly and serves nothing but the built
files and the preview; every save style is seen; a saved change's pages come first, the
PDF after them with its link saying so; problems replace the site until fixed; pages
carry the live-reload script, the files on disk never do."""

from __future__ import annotations

import functools
import hashlib
import http.client
import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import VALID, swap

from progen.preview.background import Background
from progen.preview.handler import Handler
from progen.preview.live import ENDPOINT, Live, with_script
from progen.preview.pages import UPDATING, mark_updating, problems_page
from progen.preview.watch import Watcher
from progen.serve import Preview, listening


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def eventually(test: Callable[[], bool], limit: float = 120.0) -> None:
    """Wait until test() holds, polling; fail after `limit` seconds."""
    deadline = time.monotonic() + limit
    while not test():
        assert time.monotonic() < deadline, "the preview never got there"
        time.sleep(0.05)


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ---------------------------------------------------------------- the hardened handler


@pytest.fixture(params=["plain", "live"])
def get(tmp_path: Path, request) -> Iterator:
    """get(path) -> (status, body) from a server of a small site in tmp_path, plain and
    with live reload (the same rules hold for both)."""
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
    (site / "inner").mkdir()
    (site / "inner" / "index.html").symlink_to(tmp_path / "private" / "notes.txt")
    live = Live() if request.param == "live" else None
    handler = functools.partial(Handler, directory=str(site), live=live)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def get(path: str) -> tuple[int, bytes]:
        status, body = fetch(server.server_port, path)
        if live is not None:  # the script is the only difference
            body = body.replace(with_script(b"", live.now().version), b"")
        return status, body

    yield get
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
    assert get("/inner/")[0] == 404  # nor a folder's index page that links out
    assert get("/prog/here.html") == (200, b"<p>programme</p>")  # a link within the site is


# ---------------------------------------------------------------- watching


def vim_save(path: Path, text: str) -> None:
    """vim's backup-and-write: the file renamed to a backup, a new one written, the backup
    deleted."""
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text, "utf-8")
    backup.unlink()


def replace_save(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, "utf-8")
    os.replace(temp, path)


def in_place_save(path: Path, text: str) -> None:
    with path.open("r+", encoding="utf-8") as f:
        f.truncate()
        f.write(text)


SAVES = [in_place_save, replace_save, vim_save]


@pytest.mark.parametrize("save", SAVES)
def test_every_save_style_is_seen(tmp_path, save):
    spec, other = tmp_path / "a.yaml", tmp_path / "b.yaml"
    spec.write_text(VALID, "utf-8")
    other.write_text(VALID, "utf-8")
    watcher = Watcher([spec, other])
    first = watcher.poll()
    assert first is not None and first.changed == (spec, other)
    assert watcher.poll() is None
    save(spec, VALID.replace("Test programme", "Test programmf"))  # the same size
    change = watcher.poll()
    assert change is not None and change.changed == (spec,)
    assert watcher.poll() is None


def test_a_spec_missing_mid_save_is_waited_for(tmp_path):
    spec = tmp_path / "a.yaml"
    spec.write_text(VALID, "utf-8")
    watcher = Watcher([spec], patience=30)
    watcher.poll()
    backup = spec.with_name("a.yaml~")
    os.rename(spec, backup)

    def write_and_drop_the_backup() -> None:
        spec.write_text(VALID + "\n", "utf-8")
        backup.unlink()

    written = threading.Timer(0.3, write_and_drop_the_backup)
    written.start()
    change = watcher.poll()
    written.join()
    assert change is not None and change.changed == (spec,)
    assert dict(watcher.seen.specs)[spec] is not None  # seen once it was back


def test_a_template_change_changes_every_programme(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.j2").write_text("one")
    monkeypatch.setattr("progen.preview.watch.templates_dir", lambda: templates)
    specs = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    for spec in specs:
        spec.write_text(VALID, "utf-8")
    watcher = Watcher(specs)
    watcher.poll()
    (templates / ".page.j2.swp").write_text("an editor's swap file")
    assert watcher.poll() is None
    (templates / "page.j2").write_text("two")
    change = watcher.poll()
    assert change is not None and change.changed == tuple(specs)


# ---------------------------------------------------------------- what a served page gets


def test_only_downloads_of_programmes_being_rebuilt_say_updating():
    page = (
        b'<a href="../prog.pdf">Handbook</a> <a href="../calendars/g.ics">Calendar</a> '
        b'<a href="../sessions/s01.html">Session</a> <a href="https://example.org/x.pdf">Out</a>'
        b' <a href="../../other/other.pdf">Other</a>'
    )
    marked = mark_updating(page, "/prog/groups/g.html", frozenset({"prog"})).decode()
    assert f'<a href="../prog.pdf" data-progen="updating">Handbook{UPDATING}</a>' in marked
    assert f"Calendar{UPDATING}</a>" in marked
    assert '<a href="../sessions/s01.html">Session</a>' in marked
    assert '<a href="https://example.org/x.pdf">Out</a>' in marked
    assert '<a href="../../other/other.pdf">Other</a>' in marked
    index = b'<a href="prog/prog.pdf">Handbook</a> <a href="prog/index.html">Site</a>'
    marked = mark_updating(index, "/", frozenset({"prog"})).decode()
    assert f"Handbook{UPDATING}" in marked and "Site</a>" in marked
    assert mark_updating(page, "/prog/groups/g.html", frozenset()) == page


def test_the_problems_page_shows_problems_as_text():
    page = problems_page("spec.yaml:3:10: programme.title: <script>alert(1)</script>").decode()
    assert "spec.yaml:3:10: programme.title: &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page


def test_the_script_goes_before_the_last_body_end():
    page = with_script(b"<html><body><p>x</p></body></html>", 7)
    assert page.startswith(b"<html><body><p>x</p><script>")
    assert page.endswith(b"</script>\n</body></html>")
    assert f"{ENDPOINT}?v=".encode() in page and b"(7)" in page
    assert with_script(b"<p>no body</p>", 7).startswith(b"<p>no body</p><script>")


def test_a_poll_is_answered_when_the_version_moves():
    live = Live()
    seen = live.now().version
    assert live.wait(seen, timeout=0.05) == seen  # nothing new: answered after the wait
    threading.Timer(0.1, live.show, (frozenset(), None)).start()
    assert live.wait(seen, timeout=60) == seen + 1


# ---------------------------------------------------------------- the preview, served

GOOD = swap(VALID, "    count: 7", "    count: 4")
BAD = swap(GOOD, "  stage: early", "  stage: erly")
PAGE = "/test-programme/index.html"
# The background build waits for this file, so a test sees the pages before the PDF.
GATED = (
    sys.executable,
    "-c",
    "import os, sys, time\n"
    "while not os.path.exists(sys.argv[1]): time.sleep(0.02)\n"
    "from progen.cli import main\n"
    "main(sys.argv[2:], 'progen')",
)


class Served:
    """A preview of one spec in a project folder, served on a free port, polled in a
    thread; its background build waits until `release()`."""

    def __init__(self, project: Path) -> None:
        self.spec = Path("programmes/test.yaml")
        (project / "programmes").mkdir()
        self.spec.write_text(GOOD, "utf-8")
        self.out = Path("site")
        self.gate = project / "gate"
        self.lines: list[str] = []
        self.preview = Preview(
            [self.spec], self.out, echo=self.lines.append, command=(*GATED, str(self.gate))
        )
        self.server = listening(self.preview, 0)
        self.stop = threading.Event()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.poller = threading.Thread(target=self.preview.run, args=(self.stop, 0.05))
        self.poller.start()

    def get(self, path: str = PAGE) -> tuple[int, str]:
        status, body = fetch(self.server.server_port, path)
        return status, body.decode("utf-8")

    def shows(self, text: str, path: str = PAGE) -> bool:
        status, body = self.get(path)
        return status == 200 and text in body

    def release(self) -> None:
        self.gate.touch()

    def close(self) -> None:
        self.stop.set()
        self.poller.join()
        self.server.shutdown()
        self.server.server_close()
        self.preview.close()


@pytest.fixture
def served(tmp_path, monkeypatch) -> Iterator[Served]:
    monkeypatch.chdir(tmp_path)
    preview = Served(tmp_path)
    yield preview
    preview.close()


def test_it_listens_on_this_machine_only(served):
    assert served.server.server_address[0] == "127.0.0.1"


def test_pages_come_first_then_the_pdf_and_the_result_is_what_build_makes(served, tmp_path):
    eventually(lambda: served.shows("<title>Test programme</title>"))
    _, page = served.get()
    # the pages are there before the PDF, whose link says so: the build has not begun
    assert f"Handbook to print (PDF){UPDATING}" in page
    assert not (served.out / "test-programme").exists()
    assert ENDPOINT in page
    eventually(lambda: served.shows("Test programme", "/"))  # the index lists it too
    assert UPDATING in served.get("/")[1]
    version = served.preview.live.now().version

    served.release()
    eventually(lambda: served.shows("Handbook to print (PDF)</a>"))
    assert (served.out / "test-programme" / "test-programme.pdf").is_file()
    assert UPDATING not in served.get()[1]
    status, answer = fetch(served.server.server_port, f"{ENDPOINT}?v={version}")
    assert status == 200 and int(answer) > version  # an open page reloads

    # what lands on disk is exactly what `progen build` makes, without the script
    fresh = tmp_path / "fresh"
    command = [sys.executable, "-m", "progen", "build", "--out", str(fresh), str(served.spec)]
    subprocess.run(command, check=True, capture_output=True)
    assert tree(served.out) == tree(fresh)
    for path in served.out.rglob("*.html"):
        assert ENDPOINT.encode() not in path.read_bytes()


def test_every_save_style_shows_and_problems_replace_the_site_until_fixed(served):
    eventually(lambda: served.shows("<title>Test programme</title>"))
    for n, save in enumerate(SAVES):
        title = f"Saved {save.__name__} {n}"
        save(served.spec, GOOD.replace("title: Test programme", f"title: {title}"))
        eventually(lambda title=title: served.shows(f"<title>{title}</title>"))

    in_place_save(served.spec, BAD.replace("title: Test programme", "title: A <b>bold</b> one"))
    eventually(lambda: served.shows("Problems to fix"))
    for path in (PAGE, "/", "/test-programme/sessions/s01.html"):
        _, page = served.get(path)
        assert f"{served.spec}:8:10: context.stage: &#x27;erly&#x27; is not one of" in page
        assert ENDPOINT in page  # so that it is replaced when the spec is fixed
    assert not (served.out / "test-programme").exists()  # nothing written for a broken spec

    replace_save(served.spec, GOOD.replace("title: Test programme", "title: Fixed"))
    eventually(lambda: served.shows("<title>Fixed</title>"))
    assert "Problems to fix" not in served.get("/")[1]


def ended(pid: int) -> bool:
    """Whether the process has ended (gone, or a zombie no one has reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True


def test_stopping_the_background_build_ends_every_process_it_started(tmp_path):
    started = tmp_path / "child"
    script = (
        "import os, sys, time\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    time.sleep(120)\n"
        "    os._exit(0)\n"
        "open(sys.argv[1], 'w').write(str(child))\n"
        "time.sleep(120)\n"
    )
    background = Background((sys.executable, "-c", script))
    background.start([str(started)], 1)
    eventually(lambda: started.is_file() and started.read_text() != "")
    assert background.finished() is None
    assert background.stop() is True
    assert ended(int(started.read_text()))
    assert not background.running and background.stop() is False
