"""The indented JSON writer gives exactly `json.dumps(value, indent=2, ensure_ascii=False)`,
so programme.json's bytes did not change when it replaced it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progen.publish.json_text import indented

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities too: json.dumps writes them by default
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300)
@given(VALUES)
def test_indented_is_json_dumps_with_two_spaces(value: object) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_text_outside_ascii_and_control_characters_are_written_as_json_dumps_does() -> None:
    value = {"Gofalwyr Tywi — carers’": ['naïve\n\t"quoted"\\', "\u2028", "\x00"]}
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("value", [{1: "a"}, {"a": {1.5: "b"}}, {"a": {None: 1}}])
def test_keys_other_than_text_are_refused(value: dict) -> None:
    with pytest.raises(TypeError):
        indented(value)


@pytest.mark.parametrize("value", [object(), {"a": [{1, 2}]}, b"bytes"])
def test_values_json_cannot_hold_are_refused(value: object) -> None:
    with pytest.raises(TypeError):
        indented(value)
