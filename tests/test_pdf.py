"""The handbook PDF: every session in it, renders, titled; the URL fetcher reads only assets."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import VALID, hostile_modules
from pypdf import PdfReader
from test_site import HOSTILE

from progen.design.assemble import assemble
from progen.publish.pdf import URLRefused, handbook_html, make_fetcher, write_pdf
from progen.spec.validate import read_spec

REPO = Path(__file__).resolve().parent.parent
WESTMOOR = REPO / "programmes" / "examples" / "westmoor-discharge.yaml"


def squash(text: str) -> str:
    """Text without any whitespace: PDF extraction breaks lines wherever the layout did."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def westmoor(tmp_path_factory):
    p = assemble(read_spec(WESTMOOR))
    pdf = tmp_path_factory.mktemp("pdf") / f"{p.id}.pdf"
    write_pdf(p, pdf)
    return p, pdf


def test_pdf_holds_every_session_title(westmoor):
    p, pdf = westmoor
    reader = PdfReader(pdf)
    text = squash(" ".join(page.extract_text() or "" for page in reader.pages))
    for s in p.sessions:
        assert squash(s.title) in text, s.title
    assert squash("Session feedback form") in text
    assert squash("Real-team questions") in text
    assert squash("PDSA cycle form") in text


def test_a_small_programmes_handbook_prints_every_roster(westmoor):
    p, pdf = westmoor
    text = squash(" ".join(page.extract_text() or "" for page in PdfReader(pdf).pages))
    assert squash("Sets and their rosters") in text
    for task in p.spec.tasks:
        count = sum(st.task == task.id for st in p.sets)
        assert squash(f"{task.title} {count}") in text  # the sets-by-task table
    for st in p.sets:
        assert squash(f"Members of {st.id} ({len(st.members)})") in text
        assert all(squash(m.name) in text for m in st.members)


def test_a_regions_handbook_sends_readers_to_the_rosters_instead(monkeypatch):
    """Past ROSTERS_IN_HANDBOOK members the rosters would be most of the book."""
    import progen.publish.pdf as pdf_module

    p = assemble(read_spec(WESTMOOR))
    monkeypatch.setattr(pdf_module, "ROSTERS_IN_HANDBOOK", 10)
    html = handbook_html(p)
    assert "sets/&lt;set id&gt;.html" in html and "sets.csv" in html
    assert "Members of set-1" not in html
    assert all(
        m.name not in html for st in p.sets for m in st.members if m.stakeholder != "exec-team"
    )


def test_pdf_has_more_pages_than_sessions_and_a_title(westmoor):
    p, pdf = westmoor
    reader = PdfReader(pdf)
    assert len(reader.pages) > len(p.sessions)
    assert reader.metadata is not None
    assert reader.metadata.title == f"{p.title}: programme handbook"


def test_pdf_is_a4(westmoor):
    _, pdf = westmoor
    first = PdfReader(pdf).pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1


def test_pdf_is_tagged(westmoor):
    _, pdf = westmoor
    root = PdfReader(pdf).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])


def test_pdf_pages_render(westmoor, tmp_path):
    assert shutil.which("pdftoppm"), "pdftoppm is missing: scripts/test installs poppler-utils"
    _, pdf = westmoor
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 3
    assert all(png.stat().st_size > 500 for png in pngs)


def test_fetcher_refuses_local_files_and_the_network(tmp_path):
    fetcher = make_fetcher(tmp_path)
    for url in (
        "file:///etc/passwd",
        f"file://{tmp_path}/../../../etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "file://evil.example.com/etc/passwd",
    ):
        with pytest.raises(URLRefused):
            fetcher.fetch(url)


def test_fetcher_serves_data_uris_and_its_own_assets(tmp_path):
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", "utf-8")
    fetcher = make_fetcher(tmp_path)
    response = fetcher.fetch((tmp_path / "logo.svg").as_uri())
    assert b"<svg" in response.read()
    payload = base64.b64encode(b"hello").decode()
    response = fetcher.fetch(f"data:text/plain;base64,{payload}")
    assert response.read() == b"hello"


def test_hostile_text_stays_inert_in_the_handbook(tmp_path):
    spec = tmp_path / "hostile.yaml"
    spec.write_text(HOSTILE, encoding="utf-8")
    p = assemble(read_spec(spec))
    source = handbook_html(p)
    assert "<script>alert" not in source
    assert "<img" not in source
    assert not re.search(r'<[a-z][^<>]*\bsrc="file:', source)  # in a tag; as text, inert
    assert 'href="javascript:' not in source
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    pdf = tmp_path / "hostile.pdf"
    write_pdf(p, pdf)
    text = squash(" ".join(page.extract_text() or "" for page in PdfReader(pdf).pages))
    assert squash("<script>alert(1)</script>") in text  # printed as text


def actions(reader: PdfReader) -> list[str]:
    """The action type (/S) or /Dest of every annotation on every page, and any
    document-level action or script."""
    found = []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            action = annotation.get("/A")
            found.append(str(action.get_object()["/S"]) if action else "/Dest")
    root = reader.trailer["/Root"]
    found += [key for key in ("/OpenAction", "/AA") if key in root]
    if "/Names" in root and "/JavaScript" in root["/Names"]:
        found.append("/JavaScript")
    return found


def test_a_users_module_body_makes_no_link_or_script_in_the_handbook(tmp_path):
    spec = tmp_path / "programmes" / "spec.yaml"
    spec.parent.mkdir()
    spec.write_text(VALID, encoding="utf-8")
    p = assemble(read_spec(spec), hostile_modules(tmp_path / "modules"))
    pdf = tmp_path / "hostile.pdf"
    write_pdf(p, pdf)
    reader = PdfReader(pdf)
    found = actions(reader)
    assert "/Dest" in found or "/GoTo" in found  # the contents page links to its chapters
    assert set(found) <= {"/Dest", "/GoTo"}, sorted(set(found))
    text = squash(" ".join(page.extract_text() or "" for page in reader.pages))
    assert squash("[b](http://evil.example/b)") in text  # printed as written
    assert squash("Kept heading") in text


def test_a_plan_repeated_word_for_word_is_printed_once_and_pointed_to():
    # Without measures, and with the same groups (so the same sponsors), the two tasks' PDSA
    # clinics have the same plan word for word.
    spec = read_spec(WESTMOOR)
    same = spec.tasks[0].stakeholders
    spec = replace(
        spec, tasks=tuple(replace(t, measure=None, stakeholders=same) for t in spec.tasks)
    )
    p = assemble(spec)
    html = handbook_html(p)
    firsts = {e.id: e for s in p.sessions for e in p.sessions if e.id < s.id and e.plan == s.plan}
    assert firsts, "two tasks' PDSA clinics share their plan"
    for first in firsts.values():
        assert f'The same plan as session <a href="#session-{p.sessions.index(first) + 1}">' in html
        assert f"{first.id}, {first.title}</a>" in html
    assert html.count('<div class="plan">') == len({s.plan for s in p.sessions})
