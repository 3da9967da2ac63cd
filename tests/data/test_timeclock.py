"""The time clock (data/timeclock.py): clocking in and out with a time code,
switching codes, who is in; a manager's corrections with a reason, audited,
guarded by the row version, refused when entries would overlap or end before
they start; one open entry per user at the database too."""
import datetime as dt
import json

import pytest
from peewee import IntegrityError

from spectra_tui.data import clock, timeclock, users
from spectra_tui.data.errors import DomainError, PermissionDenied, ValidationError
from spectra_tui.data.models import AuditLog, TimeEntry, database
from spectra_tui.data.timeclock import EntryFields
from spectra_tui.data.versions import ChangedElsewhere

from staff import add_user

NOW = [dt.datetime(2026, 11, 30, 9, 2)]  # Monday, the studio's wall time (America/Chicago)


def at(hour: int, minute: int = 0, day: int = 30) -> None:
    NOW[0] = dt.datetime(2026, 11, day, hour, minute)


@pytest.fixture
def staff(db):
    clock.set_clock(lambda: clock.to_utc(NOW[0]))
    at(9, 2)
    rita = add_user("rita", "Rita Gomez", "front_desk")
    sam = add_user("sam", "Sam Ortiz", "front_desk")
    mia = add_user("mia", "Mia Chen", "manager")
    users.sign_in(rita)
    return rita, sam, mia


def entries(user):
    return [(e.code, clock.to_local(e.started_at), e.ended_at and clock.to_local(e.ended_at))
            for e in TimeEntry.select().where(TimeEntry.user == user.id).order_by(TimeEntry.started_at, TimeEntry.id)]


def test_clock_in_switch_codes_and_out(staff):
    rita, *_ = staff
    entry = timeclock.clock_in("regular")
    assert entry.started_at == dt.datetime(2026, 11, 30, 15, 2)  # 9:02 in Chicago, stored as UTC
    assert timeclock.state_line(rita) == "In since 9:02 AM (Regular)"
    at(12, 0)
    timeclock.clock_in("lunch")  # ends the regular entry and starts lunch at the same instant
    at(12, 30)
    timeclock.clock_in("Regular")
    at(17, 15)
    out = timeclock.clock_out("left early for the dentist")
    assert out.note == "left early for the dentist"
    day = dt.datetime(2026, 11, 30)
    assert entries(rita) == [
        ("regular", day.replace(hour=9, minute=2), day.replace(hour=12)),
        ("lunch", day.replace(hour=12), day.replace(hour=12, minute=30)),
        ("regular", day.replace(hour=12, minute=30), day.replace(hour=17, minute=15)),
    ]
    assert timeclock.state_line(rita) == "Out"
    actions = [a.action for a in AuditLog.select().where(AuditLog.entity == "time_entry").order_by(AuditLog.id)]
    assert actions == ["time.in", "time.switch", "time.in", "time.switch", "time.in", "time.out"]


def test_the_clock_s_refusals_are_clear(staff):
    rita, *_ = staff
    with pytest.raises(DomainError, match="Rita Gomez is not clocked in: there is nothing to clock out"):
        timeclock.clock_out()
    timeclock.clock_in()
    with pytest.raises(DomainError, match=r"already clocked in \(Regular\) since 9:02 AM"):
        timeclock.clock_in("regular")
    with pytest.raises(ValidationError, match="'nap' is not a time code: use regular, break, lunch"):
        timeclock.clock_in("nap")
    users.sign_in(None)
    with pytest.raises(PermissionDenied, match="Sign in to clock in"):
        timeclock.clock_in()
    assert len(entries(rita)) == 1


def test_who_is_in_now(staff):
    rita, sam, mia = staff
    assert timeclock.who_is_in() == []
    timeclock.clock_in()
    users.sign_in(sam)
    at(9, 30)
    timeclock.clock_in("break")
    users.sign_in(mia)
    timeclock.clock_in()
    timeclock.clock_out()
    shown = [(user.username, entry.code) for user, entry in timeclock.who_is_in()]
    assert shown == [("rita", "regular"), ("sam", "break")]  # by full name; Mia came and went


def test_the_database_keeps_one_open_entry_per_user(staff):
    rita, *_ = staff
    timeclock.clock_in()
    with pytest.raises(IntegrityError), database.atomic():
        TimeEntry.create(user=rita.id, code="break", started_at=clock.utc_now())


def test_the_note_stamp_is_the_studio_s_time_and_the_user_s_initials(staff):
    rita, *_ = staff
    at(15, 7)
    assert timeclock.note_stamp() == f"11/30/2026 3:07 PM {rita.initials}: "
    assert rita.initials == "RG"


# ------------------------------------------------------------ a manager's corrections


def rita_s_day(rita):
    at(9, 0)
    timeclock.clock_in()
    at(12, 0)
    timeclock.clock_in("lunch")
    at(12, 30)
    timeclock.clock_in()
    at(17, 0)
    timeclock.clock_out()
    return list(TimeEntry.select().where(TimeEntry.user == rita.id).order_by(TimeEntry.started_at))


