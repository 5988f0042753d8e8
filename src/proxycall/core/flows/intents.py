"""What a callee's sentence is doing: holding, asking for a repeat, asking who we are, agreeing.

Matching is on whole words of the lower-cased sentence, so "one second" is a hold but
"someone" is not. Nothing here reads answers; `reading` does that with the typed parsers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from proxycall.core.agents.spec import AgentSpec, InputType, SlotSpec, TextKind
from proxycall.core.parsers.result import Value
from proxycall.core.render import render_value


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, punctuation as spaces, single spaces."""
    low = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(re.sub(r"[^\w'$.:]+", " ", low).replace(" .", " ").split()).strip(". ")


def _phrases(words: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(w) for w in ordered) + r")(?![\w'])")


_HOLD = _phrases(
    [
        "one sec", "one second", "just a sec", "just a second", "a sec", "a second",
        "one moment", "just a moment", "a moment", "hang on", "hold on", "bear with me",
        "let me check", "let me have a look", "let me look", "let me see", "i'll check",
        "i'll have a look", "i'll just check", "give me a minute", "give me a moment",
        "give me a sec", "give me a second", "wait a sec", "wait a moment", "hold the line",
        "let me find out", "i'll find out", "just checking", "checking now", "one minute",
        "just a minute", "let me grab a pen", "let me get a pen",
    ]
)  # fmt: skip
_REPEAT_ALONE = {
    "sorry", "what", "pardon", "huh", "eh", "sorry what", "pardon me", "excuse me", "come again",
    "what was that", "sorry what was that", "say again", "what did you say", "yes please",
    "please do", "go on then", "1",
}  # fmt: skip
_REPEAT = _phrases(
    [
        "say that again", "say it again", "can you repeat", "could you repeat", "please repeat",
        "repeat that", "repeat it", "repeat the message", "didn't catch", "did not catch",
        "didn't hear", "did not hear", "one more time", "come again", "missed that",
        "start again", "say again",
    ]
)  # fmt: skip
_IDENTITY = _phrases(
    [
        "who is this", "who's this", "who is calling", "who's calling", "who is speaking",
        "who am i speaking", "who am i talking", "who are you", "are you a robot",
        "is this a robot", "are you a real person", "is this a real person", "are you real",
        "are you human", "are you a human", "are you a person", "is this a person",
        "is this automated", "are you automated", "are you a computer", "is this a computer",
        "am i talking to a computer", "am i talking to a machine", "am i talking to a robot",
        "is this a recording", "are you ai", "are you an ai", "is this ai", "is this an ai",
        "are you a bot", "is this a bot", "a machine", "who's speaking", "who are you with",
        "where are you calling from", "who did you say", "on behalf of who", "on behalf of whom",
        "calling for who", "calling for whom", "who's that calling", "who was that calling",
    ]
)  # fmt: skip
# "Who?" on its own (or after a "sorry"/"um") asks who is calling; inside a sentence it may not.
_IDENTITY_ALONE = {"who", "who's that", "who was that", "who is that", "who's this", "who again"}
_ABOUT = _phrases(
    [
        "what's this about", "what is this about", "what's it about", "what is it about",
        "what's that about", "what is that about", "what's all this about",
        "what's this regarding", "what is this regarding", "what's this in regards to",
        "what's this for", "what is this for", "what's the call about", "what's this call about",
        "what is this call about", "what are you calling about", "what're you calling about",
        "why are you calling", "what's it regarding", "what do you want", "what can i do for you",
        "how can i help", "what's going on", "what did you want", "what's up",
    ]
)  # fmt: skip
# A hedge: the callee is not sure, so a "yeah" next to it is not an answer or an agreement.
_HEDGE = _phrases(
    [
        "not sure", "unsure", "maybe", "dunno", "don't know", "dont know", "do not know",
        "no idea", "not certain", "possibly", "perhaps", "probably", "i guess",
        "i suppose", "no clue", "not a clue", "not too sure", "hard to say",
    ]
)  # fmt: skip
_FILLERS = {"um", "uh", "er", "erm", "hmm", "hm", "mm", "mmm", "ah", "oh", "eh", "huh"}
# Words that only start a sentence ("yeah, what's this about?"): they answer nothing.
_MARKERS = {
    "yeah", "yes", "yep", "yeh", "ok", "okay", "right", "so", "sorry", "um", "uh", "er", "erm",
    "mm", "hmm", "well", "oh", "ah", "alright", "sure", "look", "hi", "hello", "hey", "and",
}  # fmt: skip
# Questions that close rather than ask ("okay, anything else?"): a taken message may end so.
_CLOSING_QUESTIONS = _phrases(
    ["anything else", "is that all", "is that it", "is that everything", "that all", "that it",
     "anything more", "was there anything else", "is there anything else"]
)  # fmt: skip
_ACK = _phrases(
    [
        "ok", "okay", "k", "no worries", "no problem", "thanks", "thank you", "cheers",
        "got it", "gotcha", "understood", "noted", "will do", "i'll let", "i will let",
        "i'll tell", "i'll pass", "i will pass", "pass it on", "that's fine", "thats fine",
        "all good", "sure", "alright", "all right", "righto", "yep", "yeah", "yes", "yup",
        "no that's fine", "no thanks", "no thank you", "that's all good", "i'll make sure",
        "uh huh", "mm hmm", "mhm", "sounds good", "fine", "right", "good", "bye", "goodbye",
        "no", "nope", "nah", "i'll note", "i'll write", "got that", "get well soon",
        "hope they feel better", "hope she feels better", "hope he feels better", "sorted",
    ]
)  # fmt: skip
_GOODBYE = _phrases(
    [
        "bye", "goodbye", "good bye", "bye bye", "see ya", "see you", "gotta go", "got to go",
        "have to go", "have a good day", "have a good one", "talk later", "take care",
        "hanging up", "i'm going to hang up",
    ]
)  # fmt: skip
_QUESTION_START = re.compile(
    r"^(?:(?:and|so|sorry|ok|okay|sure|yeah|um|uh|right)\s+)*(?:what|which|who|whose|when|"
    r"how|where|is it|is that|was it|can i (?:get|have|grab)|could i (?:get|have)|"
    r"do you know|did you say|under what|for what|for which|for how)\b"
)


