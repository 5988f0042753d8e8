"""The shape of an agent declaration: slots, templates, phone source, phone flow, outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class InputType(StrEnum):
    """The kind of value a slot holds, which picks its parser."""

    TEXT = "TEXT"
    PHONE = "PHONE"
    DATE = "DATE"
    TIME = "TIME"
    NUMBER = "NUMBER"
    CHOICE = "CHOICE"
    YES_NO = "YES_NO"
    MONEY = "MONEY"  # outcome fields only ("$249", "two forty-nine")


class PhoneSource(StrEnum):
    """Where an agent's phone number comes from."""

    PLACE = "PLACE"
    DIRECT_SLOT = "DIRECT_SLOT"


class PhoneFlow(StrEnum):
    """How the call is conducted: a fixed script or a dialog."""

    DETERMINISTIC_SCRIPT = "DETERMINISTIC_SCRIPT"
    DIALOG = "DIALOG"


class TextKind(StrEnum):
    """How a TEXT reply is cleaned: lead-in words differ for a name, a business, a product."""

    PERSON_NAME = "PERSON_NAME"
    BUSINESS_NAME = "BUSINESS_NAME"
    PRODUCT = "PRODUCT"
    PLACE_AREA = "PLACE_AREA"
    FREE = "FREE"


class TimeHint(StrEnum):
    """Resolves a bare hour: a shift at "9" is morning, a dinner booking at "7" is evening."""

    SHIFT = "SHIFT"
    BUSINESS_HOURS = "BUSINESS_HOURS"
    DINING = "DINING"


@dataclass(frozen=True)
class Choice:
    """One choice of a CHOICE slot: value, label and synonyms."""

    value: str
    label: str
    synonyms: tuple[str, ...] = ()
    spoken: str = ""  # how the call says it ("is unwell"); empty = the label

    def __hash__(self) -> int:
        # a slot's choices key the readings caches on every turn: hash the declaration once
        cached: int | None = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((self.value, self.label, self.synonyms, self.spoken))
            object.__setattr__(self, "_hash", cached)
        return cached


@dataclass(frozen=True)
class Condition:
    """When an optional slot becomes required.

    kind "bare_category": the named slot's value is a product category with no brand or model.
    kind "unsure": the named slot's value means "not sure".
    kind "equals": the named slot's value is one of `values`.
    """

    kind: str
    slot: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlotSpec:
    """One slot of an agent: its type, question, re-ask and when it is required."""

    name: str
    type: InputType
    label: str  # card and brief label ("Shift date")
    question: str = ""  # empty: never asked, kept when volunteered
    reask: str = ""  # other words for when the reply could not be used
    required: bool = True
    required_when: Condition | None = None
    choices: tuple[Choice, ...] = ()
    text_kind: TextKind = TextKind.FREE
    time_hint: TimeHint = TimeHint.BUSINESS_HOURS
    unknown_finds_place: bool = False  # PHONE: "I don't know it" searches places for the query slot

    @property
    def asked(self) -> bool:
        """True when the slot is asked (not only kept when volunteered)."""
        return bool(self.question)


@dataclass(frozen=True)
class CardSpec:
    """The confirmation card: its title and line templates."""

    title: str
    # "Shift: {shift_date} at {shift_start_time}"; a line naming a missing value is dropped
    lines: tuple[str, ...]
    confirm_label: str = "Make the call"
    reject_label: str = "Change something"


@dataclass(frozen=True)
class BriefSpec:
    """The call brief: objective, script and checklist templates."""

    objective: str
    script: tuple[str, ...]  # spoken-style lines of the script preview
    checklist: tuple[str, ...]


@dataclass(frozen=True)
class PhoneSpec:
    """The phone source: the place's query and area slots, or the direct slot."""

    source: PhoneSource
    direct_slot: str | None = None  # DIRECT_SLOT
    query_slot: str | None = None  # PLACE: what to search for
    area_slot: str | None = None  # PLACE: where


@dataclass(frozen=True)
class CallTiming:
    """When a call may be placed.

    business_hours: held to the operator's call window and the place's opening hours.
    deadline_*: the moment the task is about (a shift, a booking, an appointment), in the
    conversation's timezone; the call is pointless (or harmful) from `deadline_lead_minutes`
    before it, so it is never placed after that ("the shift has already started").
    """

    business_hours: bool = True
    deadline_date_slot: str | None = None
    deadline_time_slot: str | None = None
    deadline_lead_minutes: int = 0


