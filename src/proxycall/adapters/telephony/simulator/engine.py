"""Plays Twilio's part in one call: status callbacks, signed webhooks, and following our TwiML.

The engine keeps simulated time: speech, pauses, rings and silences advance the call's clock
by how long they would take; nothing waits unless `pace` > 0, and then only `pace` real seconds
per simulated second (capped per step), through an injectable sleeper.
"""

from __future__ import annotations

import asyncio
import logging
import math
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from datetime import timedelta
from email.utils import format_datetime
from typing import NamedTuple
from urllib.parse import urlencode, urljoin

import httpx

from proxycall.adapters.telephony.signature import SIGNATURE_HEADER, sign
from proxycall.adapters.telephony.simulator.callees import Reply
from proxycall.adapters.telephony.simulator.personas import Pickup
from proxycall.adapters.telephony.simulator.records import (
    API_VERSION,
    SentRequest,
    SimulatedCall,
)

Sleeper = Callable[[float], Awaitable[None]]

MAX_TWIML_REQUESTS = 100  # TwiML documents fetched in one call before the simulator hangs up
MAX_SIMULATED_SECONDS = 4 * 3600  # Twilio's own ceiling for a call's time_limit
MAX_REAL_WAIT_SECONDS = 3.0  # a paced demo never stalls longer than this on one step
WORDS_PER_SECOND = 2.5  # Twilio's text-to-speech, roughly
DEFAULT_GATHER_TIMEOUT = 5  # Twilio's default <Gather timeout>
AMD_SECONDS = 2.5  # answering-machine detection listens this long before deciding
PLAY_SECONDS = 3.0
USER_AGENT = "TwilioProxy/1.1"
_SIP_CODES = {"completed": "200", "busy": "486", "no-answer": "487", "canceled": "487",
              "failed": "500"}

logger = logging.getLogger("proxycall.telephony.simulator")


class _CallOver(Exception):
    """Ends the call from anywhere in the engine with a final status."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class _Next(NamedTuple):
    """The next TwiML request: a gather's action, a redirect."""

    kind: str
    url: str
    method: str
    form: dict[str, str]


