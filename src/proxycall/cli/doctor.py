"""`proxycall doctor`: what a real deployment needs, checked and said in plain words.

Each check answers OK, WARN (works, but look) or FAIL (calls could not work); the command exits
1 when any check fails. Nothing is changed and no secret is printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import typer

from proxycall.cli.settings import settings_or_exit
from proxycall.config import Settings

SIGNATURE_PROBE_PATH = "/twilio/status?callId=doctor-signature-probe"
_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
_GOOGLE_KEY = re.compile(r"^AIza[0-9A-Za-z_\-]{35}$")


class Verdict(StrEnum):
    """How a check came out."""

    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    """One check's verdict in a sentence a person can act on."""

    area: str
    verdict: Verdict
    message: str


def check_telephony(settings: Settings) -> list[Finding]:
    """Twilio: all three credentials or none; a well-formed SID and number; a public https URL."""
    values = {"TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
              "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
              "TWILIO_PHONE_NUMBER": settings.twilio_phone_number}
    missing = [name for name, value in values.items() if not value]
    if len(missing) == len(values):
        return [Finding("telephony", Verdict.OK, "No Twilio credentials: calls go to the "
                        "built-in Twilio simulator (nobody's phone rings).")]
    if missing:
        return [Finding("telephony", Verdict.FAIL, "Twilio is half configured: set "
                        + ", ".join(missing) + " (or unset the others to use the simulator).")]
    findings = [_sid_finding(str(settings.twilio_account_sid)),
                _number_finding(str(settings.twilio_phone_number)),
                _webhook_finding(settings.webhook_base_url)]
    if settings.webhook_base_url and settings.twilio_auth_token is not None:
        findings.append(_signature_round_trip(settings.twilio_auth_token.get_secret_value(),
                                              settings.webhook_base_url))
    return findings


def _sid_finding(sid: str) -> Finding:
    if _SID.match(sid):
        return Finding("telephony", Verdict.OK, "TWILIO_ACCOUNT_SID looks like an account SID.")
    return Finding("telephony", Verdict.FAIL,
                   "TWILIO_ACCOUNT_SID should be 'AC' followed by 32 hexadecimal characters.")


def _number_finding(number: str) -> Finding:
    import phonenumbers

    try:
        valid = phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        valid = False
    if valid:
        return Finding("telephony", Verdict.OK, "TWILIO_PHONE_NUMBER is a valid E.164 number.")
    return Finding("telephony", Verdict.FAIL,
                   "TWILIO_PHONE_NUMBER must be a valid E.164 number such as +61370100000.")


def _webhook_finding(url: str | None) -> Finding:
    if not url:
        return Finding("telephony", Verdict.FAIL, "WEBHOOK_BASE_URL is not set: Twilio could "
                       "not reach this server to run the call.")
    if not url.startswith("https://"):
        return Finding("telephony", Verdict.FAIL,
                       "WEBHOOK_BASE_URL must be https (Twilio signs and calls it over TLS).")
    return Finding("telephony", Verdict.OK, f"Webhooks go to {url}.")


def _signature_round_trip(auth_token: str, base_url: str) -> Finding:
    """Sign a callback as Twilio would and verify it the way /twilio/* does."""
    from proxycall.adapters.telephony.signature import sign, signature_valid

    url = base_url.rstrip("/") + SIGNATURE_PROBE_PATH
    form = {"CallSid": "CA" + "0" * 32, "CallStatus": "completed"}
    if signature_valid(auth_token, url, form, sign(auth_token, url, form)):
        return Finding("telephony", Verdict.OK, "Webhook signatures round-trip with the auth "
                       "token.")
    return Finding("telephony", Verdict.FAIL, "A webhook signed with TWILIO_AUTH_TOKEN does not "
                   "verify: check the token.")