@dataclass(frozen=True)
class ScriptSpec:
    """DETERMINISTIC_SCRIPT: every sentence of the call, as spoken templates."""

    opening: str
    message: tuple[str, ...]
    repeat_offer: str
    closing: str
    voicemail: tuple[str, ...]


@dataclass(frozen=True)
class SummarySpec:
    """One way to say a call's result: the first whose condition holds over the facts wins.

    The template may name slots, place values and outcome facts. Its first sentence is the
    news: if a value it names is missing, this wording is skipped; a later sentence naming a
    missing value is dropped.
    """

    template: str
    when: Condition | None = None
    next_steps: tuple[str, ...] = ()  # what the person might do now; templates too


@dataclass(frozen=True)
class DialogStep:
    """DIALOG: one question to the business and the outcome field its answer fills."""

    name: str
    ask: str
    reask: str
    field: str  # outcome field filled by the answer
    expects: InputType
    when: Condition | None = None  # asked only when this holds over the outcome so far


@dataclass(frozen=True)
class DialogSpec:
    """The spoken templates of a DIALOG call."""

    opening: str
    steps: tuple[DialogStep, ...]
    closing: str
    voicemail: str  # what to leave, if anything, on an answering machine ("" = hang up)
    closings: tuple[SummarySpec, ...] = ()  # a closing for particular facts; else `closing`


@dataclass(frozen=True)
class OutcomeField:
    """One fact a call reports (in_stock, booked_time, ...)."""

    name: str
    type: InputType
    label: str
    optional: bool = False


@dataclass(frozen=True)
class AgentSpec:
    """One agent, declared once as data and read by everything."""

    type: str
    title: str
    description: str
    slots: tuple[SlotSpec, ...]
    card: CardSpec
    brief: BriefSpec
    phone: PhoneSpec
    flow: PhoneFlow
    outcome: tuple[OutcomeField, ...]
    script: ScriptSpec | None = None
    dialog: DialogSpec | None = None
    on_behalf_of_slot: str | None = None  # whose name the call gives
    success_facts: tuple[str, ...] = field(default_factory=tuple)
    summaries: tuple[SummarySpec, ...] = ()
    timing: CallTiming = field(default_factory=CallTiming)
    # A question to answer (is it in stock?): any clear answer, yes or no, completes the task.
    informational: bool = False
    # When the answer is no, the result offers this: a new task with the same details, at
    # another place ("Try another store"); empty: no such offer.
    another_place_label: str = ""

    @cached_property
    def _by_name(self) -> dict[str, SlotSpec]:
        # asked on every turn for each slot a client sends: a lookup, not a walk
        return {slot.name: slot for slot in self.slots}

    def slot(self, name: str) -> SlotSpec:
        """A slot by name (KeyError when the agent has none)."""
        return self._by_name[name]

    def has_slot(self, name: str) -> bool:
        """True when the agent declares the slot."""
        return name in self._by_name

    @cached_property
    def time_hint(self) -> TimeHint:
        """How a bare hour is read for this agent: its first TIME slot's hint (business hours)."""
        return next((s.time_hint for s in self.slots if s.type is InputType.TIME),
                    TimeHint.BUSINESS_HOURS)

    @cached_property
    def input_types(self) -> frozenset[InputType]:
        """The input types the agent's slots take."""
        return frozenset(slot.type for slot in self.slots)

    @cached_property
    def _text_slots(self) -> dict[TextKind, tuple[SlotSpec, ...]]:
        kinds: dict[TextKind, tuple[SlotSpec, ...]] = {}
        for slot in self.slots:
            if slot.type is InputType.TEXT:
                kinds[slot.text_kind] = (*kinds.get(slot.text_kind, ()), slot)
        return kinds

    def text_slots(self, kind: TextKind) -> tuple[SlotSpec, ...]:
        """The TEXT slots of one kind, in order (read on every message: a lookup, not a walk)."""
        return self._text_slots.get(kind, ())

    @cached_property
    def slot_names(self) -> tuple[str, ...]:
        """Every slot name, in order."""
        return tuple(slot.name for slot in self.slots)

    @property
    def first_asked_slot(self) -> SlotSpec:
        """The slot asked first."""
        return next(slot for slot in self.slots if slot.asked)
