"""Home hub (F2): today's schedule, sessions waiting at each stage, open
balances; Enter opens the line's record, c the line's client. (Its tasks due:
tests/screens/test_tasks_and_calls.py.)"""
import datetime as dt

import pytest

from spectra_tui.data import invoices, sessions, settings
from spectra_tui.data.models import Client, SessionType, User
from spectra_tui.screens.clients import ClientRecord
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.widgets import PagedTable

from .conftest import FIXED_DAY


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(FIXED_DAY, dt.time(hour, minute))


@pytest.fixture
def today(demo_db):
    """Today's bookings: two sessions, a client appointment, a staff meeting."""
    clients = list(Client.select().order_by(Client.id).limit(3))
    photographer = User.get(User.username == "ava")
    family = SessionType.get(SessionType.name == "Family")
    late = sessions.create_session(clients[0], photographer, family, at(15))
    early = sessions.create_session(clients[1], photographer, family, at(9, 30))
    consult = sessions.create_appointment("Wall art consult", at(12), 30, client=clients[2])
    meeting = sessions.create_appointment("Staff huddle", at(8), 15, staff=User.get(User.username == "rita"))
    return {"late": late, "early": early, "consult": consult, "meeting": meeting, "clients": clients}


def schedule(app) -> PagedTable:
    return app.screen.query_one("#schedule", PagedTable)


async def test_home_is_where_the_app_starts_and_shows_today(app, today):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)
        assert "Thursday, November 26, 2026" in str(app.screen.query_one("#today-title").render())
        rows = schedule(app).loaded_rows
        assert [(r.start.strftime("%H:%M"), r.what) for r in rows] == [
            ("08:00", "Staff huddle"), ("09:30", "Family"), ("12:00", "Wall art consult"), ("15:00", "Family")]
        assert rows[1].client.id == today["clients"][1].id and rows[1].who == "Ava Reyes"
        assert app.focused is schedule(app)


async def test_stages_count_every_waiting_session(app, today):
    statuses = settings.session_statuses()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        stages = app.screen.query_one("#stages").content
        waiting = {s.status: s.count for s in sessions.waiting_by_status()}
        assert list(waiting) == statuses[:-1]  # Complete is the end, not a stage
        header = [status for status, _cell in stages.cells]
        cells = [cell.plain for _status, cell in stages.cells]
        assert header == statuses[:-1]
        for status, cell in zip(header, cells):
            assert cell.split(" ")[0] == (str(waiting[status]) if waiting[status] else "none")


async def test_open_balances_largest_first_from_sql(app, demo_db):
    expected = invoices.open_balances(limit=500)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#balances", PagedTable)
        shown = table.loaded_rows
        assert [r.invoice.id for r in shown] == [r.invoice.id for r in expected[:len(shown)]]
        assert [r.balance for r in shown] == sorted((r.balance for r in shown), reverse=True)
        assert all(r.balance > 0 for r in shown)


async def test_enter_on_a_session_opens_the_session_record(app, today):
    from spectra_tui.screens.sessions import SessionRecord

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord) and app.screen.session.id == today["early"].id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub) and schedule(app).cursor_row == 1


async def test_enter_on_a_client_appointment_opens_the_client(app, today):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord) and app.screen.client.id == today["clients"][2].id


async def test_enter_on_a_staff_meeting_opens_nothing(app, today):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)


async def test_enter_on_a_balance_opens_the_invoice_and_c_its_client(app, demo_db):
    from spectra_tui.screens.invoices import InvoiceRecord

    top = invoices.open_balances(limit=1)[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(3):  # from the schedule: the tasks due, ready for pickup (when shown), the balances
            if app.focused is not app.screen.query_one("#balances", PagedTable):
                await pilot.press("tab")
        assert app.focused is app.screen.query_one("#balances", PagedTable)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord) and app.screen.invoice.id == top.invoice.id
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord) and app.screen.client.id == top.invoice.client_id


async def test_home_shows_what_changed_elsewhere_when_it_comes_back(app, today):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert len(schedule(app).loaded_rows) == 4
        await pilot.press("f5")
        await pilot.pause()
        sessions.cancel_session(today["late"], "Client is ill")
        await pilot.press("f2")
        await pilot.pause()
        assert [r.start.hour for r in schedule(app).loaded_rows] == [8, 9, 12]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_home_snapshot(snap_compare, app, today, size):
    assert snap_compare(app, terminal_size=size)
