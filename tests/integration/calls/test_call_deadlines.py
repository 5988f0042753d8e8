"""Calls that arrive in time and stay in the person's hands, over HTTP with a movable clock:
a booking's deadline refuses a call that could only come too late, schedules one that can
still help, cancels a waiting call once its moment passed (never dialled), and a scheduled call
is listed, moved and cancelled by its owner only. Bella Napoli (bundled) is closed on Mondays
and opens at 5 pm Tuesday to Sunday."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from tests.integration.calls.conftest import (
    CallServer,
    call_server,
    confirm_sick_call,
    start_call,
    turn,
    wait_terminal,
)

BRISBANE = ZoneInfo("Australia/Brisbane")
BELLA = "bundled:bella-napoli-pizzeria-fortitude-valley"
BELLA_PHONE = "+61770101002"


def next_sunday() -> date:
    start = datetime.now(BRISBANE).date() + timedelta(days=7)
    return start + timedelta(days=(6 - start.weekday()) % 7)


SUNDAY = next_sunday()
MONDAY, TUESDAY = SUNDAY + timedelta(days=1), SUNDAY + timedelta(days=2)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRISBANE)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CallServer]:
    """The default call window and opening hours, on a clock set to Sunday 3 am (Brisbane)."""
    with call_server(tmp_path_factory.mktemp("calls-deadlines")) as live:
        yield live


def set_clock(server: CallServer, moment: datetime) -> None:
    server.clock.offset = moment - datetime.now(UTC)


def confirmed_booking(client: httpx.Client, day: date, hour: str) -> str:
    cid = f"book-{uuid.uuid4().hex[:8]}"
    slots = {"restaurant_name": "Bella Napoli", "party_size": "2", "date": day.isoformat(),
             "time": hour, "booking_name": "Sam", "place_id": BELLA}
    card = turn(client, cid, "RESTAURANT_RESERVATION", slots=slots, timezone="Australia/Brisbane")
    assert card["nextAction"] == "CONFIRM", card
    done = turn(client, cid, "RESTAURANT_RESERVATION", clientAction="CONFIRM")
    assert done["nextAction"] == "COMPLETE", done
    return cid


def test_a_booking_the_place_is_closed_until_after_is_refused(server: CallServer) -> None:
    set_clock(server, at(SUNDAY, 3))
    with server.client(server.new_user()) as client:
        cid = confirmed_booking(client, MONDAY, "19:00")  # closed all Monday
        refused = start_call(client, cid)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "no_time_before_deadline"
    assert "6:30 pm" in error["message"]
    assert server.simulator.calls_to(BELLA_PHONE) == []


def test_the_card_says_plainly_when_no_call_could_come_in_time(server: CallServer) -> None:
    set_clock(server, at(SUNDAY, 3))
    slots = {"restaurant_name": "Bella Napoli", "party_size": "2", "date": MONDAY.isoformat(),
             "time": "19:00", "booking_name": "Sam", "place_id": BELLA}
    with server.client(server.new_user()) as client:
        card = turn(client, f"warn-{uuid.uuid4().hex[:6]}", "RESTAURANT_RESERVATION",
                    slots=slots, timezone="Australia/Brisbane")
        fine = turn(client, f"fine-{uuid.uuid4().hex[:6]}", "RESTAURANT_RESERVATION",
                    slots={**slots, "date": TUESDAY.isoformat()}, timezone="Australia/Brisbane")
    assert card["nextAction"] == "CONFIRM"
    assert card["deadlineWarning"]["code"] == "no_time_before_deadline"
    assert "6:30 pm" in card["deadlineWarning"]["message"]
    assert card["deadlineWarning"]["message"] in card["assistantMessage"]
    assert "deadlineWarning" not in fine


def test_a_booking_the_place_opens_before_is_scheduled_before_it(server: CallServer) -> None:
    set_clock(server, at(SUNDAY, 3))
    with server.client(server.new_user()) as client:
        cid = confirmed_booking(client, TUESDAY, "19:00")
        started = start_call(client, cid)
        assert started.status_code == 200, started.text
        body = started.json()
        status = client.get(f"/call/status/{body['callId']}").json()
    assert body["status"] == "scheduled"
    assert datetime.fromisoformat(body["scheduledFor"]) == at(TUESDAY, 17)
    assert status["status"] == "scheduled" and status["terminal"] is False
    assert datetime.fromisoformat(status["scheduledFor"]) == at(TUESDAY, 17)


def test_a_deadline_passing_while_calls_are_paused_cancels_the_call(server: CallServer) -> None:
    set_clock(server, at(SUNDAY, 3))
    with server.client(server.new_user()) as client, server.client() as admin:
        cid = confirmed_booking(client, TUESDAY, "19:00")
        call_id = start_call(client, cid).json()["callId"]
        assert admin.put("/admin/calls-paused", json={"paused": True}).status_code == 200
        try:
            set_clock(server, at(TUESDAY, 18, 45))  # opened at 5 pm; the deadline was 6:30 pm
            ended = wait_terminal(client, call_id)
        finally:
            admin.put("/admin/calls-paused", json={"paused": False})
    assert ended["status"] == "canceled" and ended["endReason"] == "deadline_passed"
    assert server.simulator.calls_to(BELLA_PHONE) == []


def test_a_scheduled_call_is_listed_moved_and_cancelled_by_its_owner(server: CallServer) -> None:
    set_clock(server, at(SUNDAY, 3))
    with server.client(server.new_user()) as client, \
            server.client(server.new_user("Someone else")) as stranger:
        cid = confirmed_booking(client, TUESDAY, "19:00")
        call_id = start_call(client, cid).json()["callId"]
        listed = {c["callId"]: c for c in client.get("/calls").json()["calls"]}
        assert listed[call_id]["status"] == "scheduled"

        assert stranger.post("/call/reschedule", json={
            "callId": call_id, "scheduledFor": at(TUESDAY, 17, 30).isoformat()}).status_code == 404
        too_late = client.post("/call/reschedule", json={
            "callId": call_id, "scheduledFor": at(TUESDAY, 18, 40).isoformat()})
        assert too_late.status_code == 422
        assert too_late.json()["error"]["code"] == "no_time_before_deadline"
        moved = client.post("/call/reschedule", json={
            "callId": call_id, "scheduledFor": at(TUESDAY, 17, 30).isoformat()})
        assert moved.status_code == 200, moved.text
        assert datetime.fromisoformat(moved.json()["scheduledFor"]) == at(TUESDAY, 17, 30)

        assert stranger.post("/call/cancel", json={"callId": call_id}).status_code == 404
        cancelled = client.post("/call/cancel", json={"callId": call_id})
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "canceled" and cancelled.json()["terminal"] is True
        set_clock(server, at(TUESDAY, 17, 31))  # past the old time: the worker must not claim it
        again = client.post("/call/cancel", json={"callId": call_id})
        after = client.get(f"/call/status/{call_id}").json()
    assert again.status_code == 200  # cancelling twice is the same answer
    assert after["status"] == "canceled" and after["endReason"] == "canceled_by_person"
    assert server.simulator.calls_to(BELLA_PHONE) == []


def test_a_call_being_dialled_cannot_be_cancelled(server: CallServer) -> None:
    set_clock(server, at(SUNDAY, 3))  # a sick call is not held to the window: dialled now
    with server.client(server.new_user()) as client:
        cid = confirm_sick_call(client)
        call_id = start_call(client, cid).json()["callId"]
        refused = client.post("/call/cancel", json={"callId": call_id})
        moved = client.post("/call/reschedule", json={
            "callId": call_id, "scheduledFor": at(MONDAY, 7).isoformat()})
        wait_terminal(client, call_id)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "already_dialled"
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "already_dialled"


def test_operators_list_and_cancel_scheduled_calls_from_the_cli(server: CallServer) -> None:
    import os
    import subprocess
    import sys

    set_clock(server, at(SUNDAY, 3))
    with server.client(server.new_user()) as client:
        call_id = start_call(client, confirmed_booking(client, TUESDAY, "19:00")).json()["callId"]
        env = {**os.environ, "PROXYCALL_DATA_DIR": str(server.data_dir),
               "PROXYCALL_DATABASE_URL": server.database_url}

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([sys.executable, "-m", "proxycall.cli.main", "calls", *args],
                                  env=env, capture_output=True, text=True, timeout=60)

        listed = cli("list", "--scheduled")
        cancelled = cli("cancel", call_id)
        again = cli("cancel", call_id)
        status = client.get(f"/call/status/{call_id}").json()
    assert listed.returncode == 0 and call_id in listed.stdout and "scheduled" in listed.stdout
    assert "Sam" not in listed.stdout and BELLA_PHONE not in listed.stdout  # no personal data
    assert cancelled.returncode == 0, cancelled.stderr
    assert again.returncode == 0  # cancelling twice is the same answer
    assert status["status"] == "canceled" and status["endReason"] == "canceled_by_operator"