# Split at , and . too, except inside a number ("$249.00", "1,000").
_CLAUSE = re.compile(r"[;!?]+|[.,](?!\d)|(?<!\d)[.,]|\s+(?:but|though|although|and then)\s+")


def clauses(text: str) -> list[str]:
    """A sentence split where people change thought: commas, full stops, "but"."""
    return [part.strip() for part in _CLAUSE.split(text) if part and part.strip()]


def ends_with_hold(text: str) -> bool:
    """The last thing said asks us to wait ("yes, hang on, I'll count them")."""
    parts = clauses(text)
    return bool(parts) and is_hold(parts[-1])


def without_holds(text: str) -> str:
    """The sentence without its hold clauses, so "let me check if we have any" is not a yes."""
    return ", ".join(part for part in clauses(text) if not is_hold(part))


def is_hold(text: str) -> bool:
    """The callee asks us to wait ("one sec", "let me check", "hang on")."""
    return _HOLD.search(normalise(text)) is not None


def is_repeat_request(text: str, digits: str = "") -> bool:
    """The callee asks to hear it again ("sorry?", "say that again", key 1)."""
    if digits.strip() == "1":
        return True
    low = normalise(text)
    return low in _REPEAT_ALONE or _REPEAT.search(low) is not None


# A yes to "shall I repeat that?": the whole reply is a go-ahead, not the message taken.
_GO_AHEAD = re.compile(
    r"^(?:(?:oh|um|uh|yeah|yes|yep|ok|okay|sure|right)\s+)*"
    r"(?:go ahead|go on|yes please|yeah please|yep please|please do|please|sure|sure thing|"
    r"do that|repeat it|one more time|once more|again please)"
    r"(?:\s+(?:then|mate|please|go ahead|thanks|thank you))*$")


def accepts_repeat_offer(text: str) -> bool:
    """The callee takes up the offer to hear it again ("sure", "go ahead", "yes please")."""
    return _GO_AHEAD.match(normalise(text)) is not None


def is_identity_question(text: str) -> bool:
    """The callee asks who is calling, or whether this is a person."""
    low = normalise(text)
    bare = " ".join(word for word in low.split() if word not in _MARKERS)
    return bare in _IDENTITY_ALONE or _IDENTITY.search(low) is not None


def is_acknowledgement(text: str) -> bool:
    """The callee takes the message ("ok", "no worries", "I'll let the manager know").

    A "yeah" next to a question ("yeah, what's this about?") or a hedge ("mm, yeah, not
    sure") takes nothing: those ask for more, so they are never an acknowledgement.
    """
    if _ACK.search(normalise(text)) is None:
        return False
    return not (is_hedged(text) or asks_something(text) or is_identity_question(text))


def is_hedged(text: str) -> bool:
    """The callee says they are not sure ("not sure", "maybe", "I guess")."""
    return _HEDGE.search(normalise(text)) is not None


