"""Calling hours over HTTP: a business call outside its hours waits, then the worker dials it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from tests.integration.calls.conftest import (
    CallServer,
    call_server,
    confirm_sick_call,
    confirm_stock_check,
    start_call,
    wait_terminal,
)

BRISBANE = ZoneInfo("Australia/Brisbane")


def _next_sunday_3am() -> datetime:
    today = datetime.now(BRISBANE).date() + timedelta(days=7)
    sunday = today + timedelta(days=(6 - today.weekday()) % 7)
    return datetime.combine(sunday, time(3, 0), tzinfo=BRISBANE)


@pytest.fixture(scope="module")
def hours_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CallServer]:
    """The default call window and opening-hours check, on a clock set to a Sunday, 3 am."""
    with call_server(tmp_path_factory.mktemp("calls-hours")) as live:
        live.clock.offset = _next_sunday_3am() - datetime.now(UTC)
        yield live


def test_a_store_is_called_when_it_opens(hours_server: CallServer) -> None:
    sunday = _next_sunday_3am()
    hours_server.clock.offset = sunday - datetime.now(UTC)
    monday_9am = datetime.combine(sunday.date() + timedelta(days=1), time(9, 0), tzinfo=BRISBANE)
    with hours_server.client(hours_server.new_user()) as client:
        cid = confirm_stock_check(client)
        started = start_call(client, cid)
        assert started.status_code == 200, started.text
        body = started.json()
        assert body["status"] == "scheduled" and body["terminal"] is False
        assert datetime.fromisoformat(body["scheduledFor"]) == monday_9am
        assert "9 am" in body["message"] and "Monday" in body["message"]
        assert start_call(client, cid).json()["callId"] == body["callId"]
        assert hours_server.simulator.calls_to("+61755501001") == []
        hours_server.clock.offset = (monday_9am + timedelta(seconds=5)) - datetime.now(UTC)
        done = wait_terminal(client, body["callId"])
    assert done["status"] == "completed"
    assert done["outcome"]["facts"]["in_stock"] == "YES"
    assert len(hours_server.simulator.calls_to("+61755501001")) == 1


def test_a_sick_call_is_not_held_to_the_window(hours_server: CallServer) -> None:
    hours_server.clock.offset = _next_sunday_3am() - datetime.now(UTC)
    with hours_server.client(hours_server.new_user()) as client:
        cid = confirm_sick_call(client, "0491 573 770")
        body = start_call(client, cid).json()
        assert body["status"] != "scheduled"
        assert wait_terminal(client, body["callId"])["status"] == "completed"
