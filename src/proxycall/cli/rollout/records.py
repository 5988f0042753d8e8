"""Reading rollout records for the report: pick the right record, format times and cells."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

BLANK = "_______________"
REPORT_TZ = ZoneInfo("Australia/Brisbane")
ENGINE_LINE = "[STARTUP] Conversation engine: "
KILL_LINE = "[STARTUP] Kill switch active: "

Record = Mapping[str, Any]


@dataclass
class ReportInputs:
    """Everything the report is written from, fetched from the server."""

    records: Sequence[Record]
    startup: Mapping[str, Any] | None = None
    metrics: Mapping[str, Any] | None = None
    metrics_24h: Mapping[str, Any] | None = None
    metrics_48h: Mapping[str, Any] | None = None
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def parse_time(text: Any) -> datetime | None:
    """An ISO timestamp as an aware datetime (naive ones are UTC); None when unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_time(text: Any) -> str:
    """A timestamp shown in Australia/Brisbane, or the blank when unknown."""
    moment = parse_time(text)
    if moment is None:
        return BLANK
    return moment.astimezone(REPORT_TZ).strftime("%Y-%m-%d %H:%M:%S %Z")


def local_date(text: Any) -> str | None:
    """The Brisbane date of a timestamp."""
    moment = parse_time(text)
    return moment.astimezone(REPORT_TZ).date().isoformat() if moment else None


def cell(text: Any) -> str:
    """Text safe inside a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def data(record: Record | None) -> Mapping[str, Any]:
    """A record's data (empty when there is no record)."""
    if record is None:
        return {}
    value = record.get("data")
    return value if isinstance(value, Mapping) else {}


def when(record: Record | None) -> Any:
    """When a record's work happened: its own start time, else its creation time."""
    body = data(record)
    return body.get("startedAt") or body.get("at") or (record or {}).get("createdAt")


def newest_first(records: Iterable[Record]) -> list[Record]:
    """Records sorted newest first by creation time."""
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(records, key=lambda r: parse_time(r.get("createdAt")) or epoch, reverse=True)


def of_kind(records: Iterable[Record], kind: str) -> list[Record]:
    """The records of one kind, newest first."""
    return newest_first(r for r in records if r.get("kind") == kind)


def latest_smoke(records: Sequence[Record], stage: str, engine: str = "v2") -> Record | None:
    """The newest smoke record of a stage that expected `engine`."""
    for record in of_kind(records, "smoke"):
        body = data(record)
        if body.get("stage", "staging") == stage and body.get("expectEngine", "v2") == engine:
            return record
    return None


def latest_check(records: Sequence[Record], label: str) -> Record | None:
    """The newest "check" record with this label (24h or 48h)."""
    return next((r for r in of_kind(records, "check") if data(r).get("label") == label), None)


def rows_of(record: Record | None, scenario: str) -> list[Mapping[str, Any]]:
    """The PASS/FAIL rows of one scenario in a smoke record."""
    return [r for r in data(record).get("rows", []) if r.get("scenario") == scenario]


def find_row(record: Record | None, scenario: str, turn: str,
             expected: str | None = None) -> Mapping[str, Any] | None:
    """One row of a smoke record, by scenario and turn (and expected text for artifacts)."""
    for item in rows_of(record, scenario):
        if item.get("turn") == turn and (expected is None or item.get("expected") == expected):
            return item
    return None


def scenario_passed(record: Record | None, scenario: str) -> bool | None:
    """Whether every row of a scenario passed; None when the record has none."""
    rows = rows_of(record, scenario)
    if not rows:
        return None
    return all(r.get("status") != "FAIL" for r in rows)


def last_summary(record: Record | None, scenario: str, turn: str | None = None) -> str | None:
    """The last [V2-SUMMARY] line of a scenario (or of one turn) in a smoke record."""
    lines = data(record).get("summaries", {}).get(scenario) or []
    picked = [item["line"] for item in lines
              if isinstance(item, Mapping) and (turn is None or item.get("turn") == turn)]
    return picked[-1] if picked else None


def startup_of(record: Record | None) -> Mapping[str, Any] | None:
    """The [STARTUP] lines a smoke record captured from the server it ran against."""
    value = data(record).get("startup")
    return value if isinstance(value, Mapping) else None


def startup_value(startup: Mapping[str, Any] | None, prefix: str) -> str | None:
    """The value after a [STARTUP] prefix ("v2", "False"), if the line was logged."""
    for line in (startup or {}).get("lines", []):
        if isinstance(line, str) and line.startswith(prefix):
            return line[len(prefix):].strip()
    return None


def has_line(startup: Mapping[str, Any] | None, line: str) -> bool:
    """Whether the exact [STARTUP] line was logged."""
    return any(item == line for item in (startup or {}).get("lines", []))


def signoff(records: Sequence[Record], key: str) -> Any:
    """The newest value of `key` in any sign-off record."""
    for record in of_kind(records, "signoff"):
        if data(record).get(key):
            return data(record)[key]
    return None


def check(ticked: bool, text: str, note: str = "") -> str:
    """A markdown checkbox line with its evidence or the reason it is not ticked."""
    return f"- [{'x' if ticked else ' '}] {text}" + (f" — {note}" if note else "")


def code_block(lines: list[str] | None, placeholder: str) -> list[str]:
    """A fenced block with the lines, or the rollout log's placeholder when there are none."""
    return ["```", *(lines or [placeholder]), "```"]


def config_table(startup: Mapping[str, Any] | None, engine: str, kill: str) -> list[str]:
    """The settings table: observed values from [STARTUP] lines, or the plan marked unverified."""
    seen_engine = startup_value(startup, ENGINE_LINE)
    seen_kill = startup_value(startup, KILL_LINE)
    engine_cell = seen_engine or f"{engine} (not verified: no [STARTUP] line)"
    kill_cell = seen_kill.lower() if seen_kill else f"{kill} (not verified: no [STARTUP] line)"
    return ["| Setting | Value |", "|---------|-------|",
            f"| CONVERSATION_ENGINE_VERSION | {engine_cell} |",
            f"| CONVERSATION_ENGINE_KILL_SWITCH | {kill_cell} |"]


def startup_checks(startup: Mapping[str, Any] | None, kill: str) -> list[str]:
    """The two [STARTUP] checkboxes, ticked when the server reported the exact lines."""
    missing = "not among the server's [STARTUP] lines" if startup else \
        "no [STARTUP] lines were available from the server"
    lines = []
    for text in ("[STARTUP] Conversation engine: v2", f"[STARTUP] Kill switch active: {kill}"):
        found = has_line(startup, text)
        lines.append(check(found, f"`{text}` visible",
                           "reported by GET /admin/startup" if found else missing))
    return lines
