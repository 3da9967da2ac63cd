"""Tasks at the front desk (Ctrl+D from anywhere, Home's "Tasks due": Enter
edits, d marks done) and phone calls on the client record (the Phone Calls
tab: l logs a call, a call-back day makes a task). Keystrokes in, the
database checked."""
import datetime as dt

import pytest

from spectra_tui.data import tasks as task_data
from spectra_tui.data.models import Client, PhoneCall, Task
from spectra_tui.screens.clients import ClientRecord
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.phone_calls import PhoneCallDialog
from spectra_tui.screens.tasks import TaskDialog
from spectra_tui.screens.widgets import PagedTable

from .conftest import FIXED_DAY
from .layout import SIZE_IDS, SIZES, assert_fits


def due_list(app) -> PagedTable:
    return app.screen.query_one("#tasks", PagedTable)


async def type_in(pilot, *texts: str) -> None:
    """Each text typed, then Enter (as a receptionist fills a small form)."""
    for text in texts:
        await pilot.press(*text, "enter") if text else await pilot.press("enter")


async def test_home_lists_the_open_tasks_due_today_or_late(app, demo_db):
    due = list(Task.select().where(Task.done_at.is_null() & (Task.due <= FIXED_DAY)).order_by(Task.due, Task.id))
    assert due, "the demo has tasks due"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert [t.id for t in due_list(app).loaded_rows] == [t.id for t in due]


async def test_ctrl_d_makes_a_task_from_the_home_hub_and_it_shows_when_due(app, demo_db):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, TaskDialog)
        await type_in(pilot, "Call the lab", "today", "", "sam", "", "ask for the canvas proof")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)
        task = Task.select().order_by(Task.id.desc()).get()
        assert (task.title, task.due, task.assigned_to.username, task.notes, task.client_id) == (
            "Call the lab", FIXED_DAY, "sam", "ask for the canvas proof", None)
        assert task.id in [t.id for t in due_list(app).loaded_rows]


async def test_a_bad_due_day_is_said_at_the_field_and_nothing_typed_is_lost(app, demo_db):
    before = Task.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        await type_in(pilot, "Order frames", "someday", "", "", "", "")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TaskDialog) and Task.select().count() == before
        assert "is not a day" in str(dialog.query_one("#err-due").render())
        assert dialog.query_one("#f-title").value == "Order frames"
        assert app.focused is dialog.query_one("#f-due")
        await pilot.press("home", "shift+end", "backspace", *"+2d", "ctrl+w")
        await pilot.pause()
        assert Task.select().order_by(Task.id.desc()).get().due == FIXED_DAY + dt.timedelta(days=2)


async def test_keys_typed_ahead_land_in_the_right_fields(app, demo_db):
    """A burst faster than the screen draws (a scanner, a fast typist):
    what follows each Enter goes to the next field, the save sees it all."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        for key in [*"Retouch", "enter", *"fri", "enter", "h", "enter", *"ava", "enter", "enter", *"skin only", "enter"]:
            app.post_message(_key(key))
        await pilot.pause(0.3)
        task = Task.select().order_by(Task.id.desc()).get()
        assert (task.title, task.due, task.priority, task.assigned_to.username, task.notes) == (
            "Retouch", dt.date(2026, 11, 27), Task.HIGH, "ava", "skin only")


def _key(key: str):
    from textual import events

    return events.Key(key, "\r" if key == "enter" else key)


async def test_enter_on_a_due_task_edits_it_and_d_marks_it_done(app, demo_db):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        table = due_list(app)
        table.focus()
        first = table.loaded_rows[0]
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TaskDialog) and dialog.query_one("#f-title").value == first.title
        await pilot.press("home", "shift+end", "backspace", *"Frame the canvas in oak", "ctrl+w")
        await pilot.pause()
        assert Task.get_by_id(first.id).title == "Frame the canvas in oak"
        assert app.focused is table and table.loaded_rows[0].id == first.id
        await pilot.press("d")
        await pilot.pause()
        done = Task.get_by_id(first.id)
        assert done.done_at is not None and done.done_by == "rita"
        assert first.id not in [t.id for t in due_list(app).loaded_rows]


async def test_ctrl_d_in_a_client_record_makes_a_task_about_that_client(app, demo_db):
    client = Client.get_by_id(5)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, TaskDialog) and client.full_name in app.screen.TITLE_TEXT
        await type_in(pilot, "Send the proof gallery", "tomorrow", "", "", "", "")
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord)
        assert [t.title for t in task_data.tasks_of_client(client)][0] == "Send the proof gallery"


async def test_the_phone_calls_tab_logs_a_call_and_its_call_back_task(app, demo_db):
    client = Client.get_by_id(7)
    calls_before = PhoneCall.select().where(PhoneCall.client == client.id).count()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        for _ in range(ClientRecord.TABS.index("phone_calls")):
            await pilot.press("ctrl+pagedown")
            await pilot.pause()
        record = app.screen
        assert record.active_tab == "phone_calls"
        table = record.query_one("#calls-table", PagedTable)
        assert app.focused is table and len(table.loaded_rows) == calls_before
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, PhoneCallDialog)
        await type_in(pilot, "Album quote", "out", "", "wants the linen cover", "mon")
        await pilot.pause()
        assert app.screen is record
        call = PhoneCall.select().order_by(PhoneCall.id.desc()).get()
        assert (call.client_id, call.subject, call.direction, call.notes) == (
            client.id, "Album quote", PhoneCall.OUTGOING, "wants the linen cover")
        assert table.loaded_rows[0].id == call.id
        task = Task.select().order_by(Task.id.desc()).get()
        assert task.client_id == client.id and task.due == dt.date(2026, 11, 30) and "Album quote" in task.title


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_task_dialog_snapshot(snap_compare, app, demo_db, size):
    """A new task about a client, with a due day that is not a day: the
    message under its field, nothing cut off."""
    async def run_before(pilot):
        await pilot.app.push_screen(ClientRecord(Client.get_by_id(5)))
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        await type_in(pilot, "Order the album", "whenever", "", "")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_phone_call_dialog_snapshot(snap_compare, app, demo_db, size):
    async def run_before(pilot):
        await pilot.app.push_screen(ClientRecord(Client.get_by_id(7), tab="phone_calls"))
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        await pilot.press(*"Album quote", "enter", *"out")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, run_before=run_before, terminal_size=size)
