"""Tasks: the studio's to-dos (call back, order prints, send the proofs).

A task has a title, maybe a due day, maybe a client it is about and a person
it is for. It is open until marked done; done tasks stay (who did it, when)
and can be reopened. The Home hub lists the open tasks due today or earlier.
"""

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from . import audit, clock, text, versions
from .db import write_transaction
from .errors import NotFound, ValidationError
from .models import Client, PhoneCall, Task, User, database
from .users import current_user_name, find_user
from .when import parse_day


@dataclass(frozen=True)
class TaskFields:
    """What a person types for a task; every value is text as typed."""

    title: str
    due: str | dt.date = ""  # "tomorrow", "12/3", "+2d"... or empty for no due day
    assigned_to: str = ""  # a user name or full name, or empty for anyone
    notes: str = ""


def parse_due(typed: str | dt.date | None, field: str = "due") -> dt.date | None:
    """The day typed (read by ``when.parse_day``: 'tomorrow', 'fri', '12/3',
    '+2d'...), or None when empty."""
    if typed is None or isinstance(typed, dt.date):
        return typed
    if not typed.strip():
        return None
    try:
        return parse_day(typed)
    except ValidationError:
        raise ValidationError(
            f"'{typed.strip()}' is not a day: type e.g. 'tomorrow', 'fri', '12/3' or '+2d', or leave it empty.", field
        ) from None


def _assignee(name: str) -> User | None:
    if not (name or "").strip():
        return None
    try:
        return find_user(name)
    except NotFound as error:
        raise ValidationError(f"{error} Leave it empty for anyone.", "assigned_to") from error


def _clean(fields: TaskFields) -> dict:
    title = text.heading(fields.title, "title", "The task", "Say what is to be done.")
    notes = text.notes(fields.notes)
    return {"title": title, "due": parse_due(fields.due), "assigned_to": _assignee(fields.assigned_to), "notes": notes}


@write_transaction
def create_task(fields: TaskFields, client: Client | None = None, phone_call: PhoneCall | None = None) -> Task:
    """``phone_call``: the call this task is the call-back of (data/phone_calls.log_call)."""
    values = _clean(fields)
    with database.atomic():
        task = Task.create(client=client, phone_call=phone_call, created_by=current_user_name(), **values)
        audit.record("task.add", "task", task.id, None, task)
    return task


def get_task(task_id: int) -> Task:
    task = Task.get_or_none(Task.id == task_id)
    if task is None:
        raise NotFound(f"There is no task #{task_id}: it was removed.")
    return task


@write_transaction
def update_task(task: Task, fields: TaskFields) -> Task:
    """Save the task form: refused when another terminal saved the task since it was loaded."""
    values = _clean(fields)
    return _change(task, versions.current(task, _what(task)), "task.edit", **values)


@write_transaction
def complete_task(task: Task) -> Task:
    """Mark done (who, when). A task already done stays as it was."""
    stored = _stored(task)
    if stored.done_at is not None:
        return versions.adopt(task, stored)
    return _change(task, stored, "task.done", done_at=clock.utc_now(), done_by=current_user_name())


@write_transaction
def reopen_task(task: Task) -> Task:
    return _change(task, _stored(task), "task.reopen", done_at=None, done_by="")


def _what(task: Task) -> str:
    return f"The task '{task.title}'"


def _stored(task: Task) -> Task:
    stored = Task.get_or_none(Task.id == task.id)
    if stored is None:
        raise NotFound(f"{_what(task)} no longer exists: it was removed in another terminal.")
    return stored


def _change(task: Task, stored: Task, action: str, **values) -> Task:
    """Write ``values`` to the task as ``stored`` (read in the caller's
    transaction) and audit the change; the caller's copy becomes the stored one."""
    before = audit.snapshot(stored)
    if versions.write_changes(stored, _what(task), **values):
        audit.record(action, "task", task.id, before, stored)
    return versions.adopt(task, stored)


def tasks_due(day: dt.date, limit: int = 50, after: Task | None = None) -> list[Task]:
    """Open tasks due on ``day`` or earlier, the longest overdue first (then
    in the order they were made). ``after`` is the last task of the previous
    page (keyset pagination)."""
    select = (
        Task.select(Task, Client, User)
        .join(Client, JOIN.LEFT_OUTER, on=(Task.client == Client.id))
        .switch(Task)
        .join(User, JOIN.LEFT_OUTER, on=(Task.assigned_to == User.id))
        .where(Task.done_at.is_null() & (Task.due <= day))
    )
    if after is not None:
        select = select.where((Task.due > after.due) | ((Task.due == after.due) & (Task.id > after.id)))
    return list(select.order_by(Task.due, Task.id).limit(max(1, min(limit, 500))))


def tasks_of_client(client: Client, limit: int = 200) -> list[Task]:
    """The client's tasks: open ones first (soonest due first, then undated), then done ones, newest first."""
    open_first = Task.done_at.is_null().desc()
    return list(
        Task.select()
        .where(Task.client == client.id)
        .order_by(open_first, Task.due.is_null(), Task.due, Task.done_at.desc(), Task.id)
        .limit(limit)
    )
