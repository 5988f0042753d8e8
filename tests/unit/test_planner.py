"""The v2 planner, pure: ordering, conditions, CONFIRM gating, review after REJECT, anomalies."""

from __future__ import annotations

from proxycall.core.agents import default_registry
from proxycall.core.conversation import (
    Action,
    ChangeRequested,
    ConversationState,
    DontKnow,
    SetSlot,
    SlotRejected,
    Source,
)
from proxycall.core.planner import decide, missing_slots

REGISTRY = default_registry()
SICK = REGISTRY.agents["SICK_CALLER"]
STOCK = REGISTRY.agents["STOCK_CHECKER"]
FULL_SICK = {"employer_name": "Bunnings", "employer_phone": "+61412345678",
             "caller_name": "Richard", "shift_date": "2026-11-28",
             "shift_start_time": "09:00", "reason_category": "SICK"}


def state_with(spec, values) -> ConversationState:
    return ConversationState(agent_type=spec.type, values=dict(values))


def test_asks_required_slots_in_declared_order() -> None:
    state = state_with(SICK, {})
    decision = decide(SICK, state, [SetSlot("employer_name", "Bunnings")])
    assert decision.action is Action.ASK_QUESTION
    assert decision.question is not None and decision.question.slot.name == "employer_phone"


def test_confirm_only_completes_with_every_required_slot() -> None:
    partial = state_with(SICK, {"employer_name": "Bunnings"})
    assert decide(SICK, partial, [], client_action="CONFIRM").action is Action.ASK_QUESTION
    full = state_with(SICK, FULL_SICK)
    assert decide(SICK, full, []).action is Action.CONFIRM
    assert decide(SICK, full, [], client_action="CONFIRM").action is Action.COMPLETE
    assert full.complete


def test_a_bare_category_needs_details_and_unsure_needs_broad_ok() -> None:
    values = {"retailer_name": "JB Hi-Fi", "product_name": "headphones", "quantity": 2}
    assert "product_details" in missing_slots(STOCK, values)
    values["product_details"] = "not sure"
    assert "broad_ok" in missing_slots(STOCK, values)
    branded = {"retailer_name": "JB Hi-Fi", "product_name": "Sony headphones", "quantity": 2}
    assert missing_slots(STOCK, branded) == []


def test_place_agent_asks_for_a_place_before_the_card() -> None:
    state = state_with(STOCK, {"retailer_name": "JB Hi-Fi", "product_name": "Sony headphones",
                               "quantity": 3})
    decision = decide(STOCK, state, [])
    assert decision.action is Action.FIND_PLACE
    assert decision.place_search is not None and decision.place_search.query == "JB Hi-Fi"
    chosen = [SetSlot(name, value, Source.SERVER) for name, value in {
        "place_id": "bundled:x", "place_name": "JB Hi-Fi Chermside", "place_address": "a",
        "place_phone": "+61755501234"}.items()]
    assert decide(STOCK, state, chosen).action is Action.CONFIRM


def test_a_new_retailer_forgets_the_chosen_place() -> None:
    state = state_with(STOCK, {"retailer_name": "JB Hi-Fi", "product_name": "Sony headphones",
                               "quantity": 3, "place_id": "p", "place_name": "n",
                               "place_address": "a", "place_phone": "+61755501234"})
    decision = decide(STOCK, state, [SetSlot("retailer_name", "Harvey Norman")])
    assert decision.action is Action.FIND_PLACE
    assert "place_id" not in state.values


def test_dont_know_the_number_searches_places_for_the_employer() -> None:
    state = state_with(SICK, {"employer_name": "Bunnings"})
    decision = decide(SICK, state, [DontKnow("employer_phone")])
    assert decision.action is Action.FIND_PLACE
    assert decision.place_search is not None and decision.place_search.query == "Bunnings"
    chosen = [SetSlot("place_id", "p", Source.SERVER),
              SetSlot("employer_phone", "+61755501234", Source.SERVER)]
    after = decide(SICK, state, chosen)
    assert after.question is not None and after.question.slot.name == "caller_name"


def test_reject_walks_the_slots_offering_each_value_back() -> None:
    state = state_with(SICK, FULL_SICK)
    decision = decide(SICK, state, [], client_action="REJECT")
    assert decision.question is not None
    assert decision.question.slot.name == "employer_name"
    assert decision.question.quick_replies[0] == "Keep Bunnings"
    assert state.values == FULL_SICK


def test_change_requested_jumps_to_that_slot() -> None:
    state = state_with(SICK, FULL_SICK)
    decide(SICK, state, [], client_action="REJECT")
    decision = decide(SICK, state, [ChangeRequested("shift_start_time")])
    assert decision.question is not None
    assert decision.question.slot.name == "shift_start_time"


def test_a_rejected_reply_reasks_in_other_words_with_a_validation_error() -> None:
    state = state_with(SICK, {"employer_name": "Bunnings"})
    first = decide(SICK, state, [])
    again = decide(SICK, state, [SlotRejected("employer_phone", "Too short.")])
    assert again.validation is not None and again.validation.field == "employer_phone"
    assert first.question is not None and again.question is not None
    assert again.question.text != first.question.text


def test_same_slot_three_times_in_a_row_is_an_anomaly() -> None:
    state = state_with(SICK, {"employer_name": "Bunnings"})
    kinds = [decide(SICK, state, [SlotRejected("employer_phone", "no")]).anomalies
             for _ in range(3)]
    assert kinds[0] == [] and "repeated_question" in kinds[2]


def test_card_lines_never_show_a_placeholder() -> None:
    state = state_with(SICK, FULL_SICK)
    decision = decide(SICK, state, [])
    assert decision.card is not None
    assert all("{" not in line for line in decision.card.lines)
    assert len(decision.card.lines) == 4  # return date and note are dropped when absent


def test_a_named_change_during_review_goes_back_to_the_card() -> None:
    state = state_with(SICK, FULL_SICK)
    decide(SICK, state, [], client_action="REJECT")
    decision = decide(SICK, state, [SetSlot("shift_start_time", "10:00")])
    assert decision.action is Action.CONFIRM
    assert decision.card is not None and any("10 am" in line for line in decision.card.lines)


def test_answering_the_reviewed_question_moves_to_the_next_slot() -> None:
    state = state_with(SICK, FULL_SICK)
    decide(SICK, state, [], client_action="REJECT")
    decision = decide(SICK, state, [SetSlot("employer_name", "Kmart")])
    assert decision.question is not None and decision.question.slot.name == "employer_phone"
