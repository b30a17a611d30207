"""Property tests: documents generated from the programme schema, and mutations of them,
either validate or give located problems; nothing else ever escapes."""

from __future__ import annotations

import datetime as dt
import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from progen.design.evaluation import timepoints
from progen.errors import UserError
from progen.spec.load import parse
from progen.spec.model import Spec
from progen.spec.schema import programme_schema, schema_problems
from progen.spec.validate import validate_document

FILE = "gen.yaml"
SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _small(schema: dict) -> dict:
    """The same schema with lists and texts kept short, for speed; whatever it allows, the
    real schema allows too."""
    out = dict(schema)
    if "maxItems" in out or out.get("type") == "array":
        out["maxItems"] = max(out.get("minItems", 0), min(out.get("maxItems", 6), 6))
    if out.get("type") == "string" and "pattern" not in out and "format" not in out:
        out["maxLength"] = max(out.get("minLength", 0), min(out.get("maxLength", 30), 30))
    if isinstance(out.get("items"), dict):
        out["items"] = _small(out["items"])
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: _small(v) for k, v in out["properties"].items()}
    return out


DOCUMENTS = from_schema(_small(programme_schema()))

ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.dates().map(dt.date.isoformat)
    | st.just("2027-02-30"),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def dump(data: object) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


def outcome(raw: bytes) -> Spec | UserError:
    """What `progen validate` does with these bytes: a Spec, or a UserError that is located."""
    try:
        result: Spec | UserError = validate_document(parse(FILE, raw))
    except UserError as err:
        result = err
    if isinstance(result, UserError):
        text = raw.decode("utf-8", "replace")
        lines = len(re.split("\r\n|[\r\n\x85\u2028\u2029]", text))  # YAML's line breaks
        assert result.problems, "a UserError with nothing in it"
        for problem in result.problems:
            assert problem.file == FILE
            assert 1 <= problem.line <= lines, problem
            assert problem.column >= 1, problem
            assert problem.message.strip(), problem
            assert "\n" not in problem.headline(), problem
        order = [(p.line, p.column) for p in result.problems]
        assert order == sorted(order)
    else:
        assert isinstance(result, Spec)
        # every date the plan derives from a valid spec exists and they come in order:
        # baseline, midpoint, end and follow-up, as the evaluation plan computes them
        days = [point.date for point in timepoints(result)]
        assert days == sorted(set(days)), days
        assert all(type(g.count) is int and g.count >= len(g.people) for g in result.stakeholders)
    return result


def containers(data: object, path: tuple = ()) -> list[tuple]:
    """Paths of every mapping and list in the data."""
    found = []
    if isinstance(data, dict):
        found.append(path)
        for key, value in data.items():
            found += containers(value, (*path, key))
    elif isinstance(data, list):
        found.append(path)
        for i, value in enumerate(data):
            found += containers(value, (*path, i))
    return found


def at(data: object, path: tuple) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


@SETTINGS
@given(DOCUMENTS)
def test_schema_valid_documents_validate_or_give_located_problems(document):
    raw = dump(document)
    doc = parse(FILE, raw)  # a schema-valid document always loads
    assert schema_problems(doc) == []  # and survives the trip through YAML unchanged
    outcome(raw)


@st.composite
def coherent(draw) -> dict:
    """A schema-valid document whose references resolve, so that many pass every check and
    reach the model (random ids almost never refer to each other)."""
    data = draw(DOCUMENTS)
    orgs = [f"org-{i}" for i in range(len(data["organisations"]))]
    groups = [f"group-{i}" for i in range(len(data["stakeholders"]))]
    for org, item in zip(orgs, data["organisations"], strict=True):
        item["id"] = org
    for group, item in zip(groups, data["stakeholders"], strict=True):
        item["id"] = group
        item["organisation"] = draw(st.sampled_from(orgs))
        others = [g for g in groups if g != group]
        if others:
            item["depends_on"] = draw(st.lists(st.sampled_from(others), unique=True, max_size=3))
        else:
            item.pop("depends_on", None)
        if item.get("count", 0) < len(item.get("people", [])) or not item.get("people"):
            item["count"] = draw(st.integers(max(1, len(item.get("people", []))), 40))
    for i, task in enumerate(data["tasks"]):
        task["id"] = f"task-{i}"
        task["stakeholders"] = draw(
            st.lists(st.sampled_from(groups), unique=True, min_size=1, max_size=6)
        )
    for facilitator in data.get("facilitators", []):
        if "organisation" in facilitator:
            facilitator["organisation"] = draw(st.sampled_from(orgs))
    return data


@SETTINGS
@given(coherent())
def test_coherent_documents_validate_or_give_located_problems(document):
    raw = dump(document)
    assert schema_problems(parse(FILE, raw)) == []
    outcome(raw)


@st.composite
def mutated(draw) -> bytes:
    data = draw(st.one_of(DOCUMENTS, coherent()))
    kind = draw(st.sampled_from(["delete", "replace", "rename", "garbage-text", "garbage-bytes"]))
    if kind in ("delete", "replace", "rename"):
        where = draw(st.sampled_from(containers(data)))
        parent = at(data, where)
        if parent:
            key = draw(
                st.sampled_from(sorted(parent) if isinstance(parent, dict) else range(len(parent)))
            )
            if kind == "delete":
                del parent[key]
            elif kind == "replace":
                parent[key] = draw(ANY_VALUE)
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=12))] = parent.pop(key)
    raw = dump(data)
    if kind == "garbage-text":
        spot = draw(st.integers(0, len(raw)))
        junk = draw(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12))
        raw = raw[:spot] + junk.encode("utf-8") + raw[spot:]
    elif kind == "garbage-bytes":
        spot = draw(st.integers(0, len(raw)))
        raw = raw[:spot] + draw(st.binary(min_size=1, max_size=8)) + raw[spot:]
    return raw


@SETTINGS
@given(mutated())
def test_mutated_documents_validate_or_give_located_problems(raw):
    outcome(raw)


YAML_NOISE = st.lists(
    st.sampled_from(
        [
            ": ",
            "- ",
            "\t",
            "&a ",
            "*a ",
            "!!python/object ",
            "!x ",
            "<<: ",
            "? ",
            "---\n",
            "'",
            '"',
            "[",
            "]",
            "{",
            "}",
            "#",
            "\n",
            "  ",
            "%YAML 1.1\n",
            "|\n",
            ">\n",
            ",",
            "\\",
            "\x85",
            "\u2028",
            "\ufeff",
            "é",
            "0x1f",
            ".nan",
            "~",
            "2027-02-30",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=100, deadline=None)
@given(YAML_NOISE)
def test_arbitrary_yaml_noise_gives_located_problems(text):
    outcome(text.encode("utf-8"))
