"""Dates and times typed naturally in the Scheduling Wizard (data/when.py)."""
import datetime as dt

import pytest

from spectra_tui.data.errors import ValidationError
from spectra_tui.data.when import describe, describe_range, how_far, parse_day, parse_when, short

NOW = dt.datetime(2025, 12, 2, 11, 17, 42)  # a Tuesday, late morning


def d(month, day, hour, minute=0, year=2025):
    return dt.datetime(year, month, day, hour, minute)


@pytest.mark.parametrize("text, expected", [
    # the examples of the issue
    ("tue 3pm", d(12, 2, 15)),                 # today is Tuesday and 3 PM is still ahead
    ("12/3 10:30", d(12, 3, 10, 30)),
    ("tomorrow 9", d(12, 3, 9)),
    ("+2w", d(12, 16, 11, 17)),                # same time, two weeks on (seconds dropped)
    ("next fri 2:30pm", d(12, 12, 14, 30)),    # the Friday of next week
    ("today 4", d(12, 2, 16)),                 # a bare 4 at a studio is 4 PM
    ("3pm", d(12, 2, 15)),
    # weekdays
    ("tue 10am", d(12, 9, 10)),                # today's 10 AM has passed: next Tuesday
    ("wed 9", d(12, 3, 9)),
    ("Friday at 2", d(12, 5, 14)),
    ("this fri 11am", d(12, 5, 11)),
    ("mon 9:15am", d(12, 8, 9, 15)),
    ("next tuesday 10", d(12, 9, 10)),
    ("sun noon", d(12, 7, 12)),
    # times
    ("3 PM", d(12, 2, 15)),
    ("3:30p", d(12, 2, 15, 30)),
    ("4:30", d(12, 2, 16, 30)),
    ("10:30", d(12, 2, 10, 30)),
    ("15:45", d(12, 2, 15, 45)),
    ("12pm", d(12, 2, 12)),
    ("12am", d(12, 2, 0)),
    ("7am", d(12, 2, 7)),
    ("noon", d(12, 2, 12)),
    ("3.30pm", d(12, 2, 15, 30)),
    ("4 p.m.", d(12, 2, 16)),
    # dates
    ("12/3", d(12, 3, 11, 17)),                # a day without time keeps the time of now
    ("1/5 10", d(1, 5, 10, year=2026)),        # January typed in December: next year
    ("11/20 10am", d(11, 20, 10)),             # 12 days ago: still this year
    ("3/4/26 4:15pm", d(3, 4, 16, 15, year=2026)),
    ("3/4/2027 9am", d(3, 4, 9, year=2027)),
    ("2025-12-24 09:30", d(12, 24, 9, 30)),
    ("2025-12-24T09:30", d(12, 24, 9, 30)),
    ("dec 24 10am", d(12, 24, 10)),
    ("24 dec 2026 10am", d(12, 24, 10, year=2026)),
    ("December 3rd 2:15pm", d(12, 3, 14, 15)),
    ("10:30 12/3", d(12, 3, 10, 30)),           # time first
    ("3pm tomorrow", d(12, 3, 15)),
    ("Wednesday, December 3rd, 2025 at 3:30 PM", d(12, 3, 15, 30)),
    # offsets
    ("+3d", d(12, 5, 11, 17)),
    ("+2 weeks 10am", d(12, 16, 10)),
    ("in 2 weeks", d(12, 16, 11, 17)),
    ("+1mo 9", d(1, 2, 9, year=2026)),
    ("+2h", d(12, 2, 13, 17)),
    ("+90min", d(12, 2, 12, 47)),
    ("next week 10am", d(12, 9, 10)),
    ("now", d(12, 2, 11, 17)),
    ("yesterday 4pm", d(12, 1, 16)),
])
def test_understood(text, expected):
    assert parse_when(text, now=NOW) == expected


def test_a_day_without_time_takes_the_default_time():
    assert parse_when("tomorrow", now=NOW, default_time=dt.time(9, 30)) == d(12, 3, 9, 30)
    assert parse_when("fri", now=NOW, default_time=dt.time(14)) == d(12, 5, 14)
    assert parse_when("tomorrow 4pm", now=NOW, default_time=dt.time(9, 30)) == d(12, 3, 16)


def test_weekday_today_with_time_still_ahead_is_today_else_next_week():
    late = dt.datetime(2025, 12, 2, 16, 0)
    assert parse_when("tue 3pm", now=late) == d(12, 9, 15)
    assert parse_when("tue 5pm", now=late) == d(12, 2, 17)


