"""Properties of the taught sessions over generated specs: whole audiences, the budget,
essential sessions, order rules and the closing event, and the solver's optimum checked
against every alternative on small programmes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

import yaml
from conftest import most_minutes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progen.design import thresholds as t
from progen.design.assemble import assemble
from progen.design.budget import fit_budget, minimum_contact_hours
from progen.design.calendar import programme_calendar
from progen.design.catalogue import load_catalogue
from progen.design.diagnose import diagnose
from progen.design.order import blocked, essential_closure, requirements
from progen.design.schedule import calendar_problems, in_sequence
from progen.design.sessions import audience_of, draft_sessions, session_title
from progen.spec.load import parse
from progen.spec.model import Spec
from progen.spec.validate import validate_document

LEVELS = ["top-team", "senior", "middle", "frontline", "community"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
CATALOGUE = load_catalogue()
MODULES = {m.id: m for m in CATALOGUE}


@st.composite
def specs(draw, min_weeks: int = 10, min_days: int = 1) -> dict:
    """A valid spec: each task has a group of its own of at least four people, and sets
    of three to five or more, so every task can fill its sets whoever else it shares;
    some shared groups may serve no task at all; weeks leave room for the set cadence."""
    orgs = [
        {"id": f"org{i}", "name": f"Org {i}", "kind": "acute-trust", "location": f"L{i}"}
        for i in range(draw(st.integers(1, 3)))
    ]
    n_tasks = draw(st.integers(1, 3))
    groups = [
        {
            "id": f"g{i}",
            "name": f"Group {i}s",
            "organisation": draw(st.sampled_from(orgs))["id"],
            "level": draw(st.sampled_from(LEVELS)),
            "count": draw(st.integers(4, 8)),
        }
        for i in range(n_tasks + draw(st.integers(0, 4)))
    ]
    shared = [g["id"] for g in groups[n_tasks:]]
    tasks = [
        {
            "id": f"t{i}",
            "title": f"Task {i}",
            "aim": "Improve",
            "topic": draw(st.sampled_from(["x", "y"])),
            "stakeholders": [f"g{i}"]
            + (draw(st.lists(st.sampled_from(shared), unique=True)) if shared else []),
        }
        for i in range(n_tasks)
    ]
    weeks = draw(st.integers(min_weeks, 40))
    return {
        "version": 1,
        "programme": {
            "id": "prop",
            "title": "Property",
            "weeks": weeks,
            "start": (dt.date(2027, 1, 4) + dt.timedelta(draw(st.integers(0, 500)))).isoformat(),
            "session_days": draw(
                st.lists(st.sampled_from(WEEKDAYS), min_size=min_days, max_size=3, unique=True)
            ),
            "set_size": [3, draw(st.integers(5, 7))],
            "set_cadence_weeks": draw(st.integers(2, min(6, weeks // 3))),
        },
        "context": {
            "stage": draw(st.sampled_from(["early", "improving", "performing"])),
            "team_working": {"real_teams": draw(st.integers(0, 100))},
            "top_team_effective": draw(st.booleans()),
            "culture": draw(
                st.lists(
                    st.sampled_from(["siloed", "blame", "hierarchical", "innovative"]),
                    unique=True,
                )
            ),
        },
        "organisations": orgs,
        "tasks": tasks,
        "stakeholders": groups,
        "facilitators": [{"name": f"Adviser {i}"} for i in range(draw(st.integers(0, 2)))],
    }


def build(data: dict, hours_over_minimum: float) -> tuple[Spec, float]:
    """The spec with contact_hours set relative to the smallest budget that fits."""
    spec = validate_document(parse("prop.yaml", yaml.safe_dump(data).encode()))
    low = minimum_contact_hours(spec, CATALOGUE)
    hours = max(0.5, low + hours_over_minimum)
    return replace(spec, programme=replace(spec.programme, contact_hours=hours)), low


def related(earlier, later) -> bool:
    """Tasks match, or one of the two sessions is for the whole programme."""
    return earlier.task is None or later.task is None or earlier.task == later.task


def must_follow(s, e) -> bool:
    """Session s must come after session e, from the front matter alone."""
    m, n = MODULES[s.module], MODULES[e.module]
    return e is not s and (
        (e.module in m.requires + m.after and related(e, s))
        or (e.module == s.module and e.task == s.task and e.occurrence == s.occurrence - 1)
        or (m.kind is not None and m.kind in n.before_kinds)
    )


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


@settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), st.integers(-12, 24))
def test_sessions_keep_whole_audiences_the_budget_and_every_order_rule(data, half_hours):
    spec, low = build(data, half_hours / 2)
    p = assemble(spec)
    hours = spec.programme.contact_hours
    when = {s.id: (s.date, s.start) for s in p.sessions}

    for s in p.sessions:
        module = MODULES[s.module]
        assert s.audience_rule.who == module.audience.who
        assert s.audience_rule.levels == module.audience.levels
        assert (s.audience_rule.task is not None) == module.per_task
        assert s.audience_rule.task == s.task
        assert s.audience == audience_of(spec, s.audience_rule)

    for group in spec.stakeholders:
        assert most_minutes(p, group.id) <= hours * 60

    drafts, not_drafted = draft_sessions(spec, diagnose(spec), CATALOGUE)
    assert len(p.sessions) + len(p.omitted) == len(drafts) + len(not_drafted)
    running = {(s.module, s.task, s.occurrence) for s in p.sessions}
    if hours >= low and not calendar_problems(spec, CATALOGUE):
        for i in essential_closure(drafts):
            d = drafts[i]
            if in_sequence(d):
                assert (d.module.id, d.task.id if d.task else None, d.occurrence) in running
    else:
        assert any(o.essential for o in p.omitted)

    for s in p.sessions:
        expected = {e.id for e in p.sessions if must_follow(s, e)}
        assert set(s.follows) == expected, s.title
        assert all(when[e] < when[s.id] for e in s.follows)
        for needed in (*MODULES[s.module].requires, *MODULES[s.module].completed_by):
            assert any(e.module == needed and related(e, s) for e in p.sessions)

    names = [f.name for f in spec.facilitators]
    for s in p.sessions:  # a lead and a second from the spec's facilitators, never invented
        assert len(s.facilitators) == min(2, len(names))
        assert set(s.facilitators) <= set(names) and len(set(s.facilitators)) == len(s.facilitators)

    closing = [s for s in p.sessions if MODULES[s.module].last]
    for last in closing:
        assert all(when[s.id] < when[last.id] for s in p.sessions if s is not last)
        assert all(day < last.date for st_ in p.sets for day in st_.meetings)
    assert [when[s.id] for s in p.sessions] == sorted(when.values())

    for s in p.sessions:
        n = MODULES[s.module].after_set_meetings
        if n:
            assert all(len(x.meetings) >= n and x.meetings[n - 1] < s.date for x in p.sets)
            meeting = {m.stakeholder for x in p.sets if s.date in x.meetings for m in x.members}
            if meeting & set(s.audience):  # then at another time of day, with a break
                begins, ends = minutes(s.start), minutes(s.end)
                sets_begin = minutes(p.spec.programme.set_start)
                sets_end = sets_begin + t.SET_MINUTES
                gap = t.SET_AFTER_SESSION_BREAK
                assert ends + gap <= sets_begin or sets_end + gap <= begins, s.id


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(min_weeks=20, min_days=2), st.integers(0, 16))
def test_the_budget_keeps_the_most_valuable_sessions_any_plan_could_keep(data, half_hours):
    """Against every choice of optional sessions (with what they require) that fits at
    the shortest lengths, the solver keeps every essential session and optional ones worth
    as much as the best choice."""
    spec, _ = build(data, half_hours / 2)
    assert not calendar_problems(spec, CATALOGUE)  # 40 open days or more
    drafts, _ = draft_sessions(spec, diagnose(spec), CATALOGUE)
    calendar = programme_calendar(spec.programme)
    budget = round(spec.programme.contact_hours * 60)
    essential = essential_closure(drafts)
    optional = [i for i in range(len(drafts)) if i not in essential and i not in blocked(drafts)]
    needs = requirements(drafts)

    serves = {g.id: [t.id for t in spec.tasks if g.id in t.stakeholders] for g in spec.stakeholders}

    def load_of(chosen) -> Counter[tuple[str, str | None]]:
        """Minutes of one member of each group on each of its tasks (a member of a group
        in several tasks attends their own task's sessions and everyone's)."""
        load: Counter[tuple[str, str | None]] = Counter()
        for i in chosen:
            d = drafts[i]
            for group in d.audience:
                for task in serves[group] or [None]:
                    if d.task is None or d.task.id == task:
                        load[(group, task)] += d.module.min_minutes
        return load

    def room(chosen) -> bool:
        """Within budget and open days: adding sessions never makes room, so a choice that
        lacks it is not extended (the search below is exhaustive, only pruned)."""
        return max(load_of(chosen).values(), default=0) <= budget and sum(
            1 for i in chosen if in_sequence(drafts[i])
        ) <= len(calendar.open_days)

    def best_from(k: int, chosen: frozenset[int]) -> int | None:
        """The most valuable extension of `chosen` by optional[k:], every requirement met."""
        if not room(chosen):
            return None
        if k == len(optional):
            ok = all(set(needs[i] or ()) <= chosen for i in chosen)
            return sum(drafts[i].value for i in chosen - essential) if ok else None
        values = [best_from(k + 1, chosen | {optional[k]}), best_from(k + 1, chosen)]
        return max((v for v in values if v is not None), default=None)

    assert len(optional) <= 20
    best = best_from(0, frozenset(essential))
    kept, _ = fit_budget(spec, drafts, calendar)
    index = {session_title(d): i for i, d in enumerate(drafts)}
    chosen = {index[session_title(d)] for d in kept}
    assert essential <= chosen
    assert sum(drafts[i].value for i in chosen - essential) == best
