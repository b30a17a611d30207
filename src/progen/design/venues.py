"""Where each session and each set meeting is held: two design decisions, stated as rules.

The programme's own venue is programme.venue when the spec names one (the organisers
chose it), else the spec's only in-person venue when it names exactly one (there is
nowhere else a room is known).

Each person has a base (`base_venue`): for someone based away from their organisation's
own town, a venue in their town when one is known; else their organisation's venue
(organisations[].venue); else the programme's, unless it is in another town; else one in
their town, or their town itself (a room to be arranged there). A venue is in a town when
its name or address names one of the spec's towns (progen reads the address, as venues
have no town field): "Abbey Road, Gloucester" is no base for staff in Bristol.

A short session (ONLINE_MINUTES or less) whose audience works in more than one town is
held at the spec's online venue, when it names one: no one travels hours for an hour;
except a module marked in_person (psychological safety, say), which needs the room.
Otherwise a session is held at the programme's venue; without one, it goes to its
audience: to the base most of its people have, else to the place most of them are based
(their groups' location), so the fewest people travel.

A set meets at the base most of its members have, counting an online base only when no
member has a room (a set meets face to face wherever it can), or at their most common
location only when none of them has a venue (a town is not a room). When the top is
shared (a set split evenly between two bases, or three), the meetings rotate between those
bases in roster order, so the travelling is shared too. A set that is split unevenly never
rotates: the minority travels, as it would to any meeting.

Venues are display strings: a venue's name, and its address where the spec gives one. An
online venue is a venue like any other. A session or meeting with no venue and no location
anywhere in its audience has none (None), and the outputs say it is to be arranged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from progen.design import thresholds as t
from progen.design.model import ActionLearningSet
from progen.design.participants import Participant
from progen.design.set_plan import set_list
from progen.spec.memo import per_spec
from progen.spec.model import Spec, Venue

# Days of shared rooms the set notes name before they send readers to the set pages.
ROOM_DAYS_NAMED = 12


def venue_text(venue: Venue) -> str:
    """A venue as people read it in a calendar: 'Glangwili Hospital, Carmarthen SA31 2AF'."""
    return f"{venue.name}, {venue.address}" if venue.address else venue.name


def _most(weighted: Iterable[tuple[str, int]]) -> list[str]:
    """The values with the largest total weight, in order of first appearance; none for
    empty values."""
    totals: Counter[str] = Counter()
    for value, weight in weighted:
        if value:
            totals[value] += weight
    if not totals:
        return []
    top = max(totals.values())
    return [value for value in totals if totals[value] == top]


@per_spec
def online_venues(spec: Spec) -> frozenset[str]:
    """The spec's online venues, as sessions, meetings and bases name them."""
    return frozenset(venue_text(v) for v in spec.venues if v.online)


def _organisation_venue(spec: Spec, org_id: str) -> str:
    found = spec.venue(spec.organisation(org_id).venue)
    return venue_text(found) if found else ""


def programme_venue(spec: Spec) -> Venue | None:
    """The programme's venue: the one it names, else the only in-person venue the spec has."""
    named = spec.venue(spec.programme.venue)
    rooms = [v for v in spec.venues if not v.online]
    return named or (rooms[0] if len(rooms) == 1 else None)


def session_venue(
    bases: Bases, audience: Sequence[str], minutes: int = 0, in_person: bool = False
) -> str | None:
    """Where a session for these groups is held (the module docstring's rule): on a tie,
    the venue or place of the first in spec order. An `in_person` session is never moved
    online."""
    spec = bases.spec
    groups = [spec.stakeholder(g) for g in audience]
    online = next((v for v in spec.venues if v.online), None)
    towns = {g.location for g in groups if g.location}
    short = 0 < minutes <= t.ONLINE_MINUTES and not in_person
    if online and short and len(towns) > 1:
        return venue_text(online)
    chosen = programme_venue(spec)
    if chosen and not (in_person and chosen.online):
        return venue_text(chosen)
    found = [(bases(g.organisation, g.location), g.count) for g in groups]
    if in_person:  # a room, never the online venue, even as someone's base
        found = [(venue, n) for venue, n in found if venue not in online_venues(spec)]
    venues = _most(found)
    if venues:
        return venues[0]
    places = _most((g.location, g.count) for g in groups)
    return _unbooked(places[0]) if places else None