def test_next_weekday_is_in_next_week_even_at_the_weekend():
    saturday = dt.datetime(2025, 12, 6, 10, 0)
    assert parse_when("next mon 9", now=saturday) == d(12, 8, 9)
    assert parse_when("mon 9", now=saturday) == d(12, 8, 9)
    assert parse_when("next fri 9", now=saturday) == d(12, 12, 9)


def test_year_end_and_leap_days():
    december = dt.datetime(2027, 12, 30, 9, 0)
    assert parse_when("1/2 10", now=december) == dt.datetime(2028, 1, 2, 10)
    assert parse_when("2/29 10", now=december) == dt.datetime(2028, 2, 29, 10)
    assert parse_when("tomorrow 9", now=december) == dt.datetime(2027, 12, 31, 9)
    assert parse_when("+2d 9", now=december) == dt.datetime(2028, 1, 1, 9)


@pytest.mark.parametrize("text", ["", "   ", "xyz", "13pm", "12/32", "2/30 9", "fri 25:00", "tue 3pm 12/3",
                                  "10:75", "next", "in weeks", "+2q", "0pm", "tomorrow tomorrow"])
def test_not_understood_says_what_works(text):
    with pytest.raises(ValidationError) as info:
        parse_when(text, now=NOW)
    message = str(info.value)
    assert "tue 3pm" in message and "+2w" in message  # examples of what works
    assert info.value.field == "start"


def test_seconds_are_dropped_and_the_wall_clock_is_the_default_now(db):  # the studio's clock: its zone is a setting
    result = parse_when("3pm")
    assert result.second == 0 and result.microsecond == 0 and result.time() == dt.time(15)


def test_parse_day_for_the_calendar_go_to():
    today = dt.date(2025, 12, 2)
    assert parse_day("next fri", today) == dt.date(2025, 12, 12)
    assert parse_day("12/25", today) == dt.date(2025, 12, 25)
    assert parse_day("+2w", today) == dt.date(2025, 12, 16)
    assert parse_day("tomorrow", today) == dt.date(2025, 12, 3)
    with pytest.raises(ValidationError, match="as a day"):
        parse_day("blue", today)


def test_shown_back_exactly():
    assert describe(d(12, 12, 14, 30), now=NOW) == "Friday, December 12, 2025 at 2:30 PM (in 10 days)"
    assert describe(d(12, 3, 9), now=NOW) == "Wednesday, December 3, 2025 at 9:00 AM (tomorrow)"
    assert describe(d(12, 2, 0, 5), now=NOW) == "Tuesday, December 2, 2025 at 12:05 AM (today)"
    assert describe(d(1, 20, 12, year=2026), now=NOW) == "Tuesday, January 20, 2026 at 12:00 PM (in 7 weeks)"
    assert how_far(d(11, 30, 9), now=NOW) == "2 days ago"
    assert short(d(12, 1, 10)) == "Mon 12/01 10:00"
    assert describe_range(d(12, 3, 10), d(12, 3, 11, 30)) == "Wed 12/03/2025 10:00 AM – 11:30 AM"


def test_a_search_form_s_day_range_reads_each_end_and_names_the_bad_one(db):
    from spectra_tui.data.clock import today as studio_today
    from spectra_tui.data.when import parse_day_range

    today = studio_today()
    assert parse_day_range("", "  ") == (None, None)
    start, end = parse_day_range("12/3/2030", "2030-12-31")
    assert (start, end) == (dt.date(2030, 12, 3), dt.date(2030, 12, 31))
    assert parse_day_range("today", "")[0] == today
    with pytest.raises(ValidationError, match="^To: ") as refused:
        parse_day_range("12/3/2030", "someday")
    assert refused.value.field == "to"


@pytest.mark.parametrize("text, expected", [
    ("-1d", dt.date(2025, 12, 1)),
    ("- 1 day", dt.date(2025, 12, 1)),
    ("-2w", dt.date(2025, 11, 18)),
    ("-1mo", dt.date(2025, 11, 2)),
    ("3 days ago", dt.date(2025, 11, 29)),
    ("last fri", dt.date(2025, 11, 28)),  # the Friday of last week, as "next fri" is the Friday of next week
    ("last monday", dt.date(2025, 11, 24)),
    ("last week", dt.date(2025, 11, 25)),
    ("last month", dt.date(2025, 11, 2)),
])
def test_days_back_in_time(text, expected):
    assert parse_day(text, dt.date(2025, 12, 2)) == expected


def test_last_weekday_with_a_time():
    assert parse_when("last fri 3pm", now=NOW) == d(11, 28, 15)
    assert parse_when("-1d 9", now=NOW) == d(12, 1, 9)


def test_parse_day_s_refusal_shows_the_backward_forms():
    with pytest.raises(ValidationError, match="-1d"):
        parse_day("blue", dt.date(2025, 12, 2))
