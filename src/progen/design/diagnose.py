"""Turn the spec's context into findings, each holding the facts behind it.

A finding is the unit of explanation: sessions cite the findings that selected
them. Its text is written for a board, naming the spec's facts in words; each
fact also keeps the dotted path and, when known, the line and column the user
wrote it at, for the appendix that traces every decision back to the spec.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from progen.design import thresholds as t
from progen.design.model import Diagnosis, Fact, Finding
from progen.design.participants import (
    managing,
    participant_groups,
    participating_organisations,
)
from progen.spec.memo import per_spec
from progen.spec.model import Spec
from progen.spec.paths import Path, dotted
from progen.wording import context_words, counted, joined, number_word

STAGE_CAVEAT = (
    "Mannion et al. (2005) found that higher and lower performing trusts differ in leadership "
    "orientation and accountability; reading this as a sequence of stages (clarify first, then "
    "share ownership once performance is reached) is an interpretation, not a tested rule."
)


# What a finding promises, kept apart so that a finding whose work does not run can drop
# the promise rather than contradict it (`answered`).
_TOP_TEAM_PROMISE = (
    " So the senior leaders get a session of their own to agree shared aims and how they "
    "will oversee the work together."
)
_BOUNDARY_PROMISE = " The programme builds it across the organisations' boundaries."
_MANAGERS_PROMISE = ", so they get a session of their own."
_COMMUNITY_PROMISE = (
    ", so the programme includes co-production with patients, carers and communities."
)
_SAFETY_PROMISE = (
    " So the programme includes a session on psychological safety, in which leaders practise "
    "inviting input and responding well when people speak up."
)


def _fact(spec: Spec, path: Path, value: str, words: str) -> Fact:
    """A fact at `path`, located at the line the user wrote its key on when the spec was
    read from a file (a spec built in memory has no lines to give)."""
    if not spec.where.marks:
        return Fact(dotted(path), value, words)
    mark = spec.where.mark(path, at_key=True)
    return Fact(dotted(path), value, words, mark.line, mark.column)


def _names(spec: Spec, ids: list[str]) -> str:
    return joined([spec.stakeholder(i).name for i in ids])


def _stage(spec: Spec) -> Finding:
    stage = spec.context.stage
    return Finding(
        id=f"stage-{stage}",
        title=f"Stage of development: {stage}",
        text=f"The system is at the {stage} stage of development, so the "
        f"programme takes {context_words()['stages'][stage]['emphasis']}. {STAGE_CAVEAT}",
        facts=(_fact(spec, ("context", "stage"), stage, f"The stage of development is {stage}"),),
        evidence=("mannion-2005",),
    )


def _real_teams(spec: Spec) -> Finding | None:
    real = spec.context.team_working.real_teams
    if real is not None and real >= t.REAL_TEAMS_THRESHOLD:
        return None
    why = (
        "only teams with clear shared objectives, close interdependent working and regular "
        "reviews of their effectiveness count as real, and staff in pseudo teams report more "
        "errors, injuries and poorer morale (West et al. 2011; West and Lyubovnikova 2013)"
    )
    if real is None:
        text = (
            f"No figure is given for the share of staff in real teams, so the national "
            f"picture is assumed: {t.NATIONAL_IN_TEAMS} NHS staff say they work in teams but "
            f"only {t.NATIONAL_REAL_TEAMS} are in real teams. Team-charter and "
            f"team-reflexivity work is included because {why}."
        )
        fact = _fact(
            spec,
            ("context", "team_working", "real_teams"),
            "not given",
            "No figure is given for the share of staff in real teams",
        )
    else:
        text = (
            f"{real:g}% of staff work in real teams. That is below {t.REAL_TEAMS_THRESHOLD}%, "
            f"the share under which this programme's design brings in team-charter and "
            f"team-reflexivity work by default: a design default, not a threshold from the "
            f"research. The work matters because {why}."
        )
        fact = _fact(
            spec,
            ("context", "team_working", "real_teams"),
            f"{real:g}%",
            f"{real:g}% of staff are in real teams",
        )
    return Finding(
        "low-real-teams", "Few staff are in real teams", text, (fact,), ("west-2011", "west-2013")
    )


def _organisations_fact(spec: Spec) -> Fact:
    orgs = participating_organisations(spec)
    return _fact(
        spec,
        ("organisations",),
        f"{len(orgs)}",
        f"{number_word(len(orgs)).capitalize()} organisations take part: "
        + joined([spec.organisation(o).name for o in orgs]),
    )


def _top_team(spec: Spec) -> Finding | None:
    orgs = len(participating_organisations(spec))
    if spec.context.top_team_effective is not False or orgs < t.SEVERAL_ORGANISATIONS:
        return None
    return Finding(
        "top-team-ineffective",
        "The top team does not yet work as a team",
        f"The top team does not yet work as a team, and "
        f"{counted(orgs, 'organisation')} take part. The Institute for Healthcare "
        f"Improvement's seven leadership leverage points (Reinertsen et al. 2008) give senior "
        f"leaders system-level aims to set and oversee at the highest level of governance, and "
        f"ask them to channel their own attention to improvement; the authors offer the "
        f"leverage points as a theory, not a tested method.{_TOP_TEAM_PROMISE} "
        f"Asking them the real-team questions that the staff-survey research uses (West et al. "
        f"2011) is this programme's own interpretation, not a tested intervention.",
        (
            _fact(
                spec,
                ("context", "top_team_effective"),
                "false",
                "The top team does not yet work as a team",
            ),
            _organisations_fact(spec),
        ),
        ("reinertsen-2008", "west-2011"),
        _TOP_TEAM_PROMISE,
    )


def _middle(spec: Spec) -> Finding | None:
    # middle managers who manage someone here: a commissioning team with no staff taking
    # part is middle grade but line-manages no one in the programme
    ids = [g for g in _taking_part(spec, "middle") if g in managing(spec)]
    if not ids:
        return None
    return Finding(
        "middle-managers",
        "Line managers take part",
        f"{_names(spec, ids)} take part as middle managers. Engaging leadership by line "
        f"managers (genuine concern for staff, engaging others) predicted performance where "
        f"competency ratings did not (Alimo-Metcalfe et al. 2008){_MANAGERS_PROMISE}",
        _level_facts(spec, ids),
        ("alimo-metcalfe-2008",),
        _MANAGERS_PROMISE,
    )


def _organisations(spec: Spec) -> Finding | None:
    if len(participating_organisations(spec)) < t.SEVERAL_ORGANISATIONS:
        return None
    fact = _organisations_fact(spec)
    return Finding(
        "multi-organisation",
        "The work crosses organisational boundaries",
        f"{fact.words}. Relational coordination has seven dimensions: frequent, timely, "
        f"accurate and problem-solving communication, and relationships of shared goals, "
        f"shared knowledge and mutual respect (Gittell 2009).{_BOUNDARY_PROMISE}",
        (fact,),
        ("gittell-2009",),
        _BOUNDARY_PROMISE,
    )


def _community(spec: Spec) -> Finding | None:
    ids = _taking_part(spec, "community")
    if not ids:
        return None
    return Finding(
        "community-stakeholders",
        "Patients, carers or communities take part",
        f"{_names(spec, ids)} take part as community members. Putting patients and families "
        f"on the improvement team is one of the leadership leverage points the Institute for "
        f"Healthcare Improvement proposes (Reinertsen et al. 2008){_COMMUNITY_PROMISE}",
        _level_facts(spec, ids),
        ("reinertsen-2008",),
        _COMMUNITY_PROMISE,
    )


def _culture_fact(spec: Spec, tags: list[str]) -> Fact:
    words = context_words()["culture"]
    described = joined([words[tag] for tag in tags])
    return _fact(
        spec,
        ("context", "culture"),
        ", ".join(tags),
        f"The culture is described as {described}",
    )


def _culture(spec: Spec, wanted: tuple[str, ...]) -> list[str]:
    return [c for c in spec.context.culture if c in wanted]


def _appreciative(spec: Spec) -> Finding | None:
    tags = _culture(spec, t.APPRECIATIVE_CULTURE)
    if not tags:
        return None
    fact = _culture_fact(spec, tags)
    return Finding(
        "appreciative",
        "Start from what already works",
        f"{fact.words}. So the programme starts from what already works rather than from "
        f"deficits: appreciative inquiry, whose 4-D cycle runs Discovery, Dream, Design and "
        f"Destiny (Cooperrider and Whitney 2005; some later writers call the fourth stage "
        f"Deliver), comes before any problem-solving or accountability work. Starting "
        f"there in such a culture is this design's choice, not a tested remedy.",
        (fact,),
        ("cooperrider-2005",),
    )


def _speak_up(spec: Spec) -> Finding | None:
    tags = _culture(spec, t.SPEAK_UP_CULTURE)
    if not tags:
        return None
    fact = _culture_fact(spec, tags)
    return Finding(
        "speak-up",
        "Make it safe to speak up",
        f"{fact.words}. Edmondson (1999) found that people in work teams learn (ask for help, "
        f"raise concerns, talk about mistakes) when they believe the team is safe for "
        f"interpersonal risk-taking, and that how team leaders behave shapes that belief."
        f"{_SAFETY_PROMISE}",
        (fact,),
        ("edmondson-1999",),
        _SAFETY_PROMISE,
    )


def _strengths(spec: Spec) -> Finding | None:
    tags = _culture(spec, t.STRENGTH_CULTURE)
    if not tags:
        return None
    fact = _culture_fact(spec, tags)
    return Finding(
        "strengths",
        "Strengths to build on",
        f"{fact.words}: strengths to build on. Team climates that support innovation and in "
        f"which people feel safe to take part go with innovation in work teams (Anderson and "
        f"West 1998), so the participative work in the programme starts from these strengths.",
        (fact,),
        ("anderson-1998",),
    )


def _collaborative(spec: Spec) -> Finding | None:
    topics = Counter(task.topic for task in spec.tasks if task.topic)
    shared = sorted(topic for topic, n in topics.items() if n >= t.COLLABORATIVE_TASKS)
    if not shared:
        return None
    tasks = [(i, task) for i, task in enumerate(spec.tasks) if task.topic in shared]
    return Finding(
        "collaborative",
        "Several tasks share a topic",
        f"{joined([task.title for _, task in tasks])} share the topic "
        f"{joined([repr(s) for s in shared])}, so they run as a collaborative: learning "
        f"sessions with action periods between them, ending in a sharing event (IHI 2003).",
        tuple(
            _fact(
                spec,
                ("tasks", i, "topic"),
                task.topic or "",
                f"{task.title} has the topic {task.topic}",
            )
            for i, task in tasks
        ),
        ("ihi-2003",),
    )


def _level_facts(spec: Spec, ids: list[str]) -> tuple[Fact, ...]:
    levels = context_words()["levels"]
    return tuple(
        _fact(spec, ("stakeholders", i, "level"), g.level, f"{g.name} are {levels[g.level]}")
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
    _speak_up,
    _strengths,
    _collaborative,
)


def answered(
    diagnosis: Diagnosis, drafts: tuple, running: set[str], squeezed: set[str]
) -> Diagnosis:
    """The diagnosis as the fitted programme bears it out: a finding whose sessions the
    budget or the calendar left out says so, so no finding promises work that does not run.
    `drafts` are every session the findings called for; `running`, the module ids that run;
    `squeezed`, the module ids left out for want of hours or days."""
    findings = []
    for f in diagnosis.findings:
        chosen = {d.module.id: d.module.title for d in drafts if f.id in d.module.chosen_by}
        dropped = [
            title
            for module, title in chosen.items()
            if module not in running and module in squeezed
        ]
        if dropped and len(dropped) == len(chosen) and f.promise:
            unsaid = f.text.replace(f.promise, "." if f.promise.startswith(",") else "")
            f = replace(
                f,
                text=f"{unsaid} The work this calls for, {joined([repr(x) for x in dropped])}, "
                f"does not run in this programme: the budget of taught hours or the calendar "
                f"leaves no room (see 'Left out, and why').",
                promise="",
            )
        elif dropped:
            note = (
                f" {'Of this work, ' if len(dropped) < len(chosen) else ''}"
                f"{joined([repr(x) for x in dropped])} "
                f"{'does' if len(dropped) == 1 else 'do'} not run in this programme: the "
                f"budget of taught hours or the calendar leaves no room (see 'Left out, and why')."
            )
            f = replace(f, text=f.text + note)
        findings.append(f)
    return replace(diagnosis, findings=tuple(findings))


@per_spec
def diagnose(spec: Spec) -> Diagnosis:
    """Findings in a fixed order, so the same spec always reads the same way; worked out
    once per spec, as validation, the budget and the plan each ask for them."""
    findings = tuple(f for rule in RULES if (f := rule(spec)) is not None)
    stage = context_words()["stages"][spec.context.stage]
    return Diagnosis(spec.context.stage, stage["style"], stage["emphasis"], findings)
