"""Choose, size and order the taught sessions.

Modules are chosen by the findings they answer, offered to the stakeholder groups
at their audience levels, ordered by phase and prerequisites, and then fitted to
the contact-hours budget of every group: sessions shrink towards their shortest
useful length first, and only then are the least essential ones withdrawn from the
groups that are over budget. Every withdrawal is reported with its reason.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from progen.design.catalogue import PHASES, Module
from progen.design.model import Diagnosis, Omission
from progen.design.participants import participant_groups
from progen.spec.model import Spec, Task


@dataclass(frozen=True)
class Draft:
    """A session before it has a date: which module, for whom, how long."""

    module: Module
    task: Task | None
    occurrence: int
    audience: tuple[str, ...]
    minutes: int
    notes: tuple[str, ...] = ()

    @property
    def rank(self) -> tuple[int, int, str]:
        return (PHASES.index(self.module.phase), self.module.order, self.module.id)


def effective_phase(module: Module, stage: str) -> str:
    """A performing system starts with the participative work; others keep catalogue order."""
    if (
        stage == "performing"
        and module.emphasis == "participative"
        and module.phase
        in (
            "improvement",
            "development",
        )
    ):
        return "foundations"
    return module.phase


def _audience(
    spec: Spec, module: Module, groups: tuple[str, ...], task: Task | None
) -> tuple[str, ...]:
    pool = task.stakeholders if task else groups
    return tuple(g for g in groups if g in pool and spec.stakeholder(g).level in module.levels)


def draft_sessions(
    spec: Spec, diagnosis: Diagnosis, catalogue: tuple[Module, ...]
) -> tuple[tuple[Draft, ...], tuple[Omission, ...]]:
    """Every session the findings call for, before the budget is applied."""
    findings = frozenset(f.id for f in diagnosis.findings)
    groups = participant_groups(spec)
    drafts: list[Draft] = []
    omitted: list[Omission] = []
    for module in catalogue:
        if not module.selected_by(findings):
            continue
        module = replace(module, phase=effective_phase(module, diagnosis.stage))
        for task in spec.tasks if module.per_task else (None,):
            audience = _audience(spec, module, groups, task)
            if not audience:
                where = f" among the stakeholders of task '{task.id}'" if task else ""
                omitted.append(
                    Omission(
                        module.id,
                        module.title,
                        f"no participating group at level {', '.join(module.levels)}{where}",
                    )
                )
                continue
            drafts.extend(
                Draft(module, task, n, audience, module.default_minutes)
                for n in range(1, module.repeat + 1)
            )
    return tuple(_ordered(drafts)), tuple(omitted)


def _ordered(drafts: list[Draft]) -> list[Draft]:
    """Phase order, with each module after its prerequisites."""
    return after_prerequisites(
        sorted(drafts, key=lambda d: (d.rank, d.occurrence, d.task.id if d.task else ""))
    )


def after_prerequisites(pending: list[Draft]) -> list[Draft]:
    """A stable topological sort: keep the given order except to put prerequisites first
    (a cycle in a user's catalogue is broken at its last member rather than looping)."""
    pending = list(pending)
    done: list[Draft] = []
    while pending:
        placed = {d.module.id for d in done}
        waiting = {d.module.id for d in pending}
        ready = next(
            d
            for d in pending
            if all(p in placed or p not in waiting for p in d.module.prerequisites)
            or d is pending[-1]
        )
        done.append(ready)
        pending.remove(ready)
    return done


# The order in which sessions give way for a group over budget: optional work (priority
# 3-5) is shortened and then withdrawn, least essential first; essential work (1-2) is
# only shortened after that, and withdrawn last of all.
GIVE_WAY = (
    ("shorten", 5),
    ("withdraw", 5),
    ("shorten", 4),
    ("withdraw", 4),
    ("shorten", 3),
    ("withdraw", 3),
    ("shorten", 2),
    ("shorten", 1),
    ("withdraw", 2),
    ("withdraw", 1),
)


def _shortened(d: Draft, hours: float) -> Draft:
    low = d.module.min_minutes
    note = (
        f"shortened from {d.minutes} to {low} minutes to keep within the {hours:g} hours of "
        f"taught sessions each participant has"
    )
    return replace(d, minutes=low, notes=(*d.notes, note))


def fit_budget(
    spec: Spec, drafts: tuple[Draft, ...]
) -> tuple[tuple[Draft, ...], tuple[Omission, ...]]:
    """Keep every group within programme.contact_hours; never exceed it."""
    hours = spec.programme.contact_hours
    budget = round(hours * 60)
    work = list(drafts)
    load: Counter[str] = Counter()
    attends: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(work):
        for g in d.audience:
            load[g] += d.minutes
            attends[g].append(i)
    withdrawn: dict[int, list[str]] = {}
    for group in participant_groups(spec):
        for action, priority in GIVE_WAY:
            # Among equals, the later session gives way first.
            for i in reversed(attends[group]):
                d = work[i]
                if load[group] <= budget:
                    break
                if group not in d.audience or d.module.priority != priority:
                    continue
                if action == "shorten" and d.minutes > d.module.min_minutes:
                    work[i] = _shortened(d, hours)
                    for g in d.audience:
                        load[g] -= d.minutes - work[i].minutes
                elif action == "withdraw":
                    work[i] = replace(d, audience=tuple(g for g in d.audience if g != group))
                    load[group] -= d.minutes
                    withdrawn.setdefault(i, []).append(group)
    # Shortening for one group can free time for groups fitted before it: offer withdrawn
    # sessions back, most essential first, wherever they now fit.
    for i, group in sorted(
        ((i, g) for i, groups in withdrawn.items() for g in groups),
        key=lambda pair: (work[pair[0]].module.priority, pair[0]),
    ):
        if load[group] + work[i].minutes <= budget:
            back = set(work[i].audience) | {group}
            work[i] = replace(work[i], audience=tuple(g for g in drafts[i].audience if g in back))
            load[group] += work[i].minutes
            withdrawn[i].remove(group)
    omitted = [
        Omission(
            work[i].module.id,
            session_title(work[i]),
            f"not offered to {', '.join(spec.stakeholder(g).name for g in groups)}: "
            f"their sessions would pass the {hours:g} hours of taught sessions each "
            f"participant has"
            + ("" if work[i].audience else "; no group was left, so it does not run"),
        )
        for i, groups in sorted(withdrawn.items())
        if groups
    ]
    return tuple(d for d in work if d.audience), tuple(omitted)


def session_title(d: Draft) -> str:
    title = d.module.title + (f": {d.task.title}" if d.task else "")
    return title + (f" ({d.occurrence} of {d.module.repeat})" if d.module.repeat > 1 else "")
