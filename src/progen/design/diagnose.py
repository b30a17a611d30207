"""Turn the spec's context into findings, each holding the facts behind it.

A finding is the unit of explanation: sessions cite the findings that selected
them, so a reader can trace every choice back to a line of their own spec.
"""

from __future__ import annotations

from collections import Counter

from progen.design import thresholds as t
from progen.design.model import Diagnosis, Fact, Finding
from progen.design.participants import participant_groups, participating_organisations
from progen.spec.model import Spec

STYLES = {
    "early": (
        "directive",
        "a clarifying, directive emphasis: shared expectations, lines of "
        "accountability and measures come first",
    ),
    "improving": (
        "directive-then-participative",
        "a clarifying emphasis at the start that "
        "shifts to participative, engaging leadership during the programme",
    ),
    "performing": (
        "participative",
        "a participative, engaging emphasis: distributed ownership and coaching",
    ),
}
STAGE_CAVEAT = (
    "Mannion et al. (2005) found that higher and lower performing trusts differ in leadership "
    "orientation and accountability; reading this as a sequence of stages (clarify first, then "
    "share ownership once performance is reached) is an interpretation, not a tested rule."
)


def _names(spec: Spec, ids: list[str]) -> str:
    names = [spec.stakeholder(i).name for i in ids]
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


def _stage(spec: Spec) -> Finding:
    stage = spec.context.stage
    text = STYLES[stage][1]
    return Finding(
        id=f"stage-{stage}",
        title=f"Stage of development: {stage}",
        text=f"The system is at the '{stage}' stage (context.stage), so the programme takes "
        f"{text}. {STAGE_CAVEAT}",
        facts=(Fact("context.stage", stage),),
        evidence=("mannion-2005",),
    )


def _real_teams(spec: Spec) -> Finding | None:
    real = spec.context.team_working.real_teams
    if real is not None and real >= t.REAL_TEAMS_THRESHOLD:
        return None
    why = (
        "only teams with clear shared objectives, close interdependent working and regular "
        "reviews of their effectiveness count as real, and staff in pseudo teams see more "
        "errors, injuries and poorer morale (West et al. 2011; West and Lyubovnikova 2013)"
    )
    if real is None:
        text = (
            f"No real-team figure is given (context.team_working.real_teams), so progen "
            f"assumes the national picture: {t.NATIONAL_IN_TEAMS} NHS staff say they work in "
            f"teams but only {t.NATIONAL_REAL_TEAMS} are in real teams. Team-charter and "
            f"team-reflexivity work is included because {why}."
        )
        facts = (Fact("context.team_working.real_teams", "not given"),)
    else:
        text = (
            f"{real:g}% of staff work in real teams (context.team_working.real_teams), "
            f"below the {t.REAL_TEAMS_THRESHOLD}% threshold. Team-charter and "
            f"team-reflexivity work is included because {why}."
        )
        facts = (Fact("context.team_working.real_teams", f"{real:g}%"),)
    return Finding(
        "low-real-teams", "Few staff are in real teams", text, facts, ("west-2011", "west-2013")
    )


def _top_team(spec: Spec) -> Finding | None:
    orgs = len(participating_organisations(spec))
    if spec.context.top_team_effective is not False or orgs < t.SEVERAL_ORGANISATIONS:
        return None
    return Finding(
        "top-team-ineffective",
        "The top team does not yet work as a team",
        f"The top team is not yet effective as a team (context.top_team_effective: false) and "
        f"{orgs} organisations take part. A common reason large systems fail to change is that "
        f"senior leaders do not work as an effective team (Reinertsen et al. 2008), so the "
        f"senior team gets its own session as a team (West et al. 2011).",
        (Fact("context.top_team_effective", "false"), Fact("organisations", f"{orgs}")),
        ("reinertsen-2008", "west-2011"),
    )


