"""Where specs are found when the user names none: every programmes/*.yaml here."""

from __future__ import annotations

from pathlib import Path

PROGRAMMES = Path("programmes")


def programme_files(folder: Path = PROGRAMMES) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
