"""Dates and times typed the way people say them at the front desk.

``parse_when("tue 3pm")`` returns a naive ``datetime`` of the studio's wall
clock (its time zone, not the computer's; see clock.py) or raises ``ValidationError``
with examples of what works. The Scheduling Wizard must always show the
result back with ``describe()`` before it is taken: typed dates are
ambiguous by nature.

What is understood (``now`` is a parameter so tests can fix the clock):

- a time alone: ``3pm``, ``3:30pm``, ``15:30``, ``noon`` -> today at that time;
- a day: ``today``, ``tomorrow``, ``yesterday``, ``tue`` / ``tuesday``,
  ``next fri``, ``this fri``, ``12/3``, ``12/3/25``, ``2025-12-03``,
  ``dec 3``, ``3 dec 2025``, ``december 3rd``; with a time before or after it
  (``tomorrow 9``, ``next fri 2:30pm``, ``10:30 12/3``; ``at`` / ``@`` are ignored);
- an offset: ``+2w``, ``+3d``, ``+1mo``, ``+2h``, ``+45min``, ``in 2 weeks``,
  ``next week``; back in time: ``-1d``, ``-2w``, ``3 days ago``, ``last week``,
  ``last month``.

Rules, kept deliberately simple so a receptionist can predict them:

- Dates are US style, month first: ``12/3`` is December 3rd.
- A date without a year is this year, or next year when it is more than 30 days
  in the past (``1/5`` typed in December means next January).
- A weekday is the next such day from today; today itself only when the time
  given is still ahead. ``next fri`` is the Friday of NEXT week (Monday-based
  weeks); ``this fri`` is the Friday of this week; ``last fri`` is the Friday of
  LAST week.
- An hour without am/pm is read in studio hours: 1 to 7 are afternoon
  (``today 4`` is 4 PM, ``4:30`` is 4:30 PM), 8 to 12 are morning/noon,
  0 and 13 to 23 are 24-hour time. Type ``7am`` for an early start.
- A day without a time takes ``default_time`` when given, else the time of ``now``
  (so ``+2w`` is "two weeks from now, same time").
- Seconds are dropped.
"""

import datetime as dt
import re
from typing import Any

from dateutil.relativedelta import relativedelta

from .errors import ValidationError

EXAMPLES = "'tue 3pm', '12/3 10:30', 'tomorrow 9', '+2w', 'next fri 2:30pm', 'today 4' or '3pm'"
DAY_EXAMPLES = "'tue', '12/3', 'tomorrow', '+2w', 'next fri', '-1d' or 'last fri'"
PAST_YEAR_GRACE_DAYS = 30

WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "weds": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
RELATIVE_DAYS = {"today": 0, "tod": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "tom": 1, "yesterday": -1}
UNITS = {
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "mo": "months",
    "mos": "months",
    "month": "months",
    "months": "months",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
}
FILLERS = {"at", "@", "on", "the", "of"}
WEEK_STEPS = {"last": -1, "this": 0, "next": 1}  # "last fri": the Friday of last week

_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?(am|pm|a|p)?$")
_MDY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_OFFSET_RE = re.compile(r"^([+-])(\d{1,3})([a-z]+)$")
_ORDINAL_RE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")


def _fail(text: str) -> ValidationError:
    return ValidationError(f"I could not read '{text}' as a date and time. Try {EXAMPLES}.", "start")


def _normalize(text: str) -> list[str]:
    text = (text or "").strip().lower()
    text = text.replace("a.m.", "am").replace("p.m.", "pm").replace(",", " ")
    text = re.sub(r"(?<=\d)\s+(am|pm|a|p)\b", r"\1", text)  # "3 pm" -> "3pm"
    text = re.sub(r"(?<![\w-])([+-])\s+(?=\d)", r"\1", text)  # "+ 2w" -> "+2w", "- 1d" -> "-1d"
    text = re.sub(r"(?<![\w-])([+-]\d+)\s+(?=[a-z])", r"\1", text)  # "+2 weeks" -> "+2weeks"
    text = re.sub(r"^(\d{4}-\d{1,2}-\d{1,2})t(?=\d)", r"\1 ", text)  # ISO 2025-12-03t10:30
    return [t for t in text.split() if t not in FILLERS]


