"""Choose the taught sessions the findings call for, each for the whole audience its rule
selects.

A module declares who it is for as an audience rule (SPEC.md section 4); a session is
drafted for exactly the groups that rule selects, and later runs for all of them or not
at all (budget.py decides which run and for how long; schedule.py decides when).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from progen.design import thresholds as t
from progen.design.catalogue import PHASES, Module
from progen.design.model import AudienceRule, Diagnosis, Omission
from progen.design.participants import managing, participant_groups
from progen.spec.model import Spec, Task


@dataclass(frozen=True)
class Draft:
    """A session before it has a date: which module, for whom, how long, and how much the
    programme needs it."""

    module: Module
    task: Task | None
    occurrence: int
    audience: tuple[str, ...]
    rule: AudienceRule
    minutes: int
    essential: bool = False
    value: int = 0  # optional sessions' worth when the budget is tight (thresholds)
    notes: tuple[str, ...] = ()

    @property
    def rank(self) -> tuple[int, int, str, int, str]:
        return (
            PHASES.index(self.module.phase),
            self.module.order,
            self.module.id,
            self.occurrence,
            self.task.id if self.task else "",
        )


def effective_phase(module: Module, stage: str) -> str:
    """A performing system starts with the participative work; others keep catalogue order."""
    if (
        stage == "performing"
        and module.emphasis == "participative"
        and module.phase in ("improvement", "development")
    ):
        return "foundations"
    return module.phase


def audience_of(spec: Spec, rule: AudienceRule) -> tuple[str, ...]:
    """Exactly the groups a rule selects, in spec order (SPEC.md section 4)."""
    task = next((x for x in spec.tasks if x.id == rule.task), None) if rule.task else None
    # A levels rule without a task reaches every group at those levels, tasks or none:
    # an executive team that shares no task's work still belongs in the top-team session.
    everyone = {g.id for g in spec.stakeholders}
    if rule.who == "everyone":
        pool = everyone
    elif task:
        pool = set(task.stakeholders)
    elif rule.who == "levels":
        pool = set(participant_groups(spec)) if rule.set_members else everyone
    else:
        pool = set()
    if rule.line_managers:
        pool &= managing(spec)
    return tuple(
        g.id
        for g in spec.stakeholders
        if g.id in pool and (rule.who != "levels" or g.level in rule.levels)
    )


def _nobody(module: Module, task: Task | None) -> str:
    """Why a levels rule selected nobody (everyone and task rules always find a group: a
    spec has stakeholders and every task names some)."""
    where = f" among the stakeholders of '{task.title}'" if task else ""
    levels = [level.replace("-", " ") for level in module.audience.levels]
    named = levels[0] if len(levels) == 1 else ", ".join(levels[:-1]) + " or " + levels[-1]
    if module.audience.line_managers:
        return (
            f"it is for {named} level groups who manage staff taking part, and no such "
            f"group's organisation has staff at a lower level here{where}"
        )
    return f"it is for {named} level groups, and there is no such group{where}"


def draft_sessions(
    spec: Spec, diagnosis: Diagnosis, catalogue: tuple[Module, ...]
) -> tuple[tuple[Draft, ...], tuple[Omission, ...]]:
    """Every session the findings call for, before the budget is applied, in catalogue
    order; a module whose rule selects nobody is reported instead."""
    findings = frozenset(f.id for f in diagnosis.findings)
    drafts: list[Draft] = []
    omitted: list[Omission] = []
    for module in catalogue:
        if not module.selected_by(findings):
            continue
        module = replace(module, phase=effective_phase(module, diagnosis.stage))
        essential = module.essential(findings)
        chosen_by = len((set(module.all_of) | set(module.any_of)) & findings)
        value = 0 if essential else t.OPTIONAL_VALUE[module.priority] + chosen_by
        for task in spec.tasks if module.per_task else (None,):
            rule = replace(module.audience, task=task.id if task else None)
            audience = audience_of(spec, rule)
            if not audience:
                omitted.append(
                    Omission(module.id, module.title, _nobody(module, task), "audience", essential)
                )
                continue
            drafts.extend(
                Draft(module, task, n, audience, rule, module.default_minutes, essential, value)
                for n in range(1, module.repeat + 1)
            )
    return tuple(sorted(drafts, key=lambda d: d.rank)), tuple(omitted)


Share = tuple[str, str | None]  # (group id, task id): whose hours a session spends


def shares(d: Draft, serves: dict[str, tuple[str, ...]]) -> tuple[Share, ...]:
    """The (group, task) shares whose hours a session spends. A group serving several tasks
    divides its members between them (each member works on the task their set serves), so
    a session for one task spends the hours of that task's share of the group only, and a
    session for everyone spends every share's: a person's hours are their share's, never
    the sum of every task their group serves (`serves` is participants.tasks_served)."""
    if d.task is not None:
        return tuple((g, d.task.id) for g in d.audience)
    return tuple((g, task) for g in d.audience for task in serves.get(g) or (None,))


def session_title(d: Draft, of: int | None = None) -> str:
    """The session's title, numbered among the `of` occurrences of its module (for its task)
    that run: '(1 of 2)' only when a second one does run (default: the module's repeat)."""
    title = d.module.title + (f": {d.task.title}" if d.task else "")
    of = d.module.repeat if of is None else of
    return title + (f" ({d.occurrence} of {of})" if of > 1 else "")
