"""The one way progen makes a Jinja environment over templates/.

Undefined names are errors, so a typo in a template fails the build instead of
quietly printing nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2

from progen.resources import templates_dir


def environment(**options: Any) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        **options,
    )


def longdate(d: dt.date) -> str:
    """'Tuesday 12 January 2027': how dates read in prose."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def shortdate(d: dt.date) -> str:
    """'Tue 12 Jan 2027': how dates read in tables and lists."""
    return f"{d:%a} {d.day} {d:%b %Y}"
