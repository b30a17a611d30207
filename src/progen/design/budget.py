"""Fit the taught sessions to the contact-hours budget, over the whole programme at once.

Which sessions run, and how long each one is, is one small optimisation: every person's
minutes stay within programme.contact_hours (a member of a group serving several tasks
attends the sessions of their own task only: sessions.shares), a session runs for its
whole audience or not at all, a session runs only when what it requires runs, and the
calendar holds one session a day in sequence. Among the plans that fit, the best keeps
every essential session, then the most valuable optional ones, then lengths closest to each module's
default. A hand-written greedy gets this wrong as soon as two groups share sessions, so it
is solved exactly with OR-Tools' CP-SAT solver (one worker, fixed seed: the same spec
always gives the same plan). The solver is imported only when the defaults do not fit.
"""

from __future__ import annotations

import math
import signal
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from progen.design import thresholds as t
from progen.design.calendar import Calendar
from progen.design.catalogue import Module
from progen.design.diagnose import diagnose
from progen.design.model import Omission
from progen.design.order import blocked, essential_closure, requirements, same_work
from progen.design.participants import tasks_served
from progen.design.schedule import in_sequence
from progen.design.sessions import Draft, Share, draft_sessions, session_title, shares
from progen.spec.model import Spec

SOLVER_PARAMETERS = "num_workers:1 random_seed:2027 max_deterministic_time:20"


def minimum_contact_hours(spec: Spec, catalogue: tuple[Module, ...]) -> float:
    """The smallest budget, in hours rounded up to the half hour, at which every essential
    session fits at its shortest for every group: what validation names when
    programme.contact_hours is too small."""
    drafts, _ = draft_sessions(spec, diagnose(spec), catalogue)
    essential = essential_closure(drafts)
    load = _loads(drafts, {i: drafts[i].module.min_minutes for i in essential}, tasks_served(spec))
    return math.ceil(max(load.values(), default=0) / 30) / 2


def _loads(
    drafts: tuple[Draft, ...], minutes: dict[int, int], serves: dict[str, tuple[str, ...]]
) -> Counter[Share]:
    """Each share's minutes (sessions.shares) when the drafts in `minutes` run at those
    lengths: what one member of that share attends."""
    load: Counter[Share] = Counter()
    for i, length in minutes.items():
        for share in shares(drafts[i], serves):
            load[share] += length
    return load


def _dated(drafts: tuple[Draft, ...], run) -> int:
    """How many of the drafts take a day of their own in the schedule's sequence."""
    return sum(1 for i in run if in_sequence(drafts[i]))


@contextmanager
def _ctrl_c_kept() -> Iterator[None]:
    """OR-Tools' SAT solver puts its own Ctrl-C handler in place while it solves and then
    leaves the system's default, which kills the process outright: no KeyboardInterrupt,
    so no clean-up (a build's staging folder, its job processes). Python's is put back."""
    handler = signal.getsignal(signal.SIGINT)
    try:
        yield
    finally:
        if handler is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, handler)


