"""The simulator's HTTP face: Twilio's Calls REST API (the subset we use), as an ASGI app.

    POST /2010-04-01/Accounts/{AccountSid}/Calls.json          create (form-encoded), 201
    GET  /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json    fetch
    POST /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json    update: Status=completed|canceled
    GET  /_simulator/calls[/{Sid}]                             what each side said (debugging)

Every route needs HTTP basic auth with the simulator's account sid and auth token (401 with
Twilio's error 20003 otherwise), exactly as the twilio SDK sends it.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from proxycall.adapters.telephony.simulator.records import API_VERSION, SimulatedCall
from proxycall.adapters.telephony.simulator.simulator import SimulatorError, TwilioSimulator

_CALLS = f"/{API_VERSION}/Accounts/{{account_sid}}/Calls"


def create_simulator_app(simulator: TwilioSimulator) -> Starlette:
    """An ASGI app serving the simulator; mount it in another app or run it on its own."""

    async def create_call(request: Request) -> JSONResponse:
        _authorise(request, simulator)
        pairs = await _form_pairs(request)
        fields = dict(pairs)
        events = [value for key, value in pairs if key == "StatusCallbackEvent"]
        call = simulator.create_call(fields, events)
        return JSONResponse(call.resource(), status_code=201)

    async def fetch_call(request: Request) -> JSONResponse:
        _authorise(request, simulator)
        return JSONResponse(simulator.fetch_call(request.path_params["sid"]).resource())

    async def update_call(request: Request) -> JSONResponse:
        _authorise(request, simulator)
        status = dict(await _form_pairs(request)).get("Status")
        call = simulator.update_call(request.path_params["sid"], status)
        return JSONResponse(call.resource())

    async def list_transcripts(request: Request) -> JSONResponse:
        _authorise(request, simulator)
        return JSONResponse([_debug_view(call) for call in simulator.calls])

    async def show_transcript(request: Request) -> JSONResponse:
        _authorise(request, simulator)
        return JSONResponse(_debug_view(simulator.fetch_call(request.path_params["sid"])))

    async def refused(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, SimulatorError)
        headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'} if exc.status == 401 else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await simulator.aclose()

    routes = [
        Route(f"{_CALLS}.json", create_call, methods=["POST"]),
        Route(f"{_CALLS}/{{sid}}.json", fetch_call, methods=["GET"]),
        Route(f"{_CALLS}/{{sid}}.json", update_call, methods=["POST"]),
        Route("/_simulator/calls", list_transcripts, methods=["GET"]),
        Route("/_simulator/calls/{sid}", show_transcript, methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={SimulatorError: refused},
                     lifespan=lifespan)


async def _form_pairs(request: Request) -> list[tuple[str, str]]:
    """The urlencoded body, every pair in order (a key may repeat, as StatusCallbackEvent does).

    Parsed here rather than with `request.form()`, which needs python-multipart; Twilio's API
    only takes urlencoded forms anyway.
    """
    body = (await request.body()).decode("utf-8", errors="replace")
    return parse_qsl(body, keep_blank_values=True)


def _authorise(request: Request, simulator: TwilioSimulator) -> None:
    """Basic auth with the account sid and auth token, and the path's account must be it."""
    username, password = _basic_credentials(request.headers.get("authorization", ""))
    good_user = hmac.compare_digest(username.encode(), simulator.account_sid.encode())
    good_password = hmac.compare_digest(password.encode(), simulator.auth_token.encode())
    if not (good_user and good_password):
        raise SimulatorError(401, 20003, "Authenticate")
    path_account = request.path_params.get("account_sid")
    if path_account is not None and path_account != simulator.account_sid:
        raise SimulatorError(404, 20404, "The requested resource was not found")


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    username, _, password = decoded.partition(":")
    return username, password


def _debug_view(call: SimulatedCall) -> dict[str, Any]:
    return {
        **call.resource(),
        "persona": call.persona.key,
        "simulated_seconds": round(call.elapsed, 2),
        "transcript": [asdict(line) for line in call.transcript],
        "webhooks": [
            {"kind": sent.kind, "url": sent.url, "status_code": sent.status_code,
             "call_status": sent.form.get("CallStatus")}
            for sent in call.requests
        ],
    }


def run_simulator(
    host: str,
    port: int,
    *,
    auth_token: str,
    account_sid: str | None = None,
    pace: float = 0.3,
) -> None:
    """Serve the simulator as its own process (blocks); point the SDK at http://host:port."""
    import uvicorn

    from proxycall.adapters.telephony.simulator.simulator import DEFAULT_ACCOUNT_SID

    simulator = TwilioSimulator(auth_token, account_sid=account_sid or DEFAULT_ACCOUNT_SID,
                                pace=pace)
    uvicorn.run(create_simulator_app(simulator), host=host, port=port, log_level="info",
                ws="none")
