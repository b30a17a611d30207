"""Expand stakeholder groups into the people who take part.

Sets are formed from people, not groups, so a group of eight ward managers can
spread across several sets; unnamed places get a stable numbered name so rosters
and calendars stay the same from build to build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from progen.spec.memo import per_spec
from progen.spec.model import Spec, Stakeholder

if TYPE_CHECKING:  # the programme model imports Participant from here
    from progen.design.model import Programme


@dataclass(frozen=True)
class Participant:
    name: str
    stakeholder: str
    organisation: str
    level: str
    location: str
    tasks: tuple[str, ...]


# Plural nouns that do not end in a plain s, and nouns with no singular of their own.
IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman"}
NO_SINGULAR = ("staff", "personnel", "workforce", "team", "public", "police", "leadership")
# Where a group's name stops naming one kind of person: "Ward sisters and hospital manager",
# "Carers of people with dementia", "GPs, practice nurses".
_JOINS = re.compile(r",| and | & | / | of | with | who | from | in ")


def singular(noun: str) -> str:
    """One of a plural noun: 'carers' -> 'carer', 'secretaries' -> 'secretary'."""
    lower = noun.lower()
    if lower in IRREGULAR:
        single = IRREGULAR[lower]
        return single.capitalize() if noun[:1].isupper() else single
    if lower.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes")):
        return noun[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return noun[:-1]
    return noun


def placeholder(group: Stakeholder) -> str:
    """How one unnamed member of a group is called: the spec's `person`, else the group's
    name made singular at its first noun phrase ('Ward sisters and hospital manager' ->
    'Ward sister'), or '<name> member' for a collective name ('Crisis team')."""
    if group.person:
        return group.person[:1].upper() + group.person[1:]
    head = _JOINS.split(group.name, maxsplit=1)[0].strip() or group.name
    words = head.split()
    last = words[-1]
    if last.lower() in NO_SINGULAR:
        return f"{head} member"
    return " ".join([*words[:-1], singular(last)])


def participant_groups(spec: Spec) -> tuple[str, ...]:
    """Groups serving at least one task, in spec order: only they take part."""
    serving = {g for task in spec.tasks for g in task.stakeholders}
    return tuple(g.id for g in spec.stakeholders if g.id in serving)


def participating_organisations(spec: Spec) -> tuple[str, ...]:
    """Organisations with at least one participating group, in spec order. An organisation
    listed only so a facilitator can name it does not make the work cross boundaries."""
    taking_part = {spec.stakeholder(g).organisation for g in participant_groups(spec)}
    return tuple(o.id for o in spec.organisations if o.id in taking_part)


def tasks_served(spec: Spec) -> dict[str, tuple[str, ...]]:
    """Group id -> the ids of the tasks it serves, in spec order (absent: none)."""
    serves: dict[str, list[str]] = {}
    for task in spec.tasks:
        for group_id in task.stakeholders:
            serves.setdefault(group_id, []).append(task.id)
    return {g: tuple(tasks) for g, tasks in serves.items()}


@per_spec
def expand_participants(spec: Spec) -> tuple[Participant, ...]:
    """Everyone who serves at least one task, in spec order: worked out once per spec, as
    validation, set formation and the outputs each ask for them."""
    serves = tasks_served(spec)
    people: list[Participant] = []
    for group in spec.stakeholders:
        tasks = serves.get(group.id, ())
        if not tasks:
            continue
        people.extend(
            Participant(name, group.id, group.organisation, group.level, group.location, tasks)
            for name in member_names(group)
        )
    return tuple(people)


def member_names(group: Stakeholder) -> tuple[str, ...]:
    """The names of a group's members: those the spec gives, then numbered places. Groups
    in no task have names too, since whole-programme sessions expect them. 'Ward managers'
    place 3 is 'Ward manager 3'."""
    one = placeholder(group)
    return tuple(group.people) + tuple(
        f"{one} {n}" for n in range(len(group.people) + 1, group.count + 1)
    )


def dependency_pairs(spec: Spec) -> frozenset[tuple[str, str]]:
    """Directed (group, depends-on group) pairs from the spec's depends_on lists."""
    return frozenset((g.id, d) for g in spec.stakeholders for d in g.depends_on)


def task_of_person(p: Programme) -> dict[tuple[str, str], str]:
    """(name, group id) -> the one task a member of a group serving several tasks works on:
    the task their action-learning set serves. Such a group divides its work, so each
    member comes to that task's own sessions only (budget.shares counts their hours so)."""
    serves = tasks_served(p.spec)
    return {
        (m.name, m.stakeholder): st.task
        for st in p.sets
        for m in st.members
        if len(serves.get(m.stakeholder, ())) > 1
    }


def expected_at(p: Programme) -> dict[str, tuple[tuple[str, str], ...]]:
    """Event id (a session's s03, a set's set-2) -> the (name, group id) of everyone the plan
    expects there: a session's whole audience, groups in no task included, and a set's
    members; at a session for one task, a member of a group serving several tasks only when
    that task is theirs (`task_of_person`). The records template, the records check and
    progress all count against this."""
    members = {g.id: member_names(g) for g in p.spec.stakeholders}
    theirs = task_of_person(p)
    out = {
        s.id: tuple(
            (n, g)
            for g in s.audience
            for n in members[g]
            if s.task is None or theirs.get((n, g), s.task) == s.task
        )
        for s in p.sessions
    }
    out |= {st.id: tuple((m.name, m.stakeholder) for m in st.members) for st in p.sets}
    return out


def taught_minutes(p: Programme) -> dict[tuple[str, str], int]:
    """(name, group id) -> the minutes of taught sessions the plan expects that person at:
    what programme.contact_hours bounds, and what a group's page tells its members."""
    minutes = {s.id: s.minutes for s in p.sessions}
    out: dict[tuple[str, str], int] = {}
    for event, people in expected_at(p).items():
        for person in people:
            out[person] = out.get(person, 0) + minutes.get(event, 0)
    return out


# Levels below each level, for "who manages someone taking part".
_BELOW = {
    "top-team": ("senior", "middle", "frontline"),
    "senior": ("middle", "frontline"),
    "middle": ("frontline",),
    "frontline": (),
    "community": (),
}


@per_spec
def managing(spec: Spec) -> frozenset[str]:
    """Groups whose organisation has a group at a lower staff level in the programme:
    worked out once per spec, as every draft's audience asks it."""
    levels: dict[str, set[str]] = {}
    for g in spec.stakeholders:
        levels.setdefault(g.organisation, set()).add(g.level)
    return frozenset(
        g.id for g in spec.stakeholders if levels[g.organisation] & set(_BELOW.get(g.level, ()))
    )
