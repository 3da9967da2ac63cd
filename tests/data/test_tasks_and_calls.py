"""Tasks (due day, person, client, done/reopen, the Home's due list) and
phone calls (in/out, subject, a follow-up day makes a task in the same
transaction); every bad input is a readable ValidationError that saves nothing."""
import datetime as dt

import pytest

from spectra_tui.data import phone_calls, tasks
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.clock import set_clock, to_local, to_utc
from spectra_tui.data.models import AuditLog, PhoneCall, Task
from spectra_tui.data.tasks import TaskFields

NOW = dt.datetime(2026, 11, 26, 10, 0)  # a Thursday
TODAY = NOW.date()


@pytest.fixture
def desk(studio):
    set_clock(lambda: to_utc(NOW))
    return studio


def test_a_task_reads_its_due_day_as_typed_and_its_person_by_name(desk):
    task = tasks.create_task(TaskFields("  order   8x10 prints ", due="tomorrow", assigned_to="Ava Reyes"),
                             client=desk.client)
    assert (task.title, task.due, task.assigned_to.username, task.client_id) == (
        "order 8x10 prints", TODAY + dt.timedelta(days=1), "ava", desk.client.id)
    assert task.created_by == "rita" and task.done_at is None
    assert tasks.create_task(TaskFields("Send proofs", due="12/3")).due == dt.date(2026, 12, 3)
    assert tasks.create_task(TaskFields("Someday")).due is None
    assert AuditLog.select().where(AuditLog.action == "task.add").count() == 3


@pytest.mark.parametrize("fields, field", [
    (TaskFields(""), "title"),
    (TaskFields("   "), "title"),
    (TaskFields("x" * 201), "title"),
    (TaskFields("Call", due="someday soon"), "due"),
    (TaskFields("Call", due="13/45"), "due"),
    (TaskFields("Call", assigned_to="nobody"), "assigned_to"),
    (TaskFields("Call", notes="n" * 10_001), "notes"),
])
def test_a_bad_task_is_refused_with_a_message_for_its_field(desk, fields, field):
    with pytest.raises(ValidationError) as refused:
        tasks.create_task(fields)
    assert refused.value.field == field and str(refused.value)
    assert Task.select().count() == 0


def test_done_and_reopened_keep_who_and_when(desk):
    task = tasks.create_task(TaskFields("Frame the canvas", due="today"))
    done = tasks.complete_task(task)
    assert to_local(done.done_at) == NOW and done.done_by == "rita"
    assert to_local(tasks.complete_task(done).done_at) == NOW  # done twice: unchanged
    again = tasks.reopen_task(done)
    assert again.done_at is None and again.done_by == ""
    assert [a.action for a in AuditLog.select().where(AuditLog.entity == "task").order_by(AuditLog.id)] == [
        "task.add", "task.done", "task.reopen"]


def test_an_edit_changes_the_task_and_is_audited(desk):
    task = tasks.create_task(TaskFields("Call Ann", due="today"))
    edited = tasks.update_task(task, TaskFields("Call Ann about the album", due="+2d", assigned_to="rita"))
    assert (edited.title, edited.due, edited.assigned_to.username) == (
        "Call Ann about the album", TODAY + dt.timedelta(days=2), "rita")
    with pytest.raises(ValidationError):
        tasks.update_task(task, TaskFields(""))
    assert Task.get_by_id(task.id).title == "Call Ann about the album"  # nothing lost


def test_tasks_due_lists_open_tasks_due_today_or_earlier_longest_overdue_first_in_pages(desk):
    made = {}
    for title, due in [("today 1", "today"), ("overdue", "11/20"), ("today 2", "today"), ("future", "+3d"),
                       ("undated", "")]:
        made[title] = tasks.create_task(TaskFields(title, due=due))
    tasks.complete_task(tasks.create_task(TaskFields("done already", due="11/19")))
    assert [t.title for t in tasks.tasks_due(TODAY)] == ["overdue", "today 1", "today 2"]
    first = tasks.tasks_due(TODAY, limit=2)
    assert [t.title for t in first] == ["overdue", "today 1"]
    assert [t.title for t in tasks.tasks_due(TODAY, limit=2, after=first[-1])] == ["today 2"]


