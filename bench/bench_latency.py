"""Benchmark: turn latency over HTTP (sequential and 8 clients), place search, a simulated call.

Prints p50/p95 latency of one turn and throughput with 8 concurrent clients.
Run: `make bench` (PostgreSQL is measured when PROXYCALL_BENCH_DATABASE_URL is set; make does).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.server import live_server

SICK = ["Call in sick to Bunnings", "+61412345678", "Richard", "tomorrow", "9am", "SICK"]
CONVERSATIONS = 40
CONCURRENCY = 8


def run_conversation(client, timings: list[float]) -> None:
    cid = f"bench-{uuid.uuid4().hex[:10]}"
    for message in SICK:
        started = time.perf_counter()
        response = client.post("/v2/conversation/next", json={
            "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text


def measure(label: str, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp), database_url) as server:
        timings: list[float] = []
        with server.client() as client:
            for _ in range(10):
                run_conversation(client, timings)
        timings.sort()
        p50 = statistics.median(timings) * 1000
        p95 = timings[int(len(timings) * 0.95)] * 1000
        concurrent: list[float] = []
        started = time.perf_counter()

        def worker(_: int) -> None:
            with server.client() as client:
                run_conversation(client, concurrent)

        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            list(pool.map(worker, range(CONVERSATIONS)))
        elapsed = time.perf_counter() - started
        rate = len(concurrent) / elapsed
        print(f"{label:<10} sequential turn p50={p50:.1f} ms p95={p95:.1f} ms | "
              f"{CONCURRENCY} clients: {rate:.0f} turns/s ({len(concurrent)} turns)")


def measure_places() -> None:
    """Bundled directory search, in process and over HTTP."""
    import asyncio
    from datetime import UTC, datetime

    from proxycall.adapters.places.bundled import BundledPlaces

    places = BundledPlaces(clock=lambda: datetime.now(UTC))
    queries = [("jb hifi", "Chermside"), ("bunnings", None), ("JB", "Parramatta"),
               ("nandos", "Brisbane"), ("smile dental", "Richmond")]

    async def run() -> list[float]:
        timings = []
        for _ in range(200):
            for query, area in queries:
                started = time.perf_counter()
                await places.search(query, area=area)
                timings.append(time.perf_counter() - started)
        return timings

    timings = sorted(asyncio.run(run()))
    print(f"places     bundled search in process p50={statistics.median(timings) * 1000:.3f} ms "
          f"p95={timings[int(len(timings) * 0.95)] * 1000:.3f} ms")


def measure_call() -> None:
    """A whole sick call against the built-in simulator at pace 0, over HTTP."""
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp)) as server, \
            server.client() as client:
        durations = []
        for n in range(5):
            cid = f"bench-call-{n}"
            for message in ["Call in sick to Bunnings", "0491 570 006", *SICK[2:]]:
                client.post("/v2/conversation/next", json={
                    "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message})
            client.post("/v2/conversation/next", json={
                "conversationId": cid, "agentType": "SICK_CALLER", "clientAction": "CONFIRM"})
            started = time.perf_counter()
            call_id = client.post("/call/start", json={"conversationId": cid}).json()["callId"]
            while not client.get(f"/call/status/{call_id}").json()["terminal"]:
                if time.perf_counter() - started > 30:
                    raise RuntimeError("call did not finish")
                time.sleep(0.01)  # poll gently; the figure has 10 ms resolution
            durations.append(time.perf_counter() - started)
        print(f"call       sick call start->terminal (simulator pace 0) "
              f"median={statistics.median(durations) * 1000:.0f} ms")


def main() -> None:
    measure_places()
    measure_call()
    measure("sqlite", None)
    pg = (os.environ.get("PROXYCALL_BENCH_DATABASE_URL")
          or os.environ.get("PROXYCALL_TEST_DATABASE_URL"))
    if pg:
        measure("postgresql", pg)
    else:
        print("postgresql skipped: set PROXYCALL_BENCH_DATABASE_URL")


if __name__ == "__main__":
    main()
