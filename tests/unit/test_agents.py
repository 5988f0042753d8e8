"""The agent declarations: complete, consistent, and validated so a broken one stops start-up."""

from __future__ import annotations

import dataclasses
from datetime import date, time

import pytest

from proxycall.core.agents import AgentSpecError, build_registry, default_registry
from proxycall.core.agents.spec import CallTiming, InputType
from proxycall.core.parsers import parse_slot
from proxycall.core.parsers.result import ParseContext, Parsed, Rejected

AGENTS = default_registry().agents
CTX = ParseContext(date(2026, 11, 27), time(10))


@pytest.mark.parametrize("agent", sorted(AGENTS))
def test_every_slot_has_a_label_a_parser_and_a_question_when_required(agent: str) -> None:
    spec = AGENTS[agent]
    for slot in spec.slots:
        assert slot.label, slot.name
        assert isinstance(parse_slot(slot, "", CTX), Rejected), slot.name  # a parser answers
        if slot.required or slot.required_when:
            assert slot.question and slot.reask, slot.name
        if slot.type is InputType.CHOICE:
            for choice in slot.choices:
                assert parse_slot(slot, choice.value, CTX) == Parsed(choice.value)
                assert parse_slot(slot, choice.label, CTX) == Parsed(choice.value)


def test_the_seed_agents_and_their_phone_sources() -> None:
    assert set(AGENTS) == {"STOCK_CHECKER", "SICK_CALLER", "RESTAURANT_RESERVATION",
                           "CANCEL_APPOINTMENT"}
    assert AGENTS["SICK_CALLER"].phone.direct_slot == "employer_phone"
    assert AGENTS["STOCK_CHECKER"].phone.query_slot == "retailer_name"
    assert not AGENTS["SICK_CALLER"].timing.business_hours
    assert AGENTS["STOCK_CHECKER"].timing.business_hours


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda s: dataclasses.replace(s, card=dataclasses.replace(
            s.card, lines=("Calling: {nobody}",))), "unknown slot nobody"),
        (lambda s: dataclasses.replace(s, slots=(*s.slots, s.slots[0])), "repeat"),
        (lambda s: dataclasses.replace(s, timing=CallTiming(
            business_hours=False, deadline_date_slot="caller_name")), "timing deadline"),
    ],
)
def test_a_broken_declaration_is_refused_by_name(change, complaint: str) -> None:
    broken = change(AGENTS["SICK_CALLER"])
    with pytest.raises(AgentSpecError) as raised:
        build_registry([broken])
    assert "SICK_CALLER" in str(raised.value) and complaint in str(raised.value)
