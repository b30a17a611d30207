"""Progress as the SPEC.md section 6 `progress.json` object.

Keys come in a fixed order and dates as ISO 8601, so the same design and records always
give the same bytes. A measure with no points yet is left out of `measures` (it has no
variation to report); the pages and the report still say it has no data.
"""

from __future__ import annotations

from progen.results.measure_json import measure_fields
from progen.results.progress_model import Progress, Tally


def _tallies(tallies: tuple[Tally, ...]) -> list[dict]:
    return [
        {"id": t.key, "name": t.label, "planned": t.planned, "attended": t.attended}
        for t in tallies
    ]


def progress_json(p: Progress) -> dict:
    """The progress.json object; `json.dumps(..., allow_nan=False)` writes it."""
    return {
        "as_at": p.as_at.isoformat(),
        "measures": [
            {
                "task": m.task,
                "name": m.name,
                "unit": m.unit,
                "improvement": m.improvement,
                "target": m.target,
                **measure_fields(m.chart, m.runs),
            }
            for m in p.measures
            if m.chart is not None
        ],
        "attendance": {
            "by_organisation": _tallies(p.attendance.by_organisation),
            "by_level": _tallies(p.attendance.by_level),
            "by_group": _tallies(p.attendance.by_group),
            "sessions_held": list(p.attendance.sessions_held),
            "unplanned": p.attendance.unplanned,
        },
        "sets": {
            s.set: {
                "task": s.task,
                "held": [d.isoformat() for d in s.held],
                "missed": [d.isoformat() for d in s.missed],
                "ahead": s.ahead,
                "stopped": s.stopped,
            }
            for s in p.sets
        },
        "pdsa": {
            x.task: {
                "planned": x.planned,
                "planned_total": x.planned_total,
                "run": len(x.cycles),
                "decisions": x.decisions(),
                "cycles": [
                    {
                        "cycle": c.n,
                        "start": c.start.isoformat(),
                        "end": c.end.isoformat() if c.end else None,
                        "change": c.change,
                        "prediction": c.prediction,
                        "result": c.result,
                        "decision": c.decision or None,
                    }
                    for c in x.cycles
                ],
            }
            for x in p.pdsa
        },
        "evaluation": {
            level.level: {
                "feedback": None
                if level.feedback is None
                else {
                    "n": level.feedback.n,
                    "mean": level.feedback.mean,
                    "distribution": {
                        str(r): n for r, n in enumerate(level.feedback.distribution, 1)
                    },
                },
                "measures": [
                    {
                        "measure": s.measure,
                        "first": _score(s.first),
                        "latest": _score(s.latest),
                    }
                    for s in level.scores
                ],
            }
            for level in p.evaluation
        },
        "decisions": [
            {"kind": d.kind, "subject": d.subject, "title": d.title, "text": d.text}
            for d in p.decisions
        ],
    }


def _score(s) -> dict:
    return {"timepoint": s.timepoint, "date": s.date.isoformat(), "n": s.n, "mean": s.mean}
