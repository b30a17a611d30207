"""The design's own feasibility checks, run as part of validation.

A spec can be well-formed and still describe a programme that cannot be built: a task
whose people cannot be split into sets of the allowed size. Each check here answers
"would assembling this spec fail?" before anything is assembled, and says so at the line
of the spec to change, so `validate` finds everything that `plan` or `build` would.
"""

from __future__ import annotations

from progen.design.participants import expand_participants
from progen.design.sets import infeasible_tasks
from progen.errors import Problem
from progen.spec.model import Spec


def set_problems(spec: Spec) -> list[Problem]:
    """Tasks whose people cannot be split into sets within programme.set_size, even after
    people who serve several tasks are moved between them."""
    index = {task.id: i for i, task in enumerate(spec.tasks)}
    found = infeasible_tasks(expand_participants(spec), list(index), spec.programme.set_size)
    return [
        spec.where.problem(("tasks", index[task], "stakeholders"), f"task '{task}': {reason}")
        for task, reason in found
    ]


def feasibility_problems(spec: Spec) -> list[Problem]:
    """Every reason this spec could not be assembled, located in the spec."""
    return set_problems(spec)