def test_only_a_manager_or_the_owner_edits_or_adds_an_entry(staff):
    rita, sam, mia = staff
    morning, *_ = rita_s_day(rita)
    fix = EntryFields("8:45am", "12:00pm", "regular", "forgot to clock in")
    for user in (rita, sam):  # even her own entry
        users.sign_in(user)
        with pytest.raises(PermissionDenied, match="Only a manager or the owner may edit time-clock entries"):
            timeclock.edit_entry(morning, fix)
        with pytest.raises(PermissionDenied):
            timeclock.add_entry(rita, EntryFields("7am", "8am", "regular", "early"))
    assert clock.to_local(timeclock.get_entry(morning.id).started_at).time() == dt.time(9, 0)
    users.sign_in(mia)
    edited = timeclock.edit_entry(morning, fix)
    assert clock.to_local(edited.started_at) == dt.datetime(2026, 11, 30, 8, 45)


def test_an_edit_is_audited_with_before_after_and_the_reason(staff):
    rita, _sam, mia = staff
    morning, *_ = rita_s_day(rita)
    users.sign_in(mia)
    with pytest.raises(ValidationError) as refused:
        timeclock.edit_entry(morning, EntryFields("8:45am", "12pm", "regular", "   "))
    assert refused.value.field == "reason" and "Say why" in str(refused.value)
    timeclock.edit_entry(morning, EntryFields("8:45am", "12pm", "regular", "forgot to clock in"))
    (log,) = AuditLog.select().where(AuditLog.action == "time.edit")
    before, after = json.loads(log.before), json.loads(log.after)
    assert log.user_name == "mia" and log.entity_id == morning.id
    assert before["started_at"] == "2026-11-30T15:00:00" and after["started_at"] == "2026-11-30T14:45:00"
    assert after["reason"] == "forgot to clock in" and after["version"] == before["version"] + 1


def test_an_edit_is_refused_when_another_terminal_changed_the_entry(staff):
    rita, _sam, mia = staff
    morning, *_ = rita_s_day(rita)
    users.sign_in(mia)
    stale = timeclock.get_entry(morning.id)
    timeclock.edit_entry(morning, EntryFields("8:50am", "12pm", "regular", "late badge"))
    with pytest.raises(ChangedElsewhere):
        timeclock.edit_entry(stale, EntryFields("8:45am", "12pm", "regular", "forgot"))
    assert clock.to_local(timeclock.get_entry(morning.id).started_at).minute == 50


@pytest.mark.parametrize("fields, field, words", [
    (EntryFields("9am", "8:30am", "regular", "r"), "end", "ends (11/30/2026 8:30 AM) before it starts"),
    (EntryFields("9am", "9am", "regular", "r"), "end", "before it starts"),
    (EntryFields("9am", "12:15pm", "regular", "r"), "start", "entries would overlap: Lunch from"),
    (EntryFields("9am", "", "regular", "r"), "start", "would overlap"),  # running on: over every later entry
    (EntryFields("9am", "6pm", "regular", "r"), "end", "cannot be in the future"),
    (EntryFields("when?", "12pm", "regular", "r"), "start", "Start: "),
    (EntryFields("9am", "12pm", "nap", "r"), "code", "not a time code"),
])
def test_a_bad_edit_is_refused_and_changes_nothing(staff, fields, field, words):
    rita, _sam, mia = staff
    morning, *_ = rita_s_day(rita)
    before = entries(rita)
    users.sign_in(mia)
    with pytest.raises(ValidationError) as refused:
        timeclock.edit_entry(morning, fields)
    assert refused.value.field == field and words in str(refused.value)
    assert entries(rita) == before


def test_a_manager_adds_a_missed_entry_on_another_day(staff):
    rita, _sam, mia = staff
    rita_s_day(rita)
    users.sign_in(mia)
    added = timeclock.add_entry(rita, EntryFields("11/28 10am", "11/28 2:30pm", "regular", "paper time card"))
    assert (clock.to_local(added.started_at), clock.to_local(added.ended_at)) == (
        dt.datetime(2026, 11, 28, 10), dt.datetime(2026, 11, 28, 14, 30))
    assert added.created_by == "mia"
    (log,) = AuditLog.select().where(AuditLog.action == "time.add")
    assert json.loads(log.after)["reason"] == "paper time card"
    with pytest.raises(ValidationError, match="would overlap"):
        timeclock.add_entry(rita, EntryFields("11/28 2pm", "11/28 3pm", "break", "x"))


def test_a_wall_time_the_clocks_skip_is_refused(staff):
    rita, _sam, mia = staff
    at(9, 0)
    users.sign_in(mia)
    with pytest.raises(ValidationError, match="2:30 AM on Sun 8 Mar 2026 does not exist"):
        timeclock.add_entry(rita, EntryFields("3/8/2026 2:30am", "3/8/2026 5am", "regular", "night shoot"))
