"""Property: nothing a client sends to the conversation API produces a 500."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.server import LiveServer

from proxycall.api.turn_response import TurnResponse

AGENTS = st.sampled_from(["SICK_CALLER", "STOCK_CHECKER", "RESTAURANT_RESERVATION",
                          "CANCEL_APPOINTMENT", "NOPE"])
SLOT_NAMES = st.sampled_from([
    "employer_name", "employer_phone", "caller_name", "shift_date", "shift_start_time",
    "reason_category", "quantity", "product_name", "place_id", "placeId", "party_size",
    "date", "time", "place_phone", "x",
])
SLOT_VALUES = st.one_of(st.text(max_size=60), st.integers(-10**12, 10**12), st.none(),
                        st.floats(allow_nan=False, allow_infinity=False), st.booleans())
MESSAGES = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["", "tomorrow", "9", "000", "triple zero", "yes", "keep", "REJECT",
                     "Call in sick to Bunnings", "3", "0412 345 678", "the 31st", "noon"]),
)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(agent=AGENTS, message=MESSAGES, slots=st.dictionaries(SLOT_NAMES, SLOT_VALUES,
       max_size=4), action=st.sampled_from([None, "CONFIRM", "REJECT"]),
       timezone=st.sampled_from([None, "Australia/Perth", "UTC", "Pacific/Kiritimati"]))
def test_no_input_produces_a_500(sqlite_server: LiveServer, agent: str, message: str,
                                 slots: dict, action: str | None, timezone: str | None) -> None:
    cid = f"fuzz-{uuid.uuid4().hex[:8]}"
    with sqlite_server.client() as client:
        for _ in range(2):
            response = client.post("/v2/conversation/next", json={
                "conversationId": cid, "agentType": agent, "userMessage": message,
                "slots": slots, "clientAction": action, "timezone": timezone})
            assert response.status_code < 500, response.text
            assert response.status_code in (200, 409, 422), response.text
            if response.status_code == 200:  # an answer always has the declared shape
                TurnResponse.model_validate(response.json())
