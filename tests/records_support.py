"""Shared by the records tests: a records folder written from text, a workbook made from
rows, and a small programme to record."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from conftest import VALID, swap

from progen.errors import Problem, UserError
from progen.records.model import Records
from progen.records.read import read_records

FOLDER = "rec"  # the records folder, as problems show it (tests chdir to tmp_path)

# VALID with a measure on discharge and a second task, with no measure.
SPEC = swap(
    VALID,
    "    stakeholders: [ward-managers, social-workers]\n",
    "    measure: {name: days delayed, unit: days, baseline: 6, target: 2}\n"
    "    stakeholders: [ward-managers, social-workers]\n"
    "  - id: carers-voice\n"
    "    title: Carers heard\n"
    "    aim: Hear carers at every discharge\n"
    "    stakeholders: [ward-managers]\n",
)


def folder_with(root: Path, files: dict[str, str | bytes]) -> Path:
    """The records folder `root/rec` holding `files` (text is written as UTF-8)."""
    folder = root / FOLDER
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def read_or_problems() -> Records | list[Problem]:
    """The records in ./rec, or the problems reading them gives."""
    try:
        return read_records(Path(FOLDER), "p")
    except UserError as err:
        return list(err.problems)


def headlines(files: dict[str, str | bytes]) -> list[str]:
    """The headlines reading ./rec holding `files` gives, in order ([] when it reads)."""
    folder_with(Path("."), files)
    found = read_or_problems()
    return [p.headline() for p in found] if isinstance(found, list) else []


def workbook(sheets: dict[str, list[tuple]]) -> bytes:
    """A workbook with one sheet per entry, rows as given (the first is the header)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def patched(raw: bytes, member: str, old: str, new: str) -> bytes:
    """The zip `raw` with `old` replaced by `new` in one member."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                text = data.decode("utf-8")
                assert old in text, text
                data = text.replace(old, new).encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()
