"""Text values read by cue (business, area, product, person, note).

Generic: slots are found by their text kind (and, for free text, words in their name), never by
agent. A business named with its branch ("Just Cuts Carindale", "Sushi Train at Chermside",
"its Active Physio in Chermside") is split into business and area only when the agent declares
an area slot; otherwise the branch stays part of the name ("Officeworks Carindale" is who to
call). The suburb list that decides where a business name ends is core data (parsers/areas.py).
A count typed before a product ("2 PS5 controllers") fills the agent's count slot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time

from proxycall.core.agents.spec import AgentSpec, InputType, SlotSpec, TextKind
from proxycall.core.conversation import SetSlot
from proxycall.core.parsers import ParseContext, Parsed, Value, cues, parse_slot
from proxycall.core.parsers._lex import Hit, fold
from proxycall.core.parsers.areas import known_area, trailing_area
from proxycall.core.parsers.choice import scan_choices
from proxycall.core.parsers.names import plausible_name
from proxycall.core.parsers.product import business_in, split_count
from proxycall.core.understanding.cues import NAME_INTRO, Findings, MessageReading

# Text parsing never looks at the date; a fixed context keeps `parse_slot`'s signature.
_NO_CTX = ParseContext(today=date(2000, 1, 1), now=time(0, 0))
# "Sushi Train at Chermside", "its Active Physio in Chermside": a business, then where it is
_AT_AREA = re.compile(r"\s+(?:in|at|near|around)\s+(?:the\s+)?(?=\S)")
_CLAUSE_END = re.compile(r"\s*(?:[,;.!?](?:\s|$)|\s(?:and|but)\s)")


def text_slot(spec: AgentSpec, kind: TextKind, asked: SlotSpec | None, out: Findings,
              values: Mapping[str, Value], correcting: bool,
              words: tuple[str, ...] = ()) -> SlotSpec | None:
    """The slot a text value of this kind goes to: the asked one, else the first free one."""
    if asked is not None and asked.type is InputType.TEXT and asked.text_kind is kind and (
        not words or any(w in asked.name for w in words)
    ):
        return asked if asked.name not in out.commands else None
    for slot in spec.text_slots(kind):
        if words and not any(w in slot.name for w in words):
            continue
        if slot.name in out.commands or slot.required_when is not None:
            continue
        if slot.name in values and not correcting:
            return None
        return slot
    return None


def count_slot(spec: AgentSpec, out: Findings, values: Mapping[str, Value],
               correcting: bool) -> SlotSpec | None:
    """The agent's first asked NUMBER slot that is free for a count read from text."""
    for slot in spec.slots:
        if slot.type is InputType.NUMBER and slot.asked and slot.name not in out.commands:
            return slot if slot.name not in values or correcting else None
    return None


class _Writer:
    """Puts text values into slots, taking their spans so nothing is read twice."""

    def __init__(self, reading: MessageReading, out: Findings) -> None:
        self.reading = reading
        self.out = out

    def put(self, slot: SlotSpec | None, hit: Hit | None) -> bool:
        if slot is None or hit is None:
            return False
        result = parse_slot(slot, str(hit.value), _NO_CTX)
        if not isinstance(result, Parsed):
            return False
        self.reading.take(hit.start, hit.end)
        self.out.put(SetSlot(slot.name, result.value))
        return True


def read_text(spec: AgentSpec, reading: MessageReading, asked: SlotSpec | None,
              values: Mapping[str, Value], correcting: bool, out: Findings) -> None:
    """Text values by cue: business (and its area), product (and its count), person, note."""
    write = _Writer(reading, out)

    def target(kind: TextKind, *words: str) -> SlotSpec | None:
        return text_slot(spec, kind, asked, out, values, correcting, words)

    business_slot = target(TextKind.BUSINESS_NAME)
    area_slot = target(TextKind.PLACE_AREA)
    if business_slot is not None:
        _read_business(reading, write, business_slot, area_slot, business_slot is asked)
    area_slot = target(TextKind.PLACE_AREA)
    if area_slot is not None and area_slot is not asked:  # "it's the Chermside store"
        write.put(area_slot, cues.find_named_area(reading.text, reading.masked))
    product_slot = target(TextKind.PRODUCT)
    if product_slot is not None:  # a cue ("have you got X") is sharper than the whole reply
        product = cues.find_product(reading.text, reading.masked)
        split = split_count(str(product.value)) if product is not None else None
        number_slot = count_slot(spec, out, values, correcting)
        if product is not None and split is not None and number_slot is not None:
            out.put(SetSlot(number_slot.name, split[0]))
            product = Hit(split[1], product.start, product.end)
        write.put(product_slot, product)
    person_slot = target(TextKind.PERSON_NAME)
    if person_slot is not None and person_slot is not asked:
        write.put(person_slot, cues.find_person(reading.text, reading.masked))
    carried = _without_carried(spec, reading, values, out)
    for words, finder in ((("note", "message", "comment"), cues.find_note),
                          (("reason", "why"), cues.find_reason)):
        free_slot = target(TextKind.FREE, *words)
        if free_slot is not None and free_slot is not asked:
            hit = finder(reading.text, carried)
            if hit is not None and _answers_name(asked, str(hit.value)):
                continue  # "tell them it's Tom" answers "what name?", it is not a note
            write.put(free_slot, hit)


