"""Each person's own programme, in a Welsh health board, a Scottish partnership and an English
ICS: venues and start times in the JSON, a page and a calendar per stakeholder group, a
calendar per set, every set meeting in a CSV, and UIDs that survive a rebuild."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import REPO, VALID, base, dump, run_spec, swap
from icalendar import Calendar

import progen.publish.programme as publishing
from progen.design import thresholds as t
from progen.design.assemble import assemble
from progen.design.catalogue import load_catalogue
from progen.design.model import Programme
from progen.design.schedule import Slots
from progen.design.venues import Bases, online_venues
from progen.publish.calendar import Calendars, calendar_ics
from progen.publish.pdf import handbook_html
from progen.publish.site import NAV_GROUPS, write_site
from progen.publish.tables import MEETINGS_HEADER
from progen.records.model import Records
from progen.spec.validate import read_spec

# A Welsh health board with venues: its own, the council's, and an online one for the carers'
# charity. No programme venue, so each session goes to the venue most of its audience's
# organisations share. The 'falls' task holds three people from each of two bases: its one
# set is split evenly and rotates.
WALES = """\
version: 1
programme:
  id: cwm-falls-care
  title: Cwm care together
  start: 2027-09-07
  weeks: 30
  nation: wales
  contact_hours: 40
  session_start: "10:00"
  set_start: "14:00"
venues:
  - {id: ysbyty, name: Ysbyty Cwm education centre, address: "Heol Fawr, Cwmtref CF99 1AA"}
  - {id: neuadd, name: Neuadd y Sir, address: "Cwmtref CF99 2BB"}
  - {id: ar-lein, name: Online (Teams), online: true}
context:
  stage: early
  team_working: {in_teams: 90, real_teams: 40}
  top_team_effective: false
organisations:
  - {id: bwrdd, name: Cwm University Health Board, kind: health-board, location: Cwmtref,
     venue: ysbyty}
  - {id: cyngor, name: Cwm County Borough Council, kind: local-authority, location: Cwmtref,
     venue: neuadd}
  - {id: gofal, name: Cwm carers, kind: voluntary, location: Pontcwm, venue: ar-lein}
tasks:
  - id: discharge
    title: Home without delay
    aim: Cut the median delay from 6 days to 2
    measure: {name: median days delayed, unit: days, baseline: 6, target: 2}
    stakeholders: [ward-sisters, social-workers, carers]
  - id: falls
    title: Fewer falls at home
    aim: Cut falls among people at home by a third
    stakeholders: [therapists, reablement]
stakeholders:
  - {id: ward-sisters, name: Ward sisters, person: ward sister, organisation: bwrdd,
     level: middle, count: 8}
  - {id: social-workers, name: Social workers, organisation: cyngor, level: frontline, count: 5}
  - {id: carers, name: Family carers, organisation: gofal, level: community, count: 4}
  - {id: therapists, name: Community therapists, organisation: bwrdd, level: frontline,
     count: 3}
  - {id: reablement, name: Reablement workers, organisation: cyngor, level: frontline, count: 3}
facilitators:
  - {name: Dr Nia Price, organisation: bwrdd}
  - {name: Owain Roberts, organisation: cyngor}
"""

# A Scottish health and social care partnership and its partners: no venues at all, so
# sessions and sets go where their people are based.
SCOTLAND = """\
version: 1
programme:
  id: glen-partnership
  title: Glen partnership leading together
  start: 2027-08-17
  weeks: 26
  nation: scotland
context:
  stage: improving
  team_working: {in_teams: 85, real_teams: 45}
organisations:
  - {id: glen-hscp, name: Glen Health and Social Care Partnership,
     kind: health-and-social-care-partnership, location: Glenford}
  - {id: glen-gp, name: Glen GP practices, kind: primary-care, location: Kirkton}
  - {id: glen-housing, name: Glen Housing Association, kind: housing, location: Kirkton}
