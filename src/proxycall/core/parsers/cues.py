"""Finders for text values inside a sentence: business, person, product, area, note, reason.

Each looks for a generic cue phrase ("call X", "does X have", "I'm X", "has a X", "at X",
"tell them X", "because X") and reads the run of words after it up to a stop word. They read
a `masked` copy of the message in which values already taken (phones, dates, times, counts)
are blanked with "|", so a run never swallows them. Spans index the original message.
"""

from __future__ import annotations

import re
from functools import lru_cache

from proxycall.core.parsers._lex import SCAN_CACHE_SIZE, Hit
from proxycall.core.parsers.areas import known_area, scan_areas
from proxycall.core.parsers.names import (
    NOT_NAMES,
    RELATIONS,
    mixed_case,
    not_a_name,
    plausible_name,
)
from proxycall.core.parsers.product import business_in
from proxycall.core.parsers.text import ABBREVIATION_END


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP = _words("""
on at in near for has have had got stock stocks sell sells carry carries if whether and to
tomorrow today tonight because cos coz cause since i i'm im i've ive i'd id please pls about
with from is are was were do does did can could would will should but so asap now this next
my me we they it it's its that shift appointment booking table tell let re regarding than or
by before after until till when who what where which how there their them our your you he
she him her his any some a an the need want after looking thanks thank cheers mate see check
ask book cancel call ring phone get got be been being just also too not no yes yeah yep ok
okay of as than then store shop branch one today's tomorrow's instead actually dinner lunch
breakfast brunch know
""")
# Capitalised words that still end a name ("at Coles Monday", "call Kmart I'm sick").
_NEVER_IN_NAME = _words("""
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat
sun january february march april may june july august september october november december today
tomorrow tonight i i'm im i've i'd please thanks cheers
""")
# Words that are never the start of a person's name ("I'm sick", "I'm after", "I'm not").
COMMON = NOT_NAMES
_RUN = re.compile(r"[^\W_][\w'&.+\-]*(?: [^\W_][\w'&.+\-]*)*")


def _run(text: str, low: str, start: int, max_words: int, stops: frozenset[str],
         capitals: bool = False) -> Hit | None:
    """The run of words from `start` up to a stop word or punctuation, as a Hit (or None).

    With `capitals` (the person capitalises names), a capitalised stop word is part of the
    name ("at Just Cuts", "The Pines"): only a lower-case one ends it.
    """
    match = _RUN.match(low, start)
    if match is None:
        return None
    end = start
    count = 0
    words = list(re.finditer(r"\S+", match.group(0)))
    for index, word in enumerate(words):
        token = word.group(0).rstrip(".")
        typed = text[match.start() + word.start()]
        stop = token in stops and not (capitals and typed.isupper()
                                       and token not in _NEVER_IN_NAME)
        if stop and capitals and count and token in _INNER_WORDS and index + 1 < len(words):
            stop = not _name_goes_on(text, low, match.start() + words[index + 1].start())
            # "Ribs and Burgers in Neutral Bay": after a place word the rest is more often where
            # it is; only a second place word later shows the first was inside the name
            later = {w.group(0) for w in words[index + 2:]}
            stop = stop or (token in _PLACE_WORDS and not later & _PLACE_WORDS)
        if count and (stop or count >= max_words):
            break
        if not count and stop:
            return None
        count += 1
        said = word.group(0)
        kept = said if ABBREVIATION_END.search(said) else said.rstrip(".")
        end = match.start() + word.start() + len(kept)  # "Smile Dental Co." keeps its stop
    if count == 0:
        return None
    return Hit(text[start:end], start, end)


# Small words inside a capitalised name ("Back in Motion", "Hair by Kylie", "Ribs and Burgers")
_INNER_WORDS = _words("in by and n & of on the for at")
_PLACE_WORDS = _words("in at on near")


def _name_goes_on(text: str, low: str, at: int) -> bool:
    """Whether a capitalised name continues after a small word.

    Whether a capitalised name continues after a small word: the next word is capitalised
    too, is not a day or "I", and does not start a listed suburb ("Back in Motion in Subiaco").
    """
    word = re.match(r"[\w'\-]+", low[at:])
    if word is None or not text[at].isupper() or word.group(0) in _NEVER_IN_NAME:
        return False
    return not any(start == 0 for _, start, _ in scan_areas(low[at:at + 40]))


