"""Whole calls over real HTTP: the twilio SDK → the simulator → signed webhooks → our TwiML."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.integration.telephony.harness import OUR_NUMBER, Env, ask_in_turn, questions

from proxycall.core.calls import CallStatus
from proxycall.core.voice import AnsweredBy, Hangup, Listen, Pause, Say

pytestmark = pytest.mark.asyncio(loop_scope="module")

STOCK_QUESTIONS = questions(
    "I'm looking for Sony headphones. Do you have any in stock?",
    "The customer needs 2. How many do you have?",
    "And what's the price?",
)


async def test_place_call_returns_the_queued_provider_call(env: Env) -> None:
    placed = await env.telephony.place_call(env.request("in-stock"))

    assert placed.status is CallStatus.QUEUED
    assert placed.sid.startswith("CA") and len(placed.sid) == 34
    assert placed.duration_seconds is None
    await env.simulator.wait_until_done(placed.sid)


async def test_in_stock_call_end_to_end(env: Env) -> None:
    env.hooks.script = STOCK_QUESTIONS

    call = await env.call("in-stock")

    assert call.status == "completed"
    assert call.status_callbacks() == ["initiated", "ringing", "in-progress", "completed"]
    assert [r.kind for r in env.hooks.received if r.kind != "status"] == [
        "voice", "gather", "gather", "gather"
    ]
    assert all(r.signature_ok for r in env.hooks.received)
    assert call.said_by("callee") == [
        "yeah, we've got five of those", "we've got five", "They're $249"
    ]
    speech = [r.form.get("SpeechResult") for r in env.hooks.of_kind("gather")]
    assert speech == ["yeah, we've got five of those", "we've got five", "They're $249"]
    assert call.said_by("agent")[-1] == "Thanks, goodbye."


async def test_voice_webhook_carries_twilios_fields(env: Env) -> None:
    call = await env.call("in-stock")

    voice = env.hooks.of_kind("voice")[0]
    assert voice.url.endswith("/twilio/voice?callId=test-call")
    assert voice.form == {
        "AccountSid": env.simulator.account_sid,
        "ApiVersion": "2010-04-01",
        "CallSid": call.sid,
        "CallStatus": "in-progress",
        "Called": call.to,
        "Caller": OUR_NUMBER,
        "Direction": "outbound-api",
        "From": OUR_NUMBER,
        "To": call.to,
        "AnsweredBy": "human",
    }
    gather = env.hooks.of_kind("gather")[0]
    assert gather.form["Confidence"] and float(gather.form["Confidence"]) > 0.5
    assert "test-call" in gather.url


async def test_status_callbacks_in_order_with_duration_on_completed(env: Env) -> None:
    call = await env.call("in-stock")

    statuses = env.hooks.of_kind("status")
    assert [s.form["CallStatus"] for s in statuses] == [
        "initiated", "ringing", "in-progress", "completed"
    ]
    assert [s.form["SequenceNumber"] for s in statuses] == ["0", "1", "2", "3"]
    assert all(s.form["CallbackSource"] == "call-progress-events" for s in statuses)
    completed = statuses[-1].form
    assert int(completed["CallDuration"]) == call.duration_seconds > 0
    assert "CallDuration" not in statuses[0].form


async def test_a_whole_call_takes_no_real_waiting_at_pace_zero(env: Env) -> None:
    env.hooks.script = STOCK_QUESTIONS

    call = await env.call("hold-then-yes")

    # Simulated time passed (rings, speech, a 20 s hold); nothing slept for it.
    assert call.elapsed > 20
    assert env.sleeper.waits == []


async def test_fetch_after_the_call_reports_duration_cost_and_answered_by(env: Env) -> None:
    call = await env.call("in-stock")

    fetched = await env.telephony.fetch_call(call.sid)

    assert fetched.status is CallStatus.COMPLETED
    assert fetched.answered_by is AnsweredBy.HUMAN
    assert fetched.duration_seconds == call.duration_seconds
    assert fetched.cost is not None and fetched.cost > Decimal(0)
    assert fetched.cost_currency == "USD"
    assert fetched.started_at is not None and fetched.ended_at is not None
    assert fetched.ended_at >= fetched.started_at


@pytest.mark.parametrize(
    ("persona", "script", "callee_lines"),
    [
        ("out-of-stock", questions(
            "Do you have any Sony headphones in stock?",
            "Do you know when you'll have more in?"),
         ["no, sorry, we're out — should be back Tuesday week",
          "should be back Tuesday week"]),
        ("which-model", questions(
            "Do you have any Sony headphones in stock?",
            "It's the WH-1000XM5, in black.",
            "And what's the price?"),
         ["which model?", "yep, we've got three of those", "They're $249"]),
        ("restaurant-offers-later", questions(
            "I'd like to book a table for 4 on Saturday the 28th of November at 7 pm. "
            "Can you fit us in?",
            "7:30 works. Can you book that for us?"),
         ["we can't do 7, but we can do 7:30", "great, you're booked in for 7:30"]),
        ("restaurant-books", questions("Could I book a table for 2 at 6 pm tonight?"),
         ["yep, we can do that — you're booked in"]),
        ("clinic-cancels", questions(
            "I'm calling to cancel an appointment for Sam on Monday at 10 am. "
            "Can you cancel it?"),
         ["yep, that's cancelled, no fee"]),
        ("manager-acknowledges", questions(
            "Sam is unwell and won't be able to make the shift on Saturday the 28th of "
            "November, starting at 9 am. If you'd like me to repeat that, just say so."),
         ["no worries, I'll let the team know"]),
        ("repeat-asker", questions(
            "Sam is unwell and won't be able to make the shift on Saturday at 9 am.",
            "Sam is unwell and won't be able to make the shift on Saturday at 9 am."),
         ["sorry, can you say that again?", "okay, got it — I'll pass that on, thanks"]),
        ("acknowledger", questions("Sam can't make the shift tomorrow."), ["okay, thanks"]),
    ],
)
async def test_personas_answer_what_they_were_asked(
    env: Env, persona: str, script: object, callee_lines: list[str]
) -> None:
    env.hooks.script = script  # type: ignore[assignment]

    call = await env.call(persona)

    assert call.status == "completed"
    assert call.said_by("callee") == callee_lines
    posted = [r.form.get("SpeechResult") for r in env.hooks.of_kind("gather")]
    assert posted == callee_lines


async def test_hold_then_yes_is_silent_while_checking(env: Env) -> None:
    env.hooks.script = ask_in_turn(
        [Listen(prompt=("Do you have any Sony headphones in stock?",))],
        [Listen(timeout_seconds=10)],  # wait quietly while they check
        [Listen(timeout_seconds=10)],
        [Say("Great, thanks. Bye."), Hangup()],
    )

    call = await env.call("hold-then-yes")

    posted = [r.form for r in env.hooks.of_kind("gather")]
    assert posted[0]["SpeechResult"] == "one sec, let me check"
    assert "SpeechResult" not in posted[1]  # 10 s of silence: Twilio posts an empty result
    assert "Digits" not in posted[1]
    # 20 s away: silent through the first 10 s gather, back 10 s into the second.
    assert posted[2]["SpeechResult"] == "sorry about the wait — yep, we've got two of them"
    assert len(posted) == 3
    assert call.said_by("callee") == ["one sec, let me check",
                                      "sorry about the wait — yep, we've got two of them"]


async def test_repeat_presser_sends_digits(env: Env) -> None:
    env.hooks.script = questions("Sam won't be able to make the shift. Press 1 to hear it again.",
                                 "Sam won't be able to make the shift.")

    call = await env.call("repeat-presser")

    posted = [r.form for r in env.hooks.of_kind("gather")]
    assert posted[0]["Digits"] == "1"
    assert "SpeechResult" not in posted[0]
    assert call.said_by("callee")[0] == "[pressed 1]"


async def test_never_clear_mumbles_with_low_confidence_until_we_stop(env: Env) -> None:
    env.hooks.script = questions("Do you have any in stock?", "Sorry, do you have any?",
                                 "Just yes or no — any in stock?")

    call = await env.call("never-clear")

    posted = [r.form for r in env.hooks.of_kind("gather")]
    assert [p["SpeechResult"] for p in posted] == ["hmm", "what was that?",
                                                   "mm… yeah… not sure, maybe"]
    assert all(float(p["Confidence"]) < 0.5 for p in posted)
    assert call.status == "completed"


async def test_callee_hangs_up_mid_call(env: Env) -> None:
    env.hooks.script = questions("Do you have any in stock?", "How many do you have?",
                                 "What's the price?")

    call = await env.call("hangs-up")

    assert call.status == "completed"
    assert len(env.hooks.of_kind("gather")) == 1  # the second gather never posts
    assert "the callee hung up" in call.said_by("event")
    assert "What's the price?" not in call.said_by("agent")
    assert call.status_callbacks()[-1] == "completed"


async def test_busy_sends_no_webhook(env: Env) -> None:
    call = await env.call("busy")

    assert call.status == "busy"
    assert call.status_callbacks() == ["initiated", "ringing", "busy"]
    assert env.hooks.of_kind("voice") == []
    fetched = await env.telephony.fetch_call(call.sid)
    assert fetched.status is CallStatus.BUSY
    assert fetched.duration_seconds == 0
    assert fetched.cost is None


async def test_no_answer_rings_for_the_timeout(env: Env) -> None:
    call = await env.call("no-answer", timeout_seconds=25)

    assert call.status == "no-answer"
    assert call.status_callbacks() == ["initiated", "ringing", "no-answer"]
    assert env.hooks.of_kind("voice") == []
    assert call.elapsed == pytest.approx(25)
    assert env.hooks.of_kind("status")[-1].form["CallDuration"] == "0"


async def test_failed_call(env: Env) -> None:
    call = await env.call("failed")

    assert call.status == "failed"
    assert env.hooks.of_kind("voice") == []


async def test_voicemail_is_answered_by_a_machine_that_never_speaks(env: Env) -> None:
    env.hooks.script = ask_in_turn(
        [Say("Hi, this is an automated assistant calling on behalf of Sam."),
         Listen(prompt=("Sam won't be able to make the shift.",))],
        [Say("Thank you. Goodbye."), Hangup()],
    )

    call = await env.call("voicemail")

    voice = env.hooks.of_kind("voice")[0]
    assert voice.form["AnsweredBy"] == "machine_start"  # what MachineDetection=Enable reports
    gather = env.hooks.of_kind("gather")[0].form
    assert "SpeechResult" not in gather and "Digits" not in gather
    assert call.said_by("callee") == []
    fetched = await env.telephony.fetch_call(call.sid)
    assert fetched.answered_by is AnsweredBy.MACHINE


async def test_without_machine_detection_there_is_no_answered_by(env: Env) -> None:
    call = await env.call("in-stock", machine_detection=False)

    assert "AnsweredBy" not in env.hooks.of_kind("voice")[0].form
    assert call.answered_by is None


async def test_pause_play_and_relative_redirect_are_followed(env: Env) -> None:
    env.hooks.raw_twiml.append(
        '<?xml version="1.0" encoding="UTF-8"?><Response><Play>https://example.test/a.mp3'
        '</Play><Pause length="3"/><Redirect>/twilio/voice?callId=test-call&amp;step=2'
        '</Redirect><Say>never reached</Say></Response>'
    )
    env.hooks.script = ask_in_turn([Say("Redirected."), Pause(2), Hangup()])

    call = await env.call("acknowledger")

    voice_urls = [r.url for r in env.hooks.of_kind("voice")]
    assert voice_urls[1].endswith("/twilio/voice?callId=test-call&step=2")
    assert call.said_by("agent") == ["[plays audio]", "Redirected."]
    assert call.said_by("event")[-3:] == ["(pause 3 s)", "(pause 2 s)", "we hung up"] or (
        "(pause 3 s)" in call.said_by("event") and "(pause 2 s)" in call.said_by("event"))
    assert [r.kind for r in call.requests if r.kind != "status"] == ["voice", "redirect"]