# ---------------------------------------------------------------- pieces


def _parse_time(tokens: list[str]) -> tuple[dt.time, int] | None:
    """A time at the start of ``tokens``: (time, tokens used) or None."""
    if not tokens:
        return None
    word = tokens[0]
    if word in ("noon", "midday"):
        return dt.time(12, 0), 1
    if word == "midnight":
        return dt.time(0, 0), 1
    match = _TIME_RE.match(word)
    if not match:
        return None
    hour, minute, meridian = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if minute > 59:
        return None
    if meridian:
        if not 1 <= hour <= 12:
            return None
        if meridian.startswith("p") and hour != 12:
            hour += 12
        elif meridian.startswith("a") and hour == 12:
            hour = 0
    elif 1 <= hour <= 7:
        hour += 12  # without am/pm, "4" or "4:30" at a studio is the afternoon
    if hour > 23:
        return None
    return dt.time(hour, minute), 1


def _year_for(month: int, day: int, today: dt.date) -> int:
    year = today.year
    try:
        candidate = dt.date(year, month, day)
    except ValueError:
        return year + 1 if month == 2 and day == 29 else year
    if (today - candidate).days > PAST_YEAR_GRACE_DAYS:
        year += 1
    return year


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_day(tokens: list[str], today: dt.date) -> tuple[dt.date, int] | None:
    """'dec 3 [2025]' or '3 dec [2025]'."""
    if len(tokens) >= 2 and tokens[0] in MONTHS and (ordinal := _ORDINAL_RE.match(tokens[1])):
        month, day, used = MONTHS[tokens[0]], int(ordinal.group(1)), 2
    elif len(tokens) >= 2 and (ordinal := _ORDINAL_RE.match(tokens[0])) and tokens[1] in MONTHS:
        month, day, used = MONTHS[tokens[1]], int(ordinal.group(1)), 2
    else:
        return None
    year = None
    if len(tokens) > used and re.fullmatch(r"\d{4}", tokens[used]):
        year, used = int(tokens[used]), used + 1
    date = _make_date(year or _year_for(month, day, today), month, day)
    return (date, used) if date else None


def _offset(unit: str, count: int) -> relativedelta:
    """``count`` of ``unit`` (a value of UNITS: "days", "hours"...) as an offset from now."""
    keyword: dict[str, Any] = {unit: count}  # the argument's name is known only at run time
    return relativedelta(**keyword)


class _Date:
    """A parsed day: either a fixed date, a weekday to resolve against the
    time, or an offset from now (which keeps the current time)."""

    def __init__(
        self,
        date: dt.date | None = None,
        weekday: int | None = None,
        offset: relativedelta | None = None,
        keeps_time: bool = False,
    ):
        self.date, self.weekday, self.offset, self.keeps_time = date, weekday, offset, keeps_time


