"""Weekly time sheets (data/timesheet.py) against sums worked out by hand:
a plain week, a shift across midnight, both 2026 DST changes in
America/Chicago (the studio's zone), overtime at exactly 40 hours and above,
lunch unpaid, an entry still running, the week's first day, who may read."""
import datetime as dt
from decimal import Decimal

import pytest

from spectra_tui.data import clock, settings, users
from spectra_tui.data.errors import PermissionDenied, ValidationError
from spectra_tui.data.models import TimeEntry
from spectra_tui.data.timesheet import hours, time_sheet, week_start

from staff import add_user

H = 3600


@pytest.fixture
def rita(db):
    clock.set_clock(lambda: dt.datetime(2026, 12, 15, 12, 0))  # long after the weeks below
    return add_user("rita", "Rita Gomez", "front_desk")


def work(user, start: str, end: str | None, code: str = "regular") -> TimeEntry:
    """An entry between two studio wall times ('2026-11-23 09:00')."""
    def instant(text):
        return clock.to_utc(dt.datetime.fromisoformat(text))
    return TimeEntry.create(user=user.id, code=code, started_at=instant(start),
                            ended_at=instant(end) if end else None)


def by_day(sheet, code=None):
    return {day.day.day: (day.seconds[code] if code else day.paid) for day in sheet.days if
            (day.seconds[code] if code else day.paid)}


def test_a_plain_week_with_lunch_unpaid(rita):
    # Sunday 22 to Saturday 28 November 2026
    for day in (23, 24, 25):
        work(rita, f"2026-11-{day} 09:00", f"2026-11-{day} 12:00")
        work(rita, f"2026-11-{day} 12:00", f"2026-11-{day} 12:30", "lunch")
        work(rita, f"2026-11-{day} 12:30", f"2026-11-{day} 17:15")
    work(rita, "2026-11-27 10:00", "2026-11-27 10:15", "break")
    work(rita, "2026-11-27 10:15", "2026-11-27 14:00")
    sheet = time_sheet(rita, dt.date(2026, 11, 25))
    assert (sheet.start, sheet.end) == (dt.date(2026, 11, 22), dt.date(2026, 11, 28))
    # 3:00 + 4:45 = 7:45 a day; Friday 0:15 break + 3:45
    assert by_day(sheet) == {23: 7.75 * H, 24: 7.75 * H, 25: 7.75 * H, 27: 4 * H}
    assert sheet.total("regular") == (3 * 7.75 + 3.75) * H
    assert sheet.total("break") == 0.25 * H
    assert sheet.total("lunch") == 1.5 * H
    assert sheet.paid == 27.25 * H and hours(sheet.paid) == Decimal("27.25")
    assert sheet.overtime == 0 and all(day.overtime == 0 for day in sheet.days)


def test_a_shift_across_midnight_is_split_at_the_studio_s_midnight(rita):
    work(rita, "2026-11-27 22:00", "2026-11-28 02:30")  # Friday night into Saturday
    work(rita, "2026-11-28 23:00", "2026-11-29 01:00")  # Saturday night into the next week's Sunday
    sheet = time_sheet(rita, dt.date(2026, 11, 27))
    assert by_day(sheet) == {27: 2 * H, 28: (2.5 + 1) * H}
    assert time_sheet(rita, dt.date(2026, 11, 29)).paid == 1 * H


def test_spring_forward_night_is_an_hour_shorter(rita):
    # Chicago: Sunday 8 March 2026, 2:00 AM -> 3:00 AM
    work(rita, "2026-03-07 22:00", "2026-03-08 06:00")  # 8 wall hours, 7 real ones
    work(rita, "2026-03-08 09:00", "2026-03-09 00:00", "break")  # an ordinary 15 hours
    week_before = time_sheet(rita, dt.date(2026, 3, 7))
    assert by_day(week_before) == {7: 2 * H}
    sheet = time_sheet(rita, dt.date(2026, 3, 8))
    assert sheet.start == dt.date(2026, 3, 8)
    assert by_day(sheet, "regular") == {8: 5 * H}  # midnight to 6 AM: 5 hours
    assert by_day(sheet) == {8: 20 * H}


def test_a_whole_spring_forward_day_has_23_hours_and_a_fall_back_day_25(rita):
    work(rita, "2026-03-08 00:00", "2026-03-09 00:00")
    work(rita, "2026-11-01 00:00", "2026-11-02 00:00")
    assert time_sheet(rita, dt.date(2026, 3, 8)).paid == 23 * H
    assert time_sheet(rita, dt.date(2026, 11, 1)).paid == 25 * H


