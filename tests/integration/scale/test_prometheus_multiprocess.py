"""Prometheus multiprocess mode: /metrics on one process counts the requests of both."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from tests.integration.scale.test_two_processes import _wait_healthy
from tests.support.server import free_port

pytestmark = pytest.mark.slow
TOKEN = "prometheus-admin-token"


def _requests_total(text: str) -> float:
    return sum(float(m.group(1)) for m in re.finditer(
        r'^proxycall_v2_requests_total\{[^}]*\} ([0-9.e+]+)$', text, re.MULTILINE))


def test_metrics_add_up_across_two_processes(tmp_path: Path) -> None:
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    env = {**os.environ, "PROXYCALL_DATA_DIR": str(tmp_path / "data"),
           "PROXYCALL_ADMIN_TOKEN": TOKEN, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
           "PROXYCALL_SIMULATOR_PACE": "0"}
    env.pop("PROXYCALL_DATABASE_URL", None)
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        for _ in range(2):  # one after the other: the first applies the migrations
            port = free_port()
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "proxycall.cli.main", "serve", "--port", str(port)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            urls.append(f"http://127.0.0.1:{port}")
            _wait_healthy(urls[-1], processes[-1])
        for n, url in enumerate([urls[0], urls[1], urls[1]]):
            response = httpx.post(f"{url}/v2/conversation/next", headers=headers, timeout=10,
                                  json={"conversationId": f"prom-{n}",
                                        "agentType": "SICK_CALLER", "userMessage": ""})
            assert response.status_code == 200
        text = httpx.get(f"{urls[0]}/metrics", headers=headers, timeout=10).text
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
    assert _requests_total(text) == 3
