"""The programme site: strict MkDocs build, one page per session, inline SVG, inert user text."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import HOSTILE_BODY, VALID, hostile_modules

from progen.design.assemble import assemble
from progen.design.model import Programme
from progen.publish.render import PLAN_TAGS, md_escape, plan_html
from progen.publish.site import write_site
from progen.spec.validate import read_spec

REPO = Path(__file__).resolve().parent.parent
BUNDLED = sorted((REPO / "programmes" / "examples").glob("*.yaml"))
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)

HOSTILE = """\
version: 1
programme:
  id: hostile-test
  title: "<script>alert(1)</script> [x](javascript:alert(1)) ![x](file:///etc/passwd)"
  start: 2027-01-12
  weeks: 26
context:
  stage: early
  summary: "=HYPERLINK(\\"http://evil\\") <img src=\\"file:///etc/passwd\\">\\
    # h\\n\\n- [y](javascript:alert(2))"
organisations:
  - id: trust
    name: "<script>alert(1)</script> Trust"
    kind: acute-trust
    location: "![x](file:///etc/passwd)"
  - id: council
    name: "[x](javascript:alert(1)) Council"
    kind: local-authority
tasks:
  - id: discharge
    title: "<img src=x onerror=alert(1)> Home [x](javascript:alert(1))"
    aim: "=HYPERLINK(\\"http://evil\\") ![x](file:///etc/passwd) </title><script>alert(1)</script>"
    measure:
      {name: "<b>days</b> [m](javascript:alert(1))", unit: "<i>d</i>", baseline: 6, target: 2}
    stakeholders: [ward-managers, social-workers]
stakeholders:
  - id: ward-managers
    name: "<script>alert(1)</script> managers"
    organisation: trust
    level: middle
    count: 6
    depends_on: [social-workers]
  - id: social-workers
    name: "Social [x](javascript:alert(1)) workers"
    organisation: council
    level: frontline
    people:
      ["<script>alert(1)</script>", "![x](file:///etc/passwd)", "=HYPERLINK(\\"x\\")", "Jo | W"]
facilitators:
  - {name: "</title><script>alert(1)</script> Facilitator", organisation: trust}
"""


def programme(path: Path) -> Programme:
    return assemble(read_spec(path))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Programme, Path]]:
    """Every bundled programme's site, built once for the module."""
    root = tmp_path_factory.mktemp("sites")
    out = {}
    for spec in BUNDLED:
        p = programme(spec)
        write_site(p, root / p.id)
        out[p.id] = (p, root / p.id)
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Programme, Path]:
    root = tmp_path_factory.mktemp("hostile")
    spec = root / "hostile.yaml"
    spec.write_text(HOSTILE, encoding="utf-8")
    p = programme(spec)
    write_site(p, root / "site")
    return p, root / "site"


def text_of(page: Path) -> str:
    """A page's text with entities decoded and whitespace normalised."""
    return " ".join(html.unescape(page.read_text(encoding="utf-8")).split())


def test_bundled_programmes_exist():
    assert len(BUNDLED) >= 2


def test_site_builds_in_strict_mode_with_an_index(built):
    for _, out in built.values():
        assert (out / "index.html").is_file()
        assert (out / "assets" / "progen.css").is_file()
        for name in ("timeline", "sets", "evaluation", "map", "references", "omitted"):
            assert (out / f"{name}.html").is_file(), name


def test_every_session_has_a_page_with_its_title_and_agenda(built):
    for p, out in built.values():
        for s in p.sessions:
            page = out / "sessions" / f"{s.id}.html"
            text = text_of(page)
            assert " ".join(s.title.split()) in text
            for item in s.agenda:
                assert " ".join(item.item.split()) in text
                assert item.start in text
            for name in (p.spec.stakeholder(g).name for g in s.audience):
                assert name in text


def test_index_links_to_every_session_page_and_the_downloads(built):
    for p, out in built.values():
        index = (out / "index.html").read_text(encoding="utf-8")
        for s in p.sessions:
            assert f'href="sessions/{s.id}.html"' in index
        for name in (f"{p.id}.pdf", f"{p.id}.ics", "sets.csv", "programme.json"):
            assert f'href="{name}"' in index


