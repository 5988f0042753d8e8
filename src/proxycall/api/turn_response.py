"""The turn's answer as clients receive it: the response models of the conversation routes.

`services/responses.py` builds the body once, as a dict, and the service stores it as sent (a
replay must be byte-for-byte the same answer); the routes send those bytes without validating
them again, which would cost every turn. These models are the declared shape: they document the
answer in the OpenAPI schema, and the tests hold every answer to them (`extra="forbid"`, so a
field added to the body and not here fails).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Action = Literal["ASK_QUESTION", "FIND_PLACE", "CONFIRM", "COMPLETE"]
InputType = Literal["TEXT", "PHONE", "DATE", "TIME", "NUMBER", "CHOICE", "YES_NO", "MONEY"]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChoiceOut(_Wire):
    """One choice of a CHOICE question."""

    value: str
    label: str


class QuestionOut(_Wire):
    """The question asked, with what a client needs to render it."""

    text: str
    field: str
    inputType: InputType
    choices: list[ChoiceOut]
    quickReplies: list[str]
    optional: bool


class FieldProblem(_Wire):
    """Why the reply to a field could not be used."""

    field: str
    message: str


class CardOut(_Wire):
    """The confirmation card: what will be said in the person's name."""

    title: str
    lines: list[str]
    confirmLabel: str
    rejectLabel: str
    cardId: str


class PlaceSearchParams(_Wire):
    """What the place picker should search for."""

    query: str
    area: str | None
    country: str
    lat: float | None
    lng: float | None


class AgentMeta(_Wire):
    """Where the agent's phone number comes from (GIVEN: the person typed the business's)."""

    phoneSource: Literal["PLACE", "DIRECT_SLOT", "GIVEN"]
    directPhoneSlot: str | None
    title: str
    description: str


class ChangeOut(_Wire):
    """An earlier value this turn replaced."""

    slot: str
    old: str | int
    new: str | int


class DestinationWarning(_Wire):
    """At the card: the number cannot be called, and why."""

    field: str
    reason: str
    message: str


class DeadlineWarning(_Wire):
    """At the card: no call could come in time."""

    code: str
    deadline: str
    message: str


class TurnResponse(_Wire):
    """One turn's answer (contract.md, "POST /v2/conversation/next")."""

    conversationId: str
    turn: int
    engineVersion: Literal["v1", "v2"]
    nextAction: Action
    assistantMessage: str
    question: QuestionOut | None
    validationError: FieldProblem | None
    extractedData: dict[str, str | int]
    confirmationCard: CardOut | None
    placeSearchParams: PlaceSearchParams | None
    agentMeta: AgentMeta
    aiCallMade: bool
    aiModel: str
    confidence: float
    ignoredSlots: list[str]
    changes: list[ChangeOut]
    destinationWarning: DestinationWarning | None = None
    deadlineWarning: DeadlineWarning | None = None
    debugPayload: dict[str, Any] | None = None


TURN_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": TurnResponse, "description": "The next step: a question, the place step, "
                                                "the card, or COMPLETE"},
}
