"""TIME: a clock time as HH:MM (24-hour) from what people type.

Understands 9am, 9 am, 9:30, 9.30am, 0930, 19:00, 7pm, noon, midday, midnight, half past
eight, quarter to seven, quarter past 10, nine thirty, 8 in the morning, 2 in the afternoon,
6 tonight, 9 o'clock. A bare hour (no am/pm, no 24-hour form) is settled by the slot's hint:
- SHIFT: 7-11 → morning, 12 → midday, 1-6 → ask (a 3 o'clock shift may be either).
- DINING: 12 → midday, 1-10 → afternoon/evening, 11 → ask (brunch or a late supper).
- BUSINESS_HOURS: 8-11 → morning, 12 → midday, 1-5 → afternoon, 6 and 7 → ask.
Impossible times (25:00, 9:75, 13pm) are refused. Inside a sentence a bare hour only counts
with a cue ("at 7", "from 9", "9 o'clock", "7ish", "can we do 8"), so "table for 4" is never a
time. A window ("between 7 and 8", "7-8pm", "7 to 8") is asked, offering both ends; a span
"from 9 to 5" is its start; "10 to 9" (minutes a multiple of five, before a lower hour) is 8:50.
Alternatives are asked, offering both ("9 or 10 i can't remember", "seven or eight"); doubt
around a short reply does not stop it being read. "noonish", "midday-ish" are 12:00.
"""

from __future__ import annotations

import re
from functools import lru_cache

from proxycall.core.agents.spec import TimeHint
from proxycall.core.parsers._lex import (
    NUMBER_WORDS_RE,
    SCAN_CACHE_SIZE,
    UNITS,
    Hit,
    fold,
    join_alternatives,
    settle,
    words_value,
)
from proxycall.core.parsers.date_words import MONTHS
from proxycall.core.parsers.phone import without_phones
from proxycall.core.parsers.result import Ambiguous, ParseContext, Parsed, ParseResult, Rejected
from proxycall.core.parsers.texting import TIMES, respell, span_back


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HOUR = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_AMPM = r"(?P<ap>a\.?\s?m\b\.?|p\.?\s?m\b\.?|(?<=\d)[ap]\b)"
_PERIOD = (r"(?P<per>in\s+the\s+(?:morning|morn|arvo|afternoon|evening|night)|at\s+night|"
           r"tonight|tonite|this\s+(?:morning|arvo|afternoon|evening)|"
           r"(?:tomorrow|tmrw|tmr)\s+(?:morning|arvo|afternoon|evening|night)|"
           r"(?:morning|arvo|afternoon|evening|night))")
_TAIL = (rf"(?:\s*{_AMPM}|\s+(?:o'?\s?clock\s+)?{_PERIOD}|\s*(?P<oc>o'?\s?clock)"
         r"|\s?-?(?P<ish>ish)\b)?")
