"""DIALOG: ask a business the agent's questions in order and read the answers into facts.

The steps come from the declaration: a step is skipped when its `when` is false over the facts
so far or its field is already known (answers often fill several fields at once). Holds are
waited out quietly, silence gets one gentle re-prompt, the business's questions are answered
from the confirmed values, and only an answer the parsers cannot read is offered to an LLM.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from proxycall.core.agents.spec import AgentSpec, DialogSpec, DialogStep
from proxycall.core.calls import EndReason
from proxycall.core.flows import intents
from proxycall.core.flows.answers import read_answer, usable
from proxycall.core.flows.common import on_behalf_of, over_bounds, render
from proxycall.core.flows.reading import holds, parse_context, read_field, time_hint
from proxycall.core.flows.state import (
    CALLEE,
    HOLD_TIMEOUT_SECONDS,
    MAX_CONSECUTIVE_MISUNDERSTANDINGS,
    FlowState,
    FlowStep,
    Interpretation,
    Reply,
    finish,
)
from proxycall.core.parsers.result import Ambiguous, Parsed, Value
from proxycall.core.parsers.yes_no import is_unsure
from proxycall.core.voice import AnsweredBy, CallEvent, Heard, HeardNothing, Interpreted

STILL_THERE = "Are you still there?"
IDENTITY = "I'm an automated assistant calling on behalf of {name}."
GENTLE = "Sorry, I didn't catch that."
NO_DETAIL = "Sorry, I don't have that detail."
BEFORE_YOU_GO = "Before you go, one more question."
THANKS = "Thanks."
NO_RESPONSE_END = "It sounds like now isn't a good time. Thanks anyway. Goodbye."
TROUBLE_END = "I'm sorry, I'm having trouble understanding. Thanks for your time. Goodbye."
OUT_OF_TIME_END = "I'm sorry, I have to end the call now. Thanks for your time. Goodbye."
_BOUND_ENDINGS: Mapping[EndReason, str] = {
    EndReason.MAX_TURNS: TROUBLE_END,
    EndReason.MAX_MISUNDERSTANDINGS: TROUBLE_END,
    EndReason.MAX_DURATION: OUT_OF_TIME_END,
    EndReason.NO_RESPONSE: NO_RESPONSE_END,
}
_FILLERS = {"um", "uh", "er", "erm", "hmm", "mm", "ah", "oh", "eh", "well", "so", "like"}


@dataclass(frozen=True)
class _Turn:
    """What one call to the dialog works with."""

    spec: AgentSpec
    dialog: DialogSpec
    values: Mapping[str, Value]
    state: FlowState
    reply: Reply
    now: datetime


def _dialog(spec: AgentSpec) -> DialogSpec:
    if spec.dialog is None:
        raise ValueError(f"agent {spec.type} has no dialog")
    return spec.dialog


def start_dialog(
    spec: AgentSpec, values: Mapping[str, Value], state: FlowState, now: datetime
) -> FlowStep:
    """Open the call: disclosure and the first question, or the voicemail (never a success)."""
    dialog = _dialog(spec)
    turn = _Turn(spec, dialog, values, state, Reply(now), now)
    if state.answered_by in (AnsweredBy.MACHINE, AnsweredBy.FAX):
        message = render(spec, dialog.voicemail, values)
        if message and state.answered_by == AnsweredBy.MACHINE:
            turn.reply.pause(1)
            turn.reply.say(message)
        turn.reply.hangup()
        left = bool(message) and state.answered_by == AnsweredBy.MACHINE
        reason = EndReason.VOICEMAIL_LEFT if left else EndReason.VOICEMAIL_SKIPPED
        finish(state, EndReason.FAX if state.answered_by == AnsweredBy.FAX else reason)
        return turn.reply.step(state)
    _proceed(turn, [render(spec, dialog.opening, values)])
    return turn.reply.step(state)


def advance_dialog(
    spec: AgentSpec,
    values: Mapping[str, Value],
    state: FlowState,
    event: CallEvent,
    now: datetime,
) -> FlowStep:
    """React to one callee event; may ask the service to interpret an unreadable answer."""
    turn = _Turn(spec, _dialog(spec), values, state, Reply(now), now)
    interpretation: Interpretation | None = None
    if isinstance(event, Heard) and (event.speech.strip() or event.digits.strip()):
        interpretation = _on_heard(turn, event)
    elif isinstance(event, Heard | HeardNothing):
        _on_silence(turn)
    elif isinstance(event, Interpreted):
        _on_interpreted(turn, event)
    reason = over_bounds(state, now)
    if reason is not None and not state.finished:
        heard = [line for line in turn.reply.transcript if line.speaker == CALLEE]
        turn = _Turn(spec, turn.dialog, values, state, Reply(now), now)
        turn.reply.transcript.extend(heard)
        _end(turn, reason)
        interpretation = None
    return turn.reply.step(state, interpretation)


# --- Steps ---


def _applicable(spec: AgentSpec, facts: Mapping[str, Value]) -> list[DialogStep]:
    return [step for step in _dialog(spec).steps if holds(step.when, facts)]


def next_step(
    spec: AgentSpec,
    values: Mapping[str, Value],
    facts: Mapping[str, Value],
    skipped: Sequence[str] = (),
) -> DialogStep | None:
    """The first step still to ask: its condition holds, its field unknown, its text sayable."""
    for step in _applicable(spec, facts):
        if step.field in facts or step.name in skipped:
            continue
        if render(spec, step.ask, values):
            return step
    return None


def required_done(spec: AgentSpec, facts: Mapping[str, Value]) -> bool:
    """Every applicable step that fills a required outcome field has its answer."""
    optional = {f.name for f in spec.outcome if f.optional}
    return all(step.field in facts or step.field in optional for step in _applicable(spec, facts))


def _current(turn: _Turn) -> DialogStep | None:
    return next((s for s in turn.dialog.steps if s.name == turn.state.step), None)


def _ask_text(turn: _Turn, step: DialogStep, *, reask: bool) -> str:
    text = render(turn.spec, step.reask, turn.values) if reask else ""
    return text or render(turn.spec, step.ask, turn.values)


def _proceed(turn: _Turn, lead: list[str]) -> None:
    """Ask the next question, or close when there is none left."""
    step = next_step(turn.spec, turn.values, turn.state.facts, turn.state.skipped)
    if step is None:
        said = [text for text in lead if text != THANKS]  # the closing thanks them already
        turn.reply.say(*said, _closing(turn))
        turn.reply.hangup()
        turn.state.step = None
        finish(turn.state, EndReason.COMPLETED)
        return
    turn.state.step = step.name
    _listen(turn, [*lead, _ask_text(turn, step, reask=False)])


def _closing(turn: _Turn) -> str:
    """The declared closing for what we learned ("I'll pass that on"), else the usual one."""
    facts = turn.state.facts
    for closing in turn.dialog.closings:
        when = closing.when
        if when is not None and str(facts.get(when.slot)) not in when.values:
            continue
        text = render(turn.spec, closing.template, {**turn.values, **facts})
        if text:
            return text
    return render(turn.spec, turn.dialog.closing, turn.values)


def _listen(turn: _Turn, prompt: list[str], *, remember: bool = True) -> None:
    spoken = [text for text in prompt if text]
    if remember:
        turn.state.last_prompt = spoken
    turn.reply.listen(spoken)


def _end(turn: _Turn, reason: EndReason) -> None:
    """End politely: the closing when all was asked, else a short apology."""
    if reason is EndReason.COMPLETED:
        turn.reply.say(_closing(turn))
    else:
        turn.reply.say(_BOUND_ENDINGS.get(reason, TROUBLE_END))
    turn.reply.hangup()
    finish(turn.state, reason)


# --- Events ---


def _on_heard(turn: _Turn, event: Heard) -> Interpretation | None:
    state = turn.state
    state.pending_answer = None  # an interpretation never sent is abandoned, not misapplied
    digits = event.digits.strip()
    text = event.speech.strip() or digits  # keys are read like words ("5" for how many)
    turn.reply.heard(event.speech.strip() or f"(pressed {digits})")
    state.turns += 1
    state.silences = 0
    state.callee_spoke = True
    checking, state.checking_presence = state.checking_presence, False
    state.holding = False
    step = _current(turn)
    if intents.is_identity_question(text) or intents.is_about_question(text):
        who = IDENTITY.format(name=on_behalf_of(turn.spec, turn.values))
        _listen(turn, [who, *_current_question(turn, step)], remember=False)
        return None
    if intents.is_repeat_request(text):
        _listen(turn, list(state.last_prompt) or _current_question(turn, step))
        return None
    if step is None:
        _proceed(turn, [])
        return None
    if intents.only_asks(text) and not intents.is_hold(text):
        _answer_question(turn, step, text)  # "yeah, which model?": its "yeah" answers nothing
        return None
    reading = read_answer(turn.spec, turn.values, turn.state.facts, step, text, turn.now)
    if reading.facts:
        state.facts.update(reading.facts)
        state.misunderstandings = 0
        if intents.is_goodbye(text) and required_done(turn.spec, state.facts):
            _end(turn, EndReason.COMPLETED)
        elif intents.ends_with_hold(text) and _next_name(turn) is not None:
            state.step = _next_name(turn)  # "yes, hang on, I'll count them": wait, then ask
            _hold(turn)
        else:
            _proceed(turn, [THANKS])
        return None
    return _on_no_facts(turn, step, text, checking, reading.ambiguous)


def _next_name(turn: _Turn) -> str | None:
    step = next_step(turn.spec, turn.values, turn.state.facts, turn.state.skipped)
    if step is None:
        return None
    return step.name


def _on_no_facts(
    turn: _Turn, step: DialogStep, text: str, was_holding: bool, ambiguous: Ambiguous | None
) -> Interpretation | None:
    if intents.is_hold(text):
        _hold(turn)
        return None
    if intents.is_question(text):
        _answer_question(turn, step, text)
        return None
    if intents.is_goodbye(text):
        if required_done(turn.spec, turn.state.facts):
            _end(turn, EndReason.COMPLETED)
        else:
            _listen(turn, [BEFORE_YOU_GO, _ask_text(turn, step, reask=False)])
        return None
    if was_holding and intents.is_acknowledgement(text) and len(text.split()) <= 4:
        _listen(turn, [_ask_text(turn, step, reask=False)])  # "yes, I'm here"
        return None
    if ambiguous is not None:
        _misunderstood(turn, step, text, question=ambiguous.question)
        return None
    if _worth_interpreting(text) and not _unsure(text):
        turn.state.pending_answer = text
        question = turn.state.last_prompt[-1] if turn.state.last_prompt else step.ask
        return Interpretation(step.field, step.expects, question, text)
    _misunderstood(turn, step, text)
    return None


def _answer_question(turn: _Turn, step: DialogStep, text: str) -> None:
    """Answer the business's question from the confirmed values, or say we don't know it."""
    answer = intents.answer_question(turn.spec, turn.values, text)
    if answer is None:
        _listen(turn, [NO_DETAIL, _ask_text(turn, step, reask=False)], remember=False)
    else:
        _listen(turn, [answer], remember=False)


def _unsure(text: str) -> bool:
    """An answer that is no value ("not sure", "yeah… I guess"); no LLM can make it one."""
    return is_unsure(text) or intents.is_hedged(text)


def _worth_interpreting(text: str) -> bool:
    words = [w for w in intents.normalise(text).split() if any(c.isalpha() for c in w)]
    return any(word not in _FILLERS for word in words)


def _hold(turn: _Turn) -> None:
    turn.state.holding = True
    turn.reply.listen([], timeout=HOLD_TIMEOUT_SECONDS)


def _current_question(turn: _Turn, step: DialogStep | None) -> list[str]:
    return [_ask_text(turn, step, reask=False)] if step is not None else []


def _misunderstood(turn: _Turn, step: DialogStep, answer: str, question: str = "") -> None:
    """Ask again in other words; an optional field is given up on after one re-ask."""
    state = turn.state
    state.misunderstandings += 1
    if state.misunderstandings >= MAX_CONSECUTIVE_MISUNDERSTANDINGS:
        _end(turn, EndReason.MAX_MISUNDERSTANDINGS)
        return
    optional = any(f.name == step.field and f.optional for f in turn.spec.outcome)
    if optional:
        _note(turn, answer)  # "sometime next week" is worth keeping even if not a date
    if optional and (step.name in state.reasked or _unsure(answer)):
        state.misunderstandings -= 1  # "not sure" is an answer, just not a value
        state.skipped.append(step.name)
        _proceed(turn, [THANKS])
        return
    if step.name not in state.reasked:
        state.reasked.append(step.name)
    _listen(turn, [question or _ask_text(turn, step, reask=True)])


def _note(turn: _Turn, answer: str) -> None:
    if any(f.name == "notes" for f in turn.spec.outcome) and answer:
        before = str(turn.state.facts.get("notes", ""))
        turn.state.facts["notes"] = f"{before}; {answer}" if before else answer


def _on_silence(turn: _Turn) -> None:
    state = turn.state
    state.turns += 1
    step = _current(turn)
    if state.holding:
        state.holding = False
        state.checking_presence = True  # the next "yes, I'm here" is not an answer
        state.silences = 1
        turn.reply.listen([STILL_THERE])
        return
    state.silences += 1
    if state.silences >= 2:
        _end(turn, EndReason.NO_RESPONSE)
        return
    _listen(turn, [GENTLE, *_current_question(turn, step)])


def _on_interpreted(turn: _Turn, event: Interpreted) -> None:
    state = turn.state
    step = _current(turn)
    pending, state.pending_answer = state.pending_answer, None
    if step is None:
        _proceed(turn, [])
        return
    if pending is None or event.field != step.field:
        _listen(turn, list(state.last_prompt) or _current_question(turn, step))
        return
    if event.value is not None:
        ctx = parse_context(turn.values, turn.now)
        label = next((f.label for f in turn.spec.outcome if f.name == step.field), "")
        result = read_field(
            step.expects, str(event.value), ctx, hint=time_hint(turn.spec), label=label
        )
        if isinstance(result, Parsed) and usable(step.expects, result.value):
            state.facts[step.field] = result.value
            state.misunderstandings = 0
            _proceed(turn, [THANKS])
            return
    _misunderstood(turn, step, pending)
