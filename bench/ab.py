"""A/B runs: checkouts side by side on the bench's load, each between two ceiling runs.

    python bench/ab.py [--repeat N] [--seconds S] SPEC [SPEC ...]

SPEC is `[CHECKOUT:]MODE[=VARIABLE]`: MODE is `sqlite`, `pg1` or `pg2` (PostgreSQL with one or
two workers, at PROXYCALL_BENCH_DATABASE_URL, or at the URL in the environment variable VARIABLE:
`PG_SOCKET='postgresql+psycopg://postgres@/proxycall_bench?host=/var/run/postgresql' python
bench/ab.py pg2 pg2=PG_SOCKET` compares TCP with the Unix socket); CHECKOUT a directory holding
another checkout (`git worktree add /tmp/before HEAD~1`), whose `src/` the server runs; this one
by default.
The runs go ceiling, SPEC 1, ceiling, SPEC 2, ceiling, … REPEAT times, so every run has a
ceiling just before and after it: this machine's speed drifts by 10-15% (on a bad day 50%)
within minutes, and a share of a ceiling measured minutes apart says more about the machine
than the code. Each run prints turns/s, its errors (answers not 2xx, socket errors), p99, its
share of its two ceilings' mean, and CPU per turn from /proc: the server's processes, the whole
machine's, and for PostgreSQL the database's processes (those of the local `postgres` user) and
its transactions per turn (each turn-path statement is one). Then the mean share and machine
CPU per SPEC.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server import free_port  # noqa: E402

from bench import bench_engine as bench  # noqa: E402

PG_URL = os.environ.get("PROXYCALL_BENCH_DATABASE_URL") or os.environ.get(
    "PROXYCALL_TEST_DATABASE_URL")
WORKERS = {"sqlite": 1, "pg1": 1, "pg2": 2}
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    rate: float
    p99_ms: float
    server_us: float  # CPU per turn of the server's processes
    machine_us: float  # CPU per turn of the whole machine
    database_us: float | None  # of PostgreSQL's processes
    statements: float | None  # PostgreSQL transactions per turn
    errors: int  # answers that were not 2xx, and socket errors


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def _tree(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [pid, *(int(child) for child in children.split())]


def _postgres_pids() -> list[int]:
    found = subprocess.run(["pgrep", "-u", "postgres"], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


def _machine_busy_ticks() -> int:
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # all but idle and iowait


def _transactions(database_url: str) -> int:
    import psycopg

    url = database_url.replace("+psycopg", "")
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute("SELECT xact_commit FROM pg_stat_database "
                                 "WHERE datname = current_database()").fetchone()
    assert row is not None
    return int(row[0])


def _command(mode: str, port: int) -> list[str]:
    if mode == "ceiling":
        return bench.ceiling_command(port)
    return bench._serve(port, WORKERS[mode])


def measure(checkout: Path, mode: str, seconds: int, data_dir: Path,
            database_url: str | None = None) -> Run:
    """One server (or the ceiling) started, warmed, measured under wrk and stopped."""
    database = (database_url or PG_URL) if mode.startswith("pg") else None
    if mode.startswith("pg") and database is None:
        sys.exit("set PROXYCALL_BENCH_DATABASE_URL for the PostgreSQL modes")
    if database:
        bench._reset(database)
    env = bench._env(data_dir, database) if mode != "ceiling" else dict(os.environ)
    env["PYTHONPATH"] = str(checkout / "src")
    port = free_port()
    with bench.started(_command(mode, port), env, port, cwd=checkout) as (base_url, process):
        bench._run_wrk(base_url, f"{mode}-warm-{time.time()}", bench.WARM_SECONDS)
        server, machine = _cpu_ticks(_tree(process.pid)), _machine_busy_ticks()
        database_ticks = _cpu_ticks(_postgres_pids()) if database else 0
        statements = _transactions(database) if database else 0
        out = bench._run_wrk(base_url, f"{mode}-{time.time()}", seconds)
        server = _cpu_ticks(_tree(process.pid)) - server
        machine = _machine_busy_ticks() - machine
        if database:
            database_ticks = _cpu_ticks(_postgres_pids()) - database_ticks
            statements = _transactions(database) - statements
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = bench._ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    turns = rate * seconds
    per_turn = 1e6 / TICKS / turns
    return Run(rate, p99, server * per_turn, machine * per_turn,
               database_ticks * per_turn if database else None,
               statements / turns if database else None, bench.wrk_errors(out))


def _spec(text: str) -> tuple[Path, str, str | None]:
    """The checkout, the mode and the database URL (None: the default) a SPEC names."""
    checkout, _, mode = text.rpartition(":")
    mode, _, variable = mode.partition("=")
    if mode not in WORKERS:
        sys.exit(f"{text}: the mode is one of {', '.join(WORKERS)}")
    url = os.environ.get(variable) if variable else None
    if variable and not (url and mode.startswith("pg")):
        sys.exit(f"{text}: ${variable} must hold a PostgreSQL URL, for a PostgreSQL mode")
    return (Path(checkout).resolve() if checkout else ROOT), mode, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="+", metavar="SPEC")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=6)
    args = parser.parse_args()
    specs = [(text, *_spec(text)) for text in args.specs]
    shares: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        before = measure(ROOT, "ceiling", args.seconds, Path(tmp))
        print(f"ceiling {before.rate:,.0f} req/s", flush=True)
        for n, (text, checkout, mode, url) in enumerate(specs * args.repeat):
            run = measure(checkout, mode, args.seconds, Path(tmp) / f"run{n}", url)
            after = measure(ROOT, "ceiling", args.seconds, Path(tmp))
            share = 100 * run.rate / ((before.rate + after.rate) / 2)
            shares[text].append((share, run.machine_us))
            database = (f", database {run.database_us:.0f} µs, {run.statements:.3f} statements"
                        if run.database_us is not None else "")
            print(f"{text}: {run.rate:,.0f} turns/s, {run.errors} errors, p99 "
                  f"{run.p99_ms:.1f} ms, {share:.1f}% of the ceiling; per turn: server "
                  f"{run.server_us:.0f} µs, machine {run.machine_us:.0f} µs{database} "
                  f"(ceiling after: {after.rate:,.0f})",
                  flush=True)
            before = after
    for text, runs in shares.items():
        mean_share = sum(share for share, _ in runs) / len(runs)
        mean_machine = sum(machine for _, machine in runs) / len(runs)
        print(f"== {text}: {mean_share:.1f}% of the ceiling, machine {mean_machine:.0f} µs per "
              f"turn (mean of {len(runs)})")


if __name__ == "__main__":
    main()
