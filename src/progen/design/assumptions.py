"""Spec facts that change nothing, or that the design had to assume: the warnings.

A user who writes a fact expects it to matter. When it cannot (a group in no task, two
groups said to depend on each other that never share a task) or when the design fills a
gap with an assumption (no real-team figure, no word on the top team), the user is told
at the line they wrote, so nothing is silently ignored (SPEC.md section 2).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator

from progen.design import thresholds as t
from progen.design.model import Omission
from progen.design.participants import participating_organisations
from progen.errors import Problem
from progen.spec.model import Spec
from progen.wording import joined, plural

Rule = Callable[[Spec], Iterator[Problem]]


def _groups_in_no_task(spec: Spec) -> Iterator[Problem]:
    serving = {g for task in spec.tasks for g in task.stakeholders}
    for i, group in enumerate(spec.stakeholders):
        if group.id not in serving:
            yield spec.where.warning(
                ("stakeholders", i),
                f"'{group.name}' is in no task: they join the sessions for everyone and for "
                f"their level but no action-learning set; add them to a task's stakeholders if "
                f"they share its work",
            )


def _dependencies_apart(spec: Spec) -> Iterator[Problem]:
    """depends_on brings people together in sets, which serve one task: a pair that shares no
    task can never meet in one."""
    tasks_of: dict[str, set[str]] = {}
    for task in spec.tasks:
        for g in task.stakeholders:
            tasks_of.setdefault(g, set()).add(task.id)
    for i, group in enumerate(spec.stakeholders):
        mine = tasks_of.get(group.id, set())
        if not mine:
            continue  # warned about as a group in no task
        for j, other in enumerate(group.depends_on):
            if tasks_of.get(other) and not mine & tasks_of[other]:
                yield spec.where.warning(
                    ("stakeholders", i, "depends_on", j),
                    f"'{group.name}' depend on '{spec.stakeholder(other).name}', but the two "
                    f"serve no task together, so they never share an action-learning set; "
                    f"add one of them to a task of the other",
                )


def _unruled_culture(spec: Spec) -> Iterator[Problem]:
    for i, tag in enumerate(spec.context.culture):
        if tag not in t.CULTURE_WITH_RULES:
            yield spec.where.warning(
                ("context", "culture", i),
                f"the culture tag '{tag}' does not change the design yet; it is kept in the "
                f"spec but no session answers it",
            )


def _top_team_unknown(spec: Spec) -> Iterator[Problem]:
    if spec.context.top_team_effective is not None:
        return
    orgs = len(participating_organisations(spec))
    if orgs >= t.SEVERAL_ORGANISATIONS:
        yield spec.where.warning(
            ("context",),
            f"top_team_effective is not given: with {orgs} organisations taking part the "
            f"design assumes the top team already works as a team and adds no senior-team "
            f"session; write 'top_team_effective: false' if it does not",
            at_key=True,
        )


def _top_team_from_one_organisation(spec: Spec) -> Iterator[Problem]:
    """A senior team 'across organisations' whose members all come from one of them."""
    if spec.context.top_team_effective is not False:
        return
    taking = participating_organisations(spec)
    top = [(i, g) for i, g in enumerate(spec.stakeholders) if g.level == "top-team"]
    orgs = {g.organisation for _, g in top}
    if len(taking) >= t.SEVERAL_ORGANISATIONS and len(orgs) == 1:
        i, first = top[0]
        others = [spec.organisation(o).name for o in taking if o not in orgs]
        named = joined(others) if len(others) <= 8 else f"the {len(others)} other organisations"
        yield spec.where.warning(
            ("stakeholders", i),
            f"every top-team group belongs to {spec.organisation(first.organisation).name}, "
            f"so the senior-team session has no top-team member from {named}; add their "
            f"accountable leaders as a top-team group",
        )


def _real_teams_unknown(spec: Spec) -> Iterator[Problem]:
    if spec.context.team_working.real_teams is None:
        yield spec.where.warning(
            ("context",),
            f"team_working.real_teams is not given, so the national picture is assumed "
            f"({t.NATIONAL_REAL_TEAMS} staff in real teams) and team-charter and reflexivity "
            f"work is included; give your staff-survey figure to decide it locally",
            at_key=True,
        )


def _single_organisation_tasks(spec: Spec) -> Iterator[Problem]:
    if len(participating_organisations(spec)) < t.SEVERAL_ORGANISATIONS:
        return
    for i, task in enumerate(spec.tasks):
        orgs = {spec.stakeholder(g).organisation for g in task.stakeholders}
        if len(orgs) == 1:
            name = spec.organisation(next(iter(orgs))).name
            yield spec.where.warning(
                ("tasks", i, "stakeholders"),
                f"every stakeholder of task '{task.id}' belongs to {name}, so its sets cannot "
                f"cross organisational boundaries; add the partners who depend on this work",
            )


def _tasks_without_measure(spec: Spec) -> Iterator[Problem]:
    for i, task in enumerate(spec.tasks):
        if task.measure is None:
            yield spec.where.warning(
                ("tasks", i),
                f"task '{task.id}' has no measure: its team agrees one at the Model for "
                f"Improvement launch and its run chart starts empty; add "
                f"'measure: {{name, unit, baseline, target}}' if you know it",
                at_key=True,
            )


def _blackouts_outside(spec: Spec) -> Iterator[Problem]:
    p = spec.programme
    for i, day in enumerate(p.blackout):
        if not p.start <= day <= p.end:
            yield spec.where.warning(
                ("programme", "blackout", i),
                f"{day.isoformat()} is outside the programme ({p.start.isoformat()} to "
                f"{p.end.isoformat()}), so it changes nothing",
            )


def _real_teams_above_in_teams(spec: Spec) -> Iterator[Problem]:
    tw = spec.context.team_working
    if tw.in_teams is not None and tw.real_teams is not None and tw.real_teams > tw.in_teams:
        yield spec.where.warning(
            ("context", "team_working", "real_teams"),
            f"{tw.real_teams:g}% in real teams is more than the {tw.in_teams:g}% who work in "
            f"teams at all; staff in real teams are some of those in teams, so one figure is "
            f"likely mistyped (progen uses both as given)",
        )


def _measures_that_contradict(spec: Spec) -> Iterator[Problem]:
    from progen.design.pdsa import holding

    for i, task in enumerate(spec.tasks):
        m = task.measure
        if m is None or m.baseline is None or m.target is None:
            continue
        path = ("tasks", i, "measure")
        if m.baseline == m.target and not holding(task):  # holding a level: as it should be
            yield spec.where.warning(
                (*path, "target"),
                f"task '{task.id}': the target equals the baseline ({m.target:g}), so the "
                f"run chart has nothing to improve towards; give the level you aim for",
            )
        elif (m.improvement == "increase") != (m.target > m.baseline) and m.improvement in (
            "increase",
            "decrease",
        ):
            yield spec.where.warning(
                (*path, "improvement"),
                f"task '{task.id}': improvement is '{m.improvement}' but the target "
                f"({m.target:g}) is {'below' if m.target < m.baseline else 'above'} the "
                f"baseline ({m.baseline:g}); the charts read points by 'improvement', so "
                f"check which way is better",
            )


def _facilitators_named_twice(spec: Spec) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, f in enumerate(spec.facilitators):
        if f.name in seen:
            yield spec.where.warning(
                ("facilitators", i),
                f"'{f.name}' is named twice; progen treats them as two facilitators, so "
                f"one person may be given two sets or two sessions at once",
            )
        seen.add(f.name)


def _one_facilitator(spec: Spec) -> Iterator[Problem]:
    """One named facilitator leads every session and advises every set: a single point of
    failure, and an insider facilitating their own organisation's top team."""
    if len(spec.facilitators) == 1 and len(participating_organisations(spec)) > 1:
        name = spec.facilitators[0].name
        yield spec.where.warning(
            ("facilitators", 0),
            f"'{name}' is the only facilitator, so they lead every session and advise every "
            f"set; name a second facilitator, ideally from another organisation or from "
            f"outside, so sessions can be co-led and covered",
        )