tasks:
  - id: home-care
    title: Care at home without gaps
    aim: Halve unmet home-care hours
    stakeholders: [team-leads, district-nurses, gps, housing-officers]
stakeholders:
  - {id: team-leads, name: Home-care team leads, organisation: glen-hscp, level: middle,
     count: 6}
  - {id: district-nurses, name: District nurses, organisation: glen-hscp, level: frontline,
     count: 5}
  - {id: gps, name: GPs, organisation: glen-gp, level: senior, count: 4}
  - {id: housing-officers, name: Housing officers, organisation: glen-housing,
     level: frontline, count: 4}
  - {id: board, name: Integration joint board, organisation: glen-hscp, level: top-team,
     count: 3}
facilitators:
  - {name: Morag Stewart, organisation: glen-hscp}
"""

# An English integrated care system: a programme venue for every session, earlier starts.
ENGLAND = """\
version: 1
programme:
  id: vale-ics
  title: Vale system leadership
  start: 2027-01-12
  weeks: 30
  nation: england
  venue: vale-hq
  session_start: "09:00"
  set_start: "13:00"
venues:
  - {id: vale-hq, name: Vale ICB boardroom, address: "1 Market Street, Valeton VA1 1AA"}
context:
  stage: performing
  team_working: {in_teams: 92, real_teams: 55}
  top_team_effective: true
  culture: [supportive]
organisations:
  - {id: icb, name: Vale Integrated Care Board, kind: commissioner, location: Valeton}
  - {id: vale-acute, name: Vale Hospitals NHS Trust, kind: acute-trust, location: Valeton}
  - {id: vale-community, name: Vale Community Health, kind: community-trust,
     location: Brookside}
  - {id: vale-council, name: Vale Council, kind: local-authority, location: Valeton}
tasks:
  - id: urgent-care
    title: Urgent care in the community
    aim: Treat more people at home instead of in hospital
    measure: {name: urgent community responses in 2 hours, unit: "%", baseline: 60, target: 80}
    stakeholders: [consultants, community-nurses, social-care-leads]
stakeholders:
  - {id: consultants, name: Acute consultants, organisation: vale-acute, level: senior,
     count: 6}
  - {id: community-nurses, name: Community nurses, organisation: vale-community,
     level: frontline, count: 7}
  - {id: social-care-leads, name: Social care leads, organisation: vale-council, level: middle,
     count: 5}
  - {id: icb-team, name: ICB programme team, organisation: icb, level: senior, count: 3}
facilitators:
  - {name: Priya Shah, organisation: icb}
  - {name: Tom Reed, organisation: vale-acute}
"""

SPECS = {"wales": WALES, "scotland": SCOTLAND, "england": ENGLAND}


ROOM_TBA = " (room to be arranged)"


def programme_of(tmp: Path, text: str) -> Programme:
    spec, problems = run_spec(tmp / "spec.yaml", text)
    assert spec is not None, [p.headline() for p in problems]
    return assemble(spec)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Programme, Path]]:
    """Each spec assembled and published as `progen build` publishes it (the real site,
    calendars, CSV and JSON; a stand-in PDF, whose text is read from its HTML instead)."""
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(publishing, "renderers", lambda: (write_site, lambda p, path: path.touch()))
        for name, text in SPECS.items():
            root = tmp_path_factory.mktemp(name)
            p = programme_of(root, text)
            rendering = publishing.renderers()
            for job in publishing.jobs(p, Records(p.id), root / "site", rendering):
                job(lambda stage, seconds: None)
            publishing.finish(p, root / "site")
            out[name] = (p, root / "site")
    return out


@pytest.fixture(params=list(SPECS))
def each(request, built) -> tuple[Programme, Path]:
    return built[request.param]


def events(path: Path) -> dict[str, object]:
    """UID -> event, from a calendar file parsed as a calendar client parses it."""
    found = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    uids = [str(e["UID"]) for e in found]
    assert len(uids) == len(set(uids)), path
    return dict(zip(uids, found, strict=True))


def words(source: str) -> str:
    """HTML as the text a reader reads: tags dropped, entities decoded, spaces normalised."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", source)).split())


