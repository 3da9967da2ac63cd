"""The time clock at the keyboard: Ctrl+T from anywhere opens it (clock in
with a code, switch, clock out, the week's time sheet), in a note it stamps
the date, time and initials; Home shows who is in; the time sheet steps
through weeks, and only a manager edits an entry (with a reason), a front
desk user being told why not. Keystrokes in, the database checked."""
import datetime as dt

import pytest
from textual.widgets import DataTable, OptionList, Static, TextArea

from spectra_tui.data import clock, users
from spectra_tui.data.models import AuditLog, TimeEntry, User
from spectra_tui.screens.clients import ClientForm
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.time_clock import TimeClockDialog
from spectra_tui.screens.time_sheet import EntryDialog, TimeSheetScreen

from .conftest import FIXED_NOW
from .layout import SIZE_IDS, SIZES, assert_fits


def said(app) -> list[str]:
    return [n.message for n in app._notifications]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def rita_s_entries() -> list[tuple]:
    rita = User.get(User.username == "rita")
    return [(e.code, clock.to_local(e.started_at), e.ended_at and clock.to_local(e.ended_at))
            for e in TimeEntry.select().where(TimeEntry.user == rita.id).order_by(TimeEntry.id)]


def work(username: str, start: dt.datetime, end: dt.datetime, code: str = "regular") -> None:
    user = User.get(User.username == username)
    TimeEntry.create(user=user.id, code=code, started_at=clock.to_utc(start), ended_at=clock.to_utc(end))


def at(hour: int, minute: int = 0) -> None:
    moment = clock.to_utc(FIXED_NOW.replace(hour=hour, minute=minute))
    clock.set_clock(lambda: moment)


async def test_ctrl_t_clocks_in_switches_to_lunch_and_out_and_home_shows_who_is_in(app, demo_db):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert text_of(app, "#in-now") == "In now: nobody"
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, TimeClockDialog)
        assert text_of(app, "#clock-state") == "Out"
        await pilot.press("r")
        assert isinstance(app.screen, HomeHub)
        assert "Rita Gomez is in (regular) since 10:30 AM." in said(app)
        assert text_of(app, "#in-now") == "In now: Rita Gomez 10:30 AM"
        await pilot.press("ctrl+t", "r")  # already in with that code: said in the dialog, nothing written
        assert isinstance(app.screen, TimeClockDialog)
        assert "already clocked in (Regular) since 10:30 AM" in text_of(app, "#clock-error")
        at(12, 0)
        await pilot.press("l")
        assert text_of(app, "#in-now") == "In now: Rita Gomez (lunch) 12:00 PM"
        at(12, 30)
        await pilot.press("ctrl+t", "r")
        at(17, 15)
        await pilot.press("ctrl+t")
        assert text_of(app, "#clock-state") == "In since 12:30 PM (Regular)"
        assert text_of(app, "#clock-hours") == "Today 6.25 h · this week 6.25 h paid"  # 1:30 + 4:45
        await pilot.press("o")
        assert "Rita Gomez clocked out at 5:15 PM." in said(app)
        assert text_of(app, "#in-now") == "In now: nobody"
    day = FIXED_NOW.replace(minute=0)
    assert rita_s_entries() == [
        ("regular", FIXED_NOW, day.replace(hour=12)),
        ("lunch", day.replace(hour=12), day.replace(hour=12, minute=30)),
        ("regular", day.replace(hour=12, minute=30), day.replace(hour=17, minute=15)),
    ]


async def test_ctrl_t_out_of_the_clock_says_so_in_the_dialog(app, demo_db):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t", "o")
        assert isinstance(app.screen, TimeClockDialog)
        assert text_of(app, "#clock-error") == "Rita Gomez is not clocked in: there is nothing to clock out."
        await pilot.press("escape")
        assert isinstance(app.screen, HomeHub) and rita_s_entries() == []


async def test_ctrl_t_in_a_note_stamps_the_date_time_and_initials_at_the_cursor(app, demo_db):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n")
        form = app.screen
        assert isinstance(form, ClientForm)
        notes = form.notes_area()
        notes.focus()
        await pilot.press(*"Called", "enter")
        await pilot.press("ctrl+t", *"wants the canvas")
        assert app.screen is form and notes.text == "Called\n11/26/2026 10:30 AM RG: wants the canvas"
        assert form.has_unsaved_changes
        assert TimeEntry.select().count() == 0


async def test_the_time_sheet_shows_the_week_and_steps_through_weeks(app, demo_db):
    work("rita", dt.datetime(2026, 11, 23, 9), dt.datetime(2026, 11, 23, 12))
    work("rita", dt.datetime(2026, 11, 23, 12), dt.datetime(2026, 11, 23, 12, 30), "lunch")
    work("rita", dt.datetime(2026, 11, 23, 12, 30), dt.datetime(2026, 11, 24, 1, 30))  # past midnight
    work("rita", dt.datetime(2026, 11, 20, 9), dt.datetime(2026, 11, 20, 17))  # the week before
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+t", "s")
        assert isinstance(app.screen, TimeSheetScreen)
        days = app.screen.query_one("#sheet-days", DataTable)
        assert [str(c) for c in days.get_row_at(1)] == ["Mon 11/23", "14.50", "·", "0.50", "14.50", "·"]
        assert [str(c) for c in days.get_row_at(2)] == ["Tue 11/24", "1.50", "·", "·", "1.50", "·"]
        assert [str(c) for c in days.get_row_at(7)] == ["Week", "16.00", "·", "0.50", "16.00", "·"]
        assert text_of(app, "#sheet-head") == ("Rita Gomez · week of Sun 11/22/2026 – Sat 11/28/2026\n"
                                               "16.00 h paid · overtime past 40 h: 0.00 h")
        assert app.screen.query_one("#sheet-entries", DataTable).row_count == 3
        await pilot.press("left")
        assert "week of Sun 11/15/2026" in text_of(app, "#sheet-head")
        assert [str(c) for c in days.get_row_at(5)][-2:] == ["8.00", "·"]
        await pilot.press("right", "right", "t")
        assert "week of Sun 11/22/2026" in text_of(app, "#sheet-head")


