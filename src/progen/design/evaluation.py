"""The evaluation plan: four Kirkpatrick levels, timepoints and a logic model.

A programme is evaluated, not assumed to work. Measures follow DESIGN.md's list;
each task's own measure is a result, and organisation-wide staff-survey measures
are kept but flagged as weakly attributable.
"""

from __future__ import annotations

import datetime as dt

from progen.design import thresholds as t
from progen.design.calendar import closed_days, working_day
from progen.design.diagnose import diagnose
from progen.design.model import (
    ActionLearningSet,
    Evaluation,
    EvaluationLevel,
    EvaluationMeasure,
    LogicModel,
    PdsaPlan,
    Session,
    Timepoint,
)
from progen.design.participants import (
    expand_participants,
    participant_groups,
    participating_organisations,
)
from progen.design.set_plan import CLOSING_PHASE
from progen.spec.model import Spec
from progen.wording import context_words, counted, joined, plural

ALL = ("baseline", "midpoint", "end", "follow-up")
ENDS = ("baseline", "end", "follow-up")
ATTRIBUTION = (
    "Staff motivation, morale and intention to stay come from organisation-wide staff-survey "
    "themes, and sickness absence and turnover from workforce records. Many things besides this "
    "programme move them, so a change cannot be attributed to it with confidence; read them "
    "beside each task's own run chart and the behaviour measures, which sit closer to the work."
)
# The forms printed in the handbook, by the titles the handbook gives them, and the licensed
# instruments it names with where to obtain them: one spelling for the plan and the pages.
FORMS = {
    "feedback": "Session feedback form",
    "questionnaire": "Baseline and end-of-programme questionnaire",
    "real-team": "Real-team questions",
    "action-log": "Action log",
    "pdsa": "PDSA cycle form",
    "data-plan": "Measure definition and data plan",
    "set-contract": "Action-learning set contract",
    "team-charter": "Team charter",
    "rc-grid": "Relational coordination rating grid",
}
LICENSED_PAGE = "Licensed instruments"
LICENSED = {
    "rc": "Relational Coordination Survey",
    "tci": "Team Climate Inventory",
    "hlm-360": "Healthcare Leadership Model 360° feedback tool",
}
QUESTIONS = {
    "reaction": "Did participants find each session useful and relevant to their shared task?",
    "learning": "Did participants' leadership knowledge, confidence and commitment grow?",
    "behaviour": "Do people work differently together: as real teams, across boundaries?",
    "results": "Did the shared tasks improve, and did the workforce benefit?",
}


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def timepoints(
    spec: Spec,
    launch: dt.date | None = None,
    closing: dt.date | None = None,
    days: tuple[dt.date, ...] = (),
) -> tuple[Timepoint, ...]:
    """Baseline at the launch (the first session, where the questionnaires are handed out),
    the midpoint at the session day nearest the programme's middle (`days`, the sessions'
    dates: people are in the room), the end at the closing event (where they are handed
    out again) or else the programme's last working day, and the follow-up, each on a
    working day."""
    p = spec.programme
    middle = p.start + dt.timedelta(weeks=p.weeks // 2)
    nearest = min(days, key=lambda d: (abs((d - middle).days), d), default=None)
    later = add_months(p.end, spec.follow_up_months)
    closed = closed_days(p.holidays, range(p.start.year, min(later.year + 2, dt.MAXYEAR + 1)))
    return (
        Timepoint("baseline", launch or working_day(p.start, closed)),
        Timepoint("midpoint", nearest or working_day(middle, closed)),
        Timepoint("end", closing or working_day(p.end, closed, -1)),
        Timepoint("follow-up", working_day(later, closed)),
    )


def _m(name: str, instrument: str, when: tuple[str, ...], owner: str, note: str = ""):
    return EvaluationMeasure(name, instrument, when, owner, note)


def staff_survey(spec: Spec) -> str:
    """The nation's staff survey: organisation-level, so attribution to the programme is weak."""
    return context_words()["nations"][spec.programme.nation]["staff_survey"]


def survey_source(spec: Spec) -> str:
    """Where staff motivation and morale are read: the nation's survey for the NHS bodies
    that run it, and the partners' own surveys for the rest, named, so no partner is
    assumed to run a survey it does not."""
    words = context_words()
    surveyed = set(words["surveyed_kinds"])
    nation = words["nations"][spec.programme.nation]
    taking = [o for o in spec.organisations if o.id in participating_organisations(spec)]
    staffed = [o.name for o in taking if o.kind not in surveyed and o.kind != "community"]
    volunteers = [o.name for o in taking if o.kind == "community"]
    parts = []
    if len(taking) > len(staffed) + len(volunteers):
        parts.append(
            f"{staff_survey(spec)} themes for the participating {nation['bodies']} "
            f"({nation['survey_rhythm']})"
        )
    if staffed:
        parts.append(
            f"{joined(staffed)}: their own staff survey, or a short pulse survey at the same "
            f"timepoints"
        )
    if volunteers:
        parts.append(
            f"{joined(volunteers)}: a short pulse survey of the members who take part (they "
            f"are not staff, so no staff survey applies)"
        )
    return "; ".join(parts)


def _framework_note(spec: Spec) -> str:
    return context_words()["nations"][spec.programme.nation]["framework_note"]


# Words by which a spec's own measure (evaluation.measures) names a licensed instrument.
LICENSED_NAMED_BY = {
    "rc": ("relational coordination survey",),
    "tci": ("team climate inventory",),
    "hlm-360": ("360",),
}


def _added(spec: Spec) -> set[str]:
    """Licensed instruments the organisers added as measures of their own."""
    texts = [f"{m.name} {m.source or ''}".lower() for m in spec.local_measures]
    return {
        k for k, words in LICENSED_NAMED_BY.items() if any(w in x for x in texts for w in words)
    }


def _chosen(spec: Spec) -> tuple[str, ...]:
    """The licensed instruments the plan itself uses: the Relational Coordination Survey
    always, as it measures what the programme sets out to change; the 360° tool and the
    Team Climate Inventory only from thresholds.LICENSED_FROM_PEOPLE participants."""
    if len(expand_participants(spec)) >= t.LICENSED_FROM_PEOPLE:
        return ("rc", "tci", "hlm-360")
    return ("rc",)


def licensed_used(spec: Spec) -> tuple[str, ...]:
    """Every licensed instrument the evaluation uses, the plan's and the organisers' own,
    in the order of LICENSED: the handbook names each with where to obtain it."""
    used = set(_chosen(spec)) | _added(spec)
    return tuple(k for k in LICENSED if k in used)


def _proportion(spec: Spec) -> str:
    left_out = [k for k in LICENSED if k not in licensed_used(spec)]
    if len(_chosen(spec)) == len(LICENSED):
        return ""
    people = len(expand_participants(spec))
    text = (
        f"For {counted(people, 'participant')} the plan itself uses one licensed instrument, "
        f"the {LICENSED['rc']}, which measures what the programme sets out to change: below "
        f"{t.LICENSED_FROM_PEOPLE} participants the licence cost and the extra surveys of "
        f"the {LICENSED['hlm-360']} and the {LICENSED['tci']} outweigh what they add to the "
        f"free measures (a default of this design)."
    )
    if left_out:
        names = " and the ".join(LICENSED[k] for k in left_out)
        which = "it" if len(left_out) == 1 else "them"
        text += f" Add the {names} under evaluation.measures in the spec if you want {which}."
    else:
        text += " The organisers have added them as measures of their own."
    return text + " Each owner above is a role: name the person before the baseline."


def _levels(spec: Spec, pdsa: tuple[PdsaPlan, ...]) -> list[EvaluationLevel]:
    reaction = [
        _m(
            "Session feedback",
            f"{FORMS['feedback']} (in the handbook): usefulness, relevance to the shared "
            f"task, confidence to act, one thing I will do differently",
            ("end of each session",),
            "Session facilitator",
        )
    ]
    learning = [
        _m(
            "Leadership self-assessment",
            f"{FORMS['questionnaire']}, part A (in the handbook): a self-rating on each of the "
            f"nine dimensions of the Healthcare Leadership Model (NHS Leadership Academy "
            f"2013), for staff; community members answer part B only. The Academy's own "
            f"self-assessment tool is the official instrument and may be used instead"
            + (f". {note}" if (note := _framework_note(spec)) else ""),
            ("baseline", "end"),
            "Programme lead",
        ),
        _m(
            "Confidence and commitment",
            f"{FORMS['questionnaire']}, part B (in the handbook): two 0–10 ratings, "
            f"confidence to lead improvement on the shared task and commitment to it",
            ("baseline", "end"),
            "Programme lead",
        ),
    ]
    used = _chosen(spec)
    behaviour = [
        _m(
            "360° feedback",
            f"The NHS Leadership Academy's {LICENSED['hlm-360']}, with raters from across the "
            f"task's groups (see {LICENSED_PAGE} in the handbook)"
            + (f". {note}" if (note := _framework_note(spec)) else ""),
            ENDS,
            "Programme lead",
        ),
        _m(
            "Real-team questions",
            f"{FORMS['real-team']} (in the handbook): clear shared objectives, close "
            f"interdependent working, regular review of effectiveness",
            ALL,
            "Each team's own leader",
        ),
        _m(
            "Team climate",
            f"The {LICENSED['tci']} (Anderson and West 1998), repeated with the same teams; "
            f"licensed, not reproduced (see {LICENSED_PAGE} in the handbook)",
            ENDS,
            "Programme lead",
        ),
        _m(
            "Relational coordination",
            f"The {LICENSED['rc']} across the groups of each task, on the seven dimensions "
            f"of relational coordination (Gittell 2009); licensed, not reproduced (see "
            f"{LICENSED_PAGE} in the handbook)",
            ALL,
            "Programme lead",
        ),
        _m(
            "Action logs",
            f"{FORMS['action-log']} (in the handbook): actions promised and reported back",
            ("each set meeting",),
            "Set members",
        ),
        _m(
            "PDSA records",
            f"{FORMS['pdsa']} (in the handbook), one per cycle",
            ("each PDSA cycle",),
            "Task teams",
        ),
    ]
    behaviour = [
        m
        for m in behaviour
        if not any(LICENSED[k] in m.instrument for k in LICENSED if k not in used)
    ]
    if diagnose(spec).has("speak-up"):
        behaviour.insert(
            1,
            _m(
                "Psychological safety",
                "The seven-item team psychological safety scale published by Edmondson "
                "(1999), answered by the same teams each time: whether it is safe to speak "
                "up, ask for help and talk about mistakes",
                ALL,
                "Programme lead",
            ),
        )
    titles = {task.id: task.title for task in spec.tasks}
    results = [
        _m(
            f"{titles[plan.task]}: {plan.measure}",
            f"Run chart of {plan.measure}" + (f" ({plan.unit})" if plan.unit else "") + " for task "
            f"'{titles[plan.task]}', read with the run-chart rules (Perla et al. 2011); defined "
            f"on the form '{FORMS['data-plan']}' (in the handbook)",
            ("monthly", *ALL),
            f"Task lead ({plan.task})",
            note=(
                f"Baseline {plan.baseline:g}, target {plan.target:g}."
                if plan.baseline is not None and plan.target is not None
                else ""
            ),
        )
        for plan in pdsa
    ] + [
        _m(
            "Staff motivation, morale and intention to stay",
            survey_source(spec),
            ENDS,
            "Workforce lead",
            note="Weak attribution: see below.",
        ),
        _m(
            "Sickness absence and turnover",
            "Workforce records for the participating teams",
            ENDS,
            "Workforce lead",
            note="Weak attribution: see below.",
        ),
    ]
    by_level = {
        "reaction": reaction,
        "learning": learning,
        "behaviour": behaviour,
        "results": results,
    }
    for local in spec.local_measures:
        by_level[local.level].append(
            _m(
                local.name,
                local.source or "Local data",
                ENDS,
                "Programme lead",
                note="A local measure this programme adds.",
            )
        )
    return [
        EvaluationLevel(level, QUESTIONS[level], tuple(measures))
        for level, measures in by_level.items()
    ]


def logic_model(
    spec: Spec,
    sessions: tuple[Session, ...],
    sets: tuple[ActionLearningSet, ...],
    pdsa: tuple[PdsaPlan, ...],
) -> LogicModel:
    people = sum(len(s.members) for s in sets)
    advisers = len(spec.facilitators)
    modules = list(dict.fromkeys(s.title.split(":")[0].split(" (")[0] for s in sessions))
    meetings = sum(len(s.meetings) for s in sets)
    tests = sum(len(p.cycles) * max(len(p.ramps), 1) for p in pdsa)
    return LogicModel(
        inputs=(
            f"{plural(people, 'participant')} in action-learning sets, from "
            f"{plural(len(participating_organisations(spec)), 'organisation')} in "
            f"{plural(len(participant_groups(spec)), 'stakeholder group')} that serve a task"
            + (
                f"; {plural(len(spec.stakeholders) - len(participant_groups(spec)), 'group')} "
                f"more in the sessions only"
                if len(spec.stakeholders) > len(participant_groups(spec))
                else ""
            ),
            f"{advisers} trained set adviser{'s' * (advisers != 1)}"
            if advisers
            else "No trained set advisers: sets manage themselves from the start",
            f"Up to {spec.programme.contact_hours:g} hours of taught sessions per participant",
            f"Protected time for action-learning sets every {spec.programme.set_cadence_weeks} "
            f"weeks and for PDSA testing",
        ),
        activities=tuple(
            dict.fromkeys(
                (*modules, "Action-learning sets", "PDSA tests by each set on its own change idea")
            )
        ),
        outputs=(
            f"{len(sessions)} sessions held",
            f"{len(sets)} action-learning sets holding {meetings} meetings",
            f"At least {plural(tests, 'PDSA test')}: one by each set in each of its task's "
            f"rounds, across {plural(len(pdsa), 'task')}",
        ),
        outcomes=(
            "More of the participants' teams answer the real-team questions yes (baseline to end)",
            "Stronger relational coordination across the groups of each task",
            "Leadership confidence and behaviour that engage others",
        ),
        impact=tuple(task.aim for task in spec.tasks),
    )


def evaluation_plan(
    spec: Spec,
    sessions: tuple[Session, ...],
    sets: tuple[ActionLearningSet, ...],
    pdsa: tuple[PdsaPlan, ...],
) -> Evaluation:
    return Evaluation(
        levels=tuple(_levels(spec, pdsa)),
        timepoints=timepoints(
            spec,
            sessions[0].date if sessions else None,
            max((s.date for s in sessions if s.phase == CLOSING_PHASE), default=None),
            tuple(s.date for s in sessions),
        ),
        logic_model=logic_model(spec, sessions, sets, pdsa),
        attribution=ATTRIBUTION,
        licensed=licensed_used(spec),
        proportion=_proportion(spec),
    )