_MIN_WORDS = r"(?:oh\s+(?:one|two|three|four|five|six|seven|eight|nine)|" + NUMBER_WORDS_RE + ")"
_BOUND = (r"(?P<h{n}>\d{{1,2}}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
          r"(?:[:.](?P<m{n}>[0-5]\d))?\s?(?P<ap{n}>a\.?m\b\.?|p\.?m\b\.?)?")
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("range", re.compile(  # "between 7 and 8", "7-8pm", "7 to 8" (minutes "to" are 5, 10, 20…)
        r"(?:\bbetween\s+(?<![\d$/.:])" + _BOUND.format(n=1) + r"\s*(?:and|&|-|to)\s*"
        + _BOUND.format(n=2) + r"|(?P<from>\bfrom\s+)?(?<![\w$/.:])" + _BOUND.format(n=3)
        + r"\s*(?:-|(?P<to>to))\s*"
        + _BOUND.format(n=4) + r")(?![\w:/]|\.\d)")),
    ("named", re.compile(  # "noonish", "midday-ish": "-ish" on a named time is that time
        r"\b(?:12\s*)?(?P<name>noon|midday|midnight|mid-day|lunch\s?time)(?:\s?-?\s?ish)?\b")),
    ("past_to", re.compile(
        rf"\b(?P<q>half|quarter|a\s+quarter|\d{{1,2}}|{NUMBER_WORDS_RE})(?:\s+minutes)?\s+"
        rf"(?P<rel>past|after|to|til|till)\s+(?P<h>{_HOUR}|noon|midday|midnight)\b{_TAIL}")),
    ("half", re.compile(rf"\bhalf\s+(?P<h>{_HOUR})\b{_TAIL}")),
    ("clock", re.compile(
        rf"(?<![\d$/.:])(?P<h>\d{{1,2}})\s?[:.]\s?(?P<m>\d{{2}})(?![\d/]){_TAIL}"
        rf"|(?<![\d$/.:])(?P<h2>\d{{1,2}})(?P<m2>\d{{2}})\s?(?P<hrs>hrs|hours|h)\b")),
    ("compact", re.compile(  # "830am", "1030pm"
        r"(?<![\d$/.:])(?P<h>\d{1,2})(?P<m>[0-5]\d)\s?(?P<ap>a\.?m\b\.?|p\.?m\b\.?)")),
    ("hour", re.compile(
        r"(?<![\w$/.:])(?P<h>\d{1,2}(?!\d)|(?:one|two|three|four|five|six|seven|eight|nine|ten|"
        rf"eleven|twelve)\b)(?![:/.]\d){_TAIL}")),
    ("spoken", re.compile(
        rf"\b(?P<h>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
        rf"(?P<mw>{_MIN_WORDS})\b{_TAIL}")),
)
# "tomorrow arvo at 2", "tonight at 8": a part of the day said before the time
_PERIOD_BEFORE = re.compile(
    r"\b(?P<per>arvo|afternoon|evening|night|tonight|tonite|morning|morn)\s+"
    r"(?:shift\s+)?(?:(?:starts?|starting|begins)\s+)?"
    r"(?:at\s+|from\s+|around\s+|about\s+|by\s+|@\s*)?$"
)
# "table for 2 tmrw night": a bare number after "for" / "of" is a count, not an hour
_COUNT_BEFORE = re.compile(r"\b(?:for|of|party of|x)\s*$")
# A period naming a day ("tomorrow night", "tonight") is left for the date to read.
_DAY_IN_PERIOD = re.compile(r"tomorrow|tmrw|tmr|tonight|tonite|this")
_CUE_BEFORE = re.compile(
    r"(?:\bat|\bfrom|\bby|\baround|\babout|\bstarts?|\bstarting|\bbefore|\buntil|\btill|"
    r"@|\b(?:can|could)\s+(?:we|you|u|i)\s+do|\blet'?s\s+do|\bwe'?ll\s+do"
    # "monday 9", "tomorrow 10": a bare hour straight after the day it is on
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thurs?|fri|"
    r"sat|sun|tomorrow|tmrw|tmr|today)\s*,?)\s*$"
)
# A day number followed by its month ("14 December", "19 dec", "11/12", "the 9th of"): a date.
_DATE_AFTER = re.compile(
    r"\s*(?:(?:st|nd|rd|th)\b)?\s*(?:of\s+)?(?:"
    + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b|\s*[/.-]\s*\d{1,2}\b(?!\s*(?:am|pm))")
# "at one of the shops", "about 2 kids": a number followed by a noun is not an hour
_NOT_AN_HOUR = re.compile(
    r"\s*(?:of|more|another|else|other|days?|weeks?|kids?|child|children|people|persons?|ppl|"
    r"peeps|pax|adults?|"
    r"guests|things?|times|bit|way|minutes?|mins?|hours?|hrs|secs?|seconds?|years?|months?|"
    r"dollars?|bucks|items?|units?|boxes|packs?|pieces?|x)\b|\s*(?:%|\$|km|kg)"
)
# Words that may surround a bare hour in a short, time-like reply ("about 8ish thanks"), polite
# fillers included ("six is good", "12 works", "seven thirty if poss", "would be great").
_AROUND_AN_HOUR = _words("""
at about around approx approximately roughly say like it's its it is starts start starting from
usually normally maybe probably ish please pls thanks thank you ta cheers mate sharp on the dot
i think reckon by yeah yep ok okay um hmm just shift my our we it'll be ah oh er s'posed to
tomorrow tmrw today tonight morning arvo afternoon evening night monday tuesday wednesday
thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun o'clock oclock
actually sorry no make and then same as usual always every or either
is good works work if poss possible fine great would be suits perfect sounds
""")
# "I can't remember", "not sure": doubt around a short time reply; the time is still read
_DOUBT = re.compile(
    r"\b(?:i\s+)?(?:can'?t|cannot|don'?t|do\s+not)\s+(?:remember|recall|know)(?:\s+which)?"
    r"(?:\s+exactly)?|\bnot\s+(?:sure|certain)(?:\s+which)?|\bi\s+forget|\bdunno")
_HOUR_WORDS = _words("one two three four five six seven eight nine ten eleven twelve")
_IMPOSSIBLE = "That time doesn't exist — what time do you mean, like 9am or 2:30pm?"


def _hour_value(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return UNITS.get(text)


def _period(ap: str | None, per: str | None) -> str | None:
    if ap:
        return "am" if ap.startswith("a") else "pm"
    if per:
        return "am" if "morn" in per else "pm"
    return None


def _apply(hour: int, minute: int, period: str | None, hint: TimeHint,
           twenty_four: bool) -> Hit:
    """Turn an hour, minute and optional am/pm into a value, a question, or an error."""
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        return Hit("", 0, 0, error=_IMPOSSIBLE)
    if hour == 24:
        hour = 0
    if period is not None:
        if hour > 12 or (hour == 0 and not twenty_four):
            if 12 < hour < 24 and period == "pm" and twenty_four:  # "15:30pm", never "13pm"
                return _value(hour, minute)
            return Hit("", 0, 0, error=_IMPOSSIBLE)
        if period == "am":
            return _value(0 if hour == 12 else hour, minute)
        return _value(hour if hour == 12 else hour + 12, minute)
    if twenty_four or hour == 0 or hour > 12:
        return _value(hour, minute)
    return _bare(hour, minute, hint)


def _bare(hour: int, minute: int, hint: TimeHint) -> Hit:
    if hour == 12:
        return _value(12, minute)
    if hint is TimeHint.SHIFT:
        morning = hour >= 7
        ask = hour <= 6
    elif hint is TimeHint.DINING:
        morning = False
        ask = hour == 11
    else:
        morning = hour >= 8
        ask = hour in (6, 7)
    if ask:
        am, pm = _fmt(hour, minute), _fmt(hour + 12, minute)
        return Hit(am, 0, 0, options=(am, pm))
    return _value(hour if morning else hour + 12, minute)


def _fmt(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


def _value(hour: int, minute: int) -> Hit:
    return Hit(_fmt(hour, minute), 0, 0)


def _minutes_word(text: str) -> int | None:
    text = re.sub(r"\s+", " ", text)
    if text.startswith("oh "):
        return UNITS.get(text[3:])
    return words_value(text)


def _range(g: dict[str, str | None], hint: TimeHint, lead: str | None) -> Hit | None:
    """Both ends of "between 7 and 8" / "7-8pm" as options; a period said once covers both."""
    n = 1 if g.get("h1") else 3
    bounds = [(g[f"h{n + i}"] or "", g[f"m{n + i}"], g[f"ap{n + i}"]) for i in (0, 1)]
    first, second = (_hour_value(hour_text) for hour_text, _, _ in bounds)
    if first is None or second is None:
        return None
    hours = (first, second)
    if g.get("to") and not (bounds[0][1] or bounds[0][2]) and hours[0] % 5 == 0 \
            and hours[0] > hours[1]:
        return None  # "10 to 9" is 8:50
    said = _period(bounds[1][2] or bounds[0][2], lead)
    ends: list[tuple[str | int, ...]] = []
    for index, (hour_text, minute_text, ap) in enumerate(bounds):
        period = _period(ap, None) or said
        if index == 0 and not ap and said == "pm" and 12 != hours[0] > hours[1]:
            period = "am"  # "11-1pm": 11 am to 1 pm
        hit = _apply(hours[index], int(minute_text or 0), period, hint, hour_text[:1] == "0")
        if hit.error:
            return hit
        ends.append(hit.options or (hit.value,))
        if g.get("from"):  # "from 9 to 5": a span, and the start is what was asked
            return hit
    later = tuple(o for o in ends[1] if str(o) > str(min(ends[0], key=str)))
    unique = tuple(dict.fromkeys((*ends[0], *(later or ends[1]))))
    return Hit(unique[0], 0, 0, unique if len(unique) > 1 else ())


def _resolve(kind: str, m: re.Match[str], hint: TimeHint, lead: str | None = None) -> Hit | None:
    g = m.groupdict()
    if kind == "range":
        return _range(g, hint, lead)
    period = _period(g.get("ap"), g.get("per") or lead)
    if kind == "named":
        return _value(0, 0) if g["name"] == "midnight" else _value(12, 0)
    if kind == "compact":
        return _apply(int(g["h"]), int(g["m"]), period, hint, int(g["h"]) > 12)
    if kind == "clock":
        if g.get("hrs"):
            return _apply(int(g["h2"]), int(g["m2"]), None, hint, True)
        twenty_four = g["h"].startswith("0") or int(g["h"]) > 12
        return _apply(int(g["h"]), int(g["m"]), period, hint, twenty_four)
    if kind == "spoken":
        hour, minute = _hour_value(g["h"]), _minutes_word(g["mw"])
        if hour is None or minute is None or (minute < 10 and not g["mw"].startswith("oh")):
            return None
        return _apply(hour, minute, period, hint, False)
    if kind == "past_to":
        return _past_to(g, period, hint)
    hour = _hour_value(g["h"])
    if hour is None:
        return None
    minute = 30 if kind == "half" else 0
    return _apply(hour, minute, period, hint, g["h"].startswith("0") and len(g["h"]) == 2)


def _past_to(g: dict[str, str | None], period: str | None, hint: TimeHint) -> Hit | None:
    q, rel, h = g["q"] or "", g["rel"] or "", g["h"] or ""
    quarter = {"half": 30, "quarter": 15, "a quarter": 15}
    minutes = quarter.get(re.sub(r"\s+", " ", q))
    if minutes is None:
        minutes = int(q) if q.isdigit() else words_value(q)
        if minutes is not None and minutes % 5:
            return None  # "7 to 8" is a range, not 7:53
    if minutes is None or not 0 < minutes < 60 or (rel == "to" and minutes == 30):
        return None
    named = {"noon": 12, "midday": 12, "midnight": 0}
    hour = named.get(h, _hour_value(h))
    if hour is None:
        return None
    if h in named:
        base = hour * 60 + (minutes if rel in ("past", "after") else -minutes)
        base %= 24 * 60
        return _value(base // 60, base % 60)
    target = _apply(hour, 0, period, hint, False)
    if target.error:
        return target
    if rel in ("past", "after"):
        return _shift(target, minutes)
    return _shift(target, -minutes)


def _shift(hit: Hit, minutes: int) -> Hit:
    def move(value: str | int) -> str:
        hh, mm = str(value).split(":")
        total = (int(hh) * 60 + int(mm) + minutes) % (24 * 60)
        return _fmt(total // 60, total % 60)

    return Hit(move(hit.value), 0, 0, tuple(move(o) for o in hit.options))


def _explicit(kind: str, m: re.Match[str]) -> bool:
    """Whether a match is a time even without a cue word before it."""
    g = m.groupdict()
    if kind in ("named", "past_to", "half", "clock", "compact"):
        return True
    if kind == "range":
        return bool(g.get("h1") or g.get("ap3") or g.get("ap4"))
    return bool(g.get("ap") or g.get("per") or g.get("oc") or g.get("ish"))


def scan_times(text: str, hint: TimeHint = TimeHint.BUSINESS_HOURS,
               whole: bool = False) -> list[Hit]:
    """Time expressions inside a message with spans; bare hours need a cue unless `whole`."""
    return list(_scan_times(text, hint, whole))


@lru_cache(maxsize=SCAN_CACHE_SIZE)  # pure; one message is scanned by several readers
def _scan_times(text: str, hint: TimeHint, whole: bool) -> tuple[Hit, ...]:
    low, origin = respell(fold(text), TIMES)  # "2nite", "tmrw nite"
    raw: list[Hit] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(low):
            if not _counts(kind, m, low, whole):
                continue
            lead = _PERIOD_BEFORE.search(low[: m.start()])
            hit = _resolve(kind, m, hint, lead.group("per") if lead else None)
            if hit is not None:
                raw.append(Hit(hit.value, m.start(), _end(m), hit.options, hit.error))
    raw.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in raw:
        if kept and hit.start < kept[-1].end:
            if hit.end - hit.start > kept[-1].end - kept[-1].start:
                kept[-1] = hit
            continue
        kept.append(hit)
    hits = join_alternatives(low, settle(low, kept))
    if origin is None:
        return tuple(hits)
    return tuple(Hit(h.value, *span_back(origin, h.start, h.end), h.options, h.error)
                 for h in hits)


def _end(m: re.Match[str]) -> int:
    """Where a time ends; "8 tomorrow night" leaves "tomorrow night" for the date."""
    per = m.groupdict().get("per")
    if per and _DAY_IN_PERIOD.match(per):
        return m.start("per")
    return m.end()


def _counts(kind: str, m: re.Match[str], low: str, whole: bool) -> bool:
    """Whether a match is a time: explicit, cued, or a bare hour in a short time-like reply."""
    g = m.groupdict()
    if kind == "hour" and not (g.get("ap") or g.get("oc")) and _COUNT_BEFORE.search(
            low[: m.start()]):
        return False
    if _explicit(kind, m):
        return True
    if kind == "hour" and re.match(r"(?:st|nd|rd|th)\b", low[m.end("h"):]):
        return False  # "Saturday 5th" is a day of the month
    if kind == "hour" and _DATE_AFTER.match(low, m.end("h")):
        return False  # "Monday 14 December", "Fri 11/12": the day of a date, never an hour
    if _NOT_AN_HOUR.match(low, m.end()):
        return False
    if _CUE_BEFORE.search(low[: m.start()]):
        return True
    if not whole:
        return False
    around = _DOUBT.sub(" ", low[: m.start()] + " " + low[m.end():])
    # another hour beside it is an alternative ("seven or eight"), asked as both
    return all(w in _AROUND_AN_HOUR or w in _HOUR_WORDS for w in re.findall(r"[a-z']+", around))


def _question(options: tuple[str | int, ...]) -> str:
    def say(value: str | int) -> str:
        hh, mm = (int(x) for x in str(value).split(":"))
        suffix = "am" if hh < 12 else "pm"
        hour = hh % 12 or 12
        return f"{hour}{'' if mm == 0 else f':{mm:02d}'} {suffix}"

    return "Do you mean " + " or ".join(say(o) for o in options) + "?"


def parse_time(text: str, ctx: ParseContext | None = None,
               hint: TimeHint = TimeHint.BUSINESS_HOURS) -> ParseResult:
    """A whole reply as one HH:MM time; a bare hour uses the hint, and may be asked."""
    text = without_phones(text, ctx.region if ctx else "AU")
    low = fold(text).strip()
    four = re.fullmatch(r"(?:at\s+)?(\d{1,2})(\d{2})\s*(?:hrs|hours|h)?[.!]?", low)
    if four:  # "0830", "1900 hrs"; three digits ("830") is a clock time read with the hint
        twenty_four = len(four.group(1)) == 2
        hit = _apply(int(four.group(1)), int(four.group(2)), None, hint, twenty_four)
        if hit.error:
            return Rejected(hit.error)
        # "730" for a shift, which runs round the clock, is asked like a bare "7:30"
        return Ambiguous(_question(hit.options), hit.options) if hit.ambiguous else Parsed(
            hit.value)
    hits = scan_times(text, hint, whole=True)
    good = [h for h in hits if not h.error]
    if not good:
        if hits:
            return Rejected(hits[0].error)
        return Rejected("What time? For example \"9am\" or \"2:30pm\".")
    values = tuple(dict.fromkeys(h.value for h in good))
    if len(values) > 1:
        return Ambiguous(_question(values), values)
    if good[0].ambiguous:
        return Ambiguous(_question(good[0].options), good[0].options)
    return Parsed(values[0])


def find_time(text: str, hint: TimeHint = TimeHint.BUSINESS_HOURS) -> Hit | None:
    """The first time with a cue inside a message (may carry options to ask), or None."""
    for hit in scan_times(text, hint):
        if not hit.error:
            return hit
    return None