def test_svg_timeline_map_and_run_charts_are_well_formed(built):
    for p, out in built.values():
        for page, cls in (("timeline.html", "progen-timeline"), ("map.html", "progen-map")):
            svgs = SVG.findall((out / page).read_text(encoding="utf-8"))
            ours = [s for s in svgs if cls in s]
            assert len(ours) == 1, page
            root = ET.fromstring(ours[0])
            assert root.get("viewBox")
            assert root.find("{http://www.w3.org/2000/svg}title") is not None
        for plan in p.pdsa:
            page = out / "pdsa" / f"{plan.task}.html"
            charts = [s for s in SVG.findall(page.read_text("utf-8")) if "progen-runchart" in s]
            assert len(charts) == 1
            ET.fromstring(charts[0])


def test_the_map_shows_every_group_and_dependency(built):
    for p, out in built.values():
        svg = next(s for s in SVG.findall((out / "map.html").read_text("utf-8")) if "map" in s)
        root = ET.fromstring(svg)
        texts = " ".join(
            "".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")
        )
        for g in p.spec.stakeholders:
            assert g.name.split()[0] in texts
        arrows = [e for e in root.iter("{http://www.w3.org/2000/svg}path") if e.get("marker-end")]
        assert len(arrows) == sum(len(g.depends_on) for g in p.spec.stakeholders)


def test_every_set_has_a_printable_page_with_its_roster_and_meetings(built):
    for p, out in built.values():
        index = (out / "sets.html").read_text("utf-8")
        tasks = {t.id: " ".join(t.title.split()) for t in p.spec.tasks}
        for rule in p.ground_rules:
            assert " ".join(rule.split()) in text_of(out / "sets.html")
        for st in p.sets:
            assert f'href="sets/{st.id}.html"' in index
            page = out / "sets" / f"{st.id}.html"
            text = text_of(page)
            assert f"{st.id}: {tasks[st.task]}" in text
            for m in st.members:
                cell = f'<td class="progen-card-title" data-label="Name">{html.escape(m.name)}</td>'
                assert f"<tr>{cell}" in page.read_text("utf-8")
            for n, m in enumerate(st.schedule, 1):
                day = m.date
                row = (
                    f'<tr><td data-label="Meeting">{n}</td>'
                    f'<td data-label="Date">{day:%A} {day.day} {day:%B %Y}</td>'
                    f'<td data-label="Time">{m.start}–'
                )
                assert row in page.read_text("utf-8")
                assert f'<td data-label="Venue">{html.escape(m.venue)}</td>' in page.read_text()
            for rule in p.ground_rules:
                assert " ".join(rule.split()) in text
        assert sorted(f.name for f in (out / "sets").iterdir()) == sorted(
            f"{st.id}.html" for st in p.sets
        )


def test_the_sets_page_does_not_grow_with_people(built):
    """Rosters are on the sets' own pages: the sets page names no member."""
    for p, out in built.values():
        text = text_of(out / "sets.html")
        named = [m.name for st in p.sets for m in st.members if m.name not in text]
        assert len(named) == sum(len(st.members) for st in p.sets)


def test_the_site_fetches_nothing_from_the_network(built):
    for _, out in built.values():
        for page in out.rglob("*.html"):
            source = page.read_text(encoding="utf-8")
            assert "fonts.googleapis" not in source and "fonts.gstatic" not in source
            for url in re.findall(r'(?:src|href)="(https?:[^"]*)"', source):
                pytest.fail(f"{page.name} loads {url}")


class Attrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.attrs.extend((tag, n, v) for n, v in attrs)


