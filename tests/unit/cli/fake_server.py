"""A scripted stand-in for a proxycall server, served through httpx.MockTransport.

It answers the seed's scenarios the way the contract says a correct server does; the knobs make
it answer wrongly in one specific way so the smoke checks can be seen to fail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

SICK_ORDER = ("employer_name", "employer_phone", "caller_name", "shift_date",
              "shift_start_time", "reason_category")
SICK_READS = {"Call in sick to Bunnings": "Bunnings", "+61412345678": "+61412345678",
              "Richard": "Richard", "tomorrow": "2026-02-02", "9am": "09:00", "SICK": "SICK"}
PLACE = {"placeId": "bundled:jb-hifi-chermside", "name": "JB Hi-Fi Chermside",
         "formattedAddress": "Westfield Chermside QLD 4032", "phone": "+61755501234"}


@dataclass
class FakeServer:
    """Conversation, places, call and admin endpoints with canned, seed-shaped answers."""

    engine: str = "v2"
    drop_key_on_turn: int | None = None  # forget employer_name in the answer to this sick turn
    llm_calls: int = 0
    card_lines: tuple[str, ...] | None = None  # override the sick card's lines
    status_polls_before_end: int = 1
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    polls: int = 0

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer secret-token"
        body = json.loads(request.content) if request.content else {}
        path = request.url.path
        routes = {
            "/v2/conversation/next": lambda: self.turn(body),
            "/places/search": lambda: {"candidates": [PLACE], "radiusKm": 10},
            "/call/brief": lambda: self.brief(body),
            "/call/start": lambda: {"callId": "CA1", "status": "queued"},
            "/call/status/CA1": self.status,
            "/admin/startup": lambda: {"startedAt": "2026-02-01T00:00:00+00:00",
                                       "lines": ["[STARTUP] Conversation engine: v2",
                                                 "[STARTUP] Kill switch active: False"]},
            "/admin/kill-switch": lambda: {"env": False, "runtime": False, "effective": False},
            "/admin/rollout/records": lambda: self.record(request.method, body),
        }
        if path not in routes:
            return httpx.Response(404, json={"error": {"code": "not_found", "message": path}})
        return httpx.Response(200, json=routes[path]())

    def record(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "POST":
            self.records.append(body)
            return {"id": len(self.records), **body}
        return {"records": list(reversed(self.records))}

    # --- conversations ---

    def turn(self, body: dict[str, Any]) -> dict[str, Any]:
        conv = self.state.setdefault(body["conversationId"], {"data": {}, "turn": 0})
        conv["turn"] += 1
        agent, action = body["agentType"], body.get("clientAction")
        data: dict[str, Any] = conv["data"]
        if action == "CONFIRM":
            return self.answer(conv, agent, "COMPLETE")
        if action == "REJECT":
            return self.answer(conv, agent, "ASK_QUESTION", ask="employer_name")
        if agent == "STOCK_CHECKER":
            return self.stock(conv, body)
        missing = [s for s in SICK_ORDER if s not in data]
        if missing:
            data[missing[0]] = SICK_READS[body["userMessage"]]
        missing = [s for s in SICK_ORDER if s not in data]
        if missing:
            return self.answer(conv, agent, "ASK_QUESTION", ask=missing[0])
        return self.answer(conv, agent, "CONFIRM")

    def stock(self, conv: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        data = conv["data"]
        if body.get("slots", {}).get("place_id"):
            data.update(place_id=PLACE["placeId"], place_name=PLACE["name"],
                        place_address=PLACE["formattedAddress"], place_phone=PLACE["phone"])
            return self.answer(conv, "STOCK_CHECKER", "CONFIRM")
        if body["userMessage"] == "3":
            data["quantity"] = 3
            return self.answer(conv, "STOCK_CHECKER", "FIND_PLACE")
        data.update(retailer_name="JB Hi-Fi", product_name="Sony headphones")
        return self.answer(conv, "STOCK_CHECKER", "ASK_QUESTION", ask="quantity")

    def answer(self, conv: dict[str, Any], agent: str, action: str,
               ask: str | None = None) -> dict[str, Any]:
        data = dict(conv["data"])
        if agent == "SICK_CALLER" and conv["turn"] == self.drop_key_on_turn:
            data.pop("employer_name", None)
        response: dict[str, Any] = {
            "conversationId": "x", "turn": conv["turn"], "engineVersion": self.engine,
            "nextAction": action, "assistantMessage": "…", "extractedData": data,
            "question": {"field": ask, "text": "?"} if ask else None,
            "agentMeta": {"phoneSource": "PLACE" if agent == "STOCK_CHECKER" else "DIRECT_SLOT",
                          "directPhoneSlot": None if agent == "STOCK_CHECKER"
                          else "employer_phone"},
            "debugPayload": {"summaryLine": f"[V2-SUMMARY] id=x agent={agent} action={action} "
                                            f"question={ask or 'none'} slots_filled={len(data)} "
                                            "ai_used=false"},
        }
        if action == "FIND_PLACE":
            response["placeSearchParams"] = {"query": "JB Hi-Fi", "area": None, "country": "AU"}
        if action == "CONFIRM":
            response["confirmationCard"] = self.card(agent, data)
        return response

    def card(self, agent: str, data: dict[str, Any]) -> dict[str, Any]:
        if agent == "STOCK_CHECKER":
            lines = [f"Calling: {data['place_name']}", "Product: Sony headphones", "Quantity: 3"]
        else:
            lines = list(self.card_lines or (
                "Calling: Bunnings on 0412 345 678", "From: Richard",
                "Shift: Monday 2 February at 9 am", "Reason: I'm sick"))
        return {"title": "Card", "lines": lines, "confirmLabel": "Make the call",
                "rejectLabel": "Change something", "cardId": "c1"}

    # --- calls ---

    def brief(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"objective": "Tell Bunnings that Richard can't make the shift on Monday "
                             "2 February at 9 am.",
                "normalizedPhoneE164": "+61412345678", "requiredFieldsMissing": []}

    def status(self) -> dict[str, Any]:
        self.polls += 1
        done = self.polls > self.status_polls_before_end
        return {"callId": "CA1", "status": "completed" if done else "ringing", "terminal": done,
                "endReason": "hangup" if done else None, "llmCalls": self.llm_calls}
