"""The scripts of the simulator's callees: what each says in answer to one `<Gather>`.

A callee answers from the words it heard since its last reply, by keyword (what we asked about:
in stock, how many, price, when, booking, cancelling, "still there?"), not by our exact sentences,
so a flow can change its wording and still be tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

PATIENCE_REPLIES = 8  # a person hangs up after this many replies to a call that never ends
VOICEMAIL_MAX_SECONDS = 120.0  # an answering machine stops recording after this long
HOLD_SECONDS = 20.0  # how long the hold-first callee is away checking


@dataclass(frozen=True)
class Reply:
    """What the callee does in answer to one `<Gather>`: speak, press keys, stay silent, hang up."""

    speech: str = ""
    digits: str = ""
    confidence: float = 0.91
    after_seconds: float = 1.0  # simulated time before the callee starts answering
    hangup: bool = False

    @property
    def silent(self) -> bool:
        """True when the callee says nothing and presses nothing."""
        return not (self.speech or self.digits or self.hangup)


SILENCE = Reply()
HANG_UP = Reply(hangup=True)


class Topic(StrEnum):
    """What the assistant's line is about, as a callee hears it."""

    STILL_THERE = "still_there"
    QUANTITY = "quantity"
    PRICE = "price"
    CANCEL = "cancel"
    BOOK = "book"
    RESTOCK = "restock"
    STOCK = "stock"
    MESSAGE = "message"
    GOODBYE = "goodbye"
    OTHER = "other"


# Checked in this order within a sentence: "how many do you have" is about quantity, not stock.
_TOPIC_WORDS: tuple[tuple[Topic, re.Pattern[str]], ...] = tuple(
    (topic, re.compile(pattern, re.IGNORECASE))
    for topic, pattern in (
        (Topic.STILL_THERE, r"\b(still there|are you there|you there)\b"),
        (Topic.QUANTITY, r"\b(how many|quantity|how much stock)\b"),
        (Topic.PRICE, r"\b(price|how much|cost)\b"),
        (Topic.CANCEL, r"\bcancel"),
        (Topic.BOOK, r"\b(book|table|reservation|reserve)\b"),
        (Topic.RESTOCK, r"\b(when|restock|more in|back in|expect)\b"),
        (Topic.STOCK, r"\b(in stock|have any|got any|do you (have|stock|carry|sell)|available)\b"),
        (Topic.MESSAGE, r"\b(shift|won't be able|can't make|unwell|sick|on behalf of)\b"),
        (Topic.GOODBYE, r"\b(goodbye|bye)\b"),
    )
)


def topic_of(heard: str) -> Topic:
    """What the caller last asked about: the topic of the latest sentence that has one."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", heard.strip()) if s]
    for sentence in reversed(sentences):
        for topic, pattern in _TOPIC_WORDS:
            if pattern.search(sentence):
                return topic
    return Topic.OTHER


class Callee:
    """One call's worth of a persona's state; `answer` is the persona's script."""

    def __init__(self) -> None:
        self.replies = 0
        self.listened_seconds = 0.0

    def reply(self, heard: str, timeout_seconds: float) -> Reply:
        """The callee's answer to one gather, given what it heard since its last answer."""
        if self.replies >= PATIENCE_REPLIES:
            return HANG_UP
        reply = self.answer(heard, timeout_seconds)
        self.listened_seconds += timeout_seconds if reply.silent else reply.after_seconds
        if not reply.silent:
            self.replies += 1
        return reply

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """What this callee says to a line (the persona's script)."""
        return Reply("okay, thanks") if heard.strip() else Reply("hello?")


class Acknowledger(Callee):
    """The default: a person who answers, listens and acknowledges."""

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Acknowledge the message."""
        topic = topic_of(heard)
        if topic is Topic.STILL_THERE:
            return Reply("yep, still here")
        if topic is Topic.GOODBYE:
            return Reply("okay, bye")
        return Reply("okay, thanks") if heard.strip() else Reply("hello?")


class ManagerAcknowledges(Callee):
    """A manager who takes the message and says they will pass it on."""

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Take the message."""
        topic = topic_of(heard)
        if topic is Topic.STILL_THERE:
            return Reply("yep, I'm here")
        if topic is Topic.GOODBYE:
            return Reply("thanks, bye")
        if self.replies == 0:
            return Reply("no worries, I'll let the team know", after_seconds=1.5)
        return Reply("all good, thanks")


class RepeatAsker(Callee):
    """A callee who asks for the message again once."""

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Ask to hear it again, then acknowledge."""
        if self.replies == 0:
            return Reply("sorry, can you say that again?", confidence=0.88)
        if self.replies == 1:
            return Reply("okay, got it — I'll pass that on, thanks")
        return Reply("okay, thanks")


class TakesUpTheOffer(Callee):
    """Answers the repeat offer with a go-ahead ("sure, go ahead"), then takes the message."""

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Say yes to the offer, then acknowledge."""
        if self.replies == 0:
            return Reply("sure, go ahead", confidence=0.9)
        return Reply("okay, got it, thanks")