def _parse_date(tokens: list[str], today: dt.date) -> tuple[_Date, int] | None:
    """A day (or an offset) at the start of ``tokens``: (day, tokens used) or None."""
    if not tokens:
        return None
    word = tokens[0]
    if word in RELATIVE_DAYS:
        return _Date(today + dt.timedelta(days=RELATIVE_DAYS[word])), 1
    if word == "now":
        return _Date(offset=relativedelta(), keeps_time=True), 1
    if word in WEEK_STEPS and len(tokens) >= 2:
        step = WEEK_STEPS[word]
        if tokens[1] in WEEKDAYS:
            monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=step)
            return _Date(monday + dt.timedelta(days=WEEKDAYS[tokens[1]])), 2
        if step and tokens[1] in ("week", "wk"):
            return _Date(offset=relativedelta(weeks=step), keeps_time=True), 2
        if step and tokens[1] == "month":
            return _Date(offset=relativedelta(months=step), keeps_time=True), 2
    if word in WEEKDAYS:
        return _Date(weekday=WEEKDAYS[word]), 1
    match = _OFFSET_RE.match(word)
    if match and match.group(3) in UNITS:
        count = int(match.group(2)) * (-1 if match.group(1) == "-" else 1)
        return _Date(offset=_offset(UNITS[match.group(3)], count), keeps_time=True), 1
    if word == "in" and len(tokens) >= 3 and tokens[1].isdigit() and tokens[2] in UNITS:
        return _Date(offset=_offset(UNITS[tokens[2]], int(tokens[1])), keeps_time=True), 3
    if len(tokens) >= 3 and word.isdigit() and tokens[1] in UNITS and tokens[2] == "ago":
        return _Date(offset=_offset(UNITS[tokens[1]], -int(word)), keeps_time=True), 3
    match = _MDY_RE.match(word)
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        year_text = match.group(3)
        if year_text:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        else:
            year = _year_for(month, day, today)
        date = _make_date(year, month, day)
        return (_Date(date), 1) if date else None
    match = _ISO_RE.match(word)
    if match:
        date = _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return (_Date(date), 1) if date else None
    found = _month_day(tokens, today)
    if found:
        return _Date(found[0]), found[1]
    return None


def _resolve(day: _Date, time: dt.time | None, now: dt.datetime, default_time: dt.time | None) -> dt.datetime:
    if day.offset is not None:
        moved = now + day.offset
        if time is not None:
            return dt.datetime.combine(moved.date(), time)
        return moved
    if day.weekday is not None:
        today = now.date()
        date = today + dt.timedelta(days=(day.weekday - today.weekday()) % 7)
        chosen = time or default_time or now.time()
        if date == today and time is not None and dt.datetime.combine(date, chosen) <= now:
            date += dt.timedelta(days=7)
        return dt.datetime.combine(date, chosen)
    assert day.date is not None  # neither an offset nor a weekday: a date
    return dt.datetime.combine(day.date, time or default_time or now.time())


# ---------------------------------------------------------------- public


def parse_when(text: str, now: dt.datetime | None = None, default_time: dt.time | None = None) -> dt.datetime:
    """The date and time meant by ``text`` (see the module docstring), to the minute.

    ``now`` defaults to the wall clock; ``default_time`` is used for a day typed
    without a time (e.g. the slot the user clicked on the calendar)."""
    from .clock import now as wall_clock

    now = (now or wall_clock()).replace(second=0, microsecond=0)
    tokens = _normalize(text)
    if not tokens:
        raise ValidationError(f"Type the date and time, e.g. {EXAMPLES}.", "start")
    result = _parse_tokens(tokens, now, default_time)
    if result is None:
        result = _fallback(text, now, default_time)
    if result is None:
        raise _fail(text.strip())
    if not dt.datetime(1900, 1, 1) <= result <= dt.datetime(2200, 1, 1):
        raise ValidationError(f"'{text.strip()}' is too far away. Check the year.", "start")
    return result.replace(second=0, microsecond=0)


def _parse_tokens(tokens: list[str], now: dt.datetime, default_time: dt.time | None) -> dt.datetime | None:
    today = now.date()
    # date [time]
    found = _parse_date(tokens, today)
    if found:
        day, used = found
        rest = tokens[used:]
        if not rest:
            return _resolve(day, None, now, default_time)
        timed = _parse_time(rest)
        if timed and timed[1] == len(rest):
            return _resolve(day, timed[0], now, default_time)
        return None
    # time [date]
    timed = _parse_time(tokens)
    if timed:
        time, used = timed
        rest = tokens[used:]
        if not rest:
            return dt.datetime.combine(today, time)
        found = _parse_date(rest, today)
        if found and found[1] == len(rest):
            return _resolve(found[0], time, now, default_time)
    return None