def _unbooked(place: str) -> str:
    """A town where no room is known: 'Aberaeron (room to be arranged)'."""
    return f"{place} (room to be arranged)"


def _local_venue(spec: Spec, location: str) -> str:
    """The in-person venue of the first organisation based where `location` is, if any: the
    room nearest someone whose own organisation names none."""
    return _local_venues(spec).get(location, "") if location else ""


@per_spec
def _local_venues(spec: Spec) -> dict[str, str]:
    """Town -> the in-person venue of the first organisation based there that names one,
    worked out once per spec (sessions ask it for every group of every audience)."""
    rooms = {v.id: v for v in spec.venues if not v.online}
    out: dict[str, str] = {}
    for o in spec.organisations:
        if o.location and o.venue in rooms:
            out.setdefault(o.location, venue_text(rooms[o.venue]))
    return out


def base_venue(spec: Spec, organisation: str, location: str) -> str:
    """The room someone of `organisation` based in `location` is nearest: for people based
    away from their organisation's own town, a venue in their town when one is known (the
    district nurses on Skye, not the partnership's centre on the mainland); else their
    organisation's venue, else the programme's, else one in their town, else none ("")."""
    chosen = programme_venue(spec)
    local = _local_venue(spec, location)
    if local and location != spec.organisation(organisation).location:
        return local
    own = _organisation_venue(spec, organisation)
    if own:
        return own
    if chosen and not _elsewhere(spec, chosen, location):
        return venue_text(chosen)
    return local or (_unbooked(location) if location else "")


def _elsewhere(spec: Spec, venue: Venue, location: str) -> bool:
    """Whether the venue's name or address names one of the spec's towns and not
    `location`: a venue that names no town is taken to be reachable from anywhere."""
    named = _venue_towns(spec).get(venue.id, frozenset())
    return bool(named) and bool(location) and location not in named


@per_spec
def _venue_towns(spec: Spec) -> dict[str, frozenset[str]]:
    """Venue id -> the spec's towns (organisations' and groups' locations) its name or
    address names, as whole words in any case ("Weston" is not named by
    "Weston-super-Mare", nor "Bristol" by "Bristol North" when both are towns here)."""
    towns = {o.location for o in spec.organisations} | {g.location for g in spec.stakeholders}
    towns = {town for town in towns if town.strip()}
    found: dict[str, frozenset[str]] = {}
    for v in spec.venues:
        text = f"{v.name} {v.address or ''}"
        named = [
            (town, m.start(), m.end())
            for town in towns
            for m in re.finditer(rf"(?<![\w-]){re.escape(town)}(?![\w-])", text, re.I)
        ]
        # a town named only inside a longer one ("Bristol" in "Bristol North") is not named
        found[v.id] = frozenset(
            town
            for town, start, end in named
            if not any(a <= start and end <= b and b - a > end - start for _, a, b in named)
        )
    return found


