"""`proxycall doctor` as an operator runs it: the offline default passes and says where calls go;
a half-set or unsafe Twilio configuration, or an unreachable Redis, is named and fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SID = "AC" + "0123456789abcdef" * 2
CLEAN = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_PHONE_NUMBER", "WEBHOOK_BASE_URL",
         "PROXYCALL_DATABASE_URL", "PROXYCALL_REDIS_URL", "OPENAI_API_KEY",
         "GOOGLE_PLACES_API_KEY")


def run(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in CLEAN}
    return subprocess.run([sys.executable, "-m", "proxycall.cli.main", *args],
                          env={**base, "PROXYCALL_DATA_DIR": str(data_dir), **env},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    migrated = run(tmp_path, "db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr
    return tmp_path


def test_the_offline_default_passes_and_names_the_simulator(data_dir: Path) -> None:
    result = run(data_dir, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "built-in Twilio simulator" in result.stdout
    assert "reachable and migrated" in result.stdout
    assert "FAIL" not in result.stdout


def test_half_set_twilio_names_what_is_missing(data_dir: Path) -> None:
    result = run(data_dir, "doctor", TWILIO_ACCOUNT_SID=SID)
    assert result.returncode == 1
    assert "TWILIO_AUTH_TOKEN" in result.stdout and "TWILIO_PHONE_NUMBER" in result.stdout


def test_twilio_needs_a_public_https_webhook_url(data_dir: Path) -> None:
    twilio = {"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": "f" * 32,
              "TWILIO_PHONE_NUMBER": "+61370100000"}
    plain = run(data_dir, "doctor", **twilio, WEBHOOK_BASE_URL="http://calls.example.org")
    good = run(data_dir, "doctor", **twilio, WEBHOOK_BASE_URL="https://calls.example.org")
    assert plain.returncode == 1 and "must be https" in plain.stdout
    assert good.returncode == 0, good.stdout
    assert "signatures round-trip" in good.stdout
    assert "f" * 32 not in good.stdout + plain.stdout  # no secret printed


def test_an_unreachable_redis_fails(data_dir: Path) -> None:
    result = run(data_dir, "doctor", PROXYCALL_REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 1 and "Redis" in result.stdout
