"""The time clock: staff clock in and out with a time code, and a manager
corrects the entries.

An entry is a user's stretch of time under one code, from ``started_at`` to
``ended_at`` (UTC instants from the studio's clock; ``ended_at`` is None while
the user is in). Clocking in with another code while in ends the current
entry and starts the next at the same instant (regular -> lunch -> regular),
so a user has one open entry at most: the check runs inside the write
transaction, and a partial unique index (migration 0008) backs it when two
terminals clock in at the same moment.

Only a manager or the owner edits or adds an entry, always with a reason;
each change is audited with the entry before and after and the reason.
Weekly time sheets are in timesheet.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import IntegrityError

from . import audit, clock, text, versions
from .db import write_transaction
from .errors import DomainError, NotFound, PermissionDenied, ValidationError
from .models import TimeEntry, User, database
from .permissions import Permission, allowed, require
from .users import current_user, current_user_name
from .when import parse_when


@dataclass(frozen=True)
class TimeCode:
    code: str
    label: str
    paid: bool


# The time codes, in the order screens and time sheets show them.
TIME_CODES: dict[str, TimeCode] = {
    "regular": TimeCode("regular", "Regular", paid=True),
    "break": TimeCode("break", "Break", paid=True),
    "lunch": TimeCode("lunch", "Lunch", paid=False),
}
PAID_CODES = tuple(code for code, time_code in TIME_CODES.items() if time_code.paid)


def time_code(code: str, field: str = "code") -> TimeCode:
    found = TIME_CODES.get((code or "").strip().lower())
    if found is None:
        raise ValidationError(f"'{code}' is not a time code: use {', '.join(TIME_CODES)}.", field)
    return found


def wall_clock(instant: dt.datetime) -> str:
    """A UTC instant as the studio's wall time, '9:02 AM'."""
    local = clock.to_local(instant)
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def wall_stamp(instant: dt.datetime) -> str:
    """A UTC instant as the studio's date and wall time, '11/30/2026 9:02 AM'."""
    return f"{clock.to_local(instant):%m/%d/%Y} {wall_clock(instant)}"


def note_stamp() -> str:
    """What Ctrl+T types into a note: the studio's date and time now and the
    signed-in user's initials, '11/30/2026 9:02 AM RG: '."""
    user = current_user()
    who = (user.initials or user.username) if user is not None else current_user_name()
    return f"{wall_stamp(clock.utc_now())} {who}: "


# ------------------------------------------------------------ clocking in and out


def open_entry(user: User) -> TimeEntry | None:
    """The user's entry still running (None when out)."""
    return TimeEntry.get_or_none((TimeEntry.user == user.id) & TimeEntry.ended_at.is_null())


def _signed_in(doing: str) -> User:
    user = current_user()
    if user is None:
        raise PermissionDenied(f"Sign in to {doing}: the time clock is each person's own.")
    return user


def state_line(user: User) -> str:
    """'In since 9:02 AM (Regular)' or 'Out'."""
    entry = open_entry(user)
    if entry is None:
        return "Out"
    return f"In since {wall_clock(entry.started_at)} ({TIME_CODES[entry.code].label})"


@write_transaction
def clock_in(code: str = "regular", note: str = "") -> TimeEntry:
    """Clock the signed-in user in with ``code``; when in with another code,
    that entry ends now and the new one starts now. Returns the new entry."""
    chosen = time_code(code)
    user = _signed_in("clock in")
    now = clock.utc_now()
    running = open_entry(user)
    if running is not None:
        if running.code == chosen.code:
            raise DomainError(
                f"{user.full_name} is already clocked in ({chosen.label}) since {wall_clock(running.started_at)}."
            )
        _end(running, now, "time.switch")
    try:
        with database.atomic():  # a savepoint: the index's refusal leaves the transaction usable
            entry = TimeEntry.create(
                user=user.id, code=chosen.code, started_at=now, note=text.notes(note), created_by=user.username
            )
    except IntegrityError:  # another terminal clocked this user in a moment ago
        raise DomainError(f"{user.full_name} was just clocked in at another terminal.") from None
    audit.record("time.in", "time_entry", entry.id, None, entry)
    return entry


@write_transaction
def clock_out(note: str = "") -> TimeEntry:
    """End the signed-in user's running entry now; returns it."""
    user = _signed_in("clock out")
    running = open_entry(user)
    if running is None:
        raise DomainError(f"{user.full_name} is not clocked in: there is nothing to clock out.")
    _end(running, clock.utc_now(), "time.out", note)
    return running


def _end(entry: TimeEntry, at: dt.datetime, action: str, note: str = "") -> None:
    """End ``entry`` (read in this transaction) at ``at``; a note is added to its own."""
    before = audit.snapshot(entry)
    notes = "\n".join(part for part in (entry.note, text.notes(note)) if part)
    versions.write_changes(entry, "The time entry", ended_at=at, note=notes)
    audit.record(action, "time_entry", entry.id, before, entry)


