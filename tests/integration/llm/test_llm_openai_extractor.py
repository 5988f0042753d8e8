"""The OpenAI adapter against the local fake server, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import traceback

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxycall.adapters.llm.fake_openai import (
    UNKNOWN_SLOT_NAME,
    FakeMode,
    RunningFake,
    run_fake_openai,
)
from proxycall.adapters.llm.openai_extractor import OpenAIExtractor
from proxycall.core.agents import default_registry
from proxycall.core.agents.spec import InputType
from proxycall.core.llm import AnswerReading, Extraction, LlmUnavailable, SlotProposal

REGISTRY = default_registry()
SICK = REGISTRY.agents["SICK_CALLER"]
STOCK = REGISTRY.agents["STOCK_CHECKER"]
OPENER = "Call Bunnings on 0412 345 678, I'm sick and can't make my 9am shift tomorrow"


def _schema(body: dict[str, object]) -> dict[str, object]:
    response_format = body["response_format"]
    assert isinstance(response_format, dict)
    schema = response_format["json_schema"]["schema"]
    assert isinstance(schema, dict)
    return schema


async def test_extraction_round_trip(llm: OpenAIExtractor, server: RunningFake) -> None:
    extraction = await llm.extract(SICK, OPENER, None, {})
    assert extraction == Extraction(
        proposals=(
            SlotProposal("employer_phone", "0412 345 678"),
            SlotProposal("shift_date", "tomorrow"),
            SlotProposal("shift_start_time", "9am"),
            SlotProposal("reason_category", "SICK"),
        ),
        model="gpt-4o-mini",
    )
    assert server.fake.request_count == 1


async def test_request_is_built_from_the_spec(llm: OpenAIExtractor, server: RunningFake) -> None:
    await llm.extract(STOCK, "Sony headphones", "product_name", {"retailer_name": "JB Hi-Fi"})
    (body,) = server.fake.requests
    assert body["model"] == "gpt-4o-mini"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    properties = _schema(body)["properties"]
    assert isinstance(properties, dict)
    assert list(properties) == list(STOCK.slot_names)
    assert not set(properties) & (set(SICK.slot_names) - set(STOCK.slot_names))
    user = json.loads(body["messages"][-1]["content"])
    assert user["message"] == "Sony headphones"
    assert user["asked_slot"] == "product_name"


async def test_choice_values_reach_the_server(llm: OpenAIExtractor, server: RunningFake) -> None:
    extraction = await llm.extract(SICK, "looking after my kid", "reason_category", {})
    assert extraction.proposals == (SlotProposal("reason_category", "CARER"),)
    reason = _schema(server.fake.requests[0])["properties"]["reason_category"]  # type: ignore[index]
    assert reason["enum"] == ["SICK", "CARER", "MENTAL_HEALTH", "MEDICAL_APPOINTMENT", None]
    assert "CARER = Caring for someone" in reason["description"]


async def test_read_answer_round_trip(llm: OpenAIExtractor, server: RunningFake) -> None:
    reading = await llm.read_answer(
        "How many do you have?", "yeah we've got five", "quantity_available", InputType.NUMBER
    )
    assert reading == AnswerReading("quantity_available", "5", "gpt-4o-mini")
    assert list(_schema(server.fake.requests[0])["properties"]) == ["answer"]  # type: ignore[arg-type]


async def test_unknown_slot_is_dropped(llm: OpenAIExtractor, server: RunningFake) -> None:
    server.fake.mode = FakeMode.UNKNOWN_SLOT
    extraction = await llm.extract(SICK, "9am", "shift_start_time", {})
    assert extraction.proposals == (SlotProposal("shift_start_time", "9am"),)
    assert all(p.slot != UNKNOWN_SLOT_NAME for p in extraction.proposals)


async def test_non_string_values_are_stringified_or_dropped(
    llm: OpenAIExtractor, server: RunningFake
) -> None:
    server.fake.reply_content = json.dumps(
        {"quantity": 3, "product_name": ["a"], "retailer_name": True, "store_location": None}
    )
    extraction = await llm.extract(STOCK, "3", "quantity", {})
    assert extraction.proposals == (SlotProposal("quantity", "3"),)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [(FakeMode.SERVER_ERROR, "HTTP 500"), (FakeMode.MALFORMED_JSON, "malformed JSON"),
     (FakeMode.HANG, "timed out")],
)
async def test_failures_are_unavailable(
    llm: OpenAIExtractor, server: RunningFake, mode: FakeMode, reason: str
) -> None:
    server.fake.mode = mode
    with pytest.raises(LlmUnavailable, match=reason) as caught:
        await llm.extract(SICK, OPENER, None, {})
    assert caught.value.__cause__ is not None  # chained to the vendor's exception
    assert server.fake.request_count == 1  # no retries


async def test_read_answer_failures_are_unavailable(
    llm: OpenAIExtractor, server: RunningFake
) -> None:
    server.fake.mode = FakeMode.SERVER_ERROR
    with pytest.raises(LlmUnavailable):
        await llm.read_answer("In stock?", "yes", "in_stock", InputType.YES_NO)


async def test_wrong_key_is_unavailable_and_never_shown(server: RunningFake) -> None:
    secret = "sk-proj-this-is-a-secret-key-4242"
    llm = OpenAIExtractor(secret, base_url=server.base_url)
    try:
        with pytest.raises(LlmUnavailable, match="HTTP 401") as caught:
            await llm.extract(SICK, OPENER, None, {})
    finally:
        await llm.aclose()
    assert server.fake.request_count == 1
    error = caught.value
    assert secret not in str(error) and secret not in repr(error)
    assert secret not in "".join(traceback.format_exception(error))
    assert secret not in repr(llm)
    assert OPENER not in str(error)


async def test_refused_connection_is_unavailable() -> None:
    with run_fake_openai() as stopped:
        base_url = stopped.base_url
    llm = OpenAIExtractor("k", base_url=base_url, timeout_seconds=1.0)
    try:
        with pytest.raises(LlmUnavailable):
            await llm.extract(SICK, OPENER, None, {})
    finally:
        await llm.aclose()


async def test_failure_logs_name_the_kind_but_not_the_message(
    llm: OpenAIExtractor, server: RunningFake, caplog: pytest.LogCaptureFixture
) -> None:
    server.fake.mode = FakeMode.SERVER_ERROR
    with caplog.at_level("DEBUG", logger="proxycall"), pytest.raises(LlmUnavailable):
        await llm.extract(SICK, OPENER, None, {})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "llm.request_failed" in logged
    assert "Bunnings" not in logged and server.api_key not in logged


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=st.text(max_size=300), asked=st.sampled_from([None, *SICK.slot_names, "bogus"]))
async def test_any_message_yields_proposals_or_unavailable(
    llm: OpenAIExtractor, server: RunningFake, message: str, asked: str | None
) -> None:
    try:
        extraction = await llm.extract(SICK, message, asked, {"caller_name": "Richard"})
    except LlmUnavailable:
        return
    assert all(SICK.has_slot(p.slot) and p.text for p in extraction.proposals)
