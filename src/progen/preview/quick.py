"""A changed programme's pages, at once, in a preview folder laid over the output folder.

The site pages are what an author looks at after a save, and they take about half a
second; the handbook PDF takes ten times that. So the preview writes only the pages (and
programme.json, which the index reads) into a folder of its own, and the ordinary
`progen build` follows in the background (`background`). The preview folder sits outside
the output folder: the output folder only ever changes through `build`, so its safety
rules (only progen's own files are replaced, staged and swapped in under a lock) and its
byte-for-byte output hold by construction, and a preview stopped at any instant leaves
it as the last build left it. The pages are laid out as `build` lays them out (the same
renderer, the same SOURCE_DATE_EPOCH), so what the preview shows first is what the
build then publishes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from progen.publish.index import entry, in_order, index_html, programmes_in
from progen.publish.programme import progress_of, renderers
from progen.publish.programme_json import programme_json
from progen.publish.timestamps import source_date_epoch


def write_pages(found, preview: Path) -> str:
    """The site pages of one validated programme (`validation.Validated`), put in place
    as `preview/<id>/` in one rename; returns the programme's id."""
    write_site, _ = renderers()
    programme = found.programme
    pid = programme.id
    fresh = Path(tempfile.mkdtemp(prefix=f".{pid}.", dir=preview))
    try:
        with source_date_epoch(programme.spec.programme.start):
            write_site(programme, fresh, progress_of(programme, found.records))
        (fresh / "programme.json").write_bytes(programme_json(programme).encode("utf-8"))
        replace_folder(fresh, preview / pid)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return pid


def replace_folder(fresh: Path, target: Path) -> None:
    """`fresh` renamed to `target`, the old `target` renamed aside first and then deleted:
    a request meanwhile finds either folder, or (for an instant) the output folder's."""
    aside = target.with_name(f".{target.name}.old")
    if target.exists():
        os.replace(target, aside)
    os.replace(fresh, target)
    shutil.rmtree(aside, ignore_errors=True)


def drop(preview: Path, pid: str) -> None:
    """Forget a programme's preview: the output folder has caught up with it."""
    shutil.rmtree(preview / pid, ignore_errors=True)


def write_index(preview: Path, out: Path) -> None:
    """The index page as the output folder's would read with the previewed programmes
    published, or no preview index when nothing is previewed."""
    page = preview / "index.html"
    previewed = {
        folder.name: listed
        for folder in sorted(preview.iterdir())
        if folder.is_dir()
        and not folder.name.startswith(".")
        and (listed := entry(folder)) is not None
    }
    if not previewed:
        page.unlink(missing_ok=True)
        return
    published = {e["id"]: e for e in programmes_in(out)}
    text = index_html(in_order(list((published | previewed).values())))
    fresh = page.with_name(".index.html.new")
    fresh.write_text(text, "utf-8")
    os.replace(fresh, page)