class RepeatPresser(Callee):
    """A callee who presses 1 to hear the message again."""

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Press 1 once, then acknowledge."""
        if self.replies == 0:
            return Reply(digits="1", after_seconds=2.0)
        return Reply("right, thanks, I'll let them know")


class Store(Callee):
    """A shop: answers stock, quantity, price and restock questions from its stock level."""

    def __init__(self, quantity: int, quantity_words: str, price: str = "$249",
                 restock: str = "Tuesday week") -> None:
        super().__init__()
        self.quantity = quantity
        self.quantity_words = quantity_words
        self.price = price
        self.restock = restock

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Answer a stock question from the shop's stock."""
        return self.stock_reply(topic_of(heard))

    def stock_reply(self, topic: Topic) -> Reply:
        """The shop's answer on one topic of a stock check."""
        has = self.quantity > 0
        answers = {
            Topic.STOCK: f"yeah, we've got {self.quantity_words} of those" if has
            else f"no, sorry, we're out — should be back {self.restock}",
            Topic.QUANTITY: f"we've got {self.quantity_words}" if has
            else "none at the moment, sorry",
            Topic.PRICE: f"They're {self.price}",
            Topic.RESTOCK: "we've got them in now" if has
            else f"should be back {self.restock}",
            Topic.STILL_THERE: "yep, still here",
            Topic.GOODBYE: "no worries, bye",
        }
        return Reply(answers.get(topic, "sure, go ahead"))


class HoldThenYes(Store):
    """"One sec, let me check", then silence for HOLD_SECONDS, then the answer."""

    def __init__(self) -> None:
        super().__init__(quantity=2, quantity_words="two")
        self.hold_left: float | None = None
        self.asked: Topic | None = None

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Ask the caller to hold, then say it is in stock."""
        if self.hold_left is None and topic_of(heard) in (Topic.STOCK, Topic.QUANTITY):
            self.asked, self.hold_left = topic_of(heard), HOLD_SECONDS
            return Reply("one sec, let me check")
        if self.hold_left is not None and self.hold_left > 0:
            if self.hold_left > timeout_seconds:
                self.hold_left -= timeout_seconds
                return SILENCE
            back_after, self.hold_left = self.hold_left, 0.0
            return Reply("sorry about the wait — yep, we've got two of them",
                         after_seconds=back_after)
        return self.stock_reply(topic_of(heard))


class WhichModel(Store):
    """A shop that asks which model before answering."""

    def __init__(self) -> None:
        super().__init__(quantity=3, quantity_words="three")
        self.asked_model = False

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Ask which model, then answer."""
        if not self.asked_model and topic_of(heard) is Topic.STOCK:
            self.asked_model = True
            return Reply("which model?")
        if self.asked_model and self.replies == 1:
            return Reply("yep, we've got three of those")
        return self.stock_reply(topic_of(heard))


class RestaurantBooks(Callee):
    """A restaurant that books the table as asked."""

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Book the table."""
        topic = topic_of(heard)
        if topic is Topic.BOOK:
            return Reply("yep, we can do that — you're booked in")
        if topic is Topic.GOODBYE:
            return Reply("see you then, bye")
        return Reply("sure, no problem")


_TIME = re.compile(r"\b(\d{1,2})(?::(\d{2}))?(\s*(?:am|pm|a\.m\.|p\.m\.))?", re.IGNORECASE)
_DECLINE = re.compile(r"\b(no thanks|doesn't work|won't work|too late|no, thank)", re.IGNORECASE)


class RestaurantOffersLater(Callee):
    """Can't do the asked time; offers half an hour later and books it on anything but a no."""

    def __init__(self) -> None:
        super().__init__()
        self.offered: str | None = None
        self.settled = False

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Offer a later time, then book it if accepted."""
        if self.offered is None and topic_of(heard) is Topic.BOOK:
            asked, self.offered = asked_and_later(heard)
            return Reply(f"we can't do {asked}, but we can do {self.offered}")
        if self.offered is not None and not self.settled:
            self.settled = True
            if _DECLINE.search(heard):
                return Reply("no worries, maybe another time")
            return Reply(f"great, you're booked in for {self.offered}")
        return Reply("okay, thanks")


def asked_and_later(heard: str) -> tuple[str, str]:
    """The time asked for ("7") and half an hour later ("7:30"), as a person would say them."""
    matches = list(_TIME.finditer(heard))
    # A time with am/pm or minutes beats a bare number ("for 4 people", "the 28th").
    clear = [m for m in matches if m.group(2) or m.group(3)]
    if not (clear or matches):
        return "that time", "half an hour later"
    match = (clear or matches)[-1]
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    later_minute = minute + 30
    later_hour = (hour + later_minute // 60 - 1) % 12 + 1
    return _clock(hour, minute), _clock(later_hour, later_minute % 60)


def _clock(hour: int, minute: int) -> str:
    return f"{hour}:{minute:02d}" if minute else f"{hour}"


class ClinicCancels(Callee):
    """A clinic that cancels the appointment."""

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Cancel the appointment."""
        topic = topic_of(heard)
        if topic is Topic.CANCEL:
            return Reply("yep, that's cancelled, no fee")
        if topic is Topic.GOODBYE:
            return Reply("bye now")
        return Reply("okay, anything else?")


class HangsUp(Callee):
    """A callee who hangs up at once."""

    def answer(self, heard: str, timeout_seconds: float) -> Reply:
        """Hang up."""
        if self.replies == 0:
            return Reply("yeah, what's this about?")
        return HANG_UP


_MUMBLES = ("hmm", "what was that?", "mm… yeah… not sure, maybe", "eh?", "uh… hang on… what?")


class NeverClear(Callee):
    """A callee whose answers are never clear enough to read."""

    def reply(self, heard: str, timeout_seconds: float) -> Reply:
        # Mumbles forever: no patience limit; the flow's and the simulator's bounds end it.
        """Mumble something unreadable."""
        line = _MUMBLES[self.replies % len(_MUMBLES)]
        self.replies += 1
        return Reply(line, confidence=0.32)


class Machine(Callee):
    """An answering machine or a fax: never answers; stops recording after a while."""

    def reply(self, heard: str, timeout_seconds: float) -> Reply:
        """Stay silent while recording; hang up when the recording time runs out."""
        self.listened_seconds += timeout_seconds
        return HANG_UP if self.listened_seconds > VOICEMAIL_MAX_SECONDS else SILENCE


