"""The bench's ceiling: the cheapest FastAPI endpoint that reads the same JSON body."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/v2/conversation/next")
async def next_turn(request: Request) -> dict[str, Any]:
    """Read the body, answer a constant."""
    body = await request.json()
    return {"conversationId": body.get("conversationId"), "nextAction": "ASK_QUESTION"}