_BUSINESS_STRONG = re.compile(
    r"\b(?:call|ring|phone|contact|tell|text|message)\s+my\s+(?:manager|boss|supervisor|"
    r"team\s+leader|team\s+lead|shift\s+manager|store\s+manager|line\s+manager)\s+(?=[a-z])"
    r"|(?:^[\s(]*|(?P<mid>[,;.!?]\s+|\b(?:and|then)\s+)|\b(?:can you|could you|can u|could u|"
    r"pls|plz|please|need you to|want you to|need to|want to|i'd like to|id like to|help me)\s+)"
    r"(?:call|ring|phone|contact|try|book|reserve)\s+"
    r"(?:(?:us|me)\s+)?(?:up\s+|in\s+(?:at\s+)?)?(?=\S)"
    r"|\b(?:check|see|find out|ask)\s+(?:if|whether)\s+(?=\S)"
    r"|(?P<tell>(?:^[\s(]*|[,;.!?]\s+|\b(?:can you|could you|can u|pls|plz|please|and)\s+)"
    r"(?:let|tell|inform|notify)\s+(?:the\s+)?(?=\S))"
    r"|\b(?:does|do|did|has|have)\s+(?=\S)"
    r"|\b(?:i work at|i work for|i work in|my (?:manager|boss|work|job|supervisor) (?:at|from))\s+"
    r"|\b(?:appointment|appt|booking|reservation|table|consult|consultation|session|visit|"
    r"dinner|lunch|breakfast|brunch|haircut|hair cut|cut|massage|facial|lesson|class|checkup|"
    r"check-up|check up|clean|treatment|service|shift)\s+(?:at|with)\s+(?:the\s+)?"
)
_BUSINESS_WEAK = re.compile(r"\b(?:to|at|with|from)\s+(?:the\s+)?(?=\S)")
_BUSINESS_AFTER = re.compile(r"\s*(?:has|have|had|stocks?|sells?|carr(?:y|ies))\b")


@lru_cache(maxsize=SCAN_CACHE_SIZE)  # pure; every message is looked at for a business
def find_business(text: str, masked: str) -> Hit | None:
    """A business named in a message: a known name, or a run after "call"/"does"/"at"."""
    hit = _find_business(text, masked, mixed_case(text))
    if hit is not None and mixed_case(text):
        the = re.search(r"\bThe\s+$", text[:hit.start])  # "at The Pines Cafe": "The" is named
        if the is not None and not business_in(str(hit.value)):
            return Hit(text[the.start():hit.end], the.start(), hit.end)
    return hit


def _find_business(text: str, masked: str, capitals: bool) -> Hit | None:
    low = masked
    known = business_in(low)
    for match in _BUSINESS_STRONG.finditer(low):
        hit = _run(text, low, match.end(), 5, STOP, capitals)
        if hit is None:
            continue
        if (match.group("tell") or match.group("mid")) and not (
                _named_place(text, hit) or (known and known[1] == hit.start)):
            continue  # "tell them", "..., try again": only a name typed with capitals
        if _a_person(hit) or _is_in_stock(low, hit):
            continue  # "call my boss": a person; "ask whether X is in stock": a product
        if match.group(0).strip() in ("does", "do", "did", "has", "have") and not (
            _BUSINESS_AFTER.match(low, hit.end) or (known and known[1] == hit.start)
            or _near_area_then_has(low, hit.end)
        ):
            continue
        return _prefer_known(text, low, hit, known)
    if known is not None:
        return _with_branch(text, low, known)
    for match in _BUSINESS_WEAK.finditer(low):
        if match.end() < len(text) and text[match.end()].isupper():
            hit = _run(text, low, match.end(), 5, STOP, capitals)
            if hit is not None:
                return hit
    return None


# People, not places, after "tell" / "let ... know".
_PEOPLE = RELATIONS


def _a_person(hit: Hit) -> bool:
    """Whether a run names a person, not a place ("my boss", "my manager", "mum")."""
    words = str(hit.value).lower().split()
    if words and words[0] == "my":
        words = words[1:]
    return bool(words) and words[0] in _PEOPLE


def _is_in_stock(low: str, hit: Hit) -> bool:
    """Whether a run is followed by "is/are in stock": it names the product, not the shop."""
    return _IN_STOCK.match(low, hit.end) is not None


def _named_place(text: str, hit: Hit) -> bool:
    """Whether a run after "tell"/"let" is a capitalised name, not a person ("Tell Mum")."""
    value = str(hit.value)
    return value[:1].isupper() and value.split()[0].lower() not in _PEOPLE


