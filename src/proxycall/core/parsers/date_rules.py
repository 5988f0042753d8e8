"""How DATE turns a recognised expression into a day (or a question); see dates.py for the rules.

Each function takes what the grammar matched and today's date in the person's timezone and
returns a `Hit` whose value is an ISO date, whose options are the days to ask between, or whose
error says why the day cannot be used. Spans are filled in by the caller.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from proxycall.core.parsers._lex import UNITS, Hit, words_value
from proxycall.core.parsers.date_words import WEEKDAYS

PAST = "That day has already passed — which day do you mean?"
RECENT_PAST_DAYS = 62  # an explicit day and month this recently gone is asked, not rolled on


def full_date(day: int, month: int, year: int | None, today: date,
              refuse_recent: bool = True) -> Hit:
    """A day and month (and maybe year) → the first such day that is not in the past.

    Without a year, a day that passed within the last two months is refused (a person who types
    a date that just went by has probably made a mistake); one gone longer ago rolls to next year.
    """
    if year is not None:
        year = year + 2000 if year < 100 else year
        try:
            when = date(year, month, day)
        except ValueError:
            return impossible(day, month)
        return hit(when) if when >= today else Hit("", 0, 0, error=PAST)
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return impossible(day, month)
    if refuse_recent and _just_passed(day, month, today):
        return Hit("", 0, 0, error=f"{day} {calendar.month_name[month]} has already passed "
                                   "— which day do you mean?")
    return _next_such_day(day, month, today)


def _just_passed(day: int, month: int, today: date) -> bool:
    """True when this day and month went by this year, within the last two months."""
    try:
        this_year = date(today.year, month, day)
    except ValueError:
        return False
    return 0 < (today - this_year).days <= RECENT_PAST_DAYS


def _next_such_day(day: int, month: int, today: date) -> Hit:
    """The first day and month from today on (29 February waits for a leap year)."""
    for offset in range(0, 9):
        try:
            when = date(today.year + offset, month, day)
        except ValueError:
            if day > calendar.monthrange(2024, month)[1]:
                return impossible(day, month)
            continue  # 29 February in a non-leap year
        if when >= today:
            return hit(when)
    return impossible(day, month)


def impossible(day: int, month: int) -> Hit:
    """Why a day and month cannot be a date ("November doesn't have a 31st")."""
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


def hit(when: date, *others: date) -> Hit:
    """A day, or several to ask between."""
    options = tuple(d.isoformat() for d in (when, *others)) if others else ()
    return Hit(when.isoformat(), 0, 0, options=options)


def day_of_month(day: int, today: date) -> Hit:
    """"The 5th": this month if not yet past, else the next month that has that day."""
    if not 1 <= day <= 31:
        return Hit("", 0, 0, error="Which day of the month do you mean?")
    year, month = today.year, today.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1]:
            when = date(year, month, day)
            if when >= today:
                return hit(when)
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


def relative(match: re.Match[str], today: date, today_words: str, tomorrow_words: str) -> Hit:
    """A date relative to today: tomorrow, in N days or weeks, a fortnight.

    Today, tomorrow, the day after tomorrow, in N days or weeks, a fortnight; "a week
    today" / "a fortnight tomorrow" count from the day named last.
    """
    rel = re.sub(r"\s+", " ", match.group("rel"))
    if rel == "yesterday":
        return Hit("", 0, 0, error=PAST)
    if re.fullmatch(today_words, rel) or rel.startswith(("tonight", "tonite", "this ")):
        return hit(today)
    if "after" in rel or rel == "overmorrow":
        return hit(today + timedelta(days=2))
    span = re.match(r"(?:in )?(?:a |one )?(?P<unit>week|wk|fortnight)\b(?: from)?"
                    r"(?: (?P<base>.+))?", rel)
    if span is not None:
        base = today + timedelta(days=1 if re.fullmatch(tomorrow_words, span["base"] or "")
                                 else 0)
        return hit(base + timedelta(days=14 if span["unit"] == "fortnight" else 7))
    weeks = match.group("w") or match.group("w2")
    if weeks:
        count = _count(weeks)
        if count is None or count > 52:
            return Hit("", 0, 0, error="In how many weeks?")
        return hit(today + timedelta(days=7 * count))
    if "day" in rel:
        count = _count(match.group("n") or match.group("n2"))
        if count is None or count > 366:
            return Hit("", 0, 0, error="In how many days?")
        return hit(today + timedelta(days=count))
    return hit(today + timedelta(days=1))


_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
        "fifth": 5, "5th": 5, "last": -1}


def nth_weekday(nth: str, target: int, month: int, year: int | None, today: date) -> Hit:
    """"The first Monday in December": that day in the first such month not yet past."""
    years = [year + 2000 if year < 100 else year] if year is not None else \
        [today.year, today.year + 1]
    index = _NTH[nth]
    error = PAST
    for when_year in years:
        days = [d for d in calendar.Calendar().itermonthdates(when_year, month)
                if d.month == month and d.weekday() == target]
        if index > len(days):
            error = (f"There isn't a {nth} {calendar.day_name[target]} in "
                     f"{calendar.month_name[month]} — which day do you mean?")
            continue
        when = days[index - 1] if index > 0 else days[-1]
        if when >= today:
            return hit(when)
    return Hit("", 0, 0, error=error)


def _monday(today: date, weeks_ahead: int) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(days=7 * weeks_ahead)


def weekday(match: re.Match[str], today: date) -> Hit:
    """Resolve a weekday with its modifier; see dates.py for the rules."""
    mod = re.sub(r"\s+", " ", match.group("mod") or "")
    post = re.sub(r"\s+", " ", match.group("post") or "")
    target = WEEKDAYS[match.group("wd")]
    ahead = (target - today.weekday()) % 7
    coming = today + timedelta(days=ahead)
    if mod == "last":
        return Hit("", 0, 0, error=PAST)
    week = mod if mod.startswith(("next week", "this week")) else (
        post if post in ("next week", "this week") else "")
    if week:  # "wed next week", "this week on friday": that day in that Monday-Sunday week
        when = _monday(today, 1 if week.startswith("next") else 0) + timedelta(days=target)
        return hit(when) if when >= today else Hit("", 0, 0, error=PAST)
    if post == "week":  # "Friday week": a week after the coming Friday
        return hit(coming + timedelta(days=7))
    if post:  # "Friday after next": a week after the next Friday strictly after today
        return hit(today + timedelta(days=(ahead or 7) + 7))
    if mod in ("this coming", "this upcoming", "coming", "upcoming"):
        return hit(today + timedelta(days=ahead or 7))
    if mod != "next":
        return hit(coming)
    if ahead == 0:
        return hit(today + timedelta(days=7))
    if coming.weekday() > today.weekday():  # the coming one is still in this week
        return hit(coming, coming + timedelta(days=7))
    return hit(coming)


def span(match: re.Match[str], today: date) -> Hit:
    """The days a span covers, not yet past, to ask between ("this weekend", "next week")."""
    groups = match.groupdict()
    later = (groups.get("sw") or groups.get("wk") or "") == "next"
    monday = _monday(today, 1 if later else 0)
    first = 5 if groups.get("wk") is None else 0  # a weekend is Saturday and Sunday
    days = [monday + timedelta(days=offset) for offset in range(first, 7)]
    days = [day for day in days if day >= today]  # never empty: this week runs to Sunday
    return hit(days[0], *days[1:])


# "tomorrow or the day after": the second day is named relative to the first
NEXT_DAY = re.compile(
    r"\s*,?\s*or\s+(?:maybe\s+|perhaps\s+|possibly\s+)?(?P<rel>(?:the\s+)?(?:day\s+after|next\s+day|"
    r"following\s+day|day\s+before))\b(?!\s+(?:that|tomorrow|\d))"
)


def day_beside(first: Hit, match: re.Match[str], today: date) -> Hit | None:
    """The day after (or before) a clear day, as its own hit at the phrase's span."""
    when = date.fromisoformat(str(first.value)) + timedelta(
        days=-1 if "before" in match.group("rel") else 1)
    if when < today:
        return None
    return Hit(when.isoformat(), match.start("rel"), match.end("rel"))
