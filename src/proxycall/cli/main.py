"""`proxycall`: serve, db, users, killswitch, login-link, rollout, simulator."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from proxycall.cli.calls import calls_app
from proxycall.cli.doctor import doctor
from proxycall.cli.rollout.commands import rollout_app
from proxycall.cli.settings import settings_or_exit
from proxycall.config import (
    ADMIN_TOKEN_FILE,
    PERSON_TOKEN_FILE,
    Settings,
    hand_to_workers,
    load_settings,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

    from proxycall.adapters.db.conversations import UserStore

T = TypeVar("T")

app = typer.Typer(help="proxycall: phone calls made on a person's behalf.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_app = typer.Typer(help="Users and their tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(calls_app, name="calls")
app.command("doctor")(doctor)




@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64,
                                         help="Processes serving the port (PostgreSQL for >1).")
                       ] = 1,
) -> None:
    """Start the API, the web app at /, and (by default) the Twilio simulator."""
    import uvicorn

    from proxycall.api.http_protocol import HeadWithBodyProtocol
    from proxycall.app import create_app

    settings = settings_or_exit()
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base_url = f"http://{shown_host}:{port}"
    if workers == 1:
        application = create_app(settings.model_copy(update={"serve_workers": 1}),
                                 base_url=base_url)
        uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False,
                    http=HeadWithBodyProtocol)
        return
    if settings.sqlalchemy_url.startswith("sqlite"):
        typer.echo("Note: several processes on one SQLite file stay correct but write one at a "
                   "time; PROXYCALL_DATABASE_URL=postgresql+psycopg://… is the store for this.",
                   err=True)
    _print_login_once(settings, base_url)
    hand_to_workers(base_url, workers)
    uvicorn.run("proxycall.cli.main:worker_app", factory=True, host=host, port=port,
                workers=workers, log_level="warning", access_log=False, http=HeadWithBodyProtocol)


def worker_app() -> FastAPI:
    """One worker process of `serve --workers N` (uvicorn calls this in each process)."""
    from proxycall.app import create_app

    settings = load_settings()
    return create_app(settings, base_url=settings.public_base_url or "http://127.0.0.1:8000",
                      print_login_link=False)


def _print_login_once(settings: Settings, base_url: str) -> None:
    """The sign-in link, printed once by the parent process.

    The parent prints the sign-in link once (a generated token is made here, before the
    workers start, so they all read the same one).
    """
    from proxycall.config import read_or_create_secret

    read_or_create_secret(settings.data_dir, ADMIN_TOKEN_FILE)
    read_or_create_secret(settings.data_dir, PERSON_TOKEN_FILE)
    typer.echo("`proxycall login-link` prints your app's link and the operator console's.")


@app.command("simulator")
def simulator(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8010,
    pace: Annotated[float, typer.Option(help="Real seconds per simulated step.")] = 0.3,
) -> None:
    """Run the Twilio simulator as its own process (the service embeds one by default).

    Point a proxycall at it with TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN from the data dir and
    the SDK base URL; the personas (who answers which number) are listed in the README.
    """
    from proxycall.adapters.telephony.simulator.app import run_simulator
    from proxycall.config import SIMULATOR_TOKEN_FILE, read_or_create_secret

    settings = settings_or_exit()
    token, _ = read_or_create_secret(settings.data_dir, SIMULATOR_TOKEN_FILE)
    typer.echo(f"Twilio simulator on http://{host}:{port} (auth token in "
               f"{settings.data_dir / SIMULATOR_TOKEN_FILE})")
    run_simulator(host, port, auth_token=token, pace=pace)


@app.command("login-link")
def login_link(
    base_url: Annotated[str, typer.Option(help="Where the service runs.")] =
    "http://127.0.0.1:8000",
) -> None:
    """Print the two sign-in links: your app (a regular user) and the operator console."""
    settings = settings_or_exit()
    base = base_url.rstrip("/")
    person = settings.data_dir / PERSON_TOKEN_FILE
    admin = settings.data_dir / ADMIN_TOKEN_FILE
    if not person.exists():
        typer.echo("No tokens yet: start the service once (`make run`).", err=True)
        raise typer.Exit(1)
    typer.echo(f"Your app: {base}/#token={person.read_text().strip()}")
    if settings.admin_token is not None:
        typer.echo(f"Operator console: {base}/ops (sign in with PROXYCALL_ADMIN_TOKEN)")
    elif admin.exists():
        typer.echo(f"Operator console: {base}/ops#token={admin.read_text().strip()}")


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply pending migrations."""
    from proxycall.adapters.db import migrate

    settings = settings_or_exit()
    migrate.upgrade(settings.sqlalchemy_url, revision)
    typer.echo(f"Database at {settings.database_label()} is at {revision}.")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Roll migrations back to REVISION (e.g. base)."""
    from proxycall.adapters.db import migrate

    settings = settings_or_exit()
    migrate.downgrade(settings.sqlalchemy_url, revision)
    typer.echo(f"Database at {settings.database_label()} is at {revision}.")


@users_app.command("create")
def users_create(name: str) -> None:
    """Create a user and print their token (shown once)."""
    import secrets

    settings = settings_or_exit()
    token = secrets.token_urlsafe(32)

    async def _create(users: UserStore) -> str:
        return (await users.create(name, token, datetime.now(UTC))).id

    user_id = asyncio.run(_with_users(settings, _create))
    typer.echo(f"userId={user_id}")
    typer.echo(f"token={token}")


@users_app.command("revoke")
def users_revoke(
    token: Annotated[str | None, typer.Option(help="Revoke this token.")] = None,
    user: Annotated[str | None, typer.Option(help="Revoke every token of this user id.")] = None,
) -> None:
    """Revoke a token (or all of a user's); the admin token of a running process included."""
    if (token is None) == (user is None):
        typer.echo("Say --token TOKEN or --user USER_ID.", err=True)
        raise typer.Exit(2)
    settings = settings_or_exit()

    async def _revoke(users: UserStore) -> int:
        return await users.revoke(datetime.now(UTC), token=token, user_id=user)

    revoked = asyncio.run(_with_users(settings, _revoke))
    typer.echo(f"Revoked {revoked} token(s); running servers stop accepting them within seconds.")
    if revoked == 0:
        raise typer.Exit(1)


async def _with_users(settings: Settings, work: Callable[[UserStore], Awaitable[T]]) -> T:
    """Run `work` with the user store of the configured database (migrated first)."""
    from proxycall.adapters.db import migrate
    from proxycall.adapters.db.conversations import UserStore
    from proxycall.adapters.db.database import create_engine, session_factory

    await asyncio.to_thread(migrate.upgrade, settings.sqlalchemy_url)
    engine = create_engine(settings.sqlalchemy_url, settings.db_timeout_seconds)
    try:
        return await work(UserStore(session_factory(engine)))
    finally:
        await engine.dispose()


@app.command("killswitch")
def killswitch(
    state: Annotated[str, typer.Argument(help="on, off or status")],
) -> None:
    """Flip or show the runtime kill switch (stored in the database; no restart needed)."""
    if state not in ("on", "off", "status"):
        typer.echo("Say on, off or status.", err=True)
        raise typer.Exit(2)
    settings = settings_or_exit()
    result = asyncio.run(_killswitch(settings, state))
    typer.echo(f"Kill switch: env={result['env']} runtime={result['runtime']} "
               f"effective={result['effective']}")


async def _killswitch(settings: Settings, state: str) -> dict[str, object]:
    from proxycall.adapters.db import migrate
    from proxycall.adapters.db.database import create_engine, session_factory
    from proxycall.adapters.db.switches import RecordStore, SwitchStore
    from proxycall.services.switches import Switches

    await asyncio.to_thread(migrate.upgrade, settings.sqlalchemy_url)
    engine = create_engine(settings.sqlalchemy_url, settings.db_timeout_seconds)
    try:
        sessions = session_factory(engine)
        switches = Switches(SwitchStore(sessions), settings.kill_switch,
                           lambda: datetime.now(UTC), RecordStore(sessions))
        if state != "status":
            return await switches.set_kill_switch(state == "on", by="cli")
        return await switches.kill_switch()
    finally:
        await engine.dispose()


app.add_typer(rollout_app, name="rollout")


def main() -> None:
    """The proxycall command line."""
    app()


if __name__ == "__main__":
    sys.exit(app())
