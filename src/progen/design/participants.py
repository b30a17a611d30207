"""Expand stakeholder groups into the people who take part.

Sets are formed from people, not groups, so a group of eight ward managers can
spread across several sets; unnamed places get a stable numbered name so rosters
and calendars stay the same from build to build.
"""

from __future__ import annotations

from dataclasses import dataclass

from progen.spec.model import Spec, Stakeholder


@dataclass(frozen=True)
class Participant:
    name: str
    stakeholder: str
    organisation: str
    level: str
    location: str
    tasks: tuple[str, ...]


def numbered_name(group: Stakeholder, n: int) -> str:
    """'Ward managers' place 3 becomes 'Ward manager 3' (a plural trailing s is dropped)."""
    base = (
        group.name[:-1]
        if group.name.endswith("s") and not group.name.endswith("ss")
        else group.name
    )
    return f"{base} {n}"


def participant_groups(spec: Spec) -> tuple[str, ...]:
    """Groups serving at least one task, in spec order: only they take part."""
    serving = {g for task in spec.tasks for g in task.stakeholders}
    return tuple(g.id for g in spec.stakeholders if g.id in serving)


def participating_organisations(spec: Spec) -> tuple[str, ...]:
    """Organisations with at least one participating group, in spec order. An organisation
    listed only so a facilitator can name it does not make the work cross boundaries."""
    taking_part = {spec.stakeholder(g).organisation for g in participant_groups(spec)}
    return tuple(o.id for o in spec.organisations if o.id in taking_part)


def expand_participants(spec: Spec) -> tuple[Participant, ...]:
    """Everyone who serves at least one task, in spec order."""
    serves: dict[str, list[str]] = {}
    for task in spec.tasks:
        for group_id in task.stakeholders:
            serves.setdefault(group_id, []).append(task.id)
    people: list[Participant] = []
    for group in spec.stakeholders:
        tasks = tuple(serves.get(group.id, ()))
        if not tasks:
            continue
        names = list(group.people) + [
            numbered_name(group, n) for n in range(len(group.people) + 1, group.count + 1)
        ]
        people.extend(
            Participant(name, group.id, group.organisation, group.level, group.location, tasks)
            for name in names
        )
    return tuple(people)


def dependency_pairs(spec: Spec) -> frozenset[tuple[str, str]]:
    """Directed (group, depends-on group) pairs from the spec's depends_on lists."""
    return frozenset((g.id, d) for g in spec.stakeholders for d in g.depends_on)
