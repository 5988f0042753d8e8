"""Settings fail fast with one line naming the variable; secrets never print."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from proxycall.config import (
    PUBLIC_BASE_URL_ENV,
    SERVE_WORKERS_ENV,
    ConfigError,
    hand_to_workers,
    load_settings,
)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CONVERSATION_ENGINE_VERSION", "v3"),
        ("PROXYCALL_DEFAULT_TIMEZONE", "Mars/Olympus_Mons"),
        ("OPENAI_BASE_URL", "not a url"),
        ("WEBHOOK_BASE_URL", "ftp://example"),
        ("PROXYCALL_DATABASE_URL", "mysql://nope"),
        ("PROXYCALL_CALL_WINDOW", "someday 25:00-26:00"),
        ("PROXYCALL_METRICS_EVERY", "0"),
        ("CONVERSATION_ENGINE_KILL_SWITCH", "perhaps"),
    ],
)
def test_a_bad_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(**{variable: value})
    message = str(raised.value)
    assert message.startswith(f"{variable}:")
    assert "\n" not in message


def test_defaults_are_the_contracts() -> None:
    settings = load_settings()
    assert settings.engine_version == "v2"
    assert settings.kill_switch is False
    assert settings.default_timezone == "Australia/Brisbane"
    assert settings.default_region == "AU"
    assert settings.metrics_every == 100
    assert settings.sqlalchemy_url.startswith("sqlite+aiosqlite:///")


def test_serve_refuses_to_start_half_configured(tmp_path: Path) -> None:
    env = {**os.environ, "CONVERSATION_ENGINE_VERSION": "v9",
           "PROXYCALL_DATA_DIR": str(tmp_path), "OPENAI_API_KEY": "sk-secret-value"}
    result = subprocess.run(
        [sys.executable, "-m", "proxycall.cli.main", "serve", "--port", "1"],
        env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "CONVERSATION_ENGINE_VERSION" in lines[0]
    assert "sk-secret-value" not in result.stderr + result.stdout


def test_serve_hands_its_workers_their_address_and_their_number(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().serve_workers == 1  # a lone process unless serve said otherwise
    monkeypatch.setenv(PUBLIC_BASE_URL_ENV, "")  # restored after the test
    monkeypatch.setenv(SERVE_WORKERS_ENV, "")
    hand_to_workers("http://127.0.0.1:8123", 3)
    settings = load_settings()
    assert settings.public_base_url == "http://127.0.0.1:8123"
    assert settings.serve_workers == 3
