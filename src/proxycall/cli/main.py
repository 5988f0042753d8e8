"""`proxycall`: serve, db, users, killswitch, login-link, rollout, simulator."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from proxycall.cli.rollout.commands import rollout_app
from proxycall.config import (
    ADMIN_TOKEN_FILE,
    ConfigError,
    Settings,
    export_for_workers,
    load_settings,
)

app = typer.Typer(help="proxycall: phone calls made on a person's behalf.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_app = typer.Typer(help="Users and their tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        typer.echo(f"proxycall: configuration error: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Processes serving the API "
                                         "(use PostgreSQL for more than one).")] = 1,
) -> None:
    """Start the API, the web app at /, and (by default) the Twilio simulator."""
    import uvicorn

    from proxycall.app import create_app

    settings = settings_or_exit()
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base_url = f"http://{shown_host}:{port}"
    if workers == 1:
        application = create_app(settings, base_url=base_url)
        uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
        return
    export_for_workers({"PROXYCALL_SERVE_BASE_URL": base_url})
    _prepare_workers(settings, base_url)
    uvicorn.run("proxycall.cli.main:worker_app", factory=True, workers=workers, host=host,
                port=port, log_level="warning", access_log=False)


def _prepare_workers(settings: Settings, base_url: str) -> None:
    """Once, before the workers start: migrate and make the admin token, so they don't race."""
    from proxycall.adapters.db import migrate
    from proxycall.config import read_or_create_secret

    if settings.auto_migrate:
        migrate.upgrade(settings.sqlalchemy_url)
        export_for_workers({"PROXYCALL_AUTO_MIGRATE": "false"})
    if settings.admin_token is None:
        token, generated = read_or_create_secret(settings.data_dir, ADMIN_TOKEN_FILE)
        if generated:
            typer.echo(f"Sign in (admin, new token): {base_url}/#token={token}")


def worker_app() -> object:
    """The app one `serve --workers N` process runs (uvicorn calls this in each worker)."""
    from proxycall.app import create_app

    settings = settings_or_exit()
    return create_app(settings, base_url=settings.serve_base_url, print_login_link=False)


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
    """Print the admin sign-in link (the token stored in the data dir)."""
    settings = settings_or_exit()
    path = settings.data_dir / ADMIN_TOKEN_FILE
    if settings.admin_token is not None:
        token = settings.admin_token.get_secret_value()
    elif path.exists():
        token = path.read_text().strip()
    else:
        typer.echo("No admin token yet: start the service once (`proxycall serve`).", err=True)
        raise typer.Exit(1)
    typer.echo(f"{base_url.rstrip('/')}/#token={token}")


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

    async def _create() -> str:
        from proxycall.adapters.db import migrate
        from proxycall.adapters.db.conversations import UserStore
        from proxycall.adapters.db.database import create_engine, session_factory

        await asyncio.to_thread(migrate.upgrade, settings.sqlalchemy_url)
        engine = create_engine(settings.sqlalchemy_url)
        try:
            user = await UserStore(session_factory(engine)).create(
                name, token, datetime.now(UTC))
        finally:
            await engine.dispose()
        return user.id

    user_id = asyncio.run(_create())
    typer.echo(f"userId={user_id}")
    typer.echo(f"token={token}")


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
    engine = create_engine(settings.sqlalchemy_url)
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
    app()


if __name__ == "__main__":
    sys.exit(app())