def test_hostile_text_is_inert_on_every_page(hostile):
    _, out = hostile
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        source = page.read_text(encoding="utf-8")
        assert "<script>alert" not in source, page
        assert "<img src=" not in source, page
        assert 'href="javascript:' not in source, page
        assert "</title><script>" not in source, page
        parser = Attrs()  # a file: URL only matters as an attribute; as text it is inert
        parser.feed(source)
        for tag, name, value in parser.attrs:
            assert not name.startswith("on"), (page, tag, name)
            assert not (value or "").strip().lower().startswith(("javascript:", "file:")), (
                page,
                tag,
                value,
            )
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index  # shown as text
    assert "[x](javascript:alert(1))" in html.unescape(index)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "![x](file:///etc/passwd)",
        "<http://example.com>",
        "# heading\n\n- item",
        "a | b | c",
        "**bold** _em_ `code`",
        "\\[x\\](javascript:alert(1))",
    ],
)
def test_md_escape_keeps_markdown_inert(text):
    out = markdown.markdown(f"# {md_escape(text)}\n\n{md_escape(text)}", extensions=["tables"])
    assert "<a " not in out and "<img" not in out and "<script" not in out
    assert "<strong>" not in out and "<code>" not in out and "<li>" not in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)).count(" ".join(text.split())) == 2


def test_a_broken_link_fails_the_build_loudly(tmp_path, monkeypatch):
    import progen.publish.site as site

    real = site.write_pages

    def with_broken_link(p, docs, progress=None):
        pages = real(p, docs, progress)
        (docs / "index.md").write_text("# Overview\n\n[gone](missing-page.md)\n", "utf-8")
        return pages

    monkeypatch.setattr(site, "write_pages", with_broken_link)
    p = programme(BUNDLED[0])
    with pytest.raises(site.SiteBuildError, match=r"missing-page\.md"):
        site.write_site(p, tmp_path / "site")


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def tags_of(source: str) -> Tags:
    parser = Tags()
    parser.feed(source)
    return parser


def plan_block(page: Path) -> str:
    """The facilitator's plan as the site page carries it."""
    (block,) = re.findall(
        r'<div class="progen-plan">(.*?)</div>', page.read_text("utf-8"), re.DOTALL
    )
    return block


@pytest.mark.parametrize("body", [HOSTILE_BODY, *HOSTILE_BODY.splitlines()])
def test_a_plan_cannot_link_embed_or_script(body):
    found = tags_of(str(plan_html(body)))
    assert {tag for tag, _ in found.tags} <= PLAN_TAGS
    assert [attrs for _, attrs in found.tags if set(attrs) - {"align", "start"}] == []


def test_a_plan_keeps_its_formatting_and_headings_move_down():
    out = str(plan_html("Top\n===\n\n" + HOSTILE_BODY, 1))
    assert "<h2>Top</h2>" in out and "<h3>Kept heading</h3>" in out
    assert "<strong>kept bold</strong>" in out and "<td>b</td>" in out
    assert "[b](http://evil.example/b)" in html.unescape(out)  # printed as written
    assert "&lt;script&gt;alert(6)&lt;/script&gt;" in out
    assert "<h6>" in str(plan_html("##### Deep", 3))  # never below h6


@pytest.fixture(scope="module")
def hostile_plans(tmp_path_factory) -> tuple[Programme, Path]:
    """A small programme whose every session plan is HOSTILE_BODY, from a user's modules."""
    root = tmp_path_factory.mktemp("hostile-plans")
    spec = root / "programmes" / "spec.yaml"
    spec.parent.mkdir()
    spec.write_text(VALID, encoding="utf-8")
    p = assemble(read_spec(spec), hostile_modules(root / "modules"))
    write_site(p, root / "site")
    return p, root / "site"


def test_a_users_module_body_makes_no_link_script_or_image_in_the_site(hostile_plans):
    p, out = hostile_plans
    pages = sorted(out.rglob("*.html"))
    for page in pages:
        found = tags_of(page.read_text("utf-8"))
        for tag, attrs in found.tags:
            assert not [name for name in attrs if name.startswith("on")], (page, tag)
            for name in ("href", "src", "action", "formaction"):
                target = (attrs.get(name) or "").strip().lower()
                assert not re.match(r"[a-z][a-z0-9+.-]*:|//", target), (page, tag, name, target)
            assert tag not in ("iframe", "img", "object", "embed"), (page, tag)
        assert not [s for s in found.scripts if "alert(" in s], page
    for s in p.sessions:
        block = plan_block(out / "sessions" / f"{s.id}.html")
        assert {tag for tag, _ in tags_of(block).tags} <= PLAN_TAGS, s.id
        assert "<h3>Kept heading</h3>" in block and "<strong>kept bold</strong>" in block
        assert "[b](http://evil.example/b)" in html.unescape(block)


