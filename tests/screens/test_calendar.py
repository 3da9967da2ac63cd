"""Calendar hub (F4), driven by a receptionist's keystrokes; the database is
checked afterwards. The demo studio is fixed (seed 1, today Thursday
November 26, 2026, the clock frozen at 10:30)."""
import datetime as dt

from spectra_tui.data import booking, calendar as cal, sessions as session_data, settings
from spectra_tui.data.models import Appointment, Client, Session, SessionStatusChange, SessionType, User
from spectra_tui.screens.calendar import (DAY, MONTH, WEEK, AppointmentDialog, CalendarGrid, CalendarHub,
                                          GoToDialog, PeopleFilterDialog, RescheduleDialog, fit, load_view)
from spectra_tui.screens.dialogs import ChoiceDialog, ConfirmDialog, ReasonDialog
from spectra_tui.screens.sessions import SessionRecord
from spectra_tui.screens.wizard import SchedulingWizard

from .conftest import FIXED_DAY

SIZE = (120, 40)
MONDAY = FIXED_DAY - dt.timedelta(days=FIXED_DAY.weekday())


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if char == " " else char for char in text])


def user(username: str) -> User:
    return User.get(User.username == username)


async def open_calendar(app, pilot, view: str = WEEK) -> CalendarHub:
    await pilot.press("f4")
    await pilot.pause()
    hub = app.screen
    assert isinstance(hub, CalendarHub)
    while hub.view != view:
        await pilot.press("v")
    await pilot.pause()
    return hub


async def put_cursor(pilot, hub: CalendarHub, day: dt.date, time: dt.time, column: int = 0) -> None:
    """g + the day typed, then Home and arrows to the slot (and column)."""
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(pilot.app.screen, GoToDialog)
    await pilot.press(*f"{day.month}/{day.day}", "enter")  # this year (or the next, when long past)
    await pilot.pause()
    assert hub.day == day
    keys = ["home"] + ["down"] * hub.data.slot_index(time) + (["right"] * column if hub.view == DAY else [])
    await pilot.press(*keys)
    await pilot.pause()
    assert hub.data.times[hub.slot_index] == time


def column_of(hub: CalendarHub, person: User) -> int:
    return next(i for i, c in enumerate(hub.data.columns) if c.person_id == person.id)


def future_session() -> Session:
    """A session still to come: the demo's Monday November 30, 9:30-11:30, Ava Reyes (a Newborn)."""
    session = (Session.select().where((Session.start >= dt.datetime(2026, 11, 30)) & (Session.status == "Session Pending"))
               .order_by(Session.start).first())
    assert session.start == dt.datetime(2026, 11, 30, 9, 30) and session.photographer.username == "ava"
    return session


# ---------------------------------------------------------------- views and moving around

async def test_f4_opens_the_week_of_today_and_the_views_cycle(app):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot)
        assert hub.view == WEEK and hub.day == FIXED_DAY
        assert [c.day for c in hub.data.columns] == [MONDAY + dt.timedelta(days=i) for i in range(7)]
        assert hub.data.times[hub.slot_index] == dt.time(10, 30)  # the frozen clock's slot
        assert app.screen.focused is hub.grid
        await pilot.press("v")
        assert hub.view == MONTH and hub.data.first == dt.date(2026, 10, 26)  # the Monday before Nov 1
        await pilot.press("v")
        assert hub.view == DAY
        assert [c.title for c in hub.data.columns][:3] == ["Ava Reyes", "Ben Carter", "Cleo Park"]
        assert [c.title for c in hub.data.columns if c.kind == "room"] == [
            "Room: Outdoor", "Room: Studio A", "Room: Studio B"]
        await pilot.press("v")
        assert hub.view == WEEK