def article(path: Path) -> str:
    """A site page's own content, without the navigation every page carries."""
    source = path.read_text("utf-8")
    return source[source.index("<article") : source.index("</article>")]


def text_of(path: Path) -> str:
    return words(article(path))


# ---------------------------------------------------------------- times and venues (JSON)


def test_sessions_and_set_meetings_start_at_the_specs_times(each):
    p, out = each
    data = json.loads((out / "programme.json").read_text("utf-8"))
    assert {s["start"] for s in data["sessions"]} == {p.spec.programme.session_start}
    for s in data["action_learning_sets"]:
        assert s["schedule"], s["id"]
        assert {m["start"] for m in s["schedule"]} == {p.spec.programme.set_start}


def test_every_session_and_meeting_has_a_venue_in_the_json(each):
    _, out = each
    data = json.loads((out / "programme.json").read_text("utf-8"))
    assert all(isinstance(s["venue"], str) and s["venue"] for s in data["sessions"])
    for s in data["action_learning_sets"]:
        assert [m["date"] for m in s["schedule"]] == s["meetings"]
        assert all(isinstance(m["venue"], str) and m["venue"] for m in s["schedule"])
        assert s["facilitator"] == s["schedule"][0]["adviser"]


def test_a_programme_venue_holds_every_session(built):
    _, out = built["england"]
    data = json.loads((out / "programme.json").read_text("utf-8"))
    assert {s["venue"] for s in data["sessions"]} == {
        "Vale ICB boardroom, 1 Market Street, Valeton VA1 1AA"
    }
    assert "Every session is held at Vale ICB boardroom" in data["venue_note"]


def test_without_one_a_session_goes_to_its_audiences_venue(built):
    p, _ = built["wales"]
    health_board = "Ysbyty Cwm education centre, Heol Fawr, Cwmtref CF99 1AA"
    council = "Neuadd y Sir, Cwmtref CF99 2BB"
    online = [v for v in p.spec.venues if v.online]
    for s in p.sessions:
        organisations = {p.spec.stakeholder(g).organisation for g in s.audience}
        towns = {p.spec.stakeholder(g).location for g in s.audience}
        # every audience here holds the health board, which comes first on a tie
        assert "bwrdd" in organisations
        expected = council if organisations == {"cyngor"} else health_board
        if online and s.minutes <= t.ONLINE_MINUTES and len(towns) > 1:
            expected = online[0].name  # short, and its people work in several towns
        assert s.venue == expected, (s.id, s.audience)


def test_without_venues_sessions_and_sets_go_where_people_are_based(built):
    p, _ = built["scotland"]
    for s in p.sessions:
        people = defaultdict(int)
        for g in s.audience:
            people[p.spec.stakeholder(g).location] += p.spec.stakeholder(g).count
        # a town, not a room: the venue says the room is still to be arranged
        assert s.venue.endswith(ROOM_TBA), s.venue
        assert people[s.venue.removesuffix(ROOM_TBA)] == max(people.values()), s.id
    for st in p.sets:
        based = defaultdict(int)
        for m in st.members:
            based[m.location] += 1
        assert {m.venue.removesuffix(ROOM_TBA) for m in st.schedule} <= {
            place for place, n in based.items() if n == max(based.values())
        }


