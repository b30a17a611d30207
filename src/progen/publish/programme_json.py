"""The programme as SPEC.md section 4 JSON: the contract tools read.

Keys are written in a fixed order and dates as ISO 8601 text, so the same spec
always gives the same bytes.
"""

from __future__ import annotations

from progen.design.evaluation import LICENSED
from progen.design.model import Programme
from progen.errors import as_dict
from progen.publish.json_text import indented


def _member(m) -> dict:
    return {
        "name": m.name,
        "stakeholder": m.stakeholder,
        "organisation": m.organisation,
        "level": m.level,
        "location": m.location,
    }


def programme_dict(p: Programme) -> dict:
    spec = p.spec
    return {
        "id": p.id,
        "title": p.title,
        "start": spec.programme.start.isoformat(),
        "end": spec.programme.end.isoformat(),
        "weeks": spec.programme.weeks,
        "venues": [
            {"id": v.id, "name": v.name, "address": v.address, "online": v.online}
            for v in spec.venues
        ],
        "venue_note": p.venue_note,
        "organisations": [
            {
                "id": o.id,
                "name": o.name,
                "kind": o.kind,
                "location": o.location,
                "venue": o.venue,
            }
            for o in spec.organisations
        ],
        "tasks": [
            {"id": t.id, "title": t.title, "aim": t.aim, "stakeholders": list(t.stakeholders)}
            for t in spec.tasks
        ],
        "diagnosis": {
            "stage": p.diagnosis.stage,
            "style": p.diagnosis.style,
            "style_text": p.diagnosis.style_text,
            "findings": [f.text for f in p.diagnosis.findings],
            "details": [
                {
                    "id": f.id,
                    "title": f.title,
                    "text": f.text,
                    "facts": [
                        {
                            "path": x.path,
                            "value": x.value,
                            "words": x.words,
                            "line": x.line,
                            "column": x.column,
                        }
                        for x in f.facts
                    ],
                    "evidence": list(f.evidence),
                }
                for f in p.diagnosis.findings
            ],
        },
        "sessions": [
            {
                "id": s.id,
                "module": s.module,
                "title": s.title,
                "phase": s.phase,
                "emphasis": s.emphasis,
                "date": s.date.isoformat(),
                "start": s.start,
                "end": s.end,
                "minutes": s.minutes,
                "venue": s.venue,
                "facilitators": list(s.facilitators),
                "held": s.held,
                "audience": list(s.audience),
                "audience_rule": s.audience_rule.as_json(),
                "follows": list(s.follows),
                "task": s.task,
                "rationale": list(s.rationale),
                "evidence": list(s.evidence),
                "agenda": [
                    {"start": a.start, "minutes": a.minutes, "item": a.item} for a in s.agenda
                ],
            }
            for s in p.sessions
        ],
        "omitted": [
            {
                "module": o.module,
                "title": o.title,
                "reason": o.reason,
                "cause": o.cause,
                "essential": o.essential,
            }
            for o in p.omitted
        ],
        "action_learning_sets": [
            {
                "id": s.id,
                "task": s.task,
                "facilitator": s.facilitator,
                "adviser_meetings": s.adviser_meetings,
                "purpose": s.purpose,
                "members": [_member(m) for m in s.members],
                "meetings": [d.isoformat() for d in s.meetings],
                "schedule": [
                    {
                        "date": m.date.isoformat(),
                        "start": m.start,
                        "adviser": m.adviser,
                        "venue": m.venue,
                    }
                    for m in s.schedule
                ],
                "start": s.start,
                "minutes": s.minutes,
            }
            for s in p.sets
        ],
        "set_notes": list(p.set_notes),
        "ground_rules": list(p.ground_rules),
        "pdsa": [
            {
                "task": x.task,
                "aim": x.aim,
                "measure": x.measure,
                "unit": x.unit,
                "baseline": x.baseline,
                "target": x.target,
                "direction": x.direction,
                "data_frequency": x.data_frequency,
                "questions": list(x.questions),
                "run_chart": x.run_chart,
                "cycles": [
                    {
                        "n": c.n,
                        "start": c.start.isoformat(),
                        "end": c.end.isoformat(),
                        "prompt": c.prompt,
                        "prediction": c.prediction,
                    }
                    for c in x.cycles
                ],
                "ramps": [
                    {
                        "set": r.set,
                        "adviser": r.adviser,
                        "reviews": [d.isoformat() for d in r.reviews],
                    }
                    for r in x.ramps
                ],
                "steps": list(x.steps),
            }
            for x in p.pdsa
        ],
        "evaluation": {
            "levels": [
                {
                    "level": lv.level,
                    "question": lv.question,
                    "measures": [
                        {
                            "name": m.name,
                            "instrument": m.instrument,
                            "when": list(m.when),
                            "owner": m.owner,
                            "note": m.note,
                        }
                        for m in lv.measures
                    ],
                }
                for lv in p.evaluation.levels
            ],
            "timepoints": [
                {"name": tp.name, "date": tp.date.isoformat()} for tp in p.evaluation.timepoints
            ],
            "logic_model": {
                k: list(getattr(p.evaluation.logic_model, k))
                for k in ("inputs", "activities", "outputs", "outcomes", "impact")
            },
            "attribution": p.evaluation.attribution,
            "licensed": [LICENSED[k] for k in p.evaluation.licensed],
            "proportion": p.evaluation.proportion,
        },
        "references": dict(p.references),
        "warnings": [as_dict(w) for w in p.warnings],
    }


def programme_json(p: Programme) -> str:
    return indented(programme_dict(p)) + "\n"