async def test_arrows_pages_today_and_go_to(app):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot)
        slot = settings.get("slot_minutes")
        await pilot.press("down", "down")
        assert hub.data.times[hub.slot_index] == (dt.datetime.combine(FIXED_DAY, dt.time(10, 30))
                                                  + dt.timedelta(minutes=2 * slot)).time()
        await pilot.press("right")
        assert hub.day == FIXED_DAY + dt.timedelta(days=1)
        await pilot.press("pagedown")
        assert hub.day == FIXED_DAY + dt.timedelta(days=8) and hub.data.first == MONDAY + dt.timedelta(days=7)
        await pilot.press("t")
        assert hub.day == FIXED_DAY and hub.data.first == MONDAY
        await pilot.press("g")
        await pilot.pause()
        await type_text(pilot, "12/25")
        await pilot.pause()
        shown = str(app.screen.query_one("#goto-preview").render())
        assert "Friday, December 25, 2026" in shown  # shown back before it is taken
        await pilot.press("enter")
        await pilot.pause()
        assert hub.day == dt.date(2026, 12, 25)
        friday = hub.data.columns[4]
        assert friday.info.holiday == "Christmas Day" and not friday.info.is_open
        await pilot.press("g")
        await type_text(pilot, "nonsense")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GoToDialog)  # refused, with the reason, nothing lost
        assert "could not read" in str(app.screen.query_one("#goto-preview").render())
        assert app.screen.query_one("#goto-input").value == "nonsense"
        await pilot.press("escape")


async def test_month_view_enter_opens_the_day(app):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, MONTH)
        await pilot.press("down", "right")  # a week later, a day later
        assert hub.day == FIXED_DAY + dt.timedelta(days=8)
        await pilot.press("pageup")
        assert hub.data.month == (2026, 11) and hub.day == dt.date(2026, 11, 4)
        await pilot.press("enter")
        await pilot.pause()
        assert hub.view == DAY and hub.data.day == dt.date(2026, 11, 4)


async def test_people_filter(app):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PeopleFilterDialog)
        await pilot.press("space")  # untick Ava Reyes (first)
        await pilot.press("enter")
        await pilot.pause()
        assert user("ava").id not in hub.people
        assert [c.title for c in hub.data.columns if c.kind == "person"] == ["Ben Carter", "Cleo Park"]
        await pilot.press("p", "a")
        await pilot.pause()
        assert hub.people is None


def test_fit_never_cuts_a_word_silently():
    assert fit("Matthew Ramirez", 20) == "Matthew Ramirez"
    assert fit("Matthew Ramirez", 10) == "Matthew R…"
    assert fit("Matthew Ramirez", 8) == "Matthew…"
    assert fit("abc", 1) == "…" and fit("abc", 0) == ""


# ---------------------------------------------------------------- booking from the calendar

async def test_enter_on_an_empty_slot_books_there_with_the_wizard(app):
    ben = user("ben")
    client = Client.get_by_id(3)
    start = dt.datetime(2026, 12, 1, 11, 0)
    assert booking.check_slot(start, 90, ben).ok
    before = Session.select().count()
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, start.date(), start.time(), column=column_of(hub, ben))
        await pilot.press("enter")
        await pilot.pause()
        # the client search comes up first; the wizard behind it is prefilled
        wizard = app.screen_stack[-2]
        assert isinstance(wizard, SchedulingWizard)
        assert wizard.state.start == start and wizard.query_one("#wz-photographer").value == ben.id
        await type_text(pilot, f"{client.first_name} {client.last_name}")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert app.screen is wizard and wizard.step == "kind" and wizard.state.client.id == client.id
        await pilot.press("enter")  # a session
        assert wizard.step == "details"
        assert "Tuesday, December 1, 2026 at 11:00 AM" in str(wizard.query_one("#wz-when-back").render())
        await pilot.press("enter")  # Family (the first type), Ben, as prefilled
        assert wizard.step == "check"
        assert "✓" in str(wizard.query_one("#wz-check-result").render())
        await pilot.press("enter", "enter", "enter", "enter")  # fee, payment, follow-ups, summary
        assert wizard.step == "summary"
        summary = str(wizard.query_one("#wz-summary").render())
        assert "Family with Ben Carter" in summary and "Session fee invoice" in summary
        assert Session.select().count() == before  # nothing until Confirm
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is hub
        made = Session.select().order_by(Session.id.desc()).first()
        assert [r.id for r in hub.rows_at_cursor()] == [made.id]  # the cursor is on the new booking
    session = Session.select().order_by(Session.id.desc()).first()
    assert Session.select().count() == before + 1
    assert (session.start, session.photographer_id, session.client_id) == (start, ben.id, client.id)
    assert session.session_type.name == "Family" and session.length_minutes == 90
    assert [i.kind for i in session.invoices] == ["Session Fee"]


