"""Turn schema-valid, checked data into the frozen Spec the engine reads.

Defaults are applied here, once, so no later stage needs to know what a user may
leave out.
"""

from __future__ import annotations

import datetime as dt

from progen.spec.checks import group_size
from progen.spec.model import (
    Context,
    Facilitator,
    LocalMeasure,
    Measure,
    Organisation,
    Programme,
    Spec,
    Stakeholder,
    Task,
    TeamWorking,
    Venue,
)
from progen.spec.where import SourceMap
from progen.wording import context_words

DEFAULT_SESSION_DAYS = ("tue", "wed", "thu")
DEFAULT_SESSION_START = "09:30"
DEFAULT_SET_START = "13:30"


def nation_of(p: dict) -> str:
    """programme.nation, else the nation its holidays name (scotland, northern-ireland), else
    england (SPEC.md section 1)."""
    if "nation" in p:
        return p["nation"]
    return p.get("holidays") if p.get("holidays") in ("scotland", "northern-ireland") else "england"


def improvement(m: dict) -> str:
    """Which way a measure is better: as written, else from baseline and target."""
    if "improvement" in m:
        return m["improvement"]
    baseline, target = m.get("baseline"), m.get("target")
    if baseline is None or target is None or baseline == target:
        return "neutral"
    return "decrease" if target < baseline else "increase"


def _programme(p: dict) -> Programme:
    low, high = (int(n) for n in p.get("set_size", [5, 7]))
    nation = nation_of(p)
    return Programme(
        id=p["id"],
        title=p["title"],
        start=dt.date.fromisoformat(p["start"]),
        weeks=int(p["weeks"]),  # the schema lets 26.0 pass as an integer
        session_days=tuple(p.get("session_days", DEFAULT_SESSION_DAYS)),
        holidays=p.get("holidays", context_words()["nations"][nation]["holidays"]),
        blackout=tuple(dt.date.fromisoformat(d) for d in p.get("blackout", [])),  # spec order
        contact_hours=float(p.get("contact_hours", 30)),
        set_size=(low, high),
        set_cadence_weeks=int(p.get("set_cadence_weeks", 4)),
        nation=nation,
        venue=p.get("venue"),
        session_start=p.get("session_start", DEFAULT_SESSION_START),
        set_start=p.get("set_start", DEFAULT_SET_START),
    )


def _context(c: dict) -> Context:
    tw = c.get("team_working", {})
    return Context(
        stage=c["stage"],
        summary=c.get("summary", ""),
        team_working=TeamWorking(tw.get("in_teams"), tw.get("real_teams")),
        top_team_effective=c.get("top_team_effective"),
        culture=tuple(c.get("culture", [])),
    )


def _task(t: dict) -> Task:
    m = t.get("measure")
    measure = (
        Measure(m["name"], m.get("unit", ""), m.get("baseline"), m.get("target"), improvement(m))
        if m
        else None
    )
    return Task(t["id"], t["title"], t["aim"], t.get("topic"), measure, tuple(t["stakeholders"]))


def build_spec(
    data: dict,
    source: str,
    weeks_at: tuple[int, int] = (1, 1),
    where: SourceMap | None = None,
) -> Spec:
    orgs = tuple(
        Organisation(o["id"], o["name"], o["kind"], o.get("location", ""), o.get("venue"))
        for o in data["organisations"]
    )
    based = {o.id: o.location for o in orgs}
    groups = tuple(
        Stakeholder(
            id=s["id"],
            name=s["name"],
            organisation=s["organisation"],
            level=s["level"],
            location=s.get("location") or based[s["organisation"]],
            count=int(group_size(s)),
            people=tuple(s.get("people", [])),
            depends_on=tuple(s.get("depends_on", [])),
            person=s.get("person"),
        )
        for s in data["stakeholders"]
    )
    evaluation = data.get("evaluation", {})
    return Spec(
        source=source,
        weeks_at=weeks_at,
        where=where or SourceMap(source),
        venues=tuple(
            Venue(v["id"], v["name"], v.get("address", ""), bool(v.get("online", False)))
            for v in data.get("venues", [])
        ),
        programme=_programme(data["programme"]),
        context=_context(data["context"]),
        organisations=orgs,
        tasks=tuple(_task(t) for t in data["tasks"]),
        stakeholders=groups,
        facilitators=tuple(
            Facilitator(f["name"], f.get("organisation")) for f in data.get("facilitators", [])
        ),
        follow_up_months=int(evaluation.get("follow_up_months", 6)),
        local_measures=tuple(
            LocalMeasure(m["name"], m.get("source", ""), m["level"])
            for m in evaluation.get("measures", [])
        ),
    )
