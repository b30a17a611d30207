"""The calendar (ICS) and the set rosters (CSV): structure, stability and hostile text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import REPO, VALID, swap
from icalendar import Calendar

from progen.design.assemble import assemble
from progen.publish.calendar import calendar_ics
from progen.publish.tables import HEADER, inert, sets_csv
from progen.spec.validate import read_spec

BUNDLED = sorted((REPO / "programmes" / "examples").glob("*.yaml"))

# Line feeds are the only line breaks a spec may hold (carriage returns and other control
# characters are refused by the schema), so they carry the injection attempt.
INJECTION = "Evil\nBEGIN:VEVENT\nUID:injected@evil\nSUMMARY:owned\nEND:VEVENT\nX"

# A spec whose every free-text field a roster or calendar shows is hostile.
HOSTILE = swap(
    swap(
        swap(
            swap(VALID, "title: Test programme", f"title: {INJECTION!r}".replace("'", '"')),
            "    location: Main site",
            '    location: "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"',
        ),
        "people: [Alex Brown, Sam Green, Jo White]",
        'people: ["=1+2", "+cmd|\' /C calc\'!A0", "@SUM(A1)", "-2+3", "\\tTab", "Ok Name"]',
    ),
    "    title: Home from hospital\n",
    '    title: "Home\\nEND:VCALENDAR"\n',
)


def programme_of(path: Path):
    return assemble(read_spec(path))


@pytest.fixture(scope="module", params=BUNDLED, ids=lambda p: p.stem)
def bundled(request):
    return programme_of(request.param)


@pytest.fixture
def hostile(spec):
    return assemble(spec(HOSTILE))


def events(ics: bytes):
    return [c for c in Calendar.from_ical(ics).walk("VEVENT")]


# ---------------------------------------------------------------- ICS


def test_one_event_per_session_and_set_meeting(bundled):
    found = events(calendar_ics(bundled))
    meetings = sum(len(s.meetings) for s in bundled.sets)
    assert len(found) == len(bundled.sessions) + meetings
    uids = [str(e["UID"]) for e in found]
    assert len(set(uids)) == len(uids)
    assert {f"{bundled.id}.{s.key}@progen" for s in bundled.sessions} <= set(uids)
    for aset in bundled.sets:
        for n in range(1, len(aset.meetings) + 1):
            assert f"{bundled.id}.{aset.id}.{n}@progen" in uids


def test_times_are_europe_london_with_a_timezone(bundled):
    ics = calendar_ics(bundled)
    cal = Calendar.from_ical(ics)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    first = bundled.sessions[0]
    event = next(e for e in events(ics) if str(e["UID"]) == f"{bundled.id}.{first.key}@progen")
    start = event.decoded("DTSTART")
    assert start.date() == first.date
    assert start.strftime("%H:%M") == first.start
    assert str(start.tzinfo) == "Europe/London"
    assert (event.decoded("DTEND") - start).total_seconds() == first.minutes * 60
    assert b"DTSTART;TZID=Europe/London:" in ics


def test_calendar_is_byte_stable_and_uses_no_wall_clock(bundled, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = calendar_ics(bundled)
    assert first == calendar_ics(bundled)
    start = bundled.spec.programme.start.strftime("%Y%m%d")
    assert f"DTSTAMP:{start}T000000Z".encode() in first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert b"DTSTAMP:20231114T221320Z" in calendar_ics(bundled)


def test_lines_are_crlf_and_folded(bundled):
    ics = calendar_ics(bundled)
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and ics.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))


def test_ics_line_injection_stays_inert(hostile):
    ics = calendar_ics(hostile)
    unfolded = ics.replace(b"\r\n ", b"")
    lines = unfolded.split(b"\r\n")
    # No hostile text ever starts a line: it cannot open a component or set a property.
    assert lines.count(b"BEGIN:VEVENT") == len(events(ics))
    assert b"UID:injected@evil" not in lines
    assert b"SUMMARY:owned" not in lines
    assert lines.count(b"END:VCALENDAR") == 1
    assert len(events(ics)) == len(hostile.sessions) + sum(len(s.meetings) for s in hostile.sets)
    assert all(str(e["UID"]).endswith("@progen") for e in events(ics))
    # ...and it survives as text, on one line, in the event titles.
    summaries = [str(e["SUMMARY"]) for e in events(ics)]
    assert any(" ".join(INJECTION.split()) in s for s in summaries)
    assert any("Home END:VCALENDAR" in s for s in summaries)


# ---------------------------------------------------------------- CSV


def rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_one_row_per_set_member(bundled):
    table = rows(sets_csv(bundled))
    assert tuple(table[0]) == HEADER
    assert len(table) - 1 == sum(len(s.members) for s in bundled.sets)
    assert {r[3] for r in table[1:]} == {m.name for s in bundled.sets for m in s.members}
    first = bundled.sets[0]
    assert table[1][0] == first.id
    assert table[1][8] == first.meetings[0].isoformat()
    assert sets_csv(bundled) == sets_csv(bundled)


@pytest.mark.parametrize(
    "cell", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']
)
def test_formula_cells_are_neutralised(cell):
    assert inert(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Ward manager 1", "", "O'Brien", "Dr A. Example", "2027-03-01"])
def test_ordinary_cells_are_unchanged(cell):
    assert inert(cell) == cell


def test_hostile_roster_cannot_run_formulas(hostile):
    table = rows(sets_csv(hostile))
    cells = [c for r in table[1:] for c in r]
    assert cells, "the hostile spec should still form a set"
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    names = {r[3] for r in table[1:]}
    assert "'=1+2" in names or "'@SUM(A1)" in names or "'-2+3" in names
    assert any(c.startswith("'=HYPERLINK(") for c in cells)
