"""The agent registry: every agent declaration, validated once when the service starts."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from proxycall.core.agents import (
    cancel_appointment,
    restaurant_reservation,
    sick_caller,
    stock_checker,
)
from proxycall.core.agents.spec import AgentSpec, InputType, PhoneFlow, PhoneSource, SlotSpec
from proxycall.core.errors import SetupError

# Values the server owns: never taken from a client's `slots`, always shown in extractedData.
PLACE_SLOTS = ("place_id", "place_name", "place_address", "place_phone")
PLACE_SLOTS_FOR_TEMPLATES = (*PLACE_SLOTS, "place_timezone")

CONDITION_KINDS = ("bare_category", "unsure", "equals")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class AgentSpecError(SetupError, ValueError):
    """An agent declaration is inconsistent; start-up stops with this message."""


@dataclass(frozen=True)
class Registry:
    """The agents by type, loaded and checked once."""

    agents: Mapping[str, AgentSpec]

    def get(self, agent_type: str) -> AgentSpec | None:
        """An agent's declaration, or None."""
        return self.agents.get(agent_type)

    @property
    def types(self) -> tuple[str, ...]:
        """Every agent type, in declaration order."""
        return tuple(self.agents)


def build_registry(specs: Iterable[AgentSpec]) -> Registry:
    """Validate every declaration and index them by type."""
    agents: dict[str, AgentSpec] = {}
    for spec in specs:
        validate(spec)
        if spec.type in agents:
            raise AgentSpecError(f"agent {spec.type} is declared twice")
        agents[spec.type] = spec
    return Registry(MappingProxyType(agents))


def default_registry() -> Registry:
    """The bundled agents, validated (a broken declaration stops start-up)."""
    return build_registry(
        [stock_checker.SPEC, sick_caller.SPEC, restaurant_reservation.SPEC,
         cancel_appointment.SPEC]
    )


def template_fields(template: str) -> set[str]:
    """The slot names a template refers to ({slot})."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def validate(spec: AgentSpec) -> None:
    """Raise AgentSpecError naming the agent and the first inconsistency found."""
    problems = list(_problems(spec))
    if problems:
        raise AgentSpecError(f"agent {spec.type}: {problems[0]}")


def _problems(spec: AgentSpec) -> Iterable[str]:
    names = spec.slot_names
    if len(set(names)) != len(names):
        yield "slot names repeat"
    if not any(slot.asked for slot in spec.slots):
        yield "no slot is asked"
    for slot in spec.slots:
        if not _NAME.match(slot.name):
            yield f"slot name {slot.name!r} is not snake_case"
        yield from (f"slot {slot.name}{problem}" for problem in _slot_problems(slot, names))
    yield from _phone_problems(spec, names)
    yield from _flow_problems(spec, names)
    yield from _template_problems(spec, names)
    yield from _outcome_problems(spec, names)


def _slot_problems(slot: SlotSpec, names: tuple[str, ...]) -> Iterable[str]:
    """What is wrong with one slot's declaration (each text follows "slot <name>")."""
    checks = (
        (slot.name in PLACE_SLOTS_FOR_TEMPLATES, " uses a server-owned name"),
        (bool(slot.required or slot.required_when) and not slot.asked,
         " is required but has no question"),
        (slot.asked and not slot.reask, " has a question but no re-ask"),
        (slot.type is InputType.CHOICE and not slot.choices, " is a CHOICE without choices"),
        (bool(slot.choices) and slot.type is not InputType.CHOICE,
         f" has choices but is {slot.type}"),
        (slot.type is InputType.MONEY, ": MONEY is for call outcomes, not slots"),
    )
    yield from (text for failed, text in checks if failed)
    condition = slot.required_when
    if condition:
        if condition.kind not in CONDITION_KINDS:
            yield f": unknown condition {condition.kind}"
        if condition.slot not in names:
            yield ": condition names unknown slot"


def _phone_problems(spec: AgentSpec, names: tuple[str, ...]) -> Iterable[str]:
    phone = spec.phone
    if phone.source is PhoneSource.DIRECT_SLOT:
        if phone.direct_slot not in names:
            yield "DIRECT_SLOT phone names no declared slot"
        elif spec.slot(phone.direct_slot).type is not InputType.PHONE:
            yield "DIRECT_SLOT phone slot is not a PHONE"
    else:
        if phone.query_slot not in names:
            yield "PLACE phone needs a declared query slot"
        if phone.area_slot is not None and phone.area_slot not in names:
            yield "PLACE phone area slot is not declared"
    if spec.on_behalf_of_slot is not None and spec.on_behalf_of_slot not in names:
        yield "on_behalf_of_slot is not declared"


def _flow_problems(spec: AgentSpec, names: tuple[str, ...]) -> Iterable[str]:
    if spec.flow is PhoneFlow.DETERMINISTIC_SCRIPT and spec.script is None:
        yield "DETERMINISTIC_SCRIPT flow without a script"
    if spec.flow is PhoneFlow.DIALOG and spec.dialog is None:
        yield "DIALOG flow without a dialog"
    deadline = (spec.timing.deadline_date_slot, spec.timing.deadline_time_slot)
    for slot_name, kind in zip(deadline, (InputType.DATE, InputType.TIME), strict=True):
        if slot_name is not None and (slot_name not in names
                                      or spec.slot(slot_name).type is not kind):
            yield f"timing deadline slot {slot_name} is not a declared {kind} slot"


def _templates(spec: AgentSpec) -> Iterable[str]:
    yield spec.card.title
    yield from spec.card.lines
    yield spec.brief.objective
    yield from spec.brief.script
    yield from spec.brief.checklist
    if spec.script:
        yield spec.script.opening
        yield from spec.script.message
        yield spec.script.repeat_offer
        yield spec.script.closing
        yield from spec.script.voicemail
    if spec.dialog:
        yield spec.dialog.opening
        yield spec.dialog.closing
        yield spec.dialog.voicemail
        for step in spec.dialog.steps:
            yield step.ask
            yield step.reask


def _template_problems(spec: AgentSpec, names: tuple[str, ...]) -> Iterable[str]:
    known = set(names) | set(PLACE_SLOTS_FOR_TEMPLATES)
    for template in _templates(spec):
        try:
            fields = template_fields(template)
        except ValueError as exc:
            yield f"template {template!r} is malformed: {exc}"
            continue
        for name in fields - known:
            yield f"template {template!r} names unknown slot {name}"


def _outcome_problems(spec: AgentSpec, names: tuple[str, ...]) -> Iterable[str]:
    """Summaries and dialog steps name only declared slots and outcome fields."""
    known = set(names) | set(PLACE_SLOTS_FOR_TEMPLATES)
    outcome_names = {field.name for field in spec.outcome}
    closings = spec.dialog.closings if spec.dialog else ()
    for summary in (*spec.summaries, *closings):
        for template in (summary.template, *summary.next_steps):
            for name in template_fields(template) - known - outcome_names:
                yield f"summary {template!r} names unknown value {name}"
        if summary.when and summary.when.slot not in outcome_names:
            yield f"summary condition names undeclared outcome {summary.when.slot}"
    for step in spec.dialog.steps if spec.dialog else ():
        if step.field not in outcome_names:
            yield f"dialog step {step.name} fills undeclared outcome {step.field}"
        if step.when and step.when.slot not in outcome_names:
            yield f"dialog step {step.name} depends on undeclared outcome {step.when.slot}"