def test_a_set_split_evenly_rotates_and_one_split_unevenly_does_not(built):
    p, _ = built["wales"]
    falls = [st for st in p.sets if st.task == "falls"]
    assert len(falls) == 1 and len(falls[0].schedule) >= 2
    health_board = "Ysbyty Cwm education centre, Heol Fawr, Cwmtref CF99 1AA"
    council = "Neuadd y Sir, Cwmtref CF99 2BB"
    assert [m.venue for m in falls[0].schedule] == [
        (health_board, council)[i % 2] for i in range(len(falls[0].schedule))
    ]
    rotating = []
    for st in p.sets:
        bases: dict[str, int] = {}
        rooms = [Bases(p.spec).of(m) for m in st.members]
        in_person = [r for r in rooms if r and r not in online_venues(p.spec)]
        rooms = in_person or rooms
        for place in rooms if any(rooms) else [m.location for m in st.members]:
            if place:
                bases[place] = bases.get(place, 0) + 1
        top = [base for base, n in bases.items() if n == max(bases.values())]
        assert [m.venue for m in st.schedule] == [
            top[i % len(top)] for i in range(len(st.schedule))
        ], st.id
        if len(top) > 1:
            rotating.append(st.id)
    assert len(rotating) < len(p.sets), "some set should be split unevenly"
    notes = " ".join(p.set_notes)
    assert "rotate between them in turn" in notes
    verb = "rotates" if len(rotating) == 1 else "rotate"
    assert f"{' and '.join(rotating)} {verb} in this way." in notes


def test_a_set_meets_face_to_face_when_any_member_has_a_room(tmp_path):
    """Reablement workers from the carers' charity, whose venue is online: the falls set is
    split evenly between the health board and the online room, and meets at the health
    board every time, as a set meets face to face wherever it can; the calendar says so."""
    text = swap(
        WALES,
        "name: Reablement workers, organisation: cyngor",
        "name: Reablement workers, organisation: gofal",
    )
    p = programme_of(tmp_path, text)
    (falls,) = [st for st in p.sets if st.task == "falls"]
    assert "Online (Teams)" in {Bases(p.spec).of(m) for m in falls.members}
    found = Calendar.from_ical(Calendars(p).set(falls)).walk("VEVENT")
    assert {str(e["LOCATION"]) for e in found} == {
        "Ysbyty Cwm education centre, Heol Fawr, Cwmtref CF99 1AA"
    }


# ---------------------------------------------------------------- site


def test_every_group_has_a_page_listing_only_its_own_sessions(each):
    p, out = each
    for g in p.spec.stakeholders:
        page = out / "groups" / f"{g.id}.html"
        source = article(page)
        assert f"{g.name}: your sessions, your set, your dates" in text_of(page)
        linked = set(re.findall(r'href="\.\./sessions/(s\d+)\.html"', source))
        assert linked == {s.id for s in p.sessions_for(g.id)}, g.id
        assert linked, g.id  # the sessions for everyone are everyone's
        for s in p.sessions_for(g.id):
            assert s.venue in text_of(page)
        sets = set(re.findall(r'href="\.\./sets/(set-\d+)\.html"', source))
        assert sets == {st.id for st in p.sets_with(g.id)}, g.id
        assert f'href="../calendars/{g.id}.ics"' in source
        for st in p.sets_with(g.id):
            assert f'href="../calendars/{st.id}.ics"' in source
            for m in st.schedule:
                assert m.venue in text_of(page)
                assert (m.adviser or "none: the set manages itself") in text_of(page)


def test_the_site_nav_has_your_programme_with_every_group(each):
    p, out = each
    index = (out / "index.html").read_text("utf-8")
    assert "Your programme" in index
    for g in p.spec.stakeholders:
        assert f'href="groups/{g.id}.html"' in index


