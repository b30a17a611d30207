"""The programme as an RFC 5545 calendar: one event per session and per set meeting.

Times are local Europe/London wall-clock times with a VTIMEZONE, and DTSTAMP comes from
SOURCE_DATE_EPOCH (or a value derived from the spec), never the clock, so the same spec
gives the same bytes.

User text cannot start a line or a component: one-line properties (SUMMARY,
LOCATION) have every line break turned into a space, descriptions keep theirs as
escaped `\\n`, control characters are dropped, and icalendar escapes `, ; \\`.
Sessions and set meetings carry their venue (design/venues.py) as LOCATION.

Besides the whole programme's calendar there is one per stakeholder group and one per set:
an event has the same UID in every file, derived from what it is (the programme, and a
session's module, task and occurrence, or a set's id and meeting number), never from a
session's number or date. A subscribed calendar then updates in place: an event that moves
keeps its UID, and adding a session elsewhere changes no other UID.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
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


def session_uid(p: Programme, s: Session) -> str:
    """The session's UID: the programme and what the session is (module, task, occurrence),
    never its number or date, so it survives a rebuild in which it moves or sessions are
    added before it."""
    return f"{p.id}.{s.key}@progen"


def meeting_uid(p: Programme, s: ActionLearningSet, n: int) -> str:
    """The n-th meeting of a set (1-based): programme, set and meeting number."""
    return f"{p.id}.{s.id}.{n}@progen"


def _session_event(p: Programme, s: Session, stamp: dt.datetime):
    from icalendar import Event

    start = _local(s.date, s.start)
    event = Event()
    event.add("uid", session_uid(p, s))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=s.minutes))
    event.add("summary", one_line(f"{s.title} ({p.title})"))
    lines = [s.summary, "", f"For: {_names(p, s.audience)}"]
    if s.held:
        lines[:0] = ["Held: attendance recorded.", ""]
    if s.facilitators:
        lines.append(f"Facilitators: {', '.join(s.facilitators)}")
    if s.task:
        lines.append(f"Task: {_task_title(p, s.task)}")
    lines += ["", "Agenda:"] + [f"{a.start} {a.item} ({a.minutes} min)" for a in s.agenda]
    event.add("description", multi_line("\n".join(lines).strip()))
    if s.venue:
        event.add("location", one_line(s.venue))
    event.add("categories", [one_line(f"progen {s.phase}")])
    return event


def _task_title(p: Programme, task_id: str) -> str:
    return next((t.title for t in p.spec.tasks if t.id == task_id), task_id)


def _adviser(s: ActionLearningSet, n: int) -> str:
    adviser = s.schedule[n - 1].adviser
    if adviser:
        return adviser
    if s.facilitator is None:
        return "none, the set manages itself"
    return f"none at this meeting; the set now runs itself ({s.facilitator} advised earlier)"


def _set_events(p: Programme, s: ActionLearningSet, stamp: dt.datetime):
    from icalendar import Event

    members = ", ".join(m.name for m in s.members)
    for n, meeting in enumerate(s.schedule, start=1):
        start = _local(meeting.date, meeting.start)
        event = Event()
        event.add("uid", meeting_uid(p, s, n))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=s.minutes))
        event.add(
            "summary",
            one_line(
                f"Action-learning {s.id.replace('-', ' ')} meeting {n} of {len(s.schedule)}: "
                f"{_task_title(p, s.task)}"
            ),
        )
        event.add(
            "description",
            multi_line(f"{s.purpose}\n\nSet adviser: {_adviser(s, n)}\nMembers: {members}"),
        )
        if meeting.venue:
            event.add("location", one_line(meeting.venue))
        event.add("categories", ["progen action-learning set"])
        yield event


class Calendars:
    """Every calendar of one programme: the whole programme's, one per stakeholder group and
    one per set. An event is the same in every calendar it appears in, UID and all, so a
    person who subscribes to two of them sees it once; each is serialised once and its
    bytes shared, as a region's group calendars hold tens of thousands of events between
    them. The bytes are what icalendar writes for the whole calendar (CRLF lines, UTF-8)."""

    def __init__(self, p: Programme) -> None:
        stamp = dt.datetime.fromtimestamp(build_epoch(p.spec.programme.start), tz=dt.UTC)
        self.p = p
        self._sessions = {s.id: _session_event(p, s, stamp).to_ical() for s in p.sessions}
        self._meetings = {st.id: [e.to_ical() for e in _set_events(p, st, stamp)] for st in p.sets}
        self._timezones: dict[tuple[int, int], bytes] = {}

    def _timezone(self, first: int, last: int) -> bytes:
        """The VTIMEZONE covering the years first..last, as icalendar writes it."""
        if (first, last) not in self._timezones:
            from icalendar import Calendar, Event

            cal, event = Calendar(), Event()
            event.add("dtstart", _local(dt.date(first, 1, 1), "00:00"))  # names the TZID
            cal.add_component(event)
            cal.add_missing_timezones(
                first_date=dt.date(first, 1, 1), last_date=dt.date(last + 1, 1, 1)
            )
            self._timezones[first, last] = b"".join(
                c.to_ical() for c in cal.subcomponents if c.name == "VTIMEZONE"
            )
        return self._timezones[first, last]

    def _calendar(
        self, name: str, sessions: Iterable[Session], sets: Iterable[ActionLearningSet]
    ) -> bytes:
        """These sessions and every meeting of these sets."""
        from icalendar import Calendar, vText

        sessions, sets = tuple(sessions), tuple(sets)
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", vText(one_line(name)))
        cal.add("x-wr-timezone", TZID)
        head = cal.to_ical().removesuffix(b"END:VCALENDAR\r\n")
        days = [s.date for s in sessions] + [d for a in sets for d in a.meetings]
        timezone = self._timezone(min(days).year, max(days).year) if days else b""
        events = [self._sessions[s.id] for s in sessions]
        events += [e for a in sets for e in self._meetings[a.id]]
        return head + timezone + b"".join(events) + b"END:VCALENDAR\r\n"

    def whole(self) -> bytes:
        """The programme's sessions and set meetings."""
        return self._calendar(self.p.title, self.p.sessions, self.p.sets)

    def group(self, group_id: str) -> bytes:
        """One stakeholder group's calendar: the sessions it is in the audience of, and every
        meeting of every set that holds one of its members."""
        name = f"{self.p.title}: {self.p.spec.stakeholder(group_id).name}"
        return self._calendar(name, self.p.sessions_for(group_id), self.p.sets_with(group_id))

    def set(self, aset: ActionLearningSet) -> bytes:
        """One set's meetings."""
        return self._calendar(f"{self.p.title}: {aset.id}", (), (aset,))


def calendar_ics(p: Programme) -> bytes:
    """The whole programme's calendar (Calendars.whole)."""
    return Calendars(p).whole()