def _middle(spec: Spec) -> Finding | None:
    ids = _taking_part(spec, "middle")
    if not ids:
        return None
    return Finding(
        "middle-managers",
        "Line managers take part",
        f"{_names(spec, ids)} take part at middle level (stakeholders[].level: middle). "
        f"Engaging leadership by line managers (genuine concern for staff, engaging others) "
        f"predicted performance where competency ratings did not (Alimo-Metcalfe et al. 2008), "
        f"so they get a module of their own.",
        _level_facts(spec, ids),
        ("alimo-metcalfe-2008",),
    )


def _organisations(spec: Spec) -> Finding | None:
    taking_part = participating_organisations(spec)
    orgs = len(taking_part)
    if orgs < t.SEVERAL_ORGANISATIONS:
        return None
    kinds = Counter(spec.organisation(o).kind for o in taking_part)
    mix = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return Finding(
        "multi-organisation",
        "The work crosses organisational boundaries",
        f"{orgs} organisations take part ({mix}; organisations). Relational coordination "
        f"(shared goals, shared knowledge and mutual respect, with timely, accurate, "
        f"problem-solving communication) is built across their boundaries (Gittell 2009).",
        (Fact("organisations", f"{orgs}"),),
        ("gittell-2009",),
    )


def _community(spec: Spec) -> Finding | None:
    ids = _taking_part(spec, "community")
    if not ids:
        return None
    return Finding(
        "community-stakeholders",
        "Patients, carers or communities take part",
        f"{_names(spec, ids)} take part at community level (stakeholders[].level: community), "
        f"so the programme includes co-production with patients, carers and communities.",
        _level_facts(spec, ids),
        (),
    )


def _appreciative(spec: Spec) -> Finding | None:
    tags = [c for c in spec.context.culture if c in t.APPRECIATIVE_CULTURE]
    if not tags:
        return None
    return Finding(
        "appreciative",
        "Start from what already works",
        f"The culture is described as {' and '.join(tags)} (context.culture). Appreciative "
        f"inquiry (Discover, Dream, Design, Deliver) comes before problem-solving work, "
        f"building on what already works rather than on deficits (Cooperrider and Whitney "
        f"2005).",
        (Fact("context.culture", ", ".join(tags)),),
        ("cooperrider-2005",),
    )


def _collaborative(spec: Spec) -> Finding | None:
    topics = Counter(task.topic for task in spec.tasks if task.topic)
    shared = sorted(topic for topic, n in topics.items() if n >= t.COLLABORATIVE_TASKS)
    if not shared:
        return None
    tasks = [task.id for task in spec.tasks if task.topic in shared]
    return Finding(
        "collaborative",
        "Several tasks share a topic",
        f"{len(tasks)} tasks share the topic {', '.join(repr(s) for s in shared)} "
        f"(tasks[].topic), so they run as a collaborative: learning sessions with action "
        f"periods between them, ending in a sharing event (IHI 2003).",
        tuple(
            Fact(f"tasks[{i}].topic", task.topic or "")
            for i, task in enumerate(spec.tasks)
            if task.id in tasks
        ),
        ("ihi-2003",),
    )


def _level_facts(spec: Spec, ids: list[str]) -> tuple[Fact, ...]:
    return tuple(
        Fact(f"stakeholders[{i}].level", g.level)
        for i, g in enumerate(spec.stakeholders)
        if g.id in ids
    )


def _taking_part(spec: Spec, level: str) -> list[str]:
    """Participating groups at `level`, in spec order."""
    return [g for g in participant_groups(spec) if spec.stakeholder(g).level == level]


RULES = (
    _stage,
    _real_teams,
    _top_team,
    _middle,
    _organisations,
    _community,
    _appreciative,
    _collaborative,
)


def diagnose(spec: Spec) -> Diagnosis:
    """Findings in a fixed order, so the same spec always reads the same way."""
    findings = tuple(f for rule in RULES if (f := rule(spec)) is not None)
    style, text = STYLES[spec.context.stage]
    return Diagnosis(spec.context.stage, style, text, findings)
