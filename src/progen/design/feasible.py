"""The design's own feasibility checks, run as part of validation.

A spec can be well-formed and still describe a programme that cannot be built: a task
whose people cannot be split into sets of the allowed size, a budget too small for the
essential sessions, a calendar with fewer open days than they need. Each check here
answers "would assembling this spec fail?" before anything is assembled, and says so at
the line of the spec to change, so `validate` finds everything that `plan` or `build` would.
"""

from __future__ import annotations

from progen.design.budget import minimum_contact_hours
from progen.design.catalogue import Module
from progen.design.model import Programme, clock, minutes_of
from progen.design.participants import expand_participants, member_names
from progen.design.schedule import calendar_problems
from progen.design.sets import infeasible_tasks
from progen.errors import Problem
from progen.spec.model import Spec, Stakeholder
from progen.wording import joined


def set_problems(spec: Spec) -> list[Problem]:
    """Tasks whose people cannot be split into sets within programme.set_size, even after
    people who serve several tasks are moved between them."""
    index = {task.id: i for i, task in enumerate(spec.tasks)}
    found = infeasible_tasks(expand_participants(spec), list(index), spec.programme.set_size)
    return [
        spec.where.problem(("tasks", index[task], "stakeholders"), f"task '{task}': {reason}")
        for task, reason in found
    ]


def budget_problems(spec: Spec, catalogue: tuple[Module, ...]) -> list[Problem]:
    """The essential sessions must fit every group's contact hours at their shortest."""
    needed = minimum_contact_hours(spec, catalogue)
    given = spec.programme.contact_hours
    if needed <= given:
        return []
    return [
        spec.where.problem(
            ("programme", "contact_hours"),
            f"{given:g} contact hours cannot hold the essential sessions for every group, even "
            f"at their shortest; the smallest budget that fits is {needed:g} hours",
        )
    ]


def day_problems(spec: Spec, catalogue: tuple[Module, ...]) -> list[Problem]:
    """The open session days must hold the essential sessions, one a day."""
    return [
        spec.where.problem(tuple(path.split(".")), message)
        for path, message in calendar_problems(spec, catalogue)
    ]


def name_problems(spec: Spec) -> list[Problem]:
    """Two places with one name: the records template lists attendance by name, so two
    'Nurse 1's (two groups whose members are called the same) could not be told apart."""
    first: dict[str, Stakeholder] = {}
    problems = []
    for i, group in enumerate(spec.stakeholders):
        clashes = []
        for name in member_names(group):
            if name in first and name not in clashes:
                clashes.append(name)
            first.setdefault(name, group)
        if clashes:
            shown = [f"'{n}'" for n in clashes[:3]] + ["others"] * (len(clashes) > 3)
            other = first[clashes[0]]
            same = other.name == group.name
            problems.append(
                spec.where.problem(
                    ("stakeholders", i),
                    f"{joined(shown)} would name a member of both {other.name}"
                    f"{f' ({other.id})' if same else ''} and {group.name}"
                    f"{f' ({group.id})' if same else ''}, "
                    f"so attendance records could not tell them apart; give this group its own "
                    f"'person:' (what one member is called) or list its people's names",
                    at_key=True,
                )
            )
    return problems


def feasibility_problems(spec: Spec, catalogue: tuple[Module, ...]) -> list[Problem]:
    """Every reason this spec could not be assembled, located in the spec."""
    return (
        name_problems(spec)
        + set_problems(spec)
        + budget_problems(spec, catalogue)
        + day_problems(spec, catalogue)
    )


DAY_MINUTES = 24 * 60
FEWEST_SET_MEETINGS = 2  # a set that meets once is a workshop, not action learning


def assembled_problems(p: Programme) -> list[Problem]:
    """What only the assembled programme shows is impossible: a day's sessions or set
    meetings running past midnight (an end time of 26:29 is no time at all), or sets that
    the calendar lets meet only once, which the plan's every word about a set's rhythm and
    its self-managed later meetings would then contradict."""
    problems = []
    spec = p.spec
    for key, start, longest in (
        ("session_start", spec.programme.session_start, _longest(p.sessions)),
        ("set_start", spec.programme.set_start, _longest(p.sets)),
    ):
        if minutes_of(start) + longest > DAY_MINUTES:
            latest = clock("00:00", DAY_MINUTES - longest)
            problems.append(
                spec.where.problem(
                    ("programme", key),
                    f"starting at {start}, a {longest}-minute meeting would run past midnight; "
                    f"start at {latest} or earlier",
                )
            )
    fewest = min((len(s.schedule) for s in p.sets), default=FEWEST_SET_MEETINGS)
    if fewest < FEWEST_SET_MEETINGS:
        problems.append(
            spec.where.problem(
                ("programme", "weeks"),
                f"between the session that forms them and the closing event, some "
                f"action-learning sets can meet {'only once' if fewest else 'not at all'}; "
                f"they need at least {FEWEST_SET_MEETINGS}: lengthen the programme, meet "
                f"more often (set_cadence_weeks) or add session days",
            )
        )
    return problems


def _longest(meetings) -> int:
    return max((m.minutes for m in meetings), default=0)
