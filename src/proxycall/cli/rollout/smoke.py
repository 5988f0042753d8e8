"""The rollout log's three smoke scenarios plus brief, start and status, over HTTP, checked."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from proxycall.cli.rollout import checks as checks
from proxycall.cli.rollout.checks import FAIL, PASS, SKIP, Row, row
from proxycall.cli.rollout.client import JsonObject, RolloutClient, RolloutHttpError

CALL_TIMEOUT_SECONDS = 60.0
CALL_POLL_SECONDS = 0.5
MAX_FOLLOW_UPS = 3  # v1 fills one slot per turn: answers to its questions, per rollout-log step
SCENARIOS = ("stock", "sick", "rejection")

STOCK_FIRST = "Check if JB Hi-Fi has Sony headphones"
# The rollout log's values, used to answer a v1 engine that asks for them one at a time.
STOCK_ANSWERS = {"retailer_name": "JB Hi-Fi", "product_name": "Sony headphones", "quantity": "3"}
SICK_STEPS: tuple[tuple[str, str, str], ...] = (  # (input, slot, kind)
    ("Call in sick to Bunnings", "employer_name", "text"),
    ("+61412345678", "employer_phone", "phone"),
    ("Richard", "caller_name", "text"),
    ("tomorrow", "shift_date", "date"),
    ("9am", "shift_start_time", "time"),
    ("SICK", "reason_category", "choice"),
)
SICK_VALUES: dict[str, Any] = {"employer_name": "Bunnings", "employer_phone": "+61412345678",
                               "caller_name": "Richard", "shift_start_time": "09:00",
                               "reason_category": "SICK"}
SICK_ANSWERS = {slot: text for text, slot, _ in SICK_STEPS} | {"employer_name": "Bunnings"}

CardHook = Callable[[str, str, JsonObject], dict[str, Any]]
"""Called with (scenario, conversationId, card response) while a card is shown; returns
{"taken": bool, "path"?: str, "reason"?: str}."""


@dataclass(frozen=True)
class SmokeOptions:
    """What a smoke run checks and how long it may wait."""

    stamp: str
    expect_engine: str = "v2"
    timezone: str = "Australia/Brisbane"
    call_timeout_s: float = CALL_TIMEOUT_SECONDS
    poll_interval_s: float = CALL_POLL_SECONDS


@dataclass
class SmokeConversation:
    """One scenario's conversation: its id and every response it got."""

    scenario: str
    conversation_id: str
    agent_type: str
    responses: list[JsonObject] = field(default_factory=list)
    summaries: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    sent: int = 0


