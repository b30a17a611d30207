"""assemble: diagnosis, sessions, sets, PDSA and evaluation, as one Programme."""

from __future__ import annotations

from pathlib import Path

from progen.design.assumptions import spec_warnings
from progen.design.bibliography import cited
from progen.design.calendar import programme_calendar
from progen.design.catalogue import Module, load_catalogue
from progen.design.diagnose import diagnose
from progen.design.model import AgendaItem, Programme, Session, clock
from progen.design.rationale import rationale, selecting_findings
from progen.design.schedule import schedule
from progen.design.sessions import Draft, draft_sessions, fit_budget, session_title
from progen.spec.model import Spec


def scaled_agenda(module: Module, minutes: int, start: str) -> tuple[AgendaItem, ...]:
    """The module's timed agenda stretched or squeezed to the session's length, in 5-minute
    steps, with clock times a facilitator can run to."""
    items = module.agenda
    lengths = [max(5, round(a.minutes * minutes / module.default_minutes / 5) * 5) for a in items]
    lengths[-1] = max(5, minutes - sum(lengths[:-1]))
    out, at = [], 0
    for item, length in zip(items, lengths, strict=True):
        out.append(AgendaItem(clock(start, at), length, item.item))
        at += length
    return tuple(out)


def _session(n: int, draft: Draft, date, start: str, programme_ctx) -> Session:
    spec, diagnosis, titles = programme_ctx
    module = draft.module
    prereqs = tuple(titles[p] for p in module.prerequisites if p in titles)
    evidence = set(module.evidence)
    for finding in selecting_findings(draft, diagnosis):
        evidence |= set(finding.evidence)
    return Session(
        id=f"s{n:02d}",
        module=module.id,
        title=session_title(draft),
        summary=module.summary,
        phase=module.phase,
        emphasis=module.emphasis,
        date=date,
        start=start,
        minutes=draft.minutes,
        audience=draft.audience,
        task=draft.task.id if draft.task else None,
        occurrence=draft.occurrence,
        occurrences=module.repeat,
        rationale=rationale(draft, diagnosis, spec, prereqs),
        evidence=tuple(sorted(evidence)),
        agenda=scaled_agenda(module, draft.minutes, start),
        plan=module.body,
    )


def assemble(spec: Spec, modules_dir: Path | None = None) -> Programme:
    from progen.design.evaluation import evaluation_plan
    from progen.design.pdsa import pdsa_plans
    from progen.design.set_plan import plan_sets

    catalogue = load_catalogue(modules_dir)
    diagnosis = diagnose(spec)
    drafts, not_chosen = draft_sessions(spec, diagnosis, catalogue)
    drafts, over_budget = fit_budget(spec, drafts)
    calendar = programme_calendar(spec.programme)
    dated = schedule(drafts, calendar, (spec.source, *spec.weeks_at))
    titles = {d.module.id: d.module.title for d, _, _ in dated}
    sessions = tuple(
        _session(n, d, day, start, (spec, diagnosis, titles))
        for n, (d, day, start) in enumerate(dated, 1)
    )
    sets, set_notes, ground_rules = plan_sets(spec, sessions, calendar)
    pdsa = pdsa_plans(spec.tasks, sessions, sets, calendar)
    evaluation = evaluation_plan(spec, sessions, sets, pdsa)
    keys = {k for s in sessions for k in s.evidence} | {
        k for f in diagnosis.findings for k in f.evidence
    }
    keys |= {
        "revans-1982",
        "langley-2009",
        "perla-2011",
        "kirkpatrick-2016",
        "kellogg-2004",
        "nhsla-2013",
    }
    return Programme(
        spec,
        diagnosis,
        sessions,
        not_chosen + over_budget,
        sets,
        set_notes,
        ground_rules,
        pdsa,
        evaluation,
        cited(keys),
        spec_warnings(spec),
    )
