"""assemble: diagnosis, sessions, sets, PDSA and evaluation, as one Programme."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from pathlib import Path

from progen.design.assumptions import omission_warnings, spec_warnings
from progen.design.bibliography import cited
from progen.design.budget import fit_budget
from progen.design.calendar import programme_calendar
from progen.design.catalogue import Module, load_catalogue
from progen.design.diagnose import answered, diagnose
from progen.design.facilitation import with_facilitators
from progen.design.model import AgendaItem, Diagnosis, Programme, Session, clock
from progen.design.order import follows
from progen.design.plan_text import with_plans
from progen.design.rationale import rationale, reason_evidence, reason_findings
from progen.design.schedule import Dated, after_set_meetings, in_sequence, schedule
from progen.design.sessions import draft_sessions, session_title
from progen.design.set_shares import absent_warnings
from progen.design.venues import (
    Bases,
    session_venue,
    session_venue_note,
    set_venue_note,
    with_venues,
)
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


def _session(n: int, dated: Dated, follows: tuple[str, ...], context) -> Session:
    spec, diagnosis, titles, counts, bases = context
    draft, date, start = dated
    module = draft.module
    of = counts[module.id, draft.task.id if draft.task else None]
    evidence = set(module.evidence) | set(reason_evidence(draft, diagnosis))
    return Session(
        id=f"s{n:02d}",
        module=module.id,
        title=session_title(draft, of),
        summary=module.summary,
        phase=module.phase,
        emphasis=module.emphasis,
        date=date,
        start=start,
        minutes=draft.minutes,
        audience=draft.audience,
        audience_rule=draft.rule,
        task=draft.task.id if draft.task else None,
        occurrence=draft.occurrence,
        occurrences=of,
        rationale=rationale(
            draft, diagnosis, spec, tuple(dict.fromkeys(titles[f] for f in follows))
        ),
        evidence=tuple(sorted(evidence)),
        agenda=scaled_agenda(module, draft.minutes, start),
        plan=module.body,
        follows=follows,
        findings=tuple(f.id for f in reason_findings(draft, diagnosis)),
        venue=session_venue(bases, draft.audience, draft.minutes, module.in_person),
    )


def _sessions(dated: tuple[Dated, ...], bases: Bases, diagnosis: Diagnosis) -> tuple[Session, ...]:
    """Sessions numbered in date order, each knowing the sessions it follows."""
    dated = tuple(sorted(dated, key=lambda x: (x[1], x[2], x[0].rank)))
    ids = [f"s{n:02d}" for n in range(1, len(dated) + 1)]
    titles = {ids[i]: d.module.title for i, (d, _, _) in enumerate(dated)}
    after = follows(tuple(d for d, _, _ in dated))
    counts = Counter((d.module.id, d.task.id if d.task else None) for d, _, _ in dated)
    context = (bases.spec, diagnosis, titles, counts, bases)
    return tuple(
        _session(n, x, tuple(ids[j] for j in sorted(after[n - 1])), context)
        for n, x in enumerate(dated, 1)
    )


def assemble(
    spec: Spec,
    modules_dir: Path | None = None,
    catalogue: tuple[Module, ...] | None = None,
) -> Programme:
    """The programme designed from `spec` with the modules in `modules_dir` (and the
    built-in ones): `catalogue` when the caller has already loaded them, as validation has."""
    from progen.design.evaluation import evaluation_plan
    from progen.design.pdsa import pdsa_plans
    from progen.design.set_plan import plan_sets

    catalogue = load_catalogue(modules_dir) if catalogue is None else catalogue
    diagnosis = diagnose(spec)
    bases = Bases(spec)
    calendar = programme_calendar(spec.programme)
    drafts, not_chosen = draft_sessions(spec, diagnosis, catalogue)
    fitted, over_budget = fit_budget(spec, drafts, calendar)
    dated = schedule(tuple(d for d in fitted if in_sequence(d)), calendar, spec.programme)
    # Sets meet between the session that opens them and the closing event.
    closing = next((day for d, day, _ in dated if d.module.last), None)
    sets_window = replace(calendar, end=closing - dt.timedelta(1)) if closing else calendar
    sets, set_notes, ground_rules = plan_sets(spec, _sessions(dated, bases, diagnosis), sets_window)
    sets = with_venues(bases, sets)
    if sets:
        set_notes += (set_venue_note(spec, sets),)
    waiting, unplaced = after_set_meetings(
        tuple(d for d in fitted if not in_sequence(d)), dated, sets, calendar, spec.programme
    )
    sessions = with_facilitators(spec, _sessions((*dated, *waiting), bases, diagnosis), sets)
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
        "anderson-1998",  # the evaluation's instruments and the handbook's forms cite these
        "gittell-2009",
        "west-2013",
    }
    omitted = not_chosen + over_budget + unplaced
    diagnosis = answered(
        diagnosis,
        drafts,
        {s.module for s in sessions},
        {o.module for o in omitted if o.cause != "audience"},
    )
    programme = Programme(
        spec,
        diagnosis,
        sessions,
        omitted,
        sets,
        set_notes,
        ground_rules,
        pdsa,
        evaluation,
        cited(keys),
        spec_warnings(spec) + absent_warnings(spec, sets) + omission_warnings(spec, omitted),
        session_venue_note(spec),
    )
    return with_plans(programme, catalogue)