def test_a_long_list_of_groups_is_a_page_not_a_nav(tmp_path):
    """Past NAV_GROUPS groups, the nav holds the groups page only (every page carries the
    whole nav); every group still has its page, reached from the groups page."""
    data = base()
    extra = [f"team-{n:02d}" for n in range(NAV_GROUPS)]
    data["stakeholders"] += [
        {
            "id": g,
            "name": f"Team {g[-2:]}",
            "organisation": "trust",
            "level": "frontline",
            "count": 1,
        }
        for g in extra
    ]
    data["tasks"][0]["stakeholders"] += extra
    p = programme_of(tmp_path, dump(data))
    assert len(p.spec.stakeholders) > NAV_GROUPS
    write_site(p, tmp_path / "site")
    nav = (tmp_path / "site" / "index.html").read_text("utf-8")
    listing = article(tmp_path / "site" / "groups.html")
    assert 'href="groups.html"' in nav
    for g in p.spec.stakeholders:
        assert (tmp_path / "site" / "groups" / f"{g.id}.html").is_file()
        assert f'href="groups/{g.id}.html"' in listing
        assert f'href="groups/{g.id}.html"' not in nav


def test_session_pages_say_where(each):
    p, out = each
    for s in p.sessions:
        assert f"Venue {s.venue}" in text_of(out / "sessions" / f"{s.id}.html")


# ---------------------------------------------------------------- handbook


def test_the_handbook_names_kinds_in_words_and_gives_each_venue(built):
    for name, kind in (
        ("wales", "health board"),
        ("scotland", "health and social care partnership"),
        ("england", "commissioner"),
    ):
        p, _ = built[name]
        text = words(handbook_html(p))
        assert f"({kind}, " in text, name
        assert p.venue_note.split(",")[0] in text
        for s in p.sessions:
            assert s.venue in text
    wales = words(handbook_html(built["wales"][0]))
    assert "community trust" not in wales
    assert "rotate between them in turn" in wales
    assert "NHS Wales staff survey" in wales


# ---------------------------------------------------------------- calendars


def test_every_event_has_a_location_and_the_same_uid_in_every_calendar(each):
    p, out = each
    whole = events(out / f"{p.id}.ics")
    assert len(whole) == len(p.sessions) + sum(len(st.schedule) for st in p.sets)
    assert all(str(e.get("LOCATION", "")) for e in whole.values())
    files = sorted((out / "calendars").glob("*.ics"))
    assert {f.stem for f in files} == {g.id for g in p.spec.stakeholders} | {st.id for st in p.sets}
    for f in files:
        for uid, event in events(f).items():
            assert uid in whole, (f.name, uid)
            for field in ("DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION"):
                assert event.decoded(field) == whole[uid].decoded(field), (f.name, field)


def test_a_groups_calendar_holds_its_sessions_and_its_sets_meetings(each):
    p, out = each
    whole = events(out / f"{p.id}.ics")
    by_start = defaultdict(set)
    for uid, e in whole.items():
        by_start[e.decoded("DTSTART").replace(tzinfo=None)].add(uid)
    for g in p.spec.stakeholders:
        mine = events(out / "calendars" / f"{g.id}.ics")
        meetings = sum(len(st.schedule) for st in p.sets_with(g.id))
        assert len(mine) == len(p.sessions_for(g.id)) + meetings, g.id
        sessions = [e for e in mine.values() if "action-learning set" not in str(e["CATEGORIES"])]
        assert sorted(e.decoded("DTSTART").date() for e in sessions) == sorted(
            s.date for s in p.sessions_for(g.id)
        )
    for st in p.sets:
        mine = events(out / "calendars" / f"{st.id}.ics")
        assert sorted(e.decoded("DTSTART").date() for e in mine.values()) == list(st.meetings)
        assert [str(e["LOCATION"]) for e in mine.values()] == [m.venue for m in st.schedule]


