"""Log lines: the rollout log's bracketed lines are emitted from here and nowhere else."""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path

LOGGER_NAME = "proxycall"
log = logging.getLogger(LOGGER_NAME)

# A phone-like run of digits that is not part of a longer word (ids are hex: left alone).
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{6,}\d(?!\w)")


def setup_logging(log_file: Path | None = None, level: int = logging.INFO) -> None:
    """Plain lines on stderr (and a file when asked); idempotent."""
    _skip_unused_record_fields()
    log.setLevel(level)
    log.propagate = False
    formatter = _LineFormatter("%(asctime)s %(levelname)s %(message)s")
    wanted: list[logging.Handler] = []
    if not any(getattr(h, "_proxycall", False) and isinstance(h, logging.StreamHandler)
               and not isinstance(h, logging.FileHandler) for h in log.handlers):
        stream = logging.StreamHandler(sys.stderr)
        wanted.append(stream)
    if log_file is not None and not any(
        isinstance(h, logging.FileHandler) and Path(h.baseFilename) == log_file.resolve()
        for h in log.handlers
    ):
        log_file.parent.mkdir(parents=True, exist_ok=True)
        wanted.append(logging.FileHandler(log_file))
    for handler in wanted:
        handler.setFormatter(formatter)
        handler._proxycall = True  # type: ignore[attr-defined]  # reason: a marker on a stdlib handler
        log.addHandler(handler)


class _LineFormatter(logging.Formatter):
    """The standard line, with the time's text made once per second, not per line and handler.

    The default `formatTime` is a strftime per line per handler (stderr and the file): 2% of a
    turn's CPU under load. Same text: "2026-12-05 17:57:32,588".
    """

    _made: tuple[int, str] = (-1, "")  # (second, its text): one tuple, so threads agree

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        return self.stamp(record.created, record.msecs)

    def stamp(self, created: float, msecs: float) -> str:
        """The time's text for a line made at `created` (`msecs`: its milliseconds)."""
        second, text = self._made
        if int(created) != second:
            second = int(created)
            text = time.strftime(self.default_time_format, self.converter(second))
            self._made = (second, text)
        return f"{text},{int(msecs):03d}"


def _skip_unused_record_fields() -> None:
    """Our lines show the time, the level and the message, and one is written per turn.

    So the record skips what the logging docs' "Optimization" section lists as optional: the
    caller's frame (a stack walk per line), thread, process and multiprocessing names.
    """
    logging._srcfile = None  # the documented switch for caller info
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def close_file_handlers() -> None:
    """At shutdown: stop writing to the log file (tests start many servers in one process)."""
    for handler in list(log.handlers):
        if isinstance(handler, logging.FileHandler):
            log.removeHandler(handler)
            handler.close()


# The shortest text _PHONE matches: a digit, six more characters, a digit.
_SHORTEST_PHONE = 8


def mask_phone(text: str) -> str:
    """"+61412345678" -> "+6141****678"; applied to anything that looks like a number."""
    if len(text) < _SHORTEST_PHONE:  # most fields of a log line ("v2", "true", "3")
        return text

    def _mask(match: re.Match[str]) -> str:
        if _ISO_DATE.fullmatch(match.group()):
            return match.group()
        digits = re.sub(r"\D", "", match.group())
        plus = "+" if match.group().startswith("+") else ""
        if len(digits) < 7:
            return match.group()
        return f"{plus}{digits[:4]}{'*' * (len(digits) - 7)}{digits[-3:]}"
    return _PHONE.sub(_mask, text)


def _fields(fields: Mapping[str, object]) -> str:
    return " ".join(f"{key}={mask_phone(str(value))}" for key, value in fields.items())


def startup(line: str) -> None:
    """A [STARTUP] line."""
    log.info("[STARTUP] %s", mask_phone(line))


def startup_warning(line: str) -> None:
    """A [STARTUP] warning line."""
    log.warning("[STARTUP] %s", mask_phone(line))


def kill_switch_routed(conversation_id: str) -> None:
    """A turn answered by v1 because the kill switch is on."""
    log.info("[KILL_SWITCH] Routing /v2 request to v1 for conversationId=%s",
             mask_phone(conversation_id))


def kill_switch_changed(active: bool, by: str) -> None:
    """The kill switch was flipped, and by whom."""
    log.warning("[KILL_SWITCH] Runtime kill switch set to %s by=%s", active, by)


def summary_line(
    conversation_id: str, agent: str, action: str, question: str | None, slots_filled: int,
    ai_used: bool, **extra: object,
) -> str:
    """The [V2-SUMMARY] line of one turn."""
    base = (
        f"[V2-SUMMARY] id={mask_phone(conversation_id)} agent={agent} action={action} "
        f"question={question or 'none'} slots_filled={slots_filled} "
        f"ai_used={'true' if ai_used else 'false'}"
    )
    return f"{base} {_fields(extra)}" if extra else base


def emit(line: str) -> None:
    """Log a line as it is (every turn writes one: see `_write_directly`)."""
    if not _write_directly(line):
        log.info("%s", line)


def _write_directly(message: str) -> bool:
    """Write an INFO line to the handlers `setup_logging` made, without a LogRecord.

    The standard path (a record of twenty fields, the logger's and each handler's checks and
    format) cost 6.5 µs a line (timed in a loop); this writes the same text, under each
    handler's lock, in 3.2 µs. False, and nothing written, when anything else might see the line: a
    handler or filter of someone else's, a parent logger's handlers, a level above INFO.
    """
    if log.disabled or log.propagate or log.filters or not log.isEnabledFor(logging.INFO):
        return False
    handlers = log.handlers
    if not handlers or not all(_plain_handler(h) for h in handlers):
        return False
    created = time.time()
    msecs = (created - int(created)) * 1000
    for handler in handlers:
        formatter = handler.formatter
        assert isinstance(formatter, _LineFormatter) and isinstance(handler, logging.StreamHandler)
        text = f"{formatter.stamp(created, msecs)} INFO {message}{handler.terminator}"
        with handler.lock or contextlib.nullcontext():
            try:
                handler.stream.write(text)
                handler.flush()
            except Exception:  # as logging does: said on stderr, never raised into the turn
                handler.handleError(log.makeRecord(log.name, logging.INFO, "", 0, message, (),
                                                   None))
    return True


def _plain_handler(handler: logging.Handler) -> bool:
    return (getattr(handler, "_proxycall", False) and not handler.filters
            and handler.level <= logging.INFO and isinstance(handler, logging.StreamHandler)
            and handler.stream is not None and isinstance(handler.formatter, _LineFormatter))


def anomaly(kind: str, **fields: object) -> None:
    """A [V2-ANOMALY] line."""
    log.warning("[V2-ANOMALY] kind=%s %s", kind, _fields(fields))


def event(name: str, **fields: object) -> None:
    """A named event with context fields (never slot values, names or messages)."""
    log.info("%s %s", name, _fields(fields))


def warning(name: str, **fields: object) -> None:
    """A warning event with its fields (never a secret or personal detail)."""
    log.warning("%s %s", name, _fields(fields))
