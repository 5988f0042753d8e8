"""The service's own layout: simulator and webhooks mounted in one app, in one process."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from tests.integration.telephony.harness import AUTH_TOKEN, OUR_NUMBER, Webhooks, questions, serve

from proxycall.adapters.telephony.simulator import TwilioSimulator, create_simulator_app
from proxycall.adapters.telephony.twilio_client import TwilioTelephony
from proxycall.core.calls import CallStatus
from proxycall.core.telephony import CallRequest

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_simulator_mounted_beside_the_webhooks() -> None:
    hooks = Webhooks(script=questions("Do you have any in stock?"))
    simulator = TwilioSimulator(AUTH_TOKEN)
    app = Starlette(routes=[
        Mount("/_twilio_sim", app=create_simulator_app(simulator)),
        Mount("/", app=hooks.app()),
    ])
    async with serve(app) as base:
        telephony = TwilioTelephony(simulator.account_sid, AUTH_TOKEN,
                                    base_url=f"{base}/_twilio_sim")
        placed = await telephony.place_call(CallRequest(
            to="+61370100001", from_=OUR_NUMBER, call_id="c-1",
            voice_url=f"{base}/twilio/voice?callId=c-1",
            status_callback_url=f"{base}/twilio/status?callId=c-1",
        ))
        call = await simulator.wait_until_done(placed.sid)
        fetched = await telephony.fetch_call(placed.sid)
        await simulator.aclose()  # a mounted app's lifespan does not run: the host closes it

    assert fetched.status is CallStatus.COMPLETED
    assert call.said_by("callee") == ["yeah, we've got five of those"]
    assert all(r.signature_ok for r in hooks.received)
    assert len(simulator.calls) == 1
