"""Loading: every kind of bad input is a located problem, never a traceback or a hang."""

from __future__ import annotations

import pytest
import yaml
from conftest import SHOWN, VALID, swap
from hypothesis import given, settings
from hypothesis import strategies as st

from progen.errors import UserError
from progen.spec import limits
from progen.spec.load import Mark, load, parse
from progen.spec.schema import programme_schema

TAGS_ALLOWED = "a spec holds plain text, numbers, true/false, dates, lists and mappings"
SYNTAX = "YAML syntax error: "


def only(headlines, source) -> str:
    """The single headline a spec gives."""
    found = headlines(source)
    assert len(found) == 1, found
    return found[0]


def test_valid_text_loads_with_located_nodes(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(VALID, "utf-8")
    doc = load(path, "x.yaml")
    assert doc.data["programme"]["start"] == "2027-01-12"  # dates are kept as ISO text
    assert doc.mark(("context", "stage")) == Mark(8, 10)
    assert doc.mark(("context", "stage", "nowhere")) == Mark(8, 10)  # nearest located ancestor
    assert doc.key_marks[("stakeholders", 1, "people")].line == 32
    assert doc.mark(("stakeholders", 1, "people", 2)).column == 37


# ── tags: nothing but plain YAML types is ever constructed ───────────────────────────────


def test_python_object_tag_on_a_mapping_is_refused(headlines):
    text = swap(VALID, "context:\n", "context: !!python/object:os.system\n")
    assert only(headlines, text) == (
        f"{SHOWN}:7:10: context: the tag '!!python/object:os.system' is not allowed; "
        + TAGS_ALLOWED
    )


def test_python_object_apply_on_a_list_is_refused(headlines):
    text = swap(
        VALID,
        "stakeholders: [ward-managers, social-workers]",
        "stakeholders: !!python/object/apply:os.system [echo hi]",
    )
    assert only(headlines, text) == (
        f"{SHOWN}:21:19: tasks[0].stakeholders: the tag '!!python/object/apply:os.system' "
        "is not allowed; " + TAGS_ALLOWED
    )


def test_python_name_tag_on_a_value_is_refused(headlines):
    text = swap(VALID, "  title: Test programme", "  title: !!python/name:os.system ''")
    assert only(headlines, text) == (
        f"{SHOWN}:4:10: programme.title: the tag '!!python/name:os.system' is not allowed; "
        + TAGS_ALLOWED
    )


def test_unknown_local_tag_is_refused(headlines):
    text = swap(VALID, "  stage: early", "  stage: !foo early")
    assert only(headlines, text) == (
        f"{SHOWN}:8:10: context.stage: the tag '!foo' is not allowed; " + TAGS_ALLOWED
    )


def test_unknown_tag_on_a_key_is_refused(headlines):
    text = swap(VALID, "  weeks: 26", "  !foo weeks: 26")
    assert only(headlines, text) == (
        f"{SHOWN}:6:3: programme: the tag '!foo' is not allowed; " + TAGS_ALLOWED
    )


@pytest.mark.parametrize("tag", ["!!set", "!!binary", "!!omap"])
def test_other_standard_tags_are_refused(headlines, tag):
    value = {"!!set": "{a, b}", "!!binary": "aGVsbG8=", "!!omap": "[a: 1]"}[tag]
    text = swap(VALID, "  weeks: 26", f"  weeks: {tag} {value}")
    assert only(headlines, text) == (
        f"{SHOWN}:6:10: programme.weeks: the tag '{tag}' is not allowed; " + TAGS_ALLOWED
    )


def test_every_refused_tag_is_reported_at_once(headlines):
    text = swap(VALID, "  stage: early", "  stage: !foo early")
    text = swap(text, "    count: 7", "    count: !bar 6")
    assert [h.split(": the tag")[0] for h in headlines(text)] == [
        f"{SHOWN}:8:10: context.stage",
        f"{SHOWN}:27:12: stakeholders[0].count",
    ]


# ── aliases and nesting: the work is bounded before anything walks the data ───────────────


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 "lol"']
    for n in range(1, levels + 1):
        lines.append(f"lol{n}: &lol{n} [" + ", ".join([f"*lol{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_fails_fast_at_the_expanding_line(headlines):
    # 9 levels of 9 would be 387 million strings; the limit stops it at level 6
    assert only(headlines, billion_laughs()) == (
        f"{SHOWN}:7:7: lol6[0][3]: the spec expands to more than "
        f"{limits.MAX_NODES:,} values; are aliases (*name) repeating each other?"
    )


def test_alias_bomb_hidden_in_a_text_value_is_located_at_that_value(headlines):
    # five levels of anchors are affordable on their own (~75,000 values); using the last
    # one where a title belongs pushes the spec over the limit exactly there
    anchors = billion_laughs(5).replace("\n", "\n  ").replace("lol0:", "  lol0:", 1)
    text = (
        "x-anchors:\n"
        + anchors.rstrip()
        + "\n"
        + swap(VALID, "  title: Test programme", "  title: *lol5")
    )
    title_line = text.splitlines().index("  title: *lol5") + 1
    found = headlines(text)
    assert found == [
        f"{SHOWN}:{title_line}:3: programme.title[3]: the spec expands to more than "
        f"{limits.MAX_NODES:,} values; are aliases (*name) repeating each other?"
    ]


def test_self_referencing_alias_is_located_at_the_alias(headlines):
    text = swap(VALID, "context:\n  stage: early\n", "context: &c\n  stage: early\n  again: *c\n")
    assert only(headlines, text) == (
        f"{SHOWN}:9:3: context.again.again: nested more than {limits.MAX_DEPTH} levels deep; "
        "does an alias (*name) contain itself?"
    )


def test_nesting_deeper_than_the_limit_is_located_at_the_first_level_too_deep(headlines):
    depth = limits.MAX_DEPTH + 8
    text = swap(
        VALID, "  stage: early\n", "  stage: early\n  summary: " + "[" * depth + "]" * depth + "\n"
    )
    # the root mapping and context are two levels; the 31st '[' (column 12 + 30) is the 33rd
    assert only(headlines, text) == (
        f"{SHOWN}:9:{12 + limits.MAX_DEPTH - 2}: nested more than {limits.MAX_DEPTH} levels deep"
    )


def test_nesting_at_the_limit_is_not_an_error_of_loading(tmp_path):
    depth = limits.MAX_DEPTH - 2  # root mapping + context + these lists
    text = "summary: " + "[" * depth + "]" * depth + "\n"
    doc = parse(SHOWN, text.encode())
    assert "summary" in doc.data


def test_undefined_alias_is_a_located_syntax_error(headlines):
    text = swap(VALID, "  title: Test programme", "  title: *nowhere")
    assert only(headlines, text) == (
        f"{SHOWN}:4:10: {SYNTAX}found undefined alias; "
        "an alias (*name) must follow its anchor (&name)"
    )


# ── the file itself ──────────────────────────────────────────────────────────────────


def test_file_over_the_size_limit_is_refused_before_parsing(headlines):
    text = VALID + "#" * limits.MAX_BYTES
    size = len(text.encode())
    assert only(headlines, text) == (
        f"{SHOWN}:1:1: the file is {size:,} bytes; "
        f"a spec file may be at most {limits.MAX_BYTES:,} bytes"
    )


def test_non_utf8_byte_is_located_at_the_byte(headlines):
    raw = swap(VALID, "  title: Test programme", "  title: Caf\udce9").encode(
        "utf-8", "surrogateescape"
    )
    assert only(headlines, raw) == (
        f"{SHOWN}:4:13: byte 0xe9 is not UTF-8 text; save the file as UTF-8"
    )


def test_non_utf8_column_counts_characters_not_bytes(headlines):
    raw = swap(VALID, "  title: Test programme", "  title: ééé\udcff").encode(
        "utf-8", "surrogateescape"
    )
    assert only(headlines, raw) == (
        f"{SHOWN}:4:13: byte 0xff is not UTF-8 text; save the file as UTF-8"
    )


def test_non_utf8_after_a_byte_order_mark(headlines):
    raw = b"\xef\xbb\xbfversion: \xff\n"
    assert only(headlines, raw) == (
        f"{SHOWN}:1:10: byte 0xff is not UTF-8 text; save the file as UTF-8"
    )


def test_utf16_file_is_refused_at_its_first_byte(headlines):
    raw = VALID.encode("utf-16")
    assert only(headlines, raw) == (
        f"{SHOWN}:1:1: byte 0xff is not UTF-8 text; save the file as UTF-8"
    )


def test_byte_order_mark_is_accepted(problems):
    assert problems(b"\xef\xbb\xbf" + VALID.encode()) == []


def test_nul_character_is_located(headlines):
    text = swap(VALID, "  title: Test programme", "  title: Test\x00programme")
    assert only(headlines, text) == (
        f"{SHOWN}:4:1: the file holds a NUL character; is it a binary file?"
    )


EMPTY = f"{SHOWN}:1:1: the file is empty; run 'progen new' for a starter spec"


@pytest.mark.parametrize(
    "source",
    [b"", b"\n\n", b"   \n \n", b"# just a comment\n", b"# one\n  # two\n\n# three"],
    ids=["empty", "blank-lines", "spaces", "one-comment", "comments"],
)
def test_empty_and_comment_only_files(headlines, source):
    assert only(headlines, source) == EMPTY


@pytest.mark.parametrize("source", ["---\n", "---", "---\n# nothing\n", "---\n#", "--- # x\n..."])
def test_document_marker_only_is_an_empty_spec(headlines, source):
    assert only(headlines, source) == EMPTY


def test_list_at_the_root(headlines):
    assert only(headlines, "# a list\n- version: 1\n- programme: x\n") == (
        f"{SHOWN}:2:1: the spec is a list; it must be a mapping starting with 'version: 1'"
    )


@pytest.mark.parametrize("scalar", ["hello", "42", "'version: 1'", "2027-01-12"])
def test_scalar_at_the_root(headlines, scalar):
    assert only(headlines, f"\n{scalar}\n") == (
        f"{SHOWN}:2:1: the spec is a single value; it must be a mapping starting with 'version: 1'"
    )


def test_tab_indentation_is_located_on_every_line(headlines):
    text = swap(VALID, "  stage: early", "\tstage: early")
    text = swap(text, "    count: 7", "  \t  count: 6")
    assert headlines(text) == [
        f"{SHOWN}:8:1: tab in indentation; YAML indents with spaces only",
        f"{SHOWN}:27:3: tab in indentation; YAML indents with spaces only",
    ]


def test_tab_after_a_value_is_not_indentation(problems):
    assert problems(swap(VALID, "  weeks: 26", "  weeks: 26\t# half a year")) == []


# ── YAML syntax ──────────────────────────────────────────────────────────────────────


def test_unclosed_double_quote_is_located_at_the_opening_quote(headlines):
    text = swap(VALID, "  title: Test programme", '  title: "Test programme')
    assert only(headlines, text) == (
        f"{SHOWN}:4:10: {SYNTAX}found unexpected end of stream "
        "(while scanning a quoted scalar); is the closing quote missing?"
    )


def test_unclosed_single_quote_is_located_at_the_opening_quote(headlines):
    text = swap(VALID, "    name: Our County Council", "    name: 'Our County Council")
    assert only(headlines, text) == (
        f"{SHOWN}:15:11: {SYNTAX}found unexpected end of stream "
        "(while scanning a quoted scalar); is the closing quote missing?"
    )


def test_colon_space_inside_an_unquoted_value(headlines):
    text = swap(VALID, "  title: Test programme", "  title: Leading: together")
    assert only(headlines, text) == (
        f"{SHOWN}:4:17: {SYNTAX}mapping values are not allowed in this context; "
        "is a value containing ': ' missing its quotes?"
    )


KEYS_LINE_UP = (
    "is this line indented like the keys above it? The keys of one mapping start in the same column"
)
ITEMS_LINE_UP = (
    "is this line indented like the list items above it? Every '- ' of a list starts in the "
    "same column, and an item's keys line up after it"
)
NESTED = (
    "is this line indented more than the key above it? A key holds keys only when nothing "
    "follows its colon, and they go on the lines below it"
)


def test_key_indented_less_than_its_siblings(headlines):
    text = swap(VALID, "  title: Test programme", " title: Test programme")
    assert only(headlines, text) == (
        f"{SHOWN}:4:2: {SYNTAX}did not find expected key (while parsing a block mapping); "
        + KEYS_LINE_UP
    )


def test_key_indented_more_than_its_siblings(headlines):
    text = swap(VALID, "  title: Test programme", "   title: Test programme")
    assert only(headlines, text) == (
        f"{SHOWN}:4:9: {SYNTAX}mapping values are not allowed in this context; " + NESTED
    )


def test_key_of_a_list_item_indented_more_or_less_than_its_siblings(headlines):
    deeper = swap(VALID, "    organisation: trust\n", "      organisation: trust\n")
    assert only(headlines, deeper).endswith(f"; {NESTED}")
    shallower = swap(VALID, "    organisation: trust\n", "   organisation: trust\n")
    assert only(headlines, shallower) == (
        f"{SHOWN}:25:4: {SYNTAX}did not find expected '-' indicator "
        f"(while parsing a block collection); {ITEMS_LINE_UP}"
    )


def test_a_value_under_a_key_that_already_has_one(headlines):
    text = swap(VALID, "  stage: early\n", "  stage: early\n    summary: merged\n")
    assert only(headlines, text).startswith(f"{SHOWN}:9:12: {SYNTAX}mapping values")
    assert only(headlines, text).endswith(f"; {NESTED}")


def test_list_item_indented_differently(headlines):
    deeper = swap(VALID, "  - id: council", "   - id: council")
    assert only(headlines, deeper) == (
        f"{SHOWN}:14:4: {SYNTAX}did not find expected '-' indicator "
        f"(while parsing a block collection); {ITEMS_LINE_UP}"
    )
    shallower = swap(VALID, "  - id: council", " - id: council")
    assert only(headlines, shallower).startswith(f"{SHOWN}:14:2: {SYNTAX}did not find")
    assert only(headlines, shallower).endswith(f"; {ITEMS_LINE_UP}")


def test_top_level_key_indented(headlines):
    text = swap(VALID, "context:\n", " context:\n")
    assert only(headlines, text).endswith(f"; {KEYS_LINE_UP}")


def test_text_after_a_quoted_value_is_not_called_indentation(headlines):
    text = swap(VALID, "  title: Test programme", '  title: "Test" programme')
    assert only(headlines, text) == (
        f"{SHOWN}:4:17: {SYNTAX}did not find expected key (while parsing a block mapping); "
        "is there text after a closing quote or bracket? Quote the whole value"
    )


def test_missing_colon(headlines):
    text = swap(VALID, "  weeks: 26", "  weeks 26")
    assert only(headlines, text) == (
        f"{SHOWN}:7:1: {SYNTAX}could not find expected ':' (while scanning a simple key); "
        "is a colon or a closing quote missing?"
    )


def test_unclosed_flow_list(headlines):
    text = swap(
        VALID,
        "stakeholders: [ward-managers, social-workers]",
        "stakeholders: [ward-managers, social-workers",
    )
    assert only(headlines, text) == (
        f"{SHOWN}:22:13: {SYNTAX}did not find expected ',' or ']' (while parsing a flow sequence)"
    )


def test_duplicate_key_is_located_at_the_second_one(headlines):
    text = swap(VALID, "  weeks: 26\n", "  weeks: 26\n  weeks: 30\n")
    assert only(headlines, text) == (
        f"{SHOWN}:7:3: programme.weeks: duplicate key 'weeks' (first given at line 6)"
    )


def test_duplicate_top_level_key(headlines):
    text = VALID + "version: 1\n"
    assert only(headlines, text) == (
        f"{SHOWN}:33:1: version: duplicate key 'version' (first given at line 1)"
    )


def test_second_document_is_refused(headlines):
    assert only(headlines, VALID + "---\nversion: 1\n") == (
        f"{SHOWN}:33:1: a spec holds one YAML document; remove the second '---'"
    )


def test_merge_key_is_refused(headlines):
    text = (
        swap(
            VALID,
            "  - id: council\n",
            "  - &org\n    id: council\n",
        )
        + "facilitators:\n  - <<: *org\n    name: A. Adviser\n"
    )
    assert only(headlines, text) == (
        f"{SHOWN}:35:5: facilitators[0]: merge keys ('<<') are not supported; "
        "write the keys out in full"
    )


def test_complex_key_is_refused(headlines):
    assert only(headlines, "? [a, b]\n: 1\n") == (
        f"{SHOWN}:1:3: a key must be a plain name, not a list or mapping"
    )


# ── values YAML builds that no spec field can hold ─────────────────────────────────────


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_not_a_number_is_kept_as_text_and_rejected(headlines, value):
    text = swap(VALID, "  weeks: 26", f"  weeks: 26\n  contact_hours: {value}")
    assert only(headlines, text) == (
        f"{SHOWN}:7:18: programme.contact_hours: expected a number, got '{value}'"
    )


def test_enormous_integer_is_kept_as_text_and_rejected(headlines):
    huge = "0x" + "f" * 5000
    text = swap(VALID, "  weeks: 26", f"  weeks: {huge}")
    assert only(headlines, text) == (
        f"{SHOWN}:6:10: programme.weeks: expected a whole number, got '{huge[:57]}...'"
    )


def test_parse_raises_user_error_only(tmp_path):
    with pytest.raises(UserError) as caught:
        parse(SHOWN, b"\x00\x01\x02")
    assert caught.value.problems[0].line == 1


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UserError) as caught:
        load(tmp_path / "nope.yaml", "nope.yaml")
    assert caught.value.problems[0].headline() == "nope.yaml:1:1: no such file"
    with pytest.raises(UserError) as caught:
        load(tmp_path, "dir")
    assert caught.value.problems[0].headline() == "dir:1:1: this is a folder, not a spec file"


# ── plain values read by YAML 1.2's rules, not 1.1's ───────────────────────────────────


def test_no_yes_on_off_are_text_not_booleans(tmp_path):
    text = swap(VALID, "    location: Main site", "    location: NO")
    text = swap(text, "  title: Test programme", "  title: yes")
    doc = parse(SHOWN, (text + "x-flags: [on, Off, y, N]\n").encode())
    assert doc.data["organisations"][0]["location"] == "NO"
    assert doc.data["programme"]["title"] == "yes"
    assert doc.data["x-flags"] == ["on", "Off", "y", "N"]


@pytest.mark.parametrize("written", ["true", "True", "TRUE", "false", "False", "FALSE"])
def test_true_and_false_are_the_booleans(written):
    assert parse(SHOWN, f"a: {written}\n".encode()).data == {"a": written.lower() == "true"}


def test_a_boolean_field_given_yes_is_a_located_problem(headlines):
    text = swap(VALID, "  stage: early", "  stage: early\n  top_team_effective: yes")
    assert only(headlines, text) == (
        f"{SHOWN}:9:23: context.top_team_effective: expected true or false, got 'yes'"
    )


def test_hours_and_minutes_are_not_base_60_numbers(headlines):
    text = swap(VALID, "  weeks: 26", "  weeks: 26\n  contact_hours: 2:30")
    assert only(headlines, text) == (
        f"{SHOWN}:7:18: programme.contact_hours: expected a number, got '2:30'"
    )


def test_a_time_where_a_date_belongs_is_reported_as_written(headlines):
    text = swap(VALID, "  start: 2027-01-12", "  start: 10:30")
    assert only(headlines, text) == (
        f"{SHOWN}:5:10: programme.start: '10:30' is not a real calendar date; "
        "write YYYY-MM-DD, e.g. 2027-01-12"
    )


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("12", 12),
        ("-3", -3),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1.", 1.0),
        (".5", 0.5),
        ("1.0e+3", 1000.0),
        ("~", None),
        ("null", None),
        ("2027-01-12", "2027-01-12"),  # dates stay dates, kept as ISO text
        # what YAML 1.1 reads as something else, YAML 1.2 reads as the text written
        ("010", "010"),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("1:30:00", "1:30:00"),
        ("=", "="),
    ],
)
def test_numbers_nulls_and_dates(written, read):
    assert parse(SHOWN, f"a: {written}\n".encode()).data == {"a": read}


# text of any printable characters, and text made to look like numbers, times and booleans
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Zl", "Zp")))
NUMBER_LIKE = st.from_regex(r"[-+.0-9eExXoObB:_ ]{1,10}", fullmatch=True)
WORD_LIKE = st.sampled_from(["y", "Y", "n", "N", "yes", "No", "ON", "off", "~", "Null", "nan"])


@given(TEXT | NUMBER_LIKE | WORD_LIKE)
@settings(max_examples=300, deadline=None, derandomize=True)
def test_text_written_by_a_yaml_writer_reads_back_as_the_same_text(value):
    # progen's resolvers read as other than text only what YAML 1.1 does too, so a value
    # yaml.safe_dump leaves unquoted can never come back as a number or a boolean
    raw = yaml.safe_dump({"a": value}, allow_unicode=True).encode("utf-8")
    assert parse(SHOWN, raw).data == {"a": value}


@pytest.mark.parametrize("plain", ["no", "on", "2:30", "10:30", "1_000", "0b1", "010", "1e3"])
def test_text_a_yaml_writer_leaves_plain_reads_back_as_text(plain):
    raw = yaml.safe_dump({"a": plain}).encode()
    assert parse(SHOWN, raw).data == {"a": plain}


# ── sizes ────────────────────────────────────────────────────────────────────────────


def test_a_huge_list_without_aliases_is_not_blamed_on_aliases(headlines):
    items = "".join("  - x\n" for _ in range(limits.MAX_NODES))
    (found,) = headlines("x-list:\n" + items)
    assert found.startswith(f"{SHOWN}:")
    assert f"holds more than {limits.MAX_NODES:,} values" in found
    assert "alias" not in found


def test_a_list_longer_than_its_maximum_is_one_problem_not_one_per_item(headlines):
    maximum = programme_schema()["properties"]["facilitators"]["maxItems"]
    items = "".join(f"  - {i}\n" for i in range(maximum + 500))
    assert headlines(VALID + "facilitators:\n" + items) == [
        f"{SHOWN}:34:3: facilitators: has {maximum + 500} items; at most {maximum} allowed"
    ]