def check_database(settings: Settings) -> list[Finding]:
    """Reachable, and at the newest migration (or migrated at start-up)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from proxycall.adapters.db import migrate

    label = settings.database_label()
    sqlite_file = (settings.data_dir / "proxycall.db").resolve()
    if settings.sqlalchemy_url.startswith("sqlite") and str(sqlite_file) in \
            settings.sqlalchemy_url and not sqlite_file.exists():
        return [Finding("database", Verdict.WARN, f"{label} does not exist yet: it is created "
                        "and migrated when `proxycall serve` starts.")]
    try:
        engine = create_engine(migrate.sync_url(settings.sqlalchemy_url))
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        engine.dispose()
    except Exception as exc:  # any driver error means the same to the operator: unreachable
        return [Finding("database", Verdict.FAIL, f"{label} is not reachable "
                        f"({type(exc).__name__}).")]
    head = ScriptDirectory.from_config(migrate.alembic_config(settings.sqlalchemy_url)
                                       ).get_current_head()
    if current == head:
        return [Finding("database", Verdict.OK, f"{label} is reachable and migrated.")]
    if settings.auto_migrate:
        return [Finding("database", Verdict.WARN, f"{label} is at {current or 'no revision'}; "
                        "it is migrated to the newest at start-up.")]
    return [Finding("database", Verdict.FAIL, f"{label} is at {current or 'no revision'}, not "
                    f"{head}: run `proxycall db upgrade`.")]


def check_redis(settings: Settings) -> list[Finding]:
    """Redis answers, when the rate limit is to be shared."""
    if not settings.redis_url:
        return [Finding("redis", Verdict.OK, "No PROXYCALL_REDIS_URL: each process counts its "
                        "own rate limit.")]
    import redis

    try:
        redis.Redis.from_url(settings.redis_url.removeprefix("async+"),
                             socket_timeout=2).ping()
    except redis.RedisError as exc:
        return [Finding("redis", Verdict.FAIL, f"Redis at PROXYCALL_REDIS_URL does not answer "
                        f"({type(exc).__name__}).")]
    return [Finding("redis", Verdict.OK, "Redis answers: the rate limit is shared.")]


def check_keys(settings: Settings) -> list[Finding]:
    """The OpenAI and Google keys, as far as their SDKs and formats can tell offline."""
    findings = []
    if settings.openai_api_key is None:
        findings.append(Finding("llm", Verdict.OK, "No OPENAI_API_KEY: replies are read "
                                "deterministically only."))
    else:
        from openai import OpenAI

        try:
            OpenAI(api_key=settings.openai_api_key.get_secret_value(),
                   base_url=settings.openai_base_url, max_retries=0)
            findings.append(Finding("llm", Verdict.OK, "The OpenAI client accepts the key."))
        except Exception as exc:  # the SDK's own refusal, whatever its type
            findings.append(Finding("llm", Verdict.WARN, f"The OpenAI client refused the key "
                                    f"({type(exc).__name__}); the LLM fallback is off."))
    if settings.google_places_api_key is None:
        findings.append(Finding("places", Verdict.OK, "No GOOGLE_PLACES_API_KEY: the bundled "
                                "directory answers place searches."))
    elif _GOOGLE_KEY.match(settings.google_places_api_key.get_secret_value()):
        findings.append(Finding("places", Verdict.OK, "GOOGLE_PLACES_API_KEY looks like a key."))
    else:
        findings.append(Finding("places", Verdict.WARN, "GOOGLE_PLACES_API_KEY does not look "
                                "like a Google API key ('AIza…', 39 characters)."))
    return findings


CHECKS: tuple[Callable[[Settings], list[Finding]], ...] = (
    check_telephony, check_database, check_redis, check_keys)


def doctor(
    quiet: Annotated[bool, typer.Option(help="Print only warnings and failures.")] = False,
) -> None:
    """Check the configuration a real deployment needs; exit 1 when calls could not work."""
    settings = settings_or_exit()
    findings = [finding for check in CHECKS for finding in check(settings)]
    for finding in findings:
        if not (quiet and finding.verdict is Verdict.OK):
            typer.echo(f"{finding.verdict.value:<4} {finding.area:<9} {finding.message}")
    failed = [f for f in findings if f.verdict is Verdict.FAIL]
    typer.echo(f"{len(failed)} problem(s): calls could not work." if failed
               else "Calls can work with this configuration.")
    if failed:
        raise typer.Exit(1)