def _solve(
    drafts: tuple[Draft, ...],
    run: list[int],
    budget: int,
    days: int,
    serves: dict[str, tuple[str, ...]],
) -> dict[int, int]:
    """Draft index -> minutes for the drafts that run, from the exact optimum."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("SAT")
    solver.SetSolverSpecificParametersAsString(SOLVER_PARAMETERS)
    step = t.LENGTH_STEP
    runs = {i: solver.BoolVar(f"run{i}") for i in run}
    # Steps of shortening saved back from the minimum: length = min + step * k.
    steps = {
        i: (drafts[i].module.default_minutes - drafts[i].module.min_minutes) // step for i in run
    }
    extra = {i: solver.IntVar(0, steps[i], f"k{i}") for i in run}
    for i in run:
        solver.Add(extra[i] <= steps[i] * runs[i])
    # Shares that attend the same drafts share one constraint; shares that cannot pass the
    # budget even with everything at its default need none.
    attends: dict[Share, list[int]] = defaultdict(list)
    for i in run:
        for share in shares(drafts[i], serves):
            attends[share].append(i)
    for members in sorted({tuple(m) for m in attends.values()}):
        if sum(drafts[i].module.default_minutes for i in members) > budget:
            solver.Add(
                sum(drafts[i].module.min_minutes * runs[i] + step * extra[i] for i in members)
                <= budget
            )
    needs = requirements(drafts)
    for i in run:
        for j in needs[i] or ():
            solver.Add(runs[i] <= runs[j])
    if _dated(drafts, run) > days:
        solver.Add(sum(runs[i] for i in run if in_sequence(drafts[i])) <= days)
    # Lexicographic objective as one sum: one essential session outweighs every optional
    # one, and one optional session outweighs all the shortening there could be.
    # Shortening an essential session costs twice as much as shortening an optional one.
    essential = essential_closure(drafts)
    shorten = {i: 2 if i in essential else 1 for i in run}
    w_value = sum(shorten[i] * steps[i] for i in run) + 1
    w_essential = w_value * (sum(drafts[i].value for i in run) + 1)
    solver.Maximize(
        sum(
            (w_essential if i in essential else w_value * drafts[i].value) * runs[i]
            - shorten[i] * (steps[i] * runs[i] - extra[i])
            for i in run
        )
    )
    with _ctrl_c_kept():
        status = solver.Solve()
    if status not in (solver.OPTIMAL, solver.FEASIBLE):
        # Running nothing is feasible, so only Ctrl-C, which OR-Tools takes for itself to
        # stop the search, ends it without a solution: pass it on as Python's own.
        raise KeyboardInterrupt
    return {
        i: drafts[i].module.min_minutes + step * round(extra[i].solution_value())
        for i in run
        if runs[i].solution_value() > 0.5
    }


def _reason(
    spec: Spec, drafts: tuple[Draft, ...], i: int, minutes: dict[int, int], days: int
) -> tuple[str, str]:
    """(cause, reason) for a draft that does not run, in the words of the plan: what it
    builds on does not run, or it would take some group past the budget (by how much, in
    the plan as fitted), or the open days are full."""
    d = drafts[i]
    needed = requirements(drafts)[i]
    if needed is None:
        absent = " and ".join(
            f"'{m}'"
            for m in (*d.module.requires, *d.module.completed_by)
            if not any(e.module.id == m and same_work(d, e) for e in drafts)
        )
        return (
            "requires",
            f"it goes with the module {absent}, which this programme does not include",
        )
    missing = [drafts[j] for j in needed if j not in minutes]
    halves = sorted({session_title(e) for e in missing if e.module.id in d.module.completed_by})
    if halves:
        return "requires", (
            f"it is completed by {' and '.join(halves)}, which does not fit, and a cycle "
            f"begun but left half done does more harm than none"
        )
    if missing:
        titles = sorted({session_title(e) for e in missing})
        return "requires", f"it builds on {' and '.join(titles)}, which does not run"
    hours = spec.programme.contact_hours
    budget = round(hours * 60)
    load = _loads(drafts, minutes, tasks_served(spec))
    most: dict[str, int] = {}
    for g, task in shares(d, tasks_served(spec)):
        most[g] = max(most.get(g, 0), load[(g, task)] + d.module.min_minutes - budget)
    over = sorted(((n, g) for g, n in most.items() if n > 0), key=lambda pair: -pair[0])
    if over:
        named = [f"{n} more minutes for {spec.stakeholder(g).name}" for n, g in over[:3]]
        if len(over) > 3:
            named.append(f"more for {len(over) - 3} other groups")
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        return "budget", f"left out to keep within {hours:g} contact hours; it would need {listed}"
    if in_sequence(d) and _dated(drafts, list(minutes)) >= days:
        return "calendar", (
            f"left out because the programme's {days} open session days are all taken by "
            f"sessions that matter more"
        )
    return "budget", f"left out to keep within {hours:g} contact hours"


def fit_budget(
    spec: Spec, drafts: tuple[Draft, ...], calendar: Calendar
) -> tuple[tuple[Draft, ...], tuple[Omission, ...]]:
    """The drafts that run, at their fitted lengths, and every draft that does not, with
    its reason. Every person's minutes stay within programme.contact_hours."""
    hours = spec.programme.contact_hours
    budget = round(hours * 60)
    days = len(calendar.open_days)
    serves = tasks_served(spec)
    stuck = blocked(drafts)
    run = [i for i in range(len(drafts)) if i not in stuck]
    minutes = {i: drafts[i].minutes for i in run}
    load = _loads(drafts, minutes, serves)
    if max(load.values(), default=0) > budget or _dated(drafts, run) > days:
        minutes = _solve(drafts, run, budget, days, serves)
    kept = []
    for i, length in sorted(minutes.items()):
        d = drafts[i]
        note = (
            f"shortened from {d.minutes} to {length} minutes to keep within the "
            f"{hours:g}-hour budget"
        )
        kept.append(replace(d, minutes=length, notes=(*d.notes, note)) if length < d.minutes else d)
    omitted = []
    for i, d in enumerate(drafts):
        if i not in minutes:
            cause, reason = _reason(spec, drafts, i, minutes, days)
            omitted.append(Omission(d.module.id, session_title(d), reason, cause, d.essential))
    return tuple(kept), tuple(omitted)