def test_a_client_s_tasks_open_ones_first(desk):
    later = tasks.create_task(TaskFields("later", due="+5d"), client=desk.client)
    tasks.create_task(TaskFields("undated"), client=desk.client)
    soon = tasks.create_task(TaskFields("soon", due="today"), client=desk.client)
    tasks.complete_task(later)
    tasks.create_task(TaskFields("someone else's"))
    assert [t.title for t in tasks.tasks_of_client(desk.client)] == ["soon", "undated", "later"]
    assert soon.client_id == desk.client.id


def test_a_call_is_logged_with_who_when_and_direction(desk):
    call = phone_calls.log_call(desk.client, " asked about  prices ", direction="IN", notes=" wants 16x20 ")
    assert (call.subject, call.direction, call.notes, call.at, call.user_name) == (
        "asked about prices", PhoneCall.INCOMING, "wants 16x20", NOW, "rita")
    out = phone_calls.log_call(desk.client, "Proofs ready", direction="outgoing", at="9:15am")
    assert out.direction == PhoneCall.OUTGOING and out.at == NOW.replace(hour=9, minute=15)
    assert [c.subject for c in phone_calls.calls_of_client(desk.client)] == ["asked about prices", "Proofs ready"]
    assert AuditLog.select().where(AuditLog.action == "call.log").count() == 2


def test_a_follow_up_day_makes_a_call_back_task_with_the_call(desk):
    phone_calls.log_call(desk.client, "Album choice", follow_up="mon")
    task = Task.get()
    assert task.title == "Call back Ann Lee: Album choice" and task.due == dt.date(2026, 11, 30)
    assert task.client_id == desk.client.id


@pytest.mark.parametrize("kwargs, field", [
    ({"subject": ""}, "subject"),
    ({"subject": "s" * 201}, "subject"),
    ({"subject": "Prices", "direction": "sideways"}, "direction"),
    ({"subject": "Prices", "at": "tomorrow 3pm"}, "at"),
    ({"subject": "Prices", "at": "the other day"}, "at"),
    ({"subject": "Prices", "follow_up": "whenever"}, "follow_up"),
    ({"subject": "Prices", "notes": "n" * 10_001}, "notes"),
])
def test_a_bad_call_is_refused_and_nothing_is_saved(desk, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        phone_calls.log_call(desk.client, **kwargs)
    assert refused.value.field == field and str(refused.value)
    assert PhoneCall.select().count() == 0 and Task.select().count() == 0


def test_calls_page_newest_first(desk):
    for hour in (9, 10, 8):
        phone_calls.log_call(desk.client, f"at {hour}", at=NOW.replace(hour=hour) - dt.timedelta(days=1))
    first = phone_calls.calls_of_client(desk.client, limit=2)
    assert [c.subject for c in first] == ["at 10", "at 9"]
    assert [c.subject for c in phone_calls.calls_of_client(desk.client, limit=2, after=first[-1])] == ["at 8"]


def test_whole_numbers_as_typed():
    from spectra_tui.data.text import whole_number

    assert whole_number(" 12 ", "quantity", "quantity", True) == 12
    assert whole_number("", "image_number", "image number", False) is None
    for typed, required, message in (("", True, "Enter the quantity."), ("1.5", True, "must be a whole number"),
                                     ("-2", False, "must be more than zero"), ("0", True, "must be more than zero"),
                                     ("\u0661\u0662", True, "with the digits 0-9"), ("\u00b2", True, "digits 0-9"),
                                     ("1e3", True, "must be a whole number")):
        with pytest.raises(ValidationError, match=message) as refused:
            whole_number(typed, "quantity", "quantity", required)
        assert refused.value.field == "quantity"
