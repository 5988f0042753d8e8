"""POST /twilio/voice, /twilio/gather, /twilio/status: Twilio's webhooks, signed, form-encoded.

The signature is checked over the URL Twilio called: WEBHOOK_BASE_URL + path + query when set
(a proxy in front of us changes the host we see), else the URL as received. Anything unsigned
or signed wrongly gets 403 and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response

from proxycall import logs
from proxycall.api.deps import services_of
from proxycall.core.errors import Forbidden, InvalidRequest
from proxycall.core.telephony import WebhookEdge
from proxycall.core.voice import Directive
from proxycall.services.calls.service import CallService

router = APIRouter(prefix="/twilio")
MAX_FORM_BYTES = 16 * 1024  # Twilio's webhook forms are a few hundred bytes


@dataclass(frozen=True)
class _Webhook:
    """A webhook whose signature checked out: what to call, about which call, with what form."""

    service: CallService
    edge: WebhookEdge
    call_id: str
    form: dict[str, str]

    def reply(self, directives: list[Directive]) -> Response:
        xml = self.edge.reply(directives, gather_action_url=self.service.gather_url(self.call_id))
        return Response(content=xml, media_type=self.edge.reply_media_type)


async def _signed(request: Request) -> _Webhook:
    """The webhook, once its signature checks out (403 otherwise, nothing changed)."""
    services = services_of(request)
    service, edge = services.calls, services.webhooks
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise Forbidden("That is not a Twilio webhook.")
    # Twilio posts application/x-www-form-urlencoded; parsed here without a multipart parser.
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    query = f"?{request.url.query}" if request.url.query else ""
    url = service.public_url(request.url.path + query) or str(request.url)
    if not edge.signed(service.signing_token, url, form,
                       request.headers.get(edge.signature_header)):
        logs.warning("twilio_signature_invalid", path=request.url.path)
        raise Forbidden("The request signature is not valid.")
    call_id = request.query_params.get("callId")
    if not call_id:
        raise InvalidRequest("callId is missing from the webhook URL.",
                             details={"field": "callId"})
    return _Webhook(service, edge, call_id, form)


@router.post("/voice", summary="Twilio: the call was answered")
async def voice(request: Request) -> Response:
    """Signed by Twilio (or the simulator): returns the TwiML that opens the call's flow."""
    hook = await _signed(request)
    return hook.reply(await hook.service.on_voice(hook.call_id, hook.edge.report(hook.form)))


@router.post("/gather", summary="Twilio: what the callee said")
async def gather(request: Request) -> Response:
    """Signed: speech or digits gathered; returns the flow's next TwiML."""
    hook = await _signed(request)
    return hook.reply(await hook.service.on_gather(hook.call_id, hook.edge.gathered(hook.form)))


@router.post("/status", summary="Twilio: a status callback")
async def status(request: Request) -> Response:
    """Signed: the call's status moves forward only.

    Out-of-range fields are recorded as unknown, never a failed callback.
    """
    hook = await _signed(request)
    await hook.service.on_status(hook.call_id, hook.edge.report(hook.form))
    return Response(status_code=204)