def _without_carried(spec: AgentSpec, reading: MessageReading, values: Mapping[str, Value],
                     out: Findings) -> str:
    """The masked message without choice phrases that restate a slot's value.

    The masked message with choice phrases that restate a slot's value blanked too
    ("I've got gastro" when the reason is already SICK), so a note is only what is new.
    """
    chars = list(reading.masked)
    for slot in spec.slots:
        if slot.type is not InputType.CHOICE:
            continue
        command = out.commands.get(slot.name)
        value = command.value if isinstance(command, SetSlot) else values.get(slot.name)
        for hit in scan_choices(reading.low, slot.choices) if value is not None else []:
            if hit.value == value:
                chars[hit.start:hit.end] = "|" * (hit.end - hit.start)
    return "".join(chars)


def _read_business(reading: MessageReading, write: _Writer, business_slot: SlotSpec,
                   area_slot: SlotSpec | None, asked: bool) -> None:
    """The business, and its area when the agent has an area slot."""
    if asked and area_slot is not None:
        whole = _business_at_area(reading)
        if whole is not None and write.put(business_slot, whole[0]):
            write.put(area_slot, whole[1])
            return
    business = cues.find_business(reading.text, reading.masked)
    if business is None:
        return
    branch = _branch(str(business.value)) if area_slot is not None else None
    if branch is None:
        if write.put(business_slot, business) and area_slot is not None:
            write.put(area_slot, cues.find_area(reading.text, reading.masked, business.end))
        return
    if write.put(business_slot, Hit(branch[0], business.start, business.end)):
        write.put(area_slot, Hit(branch[1], business.start, business.end))


def _branch(name: str) -> tuple[str, str] | None:
    """A business name with a branch after it, split only on a known suburb.

    A business name with a branch after it, split only on a known suburb at the end
    ("Just Cuts Carindale"); other words after a known business are part of its name
    ("Priceline Pharmacy", "Rebel Sport").
    """
    return trailing_area(name)


def _business_at_area(reading: MessageReading) -> tuple[Hit, Hit] | None:
    """The asked business as the whole first clause of the reply, with where it is."""
    rest = reading.masked
    start = len(rest) - len(rest.lstrip())
    stop = next((m for m in _CLAUSE_END.finditer(rest, start)
                 if not (m.group(0).strip() in ("and", "but") and reading.text[m.end():m.end() + 1]
                         .isupper())), None)  # "Ribs and Burgers": "and" inside a name
    end = stop.start() if stop else len(rest.rstrip())
    if "|" in rest[start:end]:  # a value already read ends the name ("X at Y on monday")
        end = rest.index("|", start)
        connector = re.search(r"(?:\s+(?:on|at|for|by|from|is))*\s*$", rest[start:end])
        end = start + connector.start() if connector else end
    places = _split_at_area(reading.text[start:end])
    if places is None:  # "Specsavers Carindale": a known suburb after the name
        split = trailing_area(reading.text[start:end])
        if split is None:
            return None
        return Hit(split[0], start, end), Hit(split[1], start, end)
    business, area = places
    known = business_in(business)
    if known is not None and re.fullmatch(r"(?:the\s+)?", fold(business[:known[1]])):
        business = business[known[1]:]  # "the Bunnings at North Lakes"
    name = Hit(business, start, end)
    return name, Hit(known_area(area) or area, start, end)


def _split_at_area(clause: str) -> tuple[str, str] | None:
    """A clause as (business, area), split at its last in/at/near an area.

    A clause as (business, area), split at its last " in/at/near <listed suburb>", else at
    its last " in/at/near <Capitalised>" ("Back in Motion in Subiaco", not "Back").
    """
    splits = [(clause[:m.start()], clause[m.end():]) for m in _AT_AREA.finditer(clause)
              if m.start() > 0 and m.end() < len(clause)]
    known = [pair for pair in splits if known_area(pair[1]) is not None]
    capitalised = [pair for pair in splits if pair[1][:1].isupper()]
    chosen = known or capitalised
    return chosen[-1] if chosen else None


def _answers_name(asked: SlotSpec | None, said: str) -> bool:
    """Whether a "note" is really the asked name ("it's Tom"; not "I'm moving house")."""
    if asked is None or asked.text_kind is not TextKind.PERSON_NAME:
        return False
    intro = NAME_INTRO.match(fold(said))
    word = re.match(r"\s*([\w'\-]+)", said[intro.end():]) if intro else None
    return word is not None and plausible_name(word.group(1), said)


def split_product_count(slot: SlotSpec, value: Value, spec: AgentSpec, out: Findings,
                        values: Mapping[str, Value], correcting: bool) -> Value:
    """An asked product reply with a count before it: the count and the product.

    An asked product reply with a count before it ("2 PS5 controllers"): the count goes to
    the count slot and the product keeps the rest.
    """
    if slot.text_kind is not TextKind.PRODUCT:
        return value
    split = split_count(str(value))
    number_slot = count_slot(spec, out, values, correcting)
    if split is None or number_slot is None:
        return value
    out.put(SetSlot(number_slot.name, split[0]))
    return split[1]