def is_unclear(text: str) -> bool:
    """A hedge, or only sounds ("hmm", "mm… not sure"): nothing taken, nothing asked."""
    low = normalise(text)
    sounds = bool(low) and all(word in _FILLERS for word in low.split())
    return is_hedged(text) or (sounds and _ACK.search(low) is None)  # "mm hmm" is a yes


def is_about_question(text: str) -> bool:
    """The callee asks what the call is about ("yeah, what's this about?")."""
    return _ABOUT.search(normalise(text)) is not None


def _pieces(text: str) -> list[str]:
    """Clauses with their own punctuation kept, so a "?" still marks its clause a question."""
    parts = re.split(r"(?<=[?!.,;])\s+|(?<=[?!])(?=\w)|\s+(?:but|though|and then)\s+", text)
    return [part.strip() for part in parts if part and part.strip(" ,.;")]


def _only_markers(piece: str) -> bool:
    words = normalise(piece).split()
    return bool(words) and all(word in _MARKERS for word in words)


def _asks(piece: str) -> bool:
    """One clause is a question that wants something from us (not "anything else?")."""
    low = normalise(piece)
    if not low or _CLOSING_QUESTIONS.fullmatch(low) or _only_markers(piece):
        return False
    return piece.rstrip().endswith("?") or _QUESTION_START.match(low) is not None


def asks_something(text: str) -> bool:
    """Some clause is a question for us ("okay, when is he back?"); a closing one is not."""
    return any(_asks(piece) for piece in _pieces(text))


def only_asks(text: str) -> bool:
    """The reply is a question and nothing else, once "yeah,"/"sorry," openers are set aside.

    "yeah, what's this about?" answers nothing: its "yeah" only starts the sentence.
    """
    pieces = [piece for piece in _pieces(text) if not _only_markers(piece)]
    return bool(pieces) and all(_asks(piece) for piece in pieces)


def is_goodbye(text: str) -> bool:
    """The sentence sounds like the callee is leaving ("thanks, bye")."""
    return _GOODBYE.search(normalise(text)) is not None


def is_question(text: str) -> bool:
    """The callee asks us something ("which model?", "what time was it?")."""
    return text.strip().endswith("?") or _QUESTION_START.match(normalise(text)) is not None


# Question words that point at a kind of value; a slot matches through its type, text kind,
# label and name, so the table covers every agent without naming one.
_TYPE_WORDS: Mapping[InputType, tuple[str, ...]] = {
    InputType.DATE: ("day", "date", "when", "which day", "what day"),
    InputType.TIME: ("time", "what time", "when", "o'clock"),
    InputType.NUMBER: ("how many", "number", "people", "party", "quantity", "guests", "pax"),
    InputType.PHONE: ("number", "phone", "contact"),
}
_KIND_WORDS: Mapping[TextKind, tuple[str, ...]] = {
    TextKind.PERSON_NAME: ("name", "who", "whose", "under", "surname", "spell"),
    TextKind.PRODUCT: (
        "model", "brand", "size", "which one", "what kind", "what type", "product", "colour",
        "color", "item", "what is it", "what was it", "looking for", "after", "specifically",
    ),
    TextKind.PLACE_AREA: ("where", "which store", "location", "area", "suburb"),
    TextKind.BUSINESS_NAME: ("which store", "which shop", "business"),
}  # fmt: skip


def _slot_words(slot: SlotSpec) -> set[str]:
    # "name" in restaurant_name says nothing about a person's name; labels and kinds do.
    words = {slot.label.lower(), *(part for part in slot.name.split("_") if part != "name")}
    words.update(_TYPE_WORDS.get(slot.type, ()))
    if slot.type is InputType.TEXT:
        words.update(_KIND_WORDS.get(slot.text_kind, ()))
    return {w for w in words if len(w) > 2}


def _score(low: str, words: set[str]) -> int:
    return sum(len(w.split()) for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low))


def answer_question(spec: AgentSpec, values: Mapping[str, Value], text: str) -> str | None:
    """Answer a callee's question from the confirmed values, or None when none fits."""
    low = normalise(text)
    scored = [
        (_score(low, _slot_words(slot)), index, slot)
        for index, slot in enumerate(spec.slots)
        if values.get(slot.name) not in (None, "")
    ]
    best = max((score for score, _, _ in scored), default=0)
    if best == 0:
        return None
    chosen = [slot for score, _, slot in sorted(scored) if score == best]
    chosen.sort(key=lambda slot: spec.slots.index(slot))
    if len({slot.type for slot in chosen}) > 1:
        chosen = chosen[:1]
    parts = [render_value(spec, s.name, values[s.name], spoken=True) for s in chosen]
    return "It's " + ", ".join(parts) + "."