class Bases:
    """base_venue for one spec, worked out once per organisation and location (all it
    reads) rather than once for each of thousands of members and audience groups."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._known: dict[tuple[str, str], str] = {}

    def __call__(self, organisation: str, location: str) -> str:
        key = (organisation, location)
        if key not in self._known:
            self._known[key] = base_venue(self.spec, organisation, location)
        return self._known[key]

    def of(self, member: Participant) -> str:
        """The room one member is based at."""
        return self(member.organisation, member.location)


def set_bases(
    members: Sequence[Participant],
    base: Callable[[Participant], str],
    online: frozenset[str] = frozenset(),
) -> list[str]:
    """The venues most of a set's members are based at (`base`: Bases.of), in roster
    order (one, or several that its meetings rotate between), counting `online` venues only
    when no member has a room (a set meets face to face wherever it can); their most
    common locations when none has a venue."""
    found = [(base(m), 1) for m in members]
    rooms = [(venue, n) for venue, n in found if venue and venue not in online]
    return _most(rooms or found) or [
        _unbooked(place) for place in _most((m.location, 1) for m in members)
    ]


def with_venues(bases: Bases, sets: Sequence[ActionLearningSet]) -> tuple[ActionLearningSet, ...]:
    """The sets with a venue at every meeting: their one base, or their shared bases in
    turn."""
    out = []
    for s in sets:
        rooms = set_bases(s.members, bases.of, online_venues(bases.spec))
        schedule = tuple(
            replace(m, venue=rooms[i % len(rooms)] if rooms else None)
            for i, m in enumerate(s.schedule)
        )
        out.append(replace(s, schedule=schedule))
    return tuple(out)


def session_venue_note(spec: Spec) -> str:
    """How sessions find their venue, in the handbook's words."""
    chosen = programme_venue(spec)
    online = (
        f"a session of {t.ONLINE_MINUTES} minutes or less for people in more than one town is "
        f"held online, unless its plan needs people together in one room"
        if any(v.online for v in spec.venues)
        else ""
    )
    if chosen:
        text = f"Every session is held at {venue_text(chosen)}, the programme's venue"
        return (
            f"{text}, except that {online}, so that no one travels far for an hour."
            if online
            else f"{text}."
        )
    rule = (
        "Each session is held at the venue most of its audience are based at (their "
        "organisation's own, or one in their town); where none of them has one, at the place "
        "most of its audience is based" + (f"; {online}" if online else "")
        if any(o.venue for o in spec.organisations)
        else "Each session is held at the place most of its audience is based"
    )
    return f"{rule}, so that the fewest people travel; the session list gives each one's venue."


def set_venue_note(spec: Spec, sets: Sequence[ActionLearningSet]) -> str:
    """How sets find their venue, in the handbook's words, with the sets that rotate."""
    text = (
        "A set meets where most of its members are based: their organisation's own venue, "
        "or else the programme's unless it is in another town, or else a venue in their own "
        "town, or else their town itself, at a room to be arranged. When a set is split "
        "evenly between two or more such places, its meetings rotate between them in turn, "
        "so the travelling is shared."
    )
    rotating = [s.id for s in sets if len({m.venue for m in s.schedule}) > 1]
    if rotating:
        verb = "rotates" if len(rotating) == 1 else "rotate"
        text += f" {set_list(rotating)} {verb} in this way."
    return text + _rooms_note(spec, sets)


def _rooms_note(spec: Spec, sets: Sequence[ActionLearningSet]) -> str:
    """The days on which several sets meet at one venue at once, each needing a room of
    its own (a set works in private), so the organisers book enough rooms."""
    online = online_venues(spec)
    names = {venue_text(v): v.name for v in spec.venues}
    together: Counter[tuple[dt.date, str, str]] = Counter(
        (m.date, m.start, m.venue)
        for s in sets
        for m in s.schedule
        if m.venue and m.venue not in online
    )
    busy = sorted((key, n) for key, n in together.items() if n > 1)
    if not busy:
        return ""
    days = "; ".join(
        f"{n} on {day:%a %-d %b %Y} at {names.get(venue, venue)}"
        for (day, _, venue), n in busy[:ROOM_DAYS_NAMED]
    )
    rest = len(busy) - ROOM_DAYS_NAMED
    more = (
        f"; and on {rest} more day{'s' * (rest > 1)} (set-meetings.csv lists every meeting "
        f"with its venue)"
        if rest > 0
        else ""
    )
    return (
        f" Each set needs a room of its own, as it works in private. Several sets meet at one "
        f"venue at once on these days, so book a room for each: {days}{more}."
    )
