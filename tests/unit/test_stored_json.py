"""Stored JSON (turn_path.json_text, json_value): what is written reads back as `json` reads it."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from proxycall.adapters.db.turn_path import json_text, json_value

_leaf = (st.none() | st.booleans() | st.text() | st.integers()
         | st.floats(allow_nan=False, allow_infinity=False)  # the API refuses the others
         | st.integers(min_value=2**64) | st.integers(max_value=-(2**63) - 1))
_keys = st.text() | st.integers()  # json writes an integer key as text; orjson refuses it
_json = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(_keys, inner, max_size=4), max_leaves=20)


@given(_json)
def test_what_is_written_reads_back_as_json_reads_it(value: Any) -> None:
    text = json_text(value)
    expected = json.loads(json.dumps(value))
    assert json.loads(text) == expected  # every other reader (the ORM) sees the same value
    assert json_value(text) == expected
    assert json_value(text.encode()) == expected


@given(st.text())
def test_text_only_json_reads_is_read_too(text: str) -> None:
    """NaN, huge integers and escaped lone surrogates are refused by orjson, read by json."""
    for stored in (json.dumps(text), "[NaN, 1]", str(2**70), '"\\ud800"'):
        assert json.dumps(json_value(stored)) == json.dumps(json.loads(stored))
