"""The only place the environment is read: typed settings, secrets masked, fail fast."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from proxycall.core.errors import SetupError

ADMIN_TOKEN_FILE = "admin_token"
PERSON_TOKEN_FILE = "person_token"  # the regular user `make run` signs the web app in as
SIMULATOR_TOKEN_FILE = "twilio_simulator_token"


PUBLIC_BASE_URL_ENV = "PROXYCALL_PUBLIC_BASE_URL"
SERVE_WORKERS_ENV = "PROXYCALL_SERVE_WORKERS"


def hand_to_workers(public_base_url: str, workers: int) -> None:
    """Tell the worker processes of `serve --workers N` where they are reached, and how many.

    They inherit the environment; this is the one other place these are written, next to
    where they are read.
    """
    os.environ[PUBLIC_BASE_URL_ENV] = public_base_url
    os.environ[SERVE_WORKERS_ENV] = str(workers)


class ConfigError(SetupError):
    """A setting is wrong; the message is one line naming the variable."""


class Settings(BaseSettings):
    """Every setting, read from the environment (and .env) once at start-up."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    engine_version: Literal["v1", "v2"] = Field("v2", alias="CONVERSATION_ENGINE_VERSION")
    kill_switch: bool = Field(False, alias="CONVERSATION_ENGINE_KILL_SWITCH")
    data_dir: Path = Field(Path("./var"), alias="PROXYCALL_DATA_DIR")
    database_url: str | None = Field(None, alias="PROXYCALL_DATABASE_URL")
    admin_token: SecretStr | None = Field(None, alias="PROXYCALL_ADMIN_TOKEN")
    default_timezone: str = Field("Australia/Brisbane", alias="PROXYCALL_DEFAULT_TIMEZONE")
    default_region: str = Field("AU", alias="PROXYCALL_DEFAULT_REGION")
    metrics_every: int = Field(100, alias="PROXYCALL_METRICS_EVERY", ge=1)
    call_window: str = Field("mon-fri 09:00-20:00; sat 09:00-17:00", alias="PROXYCALL_CALL_WINDOW")
    check_opening_hours: bool = Field(True, alias="PROXYCALL_CHECK_OPENING_HOURS")
    log_file: Path | None = Field(None, alias="PROXYCALL_LOG_FILE")
    auto_migrate: bool = Field(True, alias="PROXYCALL_AUTO_MIGRATE")
    allowed_countries: str = Field("AU", alias="PROXYCALL_ALLOWED_COUNTRIES")
    blocked_numbers: str = Field("", alias="PROXYCALL_BLOCKED_NUMBERS")
    rate_limit: str = Field("300/minute", alias="PROXYCALL_RATE_LIMIT")
    redis_url: str | None = Field(None, alias="PROXYCALL_REDIS_URL")
    # set by `serve --workers N` for its worker processes: the URL the server is reached at
    public_base_url: str | None = Field(None, alias="PROXYCALL_PUBLIC_BASE_URL")
    serve_workers: int = Field(1, alias="PROXYCALL_SERVE_WORKERS", ge=1, le=64)  # and how many
    prometheus_multiproc_dir: str | None = Field(None, alias="PROMETHEUS_MULTIPROC_DIR")
    worker_interval_seconds: float = Field(1.0, alias="PROXYCALL_WORKER_INTERVAL_SECONDS",
                                           gt=0, le=60)
    lost_contact_seconds: float = Field(120.0, alias="PROXYCALL_LOST_CONTACT_SECONDS", gt=0)
    call_lease_seconds: float = Field(15.0, alias="PROXYCALL_CALL_LEASE_SECONDS", gt=0, le=600)
    simulator_pace: float = Field(0.4, alias="PROXYCALL_SIMULATOR_PACE", ge=0)
    db_timeout_seconds: float = Field(3.0, alias="PROXYCALL_DB_TIMEOUT_SECONDS", gt=0, le=60)

    openai_api_key: SecretStr | None = Field(None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, alias="OPENAI_BASE_URL")
    openai_model: str = Field("gpt-4o-mini", alias="OPENAI_MODEL")
    google_places_api_key: SecretStr | None = Field(None, alias="GOOGLE_PLACES_API_KEY")
    google_places_base_url: str | None = Field(None, alias="GOOGLE_PLACES_BASE_URL")
    twilio_account_sid: str | None = Field(None, alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr | None = Field(None, alias="TWILIO_AUTH_TOKEN")
    twilio_phone_number: str | None = Field(None, alias="TWILIO_PHONE_NUMBER")
    webhook_base_url: str | None = Field(None, alias="WEBHOOK_BASE_URL")

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("default_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown region {value!r}")
        return value.upper()

    @field_validator("openai_base_url", "webhook_base_url", "google_places_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parsed = urlparse(value)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite or postgresql")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parsed = urlparse(value)
        if parsed.scheme not in {"redis", "rediss", "async+redis", "async+rediss"} \
                or not parsed.netloc:
            raise ValueError(f"not a redis:// URL: {value!r}")
        return value

    @field_validator("twilio_phone_number")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value and not value.startswith("+"):
            raise ValueError("must be in E.164 form, like +61755501234")
        return value or None

    # --- derived ---

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with its async driver."""
        if self.database_url:
            return _async_driver(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'proxycall.db').resolve()}"

    @property
    def uses_real_twilio(self) -> bool:
        """True when Twilio credentials are set (else the built-in simulator)."""
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_phone_number)

    @property
    def llm_configured(self) -> bool:
        """True when an LLM fallback is configured."""
        return self.openai_api_key is not None and bool(self.openai_api_key.get_secret_value())

    @property
    def allowed_country_set(self) -> set[str]:
        """The countries calls may go to (ISO codes)."""
        return {code.strip().upper() for code in self.allowed_countries.split(",") if code.strip()}

    @property
    def blocked_number_set(self) -> set[str]:
        """Numbers never to call (E.164)."""
        return {num.strip() for num in self.blocked_numbers.split(",") if num.strip()}

    def database_label(self) -> str:
        """Which database, without credentials."""
        plain = self.sqlalchemy_url.replace("+aiosqlite", "").replace("+psycopg", "")
        if plain.startswith("sqlite"):
            return f"sqlite ({plain.removeprefix('sqlite:///')})"
        url = urlparse(plain)
        return f"postgresql ({url.hostname}:{url.port or 5432}{url.path})"


def _async_driver(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.split(":///", 1)[1]
    return url


def load_settings(**overrides: object) -> Settings:
    """Read and validate settings; raise ConfigError with one line naming the variable."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]  # reason: env-style keys, validated by pydantic
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        variable = _alias(field)
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{variable}: {message}") from None
    _check_call_window(settings.call_window)
    return settings


def _alias(field: str) -> str:
    info = Settings.model_fields.get(field)
    if info is not None and info.alias:
        return info.alias
    return field.upper() if field.isupper() or "_" in field else field


def _check_call_window(text: str) -> None:
    from proxycall.core.policy import parse_call_window  # the grammar lives with the policy

    try:
        parse_call_window(text)
    except ValueError as exc:
        raise ConfigError(f"PROXYCALL_CALL_WINDOW: {exc}") from None


def read_or_create_secret(data_dir: Path, name: str) -> tuple[str, bool]:
    """A secret kept in the data dir (0600); returns (value, created_now)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / name
    if path.exists():
        return path.read_text().strip(), False
    value = secrets.token_urlsafe(32)
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value, True

