"""The sentences that explain why each session is in the programme.

Each sentence names the finding (and through it the spec facts) or the spec
field behind a choice, so two systems' programmes can be compared line by line.
"""

from __future__ import annotations

from progen.design.model import Diagnosis, Finding
from progen.design.sessions import Draft
from progen.spec.model import Spec

LEVEL_WORDS = {
    "top-team": "top team",
    "senior": "senior",
    "middle": "middle",
    "frontline": "frontline",
    "community": "community",
}


def selecting_findings(draft: Draft, diagnosis: Diagnosis) -> tuple[Finding, ...]:
    """The findings that made the module's conditions true."""
    wanted = set(draft.module.all_of) | set(draft.module.any_of)
    return tuple(f for f in diagnosis.findings if f.id in wanted)


def _names(spec: Spec, ids: tuple[str, ...]) -> str:
    names = [spec.stakeholder(i).name for i in ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _levels(levels: tuple[str, ...]) -> str:
    if len(levels) == len(LEVEL_WORDS):
        return "at every level"
    words = [LEVEL_WORDS[level] for level in levels]
    joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"at {joined} level{'s' * (len(words) > 1)}"


def _sequence(draft: Draft, diagnosis: Diagnosis) -> str | None:
    emphasis, stage = draft.module.emphasis, diagnosis.stage
    if emphasis == "directive" and stage in ("early", "improving"):
        return (
            f"It comes in the first part of the programme because a system at the "
            f"'{stage}' stage (context.stage) needs clear expectations, accountability and "
            f"measures before ownership is widened (Mannion et al. 2005, as interpreted by "
            f"progen)."
        )
    if emphasis == "participative" and stage == "performing":
        return (
            "It comes early because a performing system (context.stage) is ready for "
            "participative, engaging leadership and distributed ownership from the start."
        )
    if emphasis == "participative" and stage == "improving":
        return (
            "It comes in the second part of the programme, as the emphasis shifts from "
            "clarifying to participative leadership (context.stage: improving)."
        )
    return None


def rationale(
    draft: Draft, diagnosis: Diagnosis, spec: Spec, prerequisites: tuple[str, ...]
) -> tuple[str, ...]:
    module = draft.module
    findings = selecting_findings(draft, diagnosis)
    lines = [f.text for f in findings] or [
        f"Every progen programme includes this session, which {module.summary[0].lower()}"
        f"{module.summary[1:]}"
    ]
    if draft.task is not None:
        index = [t.id for t in spec.tasks].index(draft.task.id)
        lines.append(
            f"It serves task '{draft.task.title}' (tasks[{index}]), whose aim is: {draft.task.aim}."
        )
    lines.append(
        f"Offered to {_names(spec, draft.audience)}: the participating groups "
        + _levels(module.levels)
        + (f" ({', '.join(module.roles)})" if module.roles else "")
        + "."
    )
    if sequence := _sequence(draft, diagnosis):
        lines.append(sequence)
    if prerequisites:
        lines.append(f"It follows {' and '.join(prerequisites)}, which it builds on.")
    lines.extend(n[0].upper() + n[1:] + "." for n in draft.notes)
    return tuple(lines)
