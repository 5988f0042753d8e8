"""The call service over a real database with a scripted provider: the watchdog, the scheduler,
claims shared by two workers, provider failures, and the policy as a second line of defence."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import postgres_url

from proxycall.adapters.db import migrate
from proxycall.adapters.db.calls import CallStore, StoredCall
from proxycall.adapters.db.conversations import ConversationStore
from proxycall.adapters.db.database import create_engine, session_factory
from proxycall.adapters.db.models import Conversation, User
from proxycall.adapters.db.switches import SwitchStore
from proxycall.adapters.telephony.webhooks import read_gathered, read_report
from proxycall.config import load_settings
from proxycall.core.agents import default_registry
from proxycall.core.calls import CallStatus
from proxycall.core.errors import DeadlineMissed, DestinationBlocked, ProviderUnavailable
from proxycall.core.llm import AnswerReading
from proxycall.core.telephony import (
    CallNotFound,
    CallRequest,
    ProviderCall,
    TelephonyUnavailable,
)
from proxycall.core.voice import Directive
from proxycall.services.calls.dialing import call_config
from proxycall.services.calls.service import CallService, StartInput
from proxycall.services.switches import Switches
from proxycall.wiring import build_call_service

SUNDAY_3AM_BRISBANE = datetime(2026, 11, 29, 3, 0, tzinfo=UTC) - timedelta(hours=10)
MONDAY_9AM_BRISBANE = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
LOST_CONTACT = 120.0


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class ScriptedTelephony:
    """A provider that accepts calls and then says whatever the test sets (no callbacks)."""

    placed: list[CallRequest] = field(default_factory=list)
    refuse_with: Exception | None = None
    fetched: ProviderCall | Exception | None = None
    hung_up: list[str] = field(default_factory=list)

    async def place_call(self, request: CallRequest) -> ProviderCall:
        if self.refuse_with is not None:
            raise self.refuse_with
        self.placed.append(request)
        return ProviderCall(sid=f"CA{len(self.placed):032d}", status=CallStatus.QUEUED)

    async def fetch_call(self, sid: str) -> ProviderCall:
        if isinstance(self.fetched, Exception):
            raise self.fetched
        if self.fetched is None:
            raise CallNotFound("no such call")
        return self.fetched

    async def hang_up(self, sid: str) -> ProviderCall:
        self.hung_up.append(sid)
        return ProviderCall(sid=sid, status=CallStatus.COMPLETED)


@dataclass
class World:
    service: CallService
    telephony: ScriptedTelephony
    clock: Clock
    store: CallStore
    sessions: Any
    switches: Switches
    user_id: str = "user-1"

    async def voice(self, call_id: str, form: dict[str, str]) -> list[Directive]:
        """The voice webhook's form, read by the Twilio adapter, handed to the service."""
        return await self.service.on_voice(call_id, read_report(form))

    async def gather(self, call_id: str, form: dict[str, str]) -> list[Directive]:
        """The gather webhook's form, read by the Twilio adapter, handed to the service."""
        return await self.service.on_gather(call_id, read_gathered(form))

    async def confirmed(self, agent: str, values: dict[str, Any],
                        place: dict[str, Any] | None = None) -> str:
        """A COMPLETE conversation row, as the conversation engine leaves it."""
        cid = f"c-{uuid.uuid4().hex[:10]}"
        async with self.sessions.begin() as session:
            if await session.get(User, self.user_id) is None:
                session.add(User(id=self.user_id, name="T",
                                 is_admin=False, created_at=self.clock()))
                await session.flush()
            session.add(Conversation(
                user_id=self.user_id, client_id=cid, agent_type=agent, engine="v2",
                state={"agent_type": agent, "values": values, "place": place, "complete": True},
                turn=3, status="COMPLETE", timezone="Australia/Brisbane",
                created_at=self.clock(), updated_at=self.clock()))
        return cid


SICK_VALUES = {"employer_name": "Bunnings", "employer_phone": "+61491570006",
               "caller_name": "Richard", "shift_date": "2026-11-30",
               "shift_start_time": "09:00", "reason_category": "SICK"}
STOCK_VALUES = {"retailer_name": "JB Hi-Fi", "product_name": "headphones",
                "product_details": "Sony", "quantity": 1, "place_id": "bundled:jb-hifi-chermside",
                "place_name": "JB Hi-Fi Chermside", "place_address": "Chermside",
                "place_phone": "+61755501001"}
HOURS = {day: [{"open": "09:00", "close": "17:30"}] for day in ("mon", "tue", "wed", "thu",
                                                                 "fri", "sat")}
PLACE = {"timezone": "Australia/Brisbane", "openingHours": {**HOURS, "sun": []}}