def _fallback(text: str, now: dt.datetime, default_time: dt.time | None) -> dt.datetime | None:
    """dateutil for full written dates the rules above miss (e.g. ISO with 'T',
    'Wednesday December 3rd, 2025 3:30 PM'). Only taken when the text names a
    month or a 4-digit year, so that typos such as '13pm' or '12/32' are refused
    rather than guessed."""
    words = set(re.findall(r"[a-z]+", (text or "").lower()))
    if not (words & MONTHS.keys() or re.search(r"\b\d{4}\b", text or "")):
        return None
    from dateutil import parser

    base = dt.datetime.combine(now.date(), default_time or now.time())
    try:
        return parser.parse(text, default=base, dayfirst=False, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None


def parse_day(text: str, today: dt.date | None = None) -> dt.date:
    """Just a day (for the calendar's "go to"): 'tue', '12/3', '+2w', 'next fri'."""
    from .clock import now as wall_clock

    base = dt.datetime.combine(today, dt.time(12, 0)) if today else wall_clock()
    tokens = _normalize(text)
    found = _parse_date(tokens, base.date()) if tokens else None
    if found and found[1] == len(tokens):
        return _resolve(found[0], None, base, dt.time(12, 0)).date()
    try:
        return parse_when(text, now=base, default_time=dt.time(12, 0)).date()
    except ValidationError:
        typed = (text or "").strip()
        raise ValidationError(f"I could not read '{typed}' as a day. Try {DAY_EXAMPLES}.", "day") from None


def parse_day_range(from_text: str, to_text: str) -> tuple[dt.date | None, dt.date | None]:
    """The 'From' and 'To' days of a search form, each read by ``parse_day``
    (empty: open-ended); a ValidationError names the field it is about."""
    days = []
    for field, label, text in (("from", "From", from_text), ("to", "To", to_text)):
        text = (text or "").strip()
        try:
            days.append(parse_day(text) if text else None)
        except ValidationError as error:
            raise ValidationError(f"{label}: {error}", field) from None
    return days[0], days[1]


# ---------------------------------------------------------------- showing it back


def clock(time: dt.time | dt.datetime) -> str:
    """3:00 PM."""
    hour = time.hour % 12 or 12
    return f"{hour}:{time.minute:02d} {'AM' if time.hour < 12 else 'PM'}"


def short(when: dt.datetime) -> str:
    """'Tue 12/01 10:00' (history notes, compact lists)."""
    return when.strftime("%a %m/%d %H:%M")


def long_date(day: dt.date) -> str:
    """'Tuesday, December 3, 2025'."""
    return f"{day.strftime('%A, %B')} {day.day}, {day.year}"


def describe(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """The exact date and time, with how far away it is:
    'Tuesday, December 3, 2025 at 3:00 PM (in 5 days)'."""
    return f"{long_date(when.date())} at {clock(when)} ({how_far(when, now)})"


def how_far(when: dt.datetime | dt.date, now: dt.datetime | None = None) -> str:
    """'today', 'tomorrow', 'in 5 days', 'in 3 weeks', '2 days ago'."""
    from .clock import now as wall_clock

    now = now or wall_clock()
    day = when.date() if isinstance(when, dt.datetime) else when
    days = (day - now.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    if days > 0:
        return f"in {days // 7} weeks" if 14 <= days < 60 else f"in {days} days"
    return f"{-days} days ago"


def describe_range(start: dt.datetime, end: dt.datetime) -> str:
    """'Tue 12/03/2025 10:00 AM – 11:30 AM'."""
    text = f"{start.strftime('%a %m/%d/%Y')} {clock(start)} – "
    if end.date() != start.date():
        text += f"{end.strftime('%a %m/%d/%Y')} "
    return text + clock(end)
