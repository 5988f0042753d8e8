"""The settings every command reads: one line naming a bad variable, then exit 2."""

from __future__ import annotations

import typer

from proxycall.config import ConfigError, Settings, load_settings


def settings_or_exit() -> Settings:
    """The settings, or a one-line error naming the variable and exit code 2."""
    try:
        return load_settings()
    except ConfigError as exc:
        typer.echo(f"proxycall: configuration error: {exc}", err=True)
        raise typer.Exit(2) from None
