"""The terminal summary printed by `progen plan`, from a Jinja template."""

from __future__ import annotations

import datetime as dt
import textwrap

import jinja2

from progen.design.model import Programme
from progen.resources import templates_dir


def _wrap(text: str, indent: int) -> str:
    pad = " " * indent
    return textwrap.fill(text, width=92, initial_indent=pad, subsequent_indent=pad)


def _names(ids, p: Programme) -> str:
    return ", ".join(p.spec.stakeholder(i).name for i in ids)


def summary(p: Programme) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        wrap=_wrap,
        names=_names,
        longdate=lambda d: d.strftime("%a %-d %B %Y"),
        shortdate=lambda d: d.strftime("%a %d %b %Y") if isinstance(d, dt.date) else d,
    )
    return env.get_template("plan.txt.j2").render(p=p)