async def test_a_front_desk_user_may_not_edit_an_entry_nor_read_another_sheet(app, demo_db):
    work("rita", dt.datetime(2026, 11, 23, 9), dt.datetime(2026, 11, 23, 12))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+t", "s")
        for key in ("e", "enter", "a"):
            app.clear_notifications()
            await pilot.press(key)
            assert isinstance(app.screen, TimeSheetScreen)
            assert said(app) == ["Only a manager or the owner may edit time-clock entries; "
                                 "Rita Gomez is signed in as front desk."]
        app.clear_notifications()
        await pilot.press("u")
        assert said(app) == ["Only a manager or the owner may read another person's time sheet; "
                             "Rita Gomez is signed in as front desk."]
    assert AuditLog.select().where(AuditLog.entity == "time_entry").count() == 0


async def test_a_manager_edits_another_person_s_entry_with_a_reason(app, demo_db):
    work("rita", dt.datetime(2026, 11, 23, 9), dt.datetime(2026, 11, 23, 12))
    users.sign_in(User.get(User.username == "admin"))  # the studio's owner
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+t", "s", "u")
        people = app.screen.query_one(OptionList)
        names = [str(people.get_option_at_index(i).prompt) for i in range(people.option_count)]
        await pilot.press(*["down"] * next(i for i, n in enumerate(names) if n.startswith("Rita Gomez")), "enter")
        assert isinstance(app.screen, TimeSheetScreen)
        assert text_of(app, "#sheet-head").startswith("Rita Gomez · week of Sun 11/22/2026")
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, EntryDialog)
        assert dialog.values() == {"start": "11/23/2026 9:00am", "end": "11/23/2026 12:00pm", "code": "regular",
                                   "reason": ""}
        await pilot.press(*["backspace"] * 20, *"11/23 8:45am", "enter", "enter", "enter", "enter")
        assert app.screen is dialog  # no reason: said at its field
        assert "Say why the entry is changed" in text_of(app, "#err-reason")
        await pilot.press(*"forgot to clock in", "enter")
        assert isinstance(app.screen, TimeSheetScreen)
        days = app.screen.query_one("#sheet-days", DataTable)
        assert [str(c) for c in days.get_row_at(1)][1] == "3.25"
    assert rita_s_entries() == [("regular", dt.datetime(2026, 11, 23, 8, 45), dt.datetime(2026, 11, 23, 12))]
    (log,) = AuditLog.select().where(AuditLog.action == "time.edit")
    assert log.user_name == "admin" and '"reason":"forgot to clock in"' in log.after


def a_week_of_rita_s() -> None:
    for day in (23, 24, 25):
        work("rita", dt.datetime(2026, 11, day, 9), dt.datetime(2026, 11, day, 12, 30))
        work("rita", dt.datetime(2026, 11, day, 12, 30), dt.datetime(2026, 11, day, 13), "lunch")
        work("rita", dt.datetime(2026, 11, day, 13), dt.datetime(2026, 11, day, 17, 45))
    work("rita", dt.datetime(2026, 11, 26, 8, 50), dt.datetime(2026, 11, 26, 10), "regular")
    work("rita", dt.datetime(2026, 11, 26, 10), dt.datetime(2026, 11, 26, 10, 15), "break")
    rita = User.get(User.username == "rita")
    TimeEntry.create(user=rita.id, code="regular", started_at=clock.to_utc(dt.datetime(2026, 11, 26, 10, 15)))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_time_clock_snapshot(snap_compare, app, demo_db, size):
    a_week_of_rita_s()

    async def run_before(pilot):
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert text_of(pilot.app, "#clock-hours") == "Today 1.67 h · this week 26.42 h paid"  # 1:25 + 3 x 8:15
        assert_fits(pilot.app.screen)

    assert snap_compare(app, run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_time_sheet_snapshot(snap_compare, app, demo_db, size):
    a_week_of_rita_s()

    async def run_before(pilot):
        await pilot.press("ctrl+t", "s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TimeSheetScreen)
        assert_fits(pilot.app.screen)

    assert snap_compare(app, run_before=run_before, terminal_size=size)


async def test_home_names_everyone_in_with_how_many_at_80_columns(app, demo_db):
    for username, code, start in (("sam", "break", dt.datetime(2026, 11, 26, 10, 15)),
                                  ("rita", "regular", dt.datetime(2026, 11, 26, 10))):
        user = User.get(User.username == username)
        TimeEntry.create(user=user.id, code=code, started_at=clock.to_utc(start))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert text_of(app, "#in-now") == "In now (2): Rita Gomez 10:00 AM · Sam Okafor (break) 10:15 AM"
        assert_fits(app.screen)
