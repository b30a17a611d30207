"""The board report (`<id>-report.pdf`) and the site's Progress pages, from one Progress.

A trust board member reads the report: what they are asked to decide comes first, then
each task's chart with its icons and one sentence, then attendance, the sets, the PDSA
cycles and the evaluation so far. Plain words throughout; no file paths or field names.
Records text (PDSA changes, names) is hostile input: the templates autoescape it, and
the site pages escape their Markdown headings.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from markupsafe import Markup

from progen.design.model import Programme
from progen.publish.pdf import render_pdf
from progen.publish.render import html_env, md_escape
from progen.publish.site import _safe
from progen.publish.templating import longdate
from progen.results.chart_svg import (
    assurance_icon,
    note_list,
    numbers_table,
    run_chart_svg,
    variation_icon,
    xmr_svg,
)
from progen.results.progress_model import MeasureProgress, Progress, Tally
from progen.results.sentence import amount, sentence, target_judged
from progen.wording import joined, plural

HEADINGS = {
    "set_stopped": "A set that may have stopped",
    "attendance_low": "Low attendance",
    "attendance_fell": "Falling attendance",
    "measure_concern": "A measure that needs attention",
    "measure_improving": "An improvement to sustain and spread",
}
LEVEL_NAMES = {
    "reaction": "Reaction: how participants rated the sessions",
    "learning": "Learning: what participants know and can do",
    "behaviour": "Behaviour: what participants do differently at work",
    "results": "Results: what changed for the service",
}


def _rate(t: Tally) -> str:
    return "–" if t.rate is None else f"{round(100 * t.rate)}%"


def _measure_view(m: MeasureProgress, index: int, full: bool) -> SimpleNamespace:
    chart = m.chart
    return SimpleNamespace(
        title=m.title,
        name=m.name,
        unit=m.unit,
        baseline=m.baseline,
        target=m.target,
        baseline_text=amount(m.baseline, m.unit) if m.baseline is not None else "",
        target_text=amount(m.target, m.unit) if m.target is not None else "",
        sentence=sentence(m),
        icons=Markup(" ").join(
            [variation_icon(chart.variation)]
            + [assurance_icon(chart.assurance, m.target, m.unit)] * target_judged(m)
        )
        if chart
        else "",
        notes=note_list(m),
        xmr=xmr_svg(m, f"xmr-{index}") if chart else "",
        run=run_chart_svg(m, f"run-{index}") if chart and full else "",
        table=numbers_table(m) if full else "",
    )


def _dates(c) -> str:
    start = f"{c.start.day} {c.start:%b %Y}"
    if not c.end:
        return f"from {start}, running"
    same_year = f"{c.start.day} {c.start:%b}" if c.start.year == c.end.year else start
    return f"{same_year} to {c.end.day} {c.end:%b %Y}"


def _results_note(progress: Progress) -> str:
    """What the Results level says when it has no evaluation scores of its own: the task
    measures are its data, charted with the shared tasks."""
    charted = [m.title for m in progress.measures if m.chart]
    if not charted:
        return ""
    return (
        f"The shared tasks' measures are this level's data: see the "
        f"{'chart' if len(charted) == 1 else 'charts'} for {joined(charted)}."
    )


def _view(progress: Progress, programme: Programme, full: bool = False) -> SimpleNamespace:
    titles = {t.id: t.title for t in programme.spec.tasks}
    a = progress.attendance
    pdsa = []
    for x in progress.pdsa:
        decided = x.decisions()
        summary = (
            f"{plural(len(x.cycles), 'cycle')} recorded so far against "
            f"{x.planned} planned by now ({x.planned_total} in the whole plan)."
        )
        if decided:
            summary += " Decisions so far: " + ", ".join(f"{d} ({n})" for d, n in decided.items())
            summary += "."
        pdsa.append(
            SimpleNamespace(
                title=x.title,
                summary=summary,
                cycles=[
                    SimpleNamespace(
                        n=c.n, change=c.change, dates=_dates(c), decision=c.decision or "running"
                    )
                    for c in x.cycles
                ],
            )
        )
    evaluation = []
    for level in progress.evaluation:
        feedback = ""
        if level.feedback and level.feedback.n:
            f = level.feedback
            spread = ", ".join(f"{n} rated {r}" for r, n in enumerate(f.distribution, 1) if n)
            feedback = (
                f"{plural(f.n, 'session rating')} so far, average {f.mean:.1f} out of 5 ({spread})."
            )
        evaluation.append(
            SimpleNamespace(
                name=LEVEL_NAMES[level.level],
                question=level.question,
                feedback=feedback,
                note=_results_note(progress) if level.level == "results" else "",
                scores=[
                    SimpleNamespace(
                        measure=s.measure,
                        first=f"{s.first.mean:.1f} ({s.first.timepoint}, {s.first.n} replies)",
                        latest=(
                            f"{s.latest.mean:.1f} ({s.latest.timepoint}, {s.latest.n} replies)"
                            if s.latest != s.first
                            else "no later data yet"
                        ),
                    )
                    for s in level.scores
                ],
            )
        )

    def rows(tallies: tuple[Tally, ...]) -> list[SimpleNamespace]:
        return [
            SimpleNamespace(label=t.label, planned=t.planned, attended=t.attended, rate=_rate(t))
            for t in tallies
        ]

    attendance = [
        (caption, rows(t))
        for caption, t in (
            ("By organisation", a.by_organisation),
            ("By level", a.by_level),
        )
        if t
    ]
    return SimpleNamespace(
        title=programme.title,
        as_at=longdate(progress.as_at),
        decisions=[
            SimpleNamespace(heading=HEADINGS[d.kind], title=d.title, text=d.text)
            for d in progress.decisions
        ],
        measures=[_measure_view(m, i, full) for i, m in enumerate(progress.measures)],
        attendance=attendance,
        unplanned=a.unplanned,
        sets=[
            SimpleNamespace(
                name=s.set.replace("-", " ").capitalize(),
                task=titles.get(s.task, s.task),
                held=len(s.held),
                missed=len(s.missed),
                ahead=s.ahead,
                stopped=s.stopped,
            )
            for s in progress.sets
        ],
        pdsa=pdsa,
        evaluation=evaluation,
    )


def report_html(progress: Progress, programme: Programme) -> str:
    """The board report as one HTML document (what WeasyPrint lays out)."""
    return html_env().get_template("report/report.html").render(v=_view(progress, programme))


def write_report_pdf(progress: Progress, programme: Programme, path: Path) -> None:
    """Write the board report as a tagged A4 PDF at `path`."""
    render_pdf(report_html(progress, programme), "report/report.css", path)


def _block(html: str) -> str:
    """HTML kept as one raw block in Markdown: no blank lines inside it."""
    return "\n".join(line for line in html.splitlines() if line.strip())


def progress_page(task: str, i: int) -> str:
    """The site page of the `i`th measured task, under the docs folder."""
    return f"progress/{_safe(task, f'task-{i + 1}')}.md"


def progress_markdown(progress: Progress, programme: Programme) -> dict[str, str]:
    """The site's Progress section: page path (under the docs folder) to Markdown. The
    overview holds the decisions, a summary per task linking its own page, attendance,
    sets, PDSA cycles and evaluation; each task's page has both charts and the numbers."""
    v = _view(progress, programme, full=True)
    macros = html_env().get_template("report/macros.html").module
    pages: dict[str, str] = {}
    links = []
    for i, (m, view) in enumerate(zip(progress.measures, v.measures, strict=True)):
        path = progress_page(m.task, i)
        pages[path] = f"# {md_escape(m.title)}\n\n{_block(str(macros.measure(view, True)))}\n"
        links.append(
            f"- [{md_escape(m.title)}]({path.removeprefix('progress/')}): "
            f"{md_escape(view.sentence)}"
        )
    rest = "\n\n".join(
        _block(str(part))
        for part in (macros.attendance(v), macros.sets(v), macros.pdsa(v), macros.evaluation(v))
    )
    pages["progress/index.md"] = (
        f"# Progress as at {md_escape(v.as_at)}\n\n{_block(str(macros.decisions(v)))}\n\n"
        "## Shared tasks\n\n"
        + ("\n".join(links) if links else "No task has a measure yet.")
        + f"\n\n{rest}\n"
    )
    return pages
