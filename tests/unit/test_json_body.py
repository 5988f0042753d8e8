"""`json_body.decode`: a body decodes as `json.loads` reads it, or is refused, naming why."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxycall.api.json_body import MAX_DEPTH, MAX_INTEGER_DIGITS, _BodyProblem, decode

_LONGEST = 10**MAX_INTEGER_DIGITS - 1
_text = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\ud800\udfff"))
_leaf = (st.none() | st.booleans() | _text | st.floats(allow_nan=False, allow_infinity=False)
         | st.integers(-_LONGEST, _LONGEST) | st.integers(min_value=_LONGEST + 1)
         | st.integers(max_value=-_LONGEST - 1))
_json = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(_text, inner, max_size=4), max_leaves=20)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _keepable(value: Any) -> bool:
    """What the store can hold: no integer too long, no NUL or lone surrogate, text or key."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return True
    if isinstance(value, int):
        return len(str(abs(value))) <= MAX_INTEGER_DIGITS
    if isinstance(value, str):
        return "\x00" not in value and not any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, list):
        return all(_keepable(v) for v in value)
    return all(_keepable(k) and _keepable(v) for k, v in value.items())


@settings(max_examples=400)
@given(_json, st.booleans())
def test_decode_reads_what_loads_reads_and_refuses_what_cannot_be_kept(
        value: Any, ascii_only: bool) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    if _keepable(value) and _depth(value) <= MAX_DEPTH:
        # repr: the same types too (1 is not 1.0, -0.0 is not 0.0), keys in the same order
        assert repr(decode(raw)) == repr(json.loads(raw))
    else:
        with pytest.raises(_BodyProblem):
            decode(raw)


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from('{}[]",:0123456789.-+eEtrufalsn \n\t\\u')))
def test_any_text_decodes_as_loads_reads_it_or_is_refused(text: str) -> None:
    raw = text.encode()
    try:
        value = json.loads(raw)
    except ValueError:  # json refuses it: so does decode
        with pytest.raises((ValueError, _BodyProblem)):
            decode(raw)
        return
    if _keepable(value) and _depth(value) <= MAX_DEPTH:
        assert repr(decode(raw)) == repr(value)
    else:
        with pytest.raises(_BodyProblem):
            decode(raw)


def test_a_long_number_inside_text_is_not_refused() -> None:
    raw = json.dumps({"userMessage": "1" * 40, "n": 7}).encode()
    assert decode(raw) == {"userMessage": "1" * 40, "n": 7}


def test_the_field_holding_an_oversized_integer_is_named() -> None:
    with pytest.raises(_BodyProblem) as refused:
        decode(b'{"slots": {"party_size": 1234567890123456789}}')
    assert refused.value.location == ("slots", "party_size")


def test_nesting_too_deep_is_refused() -> None:
    with pytest.raises(_BodyProblem):
        decode(b'{"a": ' + b"[" * (MAX_DEPTH + 2) + b"]" * (MAX_DEPTH + 2) + b"}")


def test_utf16_bodies_still_decode() -> None:
    assert decode(json.dumps({"a": "é"}).encode("utf-16")) == {"a": "é"}


def test_nan_is_refused() -> None:
    with pytest.raises(_BodyProblem):
        decode(b'{"a": NaN}')
