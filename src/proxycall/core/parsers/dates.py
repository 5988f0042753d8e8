"""DATE: a calendar day as YYYY-MM-DD, never in the past, from what people type.

Resolved against `ctx.today`, which the caller computes in the conversation's timezone: the
server's clock or UTC date is never used here, so "tomorrow" at 11 pm in Brisbane is the
Brisbane tomorrow as long as the caller passes the Brisbane date.

Grammar (case-insensitive, inside a sentence or alone):
- today, tonight, this morning/arvo/afternoon/evening → today; tomorrow (tmrw, tmr, tomoz,
  2moro and common misspellings) → today + 1; (the) day after tomorrow → today + 2;
  in N days / N days from now → today + N; in a week → + 7; in a fortnight → + 14;
  in N weeks / N weeks from now → + 7N.
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
  - "Friday next week", "next week on Friday" → the Friday of next week (Monday to Sunday);
    "Friday this week" → this week's, refused when it has passed.
  - "last Friday", "yesterday" → refused: they are in the past.
  - Misspelt names are repaired carefully ("thursady", "decemeber"): see date_words.py.
- A whole week or weekend ("this weekend", "the weekend", "next weekend", "next week", "this
  week") is not one day: the person is asked, offered its days not yet past. A day inside it
  named in the same message wins ("next week, on the 3rd").
- "The first Monday in December", "last Friday of January" → that weekday of the first such
  month not yet past.
- Day of month: "the 5th", "5th", "on the 5th" → this month if that day is today or later,
  otherwise the next month that has that day.
- Day and month: "5th of December", "5 Dec", "Dec 5", "December the 5th", numeric day-first
  "5/12" = 5 December, with or without a year ("5/12/26", "5 December 2026"), ISO 2026-12-05.
  Without a year: a day and month that passed within the last two months (62 days) is refused
  ("25/11" typed on 27 November) — a person who types a date that just went by has probably made
  a slip, and quietly booking it a year away would surprise them; so they are asked again. A day
  and month gone longer ago rolls to next year ("5/3" in November is next March). A bare day of
  the month ("the 5th") always rolls forward, to the next month that has it. With an explicit
  year in the past it is refused. Impossible dates (31/2, 30 February) are refused.
- Days with a fixed date: Christmas (Eve), Boxing Day, New Year's (Eve), Australia Day, Anzac
  Day, Valentine's Day → the next one that is not in the past.
- A weekday with a date ("Saturday the 28th") must agree; if not, the person is asked.
- Alternatives are asked: "Monday or Tuesday", and a second day named relative to the first
  ("tomorrow or the day after", "Friday or the next day").
- Not a date: a day relative to another ("the one after today"), a ruled-out one ("not
  tomorrow, Friday" is Friday), and one corrected later ("tomorrow, actually Monday").
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

from proxycall.core.parsers import date_rules as rules
from proxycall.core.parsers._lex import (
    ORDINALS,
    SCAN_CACHE_SIZE,
    Hit,
    fold,
    join_alternatives,
    settle,
)
from proxycall.core.parsers.date_words import AMBIGUOUS_SHORT, MONTHS, WEEKDAYS, repair
from proxycall.core.parsers.result import Ambiguous, ParseContext, Parsed, ParseResult, Rejected

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
        rf"(?:a|one)\s+(?:week|wk)\s+(?:from\s+)?(?:{_TODAY}|{_TOMORROW})|"
        rf"(?:a\s+)?fortnight\s+(?:from\s+)?(?:{_TODAY}|{_TOMORROW}|now)|"
        r"in\s+a\s+(?:week|wk)|a\s+(?:week|wk)\s+from\s+now|in\s+(?:a\s+)?fortnight|"
        r"in\s+(?P<w>\d{1,2}|[a-z]+)\s+(?:weeks?|wks?)|(?P<w2>\d{1,2}|[a-z]+)\s+(?:weeks?|wks?)"
        r"\s+from\s+"
        r"(?:now|today))\b")),
    ("named", re.compile(
        r"\b(?P<named>(?:christmas|xmas|chrissy)\s+eve|(?:christmas|xmas|chrissy)(?:\s+day)?|"
        r"boxing\s+day|new\s+year'?s'?\s+eve|nye|new\s+year'?s'?(?:\s+day)?|"
        r"australia\s+day|anzac\s+day|valentine'?s'?(?:\s+day)?)\b")),
    ("nth", re.compile(  # "the first Monday in December", "last friday of jan"
        rf"\b(?:the\s+)?(?P<nth>first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)\s+"
        rf"(?P<wd>{_WEEKDAY})\s+(?:in|of)\s+(?P<mon>{_MONTH})\b\.?{_YEAR}")),
    ("weekday", re.compile(
        rf"\b(?:(?P<mod>(?:next|this)\s+week(?:\s+on)?|this\s+coming|this\s+upcoming|coming|"
        rf"upcoming|this|next|last|on)\s+)?"
        rf"(?P<wd>{_WEEKDAY})\b(?:\s+(?P<post>week|after\s+next|(?:next|this)\s+week))?")),
    ("span", re.compile(  # a whole weekend or week: asked, offering its days
        r"(?<!long\s)\b(?:(?P<sw>this|next|the|on\s+the|over\s+the)\s+)?weekend\b"
        r"|\b(?P<wk>this|next)\s+(?:week|wk)\b")),
    ("ordinal", re.compile(
        rf"\b(?:(?:the|on)\s+)+(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?|"
        rf"(?P<dw>(?:twenty|thirty)[ -]?{_ORD_WORD}|{_ORD_WORD}))\b"
        # "on 5/1": the day number opens a numeric date, read whole by the "numeric" rule
        r"(?!\s?(?:am|pm|of\s+(?:us|them))\b|:|\s?[/\-.]\s?\d)"
        r"|\b(?P<d3>\d{1,2})(?:st|nd|rd|th)\b")),
)
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


def _resolve(kind: str, match: re.Match[str], today: date) -> Hit | None:
    groups = match.groupdict()
    if kind == "iso":
        return rules.full_date(int(groups["d"]), int(groups["m"]), int(groups["y"]), today)
    if kind == "numeric":
        day = int(groups["d"] or groups["d2"])
        month = int(groups["m"] or groups["m2"])
        year_text = groups["y"] or groups["y2"]
        return rules.full_date(day, month, int(year_text) if year_text else None, today)
    if kind in ("day_month", "month_day"):
        day_value = _ordinal_value(match)
        if day_value is None:
            return None
        year = int(groups["y"]) if groups.get("y") else None
        return rules.full_date(day_value, MONTHS[groups["mon"]], year, today)
    if kind == "relative":
        return rules.relative(match, today, _TODAY, _TOMORROW)
    if kind == "named":
        named = groups["named"]
        month, day = next(md for pattern, md in _NAMED_DAYS if re.match(pattern, named))
        return rules.full_date(day, month, None, today, refuse_recent=False)
    if kind == "nth":
        year = int(groups["y"]) if groups.get("y") else None
        return rules.nth_weekday(groups["nth"], WEEKDAYS[groups["wd"]], MONTHS[groups["mon"]],
                                 year, today)
    if kind == "weekday":
        return rules.weekday(match, today)
    if kind == "span":
        return rules.span(match, today)
    day_value = _ordinal_value(match)
    return rules.day_of_month(day_value, today) if day_value else None


def _plausible(kind: str, match: re.Match[str], low: str) -> bool:
    """Short names that are also words ("sat", "may") count only with a cue or alone."""
    groups = match.groupdict()
    if kind == "nth":
        return True  # "the first sat in may" is a date whatever its short names
    word = groups.get("wd") if kind == "weekday" else groups.get("mon")
    if word not in AMBIGUOUS_SHORT:
        return True
    if kind == "weekday":
        alone = low.strip(" .!?") == match.group(0)
        period = re.match(r"\s+(?:arvo|avo|mornin[g']?|morn|night|nite|afternoon|evening|"
                          r"arvy)(?![\w])", low[match.end():])
        choice = re.search(r"\b(?:or|either|until|till|til|by|for)\s+$", low[:match.start()]) \
            or re.match(r"\s*,?\s*or\s+(?:the\s+)?(?:next|day|following)\b", low[match.end():])
        dated = re.match(r"\s+(?:the\s+)?\d", low[match.end():])  # "sat the 28th"
        return bool(groups.get("mod") or groups.get("post")) or alone or period is not None \
            or choice is not None \
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
    return list(_scan_dates(text, ctx.today))


@lru_cache(maxsize=SCAN_CACHE_SIZE)  # pure in the text and the date (never the time of day)
def _scan_dates(text: str, today: date) -> tuple[Hit, ...]:
    low, origin = repair(fold(text))
    raw: list[Hit] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(low):
            if not _plausible(kind, match, low):
                continue
            if kind in ("relative", "weekday", "span") and _RELATIVE_TO.search(
                    low[:match.start()]):
                continue
            hit = _resolve(kind, match, today)
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
    kept = _merge_weekday_with_date(_with_day_beside(kept, low, today), low)
    hits = join_alternatives(low, _narrow(settle(low, kept)))
    if origin is None:
        return tuple(hits)
    return tuple(Hit(h.value, origin[h.start], origin[max(h.end - 1, h.start)] + 1, h.options,
                     h.error) for h in hits)


def _with_day_beside(hits: list[Hit], low: str, today: date) -> list[Hit]:
    """"Tomorrow or the day after": the second day is read relative to the first."""
    out: list[Hit] = []
    for index, hit in enumerate(hits):
        out.append(hit)
        match = rules.NEXT_DAY.match(low, hit.end)
        if match is None or hit.error or hit.ambiguous:
            continue
        later = hits[index + 1] if index + 1 < len(hits) else None
        if later is not None and later.start < match.end():
            continue  # "or the day after tomorrow" is read by the grammar itself
        beside = rules.day_beside(hit, match, today)
        if beside is not None:
            out.append(beside)
    return out


def _narrow(hits: list[Hit]) -> list[Hit]:
    """"Next week, on the 3rd": a question between days gives way to one of its days named."""
    exact = {h.value for h in hits if not h.error and not h.ambiguous}
    return [h for h in hits if not (h.ambiguous and exact & set(h.options))]


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
    if len(unique) > 2:  # a week: name its ends
        return Ambiguous(f"Which day do you mean, from {_describe(unique[0])} to "
                         f"{_describe(unique[-1])}?", unique)
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
            hit = rules.day_of_month(int(bare.group(1)), ctx.today)
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
