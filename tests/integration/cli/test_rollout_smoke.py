"""The rollout commands against a real `proxycall serve` subprocess, as an operator runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from proxycall.cli.rollout.browser import browser_unavailable

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent / "proxycall"
START_TIMEOUT_SECONDS = 30.0
COMMAND_TIMEOUT_SECONDS = 180.0
_FOREIGN_ENV = ("PROXYCALL_", "OPENAI_", "GOOGLE_", "TWILIO_", "CONVERSATION_ENGINE_",
                "WEBHOOK_")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any proxycall, vendor or engine settings of the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_ENV)}
    env.update(extra)
    return env


@dataclass
class Served:
    base_url: str
    token: str
    data_dir: Path
    log_file: Path


def serve(tmp: Path, **env: str) -> Iterator[Served]:
    """`proxycall serve` on a free port with its own data dir; stopped by its PID afterwards."""
    data_dir, port = tmp / "data", free_port()
    log_file = tmp / "app.log"
    server_env = clean_env(PROXYCALL_DATA_DIR=str(data_dir), PROXYCALL_LOG_FILE=str(log_file),
                           PROXYCALL_CALL_WINDOW="always", PROXYCALL_SIMULATOR_PACE="0",
                           PROXYCALL_RATE_LIMIT="10000/minute", **env)
    with (tmp / "serve.out").open("wb") as out:
        process = subprocess.Popen([str(BIN), "serve", "--port", str(port)], cwd=tmp,
                                   env=server_env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            assert process.poll() is None, (tmp / "serve.out").read_text()[-2000:]
            try:
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "proxycall serve did not answer /health"
            time.sleep(0.1)
        token = (data_dir / "admin_token").read_text().strip()
        yield Served(base_url, token, data_dir, log_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from serve(tmp_path_factory.mktemp("rollout"))


def rollout(served: Served, *args: str, cwd: Path,
            token_in_argv: bool = False) -> subprocess.CompletedProcess[str]:
    """Run `proxycall rollout ...` as an operator would (token from the environment)."""
    argv = [str(BIN), "rollout", *args, "--base-url", served.base_url]
    env = clean_env(COLUMNS="200")
    if token_in_argv:
        argv += ["--token", served.token]
    else:
        env["PROXYCALL_ADMIN_TOKEN"] = served.token
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=COMMAND_TIMEOUT_SECONDS, check=False)
    assert served.token not in result.stdout + result.stderr
    return result


def test_smoke_passes_every_row_and_exits_zero(server: Served, tmp_path: Path) -> None:
    smoke = rollout(server, "smoke", "--out", str(tmp_path / "artifacts"), "--no-screenshot",
                    cwd=tmp_path, token_in_argv=True)
    assert smoke.returncode == 0, smoke.stdout[-6000:] + smoke.stderr[-2000:]
    assert "FAIL" not in smoke.stdout
    assert "Smoke (expecting v2): PASS" in smoke.stdout


def test_smoke_watch_check_and_report_against_a_running_server(server: Served,
                                                               tmp_path: Path) -> None:
    smoke = rollout(server, "smoke", "--out", str(tmp_path / "artifacts"), "--no-screenshot",
                    cwd=tmp_path, token_in_argv=True)
    assert smoke.returncode == 0, smoke.stdout[-6000:] + smoke.stderr[-2000:]
    assert "[V2-SUMMARY] id=smoke-" in smoke.stdout
    assert "Recorded on the server: yes" in smoke.stdout
    saved = {p.name for p in (tmp_path / "artifacts").iterdir()}
    assert {"exchanges.json", "summaries.json", "rows.json", "record.json"} <= saved

    watch = rollout(server, "watch", "--minutes", "0.05", "--interval", "1", cwd=tmp_path)
    assert watch.returncode == 0, watch.stdout[-4000:] + watch.stderr[-2000:]
    assert "[V2-ANOMALY] count" in watch.stdout
    assert "BREACH" not in watch.stdout
    # Not a terminal (a pipe, as `| cat`): a line per sample and a closing summary.
    assert watch.stdout.count("[watch ") >= 2, watch.stdout
    assert "Watch summary: " in watch.stdout and "requests seen" in watch.stdout
    assert "RESULT: PASS" in watch.stdout

    admin = {"Authorization": f"Bearer {server.token}"}
    for active, reason in ((True, "drill: v2 answers looked slow"), (False, "drill over")):
        flipped = httpx.put(f"{server.base_url}/admin/kill-switch", headers=admin,
                            json={"active": active, "reason": reason})
        assert flipped.status_code == 200, flipped.text

    from_log = rollout(server, "watch", "--minutes", "0.02", "--interval", "1", "--log",
                       str(server.log_file), "--log-from-start", cwd=tmp_path)
    assert from_log.returncode == 0, from_log.stdout[-4000:]
    assert "SICK_CALLER requests)" in from_log.stdout

    day = rollout(server, "check", "--label", "24h", cwd=tmp_path)
    assert day.returncode == 0, day.stdout[-4000:]

    report_file = tmp_path / "ROLLOUT_LOG.md"
    report = rollout(server, "report", "--out", str(report_file), cwd=tmp_path)
    assert report.returncode == 0, report.stdout + report.stderr
    text = report_file.read_text()
    assert '| 1 | "Check if JB Hi-Fi has Sony headphones" | product_name | ' \
           "product_name=Sony headphones; retailer_name=JB Hi-Fi; ASK_QUESTION(quantity) | PASS |" \
        in text
    assert '| 3 | (place selected) | place_id | place_id=' in text
    assert '| 4 | "tomorrow" | shift_date | shift_date=' in text
    assert '| 7 | (CONFIRM) | COMPLETE | COMPLETE | PASS |' in text
    assert "| CONFIRM all slots | COMPLETE | COMPLETE | PASS |" in text
    assert "| REJECT | ASK_QUESTION (employer_name) | ASK_QUESTION(employer_name); all 6 " \
           "values kept | PASS |" in text
    assert "- [x] Response: `engineVersion: \"v2\"`" in text
    assert "- [x] `[STARTUP] Conversation engine: v2` visible" in text
    assert "- [x] `[STARTUP] Kill switch active: False` visible" in text
    assert "| CONFIRM card matches slots + templates | PASS |" in text
    assert "- [x] Twilio: Zero OpenAI calls in deterministic flow — PASS: llmCalls=0" in text
    assert "| /call/brief matches confirm card intent | PASS |" in text
    assert "| /call/status terminates cleanly | PASS |" in text
    assert "Recommendation from the recorded smoke run: GO" in text
    assert "**Watch start**: _______________" not in text
    assert "| [V2-ANOMALY] count | 0 | 0 | OK |" in text
    assert "### 24-Hour Check\n\n**Timestamp**: 20" in text
    assert "**Engineer**: _______________" in text  # nobody signed: stays blank
    assert "| ON | admin | drill: v2 answers looked slow |" in text
    assert "| off | admin | drill over |" in text
    assert "_No rollback recorded._" not in text
    assert "| Trigger reason | drill: v2 answers looked slow |" in text
    charts = sorted(p.name for p in (tmp_path / "ROLLOUT_LOG-charts").iterdir())
    assert "llm-rate-15m.svg" in charts and "requests-24h.svg" in charts
    assert "](ROLLOUT_LOG-charts/llm-rate-15m.svg)" in text
    assert "stroke-dasharray" in (tmp_path / "ROLLOUT_LOG-charts" / "llm-rate-15m.svg").read_text()

    # Smoke runs belong to their own user: never in the person's (or the admin's) History.
    person = (server.data_dir / "person_token").read_text().strip()
    for token in (person, server.token):
        listed = httpx.get(f"{server.base_url}/v2/conversations",
                           headers={"Authorization": f"Bearer {token}"}).json()
        assert not [c for c in listed["conversations"]
                    if c["conversationId"].startswith("smoke-")]
    printed = (server.data_dir.parent / "serve.out").read_text()
    assert f"Your app (sign-in link): {server.base_url}/#token={person}" in printed
    assert f"Operator console: {server.base_url}/ops#token=" in printed


def test_smoke_expecting_v1_fails_while_v2_answers(server: Served, tmp_path: Path) -> None:
    result = rollout(server, "smoke", "--expect-engine", "v1", "--no-screenshot", "--out",
                     str(tmp_path / "a"), "--stage", "production", cwd=tmp_path)
    assert result.returncode == 1
    assert 'engineVersion: "v1"' in result.stdout


@pytest.mark.browser
def test_smoke_saves_card_screenshots(server: Served, tmp_path: Path) -> None:
    reason = browser_unavailable()
    if reason:
        pytest.skip(reason)
    result = rollout(server, "smoke", "--out", str(tmp_path / "shots"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert result.stdout.count("saved ") == 2, result.stdout[-6000:]
    assert (tmp_path / "shots" / "card-stock.png").stat().st_size > 1000
    assert (tmp_path / "shots" / "card-sick.png").stat().st_size > 1000


def test_an_llm_outage_breaches_the_watch_and_auto_rollback_routes_to_v1(
        tmp_path: Path) -> None:
    # an LLM that refuses connections: the parsers cannot read the reply, the LLM is needed
    outage = {"OPENAI_API_KEY": "sk-test-outage",
              "OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1"}
    for served in serve(tmp_path, **outage):
        headers = {"Authorization": f"Bearer {served.token}"}
        with httpx.Client(base_url=served.base_url, headers=headers, timeout=30) as client:
            for message in ("Call in sick to Bunnings", "the usual number, you know the one"):
                response = client.post("/v2/conversation/next", json={
                    "conversationId": "outage", "agentType": "SICK_CALLER",
                    "userMessage": message})
                assert response.status_code == 200, response.text
            watch = rollout(served, "watch", "--minutes", "0.1", "--interval", "1",
                            "--auto-rollback", cwd=tmp_path)
            assert watch.returncode == 1, watch.stdout[-4000:] + watch.stderr[-2000:]
            assert "BREACH" in watch.stdout
            assert "Recovery confirmed: YES" in watch.stdout
            assert client.get("/admin/kill-switch").json()["effective"] is True
            after = client.post("/v2/conversation/next", json={
                "conversationId": "after", "agentType": "STOCK_CHECKER", "userMessage": "test"})
            assert after.json()["engineVersion"] == "v1"
            rollbacks = client.get("/admin/rollout/records",
                                   params={"kind": "rollback"}).json()["records"]
        assert len(rollbacks) == 1
        assert rollbacks[0]["data"]["recoveryConfirmed"] is True
        report_file = tmp_path / "ROLLOUT_LOG.md"
        assert rollout(served, "report", "--out", str(report_file), cwd=tmp_path).returncode == 0
        text = report_file.read_text()
        assert "| Recovery confirmed | YES |" in text
        assert "| Kill switch set to | true |" in text
        assert "anomaly kinds: llm_failure" in text
