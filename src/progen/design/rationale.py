"""The sentences that explain why each session is in the programme.

They are written for a board: spec facts in words, evidence by author and year,
never a YAML path. A session chosen by findings gives their reasons; a session
every programme holds gives its reason from `templates/core_reasons.yaml`. The
trail from each finding to the spec's lines is kept on the findings' facts, for
the appendix on how the programme was derived.
"""

from __future__ import annotations

from functools import cache

from progen.design.model import Diagnosis, Finding
from progen.design.sessions import Draft
from progen.resources import template_data
from progen.spec.model import Spec
from progen.wording import context_words, joined

LEVEL_WORDS = {
    "top-team": "top team",
    "senior": "senior",
    "middle": "middle",
    "frontline": "frontline",
    "community": "community",
}


@cache
def core_reasons() -> dict[str, dict]:
    """Module id -> {text, evidence} for the sessions every programme holds."""
    return template_data("core_reasons.yaml")


def selecting_findings(draft: Draft, diagnosis: Diagnosis) -> tuple[Finding, ...]:
    """The findings that made the module's conditions true."""
    wanted = set(draft.module.all_of) | set(draft.module.any_of)
    return tuple(f for f in diagnosis.findings if f.id in wanted)


def _strengths(draft: Draft, diagnosis: Diagnosis) -> Finding | None:
    """The culture's strengths, which participative work builds on."""
    if draft.module.emphasis != "participative":
        return None
    return next((f for f in diagnosis.findings if f.id == "strengths"), None)


def reason_findings(draft: Draft, diagnosis: Diagnosis) -> tuple[Finding, ...]:
    """Every finding the session's reasons rest on: those that chose it, and the culture's
    strengths that participative work builds on."""
    strengths = _strengths(draft, diagnosis)
    return selecting_findings(draft, diagnosis) + ((strengths,) if strengths else ())


def reason_evidence(draft: Draft, diagnosis: Diagnosis) -> tuple[str, ...]:
    """The works the session's reasons cite, beyond the module's own evidence."""
    findings = selecting_findings(draft, diagnosis)
    keys = [k for f in findings for k in f.evidence]
    if not findings:
        keys += core_reasons().get(draft.module.id, {}).get("evidence", [])
    if strengths := _strengths(draft, diagnosis):
        keys += strengths.evidence
    return tuple(dict.fromkeys(keys))


def _levels(levels: tuple[str, ...]) -> str:
    if len(levels) == len(LEVEL_WORDS):
        return "at every level"
    words = [LEVEL_WORDS[level] for level in levels]
    return f"at {joined(words)} level{'s' * (len(words) > 1)}"


def _sequence(draft: Draft, diagnosis: Diagnosis) -> str | None:
    """Why a directive or participative session sits where it does, when the stage says."""
    said = context_words()["stages"][diagnosis.stage].get(draft.module.emphasis)
    return said["text"] if said and draft.module.phase in said["phases"] else None


def _why(draft: Draft, diagnosis: Diagnosis) -> list[str]:
    module = draft.module
    if findings := selecting_findings(draft, diagnosis):
        return [f.text for f in findings]
    if reason := core_reasons().get(module.id):
        return [reason["text"]]
    summary = module.summary[0].lower() + module.summary[1:]
    return [f"Every programme includes this session, which {summary}"]


def rationale(
    draft: Draft, diagnosis: Diagnosis, spec: Spec, prerequisites: tuple[str, ...]
) -> tuple[str, ...]:
    module = draft.module
    lines = _why(draft, diagnosis)
    if strengths := _strengths(draft, diagnosis):
        words = context_words()["culture"]
        tags = [words[tag] for tag in strengths.facts[0].value.split(", ")]
        lines.append(f"It builds on strengths in the culture, described as {joined(tags)}.")
    if draft.task is not None:
        lines.append(
            f"It serves the shared task '{draft.task.title}', whose aim is: {draft.task.aim}."
        )
    names = [spec.stakeholder(i).name for i in draft.audience]
    lines.append(
        f"Offered to {joined(names)}: the participating groups "
        + _levels(module.levels)
        + (f" ({', '.join(module.roles)})" if module.roles else "")
        + "."
    )
    if sequence := _sequence(draft, diagnosis):
        lines.append(sequence)
    if prerequisites:
        lines.append(f"It follows {joined(list(prerequisites))}, which it builds on.")
    lines.extend(n[0].upper() + n[1:] + "." for n in draft.notes)
    return tuple(lines)