class CallEngine:
    """Drives calls like Twilio: one `run` per call."""

    def __init__(self, *, auth_token: str, http: httpx.AsyncClient, pace: float = 0.0,
                 sleeper: Sleeper = asyncio.sleep) -> None:
        self._token = auth_token
        self._http = http
        self._pace = pace
        self._sleep = sleeper

    async def run(self, call: SimulatedCall) -> None:
        """Play the whole call; always ends it and sends the final status callback."""
        try:
            try:
                final = await self._dial(call)
            except _CallOver as over:
                final = over.status
            except Exception:  # an engine bug must still end the call for the app
                logger.exception("simulator.engine_failed sid=%s", call.sid)
                call.note("event", "simulator error; the call failed")
                final = "failed"
            _finish(call, final)
            await self._status_callback(call, "completed")
        finally:
            call.done.set()

    async def _dial(self, call: SimulatedCall) -> str:
        self._checkpoint(call)
        await self._progress(call, "initiated", "initiated")
        await self._progress(call, "ringing", "ringing")
        persona = call.persona
        if persona.pickup is Pickup.BUSY:
            await self._advance(call, persona.ring_seconds)
            call.note("event", "the line is busy")
            return "busy"
        if persona.pickup is Pickup.FAILED:
            await self._advance(call, persona.ring_seconds)
            call.note("event", "the call could not be connected")
            return "failed"
        if persona.pickup is Pickup.NO_ANSWER or persona.ring_seconds >= call.timeout:
            await self._advance(call, call.timeout)
            call.note("event", f"nobody answered in {call.timeout} s")
            return "no-answer"
        await self._advance(call, persona.ring_seconds)
        self._checkpoint(call)
        call.answered_at = call.elapsed
        await self._progress(call, "in-progress", "answered")
        await self._detect_machine(call)
        await self._converse(call)
        return "completed"

    async def _progress(self, call: SimulatedCall, status: str, event: str) -> None:
        self._checkpoint(call)
        call.status = status
        await self._status_callback(call, event)

    async def _detect_machine(self, call: SimulatedCall) -> None:
        pickup, mode = call.persona.pickup, call.machine_detection
        if pickup is Pickup.MACHINE and call.persona.greeting:
            call.note("event", f"answering machine: {call.persona.greeting}")
        if mode is None:
            return
        await self._advance(call, AMD_SECONDS)
        if pickup is Pickup.MACHINE:
            call.answered_by = "machine_end_beep" if mode == "DetectMessageEnd" else "machine_start"
        else:
            call.answered_by = "fax" if pickup is Pickup.FAX else "human"

    async def _converse(self, call: SimulatedCall) -> None:
        request = _Next("voice", call.url, call.method, {})
        for _ in range(MAX_TWIML_REQUESTS):
            document = await self._fetch_twiml(call, request)
            if document is None:
                return
            following = await self._play(call, document, request.url)
            if following is None:
                return
            self._checkpoint(call)
            request = following
        call.note("event", f"simulator: more than {MAX_TWIML_REQUESTS} TwiML requests; hung up")

    async def _fetch_twiml(self, call: SimulatedCall, request: _Next) -> ET.Element | None:
        form = {**self._call_params(call), **request.form}
        response = await self._send(call, request.kind, request.url, request.method, form)
        if response is None or response.status_code != 200:
            code = "no response" if response is None else f"HTTP {response.status_code}"
            call.note("event", f"application error: the {request.kind} webhook gave {code}")
            return None
        try:
            root = ET.fromstring(response.text)
        except ET.ParseError:
            call.note("event", "application error: the TwiML could not be parsed (12100)")
            return None
        if root.tag != "Response":
            call.note("event", f"application error: TwiML root is <{root.tag}>, not <Response>")
            return None
        return root

    async def _play(self, call: SimulatedCall, root: ET.Element, doc_url: str) -> _Next | None:
        for verb in root:
            self._checkpoint(call)
            if verb.tag in ("Say", "Play", "Pause"):
                await self._speak(call, verb)
            elif verb.tag == "Gather":
                following = await self._gather(call, verb, doc_url)
                if following is not None:
                    return following
            elif verb.tag == "Redirect":
                target = urljoin(doc_url, (verb.text or "").strip())
                return _Next("redirect", target, (verb.get("method") or "POST").upper(), {})
            elif verb.tag in ("Hangup", "Reject"):
                call.note("event", "we hung up")
                return None
            else:
                call.note("event", f"simulator: <{verb.tag}> is not simulated; skipped")
        return None  # the end of a document ends the call, as on Twilio

    async def _speak(self, call: SimulatedCall, verb: ET.Element) -> None:
        if verb.tag == "Pause":
            seconds = _number(verb.get("length"), 1)
            call.note("event", f"(pause {seconds:g} s)")
            await self._advance(call, seconds)
            return
        loops = int(_number(verb.get("loop"), 1)) or 10  # loop="0" repeats until hang-up
        for _ in range(min(loops, 10)):
            if verb.tag == "Say":
                text = (verb.text or "").strip()
                call.note("agent", text)
                call.heard_since_reply.append(text)
                await self._advance(call, max(0.5, len(text.split()) / WORDS_PER_SECOND))
            else:
                digits = verb.get("digits")
                call.note("agent", f"[plays digits {digits}]" if digits else "[plays audio]")
                await self._advance(call, PLAY_SECONDS)

    async def _gather(self, call: SimulatedCall, verb: ET.Element, doc_url: str) -> _Next | None:
        for child in verb:
            if child.tag in ("Say", "Play", "Pause"):
                self._checkpoint(call)
                await self._speak(call, child)
        action = urljoin(doc_url, verb.get("action") or doc_url)
        method = (verb.get("method") or "POST").upper()
        inputs = set((verb.get("input") or "dtmf").split())
        timeout = _number(verb.get("timeout"), DEFAULT_GATHER_TIMEOUT)
        heard = " ".join(call.heard_since_reply)
        call.heard_since_reply.clear()
        reply = call.callee.reply(heard, timeout)
        if reply.hangup:
            await self._advance(call, reply.after_seconds)
            call.note("event", "the callee hung up")
            raise _CallOver("completed")
        answer = self._answer_form(call, reply, inputs, timeout, verb)
        if answer is not None:
            await self._advance(call, reply.after_seconds)
            return _Next("gather", action, method, answer)
        await self._advance(call, timeout)
        call.note("event", f"(silence for {timeout:g} s)")
        empty_result = (verb.get("actionOnEmptyResult") or "").lower() == "true"
        return _Next("gather", action, method, {}) if empty_result else None

    def _answer_form(self, call: SimulatedCall, reply: Reply, inputs: set[str], timeout: float,
                     verb: ET.Element) -> dict[str, str] | None:
        if reply.silent:
            return None
        if reply.after_seconds > timeout:
            call.note("event", "the callee began answering after the gather timed out")
            return None
        if reply.digits and "dtmf" in inputs:
            digits = reply.digits[: int(_number(verb.get("numDigits"), len(reply.digits)))]
            call.note("callee", f"[pressed {digits}]")
            return {"Digits": digits, "FinishedOnKey": ""}
        if reply.speech and "speech" in inputs:
            call.note("callee", reply.speech)
            return {"SpeechResult": reply.speech, "Confidence": f"{reply.confidence:.7f}"}
        call.note("event", "the callee answered in a way this gather does not listen for")
        return None

    async def _status_callback(self, call: SimulatedCall, event: str) -> None:
        if not call.status_callback or event not in call.status_callback_events:
            return
        form = {
            **self._call_params(call),
            "CallbackSource": "call-progress-events",
            "SequenceNumber": str(call.sequence),
            "Timestamp": format_datetime(call.created_at + timedelta(seconds=call.elapsed)),
        }
        call.sequence += 1
        if event == "completed":
            duration = call.duration_seconds or 0
            form["CallDuration"] = str(duration)
            form["Duration"] = str(math.ceil(duration / 60))
            form["SipResponseCode"] = _SIP_CODES.get(call.status, "200")
        await self._send(call, "status", call.status_callback, "POST", form)

    def _call_params(self, call: SimulatedCall) -> dict[str, str]:
        params = {
            "AccountSid": call.account_sid,
            "ApiVersion": API_VERSION,
            "CallSid": call.sid,
            "CallStatus": call.status,
            "Called": call.to,
            "Caller": call.from_,
            "Direction": "outbound-api",
            "From": call.from_,
            "To": call.to,
        }
        if call.answered_by:
            params["AnsweredBy"] = call.answered_by
        return params

    async def _send(self, call: SimulatedCall, kind: str, url: str, method: str,
                    form: dict[str, str]) -> httpx.Response | None:
        """One signed webhook request, recorded; None when it could not be delivered."""
        if method == "GET":
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(form)}"
            signed, body = sign(self._token, url, {}), None
        else:
            signed, body = sign(self._token, url, form), form
        headers = {SIGNATURE_HEADER: signed, "User-Agent": USER_AGENT}
        try:
            response = await self._http.request(method, url, data=body, headers=headers)
        except httpx.HTTPError as exc:
            logger.warning("simulator.webhook_failed sid=%s kind=%s error=%s", call.sid, kind,
                           type(exc).__name__)
            call.requests.append(SentRequest(kind, url, form, None))
            return None
        call.requests.append(SentRequest(kind, url, form, response.status_code))
        return response

    def _checkpoint(self, call: SimulatedCall) -> None:
        """Stop here if the call was hung up through the API or ran out of time."""
        if call.hangup_requested:
            call.note("event", "hung up through the REST API")
            raise _CallOver(call.hangup_requested)
        if call.answered_at is not None and call.elapsed - call.answered_at >= call.time_limit:
            call.note("event", f"the time limit of {call.time_limit} s was reached")
            raise _CallOver("completed")
        if call.elapsed >= MAX_SIMULATED_SECONDS:
            raise _CallOver("completed")

    async def _advance(self, call: SimulatedCall, seconds: float) -> None:
        call.elapsed += seconds
        if self._pace > 0 and seconds > 0:
            await self._sleep(min(seconds * self._pace, MAX_REAL_WAIT_SECONDS))


def _finish(call: SimulatedCall, final: str) -> None:
    if not call.terminal:
        call.status = final
    if call.ended_at is None:
        call.ended_at = call.elapsed


def _number(value: str | None, default: float) -> float:
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        return default