def _near_area_then_has(low: str, end: int) -> bool:
    pattern = r"\s+(?:at|in)\s+[\w' ]{2,30}?\s+(?:have|has|stock|sell)"
    return re.match(pattern, low[end:]) is not None


def _prefer_known(text: str, low: str, hit: Hit, known: tuple[str, int, int] | None) -> Hit:
    if known is not None and known[1] == hit.start:
        return _with_branch(text, low, known)
    return hit


def _with_branch(text: str, low: str, known: tuple[str, int, int]) -> Hit:
    """A known business and the branch after it.

    A known business and the branch after it: a known suburb ("Woolworths Chermside") or,
    when the person capitalises names, capitalised words ("Officeworks Carindale").
    """
    _, start, end = known
    tokens: list[tuple[str, int, int]] = []
    cursor = end
    while len(tokens) < 3 and (word := _NEXT_WORD.match(low, cursor)) is not None:
        tokens.append((word.group(1), word.start(1), word.end(1)))
        cursor = word.end(1)
    stop = end
    for size in range(len(tokens), 0, -1):
        if known_area(" ".join(token for token, _, _ in tokens[:size])) is not None:
            stop = tokens[size - 1][2]
            break
    if stop == end and mixed_case(text):
        for token, first, last in tokens[:2]:
            if not text[first].isupper() or token in _NEVER_IN_NAME or token in STOP | COMMON:
                break
            stop = last
    return Hit(text[start:stop], start, stop)  # as typed: "Maccas" is never "McDonald's"


_NEXT_WORD = re.compile(r"[ \t]+([\w'][\w'\-]*)")


_AREA = re.compile(r"\b(?:at|in|near|around)\s+(?:the\s+)?(?:one\s+(?:at|in)\s+)?(?=\S)")


def find_area(text: str, masked: str, after: int) -> Hit | None:
    """A suburb or area named after the business ("at chermside", "in Carindale")."""
    low = masked
    gap = re.match(r"\s+([a-z][\w'\-]*(?: [a-z][\w'\-]*)?)(?=\s+(?:have|has|stock|sell|store|"
                   r"branch|on|at|for|to|and|,|\.|\?|$)|[,.?]|$)", low[after:])
    if gap and gap.group(1).split()[0] not in STOP:
        start = after + gap.start(1)
        return Hit(text[start:after + gap.end(1)], start, after + gap.end(1))
    for match in _AREA.finditer(low, after):
        hit = _run(text, low, match.end(), 3, STOP)
        if hit is not None and hit.value and str(hit.value)[:1].isalpha():
            return hit
    return None


_AREA_BEFORE = re.compile(r"\b(?:in|at|near|around|the)\s+$")
_AREA_AFTER = re.compile(r"\s+(?:store|branch|shop|one|location|outlet|centre|center)\b")


def find_named_area(text: str, masked: str) -> Hit | None:
    """A listed suburb said as where the place is, with no business before it.

    A listed suburb said as where the place is, with no business before it ("it's the
    Chermside store", "the one in Carindale"): after in/at/near/the or before store/branch.
    """
    for _area, start, end in scan_areas(masked):
        if _AREA_BEFORE.search(masked[:start]) or _AREA_AFTER.match(masked, end):
            return Hit(text[start:end], start, end)
    return None


# A strong cue names a name outright; a weak one ("I'm", "this is") is mostly followed by a
# state ("I'm rostered on"), so the word after it must look like a name.
_PERSON = re.compile(
    r"\b(?:(?P<strong>my name is|my name's|my names|name's|name is|i'm called|im called|"
    r"call me|under the name(?: of)?|put it under|book it under)"
    r"|(?P<weak>i'm|i am|im|this is|under|(?:^|(?:hi|hey|hello|g'day|gday|morning)\W+)"
    r"(?:it's|its))"
    r"|(?P<caps>it's|its|booking for|book it for))\s+(?=\S)"
)


def find_person(text: str, masked: str) -> Hit | None:
    """A person's name after "my name is", "I'm", "this is", "under"; never "I'm rostered"."""
    low = masked
    for match in _PERSON.finditer(low):
        start = match.end()
        word = re.match(r"[\w'\-]+", low[start:])
        if word is None or word.group(0) in STOP or not_a_name(word.group(0)):
            continue
        typed = text[start:word.end() + start]
        if match.group("weak") and not plausible_name(typed, text):
            continue
        if match.group("caps") and not typed[:1].isupper():
            continue
        hit = _run(text, low, start, 3, STOP | COMMON)
        if hit is not None:
            return hit
    return None