_MONTHS = [m.lower() for m in calendar.month_name[1:]]  # English: the C locale
# "by March 2028", "by Sept 2028", "by 31 March 2028", "by the end of Mar, 2028": the month
# by its name or first three letters (and "Sept"), the year in ASCII digits.
_AIM_DATE = re.compile(
    r"\bby\s+(?:the\s+)?(?:end\s+of\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
    r"("
    + "|".join(
        f"{m[:3]}(?:{m[3:]}|t)?" if m == "september" else f"{m[:3]}(?:{m[3:]})?" for m in _MONTHS
    )
    + r")\.?,?\s+([0-9]{4})\b",
    re.I,
)


def _due(aim: str) -> tuple[int, int, str] | None:
    """(year, month, 'March 2028') of the latest 'by <month> <year>' in an aim, if any."""
    found = [
        (int(year), next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(name[:3].lower())))
        for name, year in _AIM_DATE.findall(aim)
    ]
    if not found:
        return None
    year, month = max(found)
    return year, month, f"{calendar.month_name[month]} {year}"


def _aims_after_follow_up(spec: Spec) -> Iterator[Problem]:
    """An aim 'by March 2028' that falls after the evaluation's follow-up: the follow-up
    cannot say whether the aim was met. Only this phrasing is read from the free text."""
    from progen.design.evaluation import add_months

    follow_up = add_months(spec.programme.end, spec.follow_up_months)
    for i, task in enumerate(spec.tasks):
        due = _due(task.aim)
        if due and due[:2] > (follow_up.year, follow_up.month):
            yield spec.where.warning(
                ("tasks", i, "aim"),
                f"the aim falls due in {due[2]}, after the evaluation's follow-up in "
                f"{follow_up:%B %Y}, which then cannot say whether it was met; set "
                f"evaluation.follow_up_months so the follow-up comes after it, or keep "
                f"recording the measure until then",
            )


