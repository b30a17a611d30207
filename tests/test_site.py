"""The programme site: strict MkDocs build, one page per session, inline SVG, inert user text."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from progen.design.assemble import assemble
from progen.design.model import Programme
from progen.publish.render import markdown_html, md_escape, plan_markdown
from progen.publish.site import write_site
from progen.spec.validate import read_spec

REPO = Path(__file__).resolve().parent.parent
BUNDLED = sorted((REPO / "programmes").glob("*.yaml"))
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


def test_sets_page_has_every_roster_and_meeting(built):
    for p, out in built.values():
        text = text_of(out / "sets.html")
        for st in p.sets:
            for m in st.members:
                assert m.name in text
        for rule in p.ground_rules:
            assert " ".join(rule.split()) in text


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
        assert 'src="file:' not in source, page
        assert "</title><script>" not in source, page
        parser = Attrs()
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

    def with_broken_link(p, docs):
        nav = real(p, docs)
        (docs / "index.md").write_text("# Overview\n\n[gone](missing-page.md)\n", "utf-8")
        return nav

    monkeypatch.setattr(site, "write_pages", with_broken_link)
    p = programme(BUNDLED[0])
    with pytest.raises(site.SiteBuildError, match=r"missing-page\.md"):
        site.write_site(p, tmp_path / "site")


def test_plan_bodies_from_a_users_own_modules_cannot_inject():
    body = (
        "## Purpose\n\n<script>alert(1)</script> [x](javascript:alert(1)) "
        "![i](file:///etc/passwd) **kept**\n\n[r]: javascript:alert(1)\n\nsee [r]\n\n"
        "## Next {: onclick=alert(1) }\n"
    )
    out = markdown.markdown(str(plan_markdown(body, 1)), extensions=["tables", "toc"])
    assert "<script" not in out and "<a " not in out and "<img" not in out
    assert "onclick=" not in out.replace("{: onclick=alert(1) }", "")
    assert "<h3" in out and "<strong>kept</strong>" in out
    assert "<h4" in str(markdown_html(body, 2))


def test_every_local_link_and_asset_resolves(built):
    """Every href and src on every page points at a file that exists (downloads are written
    by the build after the site, so only their names are checked here)."""
    downloads = {"programme.json", "sets.csv"}
    for programme, out in built.values():
        expected = downloads | {f"{programme.id}.pdf", f"{programme.id}.ics"}
        for page in out.rglob("*.html"):
            for target in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text("utf-8")):
                assert not target.startswith(("http:", "https:", "//", "/")), (page, target)
                if target.startswith(("mailto:", "data:")) or target in expected:
                    continue
                assert (page.parent / target).exists(), (page, target)


# A YAML path as a reader would see it: an index into a list, or a dotted spec key.
SPEC_PATH = re.compile(r"\b\w+\[\d+\]|\b(?:context|programme|stakeholders|tasks)\.\w+")


def body_text(page: Path) -> str:
    """The text of a page's article (what the reader reads), without navigation or markup."""
    found = re.search(r"<article\b.*?</article>", page.read_text(encoding="utf-8"), re.DOTALL)
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
