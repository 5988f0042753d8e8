"""`proxycall killswitch` flips the switch in the database; a running server obeys within 2 s."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.api.test_operations import poll_engine
from tests.support.server import live_server


def cli(data_dir: Path, *args: str) -> str:
    env = {**os.environ, "PROXYCALL_DATA_DIR": str(data_dir)}
    result = subprocess.run([sys.executable, "-m", "proxycall.cli.main", *args], env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


def test_cli_flip_reaches_a_running_server_and_is_recorded(tmp_path: Path) -> None:
    with live_server(tmp_path) as live, live.client() as client:
        assert "effective=True" in cli(tmp_path, "killswitch", "on")
        version, elapsed = poll_engine(client, "cli-on", "v1")
        assert version == "v1" and elapsed < 3
        assert "effective=False" in cli(tmp_path, "killswitch", "off")
        version, _ = poll_engine(client, "cli-off", "v2")
        assert version == "v2"
        notes = client.get("/admin/rollout/records", params={"kind": "note"}).json()["records"]
    assert [n["data"]["active"] for n in notes[:2]] == [False, True]


def test_v1_reject_keeps_values_and_confirm_completes(tmp_path: Path) -> None:
    with live_server(tmp_path, CONVERSATION_ENGINE_KILL_SWITCH="true") as live, \
            live.client() as client:
        send = lambda **f: client.post("/v2/conversation/next", json={  # noqa: E731
            "conversationId": "v1-reject", "agentType": "SICK_CALLER", **f}).json()
        body = send(userMessage="")
        for answer in ("Bunnings", "0412 345 678", "Richard", "tomorrow", "9am", "SICK"):
            body = send(userMessage=answer)
        assert body["nextAction"] == "CONFIRM" and body["engineVersion"] == "v1"
        rejected = send(clientAction="REJECT")
        assert rejected["question"]["field"] == "employer_name"
        assert rejected["extractedData"] == body["extractedData"]
        assert send(clientAction="CONFIRM")["nextAction"] == "COMPLETE"
