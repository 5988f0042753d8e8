"""`proxycall calls list|cancel`: the operator's view of calls, straight from the database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from proxycall.cli.settings import settings_or_exit
from proxycall.config import Settings

if TYPE_CHECKING:
    from proxycall.adapters.db.calls import CallStore, Change, StoredCall

calls_app = typer.Typer(help="Calls: list them, cancel one that has not been dialled.",
                        no_args_is_help=True)
T = TypeVar("T")


def _settings() -> Settings:
    return settings_or_exit()


async def _with_store(settings: Settings, work: Callable[[CallStore], Awaitable[T]]) -> T:
    from proxycall.adapters.db import migrate
    from proxycall.adapters.db.calls import CallStore
    from proxycall.adapters.db.database import create_engine, session_factory

    await asyncio.to_thread(migrate.upgrade, settings.sqlalchemy_url)
    engine = create_engine(settings.sqlalchemy_url, settings.db_timeout_seconds)
    try:
        return await work(CallStore(session_factory(engine), engine.dialect.name))
    finally:
        await engine.dispose()


def _line(call: StoredCall) -> str:
    when = call.scheduled_for.isoformat() if call.scheduled_for else "-"
    return (f"{call.id}  {call.status:<11} {call.agent_type:<22} scheduled={when}  "
            f"end={call.end_reason or '-'}  created={call.created_at.isoformat()}")


@calls_app.command("list")
def calls_list(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    scheduled: Annotated[bool, typer.Option(help="Only calls waiting to be dialled.")] = False,
) -> None:
    """List calls (every user's), newest first: id, status, agent, when, why it ended."""
    async def work(store: CallStore) -> list[StoredCall]:
        return await store.recent(limit, scheduled_only=scheduled)

    rows = asyncio.run(_with_store(_settings(), work))
    typer.echo("\n".join(_line(call) for call in rows) if rows else "No calls.")


@calls_app.command("cancel")
def calls_cancel(call_id: str) -> None:
    """Cancel a call that has not been dialled yet (exit 1 if it is dialling or over)."""
    from proxycall.core.agents import default_registry
    from proxycall.core.calls import CallStatus, EndReason
    from proxycall.services.calls.dialing import status_change

    registry = default_registry()
    now = datetime.now(UTC)

    def cancel(current: StoredCall) -> Change | None:
        spec = registry.get(current.agent_type)
        if current.status != CallStatus.SCHEDULED.value or spec is None:
            return None
        return status_change(spec, current, CallStatus.CANCELED, now, source="operator",
                             end_reason=EndReason.CANCELED_BY_OPERATOR)

    async def work(store: CallStore) -> StoredCall | None:
        return await store.mutate(call_id, cancel)

    updated = asyncio.run(_with_store(_settings(), work))
    if updated is None:
        typer.echo(f"No call {call_id}.", err=True)
        raise typer.Exit(1)
    if updated.status != CallStatus.CANCELED.value:
        typer.echo(f"Call {call_id} is {updated.status}: too late to cancel.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Call {call_id} cancelled; it will not be dialled.")