@asynccontextmanager
async def _world(url: str, data_dir: Path, extractor: Any = None,
                 **env: str) -> AsyncIterator[World]:
    settings = load_settings(PROXYCALL_DATA_DIR=data_dir, **env)
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    clock = Clock(SUNDAY_3AM_BRISBANE)
    switches = Switches(SwitchStore(sessions), False, clock)
    telephony = ScriptedTelephony()
    config = call_config(settings, public_base_url="http://127.0.0.1:9", signing_token="t",
                         lost_contact_seconds=LOST_CONTACT)
    service = build_call_service(config, sessions, engine.dialect.name,
                                 ConversationStore(sessions), default_registry(), switches,
                                 telephony, extractor, clock)
    try:
        yield World(service, telephony, clock, CallStore(sessions, engine.dialect.name),
                    sessions, switches, user_id=f"user-{uuid.uuid4().hex[:8]}")
    finally:
        await engine.dispose()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'calls.db'}"
    async with _world(url, tmp_path) as built:
        yield built


async def test_a_quiet_call_is_ended_as_lost_contact(world: World) -> None:
    cid = await world.confirmed("SICK_CALLER", SICK_VALUES)
    body = await world.service.start(world.user_id, StartInput(cid))
    assert body["status"] == "queued" and len(world.telephony.placed) == 1
    request = world.telephony.placed[0]
    assert request.voice_url == f"http://127.0.0.1:9/twilio/voice?callId={body['callId']}"
    assert request.machine_detection and request.timeout_seconds == 30
    world.telephony.fetched = TelephonyUnavailable("down")
    world.clock.now += timedelta(seconds=LOST_CONTACT - 1)
    await world.service.tick()
    assert (await world.store.get(body["callId"])).status == "queued"  # type: ignore[union-attr]
    world.clock.now += timedelta(seconds=2)
    await world.service.tick()
    status = await world.service.status(world.user_id, body["callId"])
    assert status["status"] == "failed" and status["terminal"] is True
    assert status["endReason"] == "lost_contact"
    assert status["outcome"]["taskResult"] == "UNKNOWN"


async def test_a_lost_completed_callback_after_the_goodbye_ends_the_call_completed(
        world: World) -> None:
    """The flow said goodbye and hung up, the provider's last callback never came and it no
    longer knows the call: the call ended normally, so it is completed, not failed."""
    cid = await world.confirmed("SICK_CALLER", SICK_VALUES)
    call_id = (await world.service.start(world.user_id, StartInput(cid)))["callId"]
    sid = f"CA{1:032d}"  # what ScriptedTelephony answered for the first call
    await world.voice(call_id, {"CallSid": sid, "CallStatus": "in-progress",
                                           "AnsweredBy": "human"})
    await world.gather(call_id, {"CallSid": sid, "CallStatus": "in-progress",
                                            "SpeechResult": "no worries, thanks"})
    world.telephony.fetched = CallNotFound("no such call")
    world.clock.now += timedelta(seconds=LOST_CONTACT + 1)
    await world.service.tick()
    status = await world.service.status(world.user_id, call_id)
    assert status["status"] == "completed" and status["terminal"] is True
    assert status["endReason"] == "completed"
    assert status["outcome"]["taskResult"] == "SUCCESS"


async def test_contact_lost_before_the_goodbye_is_failed_lost_contact(world: World) -> None:
    cid = await world.confirmed("SICK_CALLER", SICK_VALUES)
    call_id = (await world.service.start(world.user_id, StartInput(cid)))["callId"]
    await world.voice(call_id, {"CallSid": f"CA{1:032d}",
                                           "CallStatus": "in-progress", "AnsweredBy": "human"})
    world.telephony.fetched = CallNotFound("no such call")
    world.clock.now += timedelta(seconds=LOST_CONTACT + 1)
    await world.service.tick()
    status = await world.service.status(world.user_id, call_id)
    assert (status["status"], status["endReason"]) == ("failed", "lost_contact")
    assert status["outcome"]["taskResult"] != "SUCCESS"


async def test_the_watchdog_takes_the_providers_word_first(world: World) -> None:
    cid = await world.confirmed("SICK_CALLER", SICK_VALUES)
    call_id = (await world.service.start(world.user_id, StartInput(cid)))["callId"]
    world.telephony.fetched = ProviderCall(sid="CA1", status=CallStatus.NO_ANSWER,
                                           duration_seconds=0)
    await world.service.reconcile()  # at start-up no quiet period is needed
    status = await world.service.status(world.user_id, call_id)
    assert status["status"] == "no-answer" and status["endReason"] == "no_answer"
    assert status["outcome"]["taskResult"] == "FAILED"


