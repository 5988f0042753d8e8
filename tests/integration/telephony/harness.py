"""Test harness: real HTTP on both sides, the simulator and a webhook app, each on a free port.

The webhook app plays our service's part: it checks X-Twilio-Signature with `signature_valid`
(403 otherwise), records every request, and answers with TwiML from `render_twiml`, taking the
next directives from a per-test script.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from proxycall.adapters.telephony.signature import SIGNATURE_HEADER, signature_valid
from proxycall.adapters.telephony.simulator import (
    TwilioSimulator,
    create_simulator_app,
)
from proxycall.adapters.telephony.twilio_client import TwilioTelephony
from proxycall.adapters.telephony.twiml import render_twiml
from proxycall.core.telephony import CallRequest
from proxycall.core.voice import Directive, Hangup, Listen, Say

AUTH_TOKEN = "simulator-test-token"
OUR_NUMBER = "+61755500000"  # (07) 5550 0000, ACMA fiction range
STARTUP_BOUND = 500  # event-loop turns a local server may take to start


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """Serve `app` with uvicorn on a free 127.0.0.1 port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    # Without this, a pre-bound socket's connections wait ~40 ms per response (Nagle vs
    # delayed ACK); uvicorn binding by host/port does not have the problem.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none",
                                           lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(STARTUP_BOUND):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)  # waiting for readiness, bounded; no test timing depends on it
    assert server.started, "test server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass
class Received:
    kind: str  # "voice", "gather", "status"
    url: str
    form: dict[str, str]
    signature_ok: bool


Script = Callable[["Webhooks", str, dict[str, str]], list[Directive]]


def ask_in_turn(*turns: list[Directive]) -> Script:
    """A flow that answers the voice webhook and each gather with the next directives."""

    def script(hooks: Webhooks, kind: str, form: dict[str, str]) -> list[Directive]:
        index = hooks.twiml_served
        return list(turns[index]) if index < len(turns) else [Say("Goodbye."), Hangup()]

    return script


def questions(*asks: str, closing: str = "Thanks, goodbye.") -> Script:
    """Open, then ask each question in its own Listen; close and hang up."""
    opening = Say("Hi, this is an automated assistant calling on behalf of a customer.")
    turns = [[opening, Listen(prompt=(asks[0],))]]
    turns += [[Listen(prompt=(ask,))] for ask in asks[1:]]
    turns.append([Say(closing), Hangup()])
    return ask_in_turn(*turns)


@dataclass
class Webhooks:
    """Our side of the call, as a test double of the service's /twilio/* routes."""

    token: str = AUTH_TOKEN
    script: Script = field(default_factory=lambda: questions("Do you have any in stock?"))
    received: list[Received] = field(default_factory=list)
    twiml_served: int = 0
    gate: asyncio.Event | None = None  # when set, gathers wait for it (to hang up mid-call)
    gather_arrived: asyncio.Event = field(default_factory=asyncio.Event)
    fail_with: int | None = None
    raw_twiml: list[str] = field(default_factory=list)  # served before the script, in order

    def reset(self) -> None:
        """Forget the previous test's requests and script (the servers are shared)."""
        fresh = Webhooks(token=self.token)
        for name in ("script", "received", "twiml_served", "gate", "gather_arrived",
                     "fail_with", "raw_twiml"):
            setattr(self, name, getattr(fresh, name))

    def of_kind(self, kind: str) -> list[Received]:
        return [item for item in self.received if item.kind == kind]

    def app(self) -> Starlette:
        async def handle(request: Request) -> Response:
            kind = request.url.path.rsplit("/", 1)[-1]
            form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
            ok = signature_valid(self.token, str(request.url), form,
                                 request.headers.get(SIGNATURE_HEADER))
            self.received.append(Received(kind, str(request.url), form, ok))
            if not ok:
                return Response("forbidden", status_code=403)
            if kind == "status":
                return Response(status_code=204)
            if kind == "gather":
                self.gather_arrived.set()
                if self.gate is not None:
                    await self.gate.wait()
            if self.fail_with:
                return Response("boom", status_code=self.fail_with)
            if self.raw_twiml:
                return Response(self.raw_twiml.pop(0), media_type="application/xml")
            directives = self.script(self, kind, form)
            self.twiml_served += 1
            action = f"{request.base_url}twilio/gather?callId=test-call"
            return Response(render_twiml(directives, action), media_type="application/xml")

        return Starlette(routes=[
            Route("/twilio/voice", handle, methods=["POST"]),
            Route("/twilio/gather", handle, methods=["POST"]),
            Route("/twilio/status", handle, methods=["POST"]),
        ])


class RecordingSleeper:
    """The simulator's sleeper seam: records each requested wait, never waits."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class GatedSleeper:
    """A sleeper that blocks until the test opens the gate: holds a paced call mid-ring."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.waiting.set()
        await self.gate.wait()


@dataclass
class Env:
    simulator: TwilioSimulator
    telephony: TwilioTelephony
    hooks: Webhooks
    webhook_base: str
    simulator_base: str
    sleeper: RecordingSleeper

    def request(self, persona: str, **overrides: object) -> CallRequest:
        fields: dict[str, object] = {
            "to": self.simulator.directory.number_for(persona),
            "from_": OUR_NUMBER,
            "call_id": "test-call",
            "voice_url": f"{self.webhook_base}/twilio/voice?callId=test-call",
            "status_callback_url": f"{self.webhook_base}/twilio/status?callId=test-call",
            "timeout_seconds": 30,
            "time_limit_seconds": 600,
        }
        fields.update(overrides)
        return CallRequest(**fields)  # type: ignore[arg-type]

    async def call(self, persona: str, **overrides: object):
        """Place a call through the SDK and wait for the simulator to finish it."""
        placed = await self.telephony.place_call(self.request(persona, **overrides))
        return await self.simulator.wait_until_done(placed.sid)


@asynccontextmanager
async def environment(*, pace: float = 0.0, sleeper: Callable | None = None,
                      simulator_token: str = AUTH_TOKEN) -> AsyncIterator[Env]:
    hooks = Webhooks()
    recording = RecordingSleeper()
    simulator = TwilioSimulator(simulator_token, pace=pace, sleeper=sleeper or recording)
    async with serve(hooks.app()) as webhook_base, \
            serve(create_simulator_app(simulator)) as simulator_base:
        telephony = TwilioTelephony(simulator.account_sid, simulator_token,
                                    base_url=simulator_base)
        yield Env(simulator, telephony, hooks, webhook_base, simulator_base, recording)
