"""Each agent's declared summary wording, rendered from the facts and the confirmed values."""

from __future__ import annotations

import pytest

from proxycall.core.agents import default_registry
from proxycall.core.calls import CallStatus, EndReason, derive_outcome
from proxycall.core.voice import AnsweredBy

AGENTS = default_registry().agents
SICK_VALUES = {"employer_name": "Bunnings", "caller_name": "Richard",
               "shift_date": "2026-11-28", "shift_start_time": "09:00"}


@pytest.mark.parametrize(
    ("agent", "facts", "values", "answered", "summary"),
    [
        ("SICK_CALLER", {"message_delivered": "YES", "delivered_to": "person",
                         "acknowledged": "YES"}, SICK_VALUES, AnsweredBy.HUMAN,
         "Told Bunnings that Richard won't make the shift on Saturday 28 November at 9 am, "
         "and they acknowledged it."),
        ("SICK_CALLER", {"message_delivered": "YES", "delivered_to": "voicemail"}, SICK_VALUES,
         AnsweredBy.MACHINE, "Left a voicemail for Bunnings: Richard won't make the shift on "
         "Saturday 28 November at 9 am."),
        ("STOCK_CHECKER", {"in_stock": "YES", "quantity_available": 5},
         {"place_name": "JB Hi-Fi Chermside"}, AnsweredBy.HUMAN,
         "JB Hi-Fi Chermside has 5 in stock."),
        ("STOCK_CHECKER", {"in_stock": "NO", "restock_date": "2026-12-01"},
         {"place_name": "JB Hi-Fi Carindale", "product_name": "Sony headphones"},
         AnsweredBy.HUMAN, "JB Hi-Fi Carindale doesn't have Sony headphones in stock. More are "
         "expected on Tuesday 1 December."),
        ("RESTAURANT_RESERVATION", {"booked": "NO", "booked_time": "19:30"},
         {"place_name": "Sushi Train Newstead", "time": "19:00"}, AnsweredBy.HUMAN,
         "Sushi Train Newstead couldn't do 7 pm, but offered 7:30 pm."),
        ("CANCEL_APPOINTMENT", {"cancelled": "YES", "fee_mentioned": "0.00"},
         {"place_name": "Smile Dental", "customer_name": "Jo", "appointment_day": "2026-11-30",
          "appointment_time": "10:00"}, AnsweredBy.HUMAN,
         "Cancelled Jo's appointment at Smile Dental on Monday 30 November at 10 am. "
         "Cancellation fee: no charge."),
    ],
)
def test_declared_summary(agent: str, facts: dict, values: dict, answered: AnsweredBy,
                          summary: str) -> None:
    outcome = derive_outcome(AGENTS[agent], facts, CallStatus.COMPLETED, answered,
                             EndReason.COMPLETED, values=values)
    assert outcome.summary == summary
