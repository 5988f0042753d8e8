"""Cue tables for understanding, and the message being read (with the parts already taken).

Generic phrases only: no agent's slot names appear here. `understanding.py` reads with them;
`slot_names.py` maps a person's words ("the time", "my name") to slots with the aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from proxycall.core.agents.spec import InputType, TextKind
from proxycall.core.conversation import Command
from proxycall.core.parsers import cues

KEEP = re.compile(
    r"(?:ok(?:ay)?[ ,]*|yep[ ,]*|yes[ ,]*|no[ ,]*)?"
    r"(?:keep|keep it|keep that|keep this|keep the same|"
    r"same|same as before|the same|that's fine|thats fine|it's fine|its fine|fine|leave it|"
    r"leave it as is|leave that|no change|no changes|unchanged|as is|that's right|thats right|"
    r"that's correct|correct|all good|still the same|don't change|dont change)"
    r"(?: (?:it|that|one|please|thanks))*"
)
DONT_KNOW_ASKED = re.compile(
    r"\b(?:don'?t know|dont know|do not know|dunno|not sure|no idea|idk|no clue|can'?t remember|"
    r"forgot|forget|look (?:it|them|that) up|look up|find (?:it|them|the number|their number)|"
    r"search|google|don'?t have|haven'?t got|have no|no number)\b"
)
DONT_KNOW_VOLUNTEERED = re.compile(
    r"\b(?:don'?t|do not|dont) (?:know|have) (?:the|their|its|his|her|the phone|a) ?(?:phone )?"
    r"(?:number|phone)|(?:look|find) (?:up )?(?:the|their) (?:number|phone)"
)
CORRECTING = re.compile(
    r"^\W*(?:(?:oh|um+|uh+|ah+|ok|okay|er+m?)\W+)?(?:no|nope|nah|sorry|oops|wait|hang on|actually|"
    r"correction)\b|\b(?:actually|make it|"
    r"change|instead|not \w+ but|i meant|i mean|should be|rather|wrong|incorrect|mistake|"
    r"not right)\b"
)
CHANGE = re.compile(
    r"\b(?:change|update|fix|correct|edit|switch|swap|alter|amend)\s+(?:the|my|our|that|this)?\s*"
    r"(?P<ref>[a-z' ]+?)(?:\s+(?:to|into|for|as|so it'?s|so its)\s+(?P<val>.+?))?\s*[.!?]*$"
    r"|^\W*(?:(?:no|actually|sorry)[, ]+)*(?:the|my|our)\s+(?P<ref2>[a-z' ]+?)\s+"
    r"(?:is|should be|'s|was meant to be|needs to be)\s+(?:actually\s+)?(?P<val2>.+?)\s*[.!?]*$"
    r"|\b(?:wrong|incorrect)\s+(?P<ref3>[a-z' ]+?)\s*[.!?]*$"
)
NAME_INTRO = re.compile(
    r"^\W*(?:that\s+)?(?:it'?s|its|it is|i'?m|im|i am|my name is|my name'?s|this is|"
    r"the name is)\b"
)
CONNECT_BEFORE = re.compile(r"(?:\b(?:on|at|for|by|from|is|it's|its|make it)\s*)$")
RETURN_CUE = re.compile(
    r"\b(?:back|return|returning|returns|until|till|til|off till|off until|be in)\W+(?:on\W+)?"
    r"(?:by\W+)?$"
)
RETURN_WORDS = ("return", "back")
TYPE_ALIASES: dict[InputType, tuple[str, ...]] = {
    InputType.TIME: ("time", "start", "starts", "starting", "o'clock", "hour"),
    InputType.DATE: ("date", "day", "when"),
    InputType.PHONE: ("number", "phone", "mobile", "contact", "phone number"),
    InputType.NUMBER: ("number", "quantity", "amount", "people", "guests", "many", "size",
                       "party", "how many", "count"),
    InputType.CHOICE: ("reason", "option"),
}
KIND_ALIASES: dict[TextKind, tuple[str, ...]] = {
    TextKind.PERSON_NAME: ("name", "my name", "person"),
    TextKind.BUSINESS_NAME: ("place", "business", "shop", "store", "workplace", "work",
                             "employer", "restaurant", "company", "boss", "manager", "clinic"),
    TextKind.PRODUCT: ("product", "item", "thing"),
    TextKind.PLACE_AREA: ("area", "suburb", "location", "where"),
}
JOINING = cues.STOP | {"because", "cos", "sick", "in", "need", "want"}
SLOT_WORD_NOISE = frozenset({"name", "your", "the", "of", "a"})
_EDGE = r"(?:and|but|also|so|then|on|at|for|the|is|my|with|to|it's|its|please|,|\.|-)"


@dataclass
class MessageReading:
    """A message being read: the original, its folded copy, and what is already taken.

    `taken` only grows (spans are appended, never removed), so the masked text is made again
    only when it has grown: a message is read for a dozen kinds of value, each on the masked text.
    """

    text: str
    low: str
    taken: list[tuple[int, int]] = field(default_factory=list)
    _masked: tuple[int, str] = field(default=(0, ""), init=False, repr=False, compare=False)

    @property
    def masked(self) -> str:
        """The message with the parts already read blanked out."""
        if not self.taken:
            return self.low
        spans, text = self._masked
        if spans != len(self.taken):
            chars = list(self.low)
            for start, end in self.taken:
                chars[start:end] = "|" * len(chars[start:end])
            text = "".join(chars)
            self._masked = (len(self.taken), text)
        return text

    def take(self, start: int, end: int) -> None:
        """Mark a span as read, with the connecting word before it."""
        before = CONNECT_BEFORE.search(self.low[:start])
        self.taken.append((before.start() if before else start, end))

    def rest(self) -> str:
        """The message with taken parts blanked and leftover joining words dropped."""
        pairs = zip(self.masked, self.text, strict=True)
        masked = "".join(" " if m == "|" else c for m, c in pairs)
        masked = re.sub(r"\s+", " ", masked).strip()
        for _ in range(3):
            masked = re.sub(rf"^(?:{_EDGE}\s*)+|(?:\s*{_EDGE})+$", "", masked,
                            flags=re.IGNORECASE).strip()
        return masked


@dataclass
class Findings:
    """The commands proposed so far, at most one per slot (the first one wins)."""

    commands: dict[str, Command] = field(default_factory=dict)

    def put(self, command: Command) -> None:
        """Add a command unless the slot has one already (the first reading wins)."""
        self.commands.setdefault(command.slot, command)