async def test_a_provider_outage_fails_the_call_and_answers_503(world: World) -> None:
    cid = await world.confirmed("SICK_CALLER", SICK_VALUES)
    world.telephony.refuse_with = TelephonyUnavailable("Twilio could not be reached")
    with pytest.raises(ProviderUnavailable):
        await world.service.start(world.user_id, StartInput(cid))
    calls = (await world.service.list_calls(world.user_id))["calls"]
    assert [(c["status"], c["taskResult"]) for c in calls] == [("failed", "FAILED")]
    again = await world.service.start(world.user_id, StartInput(cid))
    assert again["callId"] == calls[0]["callId"] and again["endReason"] == "failed"
    world.telephony.refuse_with = None
    retried = await world.service.start(world.user_id, StartInput(cid, retry=True))
    assert retried["attempt"] == 2 and retried["status"] == "queued"
    assert len(world.telephony.placed) == 1


@pytest.mark.parametrize(("number", "reason"), [
    ("+61190012345", "premium_number"), ("000", "emergency_number"),
    ("+61000", "emergency_number"), ("+61112", "emergency_number"),
    ("+19005550100", "premium_number"),
])
async def test_a_stored_number_the_policy_refuses_is_never_dialed(
        world: World, number: str, reason: str) -> None:
    cid = await world.confirmed("SICK_CALLER", {**SICK_VALUES, "employer_phone": number})
    with pytest.raises(DestinationBlocked) as refused:
        await world.service.start(world.user_id, StartInput(cid))
    assert refused.value.details == {"reason": reason}
    assert world.telephony.placed == []


async def test_a_business_call_outside_hours_waits_for_the_opening(world: World) -> None:
    cid = await world.confirmed("STOCK_CHECKER", STOCK_VALUES, PLACE)
    body = await world.service.start(world.user_id, StartInput(cid))
    assert body["status"] == "scheduled"
    assert body["scheduledFor"] == MONDAY_9AM_BRISBANE.isoformat()
    assert "Monday 30 November at 9 am" in body["message"]
    await world.service.tick()
    assert world.telephony.placed == []
    world.clock.now = MONDAY_9AM_BRISBANE + timedelta(seconds=5)
    await world.switches.set_calls_paused(True, "test")
    await world.service.tick()
    assert world.telephony.placed == [], "a paused service does not dial scheduled calls"
    await world.switches.set_calls_paused(False, "test")
    await world.service.tick()
    assert [r.to for r in world.telephony.placed] == ["+61755501001"]
    assert (await world.service.status(world.user_id, body["callId"]))["status"] == "queued"


async def test_a_sick_call_goes_at_5am_but_not_after_the_shift_started(world: World) -> None:
    cid = await world.confirmed("SICK_CALLER", SICK_VALUES)
    world.clock.now = datetime(2026, 11, 29, 19, 30, tzinfo=UTC)  # 5:30 am Monday, Brisbane
    assert (await world.service.start(world.user_id, StartInput(cid)))["status"] == "queued"
    late = await world.confirmed("SICK_CALLER", SICK_VALUES)
    world.clock.now = MONDAY_9AM_BRISBANE + timedelta(minutes=1)
    with pytest.raises(DeadlineMissed) as refused:
        await world.service.start(world.user_id, StartInput(late))
    assert refused.value.code == "deadline_passed"  # the contract's code since round two


async def test_a_requested_time_is_honoured(world: World) -> None:
    cid = await world.confirmed("SICK_CALLER", SICK_VALUES)
    at = SUNDAY_3AM_BRISBANE + timedelta(hours=2)
    body = await world.service.start(world.user_id, StartInput(cid, scheduled_for=at))
    assert body["status"] == "scheduled" and body["scheduledFor"] == at.isoformat()
    world.clock.now = at
    await world.service.tick()
    assert len(world.telephony.placed) == 1


async def _race_claims(url: str, data_dir: Path) -> None:
    """Two workers (two engines: two processes) race for the same due calls."""
    async with _world(url, data_dir) as first:
        await _race_in(first, url)


async def _race_in(first: World, url: str) -> None:
    due_at = datetime(2030, 1, 1, tzinfo=UTC)  # far ahead: no live server's worker sees them
    ids = []
    for _ in range(3):
        cid = await first.confirmed("SICK_CALLER", {**SICK_VALUES, "shift_date": "2030-01-02"})
        body = await first.service.start(first.user_id, StartInput(cid, scheduled_for=due_at))
        ids.append(body["callId"])
    engines = [create_engine(url) for _ in range(2)]
    try:
        stores = [CallStore(session_factory(e), e.dialect.name) for e in engines]
        results = await asyncio.gather(*(
            store.claim_due(f"worker-{i}", due_at + timedelta(seconds=1), 10)
            for i, store in enumerate(stores)))
    finally:
        for engine in engines:
            await engine.dispose()
    claimed: list[StoredCall] = [call for result in results for call in result
                                 if call.id in ids]
    assert sorted(call.id for call in claimed) == sorted(ids), "each call claimed exactly once"
    assert all(call.status == "queued" for call in claimed)


