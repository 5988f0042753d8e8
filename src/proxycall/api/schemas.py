"""Wire models: what clients send, validated at the edge."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

CONVERSATION_ID = r"^[A-Za-z0-9._:-]{1,128}$"
MAX_SLOTS = 64
MAX_IDEMPOTENCY_KEY = 128  # a key in the body or the Idempotency-Key header
MAX_NUMBER = 10**12  # larger than any count a slot holds; keeps values inside the store's types

SlotName = Annotated[str, Field(min_length=1, max_length=64)]
SlotValue = (
    Annotated[str, Field(max_length=2000)]
    | Annotated[int, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
    | Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER, allow_inf_nan=False)]
    | bool | None
)


class Location(BaseModel):
    """A point the person shared (latitude, longitude)."""

    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)


class TurnRequest(BaseModel):
    """One turn of a conversation: the message, any slots a client sends, an action."""

    model_config = ConfigDict(extra="ignore")

    conversationId: str = Field(pattern=CONVERSATION_ID)
    agentType: str = Field(min_length=1, max_length=64)
    userMessage: str = Field("", max_length=2000)
    slots: dict[SlotName, SlotValue] = Field(default_factory=dict, max_length=MAX_SLOTS)
    clientAction: Literal["CONFIRM", "REJECT"] | None = None
    idempotencyKey: str | None = Field(None, min_length=1, max_length=MAX_IDEMPOTENCY_KEY)
    currentQuestionSlotName: str | None = Field(None, max_length=128)
    timezone: str | None = Field(None, max_length=64)
    location: Location | None = None
    messageHistory: list[Any] | None = Field(None, max_length=200)
    debug: bool = False

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("userMessage", mode="before")
    @classmethod
    def _message(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("slots", mode="before")
    @classmethod
    def _slots(cls, value: Any) -> Any:
        return {} if value is None else value


class PlaceSearchRequest(BaseModel):
    """POST /places/search: a name, and an area or a point to search near."""

    query: str = Field(min_length=1, max_length=200)
    area: str | None = Field(None, max_length=200)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    country: str = Field("AU", min_length=2, max_length=2)
    radiusKm: float | None = Field(None, gt=0, le=500)


class PlaceDetailsRequest(BaseModel):
    """POST /places/details: one place by its id."""

    placeId: str = Field(min_length=1, max_length=300)


class GeocodeRequest(BaseModel):
    """POST /places/geocode: a suburb or area, and its country."""

    area: str = Field(min_length=1, max_length=200)
    country: str = Field("AU", min_length=2, max_length=2)


class KillSwitchRequest(BaseModel):
    """PUT /admin/kill-switch: on or off, and why."""

    active: bool
    reason: str | None = Field(None, max_length=500)  # recorded with the flip, shown in the report


class CallsPausedRequest(BaseModel):
    """PUT /admin/calls-paused: paused or not, and why."""

    paused: bool
    reason: str | None = Field(None, max_length=500)  # recorded with the change


class CreateUserRequest(BaseModel):
    """POST /admin/users: the new user's name."""

    name: str = Field(min_length=1, max_length=200)


class RolloutRecordRequest(BaseModel):
    """POST /admin/rollout/records: one rollout step and what it found."""

    kind: Literal["smoke", "watch", "rollback", "check", "signoff", "note"]
    data: dict[str, Any] = Field(default_factory=dict)
