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


@cache
def template_data(name: str) -> dict:
    """One of progen's own YAML data files in templates/ (bibliography, context words, core
    reasons): trusted, so read once with the fast safe loader and shared."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((templates_dir() / name).read_text("utf-8"), Loader=loader)
