"""The terminal summary printed by `progen plan`, from a Jinja template."""

from __future__ import annotations

import textwrap

from progen.design.model import Programme
from progen.publish.templating import environment, longdate, shortdate


def _wrap(text: str, indent: int) -> str:
    pad = " " * indent
    return textwrap.fill(text, width=92, initial_indent=pad, subsequent_indent=pad)


def _names(ids, p: Programme) -> str:
    return ", ".join(p.spec.stakeholder(i).name for i in ids)


def summary(p: Programme) -> str:
    env = environment(keep_trailing_newline=True)
    env.filters.update(
        wrap=_wrap,
        names=_names,
        longdate=longdate,
        shortdate=shortdate,
    )
    return env.get_template("plan.txt.j2").render(p=p)
