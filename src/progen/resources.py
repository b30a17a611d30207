"""Where progen's own data lives: the schemas and templates.

In a wheel they ship inside the package (`progen/_data`); in a source checkout or
an editable install they are the repository's top-level folders, so editing a
template in the repo takes effect without reinstalling.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    bundled = _PACKAGE / "_data"
    if (bundled / "schemas").is_dir():
        return bundled
    return _PACKAGE.parent.parent


def schemas_dir() -> Path:
    return data_root() / "schemas"


def templates_dir() -> Path:
    return data_root() / "templates"
