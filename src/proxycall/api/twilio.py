"""POST /twilio/voice, /twilio/gather, /twilio/status: Twilio's webhooks, signed, form-encoded.

The signature is checked over the URL Twilio called: WEBHOOK_BASE_URL + path + query when set
(a proxy in front of us changes the host we see), else the URL as received. Anything unsigned
or signed wrongly gets 403 and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response

from proxycall import logs
from proxycall.adapters.telephony.signature import SIGNATURE_HEADER, signature_valid
from proxycall.adapters.telephony.twiml import render_twiml
from proxycall.api.deps import container
from proxycall.core.voice import Directive
from proxycall.errors import Forbidden, InvalidRequest, ProviderUnavailable

if TYPE_CHECKING:
    from proxycall.services.calls.service import CallService

router = APIRouter(prefix="/twilio")
TWIML_MEDIA_TYPE = "application/xml"
MAX_FORM_BYTES = 16 * 1024  # Twilio's webhook forms are a few hundred bytes


async def _signed(request: Request) -> tuple[CallService, str, dict[str, str]]:
    """The call service, the call id and the form, once the signature checks out."""
    service = container(request).calls
    if service is None:
        raise ProviderUnavailable("Calling is not available on this server.")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise Forbidden("That is not a Twilio webhook.")
    # Twilio posts application/x-www-form-urlencoded; parsed here without a multipart parser.
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    query = f"?{request.url.query}" if request.url.query else ""
    url = service.public_url(request.url.path + query) or str(request.url)
    if not signature_valid(service.signing_token, url, form,
                           request.headers.get(SIGNATURE_HEADER)):
        logs.warning("twilio_signature_invalid", path=request.url.path)
        raise Forbidden("The request signature is not valid.")
    call_id = request.query_params.get("callId")
    if not call_id:
        raise InvalidRequest("callId is missing from the webhook URL.",
                             details={"field": "callId"})
    return service, call_id, form


def _twiml(service: CallService, call_id: str, directives: list[Directive]) -> Response:
    xml = render_twiml(directives, gather_action_url=service.gather_url(call_id))
    return Response(content=xml, media_type=TWIML_MEDIA_TYPE)


@router.post("/voice", summary="Twilio: the call was answered")
async def voice(request: Request) -> Response:
    """Signed by Twilio (or the simulator): returns the TwiML that opens the call's flow."""
    service, call_id, form = await _signed(request)
    return _twiml(service, call_id, await service.on_voice(call_id, form))


@router.post("/gather", summary="Twilio: what the callee said")
async def gather(request: Request) -> Response:
    """Signed: speech or digits gathered; returns the flow's next TwiML."""
    service, call_id, form = await _signed(request)
    return _twiml(service, call_id, await service.on_gather(call_id, form))


@router.post("/status", summary="Twilio: a status callback")
async def status(request: Request) -> Response:
    """Signed: the call's status moves forward only; out-of-range fields are recorded as
    unknown."""
    service, call_id, form = await _signed(request)
    await service.on_status(call_id, form)
    return Response(status_code=204)
