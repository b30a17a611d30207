"""The programme as an RFC 5545 calendar: one event per session and per set meeting.

UIDs are derived from the programme, session and set ids, so re-importing an
updated calendar moves events instead of duplicating them. Times are local
Europe/London wall-clock times with a VTIMEZONE, and DTSTAMP comes from
SOURCE_DATE_EPOCH (or a value derived from the spec), never the clock, so the
same spec gives the same bytes.

User text cannot start a line or a component: one-line properties (SUMMARY,
LOCATION) have every line break turned into a space, descriptions keep theirs as
escaped `\\n`, control characters are dropped, and icalendar escapes `, ; \\`.
Set meetings are placed where most of the set's members are based.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

from progen.design.model import ActionLearningSet, Programme, Session
from progen.publish.timestamps import build_epoch

TZID = "Europe/London"
PRODID = "-//progen//leadership programme//EN"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def one_line(value: object) -> str:
    """Text for a one-line property (SUMMARY, LOCATION): whitespace runs become one space."""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def multi_line(value: object) -> str:
    """Text for DESCRIPTION: line breaks kept as \\n (icalendar escapes them), no controls."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", text)


def _local(day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, hours, minutes, tzinfo=ZoneInfo(TZID))


def _names(p: Programme, ids: tuple[str, ...]) -> str:
    known = {g.id: g.name for g in p.spec.stakeholders}
    return ", ".join(known.get(i, i) for i in ids)


def _set_location(s: ActionLearningSet) -> str:
    """Where most members are based (first in roster order on a tie)."""
    places = Counter(m.location for m in s.members if m.location)
    if not places:
        return ""
    top = max(places.values())
    return next(m.location for m in s.members if places.get(m.location) == top)


def _session_event(p: Programme, s: Session, stamp: dt.datetime):
    from icalendar import Event

    start = _local(s.date, s.start)
    event = Event()
    event.add("uid", f"{p.id}-{s.id}@progen")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=s.minutes))
    event.add("summary", one_line(f"{s.title} ({p.title})"))
    lines = [s.summary, "", f"For: {_names(p, s.audience)}"]
    if s.task:
        lines.append(f"Task: {_task_title(p, s.task)}")
    lines += ["", "Agenda:"] + [f"{a.start} {a.item} ({a.minutes} min)" for a in s.agenda]
    event.add("description", multi_line("\n".join(lines).strip()))
    event.add("categories", [one_line(f"progen {s.phase}")])
    return event


def _task_title(p: Programme, task_id: str) -> str:
    return next((t.title for t in p.spec.tasks if t.id == task_id), task_id)


def _adviser(s: ActionLearningSet, n: int) -> str:
    if s.facilitator is None:
        return "none, the set manages itself"
    if n <= s.adviser_meetings:
        return s.facilitator
    return f"none at this meeting; the set now runs itself ({s.facilitator} advised earlier)"


def _set_events(p: Programme, s: ActionLearningSet, stamp: dt.datetime):
    from icalendar import Event

    location = _set_location(s)
    members = ", ".join(m.name for m in s.members)
    for n, day in enumerate(s.meetings, start=1):
        start = _local(day, s.start)
        event = Event()
        event.add("uid", f"{p.id}-{s.id}-{n}@progen")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=s.minutes))
        event.add(
            "summary",
            one_line(
                f"Action-learning {s.id.replace('-', ' ')} meeting {n} of {len(s.meetings)}: "
                f"{_task_title(p, s.task)}"
            ),
        )
        event.add(
            "description",
            multi_line(f"{s.purpose}\n\nSet adviser: {_adviser(s, n)}\nMembers: {members}"),
        )
        if location:
            event.add("location", one_line(location))
        event.add("categories", ["progen action-learning set"])
        yield event


def calendar_ics(p: Programme) -> bytes:
    """The programme's sessions and set meetings as ICS bytes (CRLF lines, UTF-8)."""
    from icalendar import Calendar, vText

    stamp = dt.datetime.fromtimestamp(build_epoch(p.spec.programme.start), tz=dt.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(one_line(p.title)))
    cal.add("x-wr-timezone", TZID)
    for s in p.sessions:
        cal.add_component(_session_event(p, s, stamp))
    for aset in p.sets:
        for event in _set_events(p, aset, stamp):
            cal.add_component(event)
    days = [s.date for s in p.sessions] + [d for a in p.sets for d in a.meetings]
    if days:
        cal.add_missing_timezones(
            first_date=dt.date(min(days).year, 1, 1), last_date=dt.date(max(days).year + 1, 1, 1)
        )
    return cal.to_ical()
