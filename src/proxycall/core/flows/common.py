"""Pieces every flow shares: spoken rendering, whom we call for, and the bounds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from proxycall.core.agents.spec import AgentSpec
from proxycall.core.calls import EndReason
from proxycall.core.flows.state import MAX_DURATION_SECONDS, MAX_TURNS, FlowState
from proxycall.core.parsers.result import Value
from proxycall.core.render import render_template

A_CUSTOMER = "a customer"


def render(spec: AgentSpec, template: str, values: Mapping[str, Value]) -> str:
    """A template as spoken; sentences naming a missing value are dropped ("" if all are)."""
    return render_template(template, values, spec, spoken=True) or ""


def render_all(spec: AgentSpec, templates: Iterable[str], values: Mapping[str, Value]) -> list[str]:
    """Each template as spoken, leaving out the ones with nothing left to say."""
    return [line for line in (render(spec, t, values) for t in templates) if line]


def on_behalf_of(spec: AgentSpec, values: Mapping[str, Value]) -> str:
    """The confirmed name the call is made for, else "a customer"."""
    if spec.on_behalf_of_slot:
        name = values.get(spec.on_behalf_of_slot)
        if name not in (None, ""):
            return str(name)
    return A_CUSTOMER


def over_bounds(state: FlowState, now: datetime) -> EndReason | None:
    """The bound this call has reached, if any: turns or duration."""
    if state.elapsed_seconds(now) >= MAX_DURATION_SECONDS:
        return EndReason.MAX_DURATION
    if state.turns >= MAX_TURNS:
        return EndReason.MAX_TURNS
    return None
