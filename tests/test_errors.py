"""Reports of problems: what reaches the terminal is escaped, short and quick to make."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import SHOWN, VALID, swap

from progen.cli import main
from progen.errors import SHOWN_PROBLEMS, Problem, excerpt, render_json, render_text, source_lines

TITLE_SEQUENCE = "\x1b]0;pwned\x07"


def test_an_excerpt_shows_control_characters_escaped_with_the_caret_in_place():
    lines = source_lines(f"title: {TITLE_SEQUENCE}x\n")
    problem = Problem(SHOWN, 1, 18, "title", "bad")  # the column of the final x
    shown = excerpt(lines, problem)
    assert "\x1b" not in shown and "\x07" not in shown
    text, caret = shown.splitlines()
    assert text == "    1 | title: \\x1b]0;pwned\\x07x"
    assert caret.index("^") == text.index("x", text.index("\\x07") + 4)


def test_a_spec_holding_a_terminal_escape_reports_it_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw = swap(VALID, "  title: Test programme", f"  title: {TITLE_SEQUENCE}")
    (tmp_path / "spec.yaml").write_text(raw, "utf-8")
    result = CliRunner().invoke(main, ["validate", "spec.yaml"])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;pwned" in result.stderr


def test_excerpt_lines_are_the_lines_yaml_counts():
    # a form feed is no line break to YAML, so line 2 is the one after the \n
    lines = source_lines("a: 1\x0cb\nc: 2\n")
    assert excerpt(lines, Problem(SHOWN, 2, 1, "", "x")).splitlines()[0] == "    2 | c: 2"


def many(n: int) -> tuple[Problem, ...]:
    return tuple(Problem(SHOWN, i + 1, 1, f"x[{i}]", "wrong") for i in range(n))


def test_a_long_report_shows_the_first_problems_and_counts_the_rest():
    text = render_text(many(SHOWN_PROBLEMS + 250), {})
    lines = text.splitlines()
    assert len(lines) == SHOWN_PROBLEMS + 1
    assert lines[0] == f"{SHOWN}:1:1: x[0]: wrong"
    assert (
        lines[SHOWN_PROBLEMS - 1] == f"{SHOWN}:{SHOWN_PROBLEMS}:1: x[{SHOWN_PROBLEMS - 1}]: wrong"
    )
    assert lines[-1] == "... and 250 more problems"


def test_a_report_of_exactly_the_limit_has_no_count_line():
    assert "more problem" not in render_text(many(SHOWN_PROBLEMS), {})
    assert render_text(many(SHOWN_PROBLEMS + 1), {}).endswith("... and 1 more problem")


def test_the_json_report_is_capped_the_same_way():
    report = json.loads(render_json(many(SHOWN_PROBLEMS + 7)))
    assert len(report["errors"]) == SHOWN_PROBLEMS
    assert report["more"] == 7
    assert json.loads(render_json(many(3))) == {
        "errors": [
            {"file": SHOWN, "line": i + 1, "column": 1, "path": f"x[{i}]", "message": "wrong"}
            for i in range(3)
        ]
    }


def test_thousands_of_bad_items_give_a_short_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    items = "".join(f"    - bad-{i}\n" for i in range(3000))
    text = swap(VALID, "  stage: early\n", "  stage: early\n  culture:\n" + items)
    (tmp_path / "spec.yaml").write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["validate", "spec.yaml"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 3 * SHOWN_PROBLEMS + 2  # headline, line, caret; the rest; the total
    assert lines[-2:] == [
        f"... and {3000 - SHOWN_PROBLEMS} more problems",
        "3000 problems in 1 file",
    ]
    assert "alias" not in result.stderr
