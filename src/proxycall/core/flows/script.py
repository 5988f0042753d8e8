"""DETERMINISTIC_SCRIPT: a message said from the agent's templates; never an LLM, whatever is said.

The callee may ask for a repeat (speech or key 1), ask who is calling or what the call is about
(the honest answer, and the message again), put us on hold, or take the message. Only a clear
acknowledgement counts as taken: a "yeah" beside a question or a hedge ("mm, yeah, not sure")
does not. Anything else gets one honest sentence and the repeat offer again. Every path ends
with the script's closing, within the same bounds as a dialog.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from proxycall.core.agents.spec import AgentSpec, ScriptSpec
from proxycall.core.calls import EndReason
from proxycall.core.flows import intents
from proxycall.core.flows.common import (
    on_behalf_of,
    over_bounds,
    render,
    render_all,
)
from proxycall.core.flows.state import (
    HOLD_TIMEOUT_SECONDS,
    MAX_CONSECUTIVE_MISUNDERSTANDINGS,
    MAX_REPEATS,
    FlowState,
    FlowStep,
    Reply,
    finish,
)
from proxycall.core.parsers.result import Value
from proxycall.core.voice import AnsweredBy, CallEvent, Heard, HeardNothing

ONLY_THE_MESSAGE = "Sorry, I'm an automated assistant, so I can only pass on this message."
UNCLEAR = "Sorry, I didn't quite catch that."
STILL_THERE = "Are you still there?"
DELIVERED_TO_PERSON = "person"
DELIVERED_TO_VOICEMAIL = "voicemail"


def _script(spec: AgentSpec) -> ScriptSpec:
    if spec.script is None:
        raise ValueError(f"agent {spec.type} has no script")
    return spec.script


def start_script(
    spec: AgentSpec, values: Mapping[str, Value], state: FlowState, now: datetime
) -> FlowStep:
    """Open the call: the message to a person, or the voicemail version to a machine."""
    script = _script(spec)
    reply = Reply(now)
    if state.answered_by == AnsweredBy.FAX:
        reply.hangup()
        finish(state, EndReason.FAX)
        return reply.step(state)
    if state.answered_by == AnsweredBy.MACHINE:
        lines = render_all(spec, script.voicemail, values)
        if lines:
            reply.pause(1)
            reply.say(*lines)
            state.facts.update(message_delivered="YES", delivered_to=DELIVERED_TO_VOICEMAIL)
        reply.hangup()
        finish(state, EndReason.VOICEMAIL_LEFT if lines else EndReason.VOICEMAIL_SKIPPED)
        return reply.step(state)
    reply.say(render(spec, script.opening, values))
    _say_message(spec, values, state, reply)
    return reply.step(state)


def _say_message(
    spec: AgentSpec, values: Mapping[str, Value], state: FlowState, reply: Reply
) -> None:
    script = _script(spec)
    reply.say(*render_all(spec, script.message, values))
    offer = render(spec, script.repeat_offer, values)
    state.last_prompt = [offer]
    reply.listen([offer], digits=True)


def _close(
    spec: AgentSpec, values: Mapping[str, Value], state: FlowState, reply: Reply,
    reason: EndReason,
) -> None:  # fmt: skip
    reply.say(render(spec, _script(spec).closing, values))
    reply.hangup()
    finish(state, reason)


def advance_script(
    spec: AgentSpec,
    values: Mapping[str, Value],
    state: FlowState,
    event: CallEvent,
    now: datetime,
) -> FlowStep:
    """React to what the callee did after hearing the message."""
    reply = Reply(now)
    if isinstance(event, Heard) and (event.speech.strip() or event.digits.strip()):
        _on_heard(spec, values, state, event, reply)
    elif isinstance(event, Heard | HeardNothing):
        _on_silence(spec, values, state, reply)
    else:  # an Interpreted never comes from the script; ask the same thing again
        reply.listen(list(state.last_prompt), digits=True)
        return reply.step(state)
    reason = over_bounds(state, now)
    if reason is not None and not state.finished:
        heard = [line for line in reply.transcript if line.speaker == "callee"]
        reply = Reply(now)
        reply.transcript.extend(heard)
        _close(spec, values, state, reply, reason)
    return reply.step(state)


def _delivered(state: FlowState) -> None:
    # Reaching the listen after the message means the message was played to the end. Nobody
    # has taken it yet: "acknowledged" is NO until the callee clearly says they have.
    state.facts.setdefault("message_delivered", "YES")
    state.facts.setdefault("delivered_to", DELIVERED_TO_PERSON)
    state.facts.setdefault("acknowledged", "NO")


def _on_heard(
    spec: AgentSpec, values: Mapping[str, Value], state: FlowState, event: Heard, reply: Reply
) -> None:
    text = event.speech.strip()
    reply.heard(text or f"(pressed {event.digits.strip()})")
    _delivered(state)
    state.turns += 1
    state.silences = 0
    state.callee_spoke = True
    state.holding = False
    offer = state.last_prompt or [render(spec, _script(spec).repeat_offer, values)]
    identity = f"I'm an automated assistant calling on behalf of {on_behalf_of(spec, values)}."
    if text and intents.is_about_question(text):
        _tell_again(spec, values, state, reply, [identity], offer)
    elif text and intents.is_identity_question(text):
        reply.listen([identity, *offer], digits=True)
    elif intents.is_repeat_request(text, event.digits) or (
            text and intents.accepts_repeat_offer(text)):  # the offer ends every telling
        if state.repeats >= MAX_REPEATS:
            _close(spec, values, state, reply, EndReason.COMPLETED)
            return
        _tell_again(spec, values, state, reply, [], offer)
    elif text and intents.is_hold(text):
        state.holding = True
        reply.listen([], timeout=HOLD_TIMEOUT_SECONDS, digits=True)
    elif text and intents.is_acknowledgement(text):
        state.facts["acknowledged"] = "YES"
        state.misunderstandings = 0
        _close(spec, values, state, reply, EndReason.COMPLETED)
    else:
        _not_taken(spec, values, state, reply, text, offer)


def _tell_again(
    spec: AgentSpec, values: Mapping[str, Value], state: FlowState, reply: Reply,
    lead: list[str], offer: list[str],
) -> None:  # fmt: skip
    """Say the message again after `lead`; past MAX_REPEATS only the lead and the offer."""
    if state.repeats >= MAX_REPEATS:
        reply.listen([*lead, *offer], digits=True)
        return
    state.repeats += 1
    reply.say(*lead)
    _say_message(spec, values, state, reply)


def _not_taken(
    spec: AgentSpec, values: Mapping[str, Value], state: FlowState, reply: Reply, text: str,
    offer: list[str],
) -> None:  # fmt: skip
    """A question we can't answer, a hedge or words we can't use: honest, then the offer."""
    state.misunderstandings += 1
    if state.misunderstandings >= MAX_CONSECUTIVE_MISUNDERSTANDINGS:
        _close(spec, values, state, reply, EndReason.MAX_MISUNDERSTANDINGS)
        return
    lead = UNCLEAR if text and intents.is_unclear(text) else ONLY_THE_MESSAGE
    reply.listen([lead, *offer], digits=True)


def _on_silence(
    spec: AgentSpec, values: Mapping[str, Value], state: FlowState, reply: Reply
) -> None:
    _delivered(state)
    state.turns += 1
    state.silences += 1
    offer = state.last_prompt or [render(spec, _script(spec).repeat_offer, values)]
    if state.holding:
        state.holding = False
        state.silences = 1  # a hold that ran out gets one "still there?", like a silence
        reply.listen([STILL_THERE, *offer], digits=True)
    elif state.silences == 1:
        reply.listen([STILL_THERE, *offer], digits=True)
    else:
        _close(spec, values, state, reply, EndReason.NO_RESPONSE)
