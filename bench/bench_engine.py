"""Benchmark: new-conversation turns over HTTP with wrk, against the ceiling, SQLite and PostgreSQL.

Prints turns/s, p50, p99, errors and the share of the ceiling (the cheapest FastAPI endpoint
reading the same body on the same uvicorn) for: proxycall on SQLite (one process), on PostgreSQL
with 1 and 2 workers (when
PROXYCALL_BENCH_DATABASE_URL or PROXYCALL_TEST_DATABASE_URL is set), then a growth run on each
store (SQLite, and PostgreSQL with two workers) after seeding BENCH_SEED_TURNS turns (default
1,000,000) straight through the store, in rounds too, with the ceiling measured around each run.
Every measured run follows a WARM_SECONDS run of the same load (connections opened, statements
prepared, every worker started), so the figures are the steady state. The machine's speed drifts
by 10-15% within minutes (on a bad day a share moves by a fifth between two runs of the same
code), so the ceiling is measured before and after each server, each server's share is of those
two runs' mean, and the servers run ROUNDS times in turn: the summary is each server's median
round, with every round's share beside it.
Run: `make bench` (installs wrk when it can). Knobs: BENCH_SECONDS (10), BENCH_CONNECTIONS (20),
BENCH_WARM_SECONDS (3), BENCH_ROUNDS (3).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server import free_port  # noqa: E402

from bench.seed_turns import metrics_line_ms, seed  # noqa: E402

TOKEN = "bench-admin-token"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "20"))
SEED_TURNS = int(os.environ.get("BENCH_SEED_TURNS", "1000000"))
WARM_SECONDS = int(os.environ.get("BENCH_WARM_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
START_TIMEOUT_SECONDS = 60


@dataclass
class Figures:
    label: str
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int


def _env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "PROXYCALL_DATA_DIR": str(data_dir), "PROXYCALL_ADMIN_TOKEN": TOKEN,
           "PROXYCALL_RATE_LIMIT": "100000000/minute", "PROXYCALL_SIMULATOR_PACE": "0"}
    env.pop("PROXYCALL_DATABASE_URL", None)
    if database_url:
        env["PROXYCALL_DATABASE_URL"] = database_url
    return env


@contextmanager
def started(command: list[str], env: dict[str, str], port: int,
            cwd: Path = ROOT) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A server process, once it answers /ready: its base URL and the process; stopped after."""
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[2:4]} exited during start-up")
            try:
                httpx.get(f"{base_url}/ready", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)
        yield base_url, process
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def _server(command: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    with started(command, env, port) as (base_url, _):
        yield base_url


def _serve(port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "proxycall.cli.main", "serve", "--port", str(port),
            "--workers", str(workers)]


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _run_wrk(base_url: str, run: str, seconds: int) -> str:
    env = {**os.environ, "BENCH_TOKEN": TOKEN, "BENCH_RUN": run}
    return subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s",
         str(ROOT / "bench" / "turn.lua"), base_url], env=env, capture_output=True, text=True,
        check=True, timeout=seconds + 60).stdout


def wrk(label: str, base_url: str, run: str) -> Figures:
    """One wrk run (2 threads, CONNECTIONS connections, SECONDS seconds) after a warm-up.

    The files the runs before it wrote (SQLite's database, the million seeded turns) are synced
    first, so their write-back does not land in this run.
    """
    os.sync()
    if WARM_SECONDS:
        _run_wrk(base_url, f"{run}-warm", WARM_SECONDS)
    out = _run_wrk(base_url, run, SECONDS)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    return Figures(label, rate, p50, p99, wrk_errors(out))


def wrk_errors(out: str) -> int:
    """The answers that were not 2xx and the socket errors (connect, read, write, timeout)."""
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return errors


