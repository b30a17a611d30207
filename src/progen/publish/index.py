"""site/index.html: every programme present in the output folder.

The index is rebuilt from the `programme.json` files already published, so it
lists programmes built by earlier runs too. Only folders progen published (named
as a programme id, holding progen's manifest) are listed, links are built from
those names (never from text in a spec), and Jinja autoescaping keeps every title
and name as text. The page is sealed (see `ownership`) so a later build knows it
as progen's, and it is never written through a link.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import quote

from progen import __version__
from progen.publish.ownership import OutputInTheWay, claimed, index_problems, seal
from progen.publish.staging import replace_file
from progen.publish.templating import environment

ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def _date_text(value: object) -> str:
    try:
        return dt.date.fromisoformat(str(value)).strftime("%a %-d %B %Y")
    except ValueError:
        return str(value)


def entry(folder: Path) -> dict | None:
    """The index's entry for the programme published in `folder`, from its programme.json
    (None when that cannot be read); `progen serve` lists a previewed programme with it."""
    pid = folder.name
    try:
        data = json.loads((folder / "programme.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    base = quote(pid)
    orgs = data.get("organisations") or []
    return {
        "id": pid,
        "title": str(data.get("title") or pid),
        "start": str(data.get("start", "")),
        "end": str(data.get("end", "")),
        "start_text": _date_text(data.get("start", "")),
        "end_text": _date_text(data.get("end", "")),
        "weeks": data.get("weeks") if isinstance(data.get("weeks"), int) else None,
        "sessions": len(data.get("sessions") or []),
        "sets": len(data.get("action_learning_sets") or []),
        "organisations": [str(o.get("name", "")) for o in orgs if isinstance(o, dict)],
        "href": f"{base}/index.html",
        "pdf": f"{base}/{base}.pdf",
        "ics": f"{base}/{base}.ics",
        "csv": f"{base}/sets.csv",
        "json": f"{base}/programme.json",
    }


def programmes_in(out: Path) -> list[dict]:
    """Every published programme under `out`, by start date, then title, then id."""
    if not out.is_dir():
        return []
    found = []
    for folder in sorted(out.iterdir()):
        if ID.match(folder.name) and claimed(folder, folder.name):
            listed = entry(folder)
            if listed is not None:
                found.append(listed)
    return in_order(found)


def in_order(programmes: list[dict]) -> list[dict]:
    """Index entries as the index lists them: by start date, then title, then id."""
    return sorted(programmes, key=lambda e: (e["start"], e["title"], e["id"]))


def index_html(programmes: list[dict]) -> str:
    env = environment(autoescape=True, keep_trailing_newline=True)
    return env.get_template("index.html.j2").render(programmes=programmes, version=__version__)


def write_index(out: Path) -> bool:
    """Rewrite out/index.html from what is in `out` now (never through a link).

    Returns whether it changed; an index that is already right is not touched. Raises
    OutputInTheWay when the index.html there is not one progen wrote.
    """
    target = out / "index.html"
    data = seal(index_html(programmes_in(out)))
    problems = index_problems(target)
    if problems:
        raise OutputInTheWay(problems)
    if target.is_file() and target.read_bytes() == data:
        return False
    replace_file(target, data)
    return True
