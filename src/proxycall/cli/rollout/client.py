"""A small HTTP client for the endpoints the rollout commands use; every exchange is kept."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

REQUEST_TIMEOUT_SECONDS = 30.0

JsonObject = dict[str, Any]


class RolloutHttpError(Exception):
    """The server answered with an unexpected status, or could not be reached."""

    def __init__(self, method: str, path: str, status: int | None, body: Any) -> None:
        self.method, self.path, self.status, self.body = method, path, status, body
        super().__init__(f"{method} {path} -> {status if status is not None else 'no answer'}: "
                         f"{_error_text(body)}")


def _error_text(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        return f"{error.get('code', '?')}: {error.get('message', '')}"
    return str(body)[:200]


@dataclass
class Exchange:
    """One request and its answer, as saved in the smoke artifacts (never the token)."""

    label: str
    method: str
    path: str
    request: Any
    status: int | None
    response: Any
    elapsed_ms: int

    def as_dict(self) -> JsonObject:
        """The exchange as JSON-ready data."""
        return {"label": self.label, "method": self.method, "path": self.path,
                "request": self.request, "status": self.status, "response": self.response,
                "elapsedMs": self.elapsed_ms}


@dataclass
class RolloutClient:
    """The proxycall endpoints the operator commands need, over HTTP only."""

    base_url: str
    token: str = field(repr=False)  # never shown
    transport: httpx.BaseTransport | None = None
    exchanges: list[Exchange] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._http = httpx.Client(
            base_url=self.base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=REQUEST_TIMEOUT_SECONDS,
            transport=self.transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> RolloutClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, *, label: str = "", json: Any = None,
                params: dict[str, Any] | None = None, ok: tuple[int, ...] = (200, 201)) -> Any:
        """Send one request, keep the exchange, and return the JSON body; raise when not ok."""
        started = time.monotonic()
        try:
            response = self._http.request(method, path, json=json, params=params)
        except httpx.HTTPError as exc:
            self._keep(label, method, path, json, None, {"transportError": str(exc)}, started)
            raise RolloutHttpError(method, path, None, str(exc)) from exc
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text[:2000]
        self._keep(label, method, path, json, response.status_code, body, started)
        if response.status_code not in ok:
            raise RolloutHttpError(method, path, response.status_code, body)
        return body

    def _keep(self, label: str, method: str, path: str, request: Any, status: int | None,
              body: Any, started: float) -> None:
        elapsed = int((time.monotonic() - started) * 1000)
        self.exchanges.append(Exchange(label, method, path, request, status, body, elapsed))

    # --- conversation, places, calls ---

    def next_turn(self, body: JsonObject, label: str = "") -> JsonObject:
        """POST /v2/conversation/next."""
        return dict(self.request("POST", "/v2/conversation/next", label=label, json=body))

    def search_places(self, params: JsonObject, label: str = "") -> JsonObject:
        """POST /places/search."""
        return dict(self.request("POST", "/places/search", label=label, json=params))

    def call_brief(self, conversation_id: str, label: str = "") -> JsonObject:
        """POST /call/brief."""
        return dict(self.request("POST", "/call/brief", label=label,
                                 json={"conversationId": conversation_id}))

    def call_start(self, conversation_id: str, idempotency_key: str,
                   label: str = "") -> JsonObject:
        """POST /call/start."""
        body = {"conversationId": conversation_id, "idempotencyKey": idempotency_key}
        return dict(self.request("POST", "/call/start", label=label, json=body))

    def call_status(self, call_id: str, label: str = "") -> JsonObject:
        """GET /call/status/{callId}."""
        return dict(self.request("GET", f"/call/status/{call_id}", label=label))

    # --- operations ---

    def metrics(self, window_minutes: int | None = None) -> JsonObject:
        """GET /admin/metrics, over the last `window_minutes` or since records began."""
        params = {"windowMinutes": window_minutes} if window_minutes is not None else None
        return dict(self.request("GET", "/admin/metrics", label="metrics", params=params))

    def as_smoke_user(self) -> RolloutClient:
        """A client signed in as a dedicated smoke user.

        A client for a dedicated smoke user, so smoke runs never land in a person's History
        (the same transport and exchange log; the user is made once per run).
        """
        body = self.request("POST", "/admin/users", label="smoke-user",
                            json={"name": "Smoke runs"})
        return RolloutClient(self.base_url, str(body["token"]), self.transport, self.exchanges)

    def metrics_series(self, window: str) -> JsonObject:
        """GET /admin/metrics/series: the watch figures per bucket, thresholds and flips."""
        return dict(self.request("GET", "/admin/metrics/series", label="metrics-series",
                                 params={"window": window}))

    def startup(self) -> JsonObject:
        """GET /admin/startup: the [STARTUP] lines this server process logged."""
        return dict(self.request("GET", "/admin/startup", label="startup"))

    def kill_switch(self) -> JsonObject:
        """GET /admin/kill-switch."""
        return dict(self.request("GET", "/admin/kill-switch", label="kill-switch"))

    def set_kill_switch(self, active: bool, reason: str | None = None) -> JsonObject:
        """PUT /admin/kill-switch, with the reason recorded beside the flip."""
        return dict(self.request("PUT", "/admin/kill-switch", label="kill-switch",
                                 json={"active": active, "reason": reason}))

    def add_record(self, kind: str, data: JsonObject) -> JsonObject:
        """POST /admin/rollout/records."""
        return dict(self.request("POST", "/admin/rollout/records", label=f"record-{kind}",
                                 json={"kind": kind, "data": data}))

    def records(self, kind: str | None = None) -> list[JsonObject]:
        """GET /admin/rollout/records, newest first."""
        params = {"kind": kind} if kind else None
        body = self.request("GET", "/admin/rollout/records", label="records", params=params)
        return list(body.get("records", [])) if isinstance(body, dict) else []
