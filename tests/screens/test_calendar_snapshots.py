"""Snapshots of the Calendar hub (day, week, month) at 120x40 and 80x24, on
the fixed demo studio plus a busy Thursday: overlapping sessions side by
side, appointments (linked, unassigned, a staff meeting), a room, a holiday
and a moved booking being dragged. Each is also checked for nothing cut off."""
import datetime as dt

import pytest

from spectra_tui.data import booking, sessions, settings
from spectra_tui.data.models import Client, Room, SessionType, User
from spectra_tui.screens.calendar import DAY, MONTH, WEEK, CalendarHub

from .conftest import FIXED_DAY
from .layout import SIZE_IDS, SIZES


def at(hhmm: str, day: dt.date = FIXED_DAY) -> dt.datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute))


@pytest.fixture
def busy_day(demo_db):
    """Thursday November 26 filled in (through the services), Friday a holiday."""
    settings.put("conflict_policy", "always")
    people = {u.username: u for u in User.select()}
    kind = {t.name: t for t in SessionType.select()}
    studio_a = Room.get(Room.name == "Studio A")
    sessions.create_session(Client.get_by_id(2), people["ava"], kind["Family"], at("10:00"), room=studio_a)
    sessions.create_session(Client.get_by_id(6), people["ava"], kind["Headshot"], at("11:00"))  # overlaps
    sessions.create_session(Client.get_by_id(4), people["ben"], kind["Headshot"], at("10:30"))
    newborn = sessions.create_session(Client.get_by_id(5), people["cleo"], kind["Newborn"], at("13:00"),
                                      room=studio_a)
    sessions.create_appointment("Consultation", at("15:00"), 60, client=Client.get_by_id(7), staff=people["ben"])
    sessions.create_appointment("Sales presentation", at("16:30"), 60, session=newborn)
    sessions.create_appointment("Open house", at("17:00"), 90)  # nobody assigned: the Studio column
    sessions.create_appointment("Staff meeting", at("9:00"), 30, staff=people["admin"])
    booking.set_holiday(FIXED_DAY + dt.timedelta(days=1), "Day after Thanksgiving")


def assert_grid_fits(hub: CalendarHub) -> None:
    """Every visible column inside the grid; no text past the right edge."""
    grid = hub.grid
    width = grid.size.width
    for _index, x, column_width in grid.column_layout():
        assert x + column_width <= width
    for y in range(grid.size.height):
        assert grid.render_line(y).cell_length == width


async def show(pilot, view: str, keys: tuple = ()) -> CalendarHub:
    await pilot.press("f4")
    await pilot.pause()
    hub = pilot.app.screen
    while hub.view != view:
        await pilot.press("v")
    if keys:
        await pilot.press(*keys)
    await pilot.pause()
    assert_grid_fits(hub)
    return hub


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_calendar_week(snap_compare, busy_day, app, size):
    async def run_before(pilot):
        await show(pilot, WEEK)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_calendar_day(snap_compare, busy_day, app, size):
    async def run_before(pilot):
        await show(pilot, DAY)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_calendar_month(snap_compare, busy_day, app, size):
    async def run_before(pilot):
        await show(pilot, MONTH)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_calendar_day_moving_a_booking(snap_compare, busy_day, app, size):
    async def run_before(pilot):
        hub = await show(pilot, DAY, ("up", "m", "down", "down", "down", "down", "right"))
        assert hub.moving is not None

    assert snap_compare(app, terminal_size=size, run_before=run_before)
