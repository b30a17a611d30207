"""Action-learning sets: formed, given meeting dates, and given advisers meeting by meeting.

Sets first meet within two weeks of the action-learning launch where they can (later in
the first two cadences when that is what lets an adviser start them) and then every
`set_cadence_weeks`, a meeting moving by up to a week when its day is closed or a member
has a taught session that runs into the afternoon, all before the closing event. When
the cadence would give a set fewer than four meetings, it tightens by a week.

A set adviser helps a set start and then steps back (Revans 1982): every set has an
adviser at its first meetings and then runs itself, so none keeps one throughout while
another goes without. An adviser can be with one set a day, so sets start on different
days of the window, and a set takes the first start day on which some adviser is free for
every meeting they would attend.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from progen.design import thresholds as t
from progen.design.calendar import Calendar
from progen.design.model import ActionLearningSet, Session, SetMeeting
from progen.design.participants import dependency_pairs
from progen.design.set_score import TOP_TEAM, FormedSet, ranked
from progen.design.sets_ahead import sets_for
from progen.spec.model import Facilitator, Spec
from progen.wording import context_words, number_word, plural

LAUNCH_MODULE = "action-learning-launch"
CLOSING_PHASE = "close"

GROUND_RULES = (
    "Confidentiality: what members bring stays in the set unless they agree otherwise.",
    "Questions, not advice: members help the presenter think by asking open questions.",
    "Each member brings a real problem from the shared task and commits to an action.",
    "At the next meeting each member reports back on the action and what they learned.",
    "Everyone attends every meeting; the set agrees its own time keeping and roles.",
)


@dataclass(frozen=True)
class Window:
    """When sets may meet: open days after the launch and before the closing event."""

    launch: dt.date  # the action-learning launch, or the day before the programme starts
    closing: dt.date  # the closing event, or the day after the programme ends
    days: tuple[dt.date, ...]  # open days strictly between the two
    cadence: int  # days between meetings
    shortest: int  # fewest days between meetings: the cadence less a week, at least a week
    longest: int  # most days between meetings while an open day allows: cadence plus a week


def _step(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, held within the calendar's range (a programme may start on
    1 January of the year 1, which has no day before it)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return day


def meeting_window(spec: Spec, sessions: Sequence[Session], calendar: Calendar) -> Window:
    launch = next(
        (s.date for s in sessions if s.module == LAUNCH_MODULE), _step(calendar.start, -1)
    )
    closing = min((s.date for s in sessions if s.phase == CLOSING_PHASE), default=None)
    closing = closing or _step(calendar.end, 1)
    cadence = 7 * spec.programme.set_cadence_weeks
    return Window(
        launch,
        closing,
        tuple(d for d in calendar.open_days if launch < d < closing),
        cadence,
        max(7, cadence - t.SET_CADENCE_SLACK_DAYS),
        cadence + t.SET_CADENCE_SLACK_DAYS,
    )


def _series(
    window: Window,
    clash: set[dt.date],
    first: dt.date,
    gap: int,
    avoid: set[dt.date] | None = None,
    guarded: int = 0,
) -> tuple[dt.date, ...] | None:
    """Meetings from `first`, each on the first free day at least `gap` days after the last
    (or the latest free day before that, within `window.shortest`); when no day within
    `window.longest` is free, the next free day. The first `guarded` meetings must also
    miss `avoid` (an adviser's other days) without leaving that range: None if they cannot.
    """
    days, meetings = window.days, [first]
    shortest, longest, step = (dt.timedelta(n) for n in (window.shortest, window.longest, gap))
    while True:
        last = meetings[-1]
        guard = avoid if avoid and len(meetings) < guarded else ()
        later = bisect_right(days, last + longest)
        free = [d for d in days[bisect_left(days, last + shortest) : later] if d not in clash]
        if free:
            fits = [d for d in free if d not in guard] if guard else free
            if not fits:
                return None
            target = last + step
            meetings.append(next((d for d in fits if d >= target), fits[-1]))
            continue
        following = next((d for d in days[later:] if d not in clash), None)
        if following is None:
            return tuple(meetings)
        if following in guard:
            return None
        meetings.append(following)


def _dates(
    window: Window,
    clash: set[dt.date],
    first: dt.date,
    avoid: set[dt.date] | None = None,
    guarded: int = 0,
) -> tuple[dt.date, ...] | None:
    """The set's meetings from `first`: at the cadence, or a week tighter when that gives
    more meetings and the cadence gives fewer than SET_MINIMUM_MEETINGS."""
    exact = _series(window, clash, first, window.cadence, avoid, guarded)
    if exact is not None and len(exact) >= t.SET_MINIMUM_MEETINGS:
        return exact
    tight = _series(window, clash, first, window.shortest, avoid, guarded)
    found = [s for s in (exact, tight) if s is not None]
    return max(found, key=len) if found else None


def _first_days(window: Window, clash: set[dt.date]) -> list[dt.date]:
    """Days a set may first meet, earliest first: its free days within the start window of
    the launch, then (for a set whose adviser is busy on all of those) the rest of the first
    cadence after the launch, so that few advisers can still start every set by meeting
    them on different days; or else its first free day."""
    days = window.days
    soon = bisect_right(days, window.launch + dt.timedelta(t.SET_START_WINDOW_DAYS))
    reach = max(t.SET_START_WINDOW_DAYS, 2 * window.cadence)
    later = bisect_right(days, window.launch + dt.timedelta(reach))
    firsts = [d for d in days[:later] if d not in clash]
    return firsts or [d for d in days[soon:] if d not in clash][:1]


def _majority(s: FormedSet) -> str:
    return Counter(m.organisation for m in s.members).most_common(1)[0][0]


def _preference(
    s: FormedSet,
    advisers: tuple[Facilitator, ...],
    load: Counter[str],
    dedicated: bool,
) -> list[Facilitator]:
    """Advisers to try for a set: for a set with its own adviser, those without a set of
    their own; else the least loaded first; each time preferring one from no member's
    organisation (an adviser is not their own colleagues' facilitator), then one from
    outside the set's largest organisation."""
    majority = _majority(s)
    present = {m.organisation for m in s.members}
    # Python's sort is stable, so advisers that tie keep the spec's order.
    return sorted(
        (a for a in advisers if not dedicated or not load[a.name]),
        key=lambda a: (load[a.name], a.organisation in present, a.organisation == majority),
    )


def _schedule(
    window: Window,
    clash: set[dt.date],
    preference: list[Facilitator],
    adviser_days: dict[str, set[dt.date]],
    dedicated: bool,
    supported: int = t.ADVISER_SUPPORTED_MEETINGS,
) -> tuple[tuple[dt.date, ...], str | None, int]:
    """(meetings, adviser, meetings the adviser attends) for one set.

    The set takes the earliest start day on which some adviser is free for every meeting
    they would attend, moving later meetings within the cadence's week of slack to miss
    the adviser's other sets; it never starts so late that it loses meetings it could
    have had (up to SET_MINIMUM_MEETINGS), unless that is the only way an adviser can
    start it soon (within a cadence and a week of the launch): then it gives up one
    meeting (keeping at least three), as a set's first meetings with an adviser matter
    more than its last; a set that waits two months for its adviser has lost more than it
    gains. With no such day it meets from its first start day and manages itself.
    """
    firsts = _first_days(window, clash)
    if not firsts:
        return (), None, 0
    earliest = _dates(window, clash, firsts[0]) or ()
    need = min(t.SET_MINIMUM_MEETINGS, len(earliest))
    passes = [(need, firsts)]
    if need > 3:
        prompt = window.launch + dt.timedelta(
            max(t.SET_START_WINDOW_DAYS, window.cadence) + t.SET_CADENCE_SLACK_DAYS
        )
        passes.append((need - 1, [d for d in firsts if d <= prompt]))
    for least, starts in passes:
        found = _advised_start(
            window, clash, starts, earliest, preference, adviser_days, least, dedicated, supported
        )
        if found:
            return found
    return earliest, None, 0


def _advised_start(
    window: Window,
    clash: set[dt.date],
    firsts: list[dt.date],
    earliest: tuple[dt.date, ...],
    preference: list[Facilitator],
    adviser_days: dict[str, set[dt.date]],
    need: int,
    dedicated: bool,
    supported: int,
) -> tuple[tuple[dt.date, ...], str | None, int] | None:
    """The earliest start with a free adviser that keeps at least `need` meetings
    (`earliest`: the meetings from the set's first start day, worked out once)."""
    for first in firsts:
        plain = earliest if earliest and first == earliest[0] else None
        for adviser in preference:
            busy = adviser_days[adviser.name]
            if first in busy:
                continue
            plain = plain or _dates(window, clash, first) or ()
            if len(plain) < need:
                break
            attends = len(plain) if dedicated else min(supported, len(plain))
            if busy.isdisjoint(plain[:attends]):
                return plain, adviser.name, attends
            moved = _dates(window, clash, first, busy, len(window.days) if dedicated else attends)
            if moved and len(moved) >= need:
                return moved, adviser.name, len(moved) if dedicated else min(attends, len(moved))
    return None


def _frees_afternoon(session: Session, set_start: str) -> bool:
    """A morning session that ends with a lunch break before the sets' start leaves the
    afternoon for a set meeting: people already released for the day meet their set then,
    as many programmes run a learning day."""
    return _minutes(session.end) + t.SET_AFTER_SESSION_BREAK <= _minutes(set_start)


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def plan_sets(
    spec: Spec, sessions: tuple[Session, ...], calendar: Calendar
) -> tuple[tuple[ActionLearningSet, ...], tuple[str, ...], tuple[str, ...]]:
    formed = sets_for(spec)
    window = meeting_window(spec, sessions, calendar)
    session_days: dict[str, set[dt.date]] = defaultdict(set)
    start = spec.programme.set_start
    for s in sessions:
        if not _frees_afternoon(s, start):
            for group in s.audience:
                session_days[group].add(s.date)
    # Fair before generous: when the advisers cannot give every set its first meetings,
    # each set gets fewer rather than some sets all of them and another none; and no set
    # keeps an adviser at every meeting while another has none, if fewer meetings each
    # does not leave more sets alone.
    sets = _advised(spec, formed, window, session_days, supported_meetings(spec))
    for fewer in range(supported_meetings(spec) - 1, 0, -1):
        if not spec.facilitators or not _unfair(sets)[0]:
            break
        fairer = _advised(spec, formed, window, session_days, fewer)
        if _unfair(fairer) < _unfair(sets):
            sets = fairer
    return tuple(sets), _notes(spec, sets, window), GROUND_RULES


def _unfair(sets: Sequence[ActionLearningSet]) -> tuple[int, int]:
    """(sets with no adviser, sets with one at every meeting while some set has none): what
    fair-before-generous makes as small as it can, in that order."""
    alone = sum(not s.facilitator for s in sets if s.meetings)
    throughout = sum(bool(s.meetings) and s.adviser_meetings == len(s.meetings) for s in sets)
    return alone, throughout if alone else 0


def supported_meetings(spec: Spec) -> int:
    """How many first meetings a set keeps its adviser for: one more where people are not
    yet used to questioning each other openly (thresholds.GUARDED_CULTURE, an early stage)."""
    guarded = spec.context.stage == "early" or set(spec.context.culture) & set(t.GUARDED_CULTURE)
    return t.ADVISER_SUPPORTED_MEETINGS_GUARDED if guarded else t.ADVISER_SUPPORTED_MEETINGS


def _advised(
    spec: Spec,
    formed: Sequence[FormedSet],
    window: Window,
    session_days: dict[str, set[dt.date]],
    supported: int,
) -> list[ActionLearningSet]:
    """The sets dated and given advisers for up to `supported` first meetings each."""
    start = spec.programme.set_start
    advisers = spec.facilitators
    adviser_days: dict[str, set[dt.date]] = defaultdict(set)
    load: Counter[str] = Counter()
    titles = {task.id: task.title for task in spec.tasks}
    sets = []
    for n, s in enumerate(formed, 1):
        # Every set has an adviser for its first meetings and then runs itself (Revans was
        # wary of permanent facilitators); none keeps one throughout while others go without.
        dedicated = False
        clash = set().union(*(session_days[g] for g in {m.stakeholder for m in s.members}))
        preference = _preference(s, advisers, load, dedicated)
        meetings, adviser, attends = _schedule(
            window, clash, preference, adviser_days, dedicated, supported
        )
        if adviser:
            load[adviser] += 1
            adviser_days[adviser] |= set(meetings[:attends])
        sets.append(
            ActionLearningSet(
                id=f"set-{n}",
                task=s.task,
                members=s.members,
                schedule=tuple(
                    SetMeeting(day, start, adviser if i < attends else None)
                    for i, day in enumerate(meetings)
                ),
                start=start,
                minutes=t.SET_MINUTES,
                purpose=(
                    f"To help each member make progress on '{titles[s.task]}' through "
                    f"questioning insight, and to study the task's PDSA results together."
                ),
            )
        )
    return sets


# --- what the handbook says about the sets: each sentence from the sets' real meetings ----


def set_list(ids: Sequence[str]) -> str:
    """'set-1', 'set-1 and set-2', 'set-1 to set-4, set-6 and set-9': runs of consecutive
    sets shortened."""
    numbers = [int(i.rsplit("-", 1)[1]) for i in ids]
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [
        f"set-{r[0]} to set-{r[-1]}" if len(r) > 2 else " and ".join(f"set-{n}" for n in r)
        for r in runs
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _weeks(days: int) -> str:
    return plural(days // 7, "week") if days % 7 == 0 else plural(days, "day")


def _every(days: int) -> str:
    """'every week', 'every 4 weeks', 'every 10 days'."""
    return {7: "every week", 1: "every day"}.get(days, f"every {_weeks(days)}")


def _span(shortest: int, longest: int) -> str:
    """'4 to 6 weeks', '26 to 37 days', '5 weeks': a range of gaps in one unit."""
    if shortest == longest:
        return _weeks(shortest)
    if shortest % 7 == 0 and longest % 7 == 0:
        return f"{shortest // 7} to {plural(longest // 7, 'week')}"
    return f"{shortest} to {plural(longest, 'day')}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _one(ids: Sequence[str], singular: str, several: str) -> str:
    """The verb or pronoun that agrees with a list of sets."""
    return singular if len(ids) == 1 else several


def _mixing_note(spec: Spec, sets: Sequence[ActionLearningSet]) -> str:
    low, high = spec.programme.set_size
    text = f"{plural(len(sets), 'set')} of {low} to {high} people, each serving one task."
    single = [s for s in sets if len({m.organisation for m in s.members}) == 1]
    if not single:
        text += " Every set brings together people from at least two organisations."
    one_org = {
        task.id
        for task in spec.tasks
        if len({spec.stakeholder(g).organisation for g in task.stakeholders}) == 1
    }
    for ids, reason in (
        ([s.id for s in single if s.task in one_org], "its task's groups all belong to one"),
        (
            [s.id for s in single if s.task not in one_org],
            "its task has too few people from other organisations to go round",
        ),
    ):
        if ids:
            text += (
                f" {set_list(ids)} {_one(ids, 'holds', 'hold')} people from one organisation "
                f"only, as {reason}."
            )
    tops = [sum(m.level == TOP_TEAM for m in s.members) for s in sets]
    if any(tops):
        text += (
            f" Top-team members are spread out: no set holds more than its task's share of "
            f"them (at most {max(tops)} in any set)."
        )
    text += (
        " Groups of one organisation at different grades sit in different sets wherever "
        "the rules above allow, so that no one meets in a set with their own manager or "
        "their organisation's executives and everyone can question freely; a group that "
        "depends on another's work may share a set with it, as the hand-off between them "
        "is what the set is for (a default of this design)."
    )
    depends = dependency_pairs(spec)
    mixed = [s.id for s in sets if ranked(s.members, depends)]
    if mixed:
        text += (
            f" In {set_list(mixed)} that could not be avoided: at contracting the adviser "
            f"asks the set to agree that rank stays outside the room, and its more senior "
            f"members bring problems of their own, never ones about the people in the set."
        )
    return text


def _meeting_note(spec: Spec, sets: Sequence[ActionLearningSet], window: Window) -> str:
    meeting = [s for s in sets if s.meetings]
    text = ""
    if len(meeting) < len(sets):
        ids = [s.id for s in sets if not s.meetings]
        text = (
            f"{set_list(ids)} {_one(ids, 'has', 'have')} no day to meet: every open day "
            f"between the action-learning launch and the closing event has a taught session "
            f"running into the afternoon for one of {_one(ids, 'its', 'their')} members. "
        )
    if not meeting:
        return text.strip()
    counts = sorted({len(s.meetings) for s in meeting})
    times = (
        plural(counts[0], "time")
        if len(counts) == 1
        else f"{counts[0]} to {plural(counts[-1], 'time')}"
    )
    gaps = sorted({(b - a).days for s in meeting for a, b in pairwise(s.meetings)})
    rhythm = _every(window.cadence)
    if gaps and gaps != [window.cadence]:
        rhythm += f" where the calendar allows (gaps of {_span(gaps[0], gaps[-1])})"
    firsts = sorted(s.meetings[0] for s in meeting)
    last = max(s.meetings[-1] for s in meeting)
    text += (
        f"{'Each set meets' if len(meeting) == len(sets) else 'The others meet'} {times}, "
        f"{rhythm}, for half a day from {spec.programme.set_start}, never while one of its "
        f"members is in a taught session (a set may meet after a morning session). "
    )
    started = f"between {firsts[0]:%-d %B} and {firsts[-1]:%-d %B %Y}"
    if firsts[0] == firsts[-1]:
        started = f"on {firsts[0]:%-d %B %Y}"
    if window.launch >= spec.programme.start:
        started += (
            f", within {_weeks((firsts[-1] - window.launch).days)} of the session that forms "
            f"the sets on {window.launch:%-d %B}"
        )
    closing = (
        f"before the closing event on {window.closing:%-d %B %Y}"
        if window.closing <= spec.programme.end
        else "before the programme ends"
    )
    return text + f"First meetings fall {started}; the last is on {last:%-d %B %Y}, {closing}."


def _adviser_note(spec: Spec, sets: Sequence[ActionLearningSet]) -> str:
    advisers = len(spec.facilitators)
    if not advisers:
        return (
            "The programme names no set advisers, so every set manages itself from its first "
            "meeting; the action-learning launch prepares members for this."
        )
    parts = []
    throughout = [s.id for s in sets if s.meetings and s.adviser_meetings == len(s.meetings)]
    if throughout:
        parts.append(
            f"{set_list(throughout)} {_one(throughout, 'has', 'have')} an adviser at every meeting"
        )
    for attended in sorted({s.adviser_meetings for s in sets}):
        ids = [s.id for s in sets if 0 < attended == s.adviser_meetings < len(s.meetings)]
        if ids:
            first = "first meeting" if attended == 1 else f"first {attended} meetings"
            parts.append(
                f"{set_list(ids)} {_one(ids, 'has', 'have')} an adviser at "
                f"{_one(ids, 'its', 'their')} {first}, then "
                f"{_one(ids, 'manages itself', 'manage themselves')}"
            )
    alone = [s.id for s in sets if s.meetings and not s.adviser_meetings]
    if alone:
        parts.append(
            f"{set_list(alone)} {_one(alone, 'manages itself', 'manage themselves')} from the "
            f"start, as no adviser is free on the days {_one(alone, 'it', 'they')} could start"
        )
    text = f"{plural(advisers, 'set adviser')} for {plural(len(sets), 'set')}: "
    text += "; ".join(parts) + "."
    if len(sets) > 1:
        text += (
            " Set meetings are spread across the session days so that no adviser is needed "
            "by two sets on one day."
        )
    text += " An adviser helps a set start and then steps back (Revans 1982)."
    if not any(s.adviser_meetings == t.ADVISER_SUPPORTED_MEETINGS_GUARDED for s in sets):
        text += (
            f" That an adviser stays for {number_word(t.ADVISER_SUPPORTED_MEETINGS)} meetings "
            f"is a default of this design, not a research finding."
        )
    else:
        text += (
            f" Advisers stay for {number_word(t.ADVISER_SUPPORTED_MEETINGS_GUARDED)} meetings "
            f"rather than {number_word(t.ADVISER_SUPPORTED_MEETINGS)} because {_guarded(spec)}, "
            f"so members practise open questioning with help before a set runs itself "
            f"(a default of this design, not a research finding)."
        )
    return text


def _guarded(spec: Spec) -> str:
    """Why advisers stay longer, in words: the stage, the culture tags, or both."""
    words = context_words()["culture"]
    tags = [words[c] for c in spec.context.culture if c in t.GUARDED_CULTURE]
    reasons = ["the system is at an early stage"] if spec.context.stage == "early" else []
    if tags:
        reasons.append(f"the culture is described as {' and '.join(tags)}")
    return " and ".join(reasons)


def _recontract_note(sets: Sequence[ActionLearningSet]) -> str:
    lifetime = t.SET_LIFETIME_MEETINGS
    longer = [s.id for s in sets if len(s.meetings) > lifetime]
    agree = "members agree whether to continue, and how, or close the set."
    if not longer:
        return (
            "Each set re-contracts at its last meeting: members agree whether to go on "
            "meeting after the programme, and how, or close the set."
        )
    if len(longer) == len(sets):
        return f"After {lifetime} meetings a set re-contracts: {agree}"
    return (
        f"{set_list(longer)} {_one(longer, 'meets', 'meet')} more than {lifetime} times and "
        f"re-contract{_one(longer, 's', '')} after {_one(longer, 'its', 'their')} "
        f"{_ordinal(lifetime)} meeting; the other sets re-contract at their last meeting. "
        f"At re-contracting, {agree}"
    )


def _notes(spec: Spec, sets: Sequence[ActionLearningSet], window: Window) -> tuple[str, ...]:
    if not sets:
        return ()
    return (
        _mixing_note(spec, sets),
        _meeting_note(spec, sets, window),
        _adviser_note(spec, sets),
        _recontract_note(sets),
    )