async def test_enter_on_a_studio_room_slot_prefills_the_room(app):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        room_column = next(i for i, c in enumerate(hub.data.columns) if c.title == "Room: Studio A")
        await put_cursor(pilot, hub, dt.date(2026, 12, 1), dt.time(14, 0), column=room_column)
        await pilot.press("enter")
        await pilot.pause()
        wizard = app.screen_stack[-2]
        assert isinstance(wizard, SchedulingWizard) and wizard.state.room.name == "Studio A"
        await pilot.press("escape")  # the client search
        await pilot.pause()
        assert app.screen is wizard
        await pilot.press("escape")  # nothing entered: closes without asking
        await pilot.pause()
        assert app.screen is hub


# ---------------------------------------------------------------- opening bookings

async def test_enter_on_a_session_opens_its_record(app):
    session = future_session()
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, session.start.date(), session.start.time(),
                         column=column_of(hub, session.photographer))
        assert [r.id for r in hub.rows_at_cursor()] == [session.id]
        assert f"Session {session.number}" in str(hub.query_one("#cal-status").render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord) and app.screen.session.id == session.id


async def test_double_click_on_a_booking_opens_it(app):
    session = future_session()
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, session.start.date(), session.start.time(),
                         column=column_of(hub, session.photographer))
        grid = hub.grid
        index, x, _width = next(c for c in grid.column_layout() if c[0] == hub.column_index)
        y = 2 + (hub.slot_index - grid.top) * grid.lines_per_slot
        await pilot.click(CalendarGrid, offset=(x + 2, y), times=2)
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord) and app.screen.session.id == session.id


async def test_an_appointment_opens_its_dialog_and_can_be_cancelled_there(app):
    appointment = (Appointment.select().where((Appointment.start >= dt.datetime(2026, 11, 27))
                                              & (Appointment.title == "Sales presentation"))
                   .order_by(Appointment.start).first())
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, appointment.start.date(), appointment.start.time(),
                         column=column_of(hub, appointment.staff))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AppointmentDialog)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("enter")  # no reason: refused by the rule, shown in the dialog
        await pilot.pause()
        assert "reason" in str(app.screen.query_one("#reason-error").render()).lower()
        await type_text(pilot, "client moved away")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is hub
    fresh = Appointment.get_by_id(appointment.id)
    assert fresh.status == "Cancelled" and "client moved away" in fresh.notes


# ---------------------------------------------------------------- reschedule, cancel, no-show

async def test_move_a_session_with_the_keys(app):
    session = future_session()
    target = session.start + dt.timedelta(hours=2)
    assert booking.check_slot(target, session.length_minutes, session.photographer, exclude_session=session).ok
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, session.start.date(), session.start.time(),
                         column=column_of(hub, session.photographer))
        await pilot.press("m")
        assert hub.moving is not None and hub.moving.id == session.id
        await pilot.press("down", "down", "down", "down")  # four 30-minute slots
        assert "Move to Mon Nov 30, 11:30 AM" in str(hub.query_one("#cal-status").render())
        assert hub.grid.ghost is not None
        await pilot.press("enter")
        await pilot.pause()
        assert hub.moving is None
    fresh = Session.get_by_id(session.id)
    assert fresh.start == target and fresh.photographer_id == session.photographer_id
    note = SessionStatusChange.select().where(SessionStatusChange.session == session.id).order_by(
        SessionStatusChange.id.desc()).first().note
    assert note.startswith("Rescheduled from")