def test_every_local_link_and_asset_resolves(built):
    """Every href and src on every page points at a file that exists (downloads are written
    by the build after the site, so only their names are checked here)."""
    downloads = {"programme.json", "sets.csv", "set-meetings.csv", "records-template.xlsx"}
    for programme, out in built.values():
        calendars = {f"calendars/{g.id}.ics" for g in programme.spec.stakeholders}
        calendars |= {f"calendars/{st.id}.ics" for st in programme.sets}
        expected = downloads | calendars | {f"{programme.id}.pdf", f"{programme.id}.ics"}
        for page in out.rglob("*.html"):
            for target in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text("utf-8")):
                assert not target.startswith(("http:", "https:", "//", "/")), (page, target)
                if target.startswith(("mailto:", "data:")):
                    continue
                resolved = (page.parent / target).resolve()
                if resolved.relative_to(out.resolve()).as_posix() in expected:
                    continue
                assert resolved.exists(), (page, target)


# A YAML path as a reader would see it: an index into a list, or a dotted spec key.
SPEC_PATH = re.compile(r"\b\w+\[\d+\]|\b(?:context|programme|stakeholders|tasks)\.\w+")


def body_text(page: Path) -> str:
    """The text of a page's article (what the reader reads), without navigation or markup."""
    text = page.read_text(encoding="utf-8")
    found = re.search(r"<article\b.*?</article>", text, re.DOTALL) or re.search(
        r"<main\b.*?</main>", text, re.DOTALL
    )  # the printable set pages are plain HTML with a <main>
    assert found, page
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def test_site_body_names_no_yaml_path_and_not_the_tool_except_in_the_derivation(built):
    for _, out in built.values():
        for page in sorted(out.rglob("*.html")):
            text = body_text(page)
            assert "progen" not in text.lower(), page
            if page.name != "derivation.html":
                assert not SPEC_PATH.search(text), (page, SPEC_PATH.search(text))
        assert not re.search(r"\b1 [a-zA-Z-]+s\b", body_text(out / "index.html"))


def test_derivation_page_keeps_every_fact_path_and_the_sessions_each_finding_brought(built):
    for p, out in built.values():
        text = body_text(out / "derivation.html")
        assert SPEC_PATH.search(text)  # the pattern the other pages are checked with finds paths
        for finding in p.diagnosis.findings:
            assert finding.title in text
            for fact in finding.facts:
                assert fact.path in text and fact.words in text
        for s in p.sessions:
            if any(f.text in s.rationale for f in p.diagnosis.findings):
                assert f"{s.id} {' '.join(s.title.split())}" in text
        index = (out / "index.html").read_text(encoding="utf-8")
        assert 'href="derivation.html"' in index


def test_a_welsh_programme_says_what_the_active_offer_asks_and_an_english_one_does_not(tmp_path):
    """Wales: the overview tells organisers how to run the programme in Welsh and English."""
    from progen.design.assemble import assemble
    from progen.publish.render import Helpers
    from progen.spec.validate import read_spec

    examples = Path(__file__).resolve().parent.parent / "programmes" / "examples"
    welsh = Helpers(assemble(read_spec(examples / "tywi-home-first.yaml")))
    english = Helpers(assemble(read_spec(examples / "westmoor-discharge.yaml")))
    assert "Active Offer" in welsh.language_note()
    assert "Welsh-medium action-learning set" in welsh.language_note()
    assert english.language_note() == ""


def test_northern_ireland_words_for_its_trusts_and_a_community_group_has_no_staff_survey():
    from progen.design.evaluation import survey_source
    from progen.spec.validate import read_spec
    from progen.wording import kind_words

    assert kind_words("acute-trust", "northern-ireland") == "health and social care trust"
    assert kind_words("acute-trust", "england") == "acute trust"
    specs = Path(__file__).resolve().parent / "specs"
    source = survey_source(read_spec(specs / "lagan-stroke.yaml"))
    assert "HSC staff survey themes for the participating HSC bodies" in source
    assert "NHS bodies" not in source