@dataclass
class SmokeResult:
    """Rows, summary lines and ids of one smoke run."""

    rows: list[Row]
    conversations: dict[str, SmokeConversation]
    screenshots: dict[str, dict[str, Any]]
    call_id: str | None
    started_at: datetime
    finished_at: datetime

    @property
    def passed(self) -> bool:
        """True when every row passed."""
        return all(r.passed for r in self.rows)

    def record_data(self) -> dict[str, Any]:
        """The rows and summary lines as stored in a "smoke" rollout record."""
        return {
            "startedAt": self.started_at.isoformat(), "finishedAt": self.finished_at.isoformat(),
            "passed": self.passed, "rows": [r.as_dict() for r in self.rows],
            "summaries": {k: c.summaries for k, c in self.conversations.items()},
            "conversationIds": {k: c.conversation_id for k, c in self.conversations.items()},
            "callId": self.call_id, "screenshots": self.screenshots,
        }


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class SmokeRun:
    """Runs the scenarios against one server and collects the PASS/FAIL rows."""

    def __init__(self, client: RolloutClient, options: SmokeOptions, *,
                 now: Callable[[], datetime] = utc_now,
                 sleep: Callable[[float], None] = time.sleep,
                 on_card: CardHook | None = None) -> None:
        self.client, self.options = client, options
        self._now, self._sleep, self._on_card = now, sleep, on_card
        self.rows: list[Row] = []
        self.conversations: dict[str, SmokeConversation] = {}
        self.screenshots: dict[str, dict[str, Any]] = {}
        self.cards_ok: list[tuple[bool, str]] = []
        self.brief: tuple[bool, str] = (False, "not reached (the sick call did not complete)")
        self.call: tuple[tuple[bool, str], tuple[bool, str]] | None = None
        self.call_id: str | None = None

    @property
    def v1(self) -> bool:
        """True when the run expects v1 to answer (the kill switch is on)."""
        return self.options.expect_engine == "v1"

    def run(self, scenarios: tuple[str, ...] = SCENARIOS) -> SmokeResult:
        """Run the named scenarios (all three by default) and the acceptance checks."""
        started = self._now()
        if "stock" in scenarios:
            self.stock()
        if "sick" in scenarios:
            self.sick()
        if "rejection" in scenarios:
            self.rejection()
        if scenarios == SCENARIOS:
            self.acceptance()
        return SmokeResult(self.rows, self.conversations, self.screenshots, self.call_id,
                           started, self._now())

    # --- sending turns ---

    def _conversation(self, scenario: str, agent_type: str) -> SmokeConversation:
        conv = SmokeConversation(scenario, f"smoke-{self.options.stamp}-{scenario}", agent_type)
        self.conversations[scenario] = conv
        return conv

    def send(self, conv: SmokeConversation, turn: str, message: str = "", action: str | None = None,
             slots: Mapping[str, Any] | None = None) -> JsonObject | None:
        """One turn; None (and conv.error set) when the server refused or failed."""
        if conv.error:
            return None
        conv.sent += 1
        body = {"conversationId": conv.conversation_id, "agentType": conv.agent_type,
                "userMessage": message, "slots": dict(slots or {}), "clientAction": action,
                "idempotencyKey": f"{conv.conversation_id}-{conv.sent}",
                "timezone": self.options.timezone, "debug": True}
        try:
            response = self.client.next_turn(body, label=f"{conv.scenario} turn {turn}")
        except RolloutHttpError as exc:
            conv.error = str(exc)
            return None
        conv.responses.append(response)
        line = checks.find_summary_line(response)
        if line:
            conv.summaries.append({"turn": turn, "line": line})
        return response

    def _follow_up(self, conv: SmokeConversation, turn: str, response: JsonObject | None, slot: str,
                   answers: Mapping[str, str]) -> JsonObject | None:
        """v1 only: answer its questions with the rollout log's values until `slot` is known."""
        for _ in range(MAX_FOLLOW_UPS if self.v1 else 0):
            asked = checks.question_field(response)
            if (response is None or slot in checks.extracted(response) or asked not in answers
                    or response.get("nextAction") != "ASK_QUESTION"):
                break
            response = self.send(conv, f"{turn}+", answers[str(asked)])
        return response

    def _failed(self, conv: SmokeConversation, response: JsonObject | None) -> str | None:
        if response is None:
            return f"not reached: {conv.error}" if conv.error else "no response"
        return None

    def _add(self, scenario: str, turn: str, input_: str, expected: str,
             conv: SmokeConversation, response: JsonObject | None,
             check: Callable[[JsonObject], tuple[bool, str]]) -> bool:
        added = self._row_for(scenario, turn, input_, expected, conv, response, check)
        self.rows.append(added)
        return added.passed

    def _shot(self, scenario: str, conv: SmokeConversation, response: JsonObject | None) -> None:
        if self._on_card is None or response is None or response.get("nextAction") != "CONFIRM":
            return
        self.screenshots[scenario] = self._on_card(scenario, conv.conversation_id, response)

    # --- Scenario 1: STOCK_CHECKER ---

    def stock(self) -> None:
        """Scenario 1: product and shop, quantity, place selected, CONFIRM."""
        conv = self._conversation("stock", "STOCK_CHECKER")
        r1 = self._follow_up(conv, "1", self.send(conv, "1", STOCK_FIRST), "product_name",
                             STOCK_ANSWERS)
        retailer = None if self.v1 else "JB Hi-Fi"
        self._add("stock", "1", f'"{STOCK_FIRST}"', "product_name", conv, r1,
                  lambda r: _both(checks.slot_check(r, "product_name", "Sony headphones", False),
                                  checks.slot_check(r, "retailer_name", retailer)))
        r2 = self._follow_up(conv, "2", self.send(conv, "2", "3"), "quantity", STOCK_ANSWERS)
        self._add("stock", "2", '"3"', "quantity", conv, r2,
                  lambda r: _both(checks.slot_check(r, "quantity", 3, False),
                                  checks.action_check(r, "FIND_PLACE")))
        r3 = self._select_place(conv, r2)
        self._shot("stock", conv, r3)
        r4 = self.send(conv, "4", action="CONFIRM")
        self._add("stock", "4", "(CONFIRM)", "COMPLETE", conv, r4,
                  lambda r: checks.action_check(r, "COMPLETE"))
        self._artifacts("stock", conv, [("phoneSource", "PLACE")])

    def _select_place(self, conv: SmokeConversation, r2: JsonObject | None) -> JsonObject | None:
        params = (r2 or {}).get("placeSearchParams")
        candidate: JsonObject | None = None
        if r2 is not None and isinstance(params, Mapping):
            try:
                found = self.client.search_places(
                    {k: v for k, v in params.items() if v is not None}, label="stock places")
                candidate = (found.get("candidates") or [None])[0]
            except RolloutHttpError as exc:
                conv.error = str(exc)
        if candidate is None:
            why = conv.error or f"no place to select after {checks.describe(r2)}"
            self.rows.append(row("stock", "3", "(place selected)", "place_id", False, why))
            conv.error = conv.error or why
            self.cards_ok.append((False, f"stock: {why}"))
            return None
        place_id = candidate.get("placeId")
        r3 = self.send(conv, "3", slots={"place_id": place_id})
        values = {"place_name": ("text", candidate.get("name")),
                  "product_name": ("text", "Sony headphones"), "quantity": ("number", 3)}
        card = checks.card_check(r3, values) if r3 else (False, "no response")
        self.cards_ok.append((card[0], f"stock: {card[1]}"))
        self._add("stock", "3", "(place selected)", "place_id", conv, r3,
                  lambda r: _both(checks.slot_check(r, "place_id", place_id, False),
                                  checks.action_check(r, "CONFIRM"), card))
        return r3

    # --- Scenario 2: SICK_CALLER, then brief, start and status ---

    def _tomorrow(self) -> date:
        return (self._now().astimezone(ZoneInfo(self.options.timezone)) + timedelta(days=1)).date()

    def _fill_sick(self, conv: SmokeConversation, with_rows: bool) -> JsonObject | None:
        response: JsonObject | None = None
        for index, (text, slot, _kind) in enumerate(SICK_STEPS, start=1):
            before = self._tomorrow().isoformat()
            response = self._follow_up(conv, str(index), self.send(conv, str(index), text), slot,
                                       SICK_ANSWERS)
            expected = [before, self._tomorrow().isoformat()] if slot == "shift_date" \
                else SICK_VALUES[slot]
            if with_rows:
                self._add("sick", str(index), f'"{text}"', slot, conv, response,
                          partial(checks.slot_check, slot=slot, expected=expected))
        return response

    def _sick_values(self, response: JsonObject | None) -> dict[str, tuple[str, Any]]:
        data = checks.extracted(response)
        return {slot: (kind, data.get(slot)) for _t, slot, kind in SICK_STEPS}

    def sick(self) -> None:
        """Scenario 2: the six rollout-log replies, a card of six slots, CONFIRM; then the call."""
        conv = self._conversation("sick", "SICK_CALLER")
        r6 = self._fill_sick(conv, with_rows=True)
        card = checks.card_check(r6, self._sick_values(r6)) if r6 else (False, "no card")
        self.cards_ok.append((card[0], f"sick: {card[1]}"))
        last = self.rows[-1]
        if last.passed and not card[0]:
            last.status, last.actual = FAIL, f"{last.actual}; {card[1]}"
        elif last.passed:
            last.actual = f"{last.actual}; {card[1]}"
        self._shot("sick", conv, r6)
        r7 = self.send(conv, "7", action="CONFIRM")
        completed = self._add("sick", "7", "(CONFIRM)", "COMPLETE", conv, r7,
                              lambda r: checks.action_check(r, "COMPLETE"))
        self._artifacts("sick", conv, [("phoneSource", "DIRECT_SLOT"),
                                       ("directPhoneSlot", "employer_phone")])
        if completed:
            self._call(conv, r6)
        llm = self.call[0] if self.call else (False, "not reached (no call was placed)")
        self.rows.append(row("sick", "artifact", "(call)", "Twilio: zero OpenAI calls", *llm))

    def _call(self, conv: SmokeConversation, card_response: JsonObject | None) -> None:
        values = {k: v for k, v in self._sick_values(card_response).items()
                  if k in ("employer_name", "caller_name", "shift_date", "shift_start_time")}
        phone = checks.extracted(card_response).get("employer_phone")
        try:
            brief = self.client.call_brief(conv.conversation_id, label="sick brief")
            self.brief = checks.brief_check(brief, values, phone)
            started = self.client.call_start(conv.conversation_id, f"{conv.conversation_id}-call",
                                             label="sick call start")
            self.call_id = str(started.get("callId"))
            self.call = self._poll(self.call_id)
        except RolloutHttpError as exc:
            if self.brief[1].startswith("not reached"):
                self.brief = (False, str(exc))
            self.call = ((False, str(exc)), (False, str(exc)))

    def _poll(self, call_id: str) -> tuple[tuple[bool, str], tuple[bool, str]]:
        """Poll /call/status until terminal, at most call_timeout_s."""
        interval = self.options.poll_interval_s
        status: JsonObject | None = None
        for _ in range(math.ceil(self.options.call_timeout_s / interval) + 1):
            status = self.client.call_status(call_id, label="sick call status")
            if status.get("terminal") is True:
                return checks.call_checks(status, timed_out=False)
            self._sleep(interval)
        return checks.call_checks(status, timed_out=True)

    # --- Scenario 3: rejection ---

    def rejection(self) -> None:
        """Scenario 3: a sick call filled to the card, REJECT keeps every value, CONFIRM."""
        conv = self._conversation("rejection", "SICK_CALLER")
        card = self._fill_sick(conv, with_rows=False)
        if card is not None and card.get("nextAction") != "CONFIRM":
            conv.error = f"setup did not reach the card: {checks.describe(card)}"
        kept = checks.extracted(card)
        rejected = self.send(conv, "REJECT", action="REJECT")
        reject_row = self._row_for("rejection", "REJECT", "REJECT",
                                   "ASK_QUESTION (employer_name)", conv, rejected,
                                   lambda r: _rejected_check(r, kept))
        confirmed = self.send(conv, "CONFIRM", action="CONFIRM")
        self.rows.append(self._row_for("rejection", "CONFIRM", "CONFIRM all slots", "COMPLETE",
                                       conv, confirmed,
                                       lambda r: checks.action_check(r, "COMPLETE")))
        self.rows.append(reject_row)

    def _row_for(self, scenario: str, turn: str, input_: str, expected: str,
                 conv: SmokeConversation, response: JsonObject | None,
                 check: Callable[[JsonObject], tuple[bool, str]]) -> Row:
        problem = self._failed(conv, response)
        if problem is not None or response is None:
            return row(scenario, turn, input_, expected, False, problem or "no response")
        return row(scenario, turn, input_, expected, *check(response))

    # --- artifact rows and acceptance criteria ---

    def _artifacts(self, scenario: str, conv: SmokeConversation,
                   meta: list[tuple[str, str]]) -> None:
        responses = conv.responses
        engine = self.options.expect_engine
        self.rows.append(row(scenario, "artifact", "(every turn)", f'engineVersion: "{engine}"',
                             *checks.engine_check(responses, engine)))
        for key, value in meta:
            self.rows.append(row(scenario, "artifact", "(every turn)",
                                 f'agentMeta.{key}: "{value}"',
                                 *checks.meta_check(responses, key, value)))
        if not self.v1:
            self.rows.append(row(scenario, "artifact", "(every turn)", "[V2-SUMMARY] line",
                                 *checks.summary_check(responses)))
        shot = self.screenshots.get(scenario)
        if self._on_card is not None:
            taken = bool(shot and shot.get("taken"))
            actual = f"saved {shot.get('path')}" if shot and taken else \
                f"not taken ({(shot or {}).get('reason', 'no card was shown')})"
            self.rows.append(Row(scenario, "artifact", "(web app)", "Screenshot: confirmation card",
                                 actual, PASS if taken else SKIP))

    def acceptance(self) -> None:
        """The rollout log's acceptance criteria, over every conversation of this run."""
        convs = list(self.conversations.values())
        repeats = [f"{c.scenario}: {s}" for c in convs if (s := checks.repeated_question(
            c.responses))]
        lost = [f"{c.scenario}: {', '.join(k)}" for c in convs if (k := checks.lost_keys(
            c.responses))]
        cards_ok = bool(self.cards_ok) and all(ok for ok, _ in self.cards_ok)
        llm, ended = self.call or ((False, "no call was placed"), (False, "no call was placed"))
        criteria = [
            ("No repeated slot asked twice in a row", not repeats,
             "; ".join(repeats) or f"checked {sum(len(c.responses) for c in convs)} turns"),
            ("extractedData is cumulative, never loses keys", not lost,
             "lost " + "; ".join(lost) if lost else "no key lost on any turn"),
            ("CONFIRM card matches slots + templates", cards_ok,
             "; ".join(text for _, text in self.cards_ok) or "no card"),
            ("/call/brief matches confirm card intent", *self.brief),
            ("Twilio deterministic flow makes zero OpenAI calls", *llm),
            ("/call/status terminates cleanly", *ended),
        ]
        for name, ok, actual in criteria:
            self.rows.append(row("acceptance", "criterion", "", name, bool(ok), str(actual)))


def _both(*results: tuple[bool, str]) -> tuple[bool, str]:
    """All checks hold; the Actual text joins the distinct ones."""
    texts: list[str] = []
    for _ok, text in results:
        for part in text.split("; "):
            if part not in texts:
                texts.append(part)
    return all(ok for ok, _ in results), "; ".join(texts)


def _rejected_check(response: JsonObject, kept: Mapping[str, Any]) -> tuple[bool, str]:
    """REJECT: ask the first slot again and keep every value the card showed."""
    data = checks.extracted(response)
    changed = sorted(k for k, v in kept.items() if data.get(k) != v)
    asked = checks.question_field(response)
    ok = response.get("nextAction") == "ASK_QUESTION" and asked == "employer_name" \
        and not changed and bool(kept)
    kept_text = f"lost or changed {', '.join(changed)}" if changed else \
        f"all {len(kept)} values kept"
    return ok, f"{checks.describe(response)}; {kept_text}"
