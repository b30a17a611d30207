"""Read a spec file into plain data, remembering where every node came from.

The parse is done in bounded passes so that a hostile file fails fast with a
located error instead of hanging or exhausting memory: only a regular file of
bounded size is read (see files.py), the text is screened for tabs, the YAML
event stream is checked for depth and length, and only then is the node graph
converted to data, counting every node an alias expands into. Only plain YAML
types are built; any other tag is refused; plain values are read by YAML 1.2's
rules, not 1.1's (see _Loader).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import ClassVar

import yaml

from progen.errors import LINE_BREAK, Problem, UserError
from progen.spec import limits
from progen.spec.files import NotReadable, read_limited
from progen.spec.paths import Path, dotted
from progen.spec.where import Mark, SourceMap

try:  # the C loader is several times faster; fall back quietly where libyaml is absent
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_T = "tag:yaml.org,2002:"


class _Loader(_BaseLoader):
    """PyYAML reads plain values by YAML 1.1, which turns what people write into what they
    did not: `location: NO` is false, `contact_hours: 2:30` is 150 (base 60), `start: 10:30`
    is 630. These resolvers follow the YAML 1.2 core schema instead: only true/false (and
    True, TRUE...) are booleans, numbers are plain decimals (or 0x hex) without base 60 or
    underscores, and ISO dates stay dates (the schema checks `format: date`). Every value
    they read as other than text is also read so by YAML 1.1, so text that a YAML 1.1
    writer (yaml.safe_dump) leaves unquoted reads back as the same text."""

    yaml_implicit_resolvers: ClassVar[dict] = {}


for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "float",
        r"[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?|\.[0-9]+(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+0123456789.",
    ),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("merge", r"<<", "<"),  # resolved only to be refused with a plain message
    (
        "timestamp",
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?",
        "0123456789",
    ),
):
    _Loader.add_implicit_resolver(_T + _tag, re.compile(f"^(?:{_pattern})$"), list(_first))

_SCALAR_TAGS = {_T + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {yaml.MappingNode: _T + "map", yaml.SequenceNode: _T + "seq"}
_TAG_MESSAGE = (
    "the tag '{}' is not allowed; a spec holds plain text, "
    "numbers, true/false, dates, lists and mappings"
)
# What most often causes a syntax error, as a question the user can answer by looking at the
# line: keyed on text in the message (libyaml's or PyYAML's own, whichever loader is in use),
# checked in order after the indentation rules of `_hint`.
_HINTS = {
    "could not find expected ':'": "is a colon or a closing quote missing?",
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
    "found undefined alias": "an alias (*name) must follow its anchor (&name)",
    "end of stream (while scanning a quoted scalar)": "is the closing quote missing?",
}


_QUOTES = "is a value containing ': ' missing its quotes?"
_INDENT_NESTED = (
    "is this line indented more than the key above it? A key holds keys only when nothing "
    "follows its colon, and they go on the lines below it"
)
_INDENT_KEYS = (
    "is this line indented like the keys above it? The keys of one mapping start in the same column"
)
_INDENT_ITEMS = (
    "is this line indented like the list items above it? Every '- ' of a list starts in the "
    "same column, and an item's keys line up after it"
)
_AFTER_VALUE = "is there text after a closing quote or bracket? Quote the whole value"


def _hint(message: str, line: str, column: int) -> str | None:
    """The hint for a syntax error at `column` (1-based) of `line`. A key indented more than
    its neighbours reads to YAML as a value holding ': ' ("mapping values are not allowed"
    at the key's own colon); one indented less ends the mapping or list too early ("did not
    find expected key", "expected '-' indicator", "expected <block end>"), reported at the
    line's first character. Elsewhere on a line the same messages mean text after a quoted
    value, or a colon in a value."""
    at = column - 1
    first = len(line) - len(line.lstrip(" "))
    if "mapping values are not allowed" in message:
        return _INDENT_NESTED if at == line.find(":") and at > first else _QUOTES
    if at == first:
        if (
            line[at : at + 1] == "-"
            or "expected '-' indicator" in message
            or "collection" in message
        ):
            return _INDENT_ITEMS
        if "did not find expected key" in message or "expected <block end>" in message:
            return _INDENT_KEYS
    if "did not find expected key" in message or "but found '<scalar>'" in message:
        return _AFTER_VALUE if at > first else None
    return next((h for k, h in _HINTS.items() if k in message), None)


@dataclass(frozen=True)
class Document:
    """A loaded spec: its data, and the place in the file of every value and key."""

    file: str
    source: str
    data: object
    marks: dict[Path, Mark] = field(repr=False)
    key_marks: dict[Path, Mark] = field(repr=False)

    @property
    def where(self) -> SourceMap:
        return SourceMap(self.file, self.marks, self.key_marks)

    def mark(self, path: Path) -> Mark:
        """The closest located node: the path itself or its nearest ancestor."""
        return self.where.mark(path)

    def problem(self, path: Path, message: str, *, at_key: bool = False) -> Problem:
        return self.where.problem(path, message, at_key=at_key)


_LARGEST_INT = 10**18


def _shown_tag(tag: str) -> str:
    return tag.replace(_T, "!!")


def _mark(yaml_mark: yaml.Mark) -> Mark:
    return Mark(yaml_mark.line + 1, yaml_mark.column + 1)


def _fail(file: str, mark: Mark, message: str, path: Path = ()) -> UserError:
    return UserError([Problem(file, mark.line, mark.column, dotted(path), message)])


def decode(file: str, raw: bytes) -> str:
    """The text of a file that must be UTF-8, or a UserError located at the first bad byte
    (or NUL, which no text file holds). A byte-order mark is not part of the text."""
    body = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        before = body[: err.start]
        line = before.count(b"\n") + 1
        # the column counts characters, as YAML's own marks do; the bytes before the bad
        # one are valid UTF-8
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
        raise _fail(
            file,
            Mark(line, column),
            f"byte 0x{body[err.start]:02x} is not UTF-8 text; save the file as UTF-8",
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _fail(file, Mark(line, 1), "the file holds a NUL character; is it a binary file?")
    return text


def _tab_problems(file: str, text: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(LINE_BREAK.split(text), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            problems.append(
                Problem(
                    file,
                    number,
                    indent.index("\t") + 1,
                    "",
                    "tab in indentation; YAML indents with spaces only",
                )
            )
    return problems


def _reader_error(file: str, text: str, err: yaml.reader.ReaderError) -> UserError:
    """A character YAML refuses (a control character, U+FFFE...), located in the text.
    libyaml counts the position in bytes of UTF-8, PyYAML's own reader in characters."""
    if _BaseLoader is yaml.SafeLoader:
        before = text[: err.position]
    else:
        before = text.encode("utf-8")[: err.position].decode("utf-8", "ignore")
    lines = LINE_BREAK.split(before)
    return _fail(
        file,
        Mark(len(lines), len(lines[-1]) + 1),
        f"the character U+{err.character:04X} is not allowed in a spec; delete it",
    )


def _syntax_error(file: str, text: str, err: yaml.YAMLError) -> UserError:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    opened = getattr(err, "context_mark", None)
    if problem.startswith("found unexpected end of stream") and opened is not None:
        mark = opened  # the file ended inside a quote: point at the quote that was never closed
    where = _mark(mark) if mark is not None else Mark(1, 1)
    lines = LINE_BREAK.split(text)
    if where.line > len(lines):  # libyaml places the end of the file on a line after it
        where = Mark(len(lines), len(lines[-1]) + 1)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    hint = _hint(message, lines[where.line - 1], where.column)
    return _fail(file, where, message + (f"; {hint}" if hint else ""))


def _screen_events(file: str, text: str) -> None:
    """Bound depth and length on the event stream, which needs no recursion."""
    depth = documents = 0
    for events, event in enumerate(yaml.parse(text, Loader=_Loader), 1):
        if events > limits.MAX_EVENTS:
            raise _fail(
                file,
                _mark(event.start_mark),
                f"the spec has more than {limits.MAX_EVENTS:,} YAML nodes",
            )
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _fail(
                    file,
                    _mark(event.start_mark),
                    "a spec holds one YAML document; remove the second '---'",
                )
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limits.MAX_DEPTH:
                raise _fail(
                    file,
                    _mark(event.start_mark),
                    f"nested more than {limits.MAX_DEPTH} levels deep",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class PartlyRead(UserError):
    """Problems in a file that still parsed (a duplicate key, a refused tag): the rest of
    the document rides along so validation can report its problems in the same run."""

    def __init__(self, problems: list[Problem], document: Document):
        super().__init__(problems)
        self.document = document


class _Converter:
    """Turn composed nodes into data, counting nodes as aliases expand them."""

    def __init__(self, file: str):
        self.file = file
        self.nodes = 0
        self.marks: dict[Path, Mark] = {}
        self.key_marks: dict[Path, Mark] = {}
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()
        self.alias_at: Mark | None = None  # set while converting what an alias repeats
        self.aliased = False  # whether any alias has been expanded

    def _place(self, node: yaml.Node, path: Path) -> Mark:
        """Where the user wrote this value: an alias repeats a node defined elsewhere, so
        its place, and the place of everything inside it, is where the alias is used
        (its key, or its enclosing list), not the anchor's definition."""
        if self.alias_at is None and id(node) in self.seen and path:
            self.alias_at = self.key_marks.get(path) or self.marks[path[:-1]]
            self.aliased = True
        self.seen.add(id(node))
        return self.alias_at or _mark(node.start_mark)

    def convert(self, node: yaml.Node, path: Path) -> object:
        outer = self.alias_at
        try:
            return self._convert(node, path)
        finally:
            self.alias_at = outer

    def _convert(self, node: yaml.Node, path: Path) -> object:
        self.nodes += 1
        mark = self.marks[path] = self._place(node, path)
        if self.nodes > limits.MAX_NODES:
            raise _fail(
                self.file,
                mark,
                (
                    f"the spec expands to more than {limits.MAX_NODES:,} values; "
                    "are aliases (*name) repeating each other?"
                    if self.aliased
                    else f"the spec holds more than {limits.MAX_NODES:,} values; "
                    "even the largest programme needs far fewer"
                ),
                path[:3],
            )
        if len(path) > limits.MAX_DEPTH:
            raise _fail(
                self.file,
                mark,
                f"nested more than {limits.MAX_DEPTH} levels deep; "
                "does an alias (*name) contain itself?",
                path[:3],
            )
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if node.tag != _COLLECTION_TAGS[type(node)]:  # !!set, !!omap, !!python/object, !foo
            self._refuse(node, path, _TAG_MESSAGE.format(_shown_tag(node.tag)))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, object]:
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _T + "merge":
                self._refuse(
                    key_node,
                    path,
                    "merge keys ('<<') are not supported; write the keys out in full",
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._refuse(key_node, path, "a key must be a plain name, not a list or mapping")
                continue
            if key_node.tag not in _SCALAR_TAGS:
                self._refuse(key_node, path, _TAG_MESSAGE.format(_shown_tag(key_node.tag)))
                continue
            key = str(key_node.value)
            if key in out:
                first = self.key_marks[(*path, key)]
                self._refuse(
                    key_node,
                    (*path, key),
                    f"duplicate key '{key}' (first given at line {first.line})",
                )
                continue
            self.key_marks[(*path, key)] = self.alias_at or _mark(key_node.start_mark)
            out[key] = self.convert(value_node, (*path, key))
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> object:
        if node.tag not in _SCALAR_TAGS:
            self._refuse(node, path, _TAG_MESSAGE.format(_shown_tag(node.tag)))
            return None
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError):
            return node.value  # e.g. 2027-02-30: keep the text so validation can locate it
        if isinstance(value, float) and not math.isfinite(value):
            return node.value  # .nan and .inf are no one's count or percentage
        if isinstance(value, int) and abs(value) > _LARGEST_INT:
            return node.value  # a 0x... of thousands of digits cannot even be printed
        if isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    def _refuse(self, node: yaml.Node, path: Path, message: str) -> None:
        mark = self.alias_at or _mark(node.start_mark)
        self.problems.append(Problem(self.file, mark.line, mark.column, dotted(path), message))


def parse(file: str, raw: bytes, what: str = "spec") -> Document:
    """Bytes of a spec file to a located Document, or a UserError saying where it went wrong.
    `what` names the text in messages: a spec, or a module's front matter."""
    text = decode(file, raw)
    if what == "spec":
        empty = "the file is empty; run 'progen new' for a starter spec"
        mapping = "a mapping starting with 'version: 1'"
    else:
        empty, mapping = f"the {what} is empty", "a mapping of keys and values"
    if not any(ln.strip() and not ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise _fail(file, Mark(1, 1), empty)
    if tabs := _tab_problems(file, text):
        raise UserError(tabs)
    try:
        _screen_events(file, text)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as err:
        raise _reader_error(file, text, err) from None
    except yaml.YAMLError as err:
        raise _syntax_error(file, text, err) from None
    if root is None or (root.tag == _T + "null" and root.value == ""):
        # no document, or only '---' and comments: an empty spec (its empty value would
        # be located after the end of the text)
        raise _fail(file, Mark(1, 1), empty)
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise _fail(file, _mark(root.start_mark), f"the {what} is {kind}; it must be {mapping}")
    converter = _Converter(file)
    data = converter.convert(root, ())
    doc = Document(file, text, data, converter.marks, converter.key_marks)
    if converter.problems:
        raise PartlyRead(converter.problems, doc)
    return doc


def load(path: FsPath, shown_as: str | None = None) -> Document:
    """Read and parse one spec file; a file that cannot be read is a user error too."""
    file = shown_as or str(path)
    try:
        raw = read_limited(path, limits.MAX_BYTES, "spec file")
    except NotReadable as err:
        raise _fail(file, Mark(1, 1), err.reason) from None
    return parse(file, raw)
