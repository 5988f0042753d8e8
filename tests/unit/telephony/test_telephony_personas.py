"""Personas: keyword topics, each script's answers, and which number reaches whom."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proxycall.adapters.places.bundled import all_places
from proxycall.adapters.telephony.simulator.callees import (
    HOLD_SECONDS,
    PATIENCE_REPLIES,
    VOICEMAIL_MAX_SECONDS,
    Topic,
    asked_and_later,
    topic_of,
)
from proxycall.adapters.telephony.simulator.personas import (
    NUMBERS,
    PERSONAS,
    PLACE_OVERRIDES,
    PersonaDirectory,
    Pickup,
    normalise_number,
)

# ACMA's numbers for fiction (product.md), in E.164.
_MOBILES = {
    "570006", "570156", "570157", "570158", "570159", "570110", "570313", "570737", "571266",
    "571491", "571804", "572549", "572665", "572983", "573770", "573087", "574118", "574632",
    "575254", "575789", "576398", "576801", "577426", "577644", "578957", "578148", "578888",
    "579212", "579760", "579455",
}
_FICTION = re.compile(r"^\+61[2378](5550|7010)\d{4}$|^\+611[38]00(160401|97570[7-9]|97571[01])$")


def is_fiction(number: str) -> bool:
    if number == "+61412345678":
        return True
    if number.startswith("+61491") and number[6:] in _MOBILES:
        return True
    return bool(_FICTION.match(number))


@pytest.mark.parametrize(
    ("heard", "topic"),
    [
        ("I'm looking for Sony headphones. Do you have any in stock?", Topic.STOCK),
        ("The customer needs 2. How many do you have?", Topic.QUANTITY),
        ("Thanks. And what's the price?", Topic.PRICE),
        ("How much are they?", Topic.PRICE),
        ("Do you know when you'll have more in?", Topic.RESTOCK),
        ("Could I book a table for 4 at 7 pm?", Topic.BOOK),
        ("I'd like to cancel Sam's appointment on Monday.", Topic.CANCEL),
        ("Hello? Are you still there?", Topic.STILL_THERE),
        ("Sam is unwell and won't be able to make the shift.", Topic.MESSAGE),
        ("Thanks so much for your help. Goodbye.", Topic.GOODBYE),
        ("Lovely weather today.", Topic.OTHER),
        ("", Topic.OTHER),
        # The latest sentence with a topic wins: the question after the pleasantries.
        ("Do you have any in stock? Great. And what's the price?", Topic.PRICE),
    ],
)
def test_topic_of_the_latest_question(heard: str, topic: Topic) -> None:
    assert topic_of(heard) is topic


@given(st.text(max_size=300))
def test_topic_of_never_fails(text: str) -> None:
    assert isinstance(topic_of(text), Topic)


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        ("a table for 4 on Saturday the 28th of November at 7 pm", ("7", "7:30")),
        ("at 7:30 pm for 2", ("7:30", "8")),
        ("at 12:45 pm", ("12:45", "1:15")),
        ("any time tonight", ("that time", "half an hour later")),
    ],
)
def test_restaurant_offers_half_an_hour_later(heard: str, expected: tuple[str, str]) -> None:
    assert asked_and_later(heard) == expected


def answers(key: str, *heard: str, timeout: float = 5) -> list[str]:
    callee = PERSONAS[key].start()
    said = []
    for words in heard:
        reply = callee.reply(words, timeout)
        said.append("<hangup>" if reply.hangup else reply.digits or reply.speech or "<silence>")
    return said


def test_in_stock_store() -> None:
    assert answers("in-stock", "Do you have any in stock?", "How many do you have?",
                   "What's the price?") == [
        "yeah, we've got five of those", "we've got five", "They're $249"]


def test_out_of_stock_store() -> None:
    assert answers("out-of-stock", "Do you have any in stock?", "When will you have more in?") == [
        "no, sorry, we're out — should be back Tuesday week", "should be back Tuesday week"]


def test_hold_then_yes_waits_out_the_hold_in_silence() -> None:
    gathers = int(HOLD_SECONDS // 5)
    said = answers("hold-then-yes", "Do you have any in stock?", *([""] * (gathers + 1)))

    assert said[0] == "one sec, let me check"
    assert said[1:gathers] == ["<silence>"] * (gathers - 1)
    assert said[gathers] == "sorry about the wait — yep, we've got two of them"


def test_hold_ends_inside_a_long_gather() -> None:
    callee = PERSONAS["hold-then-yes"].start()
    callee.reply("Do you have any in stock?", 5)

    back = callee.reply("", 30)

    assert back.speech.startswith("sorry about the wait")
    assert back.after_seconds == HOLD_SECONDS


def test_which_model_asks_first() -> None:
    assert answers("which-model", "Do you have any in stock?", "The WH-1000XM5.",
                   "How many do you have?") == [
        "which model?", "yep, we've got three of those", "we've got three"]


def test_restaurant_offer_declined() -> None:
    assert answers("restaurant-offers-later", "Can I book a table at 7 pm?",
                   "No thanks, that's too late.") == [
        "we can't do 7, but we can do 7:30", "no worries, maybe another time"]


def test_sick_call_personas() -> None:
    message = "Sam is unwell and won't be able to make the shift on Saturday at 9 am."
    assert answers("manager-acknowledges", message) == ["no worries, I'll let the team know"]
    assert answers("repeat-asker", message, message) == [
        "sorry, can you say that again?", "okay, got it — I'll pass that on, thanks"]
    assert answers("repeat-presser", message, message) == [
        "1", "right, thanks, I'll let them know"]
    assert answers("clinic-cancels", "Please cancel Sam's appointment.") == [
        "yep, that's cancelled, no fee"]


def test_hangs_up_after_one_answer() -> None:
    assert answers("hangs-up", "Hi there.", "Do you have any in stock?") == [
        "yeah, what's this about?", "<hangup>"]


def test_never_clear_never_runs_out_and_is_low_confidence() -> None:
    callee = PERSONAS["never-clear"].start()
    replies = [callee.reply("Do you have any?", 5) for _ in range(PATIENCE_REPLIES * 3)]

    assert not any(reply.hangup or reply.silent for reply in replies)
    assert all(reply.confidence < 0.5 for reply in replies)


def test_a_person_loses_patience_eventually() -> None:
    said = answers("acknowledger", *(["Anything else?"] * (PATIENCE_REPLIES + 1)))

    assert said[:PATIENCE_REPLIES] == ["okay, thanks"] * PATIENCE_REPLIES
    assert said[PATIENCE_REPLIES] == "<hangup>"


def test_a_machine_is_silent_then_stops_recording() -> None:
    callee = PERSONAS["voicemail"].start()
    gathers = int(VOICEMAIL_MAX_SECONDS // 10)
    replies = [callee.reply("Please call back.", 10) for _ in range(gathers + 1)]

    assert all(reply.silent for reply in replies[:gathers])
    assert replies[gathers].hangup


def test_every_fixed_number_is_fiction_and_names_a_persona() -> None:
    for number, key in NUMBERS.items():
        assert is_fiction(number), number
        assert key in PERSONAS


def test_every_persona_is_reachable_by_a_fixed_number() -> None:
    assert set(NUMBERS.values()) == set(PERSONAS)


def test_the_seeds_number_reaches_the_acknowledging_manager() -> None:
    assert PersonaDirectory().persona_for("+61412345678").key == "manager-acknowledges"
    assert PersonaDirectory().persona_for("0412 345 678").key == "manager-acknowledges"


def test_unknown_numbers_reach_the_default_callee() -> None:
    directory = PersonaDirectory()

    assert directory.persona_for("+61255509999").key == "acknowledger"
    assert directory.persona_for("").key == "acknowledger"


def test_bundled_places_map_to_sensible_personas() -> None:
    directory = PersonaDirectory()
    by_name = {place.details.name: place for place in all_places()}

    def persona(name: str) -> str:
        return directory.persona_for(by_name[name].details.phone_e164 or "").key

    assert persona("JB Hi-Fi Chermside") == "in-stock"
    assert persona("Bunnings Chermside") == "in-stock"
    assert persona("JB Hi-Fi Carindale") == "out-of-stock"
    assert persona("JB Hi-Fi Indooroopilly") == "hold-then-yes"
    assert persona("JB Hi-Fi Brisbane City") == "which-model"
    assert persona("Nando's Chermside") == "restaurant-books"
    assert persona("Bella Napoli Pizzeria") == "restaurant-offers-later"
    assert persona("Smile Dental Chermside") == "clinic-cancels"
    assert persona("Chermside Family Medical Centre") == "clinic-cancels"


def test_place_overrides_name_real_places_and_fixed_numbers_are_not_places() -> None:
    names = {place.details.name for place in all_places()}
    place_numbers = {place.details.phone_e164 for place in all_places()}

    assert set(PLACE_OVERRIDES) <= names
    # A place sharing a fixed persona number would answer as that persona, not as a shop.
    assert not set(NUMBERS) & place_numbers


def test_machines_and_unreachable_lines_pick_up_accordingly() -> None:
    assert PERSONAS["voicemail"].pickup is Pickup.MACHINE
    assert PERSONAS["fax"].pickup is Pickup.FAX
    assert PERSONAS["busy"].pickup is Pickup.BUSY
    assert PERSONAS["no-answer"].pickup is Pickup.NO_ANSWER


def test_number_for_prefers_the_fixed_table_and_rejects_unknown_keys() -> None:
    directory = PersonaDirectory()

    assert directory.number_for("in-stock") == "+61370100001"
    with pytest.raises(KeyError):
        directory.number_for("nobody")


def test_a_table_naming_an_unknown_persona_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown personas"):
        PersonaDirectory({"+61255501234": "ghost"}, include_places=False)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("0491 570 006", "+61491570006"), ("(03) 7010 0001", "+61370100001"),
     ("+61 412 345 678", "+61412345678")],
)
def test_normalise_number(raw: str, e164: str) -> None:
    assert normalise_number(raw) == e164


def _reachable(categories: set[str]) -> set[str]:
    directory = PersonaDirectory()
    return {
        directory.persona_for(place.details.phone_e164).key
        for place in all_places()
        if place.details.phone_e164 and categories & {c.lower() for c in place.categories}
    }


@pytest.mark.parametrize(
    ("categories", "personas"),
    [
        ({"electronics"}, {"in-stock", "out-of-stock", "hold-then-yes", "which-model",
                           "voicemail"}),
        ({"electronics", "department store", "stationery"},
         {"busy", "no-answer", "hangs-up", "never-clear"}),
        ({"restaurant"}, {"restaurant-books", "restaurant-offers-later", "hangs-up",
                          "never-clear", "voicemail"}),
        ({"dentist", "gp", "physio"}, {"clinic-cancels", "hangs-up", "never-clear",
                                       "voicemail"}),
    ],
)
def test_every_callee_a_business_call_meets_is_reachable_from_the_place_picker(
        categories: set[str], personas: set[str]) -> None:
    assert personas <= _reachable(categories)


def test_hangs_up_never_answers_a_second_time_whatever_it_hears() -> None:
    for second in ("Richard is unwell and won't make the shift.", "", "Are you still there?"):
        callee = PERSONAS["hangs-up"].start()
        assert callee.reply("Hi, this is an automated assistant.", 6).speech
        assert callee.reply(second, 6).hangup