def test_uids_survive_a_session_added_elsewhere(tmp_path, built):
    """A hierarchical culture brings a psychological-safety session: sessions after it are
    renumbered, but every event keeps its UID, so a subscribed calendar updates in place."""
    before, _ = built["england"]
    text = swap(ENGLAND, "  culture: [supportive]", "  culture: [supportive, hierarchical]")
    after = programme_of(tmp_path, text)
    assert len(after.sessions) > len(before.sessions)
    numbers = {s.key: s.id for s in before.sessions}
    renumbered = [s.key for s in after.sessions if numbers.get(s.key, s.id) != s.id]
    assert renumbered, "the new session should renumber some of the others"
    old = {str(e["UID"]): e for e in Calendar.from_ical(calendar_ics(before)).walk("VEVENT")}
    new = {str(e["UID"]): e for e in Calendar.from_ical(calendar_ics(after)).walk("VEVENT")}
    kept = [uid for uid in old if ".set-" not in uid]
    assert set(kept) <= set(new)
    for uid in kept:
        assert str(old[uid]["SUMMARY"]) == str(new[uid]["SUMMARY"])
    added = {str(e["UID"]) for e in new.values()} - set(old)
    assert len([u for u in added if ".set-" not in u]) == len(after.sessions) - len(before.sessions)


# ---------------------------------------------------------------- CSV


def test_set_meetings_csv_lists_every_meeting_with_its_adviser(each):
    p, out = each
    data = (out / "set-meetings.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert tuple(rows[0]) == MEETINGS_HEADER
    expected = [
        [st.id, m.date.isoformat(), m.start, m.venue, m.adviser or "self-managed"]
        for st in p.sets
        for m in st.schedule
    ]
    assert [[r[0], r[3], r[4], r[6], r[7]] for r in rows[1:]] == expected
    assert [int(r[2]) for r in rows[1:] if r[0] == p.sets[0].id] == list(
        range(1, len(p.sets[0].schedule) + 1)
    )
    roster = (out / "sets.csv").read_bytes().decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(roster, newline="")))) - 1 == sum(
        len(st.members) for st in p.sets
    )


# ---------------------------------------------------------------- rules behind them


def test_an_afternoon_slot_follows_the_specs_session_start(spec):
    later = spec(swap(VALID, "  weeks: 26\n", '  weeks: 26\n  session_start: "10:15"\n'))
    assert Slots.of(later.programme) == Slots("10:15", "14:15")
    evening = spec(swap(VALID, "  weeks: 26\n", '  weeks: 26\n  session_start: "18:00"\n'))
    assert Slots.of(evening.programme) == Slots("18:00", None)  # would run past midnight
    noon = spec(swap(VALID, "  weeks: 26\n", '  weeks: 26\n  session_start: "13:00"\n'))
    assert Slots.of(noon.programme) == Slots("13:00", None)  # no second session at 17:00
    assert {s.start for s in assemble(later).sessions} == {"10:15"}


def test_a_group_may_not_take_a_sets_name(headlines):
    text = VALID.replace("ward-managers", "set-2")
    assert headlines(text) == [
        "spec.yaml:23:9: stakeholders[0].id: 'set-2' is how progen names an action-learning "
        "set (its calendar is calendars/set-2.ics); choose another id for this group"
    ]


def test_the_site_builds_the_bundled_welsh_example(tmp_path):
    p = assemble(read_spec(REPO / "programmes" / "examples" / "tywi-home-first.yaml"))
    assert p.spec.programme.nation == "wales"
    assert {s.start for s in p.sessions} == {"10:00"}
    assert any(v.online for v in p.spec.venues)
    write_site(p, tmp_path)
    assert (tmp_path / "groups" / "ward-sisters.html").is_file()
    assert "Ward sister 3" in (tmp_path / "sets" / "set-1.html").read_text("utf-8") or any(
        "Ward sister 3" in (tmp_path / "sets" / f"{st.id}.html").read_text("utf-8") for st in p.sets
    )


