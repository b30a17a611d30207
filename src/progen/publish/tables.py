"""Action-learning set rosters and meetings as CSV, safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return) would be read by
Excel, LibreOffice or Sheets as a formula; such cells get a leading apostrophe so
they stay text (OWASP "CSV injection"). The file is UTF-8 with a byte-order mark
so Excel reads accented names correctly.
"""

from __future__ import annotations

import csv
import io

from progen.design.model import Programme, clock

HEADER = (
    "set",
    "task",
    "adviser",
    "name",
    "group",
    "organisation",
    "level",
    "location",
    "first meeting",
    "meetings (adviser)",
)
MEETINGS_HEADER = ("set", "task", "meeting", "date", "start", "end", "venue", "adviser")
RISKY = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> str:
    """The cell as text that no spreadsheet will evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(RISKY) else text


def roster_rows(p: Programme) -> list[tuple[str, ...]]:
    spec = p.spec
    tasks = {t.id: t.title for t in spec.tasks}
    groups = {g.id: g.name for g in spec.stakeholders}
    orgs = {o.id: o.name for o in spec.organisations}
    rows = []
    for s in p.sets:
        first = s.meetings[0].isoformat() if s.meetings else ""
        schedule = "; ".join(
            f"{m.date.isoformat()} ({m.adviser or 'self-managed'})" for m in s.schedule
        )
        for m in s.members:
            rows.append(
                (
                    s.id,
                    tasks.get(s.task, s.task),
                    s.facilitator or "self-managed",
                    m.name,
                    groups.get(m.stakeholder, m.stakeholder),
                    orgs.get(m.organisation, m.organisation),
                    m.level,
                    m.location,
                    first,
                    schedule,
                )
            )
    return rows


def meeting_rows(p: Programme) -> list[tuple[str, ...]]:
    tasks = {t.id: t.title for t in p.spec.tasks}
    return [
        (
            s.id,
            tasks.get(s.task, s.task),
            str(n),
            m.date.isoformat(),
            m.start,
            clock(m.start, s.minutes),
            m.venue or "to be arranged",
            m.adviser or "self-managed",
        )
        for s in p.sets
        for n, m in enumerate(s.schedule, 1)
    ]


def csv_bytes(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> bytes:
    """CRLF line ends, UTF-8 with BOM, every cell inert."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([inert(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sets_csv(p: Programme) -> bytes:
    """sets.csv: one row per set member, with the set's meetings and the adviser at each."""
    return csv_bytes(HEADER, roster_rows(p))


def set_meetings_csv(p: Programme) -> bytes:
    """set-meetings.csv: one row per set meeting, with its time, venue and the adviser at that
    meeting."""
    return csv_bytes(MEETINGS_HEADER, meeting_rows(p))