# "check Kmart for air fryers": "for" straight after the business (already read, so masked)
_PRODUCT = re.compile(
    r"(?:\b(?:(?:stock|availability|price)\s+(?:of|for|on)|has|have|got|stocks?|sells?|"
    r"carr(?:y|ies)|looking for|i'm after|im after|i am after|chasing|in stock for|need|needs|"
    r"want|wants|buy|order|i meant|i mean|meant)|\|\s+for)\s+(?:\|+\s+)?"
    r"(?:(?:a|an|any|some|the)\s+)?(?=\S)"
)
# "is the Nintendo Switch 2 in stock": the product is named before "in stock" / "available"
_PRODUCT_BEFORE = re.compile(
    r"\b(?:(?:is|are)\s+(?:there\s+)?|(?:if|whether)\s+)(?:(?:a|an|any|some|the)\s+)?(?=\S)"
)
# "... in stock", and "whether X is in stock": the verb after the product too
_IN_STOCK = re.compile(r"\s+(?:(?:is|are)\s+)?(?:in\s+stock|available|still\s+available|"
                       r"on\s+the\s+shelf)\b")
# "is there any Lego at Target": the product, then where ("|": the business, already read)
_PLACE_AFTER = re.compile(r"\s+(?:at|in|from)\s+(?=\S)|\s*\|")
# "is there any Lego at Target": only with "any/some/a/an" ("is there stock" names no product)
_THERE_ANY = re.compile(r"\bthere\s+(?:any|some|a|an)\s+$")
_NOT_PRODUCTS = _words("chance way stock need point reason time hope possibility")
_PRODUCT_STOP = STOP - {"one", "for", "with", "and"} | {"in"}


def find_product(text: str, masked: str) -> Hit | None:
    """A product after "has", "have", "stock", "looking for" ("has Sony headphones")."""
    low = masked
    for match in _PRODUCT.finditer(low):
        hit = _run(text, low, match.end(), 6, _PRODUCT_STOP | {"for", "and"})
        if hit is not None:
            return hit
    for match in _PRODUCT_BEFORE.finditer(low):
        hit = _run(text, low, match.end(), 6, _PRODUCT_STOP | {"for", "and"})
        if hit is None:
            continue
        if _IN_STOCK.match(low, hit.end):
            return hit
        if (_PLACE_AFTER.match(low, hit.end) and _THERE_ANY.search(low[:match.end()])
                and str(hit.value).split()[0].lower() not in _NOT_PRODUCTS):
            return hit
    return None


# Not a bare "say" or "note": "may I say tomorrow", "note the time" are not messages.
_NOTE = re.compile(
    r"\b(?:tell them|let them know|pass on|can you say|could you say|please say|say that|"
    r"mention|note:|note -|and say)(?:\s+that)?\s*[:,-]?\s+(?=\S)"
)
_REASON = re.compile(r"\b(?:because|cos|coz|cause|'cause|since|due to|the reason is)\s+(?=\S)")


# Words that only say the person won't be there ("can't make my shift"): never a note of their own.
_ABSENCE = _words("""
cant can't cannot won't wont make making come coming go going gonna miss missing work working
able unable in there it shift shifts today tomorrow be get sick crook unwell ill feeling well
""")


def find_sentence_after(text: str, masked: str, cue: re.Pattern[str]) -> Hit | None:
    """The rest of the sentence after a cue ("tell them the keys are in the office")."""
    match = cue.search(masked)
    if match is None:
        return None
    end = len(text)
    stop = re.search(r"[.!?\n]", text[match.end():])
    if stop:
        end = match.end() + stop.start()
    value = text[match.end():end].strip(" ,")
    # "shift's at 9am": a word with "'s" is the word ("shift is")
    words = [re.sub(r"'s$", "", w) for w in re.findall(r"[a-z']{2,}", masked[match.end():end])]
    if all(w in STOP or w in _ABSENCE for w in words):
        return None  # nothing left after the cue but values already read ("say I'm sick")
    return Hit(value, match.start(), end) if value else None  # the span includes the cue


def find_note(text: str, masked: str) -> Hit | None:
    """A message to pass on ("tell them the keys are in the office")."""
    return find_sentence_after(text, masked, _NOTE)


def find_reason(text: str, masked: str) -> Hit | None:
    """A stated reason ("because I'm moving house")."""
    return find_sentence_after(text, masked, _REASON)
