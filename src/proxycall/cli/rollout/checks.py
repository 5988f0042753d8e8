"""Pure checks of conversation, brief and call responses against the rollout log's expectations.

Each check takes plain JSON (dicts) and returns whether it holds plus the "actual" text for
the PASS/FAIL table, so every check can be tested on canned responses without a server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"
TERMINAL_CALL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
SUMMARY_PREFIX = "[V2-SUMMARY]"

JsonObject = Mapping[str, Any]


@dataclass
class Row:
    """One line of a PASS/FAIL table (a row of the rollout log's tables or artifact lists)."""

    scenario: str
    turn: str
    input: str
    expected: str
    actual: str
    status: str

    @property
    def passed(self) -> bool:
        """True when the check's value is within its threshold."""
        return self.status != FAIL

    def as_dict(self) -> dict[str, str]:
        """The row as JSON-ready data."""
        return asdict(self)


def row(scenario: str, turn: str, input_: str, expected: str, ok: bool, actual: str) -> Row:
    """A PASS or FAIL row."""
    return Row(scenario, turn, input_, expected, actual, PASS if ok else FAIL)


# --- reading a response ---


def extracted(response: JsonObject | None) -> dict[str, Any]:
    """The response's extractedData (empty when missing or malformed)."""
    data = (response or {}).get("extractedData")
    return dict(data) if isinstance(data, Mapping) else {}


def question_field(response: JsonObject | None) -> str | None:
    """The slot a response asks for, if it asks."""
    question = (response or {}).get("question")
    if isinstance(question, Mapping) and isinstance(question.get("field"), str):
        return str(question["field"])
    return None


def describe(response: JsonObject | None) -> str:
    """A short text for the Actual column: the action and the asked slot."""
    if not response:
        return "no response"
    action = str(response.get("nextAction", "?"))
    asked = question_field(response)
    return f"{action}({asked})" if action == "ASK_QUESTION" and asked else action


def find_summary_line(response: JsonObject | None) -> str | None:
    """The turn's [V2-SUMMARY] line, wherever debugPayload carries it."""
    return _find_prefixed((response or {}).get("debugPayload"), SUMMARY_PREFIX)


def _find_prefixed(node: Any, prefix: str) -> str | None:
    if isinstance(node, str):
        return node if node.startswith(prefix) else None
    children: Iterable[Any] = ()
    if isinstance(node, Mapping):
        children = node.values()
    elif isinstance(node, list):
        children = node
    for child in children:
        found = _find_prefixed(child, prefix)
        if found:
            return found
    return None


def mask_phone(value: str) -> str:
    """"+61412345678" -> "+6141****678": phone numbers are never shown whole."""
    if len(value) < 9:
        return "****"
    return f"{value[:5]}****{value[-3:]}"


def show_value(name: str, value: Any) -> str:
    """A slot value for the Actual column, with phone numbers masked."""
    text = str(value)
    if "phone" in name and re.fullmatch(r"\+?\d{8,15}", text):
        return mask_phone(text)
    return text


# --- slot and action checks ---


def slot_check(response: JsonObject | None, slot: str, expected: Any | None = None,
               with_action: bool = True) -> tuple[bool, str]:
    """The slot is in extractedData (and equals `expected` when given, case-insensitively).

    `expected` may be a list of acceptable values.
    """
    data = extracted(response)
    action = f"; {describe(response)}" if with_action else ""
    if slot not in data or data[slot] in (None, ""):
        return False, f"{slot} missing{action}"
    value = data[slot]
    shown = f"{slot}={show_value(slot, value)}{action}"
    if expected is None:
        return True, shown
    wanted = list(expected) if isinstance(expected, (list, tuple, set)) else [expected]
    ok = any(str(value).casefold() == str(item).casefold() for item in wanted)
    return ok, shown if ok else f"{shown} (expected {show_value(slot, wanted[0])})"


def action_check(response: JsonObject | None, action: str) -> tuple[bool, str]:
    """The response's nextAction is `action`."""
    got = (response or {}).get("nextAction")
    return got == action, describe(response)


def engine_check(responses: Sequence[JsonObject], expected: str) -> tuple[bool, str]:
    """Every response says engineVersion `expected`."""
    seen = [str(r.get("engineVersion")) for r in responses]
    if not seen:
        return False, "no responses"
    wrong = sorted({v for v in seen if v != expected})
    if wrong:
        return False, f"engineVersion {', '.join(wrong)} on {len(seen) - seen.count(expected)}" \
                      f" of {len(seen)} turns"
    return True, f'engineVersion "{expected}" on all {len(seen)} turns'


def meta_check(responses: Sequence[JsonObject], key: str, expected: Any) -> tuple[bool, str]:
    """Every response's agentMeta[key] equals `expected`."""
    seen = [(r.get("agentMeta") or {}).get(key) if isinstance(r.get("agentMeta"), Mapping)
            else "<no agentMeta>" for r in responses]
    if not seen:
        return False, "no responses"
    wrong = [v for v in seen if v != expected]
    if wrong:
        return False, f"agentMeta.{key}={wrong[0]!r} on {len(wrong)} of {len(seen)} turns"
    return True, f'agentMeta.{key}="{expected}" on all {len(seen)} turns'


def summary_check(responses: Sequence[JsonObject]) -> tuple[bool, str]:
    """Every response carried its [V2-SUMMARY] line in debugPayload."""
    missing = sum(1 for r in responses if find_summary_line(r) is None)
    if not responses:
        return False, "no responses"
    if missing:
        return False, f"no [V2-SUMMARY] line on {missing} of {len(responses)} turns"
    return True, f"[V2-SUMMARY] line on all {len(responses)} turns"


# --- acceptance criteria over a whole conversation ---


def repeated_question(responses: Sequence[JsonObject]) -> str | None:
    """The first slot asked on two turns in a row, if any."""
    previous: str | None = None
    for response in responses:
        asked = question_field(response) if response.get("nextAction") == "ASK_QUESTION" else None
        if asked is not None and asked == previous:
            return asked
        previous = asked
    return None


def lost_keys(responses: Sequence[JsonObject]) -> list[str]:
    """Slots present on one turn and missing on the next (extractedData must be cumulative)."""
    lost: list[str] = []
    previous: set[str] = set()
    for response in responses:
        keys = {k for k, v in extracted(response).items() if v not in (None, "")}
        lost.extend(k for k in sorted(previous - keys) if k not in lost)
        previous = keys | previous
    return lost


# --- cards and briefs: a value may be shown canonically or rendered for people ---


def mentions(text: str, kind: str, value: Any) -> bool:
    """Whether `text` shows `value` of slot type `kind`, canonical or as templates render it."""
    folded = text.casefold()
    raw = str(value)
    if kind == "phone":
        digits = re.sub(r"\D", "", text)
        national = "0" + raw[3:] if raw.startswith("+61") else raw.lstrip("+")
        return raw.lstrip("+") in digits or national in digits
    variants = [raw]
    if kind == "date":
        variants += _date_variants(raw)
    elif kind == "time":
        variants += _time_variants(raw)
    elif kind == "choice":
        variants += [raw.replace("_", " ")]
    if kind == "number":
        return re.search(rf"(?<!\d){re.escape(raw)}(?!\d)", text) is not None
    return any(v.casefold() in folded for v in variants)


def _date_variants(iso: str) -> list[str]:
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return []
    return [f"{day:%A} {day.day} {day:%B}", f"{day.day} {day:%B}", f"{day:%A} the {day.day}"]


def _time_variants(hhmm: str) -> list[str]:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", hhmm)
    if not match:
        return []
    hour, minute = int(match[1]), int(match[2])
    suffix, hour12 = ("am" if hour < 12 else "pm"), (hour % 12 or 12)
    if minute == 0:
        return [f"{hour12} {suffix}", f"{hour12}{suffix}", f"{hour12}:00 {suffix}"]
    return [f"{hour12}:{minute:02d} {suffix}", f"{hour12}:{minute:02d}{suffix}"]


def card_text(card: JsonObject | None) -> str:
    """All the text on a confirmation card, one line each."""
    if not isinstance(card, Mapping):
        return ""
    lines = card.get("lines") or []
    parts = [str(card.get("title", ""))] + [_line_text(line) for line in lines]
    return "\n".join(parts)


def _line_text(line: Any) -> str:
    if isinstance(line, Mapping):  # tolerate {label, value} lines as well as strings
        return " ".join(str(v) for v in line.values())
    return str(line)


def card_check(response: JsonObject | None, values: Mapping[str, tuple[str, Any]],
               ) -> tuple[bool, str]:
    """A CONFIRM card is present, fully rendered, and shows every value in `values`.

    `values` maps a slot name to (kind, canonical value).
    """
    card = (response or {}).get("confirmationCard")
    if not isinstance(card, Mapping):
        return False, f"no confirmationCard; {describe(response)}"
    text = card_text(card)
    problems = [f"missing {name}" for name, (kind, value) in values.items()
                if not mentions(text, kind, value)]
    if re.search(r"\{[a-z_]+\}", text):
        problems.append("unrendered template placeholder")
    for key in ("confirmLabel", "rejectLabel", "cardId"):
        if not card.get(key):
            problems.append(f"no {key}")
    if problems:
        return False, "card: " + ", ".join(problems)
    return True, f"card with {len(values)} values, {len(card.get('lines') or [])} lines"


def brief_check(brief: JsonObject | None, values: Mapping[str, tuple[str, Any]],
                phone: str | None) -> tuple[bool, str]:
    """The brief's objective names the same values as the card and dials the confirmed number."""
    if not isinstance(brief, Mapping):
        return False, "no brief"
    objective = str(brief.get("objective", ""))
    problems = [f"objective lacks {name}" for name, (kind, value) in values.items()
                if not mentions(objective, kind, value)]
    if phone is not None and brief.get("normalizedPhoneE164") != phone:
        problems.append("normalizedPhoneE164 differs from the card's number")
    if brief.get("requiredFieldsMissing"):
        problems.append(f"requiredFieldsMissing={brief.get('requiredFieldsMissing')}")
    if problems:
        return False, "; ".join(problems)
    return True, f"objective names {', '.join(values)}; same number"


def call_checks(status: JsonObject | None, timed_out: bool) -> tuple[tuple[bool, str],
                                                                    tuple[bool, str]]:
    """(zero LLM calls, terminated cleanly) for the last /call/status answer."""
    if not isinstance(status, Mapping):
        return (False, "no call status"), (False, "no call status")
    llm_calls = status.get("llmCalls")
    llm = (llm_calls == 0, f"llmCalls={llm_calls}")
    state, terminal = status.get("status"), status.get("terminal")
    clean = terminal is True and state in TERMINAL_CALL_STATUSES and not timed_out
    ended = f"status={state} terminal={terminal} endReason={status.get('endReason')}"
    return llm, (clean, ended + (" (gave up waiting)" if timed_out else ""))