def test_a_programme_venue_in_another_town_is_no_base(built):
    """The boardroom's address names Valeton, so community nurses in Brookside are based in
    Brookside (a room to be arranged there), and a set of mostly Brookside people meets
    there rather than sending them to Valeton."""
    p, _ = built["england"]
    bases = Bases(p.spec)
    boardroom = "Vale ICB boardroom, 1 Market Street, Valeton VA1 1AA"
    assert bases("vale-community", "Brookside") == "Brookside" + ROOM_TBA
    assert bases("vale-acute", "Valeton") == boardroom
    for st in p.sets:
        towns = [m.location for m in st.members]
        if towns.count("Brookside") > len(towns) / 2:
            assert {m.venue for m in st.schedule} == {"Brookside" + ROOM_TBA}, st.id
        if towns.count("Valeton") > len(towns) / 2:
            assert {m.venue for m in st.schedule} == {boardroom}, st.id


def test_a_short_session_for_several_towns_is_online_even_with_a_programme_venue(tmp_path):
    text = swap(
        ENGLAND,
        '  - {id: vale-hq, name: Vale ICB boardroom, address: "1 Market Street, Valeton VA1 1AA"}',
        '  - {id: vale-hq, name: Vale ICB boardroom, address: "1 Market Street, Valeton VA1 1AA"}\n'
        "  - {id: teams, name: Online (Teams), online: true}",
    )
    p = programme_of(tmp_path, text)
    short = 0
    for s in p.sessions:
        towns = {p.spec.stakeholder(g).location for g in s.audience}
        if s.minutes <= t.ONLINE_MINUTES and len(towns) > 1:
            short += 1
            assert s.venue == "Online (Teams)", s.id
        else:
            assert s.venue == "Vale ICB boardroom, 1 Market Street, Valeton VA1 1AA", s.id
    assert short


def test_a_session_that_needs_the_room_is_never_moved_online(tmp_path):
    """Psychological safety and the other in_person modules stay in a room however short;
    every session held online says how to run a plan written for a room."""
    text = swap(
        ENGLAND,
        '  - {id: vale-hq, name: Vale ICB boardroom, address: "1 Market Street, Valeton VA1 1AA"}',
        '  - {id: vale-hq, name: Vale ICB boardroom, address: "1 Market Street, Valeton VA1 1AA"}\n'
        "  - {id: teams, name: Online (Teams), online: true}",
    )
    text = swap(text, "culture: [supportive]", "culture: [hierarchical]")
    p = programme_of(tmp_path, text)
    modules = {m.id: m for m in load_catalogue()}
    assert any(s.module == "psychological-safety" for s in p.sessions)
    kept = 0
    for s in p.sessions:
        if modules[s.module].in_person:
            assert s.venue != "Online (Teams)", s.id
            towns = {p.spec.stakeholder(g).location for g in s.audience}
            kept += s.minutes <= t.ONLINE_MINUTES and len(towns) > 1
    assert kept, "a short in-person session for several towns, which would go online"
    page = handbook_html(p)
    online = [s for s in p.sessions if s.venue == "Online (Teams)"]
    assert online
    assert page.count("<strong>Held online.</strong>") == len(online)


def test_a_venue_names_a_town_only_as_a_whole_name(tmp_path):
    """'Weston' is not named by 'Weston-super-Mare', nor 'Valeton' by 'Valeton North'."""
    from progen.design.venues import _venue_towns

    text = swap(ENGLAND, "1 Market Street, Valeton VA1 1AA", "Beach Road, Weston-super-Mare")
    text = swap(text, "location: Brookside}", "location: Weston}")
    text = swap(
        text,
        "  - {id: vale-acute, name: Vale Hospitals NHS Trust, kind: acute-trust, "
        "location: Valeton}",
        "  - {id: vale-acute, name: Vale Hospitals NHS Trust, kind: acute-trust, "
        "location: Weston-super-Mare}",
    )
    spec = programme_of(tmp_path, text).spec
    assert _venue_towns(spec)["vale-hq"] == {"Weston-super-Mare"}
    named = swap(ENGLAND, "1 Market Street, Valeton VA1 1AA", "Hub, Valeton North")
    named = swap(named, "location: Brookside}", "location: Valeton North}")
    assert _venue_towns(programme_of(tmp_path, named).spec)["vale-hq"] == {"Valeton North"}
