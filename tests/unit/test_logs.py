"""Log lines: exact seed prefixes, phone numbers masked, ids and dates left readable."""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxycall import logs
from proxycall.logs import _PHONE, _SHORTEST_PHONE, _LineFormatter, mask_phone, summary_line


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("to=+61412345678", "to=+6141****678"),
        ("0412 345 678", "0412***678"),
        ("(07) 5550 1234", "0755***234"),
        ("call_id=call_b9297633995043a88c6f5a42bf41a3b0", None),
        ("shift 2026-11-28", None),
        ("turn=12 slots_filled=3", None),
    ],
)
def test_mask_phone(text: str, masked: str | None) -> None:
    assert mask_phone(text) == (masked if masked is not None else text)


def test_summary_line_has_the_seed_prefix_and_no_values() -> None:
    line = summary_line("c1", "SICK_CALLER", "ASK_QUESTION", "caller_name", 2, False, turn=2)
    assert line == ("[V2-SUMMARY] id=c1 agent=SICK_CALLER action=ASK_QUESTION "
                    "question=caller_name slots_filled=2 ai_used=false turn=2")
    assert summary_line("c1", "X", "CONFIRM", None, 6, True).endswith(
        "question=none slots_filled=6 ai_used=true")


@settings(max_examples=500)
@given(st.lists(st.floats(min_value=0, max_value=4_102_444_800, allow_nan=False), min_size=1,
                max_size=20))
def test_a_lines_time_reads_as_the_standard_formatters(moments: list[float]) -> None:
    """The time's text, made once per second, is the standard one for every line, in any order."""
    ours = _LineFormatter("%(asctime)s %(levelname)s %(message)s")
    standard = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    for moment in moments:
        record = logging.LogRecord("proxycall", logging.INFO, "", 0, "line", None, None)
        record.created, record.msecs = moment, (moment - int(moment)) * 1000
        assert ours.format(record) == standard.format(record)


@given(st.text(alphabet=st.sampled_from("0123456789+()-. x"), max_size=_SHORTEST_PHONE - 1))
def test_text_shorter_than_a_phone_can_never_hold_one(text: str) -> None:
    """What lets mask_phone return short text untouched: the pattern cannot match it."""
    assert _PHONE.search(text) is None
    assert mask_phone(text) == text


@given(st.from_regex(r"\+?\d{8,15}", fullmatch=True))
def test_the_shortest_phones_are_still_masked(number: str) -> None:
    assert mask_phone(number) != number


@contextlib.contextmanager
def _our_handler_only() -> Iterator[io.StringIO]:
    """The proxycall logger with one handler as `setup_logging` makes it, writing to memory."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_LineFormatter("%(asctime)s %(levelname)s %(message)s"))
    handler._proxycall = True  # type: ignore[attr-defined]  # reason: setup_logging's marker
    kept, level, propagate = logs.log.handlers[:], logs.log.level, logs.log.propagate
    logs.log.handlers[:] = [handler]
    logs.log.setLevel(logging.INFO)
    logs.log.propagate = False
    try:
        yield stream
    finally:
        logs.log.handlers[:] = kept
        logs.log.setLevel(level)
        logs.log.propagate = propagate


@pytest.fixture
def our_stream() -> Iterator[io.StringIO]:
    with _our_handler_only() as stream:
        yield stream


_STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}")


@settings(max_examples=300)
@given(st.text())
def test_a_line_written_directly_reads_as_the_logging_module_writes_it(message: str) -> None:
    """`emit`'s direct write and logging's own path put the same text on the same stream."""
    with _our_handler_only() as stream:
        assert logs._write_directly(message)
        logs.log.info("%s", message)
    text = stream.getvalue()
    direct, standard = text[:len(text) // 2], text[len(text) // 2:]
    assert _STAMP.fullmatch(direct[:23]) and _STAMP.fullmatch(standard[:23])
    assert direct[23:] == standard[23:] == f" INFO {message}\n"


def test_a_line_goes_through_logging_when_another_handler_listens(
    our_stream: io.StringIO, caplog: pytest.LogCaptureFixture,
) -> None:
    logs.log.addHandler(caplog.handler)
    try:
        logs.emit("[V2-SUMMARY] id=c1")
    finally:
        logs.log.removeHandler(caplog.handler)
    assert [r.getMessage() for r in caplog.records] == ["[V2-SUMMARY] id=c1"]
    assert our_stream.getvalue().endswith(" INFO [V2-SUMMARY] id=c1\n")


def test_no_line_is_written_below_the_loggers_level(our_stream: io.StringIO) -> None:
    logs.log.setLevel(logging.WARNING)
    logs.emit("[V2-SUMMARY] id=c1")
    assert our_stream.getvalue() == ""


def test_a_line_reaches_a_parent_loggers_handlers_when_it_propagates(
    our_stream: io.StringIO, caplog: pytest.LogCaptureFixture,
) -> None:
    logs.log.propagate = True  # caplog listens on the root logger
    with caplog.at_level(logging.INFO):
        logs.emit("[V2-SUMMARY] id=c2")
    assert "[V2-SUMMARY] id=c2" in caplog.messages
    assert our_stream.getvalue().endswith(" INFO [V2-SUMMARY] id=c2\n")
