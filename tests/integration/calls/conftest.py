"""A live proxycall server with calls on the built-in Twilio simulator (pace 0), over real HTTP.

The server is the app from `create_app` with its own wiring: the simulator mounted at
/_twilio_sim, the twilio SDK pointed at it, the call service and its background worker; uvicorn
runs it on a free loopback port with the lifespan.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import PG_ENV, postgres_url
from tests.support.server import LiveServer, live_server

from proxycall.adapters.telephony.simulator import TwilioSimulator

POLL_TIMEOUT_SECONDS = 20.0  # a whole simulated call at pace 0 takes well under a second
WORKER_INTERVAL_SECONDS = 0.05

# Simulator personas by number (see adapters/telephony/simulator/personas.py); ACMA fiction.
ACKNOWLEDGES = "0491 570 006"
REPEAT_ASKER = "0491 571 804"
REPEAT_PRESSER = "0491 571 491"
VOICEMAIL = "0491 570 158"
BUSY = "0491 570 159"
NO_ANSWER = "0491 570 110"
HANGS_UP = "0491 570 313"
NEVER_CLEAR = "0491 570 737"


class MovableClock:
    """Real time plus an offset the tests may move (the server and its worker read it)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class CallServer(LiveServer):
    """A live server whose clock the tests may move, with the simulator inside."""

    clock: MovableClock = field(default_factory=MovableClock)
    database_url: str = ""

    @property
    def simulator(self) -> TwilioSimulator:
        simulator = getattr(self.container, "simulator", None)
        assert simulator is not None, "the server runs without the simulator"
        return simulator  # type: ignore[no-any-return]

    @property
    def signing_token(self) -> str:
        return str(self.container.calls.signing_token)


@contextmanager
def call_server(data_dir: Path, database_url: str | None = None,
                **env: Any) -> Iterator[CallServer]:
    """Start the app with calls on the simulator; stops it (and the simulator) afterwards."""
    clock = MovableClock()
    with live_server(data_dir, database_url, clock=clock,
                     PROXYCALL_RATE_LIMIT="100000/minute",
                     PROXYCALL_WORKER_INTERVAL_SECONDS=WORKER_INTERVAL_SECONDS, **env) as live:
        yield CallServer(live.base_url, live.admin_token, live.app, live.data_dir, clock,
                         live.container.settings.sqlalchemy_url)


def _database(kind: str) -> str | None:
    if kind == "sqlite":
        return None
    url = postgres_url()
    if url is None:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV}")
    return url


@pytest.fixture(scope="session", params=[
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
])
def calls_server(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[CallServer]:
    """Calls in any hours (window `always`), on SQLite and again on PostgreSQL."""
    url = _database(request.param)
    with call_server(tmp_path_factory.mktemp(f"calls-{request.param}"), url,
                     PROXYCALL_CALL_WINDOW="always", PROXYCALL_CHECK_OPENING_HOURS="false") as live:
        yield live


@pytest.fixture(scope="session")
def sqlite_calls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CallServer]:
    """The same on SQLite only, for tests whose subject is not the database."""
    with call_server(tmp_path_factory.mktemp("calls-sqlite-only"),
                     PROXYCALL_CALL_WINDOW="always",
                     PROXYCALL_CHECK_OPENING_HOURS="false") as live:
        yield live


# --- Driving a task to COMPLETE, and a call to its end, over HTTP. ---


def turn(client: httpx.Client, cid: str, agent: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/v2/conversation/next",
                           json={"conversationId": cid, "agentType": agent, **fields})
    assert response.status_code == 200, response.text
    return dict(response.json())


def confirm_sick_call(client: httpx.Client, phone: str = ACKNOWLEDGES, *,
                      name: str = "Richard") -> str:
    """A confirmed SICK_CALLER task to `phone`; returns its conversationId."""
    cid = f"sick-{uuid.uuid4().hex[:10]}"
    slots = {"employer_name": "Bunnings", "employer_phone": phone, "caller_name": name,
             "shift_date": "tomorrow", "shift_start_time": "9am", "reason_category": "SICK"}
    body = turn(client, cid, "SICK_CALLER", userMessage="", slots=slots,
                timezone="Australia/Brisbane")
    assert body["nextAction"] == "CONFIRM", body
    done = turn(client, cid, "SICK_CALLER", clientAction="CONFIRM")
    assert done["nextAction"] == "COMPLETE", done
    return cid


def confirm_stock_check(client: httpx.Client, place_id: str = "bundled:jb-hifi-chermside") -> str:
    """A confirmed STOCK_CHECKER task at a bundled place; returns its conversationId."""
    cid = f"stock-{uuid.uuid4().hex[:10]}"
    slots = {"retailer_name": "JB Hi-Fi", "product_name": "Sony WH-1000XM5 headphones",
             "product_details": "black", "quantity": 1}
    body = turn(client, cid, "STOCK_CHECKER", userMessage="", slots=slots,
                timezone="Australia/Brisbane")
    assert body["nextAction"] == "FIND_PLACE", body
    body = turn(client, cid, "STOCK_CHECKER", slots={"place_id": place_id})
    assert body["nextAction"] == "CONFIRM", body
    done = turn(client, cid, "STOCK_CHECKER", clientAction="CONFIRM")
    assert done["nextAction"] == "COMPLETE", done
    return cid


def start_call(client: httpx.Client, cid: str, **fields: Any) -> httpx.Response:
    return client.post("/call/start", json={"conversationId": cid, **fields})


def wait_terminal(client: httpx.Client, call_id: str,
                  timeout: float = POLL_TIMEOUT_SECONDS) -> dict[str, Any]:
    """Poll /call/status until the call is terminal (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/call/status/{call_id}")
        assert response.status_code == 200, response.text
        body = dict(response.json())
        if body["terminal"]:
            return body
        assert time.monotonic() < deadline, f"call never ended: {body['status']}"
        time.sleep(0.02)  # polling a condition, bounded by the deadline above
