"""`progen report`'s text: progress as at a day, for a terminal, in the board's words."""

from __future__ import annotations

from progen.results.progress_model import Progress
from progen.results.sentence import sentence
from progen.wording import plural


def _rate(attended: int, planned: int) -> str:
    return f"{attended} of {planned} places ({attended / planned:.0%})" if planned else "none due"


def progress_summary(p: Progress) -> str:
    """Decisions first, then each measure's sentence, attendance, sets and PDSA cycles."""
    lines = [f"Progress as at {p.as_at:%-d %B %Y} ({p.programme})", ""]
    lines.append(f"DECISIONS FOR THE BOARD ({len(p.decisions)})")
    lines += [f"  * {d.title}: {d.text}" for d in p.decisions] or ["  none this time"]
    lines += ["", "SHARED TASKS"]
    for m in p.measures:
        lines += [f"  {m.title} ({m.name})", f"      {sentence(m)}"]
    if not p.measures:
        lines.append("  no task has a measure")
    lines += ["", "ATTENDANCE AGAINST PLAN"]
    for t in p.attendance.by_organisation:
        lines.append(f"  {t.label}: {_rate(t.attended, t.planned)}")
    lines += ["", "ACTION-LEARNING SETS"]
    for s in p.sets:
        stopped = "; may have stopped" if s.stopped else ""
        lines.append(
            f"  {s.set}: {plural(len(s.held), 'meeting')} held, {len(s.missed)} missed, "
            f"{s.ahead} to come{stopped}"
        )
    lines += ["", "PDSA CYCLES"]
    for x in p.pdsa:
        decided = ", ".join(f"{n} {word}" for word, n in x.decisions().items()) or "none decided"
        lines.append(f"  {x.title}: {len(x.cycles)} recorded of {x.planned} due ({decided})")
    return "\n".join(lines) + "\n"