async def test_move_to_another_photographer_in_the_day_view(app):
    session = future_session()
    cleo = user("cleo")
    assert booking.check_slot(session.start, session.length_minutes, cleo).ok
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, session.start.date(), session.start.time(),
                         column=column_of(hub, session.photographer))
        await pilot.press("m")
        for _ in range(column_of(hub, cleo) - hub.column_index):
            await pilot.press("right")
        await pilot.press("enter")
        await pilot.pause()
    fresh = Session.get_by_id(session.id)
    assert fresh.photographer_id == cleo.id and fresh.start == session.start


async def test_escape_stops_moving_and_nothing_changes(app):
    session = future_session()
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, session.start.date(), session.start.time(),
                         column=column_of(hub, session.photographer))
        await pilot.press("m", "down", "escape")
        assert hub.moving is None
    assert Session.get_by_id(session.id).start == session.start


async def test_move_onto_a_booking_under_policy_ask_asks_no_keeps_yes_moves(app):
    settings.put("conflict_policy", "ask")
    session = future_session()  # 9:30-11:30
    other = session_data.create_session(Client.get_by_id(5), session.photographer,
                                        SessionType.get(SessionType.name == "Headshot"), dt.datetime(2026, 11, 30, 12, 30))
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, other.start.date(), other.start.time(), column=column_of(hub, other.photographer))
        await pilot.press("m", "up", "up", "up", "enter")  # 11:00: inside the Newborn session
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        question = str(app.screen.query_one("#question").render())
        assert "Ava Reyes is already booked" in question and "Book it anyway?" in question
        await pilot.press("n")
        await pilot.pause()
        assert Session.get_by_id(other.id).start == other.start  # nothing after no
        assert hub.moving is not None  # still moving: choose another time or Esc
        await pilot.press("enter", "y")
        await pilot.pause()
        assert hub.moving is None
    assert Session.get_by_id(other.id).start == dt.datetime(2026, 11, 30, 11, 0)  # booked after yes


async def test_move_onto_a_booking_under_policy_never_is_refused(app):
    settings.put("conflict_policy", "never")
    session = future_session()
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, session.start.date(), session.start.time(), column=column_of(hub, session.photographer))
        await pilot.press("m", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down",
                          "down", "down", "down", "down", "down", "down", "enter")  # runs past closing
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert hub.moving is not None
    assert Session.get_by_id(session.id).start == session.start


async def test_reschedule_by_typing_a_new_time(app):
    session = future_session()
    new_start = dt.datetime.combine(session.start.date() + dt.timedelta(days=1), dt.time(10, 0))
    assert booking.check_slot(new_start, session.length_minutes, session.photographer, exclude_session=session).ok
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, session.start.date(), session.start.time(),
                         column=column_of(hub, session.photographer))
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RescheduleDialog)
        box = app.screen.query_one("#move-when")
        box.value = ""
        await type_text(pilot, f"{new_start.month}/{new_start.day} 10am")
        await pilot.pause()
        assert "at 10:00 AM" in str(app.screen.query_one("#move-preview").render())
        await pilot.press("tab")
        await type_text(pilot, "photographer ill")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is hub
    fresh = Session.get_by_id(session.id)
    assert fresh.start == new_start
    assert SessionStatusChange.select().where((SessionStatusChange.session == session.id)
                                              & SessionStatusChange.note.contains("photographer ill")).exists()


