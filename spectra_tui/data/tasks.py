"""Tasks: the studio's to-dos (call back, order prints, send the proofs).

A task has a title, a priority (low, normal, high), maybe a due day, maybe a
client or one of its sessions it is about (the session's client follows) and
a person it is for. It is open until marked done; done tasks stay (who did
it, when) and can be reopened. The Home hub lists the open tasks due today or
earlier; the Tasks hub (F11) lists them by view (``TaskQuery``): mine,
everyone's, overdue, upcoming, done.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import JOIN

from . import audit, clock, text, versions
from .db import write_transaction
from .errors import NotFound, ValidationError
from .models import Client, PhoneCall, Session, Task, User, database
from .users import current_user, current_user_name, find_user
from .when import parse_day


@dataclass(frozen=True)
class TaskFields:
    """What a person types for a task; every value is text as typed."""

    title: str
    due: str | dt.date = ""  # "tomorrow", "12/3", "+2d"... or empty for no due day
    assigned_to: str = ""  # a user name or full name, or empty for anyone
    notes: str = ""
    priority: str = "normal"  # low, normal or high
    session: str = ""  # the number of the session it is about, or empty


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


def parse_priority(typed: str) -> int:
    """'high', 'normal' or 'low' (or its first letter, any case); empty is normal."""
    key = (typed or "").strip().lower()
    if not key:
        return Task.NORMAL
    for value, name in Task.PRIORITIES.items():
        if key in (name, name[0]):
            return value
    raise ValidationError(f"'{typed.strip()}' is not a priority: type high, normal or low.", "priority")


def _session(typed: str) -> Session | None:
    number = (typed or "").strip().lstrip("#")
    if not number:
        return None
    if not number.isdigit():
        raise ValidationError(
            f"'{typed.strip()}' is not a session number: type e.g. 1043, or leave it empty.", "session"
        )
    session = Session.get_or_none(Session.number == int(number))
    if session is None:
        raise ValidationError(f"There is no session number {number}: leave it empty for none.", "session")
    return session


def _about(session: Session | None, client: Client | None) -> Client | None:
    """The client the task is about: the session's when it names one (its client follows)."""
    if session is None:
        return client
    if client is not None and client.id != session.client_id:
        raise ValidationError(
            f"Session {session.number} is {session.client.full_name}'s, not {client.full_name}'s: "
            "type one of this client's sessions, or leave it empty.",
            "session",
        )
    return session.client


def _clean(fields: TaskFields, client: Client | None) -> dict:
    title = text.heading(fields.title, "title", "The task", "Say what is to be done.")
    notes = text.notes(fields.notes)
    session = _session(fields.session)
    return {
        "title": title,
        "due": parse_due(fields.due),
        "assigned_to": _assignee(fields.assigned_to),
        "notes": notes,
        "priority": parse_priority(fields.priority),
        "session": session,
        "client": _about(session, client),
    }


@write_transaction
def create_task(fields: TaskFields, client: Client | None = None, phone_call: PhoneCall | None = None) -> Task:
    """A new task, about ``client`` (or the client of the session typed);
    ``phone_call``: the call this task is the call-back of (data/phone_calls.log_call)."""
    with database.atomic():
        values = _clean(fields, client)
        task = Task.create(phone_call=phone_call, created_by=current_user_name(), **values)
        audit.record("task.add", "task", task.id, None, task)
    return task


def get_task(task_id: int) -> Task:
    task = Task.get_or_none(Task.id == task_id)
    if task is None:
        raise NotFound(f"There is no task #{task_id}: it was removed.")
    return task


@write_transaction
def update_task(task: Task, fields: TaskFields) -> Task:
    """Save the task form: refused when another terminal saved the task since it was loaded.
    The client stays, unless the session typed is another client's (refused) or the task had none."""
    with database.atomic():
        stored = versions.current(task, _what(task))
        client = Client.get_by_id(stored.client_id) if stored.client_id is not None else None
        values = _clean(fields, client)
        return _change(task, stored, "task.edit", **values)


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