def who_is_in() -> list[tuple[User, TimeEntry]]:
    """Everyone clocked in now, by name, with their running entry."""
    rows = (
        TimeEntry.select(TimeEntry, User)
        .join(User, on=(TimeEntry.user == User.id))
        .where(TimeEntry.ended_at.is_null())
        .order_by(User.full_name)
    )
    return [(entry.user, entry) for entry in rows]


# ------------------------------------------------------------ a manager's corrections


@dataclass(frozen=True)
class EntryFields:
    """An entry as a manager types it: times are the studio's wall times
    ('9:02am', '11/30 5:15pm'); an empty end leaves the entry running."""

    start: str
    end: str
    code: str
    reason: str


def get_entry(entry_id: int) -> TimeEntry:
    entry = TimeEntry.get_or_none(TimeEntry.id == entry_id)
    if entry is None:
        raise NotFound(f"There is no time entry #{entry_id}: it was removed.")
    return entry


def _wall_instant(typed: str, field: str, label: str, day: dt.datetime) -> dt.datetime:
    """A typed wall time as a UTC instant; a time alone is on ``day``'s date."""
    try:
        wall = parse_when(typed, now=day, default_time=dt.time(9, 0))
    except ValidationError as error:
        raise ValidationError(f"{label}: {error}", field) from None
    return clock.to_utc(clock.checked_wall_time(wall, field))


def _reason(typed: str) -> str:
    reason = text.notes(typed).strip()
    if not reason:
        raise ValidationError("Say why the entry is changed: the reason goes into the audit log.", "reason")
    return reason


def _checked(user: User, fields: EntryFields, day: dt.datetime, entry_id: int | None) -> dict:
    """The entry's values from what was typed, refused when it ends before it
    starts, is in the future, or overlaps another entry of the same user."""
    code = time_code(fields.code).code
    start = _wall_instant(fields.start, "start", "Start", day)
    end = _wall_instant(fields.end, "end", "End", clock.to_local(start)) if fields.end.strip() else None
    now = clock.utc_now()
    if start > now or (end is not None and end > now):
        raise ValidationError("A time entry cannot be in the future.", "start" if start > now else "end")
    if end is not None and end <= start:
        raise ValidationError(f"The entry ends ({wall_stamp(end)}) before it starts ({wall_stamp(start)}).", "end")
    others = TimeEntry.select().where(TimeEntry.user == user.id)
    if entry_id is not None:
        others = others.where(TimeEntry.id != entry_id)
    if end is not None:
        others = others.where(TimeEntry.started_at < end)
    overlap = others.where(TimeEntry.ended_at.is_null() | (TimeEntry.ended_at > start)).order_by(TimeEntry.started_at)
    clash = overlap.first()
    if clash is not None:
        until = wall_stamp(clash.ended_at) if clash.ended_at is not None else "now (still running)"
        raise ValidationError(
            f"{user.full_name}'s entries would overlap: {TIME_CODES[clash.code].label} from "
            f"{wall_stamp(clash.started_at)} to {until}.",
            "start",
        )
    return {"code": code, "started_at": start, "ended_at": end}


@write_transaction
def edit_entry(entry: TimeEntry, fields: EntryFields) -> TimeEntry:
    """A manager's correction of ``entry`` as loaded (refused when another
    terminal changed it since); audited with the reason."""
    require(Permission.EDIT_TIME_CLOCK)
    reason = _reason(fields.reason)
    stored = versions.current(entry, "The time entry")
    values = _checked(stored.user, fields, clock.to_local(stored.started_at), stored.id)
    before = audit.snapshot(stored)
    try:
        with database.atomic():
            changed = versions.write_changes(stored, "The time entry", **values)
    except IntegrityError:
        raise ValidationError(f"{stored.user.full_name} already has an entry running.", "end") from None
    if changed:
        audit.record("time.edit", "time_entry", stored.id, before, {**audit.snapshot(stored), "reason": reason})
    return versions.adopt(entry, stored)


@write_transaction
def add_entry(user: User, fields: EntryFields) -> TimeEntry:
    """A manager adds an entry the user forgot to clock; audited with the reason."""
    require(Permission.EDIT_TIME_CLOCK)
    reason = _reason(fields.reason)
    values = _checked(user, fields, clock.now(), None)
    entry = TimeEntry.create(user=user.id, created_by=current_user_name(), **values)
    audit.record("time.add", "time_entry", entry.id, None, {**audit.snapshot(entry), "reason": reason})
    return entry


def may_edit(user: User | None = None) -> bool:
    """For a screen that dims its edit keys (the services check again)."""
    return allowed(Permission.EDIT_TIME_CLOCK, user)