async def test_cancel_a_session_from_the_calendar_with_a_reason(app):
    session = future_session()
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, session.start.date(), session.start.time(),
                         column=column_of(hub, session.photographer))
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await type_text(pilot, "client is ill")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is hub
        assert hub.rows_at_cursor() == []  # gone from the calendar (cancelled ones are hidden)
        await pilot.press("c")  # ... unless asked for
        assert [r.status for r in hub.rows_at_cursor()] == ["Cancelled"]
    fresh = Session.get_by_id(session.id)
    assert fresh.status == "Cancelled"
    assert SessionStatusChange.select().where((SessionStatusChange.session == session.id)
                                              & SessionStatusChange.note.contains("client is ill")).exists()


async def test_mark_a_no_show_from_the_calendar(app):
    session = future_session()
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, session.start.date(), session.start.time(),
                         column=column_of(hub, session.photographer))
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("enter")
        await pilot.pause()
    assert Session.get_by_id(session.id).status == "No-Show"


async def test_keys_on_an_empty_slot_say_there_is_no_booking(app):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, dt.date(2026, 12, 1), dt.time(9, 0), column=2)
        assert hub.rows_at_cursor() == []
        await pilot.press("x", "m", "o", "r")
        await pilot.pause()
        assert app.screen is hub and hub.moving is None


async def test_two_bookings_in_one_slot_ask_which(app):
    settings.put("conflict_policy", "always")
    ava = user("ava")
    start = dt.datetime(2026, 12, 1, 10, 0)
    family = SessionType.get(SessionType.name == "Family")
    one = session_data.create_session(Client.get_by_id(2), ava, family, start)
    two = session_data.create_session(Client.get_by_id(4), ava, family, start)
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot, DAY)
        await put_cursor(pilot, hub, start.date(), start.time(), column=column_of(hub, ava))
        assert {r.id for r in hub.rows_at_cursor()} == {one.id, two.id}
        assert hub.data.columns[hub.column_index].lanes[("session", one.id)][1] == 2  # side by side
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord) and app.screen.session.id == two.id


# ---------------------------------------------------------------- hours, holidays, 80x24

async def test_closed_days_and_holidays_are_labelled(app):
    booking.set_holiday(dt.date(2026, 12, 2), "Studio retreat")
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_calendar(app, pilot)
        await pilot.press("pagedown")
        columns = hub.data.columns
        assert columns[2].info.label == "Closed: Studio retreat"
        assert columns[6].info.label == "Closed"  # Sunday
        line = "".join(segment.text for segment in hub.grid.render_line(1))
        assert "Closed: Studio…" in line or "Closed: Studio retreat" in line
        await put_cursor(pilot, hub, dt.date(2026, 12, 2), dt.time(11, 0))
        assert "Closed: Studio retreat" in str(hub.query_one("#cal-status").render())


async def test_80x24_shows_fewer_columns_and_follows_the_cursor(app):
    async with app.run_test(size=(80, 24)) as pilot:
        hub = await open_calendar(app, pilot)
        layout = hub.grid.column_layout()
        assert 3 <= len(layout) < 7  # fewer days
        assert hub.column_index in [index for index, _x, _w in layout]
        for _ in range(3):
            await pilot.press("right")
        assert hub.day == FIXED_DAY + dt.timedelta(days=3)
        assert hub.column_index in [index for index, _x, _w in hub.grid.column_layout()]
        await pilot.press("v", "v")  # day view: photographers and rooms do not all fit
        assert hub.view == DAY and len(hub.grid.column_layout()) < len(hub.data.columns)
        for _ in range(len(hub.data.columns)):
            await pilot.press("right")
        assert hub.column_index == len(hub.data.columns) - 1
        assert hub.column_index in [index for index, _x, _w in hub.grid.column_layout()]


def test_load_view_is_a_handful_of_queries(demo_db):
    data = load_view(WEEK, FIXED_DAY)
    assert len(data.columns) == 7 and data.times[0] == dt.time(9, 0)
    assert all(r.start.date() == c.day or r.end.date() >= c.day for c in data.columns for r in c.rows)
    assert {r.kind for c in load_view(MONTH, FIXED_DAY).month_rows.values() for r in c} <= {"session", "appointment"}
    assert cal.slot_minutes() == data.slot
