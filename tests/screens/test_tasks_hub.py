"""The Tasks hub (F11): its views (mine, everyone's, overdue, upcoming,
done), a task due Friday with no client listed, done/reopen, assign, the
task dialog's priority and session, the client and the session opened from
a task, a fast burst of keys; it fits 80x24 and 120x40; Home still lists
today's and late tasks."""
import datetime as dt

import pytest
from textual.widgets import Input, Select

from spectra_tui.data import tasks
from spectra_tui.data.models import Session, Task
from spectra_tui.data.tasks import TaskFields
from spectra_tui.screens.clients.record import ClientRecord
from spectra_tui.screens.dialogs import ReasonDialog
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.sessions.record import SessionRecord
from spectra_tui.screens.tasks import TaskDialog
from spectra_tui.screens.tasks_hub import TasksHub
from spectra_tui.screens.widgets import PagedTable

from .conftest import FIXED_DAY
from .layout import assert_fits, screen_lines

SIZE = (120, 40)
FRIDAY = FIXED_DAY + dt.timedelta(days=(4 - FIXED_DAY.weekday()) % 7 or 7)


def listed(app) -> list[int]:
    return [t.id for t in app.screen.query_one("#tasks-list", PagedTable).loaded_rows]


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_hub(app, pilot, view: str = tasks.MINE) -> TasksHub:
    await pilot.press("f11")
    hub = app.screen
    assert isinstance(hub, TasksHub)
    if view != tasks.MINE:
        hub.query_one("#tasks-view", Select).value = view
        await pilot.pause()
    hub.query_one("#tasks-list", PagedTable).focus()
    return hub


def select(app, task: Task) -> None:
    app.screen.query_one("#tasks-list", PagedTable).move_to_key(task.id)


async def test_f11_lists_a_task_due_friday_with_no_client(app):
    friday = tasks.create_task(TaskFields("Order frames", due=FRIDAY))
    mine = tasks.create_task(TaskFields("Call the lab", due=FRIDAY, assigned_to="rita", priority="high"))
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot)
        assert listed(app)[0] == mine.id and friday.id not in listed(app)  # Mine: Rita's
        await pilot.press("v")  # everyone's
        assert friday.id in listed(app) and mine.id in listed(app)
        await pilot.press("v", "v")  # overdue, then upcoming 7 days
        assert app.screen.query_one("#tasks-view", Select).value == tasks.UPCOMING_7
        assert friday.id in listed(app)
        text = "\n".join(screen_lines(app))
        assert "Order frames" in text and f"{FRIDAY:%a %m/%d}" in text


async def test_the_views_show_overdue_in_red_by_priority_then_due(app):
    late = tasks.create_task(TaskFields("Late one", due=FIXED_DAY - dt.timedelta(days=3), priority="low"))
    high = tasks.create_task(TaskFields("High one", due=FIXED_DAY + dt.timedelta(days=20), priority="high"))
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot, tasks.OVERDUE)
        table = app.screen.query_one("#tasks-list", PagedTable)
        assert late.id in listed(app) and high.id not in listed(app)
        due = table.get_row(str(late.id))[2]
        assert str(due).endswith(" late") and "red" in str(due.style)
        app.screen.query_one("#tasks-view", Select).value = tasks.EVERYONE
        await pilot.pause()
        ids = listed(app)
        assert ids.index(high.id) < ids.index(late.id)  # the higher priority first


async def test_done_then_reopen_with_the_keys(app):
    task = tasks.create_task(TaskFields("Frame it", due=FIXED_DAY, assigned_to="rita"))
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot)
        select(app, task)
        await pilot.press("d")
        assert Task.get_by_id(task.id).done_by == "rita" and task.id not in listed(app)
        app.screen.query_one("#tasks-view", Select).value = tasks.DONE
        await pilot.pause()
        assert listed(app)[0] == task.id
        select(app, task)
        await pilot.press("r")
        assert Task.get_by_id(task.id).done_at is None and task.id not in listed(app)
        assert "Reopened: Frame it." in said(app)


async def test_assign_asks_for_whom(app):
    task = tasks.create_task(TaskFields("Call Ann", due=FRIDAY))
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot, tasks.EVERYONE)
        select(app, task)
        await pilot.press("a")
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press(*"nobody", "enter")
        assert isinstance(app.screen, ReasonDialog) and "nobody" in str(app.screen.query_one("#reason-error").render())
        app.screen.query_one("#reason", Input).value = "rita"
        await pilot.press("enter")
        assert isinstance(app.screen, TasksHub)
        assert Task.get_by_id(task.id).assigned_to.username == "rita"
        await pilot.press("v", "v", "v", "v", "v")  # round to Mine
        assert task.id in listed(app)


async def test_ctrl_d_and_enter_edit_priority_and_session_then_open_them(app):
    session = Session.select().order_by(Session.number).first()
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot, tasks.EVERYONE)
        await pilot.press("ctrl+d")
        assert isinstance(app.screen, TaskDialog)
        # a fast burst, as typed ahead: title, due, priority, for, session, notes
        await pilot.press(*"Send proofs", "enter", *"fri", "enter", *"h", "enter", "enter",
                          *str(session.number), "enter", "enter")
        assert isinstance(app.screen, TasksHub)
        task = Task.get(Task.title == "Send proofs")
        assert (task.priority, task.session_id, task.client_id, task.due) == (
            Task.HIGH, session.id, session.client_id, FRIDAY)
        assert listed(app)[0] == task.id
        select(app, task)
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        assert dialog.query_one("#f-priority", Input).value == "high"
        assert dialog.query_one("#f-session", Input).value == str(session.number)
        dialog.query_one("#f-priority", Input).value = "low"
        await pilot.press("ctrl+w")
        assert Task.get_by_id(task.id).priority == Task.LOW
        select(app, task)
        await pilot.press("s")
        assert isinstance(app.screen, SessionRecord) and app.screen.session.id == session.id
        await pilot.press("escape")
        select(app, task)
        await pilot.press("c")
        assert isinstance(app.screen, ClientRecord) and app.screen.client.id == session.client_id


async def test_a_task_about_no_client_says_so(app):
    task = tasks.create_task(TaskFields("Order frames", due=FRIDAY, assigned_to="rita"))
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot)
        select(app, task)
        await pilot.press("c", "s")
        assert isinstance(app.screen, TasksHub)
        assert said(app)[-2:] == ["'Order frames' is about no client.", "'Order frames' is about no session."]


async def test_home_still_lists_today_s_and_late_tasks_with_the_new_fields(app):
    session = Session.select().order_by(Session.number).first()
    today = tasks.create_task(TaskFields("Today's", due=FIXED_DAY, priority="high", session=str(session.number)))
    late = tasks.create_task(TaskFields("Late", due=FIXED_DAY - dt.timedelta(days=2), priority="low"))
    later = tasks.create_task(TaskFields("Friday's", due=FRIDAY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)
        table = app.screen.query_one("#tasks", PagedTable)
        shown = [t.id for t in table.loaded_rows]
        assert today.id in shown and late.id in shown and later.id not in shown
        assert "Today's (high)" in str(table.get_row(str(today.id))) and "Late (low)" in str(table.get_row(str(late.id)))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_hub_fits_the_terminal(app, size):
    tasks.create_task(TaskFields("Order frames for the Lee family wall portrait", due=FRIDAY, assigned_to="rita"))
    async with app.run_test(size=size) as pilot:
        await open_hub(app, pilot)
        assert_fits(app.screen)
        text = "\n".join(screen_lines(app))
        for words in ("F11 Tasks", "Order frames", "normal", "Ctrl+D new"):
            assert words in text, (size, words)