async def test_scheduled_calls_are_claimed_once_by_two_workers_sqlite(tmp_path: Path) -> None:
    await _race_claims(f"sqlite+aiosqlite:///{tmp_path / 'race.db'}", tmp_path)


@pytest.mark.postgres
async def test_scheduled_calls_are_claimed_once_by_two_workers_postgres(tmp_path: Path) -> None:
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not configured: set PROXYCALL_TEST_DATABASE_URL")
    await _race_claims(load_settings(PROXYCALL_DATABASE_URL=url,
                                     PROXYCALL_DATA_DIR=tmp_path).sqlalchemy_url, tmp_path)


class CountingExtractor:
    """An LLM that restates every answer as `text`, counting how often it is asked."""

    model = "counting"

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.asked: list[str] = []

    async def extract(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("calls never ask the LLM to extract slots")

    async def read_answer(self, question: str, answer: str, field: str,
                          expects: Any) -> AnswerReading:
        self.asked.append(answer)
        return AnswerReading(field, self.text, self.model)


async def _answered(world: World, agent: str, values: dict[str, Any],
                    place: dict[str, Any] | None = None) -> tuple[str, dict[str, str]]:
    world.clock.now = MONDAY_9AM_BRISBANE + timedelta(hours=1)
    cid = await world.confirmed(agent, values, place)
    call_id = (await world.service.start(world.user_id, StartInput(cid)))["callId"]
    form = {"CallSid": "CA" + "0" * 31 + "1", "CallStatus": "in-progress", "AnsweredBy": "human"}
    directives = await world.voice(call_id, form)
    assert directives, "the flow opens the call"
    return call_id, form


async def test_only_an_unreadable_business_answer_goes_to_the_llm(tmp_path: Path) -> None:
    llm = CountingExtractor("yes")
    url = f"sqlite+aiosqlite:///{tmp_path / 'llm.db'}"
    async with _world(url, tmp_path, extractor=llm) as world:
        call_id, form = await _answered(world, "STOCK_CHECKER", STOCK_VALUES, PLACE)
        await world.gather(call_id, {**form, "SpeechResult": "yeah we've got five"})
        assert llm.asked == [] and (await world.store.get(call_id)).llm_calls == 0  # type: ignore[union-attr]
        await world.gather(
            call_id, {**form, "SpeechResult": "the shipment got held up at the depot"})
        status = await world.service.status(world.user_id, call_id)
    assert llm.asked == ["the shipment got held up at the depot"]
    assert status["llmCalls"] == 1
    assert status["outcome"]["facts"]["quantity_available"] == 5


async def test_the_sick_script_never_asks_the_llm(tmp_path: Path) -> None:
    llm = CountingExtractor("yes")
    url = f"sqlite+aiosqlite:///{tmp_path / 'sick.db'}"
    async with _world(url, tmp_path, extractor=llm) as world:
        values = {**SICK_VALUES, "shift_date": "2026-12-01"}
        call_id, form = await _answered(world, "SICK_CALLER", values)
        for said in ("the shipment got held up at the depot", "who is this?", "hmm",
                     "blue ones are out the back somewhere", "", "sorry?", "what"):
            await world.gather(call_id, {**form, "SpeechResult": said})
        status = await world.service.status(world.user_id, call_id)
    assert llm.asked == []
    assert status["llmCalls"] == 0


async def test_an_idle_worker_round_only_reads_and_a_held_lease_is_renewed(
        world: World, tmp_path: Path) -> None:
    """An idle round takes no write lock (on SQLite it would hold up every turn's commit, once a
    second); a call in flight still has its lease renewed."""
    await world.service.tick()  # the pool's connection opened (opening one sets pragmas)
    holder = sqlite3.connect(tmp_path / "calls.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the file: a write here would wait
    try:
        await world.service.tick()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    cid = await world.confirmed("SICK_CALLER", SICK_VALUES)
    body = await world.service.start(world.user_id, StartInput(cid))
    call = await world.store.get(body["callId"])
    assert call is not None and call.claimed_by and call.lease_expires_at
    later = call.lease_expires_at + timedelta(minutes=5)
    await world.store.renew_leases(call.claimed_by, later)
    renewed = await world.store.get(call.id)
    assert renewed is not None and renewed.lease_expires_at == later
