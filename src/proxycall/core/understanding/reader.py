"""Understanding: read one message into commands (set, reject, clarify, keep, change).

Pure and deterministic. It uses only the agent's declaration (slot types, choices, text kinds,
names and labels) and generic cue phrases, never a per-agent rule. It proposes; the planner
decides. When unsure it proposes nothing for a slot, so the caller may consult an LLM and
validate its answer with `parse_slot`.

Order of reading:
1. control replies to the asked slot: "keep" (while a value is offered back), "I don't know
   their number" for a PHONE slot that can be looked up;
2. explicit changes: "change the time to 10am", "change the name" (no value → ChangeRequested);
3. typed values anywhere in the message (phone, time, date, count, choice), each assigned to the
   asked slot when it has that type, else to the first asked slot of that type (a date after
   "back"/"until" goes to a return-date slot); values already taken are blanked so nothing is
   read twice; a choice word inside a capitalised business name ("Mater Hospital") is not
   evidence for the choice;
4. text values by cue (business, person, product, area, note, reason): text_values.py;
5. whatever is left is read for the asked slot with `parse_slot` (its first clause or sentence
   for a name; a count before an asked product goes to the count slot).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, time
from functools import lru_cache

from proxycall.core.agents.spec import AgentSpec, InputType, SlotSpec, TextKind
from proxycall.core.conversation import (
    Command,
    DontKnow,
    KeepValue,
    NeedsClarification,
    SetSlot,
    SlotRejected,
)
from proxycall.core.parsers import (
    MAX_INPUT,
    Ambiguous,
    ParseContext,
    Parsed,
    ParseResult,
    Rejected,
    Value,
    parse_slot,
    scan_dates,
    scan_numbers,
    scan_phones,
    scan_times,
)
from proxycall.core.parsers._lex import Hit, fold
from proxycall.core.parsers.choice import choose, scan_choices
from proxycall.core.parsers.cues import find_business
from proxycall.core.parsers.text import is_filler
from proxycall.core.understanding.cues import (
    CORRECTING,
    DONT_KNOW_ASKED,
    DONT_KNOW_VOLUNTEERED,
    JOINING,
    KEEP,
    RETURN_CUE,
    RETURN_WORDS,
    Findings,
    MessageReading,
)
from proxycall.core.understanding.slot_names import explicit_change, slot_named, slots_named
from proxycall.core.understanding.text_values import read_text, split_product_count

__all__ = ["slot_named", "slots_named", "understand"]

# Text parsing never looks at the date; a fixed context keeps `parse_slot`'s signature.
_NO_CTX = ParseContext(today=date(2000, 1, 1), now=time(0, 0))


def understand(spec: AgentSpec, message: str, asked: str | None,
               values: Mapping[str, Value], ctx: ParseContext) -> list[Command]:
    """Read one message into commands for the planner; never raises, never invents a value."""
    text = str(message)[:MAX_INPUT]
    slot = spec.slot(asked) if asked and spec.has_slot(asked) else None
    low = fold(text).strip()
    if not low or is_filler(low):
        return [SlotRejected(slot.name, _reask(slot))] if slot else []
    control = _control(spec, slot, low, values)
    if control is not None:
        return control
    changed = explicit_change(spec, text, ctx)
    if changed is not None:
        return changed
    commands = _read(spec, text, slot, values, ctx)
    if slot is not None and slot.type is InputType.TEXT:
        whole = _read(spec, text, None, values, ctx)
        answers = any(isinstance(c, SetSlot) and c.slot == slot.name for c in whole)
        if _task_spans(spec, low) or (answers and _names_the_task(spec, low)) \
                or _asks_for_the_task(spec, low) or _is_whole_request(spec, whole, slot):
            # a whole request typed as the answer: read the way an opener is; when it holds no
            # answer, the answer's own refusal ("I need to call in sick") still asks again
            refused = [] if answers else [c for c in commands if isinstance(c, SlotRejected)
                                          and c.slot == slot.name]
            return [*whole, *refused]
    return commands


def _read(spec: AgentSpec, text: str, slot: SlotSpec | None, values: Mapping[str, Value],
          ctx: ParseContext) -> list[Command]:
    reading = MessageReading(text, fold(text))
    _mask_task_phrase(spec, reading)
    out = Findings()
    correcting = CORRECTING.search(reading.low) is not None
    _read_typed(spec, reading, slot, values, correcting, ctx, out)
    read_text(spec, reading, slot, values, correcting, out)
    if slot is not None and slot.name not in out.commands:
        _read_asked(spec, slot, reading, ctx, values, correcting, out)
    return list(out.commands.values())


def _is_whole_request(spec: AgentSpec, commands: list[Command], asked: SlotSpec) -> bool:
    """Whether a reply to a question is a whole request, to be read as an opener is.

    Read without the pending question, the message answers it and fills another slot too,
    or fills two other slots one of which is typed (a day, a time, a count, a choice): a whole
    request ("cancel my appointment at Toowong Medical Centre because …", "table for 4 at lucky
    dragon tmrw at 7"), read as an opener is, so the pending TEXT slot never swallows the
    task's words. A lone value ("Sushi Train at Chermside") or two text values ("its Active
    Physio in Chermside") are the answer, read as such.
    """
    filled = {c.slot for c in commands if isinstance(c, SetSlot)}
    if asked.name in filled:
        return len(filled) >= 2
    typed = [name for name in filled if spec.slot(name).type is not InputType.TEXT]
    return len(filled) >= 2 and bool(typed)


def _reask(slot: SlotSpec) -> str:
    return slot.reask or slot.question or "Sorry, I didn't catch that."


def _control(spec: AgentSpec, slot: SlotSpec | None, low: str,
             values: Mapping[str, Value]) -> list[Command] | None:
    if slot is not None and slot.name in values and KEEP.fullmatch(_bare(low)):
        return [KeepValue(slot.name)]
    if (slot is not None and slot.type is InputType.PHONE and slot.unknown_finds_place
            and DONT_KNOW_ASKED.search(low) and not scan_phones(low)):
        return [DontKnow(slot.name)]
    return None


_NOT_WORDS = re.compile(r"[^\w' ]+")
_SPACES = re.compile(r"\s+")


def _bare(low: str) -> str:
    """The words of a folded message, single-spaced ("keep it!" -> "keep it")."""
    return _SPACES.sub(" ", _NOT_WORDS.sub(" ", low)).strip()


def _mask_task_phrase(spec: AgentSpec, reading: MessageReading) -> None:
    """Blank the agent's own task words ("call in sick", "book a table") so they aren't values."""
    reading.taken.extend(_task_spans(spec, reading.low))


_TITLE_FILLERS = frozenset({"a", "an", "the", "in", "to", "for", "of", "my"})


def _names_the_task(spec: AgentSpec, low: str) -> bool:
    """A word of the agent's own task ("book", "table", "cancel", "sick", "stock") is there."""
    words = [w for w in fold(spec.title).split() if w not in _TITLE_FILLERS]
    return any(re.search(rf"\b{re.escape(word)}(?:s|ing|ed)?\b", low) for word in words)


# Polite words before a request ("hi, pls cancel my …", "can you book …", "i need to check if …").
_REQUEST_LEAD = (r"^(?:(?:hi|hey|hello|g'?day)\b[\s,!.]*)?(?:(?:pls|plz|please|can\s+you|"
                 r"could\s+you|can\s+u|could\s+u|i\s+need\s+to|need\s+to|i\s+want\s+to|"
                 r"want\s+to|i'?d\s+like\s+to|help\s+me)\s+)*")
# What follows the task's verb in a request, never in a name ("cancel my …", "book a …",
# "check if …"; "Book Club Cafe" is a name).
_REQUEST_NEXT = r"\s+(?:my|a|an|the|for|if|whether|at|with|w|in|to|on|me|us|our)\b"


def _asks_for_the_task(spec: AgentSpec, low: str) -> bool:
    """Whether the message starts by asking for the agent's task ("pls cancel my appt …")."""
    words = [w for w in fold(spec.title).split() if w not in _TITLE_FILLERS]
    verbs = "|".join(re.escape(w) for w in words)
    return re.match(rf"{_REQUEST_LEAD}(?:{verbs}){_REQUEST_NEXT}", low) is not None


def _task_spans(spec: AgentSpec, low: str) -> list[tuple[int, int]]:
    """Where the agent's task is named in the message ("book a table", "call in sick")."""
    return [match.span() for pattern in _task_patterns(spec.title)
            for match in pattern.finditer(low)]


@lru_cache(maxsize=64)
def _task_patterns(title: str) -> tuple[re.Pattern[str], ...]:
    """The patterns that name a task with this title (one agent's, built once)."""
    words = fold(title).split()
    if not words:
        return ()
    verb = words[0]
    verbs = "call|ring|phone|calling|ringing|phoning" if verb == "call" else re.escape(verb)
    rest = "".join(r"\s+" + re.escape(w) for w in words[1:])
    named = re.compile(rf"\b(?:{verbs})(?:s|ing|ed)?(?:\s+me)?{rest}\b")
    if verb == "call":
        return named, re.compile(r"\bsickie\b|\bin sick\b")
    return (named,)


Scanner = Callable[[str], list[Hit]]


def _scanner(slot_type: InputType, spec: AgentSpec, ctx: ParseContext) -> Scanner | None:
    if slot_type is InputType.PHONE:
        return lambda text: scan_phones(text, ctx.region)
    if slot_type is InputType.DATE:
        return lambda text: [h for h in scan_dates(text, ctx) if not h.error]
    if slot_type is InputType.TIME:
        return lambda text: [h for h in scan_times(text, spec.time_hint) if not h.error]
    if slot_type is InputType.NUMBER:
        return scan_numbers
    return None


def _target(spec: AgentSpec, slot_type: InputType, asked: SlotSpec | None, out: Findings,
            values: Mapping[str, Value], correcting: bool) -> SlotSpec | None:
    if asked is not None and asked.type is slot_type and asked.name not in out.commands:
        return asked
    for slot in spec.slots:
        if slot.type is not slot_type or not slot.asked or slot.name in out.commands:
            continue
        if slot.name in values and not correcting:
            continue
        return slot
    return None


def _returning(before: str) -> bool:
    """Whether a date is when the person is back ("back on Monday"; not "won't be in Monday")."""
    cue = RETURN_CUE.search(before)
    return cue is not None and not _NOT_BEFORE.search(before[:cue.start()])


_NOT_BEFORE = re.compile(r"\b(?:won'?t|wont|can'?t|cant|cannot|not|never)\s+$")


def _return_slot(spec: AgentSpec, out: Findings) -> SlotSpec | None:
    for slot in spec.slots:
        words = slot.name + " " + fold(slot.label)
        if slot.type is InputType.DATE and any(w in words for w in RETURN_WORDS):
            return slot if slot.name not in out.commands else None
    return None


def _read_typed(spec: AgentSpec, reading: MessageReading, asked: SlotSpec | None,
                values: Mapping[str, Value], correcting: bool, ctx: ParseContext,
                out: Findings) -> None:
    if DONT_KNOW_VOLUNTEERED.search(reading.low):
        for slot in spec.slots:
            if slot.type is InputType.PHONE and slot.unknown_finds_place:
                out.put(DontKnow(slot.name))
    for slot_type in (InputType.PHONE, InputType.TIME, InputType.DATE, InputType.NUMBER):
        # a phone number is read even without a phone slot: its digits are never a count
        if slot_type is not InputType.PHONE and slot_type not in spec.input_types:
            continue
        scan = _scanner(slot_type, spec, ctx)
        if scan is None:
            continue
        for hit in scan(reading.masked):
            target = None
            if slot_type is InputType.DATE and _returning(reading.low[:hit.start]):
                target = _return_slot(spec, out)
            target = target or _target(spec, slot_type, asked, out, values, correcting)
            reading.take(hit.start, hit.end)  # a value, even unused, is never part of a name
            if target is None:
                continue
            out.put(_command(target, hit, reading.text, ctx))
    _read_choices(spec, reading, asked, values, correcting, out)


def _command(slot: SlotSpec, hit: Hit, text: str, ctx: ParseContext) -> Command:
    if not hit.ambiguous:
        return SetSlot(slot.name, hit.value)
    result = parse_slot(slot, text[hit.start:hit.end], ctx)
    if isinstance(result, Ambiguous):
        return NeedsClarification(slot.name, result.question, result.options)
    if isinstance(result, Parsed):
        return SetSlot(slot.name, result.value)
    return NeedsClarification(slot.name, "Which do you mean?", hit.options)


def _read_choices(spec: AgentSpec, reading: MessageReading, asked: SlotSpec | None,
                  values: Mapping[str, Value], correcting: bool, out: Findings) -> None:
    for slot in spec.slots:
        if slot.type is not InputType.CHOICE or slot.name in out.commands:
            continue
        if slot.name in values and not correcting and slot is not asked:
            continue
        options, hits = choose(_without_business_words(spec, reading, slot), slot.choices)
        if len(options) == 1:
            for hit in hits:  # another choice's word may be part of a name ("... Hospital")
                if hit.value == options[0]:
                    reading.take(hit.start, hit.end)
            out.put(SetSlot(slot.name, options[0]))
        elif options and slot is asked:
            labels = {c.value: c.label for c in slot.choices}
            question = "Which one: " + " or ".join(f'"{labels[str(o)]}"' for o in options) + "?"
            out.put(NeedsClarification(slot.name, question, options))


def _without_business_words(spec: AgentSpec, reading: MessageReading, slot: SlotSpec) -> str:
    """The masked message without choice words that are part of a business's name.

    The masked message with choice words blanked where they are part of a capitalised
    business name ("Gold Coast University Hospital"): a name is not evidence for a choice.
    """
    masked = reading.masked
    if not spec.text_slots(TextKind.BUSINESS_NAME):
        return masked
    business = find_business(reading.text, masked)
    if business is None:
        return masked
    chars = list(masked)
    for hit in scan_choices(masked, slot.choices):
        inside = business.start <= hit.start and hit.end <= business.end
        if inside and reading.text[hit.start].isupper():
            chars[hit.start:hit.end] = " " * (hit.end - hit.start)
    return "".join(chars)


_CLAUSES = re.compile(r"\s*[,;]\s*|\s*[.!?](?:\s+|$)|\s+(?:and|but)\s+")
# A clause that starts by naming the name ("name's Kate", "it's under Lee")
_NAME_CUE = re.compile(r"^\W*(?:(?:my|the|our)\s+)?(?:name'?s|names|name\s+is|under)\b",
                       re.IGNORECASE)
# A clause that only announces the name, which the next clause gives ("It's under my name, Aisha")
_NAME_ANNOUNCED = re.compile(
    r"^\W*(?:(?:it'?s|its|it\s+is|put\s+it|book\s+it|booked|the\s+booking'?s?)\s+)*"
    r"(?:under\s+)?(?:my|the|our)\s+name(?:'?s|\s+is)?\W*$", re.IGNORECASE)


def _read_name_clause(slot: SlotSpec, rest: str, partial: bool, ctx: ParseContext) -> ParseResult:
    """An asked name, read from the clause that gives it.

    An asked name read from the clause that gives it: the first one ("Richard, shift is at
    10"), or a later one that names it ("actually it's sunday. name's Kate") or follows one that
    announces it ("It's under my name, Aisha Rahman"). Unread parts of the reply never are.
    """
    clauses = [c for c in _CLAUSES.split(rest) if c and c.strip()]
    candidates = [clauses[0] if partial and clauses else rest]
    for index, clause in enumerate(clauses):
        if index and _NAME_CUE.match(clause):
            candidates.append(clause)
        if _NAME_ANNOUNCED.match(clause) and index + 1 < len(clauses):
            candidates.append(clauses[index + 1])
    results = [parse_slot(slot, candidate, ctx) for candidate in candidates]
    return next((r for r in results if isinstance(r, Parsed)), results[0])


def _read_asked(spec: AgentSpec, slot: SlotSpec, reading: MessageReading, ctx: ParseContext,
                values: Mapping[str, Value], correcting: bool, out: Findings) -> None:
    rest = reading.rest() if reading.taken else reading.text
    words = re.findall(r"[\w']+", fold(rest))
    if slot.type is InputType.TEXT and words and all(w in JOINING for w in words):
        rest = ""  # only task or joining words left ("I need to", "because")
    if not rest or is_filler(rest):
        if not out.commands:
            out.put(SlotRejected(slot.name, _reask(slot)))
        return
    if slot.type is InputType.TEXT and slot.text_kind is not TextKind.FREE:
        result = _read_name_clause(slot, rest, bool(reading.taken), ctx)
    else:
        result = parse_slot(slot, rest, ctx)
    if isinstance(result, Parsed):
        value = split_product_count(slot, result.value, spec, out, values, correcting)
        out.put(SetSlot(slot.name, value))
    elif isinstance(result, Ambiguous):
        out.put(NeedsClarification(slot.name, result.question, result.options))
    elif isinstance(result, Rejected) and not out.commands:
        out.put(SlotRejected(slot.name, result.reason))
