"""DATE: a calendar day as YYYY-MM-DD, never in the past, from what people type.

Resolved against `ctx.today`, which the caller computes in the conversation's timezone: the
server's clock or UTC date is never used here, so "tomorrow" at 11 pm in Brisbane is the
Brisbane tomorrow as long as the caller passes the Brisbane date.

Grammar (case-insensitive, inside a sentence or alone):
- today, tonight, this morning/arvo/afternoon/evening → today; tomorrow (tmrw, tmr, tomoz,
  2moro and common misspellings) → today + 1; (the) day after tomorrow → today + 2;
  in N days / N days from now → today + N; in a week → + 7; in a fortnight → + 14.
- Weekdays (full or short names, with or without "on"):
  - "Friday", "on Friday", "this Friday" → the coming Friday: today when today is Friday.
  - "this coming Friday", "coming Friday" → the next Friday strictly after today.
  - "next Friday" → the Friday of next week (weeks run Monday to Sunday). When the coming
    Friday is still in this week, people also use "next Friday" for it, so that case is
    Ambiguous between the coming Friday and the one a week later; when the coming Friday is
    already in next week (e.g. "next Monday" said on a Wednesday), there is one reading.
    On the weekday itself ("next Friday" on a Friday) it is a week away.
  - "Friday week" → a week after the coming Friday (today counts as the coming one);
    "Friday after next" → a week after the next Friday strictly after today.
  - "last Friday", "yesterday" → refused: they are in the past.
- Day of month: "the 5th", "5th", "on the 5th" → this month if that day is today or later,
  otherwise the next month that has that day.
- Day and month: "5th of December", "5 Dec", "Dec 5", "December the 5th", numeric day-first
  "5/12" = 5 December, with or without a year ("5/12/26", "5 December 2026"), ISO 2026-12-05.
  Without a year, a day already past this year rolls to next year; with an explicit year in the
  past it is refused. Impossible dates (31/2, 30 February) are refused.
- Days with a fixed date: Christmas (Eve), Boxing Day, New Year's (Eve), Australia Day, Anzac
  Day, Valentine's Day → the next one that is not in the past.
- A weekday with a date ("Saturday the 28th") must agree; if not, the person is asked.
- Not a date: a day relative to another ("the one after today"), a ruled-out one ("not
  tomorrow, Friday" is Friday), and one corrected later ("tomorrow, actually Monday").
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from proxycall.core.parsers._lex import (
    ORDINALS,
    UNITS,
    Hit,
    fold,
    join_alternatives,
    settle,
    words_value,
)
from proxycall.core.parsers.result import Ambiguous, ParseContext, Parsed, ParseResult, Rejected

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "tuseday": 1, "wednesday": 2,
    "wed": 2, "weds": 2, "wednsday": 2, "wensday": 2, "wendsday": 2, "thursday": 3, "thurs": 3,
    "thur": 3, "thu": 3, "thursay": 3, "thurday": 3, "friday": 4, "fri": 4, "firday": 4,
    "fryday": 4, "saturday": 5, "sat": 5, "saterday": 5, "satuday": 5, "sunday": 6, "sun": 6,
}
_AMBIGUOUS_SHORT = {"sat", "sun", "wed", "mar", "may"}  # also ordinary words
_TOMORROW = (r"(?:tomorrow|tomorow|tommorow|tommorrow|tomorrrow|tmrw|tmrow|tmr|tomoz|2moro|"
             r"2morrow|2mrw|tmw|tomo)")
_TODAY = r"(?:today|2day|tday|tdy|todai)"
_WEEKDAY = "(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + ")"
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_ORD_WORD = "(?:" + "|".join(sorted(ORDINALS, key=len, reverse=True)) + ")"
_DAYNUM = (rf"(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
           rf"|(?P<dw>(?:twenty|thirty)[ -]?{_ORD_WORD}|{_ORD_WORD}))")
_YEAR = r"(?:,?\s*(?P<y>\d{4}))?"
# "may 2 people come", "mar 3 kids": a count after a month-like word, not a day of the month
_COUNTED = (r"\s+(?:people|persons|guests|of\b|kids|more|or\b|minutes|mins|hours|hrs|days|"
            r"weeks|units|items|boxes|packs)")
# "the one after today", "sometime before friday": relative to a day, not that day
_RELATIVE_TO = re.compile(r"\b(?:after|before|since|other than|except|besides|apart from)\s+"
                          r"(?:the\s+|this\s+|next\s+)?$")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    ("numeric", re.compile(
        r"(?<![\d:.$])(?P<d>\d{1,2})\s?(?P<sep>[/\-])\s?(?P<m>\d{1,2})"
        r"(?:(?P=sep)(?P<y>\d{4}|\d{2}))?(?![\d:/]|\s?(?:am|pm)\b)"
        r"|(?<![\d:.$])(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>\d{4}|\d{2})(?![\d.])")),
    ("day_month", re.compile(
        rf"\b(?:the\s+)?{_DAYNUM}(?:\s+of)?\s+(?P<mon>{_MONTH})\b\.?{_YEAR}")),
    ("month_day", re.compile(
        rf"\b(?P<mon>{_MONTH})\.?\s+(?:the\s+)?{_DAYNUM}(?![\d:]|\s?(?:am|pm)\b|{_COUNTED})"
        rf"{_YEAR}\b")),
    ("relative", re.compile(
        rf"\b(?P<rel>(?:the\s+)?day\s+after\s+{_TOMORROW}|overmorrow|{_TOMORROW}|{_TODAY}|tonight|"
        r"tonite|this\s+(?:morning|arvo|afternoon|evening)|yesterday|"
        r"in\s+(?P<n>\d{1,2}|[a-z]+)\s+days?|(?P<n2>\d{1,2}|[a-z]+)\s+days?\s+from\s+(?:now|today)|"
        r"in\s+a\s+week|a\s+week\s+from\s+(?:today|now)|in\s+(?:a\s+)?fortnight)\b")),
    ("named", re.compile(
        r"\b(?P<named>(?:christmas|xmas|chrissy)\s+eve|(?:christmas|xmas|chrissy)(?:\s+day)?|"
        r"boxing\s+day|new\s+year'?s'?\s+eve|nye|new\s+year'?s'?(?:\s+day)?|"
        r"australia\s+day|anzac\s+day|valentine'?s'?(?:\s+day)?)\b")),
    ("weekday", re.compile(
        rf"\b(?:(?P<mod>this\s+coming|this\s+upcoming|coming|upcoming|this|next|last|on)\s+)?"
        rf"(?P<wd>{_WEEKDAY})\b(?:\s+(?P<post>week|after\s+next))?")),
    ("ordinal", re.compile(
        rf"\b(?:(?:the|on)\s+)+(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?|"
        rf"(?P<dw>(?:twenty|thirty)[ -]?{_ORD_WORD}|{_ORD_WORD}))\b"
        r"(?!\s?(?:am|pm|of\s+(?:us|them))\b|:)"
        r"|\b(?P<d3>\d{1,2})(?:st|nd|rd|th)\b")),
)
_PAST = "That day has already passed — which day do you mean?"
# Days with a fixed date, as (month, day), keyed by their first word(s).
_NAMED_DAYS: tuple[tuple[str, tuple[int, int]], ...] = (
    (r"(?:christmas|xmas|chrissy)\s+eve", (12, 24)), (r"(?:christmas|xmas|chrissy)", (12, 25)),
    (r"boxing", (12, 26)), (r"new\s+year'?s'?\s+eve|nye", (12, 31)), (r"new\s+year", (1, 1)),
    (r"australia", (1, 26)), (r"anzac", (4, 25)), (r"valentine", (2, 14)),
)


def _ordinal_value(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    digits = groups.get("d") or groups.get("d2") or groups.get("d3")
    if digits:
        return int(digits)
    word = groups.get("dw")
    if not word:
        return None
    parts = re.split(r"[ -]", word.replace("twenty", "twenty ").replace("thirty", "thirty "))
    parts = [p for p in parts if p]
    total = 0
    for part in parts:
        total += {"twenty": 20, "thirty": 30}.get(part, ORDINALS.get(part, 0))
    return total or None


def _full_date(day: int, month: int, year: int | None, today: date) -> Hit:
    """A day and month (and maybe year) → the first such day that is not in the past."""
    if year is not None:
        year = year + 2000 if year < 100 else year
        try:
            when = date(year, month, day)
        except ValueError:
            return _impossible(day, month)
        return _hit(when) if when >= today else Hit("", 0, 0, error=_PAST)
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return _impossible(day, month)
    for offset in range(0, 9):
        try:
            when = date(today.year + offset, month, day)
        except ValueError:
            if day > calendar.monthrange(2024, month)[1]:
                return _impossible(day, month)
            continue  # 29 February in a non-leap year
        if when >= today:
            return _hit(when)
    return _impossible(day, month)


def _impossible(day: int, month: int) -> Hit:
    if 1 <= month <= 12:
        name = calendar.month_name[month]
        reason = f"{name} doesn't have a {day}{_suffix(day)} — which day do you mean?"
    else:
        reason = "I read dates day first, like 5/12 for 5 December — which day do you mean?"
    return Hit("", 0, 0, error=reason)


def _suffix(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _hit(when: date, *others: date) -> Hit:
    options = tuple(d.isoformat() for d in (when, *others)) if others else ()
    return Hit(when.isoformat(), 0, 0, options=options)


def _day_of_month(day: int, today: date) -> Hit:
    if not 1 <= day <= 31:
        return Hit("", 0, 0, error="Which day of the month do you mean?")
    year, month = today.year, today.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1]:
            when = date(year, month, day)
            if when >= today:
                return _hit(when)
        month = month % 12 + 1
        year += month == 1
    return Hit("", 0, 0, error="Which day of the month do you mean?")


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    if text in ("a", "one"):
        return 1
    return UNITS.get(text) or words_value(text)


def _relative(match: re.Match[str], today: date) -> Hit:
    rel = re.sub(r"\s+", " ", match.group("rel"))
    if rel == "yesterday":
        return Hit("", 0, 0, error=_PAST)
    if re.fullmatch(_TODAY, rel) or rel.startswith(("tonight", "tonite", "this ")):
        return _hit(today)
    if "after" in rel or rel == "overmorrow":
        return _hit(today + timedelta(days=2))
    if "fortnight" in rel:
        return _hit(today + timedelta(days=14))
    if "week" in rel:
        return _hit(today + timedelta(days=7))
    if "day" in rel:
        count = _count(match.group("n") or match.group("n2"))
        if count is None or count > 366:
            return Hit("", 0, 0, error="In how many days?")
        return _hit(today + timedelta(days=count))
    return _hit(today + timedelta(days=1))


def _weekday(match: re.Match[str], today: date) -> Hit:
    """Resolve a weekday with its modifier; see the module docstring for the rules."""
    mod = re.sub(r"\s+", " ", match.group("mod") or "")
    post = match.group("post") or ""
    target = WEEKDAYS[match.group("wd")]
    ahead = (target - today.weekday()) % 7
    coming = today + timedelta(days=ahead)
    if mod == "last":
        return Hit("", 0, 0, error=_PAST)
    if post == "week":  # "Friday week": a week after the coming Friday
        return _hit(coming + timedelta(days=7))
    if post:  # "Friday after next": a week after the next Friday strictly after today
        return _hit(today + timedelta(days=(ahead or 7) + 7))
    if mod in ("this coming", "this upcoming", "coming", "upcoming"):
        return _hit(today + timedelta(days=ahead or 7))
    if mod != "next":
        return _hit(coming)
    if ahead == 0:
        return _hit(today + timedelta(days=7))
    if coming.weekday() > today.weekday():  # the coming one is still in this week
        return _hit(coming, coming + timedelta(days=7))
    return _hit(coming)


def _resolve(kind: str, match: re.Match[str], today: date) -> Hit | None:
    groups = match.groupdict()
    if kind == "iso":
        return _full_date(int(groups["d"]), int(groups["m"]), int(groups["y"]), today)
    if kind == "numeric":
        day = int(groups["d"] or groups["d2"])
        month = int(groups["m"] or groups["m2"])
        year_text = groups["y"] or groups["y2"]
        return _full_date(day, month, int(year_text) if year_text else None, today)
    if kind in ("day_month", "month_day"):
        day_value = _ordinal_value(match)
        if day_value is None:
            return None
        year = int(groups["y"]) if groups.get("y") else None
        return _full_date(day_value, MONTHS[groups["mon"]], year, today)
    if kind == "relative":
        return _relative(match, today)
    if kind == "named":
        named = groups["named"]
        month, day = next(md for pattern, md in _NAMED_DAYS if re.match(pattern, named))
        return _full_date(day, month, None, today)
    if kind == "weekday":
        return _weekday(match, today)
    day_value = _ordinal_value(match)
    return _day_of_month(day_value, today) if day_value else None


def _plausible(kind: str, match: re.Match[str], low: str) -> bool:
    """Short names that are also words ("sat", "may") count only with a cue or alone."""
    groups = match.groupdict()
    word = groups.get("wd") if kind == "weekday" else groups.get("mon")
    if word not in _AMBIGUOUS_SHORT:
        return True
    if kind == "weekday":
        alone = low.strip(" .!?") == match.group(0)
        period = re.match(r"\s+(?:arvo|morning|night|afternoon|evening)\b", low[match.end():])
        choice = re.search(r"\b(?:or|either|until|till|til|by)\s+$", low[:match.start()])
        dated = re.match(r"\s+(?:the\s+)?\d", low[match.end():])  # "sat the 28th"
        return bool(groups.get("mod")) or alone or period is not None or choice is not None \
            or dated is not None or _only_days(low)
    return True if word != "may" else bool(groups.get("d") or groups.get("dw"))


_DAY_TALK = frozenset(re.findall(r"\S+", """
not no or either sorry actually i think reckon maybe probably on this next the arvo morning night
afternoon evening please pls thanks ta mate it's its is it and yeah yep ok okay um wait make that
"""))


def _only_days(low: str) -> bool:
    """A reply made only of day names and small talk ("not sat, sun", "sat i think")."""
    words = re.findall(r"[a-z']+", low)
    return bool(words) and all(w in WEEKDAYS or w in _DAY_TALK for w in words)


def scan_dates(text: str, ctx: ParseContext) -> list[Hit]:
    """Every date expression in a message, resolved, with spans; overlaps keep the longer one."""
    low = fold(text)
    raw: list[Hit] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(low):
            if not _plausible(kind, match, low):
                continue
            if kind in ("relative", "weekday") and _RELATIVE_TO.search(low[:match.start()]):
                continue
            hit = _resolve(kind, match, ctx.today)
            if hit is not None:
                raw.append(Hit(hit.value, match.start(), match.end(), hit.options, hit.error))
    raw.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in raw:
        if kept and hit.start < kept[-1].end:
            if hit.end - hit.start > kept[-1].end - kept[-1].start:
                kept[-1] = hit
            continue
        kept.append(hit)
    return join_alternatives(low, settle(low, _merge_weekday_with_date(kept, low)))


def _merge_weekday_with_date(hits: list[Hit], low: str) -> list[Hit]:
    """"Saturday the 28th": one date, checked against the weekday; a mismatch is asked."""
    out: list[Hit] = []
    for hit in hits:
        prev = out[-1] if out else None
        joined = prev is not None and re.fullmatch(r"[\s,]*(?:the\s*)?", low[prev.end:hit.start])
        if prev is None or not joined or prev.error or hit.error:
            out.append(hit)
            continue
        first_word = re.match(r"\s*(?:on\s+|this\s+|next\s+)?([a-z]+)", low[prev.start:prev.end])
        named = WEEKDAYS.get(first_word.group(1)) if first_word else None
        second = re.match(r"\s*(?:on\s+|this\s+|next\s+)?([a-z]+)", low[hit.start:hit.end])
        if second is not None and second.group(1) in WEEKDAYS:
            named = None  # "sat, sun" is two days, not "Saturday the 28th"
        if named is None or hit.ambiguous:
            out.append(hit)
            continue
        exact = date.fromisoformat(str(hit.value))
        merged_options: tuple[str | int, ...] = ()
        if exact.weekday() != named:
            merged_options = (hit.value, *(prev.options or (prev.value,)))
        out[-1] = Hit(hit.value, prev.start, hit.end, merged_options)
    return out


def _describe(iso: str | int) -> str:
    when = date.fromisoformat(str(iso))
    return f"{calendar.day_name[when.weekday()]} {when.day} {calendar.month_name[when.month]}"


def _ambiguous(options: tuple[str | int, ...]) -> Ambiguous:
    unique = tuple(dict.fromkeys(options))
    names = " or ".join(_describe(o) for o in unique)
    return Ambiguous(f"Do you mean {names}?", unique)


def parse_date(text: str, ctx: ParseContext) -> ParseResult:
    """A whole reply as one date (YYYY-MM-DD) on or after ctx.today, or why not."""
    hits = scan_dates(text, ctx)
    good = [h for h in hits if not h.error]
    if not good:
        if hits:
            return Rejected(hits[0].error)
        bare = re.fullmatch(r"\s*(?:the\s+)?(\d{1,2})\s*[.!?]?\s*", fold(text))
        if bare:
            hit = _day_of_month(int(bare.group(1)), ctx.today)
            return Rejected(hit.error) if hit.error else Parsed(hit.value)
        return Rejected(_unreadable(fold(text)))
    values = tuple(dict.fromkeys(h.value for h in good))
    if len(values) > 1:
        return _ambiguous(values)
    if good[0].ambiguous:
        return _ambiguous(good[0].options)
    return Parsed(values[0])


def _unreadable(low: str) -> str:
    if "weekend" in low:
        return "Which day — Saturday or Sunday?"
    if "week" in low or "month" in low:
        return "Which day exactly? For example \"Monday\" or \"the 12th\"."
    return "I couldn't work out the day. Try \"tomorrow\", \"Friday\" or \"5 December\"."


def find_date(text: str, ctx: ParseContext) -> Hit | None:
    """The first clear (unambiguous, not past) date inside a message, with its span, or None."""
    for hit in scan_dates(text, ctx):
        if not hit.error and not hit.ambiguous:
            return hit
    return None
