"""One business answer read into every outcome field it fills, not only the one asked about.

"yeah we've got five" answers "in stock?" and "how many?"; "should be in next Tuesday" answers
"in stock?" with no by naming a restock date (the step that is only asked when the answer is
no). Values inside a longer sentence are only taken when a parser finds them clearly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from proxycall.core.agents.spec import AgentSpec, DialogStep, InputType
from proxycall.core.flows.intents import without_holds
from proxycall.core.flows.reading import holds, parse_context, read_field, time_hint
from proxycall.core.parsers.result import Ambiguous, ParseContext, Parsed, Value


@dataclass(frozen=True)
class AnswerReading:
    """The facts an answer gave, or the parsers' question when it could mean two things."""

    facts: dict[str, Value] = field(default_factory=dict)
    ambiguous: Ambiguous | None = None


@dataclass(frozen=True)
class _Reader:
    spec: AgentSpec
    values: Mapping[str, Value]
    ctx: ParseContext

    def label(self, name: str) -> str:
        return next((f.label for f in self.spec.outcome if f.name == name), "")

    def read(self, step: DialogStep, text: str, *, whole: bool) -> Value | None:
        result = read_field(
            step.expects,
            text,
            self.ctx,
            hint=time_hint(self.spec),
            label=self.label(step.field),
            whole=whole,
        )
        if isinstance(result, Parsed) and usable(step.expects, result.value):
            return result.value
        return None


def usable(kind: InputType, value: Value) -> bool:
    """A parsed value fits an outcome field of this type."""
    if kind is InputType.YES_NO:
        return value in ("YES", "NO")
    if kind is InputType.NUMBER:
        return isinstance(value, int) and value >= 0
    return value != ""


def read_answer(
    spec: AgentSpec,
    values: Mapping[str, Value],
    facts: Mapping[str, Value],
    step: DialogStep,
    text: str,
    now: datetime,
) -> AnswerReading:
    """Every fact `text` gives, reading it first as the answer to `step`."""
    heard = without_holds(text)
    if not heard:
        return AnswerReading()
    reader = _Reader(spec, values, parse_context(values, now))
    found: dict[str, Value] = {}
    answer = reader.read(step, heard, whole=True)
    if answer is not None:
        found[step.field] = answer
    elif step.expects is InputType.YES_NO:
        found.update(_infer_from_follow_ups(reader, step, heard))
    merged = {**facts, **found}
    for other in _steps(spec):
        if other.field in merged or other.expects is InputType.YES_NO:
            continue
        if not holds(other.when, merged):
            continue
        value = reader.read(other, heard, whole=False)
        if value is not None and not (
            _offers_alternative(other) and _echoes(reader, other.expects, value)
        ):
            found[other.field] = value
            merged[other.field] = value
    if found:
        return AnswerReading(found)
    return AnswerReading(ambiguous=_ambiguity(reader, step, heard))


def _steps(spec: AgentSpec) -> tuple[DialogStep, ...]:
    return spec.dialog.steps if spec.dialog else ()


def _infer_from_follow_ups(reader: _Reader, step: DialogStep, text: str) -> dict[str, Value]:
    """A yes/no left unsaid but implied by the follow-up it only has on one side.

    "We can do 7:30 instead" fills the time asked only when the booking is a no, so it is a
    no; unless the value just repeats what we asked for, which is not an alternative.
    """
    sides: dict[str, dict[str, Value]] = {}
    for other in _steps(reader.spec):
        when = other.when
        if when is None or when.kind != "equals" or when.slot != step.field:
            continue
        if len(when.values) != 1 or other.expects is InputType.YES_NO:
            continue
        value = reader.read(other, text, whole=False)
        if value is not None and not _echoes(reader, other.expects, value):
            sides.setdefault(when.values[0], {})[other.field] = value
    if len(sides) != 1:
        return {}
    side, follow_ups = next(iter(sides.items()))
    return {step.field: side, **follow_ups}


def _offers_alternative(step: DialogStep) -> bool:
    """A step asked only after a no: what it hears must differ from what we asked for."""
    return step.when is not None and step.when.kind == "equals" and step.when.values == ("NO",)


def _echoes(reader: _Reader, kind: InputType, value: Value) -> bool:
    """The value is one we gave them (our own time or count), not news from them."""
    return any(
        slot.type is kind and reader.values.get(slot.name) == value for slot in reader.spec.slots
    )


def _ambiguity(reader: _Reader, step: DialogStep, text: str) -> Ambiguous | None:
    result = read_field(
        step.expects, text, reader.ctx, hint=time_hint(reader.spec), label=reader.label(step.field)
    )
    return result if isinstance(result, Ambiguous) else None