RULES: tuple[Rule, ...] = (
    _groups_in_no_task,
    _dependencies_apart,
    _unruled_culture,
    _top_team_unknown,
    _top_team_from_one_organisation,
    _real_teams_unknown,
    _single_organisation_tasks,
    _tasks_without_measure,
    _blackouts_outside,
    _real_teams_above_in_teams,
    _measures_that_contradict,
    _facilitators_named_twice,
    _aims_after_follow_up,
    _one_facilitator,
)


# Which spec value to point at when a session is left out, by the cause of its omission.
_OMISSION_AT = {
    "budget": ("programme", "contact_hours"),
    "calendar": ("programme", "weeks"),
    "sets": ("programme", "set_cadence_weeks"),
}


def omission_warnings(spec: Spec, omitted: tuple[Omission, ...]) -> tuple[Problem, ...]:
    """Sessions the findings called for that the budget, the calendar or the sets' rhythm
    left out: one warning per cause, at the value that would bring them back."""
    out = []
    for cause, path in _OMISSION_AT.items():
        titles = [o.title for o in omitted if o.cause == cause]
        if not titles:
            continue
        essential = [o.title for o in omitted if o.cause == cause and o.essential]
        why = {
            "budget": f"at {spec.programme.contact_hours:g} contact hours",
            "calendar": "with the open session days available",
            "sets": "with the sets' meeting rhythm",
        }[cause]
        listed = "; ".join(titles[:5]) + (
            f"; and {len(titles) - 5} more" if len(titles) > 5 else ""
        )
        message = f"{why}, {plural(len(titles), 'session')} the design calls for "
        message += f"{'is' if len(titles) == 1 else 'are'} left out: {listed}"
        if essential:
            message += f" ({plural(len(essential), 'essential one')})"
        out.append(spec.where.warning(path, message + "; see 'Left out, and why'"))
    return tuple(out)


def spec_warnings(spec: Spec) -> tuple[Problem, ...]:
    """Every warning about the spec's facts, in file order."""
    found = [w for rule in RULES for w in rule(spec)]
    return tuple(sorted(found, key=lambda w: (w.line, w.column, w.message)))
