"""The simulator's far ends: scripted callees, chosen by the number dialed.

Numbers are from ACMA's ranges reserved for fiction (or the rollout log's own example):

| number         | persona                 | what happens                                          |
|----------------|-------------------------|-------------------------------------------------------|
| +61412345678   | manager-acknowledges    | the log's number: "no worries, I'll let the team..." |
| 0491 570 006   | manager-acknowledges    | as above                                              |
| 0491 571 804   | repeat-asker            | "sorry, can you say that again?", then acknowledges   |
| 0491 571 491   | repeat-presser          | presses 1 to hear it again, then acknowledges         |
| 0491 577 426   | takes-up-the-offer      | "sure, go ahead" to the repeat offer, then takes it   |
| 0491 570 158   | voicemail               | answering machine (AnsweredBy machine_*), silent      |
| 0491 570 159   | busy                    | status busy, no webhook                               |
| 0491 570 110   | no-answer               | rings out: no-answer, no webhook                      |
| 0491 570 313   | hangs-up                | answers once, then hangs up mid-call                  |
| 0491 570 737   | never-clear             | "hmm", "what was that?", mumbling, forever            |
| (03) 7010 0001 | in-stock                | "yeah, we've got five of those", "They're $249"       |
| (03) 7010 0002 | out-of-stock            | "no, sorry, we're out — should be back Tuesday week"  |
| (03) 7010 0003 | hold-then-yes           | "one sec, let me check", 20 s silence, then two       |
| (03) 7010 0004 | which-model             | "which model?", then yes, three                       |
| (03) 7010 0005 | restaurant-books        | "yep, we can do that — you're booked in"              |
| (03) 7010 0006 | restaurant-offers-later | "we can't do 7, but we can do 7:30", books on a yes   |
| (03) 7010 0007 | clinic-cancels          | "yep, that's cancelled, no fee"                       |
| (03) 7010 0008 | voicemail               | a business's answering machine                        |
| (03) 7010 0009 | busy                    |                                                       |
| (03) 7010 0010 | no-answer               |                                                       |
| (03) 7010 0011 | hangs-up                |                                                       |
| (03) 7010 0012 | never-clear             |                                                       |
| (03) 7010 0013 | acknowledger            | the default callee, on purpose                        |
| (03) 7010 0014 | fax                     | a fax machine answers (AnsweredBy fax)                |
| (03) 7010 0015 | failed                  | the call fails (status failed, no webhook)            |
| bundled places | by category             | shops: in-stock; restaurants: restaurant-books;       |
|                |                         | clinics, dentists, physios, salons: clinic-cancels;   |
|                |                         | exceptions in `PLACE_OVERRIDES` (out of stock, ...)   |
|                |                         | so every callee is reachable from the place picker:   |
|                |                         | shops in Capalaba are voicemail (Harvey Norman), busy |
|                |                         | (Big W), no-answer (Kmart), hangs-up (Officeworks),   |
|                |                         | never-clear (The Good Guys); restaurants and clinics  |
|                |                         | have a hangs-up, a never-clear and a voicemail each   |
| any other      | acknowledger            | answers, listens, "okay, thanks"                      |

Machines answer with AnsweredBy as Twilio's detection would: `machine_start` with
`MachineDetection=Enable` (what our adapter asks for), `machine_end_beep` with DetectMessageEnd.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from proxycall.adapters.telephony.simulator.callees import (
    Acknowledger,
    Callee,
    ClinicCancels,
    HangsUp,
    HoldThenYes,
    Machine,
    ManagerAcknowledges,
    NeverClear,
    RepeatAsker,
    RepeatPresser,
    RestaurantBooks,
    RestaurantOffersLater,
    Store,
    TakesUpTheOffer,
    WhichModel,
)


class Pickup(StrEnum):
    """How the far end reacts to the call ringing."""

    PERSON = "person"
    MACHINE = "machine"
    FAX = "fax"
    BUSY = "busy"
    NO_ANSWER = "no-answer"
    FAILED = "failed"


@dataclass(frozen=True)
class Persona:
    """A scripted far end: how it picks up, and a factory for its per-call script."""

    key: str
    description: str
    pickup: Pickup
    script: Callable[[], Callee]
    ring_seconds: float = 4.0
    greeting: str = ""  # what a machine plays before the beep

    def start(self) -> Callee:
        """A fresh callee for one call."""
        return self.script()


_VOICEMAIL_GREETING = (
    "Hi, you've reached us and we can't take your call. Leave a message after the beep."
)

PERSONAS: Mapping[str, Persona] = {
    p.key: p
    for p in (
        Persona("acknowledger", "answers, listens and acknowledges", Pickup.PERSON, Acknowledger),
        Persona("manager-acknowledges", "a manager who takes the sick call", Pickup.PERSON,
                ManagerAcknowledges),
        Persona("repeat-asker", "asks to hear it again, then acknowledges", Pickup.PERSON,
                RepeatAsker),
        Persona("repeat-presser", "presses 1 to hear it again", Pickup.PERSON, RepeatPresser),
        Persona("takes-up-the-offer", "says 'sure, go ahead' to the repeat offer",
                Pickup.PERSON, TakesUpTheOffer),
        Persona("in-stock", "a store that has it: five, $249", Pickup.PERSON,
                lambda: Store(quantity=5, quantity_words="five")),
        Persona("out-of-stock", "a store that is out until Tuesday week", Pickup.PERSON,
                lambda: Store(quantity=0, quantity_words="none")),
        Persona("hold-then-yes", "checks out the back first, then has two", Pickup.PERSON,
                HoldThenYes),
        Persona("which-model", "asks which model, then has three", Pickup.PERSON, WhichModel),
        Persona("restaurant-books", "a restaurant that books the asked time", Pickup.PERSON,
                RestaurantBooks),
        Persona("restaurant-offers-later", "a restaurant that offers half an hour later",
                Pickup.PERSON, RestaurantOffersLater),
        Persona("clinic-cancels", "a clinic that cancels without a fee", Pickup.PERSON,
                ClinicCancels),
        Persona("hangs-up", "answers once, then hangs up", Pickup.PERSON, HangsUp),
        Persona("never-clear", "never answers clearly", Pickup.PERSON, NeverClear),
        Persona("voicemail", "an answering machine", Pickup.MACHINE, Machine, ring_seconds=12.0,
                greeting=_VOICEMAIL_GREETING),
        Persona("fax", "a fax machine", Pickup.FAX, Machine, ring_seconds=2.0),
        Persona("busy", "the line is busy", Pickup.BUSY, Acknowledger, ring_seconds=1.0),
        Persona("no-answer", "rings out", Pickup.NO_ANSWER, Acknowledger),
        Persona("failed", "the call cannot be connected", Pickup.FAILED, Acknowledger,
                ring_seconds=0.5),
    )
}

DEFAULT_PERSONA = PERSONAS["acknowledger"]

# The numbers table of the module docstring; the first number of a persona is "its" number.
NUMBERS: Mapping[str, str] = {
    "+61412345678": "manager-acknowledges",
    "+61491570006": "manager-acknowledges",
    "+61491571804": "repeat-asker",
    "+61491571491": "repeat-presser",
    "+61491577426": "takes-up-the-offer",
    "+61491570158": "voicemail",
    "+61491570159": "busy",
    "+61491570110": "no-answer",
    "+61491570313": "hangs-up",
    "+61491570737": "never-clear",
    "+61370100001": "in-stock",
    "+61370100002": "out-of-stock",
    "+61370100003": "hold-then-yes",
    "+61370100004": "which-model",
    "+61370100005": "restaurant-books",
    "+61370100006": "restaurant-offers-later",
    "+61370100007": "clinic-cancels",
    "+61370100008": "voicemail",
    "+61370100009": "busy",
    "+61370100010": "no-answer",
    "+61370100011": "hangs-up",
    "+61370100012": "never-clear",
    "+61370100013": "acknowledger",
    "+61370100014": "fax",
    "+61370100015": "failed",
}

# Bundled places by category; the first category that matches wins.
_CATEGORY_PERSONAS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"restaurant", "cafe", "bar"}), "restaurant-books"),
    (frozenset({"dentist", "dental", "gp", "doctor", "medical centre", "physio",
                "physiotherapy", "hairdresser", "hair salon", "hair", "barber", "clinic"}),
     "clinic-cancels"),
    (frozenset({"electronics", "hardware", "furniture", "stationery", "office supplies",
                "department store", "appliances", "supermarket", "groceries"}), "in-stock"),
)

# A few named places behave otherwise, so every branch can be reached from the place picker.
PLACE_OVERRIDES: Mapping[str, str] = {
    "JB Hi-Fi Carindale": "out-of-stock",
    "JB Hi-Fi Indooroopilly": "hold-then-yes",
    "JB Hi-Fi Brisbane City": "which-model",
    "Bunnings Carindale": "out-of-stock",
    "Harvey Norman Capalaba": "voicemail",
    "Big W Capalaba": "busy",
    "Kmart Capalaba": "no-answer",
    "Officeworks Capalaba": "hangs-up",
    "The Good Guys Capalaba": "never-clear",
    "Bella Napoli Pizzeria": "restaurant-offers-later",
    "The Rosewood Grill": "restaurant-offers-later",
    "Pizza Paradiso": "hangs-up",
    "Spice Route Indian": "never-clear",
    "Little Saigon Pho": "voicemail",
    "Box Hill Physiotherapy": "hangs-up",
    "Collins Street Medical Centre": "never-clear",
    "Carindale Physio & Sports Injury": "voicemail",
}


def persona_for_place(name: str, categories: Iterable[str]) -> str:
    """The persona key a bundled place answers with."""
    if name in PLACE_OVERRIDES:
        return PLACE_OVERRIDES[name]
    wanted = {category.lower() for category in categories}
    for known, key in _CATEGORY_PERSONAS:
        if wanted & known:
            return key
    return DEFAULT_PERSONA.key


def places_numbers() -> dict[str, str]:
    """Number → persona key for every bundled place that has a phone."""
    from proxycall.adapters.places.bundled import all_places

    return {
        place.details.phone_e164: persona_for_place(place.details.name, place.categories)
        for place in all_places()
        if place.details.phone_e164
    }


def normalise_number(number: str) -> str:
    """E.164 as Twilio would dial it; an Australian national number gets +61."""
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if digits.startswith("0") and not digits.startswith("00"):
        return "+61" + digits[1:]
    return digits


class PersonaDirectory:
    """Who answers which number: the fixed table, then the bundled places, then the default."""

    def __init__(self, numbers: Mapping[str, str] | None = None, *,
                 include_places: bool = True) -> None:
        table = dict(NUMBERS if numbers is None else numbers)
        if include_places:
            for number, key in places_numbers().items():
                table.setdefault(number, key)  # the fixed table wins over a place
        unknown = sorted(set(table.values()) - set(PERSONAS))
        if unknown:
            raise ValueError(f"unknown personas in the number table: {unknown}")
        self._table = {normalise_number(number): key for number, key in table.items()}

    def persona_for(self, number: str) -> Persona:
        """The persona that answers `number` (the default callee for a number nobody has)."""
        key = self._table.get(normalise_number(number))
        return PERSONAS[key] if key else DEFAULT_PERSONA

    def number_for(self, key: str) -> str:
        """A number that reaches persona `key` (for "call this persona" in the CLI and tests)."""
        if key not in PERSONAS:
            raise KeyError(key)
        for number, persona in self._table.items():
            if persona == key:
                return number
        raise LookupError(f"no number reaches persona {key!r}")