@write_transaction
def assign_task(task: Task, typed: str) -> Task:
    """For the person typed (user name, initials or full name), or anyone when empty."""
    person = _assignee(typed)
    with database.atomic():
        stored = versions.current(task, _what(task))
        return _change(task, stored, "task.assign", assigned_to=person)


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


# ---------------------------------------------------------------- the Tasks hub's lists

MINE, EVERYONE, OVERDUE, UPCOMING_7, UPCOMING_30, DONE = (
    "mine",
    "everyone",
    "overdue",
    "upcoming7",
    "upcoming30",
    "done",
)
VIEWS = (MINE, EVERYONE, OVERDUE, UPCOMING_7, UPCOMING_30, DONE)
UPCOMING_DAYS = {UPCOMING_7: 7, UPCOMING_30: 30}
# Open tasks are listed by priority (high first), then due day (undated last
# within a priority), then as made: one indexed query per (priority, dated) part.
_PARTS = [(priority, dated) for priority in sorted(Task.PRIORITIES, reverse=True) for dated in (True, False)]


@dataclass(frozen=True)
class TaskQuery:
    """``view``: one of VIEWS: mine (open, for the signed-in user), everyone's
    (open), overdue (open, due before the studio's today), upcoming (open, due
    today to 7 or 30 days on), done (the latest done first)."""

    view: str = MINE


def _joined():
    return (
        Task.select(Task, Client, Session, User)
        .join(Client, JOIN.LEFT_OUTER, on=(Task.client == Client.id))
        .switch(Task)
        .join(Session, JOIN.LEFT_OUTER, on=(Task.session == Session.id))
        .switch(Task)
        .join(User, JOIN.LEFT_OUTER, on=(Task.assigned_to == User.id))
    )


def _where(select: Any, view: str, today: dt.date) -> Any:
    if view not in VIEWS:
        raise ValidationError(f"Show one of: {', '.join(VIEWS)}.")
    if view == DONE:
        return select.where(Task.done_at.is_null(False))
    select = select.where(Task.done_at.is_null())
    if view == MINE:
        me = current_user()
        select = select.where(Task.assigned_to == (me.id if me is not None else 0))
    elif view == OVERDUE:
        select = select.where(Task.due < today)
    elif view in UPCOMING_DAYS:
        select = select.where(Task.due.between(today, today + dt.timedelta(days=UPCOMING_DAYS[view])))
    return select


def _after_in_part(select: Any, after: Task, dated: bool) -> Any:
    if not dated:
        return select.where(Task.id > after.id)
    return select.where((Task.due > after.due) | ((Task.due == after.due) & (Task.id > after.id)))


def search_tasks(query: TaskQuery, limit: int = 50, after: Task | None = None) -> list[Task]:
    """A page of the view's tasks; ``after``: the last task of the previous page (keyset)."""
    limit = max(1, min(limit, 500))
    today = clock.today()
    if query.view == DONE:
        select = _where(_joined(), DONE, today)
        if after is not None:
            select = select.where(
                (Task.done_at < after.done_at) | ((Task.done_at == after.done_at) & (Task.id < after.id))
            )
        return list(select.order_by(Task.done_at.desc(), Task.id.desc()).limit(limit))
    start = 0 if after is None else _PARTS.index((after.priority, after.due is not None))
    rows: list[Task] = []
    for priority, dated in _PARTS[start:]:
        if not dated and query.view not in (MINE, EVERYONE):
            continue  # an undated task is never overdue nor upcoming
        select = _where(_joined(), query.view, today).where((Task.priority == priority) & Task.due.is_null(not dated))
        if after is not None and (priority, dated) == _PARTS[start]:
            select = _after_in_part(select, after, dated)
        rows.extend(select.order_by(Task.due, Task.id).limit(limit - len(rows)))
        if len(rows) == limit:
            break
    return rows


def count_tasks(query: TaskQuery, cap: int = 10000) -> int:
    return _where(Task.select(Task.id), query.view, clock.today()).limit(cap).count()


def is_overdue(task: Task, today: dt.date | None = None) -> bool:
    return task.done_at is None and task.due is not None and task.due < (today or clock.today())