def _admin_ms(base_url: str, params: dict[str, str], runs: int = 30) -> float:
    timings = []
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get("/admin/metrics", params=params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
    timings.sort()
    return timings[len(timings) // 2]


def _print(rows: list[tuple[Figures, float]]) -> None:
    """Each row with its share of its ceiling (100% for a ceiling run itself)."""
    print("\n| server | turns/s | p50 | p99 | errors | % of ceiling |\n|---|---|---|---|---|---|")
    for row, ceiling in rows:
        print(f"| {row.label} | {row.rate:,.0f} | {row.p50_ms:.1f} ms | {row.p99_ms:.1f} ms | "
              f"{row.errors} | {100 * row.rate / ceiling:.1f}% |")


def _reset(url: str) -> None:
    """Empty tables, and a checkpoint: the run before's writes are not flushed during this one."""
    import psycopg

    from proxycall.adapters.db import migrate

    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    try:
        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute("CHECKPOINT")
    except psycopg.errors.InsufficientPrivilege:
        print("PostgreSQL: no CHECKPOINT before the run (needs a superuser or pg_checkpoint)")


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (`apt-get install -y wrk`; `make bench` tries)")
    pg = os.environ.get("PROXYCALL_BENCH_DATABASE_URL") or os.environ.get(
        "PROXYCALL_TEST_DATABASE_URL")
    if not pg:
        print("PostgreSQL not measured: set PROXYCALL_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        servers: list[tuple[str, str | None, int]] = [("proxycall, SQLite, 1 process", None, 1)]
        if pg:
            servers += [(f"proxycall, PostgreSQL, {n} worker(s)", pg, n) for n in (1, 2)]
        rounds = _rounds(servers, Path(tmp))
        chosen = [_median_run([r[n] for r in rounds]) for n in range(len(servers))]
        _print_summary(chosen, [[r[n] for r in rounds] for n in range(len(servers))])
        port = free_port()
        sqlite = chosen[0]
        _growth("SQLite", f"sqlite+aiosqlite:///{sqlite_dir / 'proxycall.db'}", _serve(port, 1),
                _env(sqlite_dir, None), port, sqlite)
        if pg:  # on the store the last two-worker run left, with the same two workers
            port = free_port()
            _growth("PostgreSQL", pg, _serve(port, 2), _env(Path(tmp) / "pg2", pg), port,
                    chosen[2])


@dataclass
class Run:
    """One server's run and the ceiling runs just before and after it."""

    figures: Figures
    ceilings: list[Figures]

    @property
    def share(self) -> float:
        return self.figures.rate / _mean(self.ceilings).rate


def _rounds(servers: list[tuple[str, str | None, int]], tmp: Path) -> list[list[Run]]:
    """ROUNDS rounds of every server, each run between two ceiling runs; each round printed.

    A round's last ceiling is the next one's first: ceiling, SQLite, ceiling, PostgreSQL with
    one worker, ceiling, with two, ceiling, SQLite, …
    """
    before = _ceiling(1)
    rounds: list[list[Run]] = []
    for round_number in range(1, ROUNDS + 1):
        runs: list[Run] = []
        for label, database_url, workers in servers:
            if database_url is not None:
                _reset(database_url)
            data_dir = tmp / ("sqlite" if database_url is None else f"pg{workers}")
            port = free_port()
            with _server(_serve(port, workers), _env(data_dir, database_url), port) as url:
                figures = wrk(label, url, f"{round_number}-{workers}-{database_url is None}")
            after = _ceiling(len(rounds) * len(servers) + len(runs) + 2)
            runs.append(Run(figures, [before, after]))
            before = after
        print(f"\nRound {round_number} of {ROUNDS} (each server's share is of the mean of the "
              "ceiling runs just before and after it):")
        _print(_ceiling_rows(runs) + _share_rows(runs))
        rounds.append(runs)
    return rounds


def _ceiling_rows(runs: list[Run]) -> list[tuple[Figures, float]]:
    """The ceiling runs of consecutive runs (each run's last ceiling is the next one's first)."""
    return [(c, c.rate) for c in [runs[0].ceilings[0], *(r.ceilings[1] for r in runs)]]


def _share_rows(runs: list[Run]) -> list[tuple[Figures, float]]:
    """Each run with the mean of its two ceilings, which its share is of."""
    return [(r.figures, _mean(r.ceilings).rate) for r in runs]


def _median_run(runs: list[Run]) -> Run:
    """The run with the median share (of an even number, the lower of the middle two)."""
    return sorted(runs, key=lambda run: run.share)[(len(runs) - 1) // 2]


def _print_summary(chosen: list[Run], all_runs: list[list[Run]]) -> None:
    """Each server's median round: its figures, its share, every round's share, all errors."""
    print(f"\nThe median of {ROUNDS} rounds (the round whose share is the median; errors are "
          "those of every round):")
    print("\n| server | turns/s | p50 | p99 | errors | % of ceiling | every round |\n"
          "|---|---|---|---|---|---|---|")
    for run, runs in zip(chosen, all_runs, strict=True):
        row = run.figures
        shares = ", ".join(f"{100 * r.share:.1f}%" for r in runs)
        errors = sum(r.figures.errors for r in runs)
        print(f"| {row.label} | {row.rate:,.0f} | {row.p50_ms:.1f} ms | {row.p99_ms:.1f} ms | "
              f"{errors} | **{100 * run.share:.1f}%** | {shares} |")


def ceiling_command(port: int) -> list[str]:
    """The ceiling's server: uvicorn with the HTTP protocol `serve` runs (one write a response)."""
    return [sys.executable, "-m", "uvicorn", "bench.ceiling_app:app", "--port", str(port),
            "--log-level", "warning", "--no-access-log",
            "--http", "proxycall.api.http_protocol:HeadWithBodyProtocol"]


def _ceiling(n: int | str) -> Figures:
    port = free_port()
    with _server(ceiling_command(port), dict(os.environ), port) as url:
        return wrk(f"ceiling {n}: cheapest FastAPI endpoint, same body", url, f"c{n}")


def _growth(label: str, url: str, command: list[str], env: dict[str, str], port: int,
            empty: Run) -> None:
    """The same store after seeding SEED_TURNS turns straight through the store.

    The grown store is measured ROUNDS times, each run between two ceiling runs, and its median
    round compared with the empty store's: the machine's speed drifts more than the 20% the
    comparison allows, so the p50s are also compared as multiples of the ceiling's p50 around
    each run. `/admin/metrics` is timed in the median round's server.
    """
    started = time.perf_counter()
    seeded = seed(url, SEED_TURNS)
    print(f"\nGrowth, {label}: seeded {seeded:,} turns in {time.perf_counter() - started:.0f} s")
    grown_label = f"{empty.figures.label}, {seeded:,} turns stored"
    before = _ceiling(f"before the {label} growth runs")
    runs: list[Run] = []
    admin_ms: list[tuple[float, float]] = []  # each run's /admin/metrics: 15 minutes, all time
    for round_number in range(1, ROUNDS + 1):
        with _server(command, env, port) as base_url:
            figures = wrk(f"{grown_label}, round {round_number}", base_url,
                          f"g-{label}-{round_number}")
            admin_ms.append((_admin_ms(base_url, {"windowMinutes": "15"}),
                             _admin_ms(base_url, {})))
        after = _ceiling(f"after the {label} growth run {round_number}")
        runs.append(Run(figures, [before, after]))
        before = after
    grown = _median_run(runs)
    window, all_time = admin_ms[runs.index(grown)]
    line_ms = metrics_line_ms(url)
    _print(_ceiling_rows(runs) + _share_rows([empty]) + _share_rows(runs))
    shares = ", ".join(f"{100 * r.share:.1f}%" for r in runs)
    errors = sum(r.figures.errors for r in runs)
    median_round = grown.figures.label.rsplit(", ", 1)[1]
    print(f"\nGrown store, the median of {ROUNDS} rounds ({median_round}): "
          f"{100 * grown.share:.1f}% of the ceiling (every round {shares}; errors of every "
          f"round {errors})")
    empty_p50, grown_p50 = empty.figures.p50_ms, grown.figures.p50_ms
    empty_x = empty_p50 / _mean(empty.ceilings).p50_ms
    grown_x = grown_p50 / _mean(grown.ceilings).p50_ms
    print(f"turn p50: {grown_p50:.1f} ms vs {empty_p50:.1f} ms empty "
          f"({100 * (grown_p50 / empty_p50 - 1):+.0f}%); as multiples of the ceiling's p50 around "
          f"each run, {grown_x:.2f} vs {empty_x:.2f} ({100 * (grown_x / empty_x - 1):+.0f}%)")
    print(f"/admin/metrics p50: 15-minute window {window:.1f} ms, all time {all_time:.1f} ms")
    print(f"[V2-METRICS] line (the summary it reads): {line_ms:.2f} ms")


def _mean(runs: list[Figures]) -> Figures:
    """The runs' mean rate and p50 (the ceiling around a server)."""
    return Figures("mean", sum(r.rate for r in runs) / len(runs),
                   sum(r.p50_ms for r in runs) / len(runs), 0.0, 0)


if __name__ == "__main__":
    main()
