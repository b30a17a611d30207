"""The built site in a real browser: Debian's headless Chromium, driven by Playwright.

Opens site/index.html from disk, follows links to a programme, a session page and
the PDF, checks that nothing is fetched from the network, and runs axe-core on the
index, the overview, a session page, the sets page and one set's roster page: no
serious or critical accessibility violation is allowed (WCAG 2.2 AA, see DESIGN.md
"Quality bars").

`bash scripts/test` installs Chromium and axe-core, so a missing one is a failure,
not a skip.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO

import progen.commands.build as pipeline

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SPEC = REPO / "programmes" / "examples" / "westmoor-discharge.yaml"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    pipeline.build([SPEC], out, echo=lambda line: None)
    return out


@pytest.fixture(scope="module")
def browser():
    chromium = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: run 'bash scripts/test', which installs it"
    assert AXE.is_file(), f"{AXE} is missing: run 'npm ci' in tests/browser (scripts/test does)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +
                                                 (n.failureSummary || '').slice(0, 300))
            }));
        }"""
    )
    return [v for v in result if v["impact"] in BLOCKING]


def assert_accessible(page, label: str) -> None:
    found = violations(page)
    assert not found, f"axe-core on {label} ({page.url}):\n" + json.dumps(found, indent=2)


def local_only(page) -> None:
    remote = [u for u in page.requests if not u.startswith(("file:", "data:", "about:", "blob:"))]
    assert not remote, f"the built pages fetched from the network: {remote}"


def test_browse_from_index_to_a_session_and_the_pdf(site, page):
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").first.inner_text().strip()
    pdf = page.locator('a[href$=".pdf"]').first.get_attribute("href")
    assert pdf and (site / pdf).is_file(), pdf
    assert (site / pdf).read_bytes().startswith(b"%PDF-")

    page.locator('a[href$="/index.html"]').first.click()
    page.wait_for_load_state()
    assert page.url == (site / "westmoor-discharge" / "index.html").as_uri()
    assert page.title()
    handbook = page.locator('a[href$=".pdf"]').first
    assert handbook.count() == 1, "the programme site does not link to its handbook"
    target = site / "westmoor-discharge" / (handbook.get_attribute("href") or "")
    assert target.resolve() == (site / "westmoor-discharge" / "westmoor-discharge.pdf").resolve()

    session = page.locator('a[href*="sessions/"]:visible').first
    assert session.count() == 1, "the overview links to no session page"
    session.click()
    page.wait_for_load_state()
    assert "/sessions/" in page.url
    assert page.locator("h1").first.inner_text().strip()
    local_only(page)


@pytest.mark.parametrize(
    "where",
    [
        "index.html",
        "westmoor-discharge/index.html",
        "session",
        "sets",
        "westmoor-discharge/sets/set-1.html",
        "westmoor-discharge/groups/ward-managers.html",
    ],
)
def test_no_serious_accessibility_violations(site, page, where):
    if where == "session":
        page.goto((site / "westmoor-discharge" / "index.html").as_uri())
        page.locator('a[href*="sessions/"]:visible').first.click()
        page.wait_for_load_state()
    elif where == "sets":
        page.goto((site / "westmoor-discharge" / "index.html").as_uri())
        link = page.locator('a[href$="sets.html"]:visible').first
        assert link.count() == 1, "the overview links to no sets page"
        link.click()
        page.wait_for_load_state()
    else:
        page.goto((site / where).as_uri())
    assert_accessible(page, where)
    local_only(page)


def test_index_reads_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto((site / "index.html").as_uri())
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow, "the index scrolls sideways on a 375 px wide screen"
    finally:
        context.close()


# Every word of a table cell, as a range: a word drawn on two lines was broken mid-word.
# Hyphens, dashes and slashes may end a line, so they separate words here.
BROKEN_WORDS = """() => {
    const broken = [];
    const walker = document.createTreeWalker(
        document.querySelector('article') || document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement.closest('td')) continue;
        for (const m of node.textContent.matchAll(/[^\\s\\-\u2013\\/]+/g)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            if (lines.size > 1) broken.push(m[0]);
        }
    }
    return broken;
}"""

PHONE_PAGES = (
    "westmoor-discharge/index.html",
    "westmoor-discharge/groups/ward-managers.html",
    "westmoor-discharge/sets/set-1.html",
    "westmoor-discharge/evaluation.html",
)


@pytest.mark.parametrize("where", PHONE_PAGES)
def test_tables_read_on_a_phone_without_broken_words(site, browser, where):
    """At 390 px, tables of sessions and meetings become cards: the page does not scroll
    sideways, no table scrolls inside its box, and no word is split across lines."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto((site / where).as_uri())
        assert not page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        ), f"{where} scrolls sideways on a 390 px wide screen"
        wide = page.evaluate(
            """() => [...document.querySelectorAll('.progen-stack')]
                .filter(box => box.scrollWidth > box.clientWidth + 1)
                .map(box => box.getAttribute('aria-label'))"""
        )
        assert not wide, f"tables wider than the screen on {where}: {wide}"
        broken = page.evaluate(BROKEN_WORDS)
        assert not broken, f"words broken across lines on {where}: {broken[:10]}"
        assert_accessible(page, f"{where} at 390 px")
    finally:
        context.close()