def test_fall_back_night_is_an_hour_longer(rita):
    # Chicago: Sunday 1 November 2026, 2:00 AM -> 1:00 AM
    work(rita, "2026-10-31 22:00", "2026-11-01 06:00")  # 8 wall hours, 9 real ones
    assert by_day(time_sheet(rita, dt.date(2026, 10, 31))) == {31: 2 * H}
    assert by_day(time_sheet(rita, dt.date(2026, 11, 1))) == {1: 7 * H}  # midnight to 6 AM: 7 hours


def test_overtime_at_exactly_40_hours_and_above(rita):
    for day in range(23, 28):  # Monday to Friday, 8 paid hours and an unpaid lunch each
        work(rita, f"2026-11-{day} 08:00", f"2026-11-{day} 12:00")
        work(rita, f"2026-11-{day} 12:00", f"2026-11-{day} 12:45", "lunch")
        work(rita, f"2026-11-{day} 12:45", f"2026-11-{day} 16:45")
    sheet = time_sheet(rita, dt.date(2026, 11, 23))
    assert sheet.paid == 40 * H and sheet.overtime == 0
    work(rita, "2026-11-28 10:00", "2026-11-28 12:30")  # Saturday: 2.5 more
    sheet = time_sheet(rita, dt.date(2026, 11, 23))
    assert sheet.paid == 42.5 * H and sheet.overtime == 2.5 * H
    assert [day.overtime for day in sheet.days] == [0, 0, 0, 0, 0, 0, 2.5 * H]
    settings.put("overtime_hours_per_week", "37.5")
    sheet = time_sheet(rita, dt.date(2026, 11, 23))
    assert sheet.overtime == 5 * H
    assert [day.overtime for day in sheet.days] == [0, 0, 0, 0, 0, 2.5 * H, 2.5 * H]  # crossed on Friday


def test_an_entry_still_running_counts_up_to_now(rita):
    work(rita, "2026-11-23 09:00", "2026-11-23 13:00")
    work(rita, "2026-11-24 09:00", None)
    clock.set_clock(lambda: clock.to_utc(dt.datetime(2026, 11, 24, 11, 20)))
    sheet = time_sheet(rita, dt.date(2026, 11, 24))
    assert by_day(sheet) == {23: 4 * H, 24: (2 * H + 20 * 60)}


def test_the_week_starts_on_the_studio_s_day(rita):
    assert week_start(dt.date(2026, 11, 25)) == dt.date(2026, 11, 22)  # Sunday by default
    assert week_start(dt.date(2026, 11, 22)) == dt.date(2026, 11, 22)
    settings.put("week_starts_on", "Monday")
    assert settings.get("week_starts_on") == "monday"
    assert week_start(dt.date(2026, 11, 22)) == dt.date(2026, 11, 16)
    assert week_start(dt.date(2026, 11, 25)) == dt.date(2026, 11, 23)


@pytest.mark.parametrize("key, value", [
    ("week_starts_on", "someday"), ("week_starts_on", 1),
    ("overtime_hours_per_week", "0"), ("overtime_hours_per_week", 200), ("overtime_hours_per_week", 40.5),
    ("overtime_hours_per_week", "forty"), ("overtime_hours_per_week", "40.125"),
])
def test_bad_time_clock_settings_are_refused(rita, key, value):
    with pytest.raises(ValidationError):
        settings.put(key, value)


def test_one_reads_one_s_own_sheet_and_a_manager_reads_anyone_s(rita):
    sam = add_user("sam", "Sam Ortiz", "front_desk")
    mia = add_user("mia", "Mia Chen", "manager")
    work(sam, "2026-11-23 09:00", "2026-11-23 10:00")
    users.sign_in(rita)
    assert time_sheet(rita, dt.date(2026, 11, 23)).paid == 0
    with pytest.raises(PermissionDenied, match="Only a manager or the owner may read another person's time sheet"):
        time_sheet(sam, dt.date(2026, 11, 23))
    users.sign_in(mia)
    assert time_sheet(sam, dt.date(2026, 11, 23)).paid == H
    users.sign_in(None)
    with pytest.raises(PermissionDenied, match="Sign in as a manager"):
        time_sheet(sam, dt.date(2026, 11, 23))
