"""Check a loaded spec against programmes.schema.json and word the findings for people.

jsonschema's own messages are written for programmers ("Additional properties are
not allowed"); each validator kind gets a plain sentence here, pointed at the key
or value the user must change, with a suggestion drawn from the allowed values.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache

import jsonschema
from jsonschema import Draft202012Validator

from progen.errors import SHOWN_PROBLEMS, Problem
from progen.resources import schemas_dir
from progen.spec.load import Document

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
}


@cache
def programme_schema() -> dict:
    return json.loads((schemas_dir() / "programme.schema.json").read_text("utf-8"))


def _pattern(validator, pattern: str, instance: object, schema: dict) -> Iterator:
    """`pattern` as JSON Schema means it: '$' ends the text. Python's re lets '$' match
    before a final newline, so jsonschema alone would accept the id "abc\\n"."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + "\\Z"
    if validator.is_type(instance, "string") and not re.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _canonical(value: object) -> object:
    """A hashable stand-in for a JSON value with JSON Schema's idea of equality: 1 equals
    1.0, true does not equal 1, mappings ignore key order."""
    if isinstance(value, bool):
        return (bool, value)
    if isinstance(value, list):
        return (list, tuple(_canonical(v) for v in value))
    if isinstance(value, dict):
        return (dict, frozenset((k, _canonical(v)) for k, v in value.items()))
    return value


def first_repeat(items: list) -> int | None:
    """Where an item first repeats an earlier one, or None; linear, where jsonschema's own
    check compares every pair of mappings (hours for a hostile list of 30,000)."""
    seen: set = set()
    for i, item in enumerate(items):
        key = _canonical(item)
        if key in seen:
            return i
        seen.add(key)
    return None


def _unique_items(validator, unique: bool, instance: object, schema: dict) -> Iterator:
    if unique and validator.is_type(instance, "array") and first_repeat(instance) is not None:
        yield jsonschema.ValidationError("has repeated items")


def _items(validator, items: dict, instance: object, schema: dict) -> Iterator:
    """A list longer than its maxItems is one problem, its length, not one per item: a
    hostile list of 99,000 bad items would otherwise cost seconds and bury the report."""
    if validator.is_type(instance, "array") and len(instance) > schema.get(
        "maxItems", len(instance)
    ):
        return
    yield from Draft202012Validator.VALIDATORS["items"](validator, items, instance, schema)


_Validator = jsonschema.validators.extend(
    Draft202012Validator,
    {"pattern": _pattern, "uniqueItems": _unique_items, "items": _items},
)


def checker(schema: dict) -> Draft202012Validator:
    """A validator for `schema` with the fixes above (specs and module front matter alike)."""
    return _Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _validator() -> Draft202012Validator:
    return checker(programme_schema())


def suggest(value: object, choices: list[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to what was written."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    if not close:  # a word of a longer choice: 'wales' for 'england-and-wales'
        close = [c for c in choices if value.lower() in c.split("-") and value.lower() != c]
    return f" (did you mean '{close[0]}'?)" if close else ""


def _shown(value: object) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _problems(doc: Document, error: jsonschema.ValidationError, hints: bool) -> Iterator[Problem]:
    """One validation error as problems; unknown keys give one each, at the key itself.
    `hints`: whether to look for what was meant ("did you mean ...?")."""
    path = tuple(error.absolute_path)
    kind, value, spec = error.validator, error.instance, error.validator_value
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for key in sorted(set(value) - set(allowed), key=lambda k: doc.mark((*path, k)).line):
            yield doc.problem(
                (*path, key),
                f"unknown key '{key}'{suggest(key, allowed) if hints else ''}; "
                f"allowed here: {', '.join(allowed)}",
                at_key=True,
            )
        return
    if kind == "required":
        # jsonschema reports each missing key as its own error; name just that one.
        missing = [k for k in spec if k not in value and f"'{k}' is a required" in error.message]
        for key in missing:
            described = error.schema["properties"][key].get("description", "")
            yield doc.problem(
                path,
                f"missing required key '{key}'"
                + (f": {described[0].lower()}{described[1:]}" if described else ""),
                at_key=True,
            )
        return
    if kind == "enum":
        choices = [str(c) for c in spec]
        hint = suggest(value, choices) if hints else ""
        message = f"{_shown(value)} is not one of {', '.join(choices)}{hint}"
    elif kind == "const":
        message = f"{_shown(value)} is not supported; write {json.dumps(spec)}"
    elif kind == "type":
        wanted = spec if isinstance(spec, str) else spec[0]
        message = f"expected {_TYPE_NAMES.get(wanted, wanted)}, got {_shown(value)}"
        if wanted == "array" and isinstance(value, str | int | float) and path:
            shown = value if isinstance(value, str) else _shown(value)
            message += f"; write a list, even of one item: {path[-1]}: [{shown}]"
    elif kind == "pattern" and spec.startswith("^[^"):
        bad = next((c for c in str(value) if not re.fullmatch(spec, c)), "?")
        message = f"the text holds the control character U+{ord(bad):04X}; delete it"
    elif kind == "pattern" and spec.startswith("^([01]"):
        message = f"{_shown(value)} is not a time of day; write HH:MM from 00:00 to 23:59"
    elif kind == "pattern":
        message = (
            f"{_shown(value)} is not a valid id: use lowercase letters, digits and "
            "hyphens, starting with a letter or digit, at most 63 characters"
        )
        if isinstance(value, str) and value.strip():
            fixed = "-".join("".join(c if c.isalnum() else " " for c in value.lower()).split())
            if fixed and fixed != value:
                message += f" (did you mean '{fixed[:63]}'?)"
    elif kind == "format":
        message = f"{_shown(value)} is not a real calendar date; write YYYY-MM-DD, e.g. 2027-01-12"
    elif kind in ("minimum", "maximum"):
        low = error.schema.get("minimum")
        high = error.schema.get("maximum")
        message = f"{_shown(value)} is out of range; use a value from {low} to {high}"
    elif kind in ("minItems", "maxItems"):
        n = len(value)
        message = f"has {n} item{'s' if n != 1 else ''}; " + (
            f"at least {spec} needed" if kind == "minItems" else f"at most {spec} allowed"
        )
    elif kind == "minLength":
        message = "must not be empty"
    elif kind == "maxLength":
        message = f"is {len(value)} characters long; at most {spec} allowed"
    elif kind == "uniqueItems":
        message = f"lists {_shown(value[first_repeat(value) or 0])} more than once"
    else:  # pragma: no cover - every validator the schema uses is worded above
        message = error.message
    yield doc.problem(path, message)


def describe_errors(doc: Document, validator: Draft202012Validator) -> list[Problem]:
    """Every violation of `validator`'s schema in the document, worded and located."""
    problems: list[Problem] = []
    for error in validator.iter_errors(doc.data):
        # "did you mean" is for a few slips; across thousands of errors it only costs time
        problems.extend(_problems(doc, error, hints=len(problems) < SHOWN_PROBLEMS))
    return problems


def schema_problems(doc: Document) -> list[Problem]:
    """Every violation of the programme schema in the document."""
    return describe_errors(doc, _validator())
