"""Booking: studio hours and holidays, conflict checks, the Scheduling
Wizard's service, and moving / cancelling / no-showing bookings.

A *booking* is a session (always the camera) or an appointment (anything
else). A booking conflicts with:

- another booking of the same photographer (a session's photographer, an
  appointment's staff member) or of the same room that overlaps it in time,
  unless that booking is Cancelled or No-Show;
- a studio holiday (``Holiday``), a weekday the studio is closed, or a time
  outside the studio hours of that weekday (setting ``studio_hours``).

What happens then is the studio's ``conflict_policy`` setting:

- ``never``: refused. ``ConflictError(can_override=False)``.
- ``ask``: refused unless the call allows it. ``ConflictError(can_override=True)``:
  the screen shows the message, asks "Book it anyway?", and calls again with
  ``allow_conflict=error.conflicts`` (override exactly what was shown; a
  booking made meanwhile in another terminal is asked about again) or
  ``allow_conflict=True`` (override anything).
- ``always``: booked; the conflicts come back as ``overridden`` warnings.

Two terminals booking the same photographer at the same moment: every
writing service here first takes the calendar lock (``_lock_calendar``)
inside ONE transaction, then checks for conflicts, then inserts. On SQLite the
transaction is ``BEGIN IMMEDIATE`` (db.py sets ``lock_type``): the second
terminal waits for the first to commit and then sees its booking. On
PostgreSQL the lock is the row lock of the ``booking`` counter. So exactly one
of them succeeds; the other gets a ConflictError.

Everything the wizard asks for (new client, session or appointment, fee
invoice, payment or deposit, follow-up appointments) is created by ``book()``
in that same transaction: an error at any point leaves nothing behind, and
the session and invoice numbers drawn are given back (no gaps).
"""

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final, Protocol, overload

from peewee import JOIN

from . import audit, clients, invoices, ledger, sessions, settings, versions
from .clock import checked_wall_time, now, to_utc, wall_end
from .counters import next_number
from .db import write_transaction
from .errors import ConflictError, DomainError, NotFound, ValidationError
from .models import (
    Appointment,
    Client,
    Holiday,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Room,
    Session,
    SessionStatusChange,
    SessionType,
    User,
    database,
    tuples,
)
from .money import format_money
from .text import one_line
from .users import current_user_name, photographers
from .when import clock, describe_range, how_far, long_date, short

SESSION = "session"
APPOINTMENT = "appointment"
KINDS = (SESSION, APPOINTMENT)

SESSION_CLOSED = sessions.CLOSED_STATUSES  # ("Cancelled", "No-Show")
APPOINTMENT_CLOSED = ("Cancelled", "No-Show")
MAX_LENGTH = dt.timedelta(minutes=sessions.MAX_LENGTH_MINUTES)  # no booking is longer
# Bookings are found by an index range on their wall-time start; a DST change
# moves wall times against real ones by up to this much (2 h: Antarctica/Troll),
# so the range is widened by it and the exact overlap is compared in UTC.
DST_MARGIN = dt.timedelta(hours=2)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

PAYMENT = "payment"  # money onto the fee invoice
DEPOSIT = "deposit"  # money held for the client


class _Keep(Enum):
    """Sentinel: leave this field as it is (an enum, so ``x is KEEP`` narrows the type)."""

    KEEP = "KEEP"

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep.KEEP


# ================================================================ hours and holidays


def _parse_hhmm(text, weekday: int) -> dt.time:
    try:
        hour, minute = (int(part) for part in str(text).split(":"))
        return dt.time(hour, minute)
    except (ValueError, TypeError):
        raise DomainError(
            f"The studio hours for {DAY_NAMES[weekday]} are not valid ('{text}'); "
            "fix them in the studio settings (e.g. 09:00 to 18:00)."
        ) from None


def studio_hours() -> dict[int, tuple[dt.time, dt.time] | None]:
    """Opening hours per weekday (0 = Monday); None = closed that day."""
    raw = settings.get("studio_hours") or {}
    hours: dict[int, tuple[dt.time, dt.time] | None] = {}
    for weekday in range(7):
        value = raw.get(str(weekday))
        if not value:
            hours[weekday] = None
            continue
        opens, closes = _parse_hhmm(value[0], weekday), _parse_hhmm(value[1], weekday)
        hours[weekday] = (opens, closes) if opens < closes else None
    return hours


@write_transaction
def save_studio_hours(hours: dict) -> None:
    """Store the studio hours: {weekday 0-6 (or "0"-"6"): ("09:00", "18:00") or None}."""
    clean = clean_studio_hours(hours)
    with database.atomic():
        before = {"studio_hours": settings.get("studio_hours")}
        settings.put("studio_hours", clean)
        audit.record("settings.studio_hours", "setting", None, before, {"studio_hours": clean})


def clean_studio_hours(hours: dict) -> dict[str, list[str] | None]:
    """The studio hours checked and as stored: {"0".."6": ["09:00", "18:00"] or None}."""
    clean: dict[str, list[str] | None] = {}
    for weekday in range(7):
        value = hours.get(weekday, hours.get(str(weekday)))
        if not value:
            clean[str(weekday)] = None
            continue
        if len(value) != 2:
            raise ValidationError(f"Give {DAY_NAMES[weekday]}'s opening and closing times.", "studio_hours")
        times = []
        for part in value:
            if isinstance(part, dt.time):
                part = part.strftime("%H:%M")
            try:
                parsed = dt.datetime.strptime(str(part).strip(), "%H:%M").time()
            except ValueError:
                raise ValidationError(f"'{part}' is not a time; type it like 09:00 or 18:30.", "studio_hours") from None
            times.append(parsed)
        if times[0] >= times[1]:
            raise ValidationError(f"On {DAY_NAMES[weekday]} the studio must open before it closes.", "studio_hours")
        clean[str(weekday)] = [t.strftime("%H:%M") for t in times]
    return clean


def hours_on(day: dt.date) -> tuple[dt.time, dt.time] | None:
    """The studio hours of that weekday (holidays not considered)."""
    return studio_hours()[day.weekday()]


def holidays_between(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Holidays from ``first`` to ``last`` inclusive, in one query."""
    rows = tuples(Holiday.select(Holiday.day, Holiday.name).where(Holiday.day.between(first, last)))
    return {_as_date(day): name for day, name in rows}


def holiday_on(day: dt.date) -> str | None:
    """The holiday's name, or None."""
    return holidays_between(day, day).get(day)


@write_transaction
def set_holiday(day: dt.date, name: str) -> Holiday:
    """Mark a day as a studio holiday (closed), or rename it."""
    name = one_line(name)
    if not isinstance(day, dt.date):
        raise ValidationError("Choose the day of the holiday.", "day")
    if not name:
        raise ValidationError("Give the holiday a name (e.g. 'Christmas Day').", "name")
    with database.atomic():
        existing = Holiday.get_or_none(Holiday.day == day)
        before = audit.snapshot(existing) if existing else None
        if existing:
            existing.name = name
            existing.save()
            holiday = existing
        else:
            holiday = Holiday.create(day=day, name=name)
        audit.record("holiday.set", "holiday", holiday.id, before, holiday)
    return holiday


@write_transaction
def remove_holiday(day: dt.date) -> None:
    holiday = Holiday.get_or_none(Holiday.day == day)
    if holiday is None:
        raise NotFound(f"{long_date(day)} is not a holiday.")
    with database.atomic():
        before = audit.snapshot(holiday)
        Holiday.delete().where(Holiday.id == holiday.id).execute()
        audit.record("holiday.remove", "holiday", holiday.id, before, None)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class DayInfo:
    """Is the studio open that day, and when. ``holiday`` is the holiday's name."""

    day: dt.date
    opens: dt.time | None
    closes: dt.time | None
    holiday: str | None = None

    @property
    def is_open(self) -> bool:
        return self.opens is not None and self.holiday is None

    @property
    def label(self) -> str:
        """'9:00 AM – 6:00 PM', 'Closed', 'Closed: Christmas Day'."""
        if self.holiday:
            return f"Closed: {self.holiday}"
        if self.opens is None or self.closes is None:
            return "Closed"
        return f"{clock(self.opens)} – {clock(self.closes)}"

    @property
    def hours(self) -> tuple[dt.time, dt.time] | None:
        """(opens, closes) on a day the studio is open, else None."""
        if self.opens is None or self.closes is None or self.holiday is not None:
            return None
        return self.opens, self.closes

    def opening(self) -> dt.datetime | None:
        hours = self.hours
        return dt.datetime.combine(self.day, hours[0]) if hours else None

    def closing(self) -> dt.datetime | None:
        hours = self.hours
        return dt.datetime.combine(self.day, hours[1]) if hours else None


def day_infos(first: dt.date, days: int = 7) -> list[DayInfo]:
    """Open / closed / holiday for ``days`` days from ``first`` (2 queries)."""
    last = first + dt.timedelta(days=days - 1)
    hours = studio_hours()
    holidays = holidays_between(first, last)
    out = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        span = hours[day.weekday()]
        out.append(DayInfo(day, span[0] if span else None, span[1] if span else None, holidays.get(day)))
    return out


def day_info(day: dt.date) -> DayInfo:
    return day_infos(day, 1)[0]


# ================================================================ conflicts


@dataclass(frozen=True)
class Conflict:
    """One reason a booking cannot simply be taken.

    ``reason``: "photographer" (the person is already booked), "room", "holiday",
    "closed" (weekday the studio is closed), "hours" (outside studio hours).
    For "photographer" and "room", ``kind`` / ``id`` / ``number`` / ``start`` /
    ``end`` describe the booking it clashes with. ``item`` says which part of a
    wizard booking it is about: 0 the session / appointment, 1.. the follow-ups.
    """

    reason: str
    message: str
    kind: str | None = None
    id: int | None = None
    number: int | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    item: int = 0

    def __str__(self) -> str:
        return self.message

    @property
    def is_overlap(self) -> bool:
        return self.reason in ("photographer", "room")

    @property
    def key(self) -> tuple:
        """What identifies this conflict when the user agrees to override it."""
        return (self.reason, self.kind, self.id, self.item)


class _HasId(Protocol):
    id: int


@overload
def _id(value: None) -> None: ...
@overload
def _id(value: _HasId | int) -> int: ...
def _id(value: _HasId | int | None) -> int | None:
    """The id of a row, or the id itself (None stays None)."""
    if value is None:
        return None
    return value if isinstance(value, int) else value.id


def _name_of(client_values: tuple) -> str:
    first, middle, last, company, client_id = client_values
    name = " ".join(p for p in (first, middle, last) if p)
    return name or company or (f"Client #{client_id}" if client_id else "")


def hours_conflicts(start: dt.datetime, end: dt.datetime) -> list[Conflict]:
    """Holiday, closed day or outside studio hours."""
    day = start.date()
    info = day_info(day)
    if info.holiday:
        return [Conflict("holiday", f"The studio is closed on {long_date(day)} ({info.holiday}).")]
    opening, closing = info.opening(), info.closing()
    if opening is None or closing is None:
        return [Conflict("closed", f"The studio is closed on {DAY_NAMES[day.weekday()]}s.")]
    if start < opening or end > closing:
        return [
            Conflict(
                "hours",
                f"{describe_range(start, end)} is outside studio hours ({DAY_NAMES[day.weekday()]}s {info.label}).",
            )
        ]
    return []


def find_conflicts(
    start: dt.datetime,
    length_minutes: int,
    *,
    photographer: User | int | None = None,
    room: Room | int | None = None,
    exclude_session: Session | int | None = None,
    exclude_appointment: Appointment | int | None = None,
    check_hours: bool = True,
    item: int = 0,
    label: str = "",
) -> list[Conflict]:
    """Everything a booking from ``start`` for ``length_minutes`` clashes with.

    ``photographer`` is the person booked (session photographer or appointment
    staff); both sessions and appointments of that person count. Cancelled and
    No-Show bookings are ignored. Two queries, whatever the size of the calendar.
    ``label`` prefixes each message (e.g. the follow-up's title).
    """
    start = checked_wall_time(start.replace(second=0, microsecond=0))
    end = wall_end(start, length_minutes)
    person_id, room_id = _id(photographer), _id(room)
    found: list[Conflict] = []
    if check_hours:
        found += hours_conflicts(start, end)
    if person_id is not None or room_id is not None:
        found += _overlaps(start, length_minutes, person_id, room_id, _id(exclude_session), _id(exclude_appointment))
    if item or label:
        prefix = f"{label}: " if label else ""
        found = [Conflict(c.reason, prefix + c.message, c.kind, c.id, c.number, c.start, c.end, item) for c in found]
    return found


def _overlaps(
    start: dt.datetime,
    length_minutes: int,
    person_id: int | None,
    room_id: int | None,
    exclude_session: int | None,
    exclude_appointment: int | None,
) -> list[Conflict]:
    # Any booking that overlaps starts before our end and at most MAX_LENGTH before our start:
    # an index range on the wall-time start (widened by DST_MARGIN); the exact overlap is
    # compared here in real time (portable, no SQL date arithmetic, right across a DST change).
    begins = to_utc(start)
    ends = begins + dt.timedelta(minutes=length_minutes)
    earliest, latest = start - MAX_LENGTH - DST_MARGIN, wall_end(start, length_minutes) + DST_MARGIN

    def clashes(other_start: dt.datetime, other_length: int) -> bool:
        other_begins = to_utc(other_start)
        return other_begins < ends and other_begins + dt.timedelta(minutes=other_length) > begins

    out: list[Conflict] = []

    who = []
    if person_id is not None:
        who.append(Session.photographer == person_id)
    if room_id is not None:
        who.append(Session.room == room_id)
    sessions_around = (
        Session.select(
            Session.id,
            Session.number,
            Session.start,
            Session.length_minutes,
            Session.photographer,
            Session.room,
            SessionType.name,
            User.full_name,
            Room.name,
            Client.first_name,
            Client.middle_name,
            Client.last_name,
            Client.company,
            Client.id,
        )
        .join(SessionType, on=(Session.session_type == SessionType.id))
        .switch(Session)
        .join(User, on=(Session.photographer == User.id))
        .switch(Session)
        .join(Client, on=(Session.client == Client.id))
        .switch(Session)
        .join(Room, JOIN.LEFT_OUTER, on=(Session.room == Room.id))
        .where(
            (Session.start < latest)
            & (Session.start > earliest)
            & Session.status.not_in(SESSION_CLOSED)
            & (who[0] if len(who) == 1 else (who[0] | who[1]))
        )
        .order_by(Session.start)
    )
    if exclude_session is not None:
        sessions_around = sessions_around.where(Session.id != exclude_session)
    for sid, number, s_start, length, p_id, r_id, type_name, person, room_name, *client in tuples(sessions_around):
        s_start = _as_datetime(s_start)
        if not clashes(s_start, length):
            continue
        s_end = wall_end(s_start, length)
        what = f"Session {number}, {_name_of(tuple(client))} ({type_name})"
        when = describe_range(s_start, s_end)
        if person_id is not None and p_id == person_id:
            out.append(
                Conflict(
                    "photographer", f"{person} is already booked {when}: {what}.", SESSION, sid, number, s_start, s_end
                )
            )
        if room_id is not None and r_id == room_id:
            out.append(Conflict("room", f"{room_name} is taken {when}: {what}.", SESSION, sid, number, s_start, s_end))

    who = []
    if person_id is not None:
        who.append(Appointment.staff == person_id)
    if room_id is not None:
        who.append(Appointment.room == room_id)
    Staff = User.alias()
    appointments_around = (
        Appointment.select(
            Appointment.id,
            Appointment.title,
            Appointment.start,
            Appointment.length_minutes,
            Appointment.staff,
            Appointment.room,
            Staff.full_name,
            Room.name,
            Client.first_name,
            Client.middle_name,
            Client.last_name,
            Client.company,
            Client.id,
        )
        .join(Staff, JOIN.LEFT_OUTER, on=(Appointment.staff == Staff.id))
        .switch(Appointment)
        .join(Client, JOIN.LEFT_OUTER, on=(Appointment.client == Client.id))
        .switch(Appointment)
        .join(Room, JOIN.LEFT_OUTER, on=(Appointment.room == Room.id))
        .where(
            (Appointment.start < latest)
            & (Appointment.start > earliest)
            & Appointment.status.not_in(APPOINTMENT_CLOSED)
            & (who[0] if len(who) == 1 else (who[0] | who[1]))
        )
        .order_by(Appointment.start)
    )
    if exclude_appointment is not None:
        appointments_around = appointments_around.where(Appointment.id != exclude_appointment)
    for aid, title, a_start, length, staff_id, r_id, person, room_name, *client in tuples(appointments_around):
        a_start = _as_datetime(a_start)
        if not clashes(a_start, length):
            continue
        a_end = wall_end(a_start, length)
        client_name = _name_of(tuple(client)) if client[-1] else ""
        what = f"{title}, {client_name}" if client_name else title
        when = describe_range(a_start, a_end)
        if person_id is not None and staff_id == person_id:
            out.append(
                Conflict(
                    "photographer",
                    f"{person} is already booked {when}: {what}.",
                    APPOINTMENT,
                    aid,
                    None,
                    a_start,
                    a_end,
                )
            )
        if room_id is not None and r_id == room_id:
            out.append(
                Conflict("room", f"{room_name} is taken {when}: {what}.", APPOINTMENT, aid, None, a_start, a_end)
            )
    out.sort(key=lambda c: (c.start, c.reason))
    return out


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def conflict_policy() -> str:
    policy = settings.get("conflict_policy")
    return policy if policy in settings.CONFLICT_POLICIES else "ask"


def conflict_message(conflicts: list[Conflict], policy: str) -> str:
    """What the front desk reads: the conflicts, then what can be done."""
    if not conflicts:
        return ""
    listed = " ".join(c.message for c in conflicts[:5])
    if len(conflicts) > 5:
        listed += f" (and {len(conflicts) - 5} more)"
    if policy == "never":
        return (
            f"{listed} The studio's policy does not allow double bookings or bookings outside studio hours: "
            "choose another time."
        )
    if policy == "ask":
        return f"{listed} You can book it anyway (override the conflict)."
    return f"Booked despite: {listed}"


@dataclass(frozen=True)
class SlotCheck:
    """The verdict on a time, for the wizard's step 4 (nothing is written)."""

    conflicts: list[Conflict]
    policy: str

    @property
    def ok(self) -> bool:
        return not self.conflicts

    @property
    def blocked(self) -> bool:
        """Refused whatever the user says (policy 'never')."""
        return bool(self.conflicts) and self.policy == "never"

    @property
    def needs_confirmation(self) -> bool:
        """Allowed only after asking (policy 'ask'): book with allow_conflict=True."""
        return bool(self.conflicts) and self.policy == "ask"

    @property
    def message(self) -> str:
        return conflict_message(self.conflicts, self.policy)


def check_slot(
    start: dt.datetime,
    length_minutes: int,
    photographer: User | int | None = None,
    room: Room | int | None = None,
    exclude_session: Session | int | None = None,
    exclude_appointment: Appointment | int | None = None,
) -> SlotCheck:
    """Read-only conflict check for a proposed time (the wizard's step 4, the
    reschedule dialog). The booking services check again inside their
    transaction: this is advice, the services are the rule."""
    return SlotCheck(
        find_conflicts(
            start,
            length_minutes,
            photographer=photographer,
            room=room,
            exclude_session=exclude_session,
            exclude_appointment=exclude_appointment,
        ),
        conflict_policy(),
    )


def _decide(conflicts: list[Conflict], allow_conflict) -> list[Conflict]:
    """Apply the policy: raise ConflictError, or return the conflicts booked anyway.

    ``allow_conflict`` (policy "ask"): True overrides whatever conflicts there
    are; a list of Conflicts (``ConflictError.conflicts`` the user was shown)
    overrides only those, so a booking made meanwhile in another terminal is
    asked about again instead of being silently double-booked."""
    if not conflicts:
        return []
    policy = conflict_policy()
    if policy == "always":
        return list(conflicts)
    if policy == "ask" and allow_conflict is True:
        return list(conflicts)
    if policy == "ask" and allow_conflict:
        accepted = {c.key for c in allow_conflict}
        unseen = [c for c in conflicts if c.key not in accepted]
        if not unseen:
            return list(conflicts)
        raise ConflictError(
            "Something changed since you were asked. " + conflict_message(unseen, policy),
            conflicts=list(conflicts),
            can_override=True,
        )
    raise ConflictError(conflict_message(conflicts, policy), conflicts=list(conflicts), can_override=policy == "ask")


def _lock_calendar() -> None:
    """Serialise booking writers before the conflict check. On SQLite the
    IMMEDIATE transaction already holds the write lock; on PostgreSQL the
    UPDATE locks the 'booking' counter row until commit."""
    next_number("booking")


# ================================================================ the Scheduling Wizard


@dataclass
class FollowUp:
    """Step 7: a future appointment linked to the booked session (e.g. the
    sales presentation a week later). ``staff`` defaults to the session's photographer."""

    title: str
    start: dt.datetime
    length_minutes: int = 60
    staff: User | None = None
    room: Room | None = None
    notes: str = ""


@dataclass
class PaymentNow:
    """Step 6: money taken now. ``kind`` "payment" goes onto the session fee
    invoice; "deposit" is held for the client (``apply_to_fee`` puts it onto
    the fee invoice at once, up to what is due)."""

    amount_cents: int
    method: str  # cash, check, card, other
    reference: str = ""  # the check number for a check
    kind: str = PAYMENT
    apply_to_fee: bool = False
    note: str = ""


@dataclass
class BookingRequest:
    """Everything the Scheduling Wizard collected.

    Step 1: ``client`` (existing) or ``new_client`` (fields for
    clients.save_client, created in the booking's transaction). Step 2:
    ``kind`` SESSION or APPOINTMENT; an appointment is linked to ``session``,
    to the client, or to nothing (then it needs a ``title``). Step 3:
    ``session_type`` (its length and fee are the defaults), ``photographer``
    (sessions) or ``staff`` (appointments), ``room``, ``start``. Steps 5-7:
    ``fee_invoice`` (+ ``fee_cents`` to change the amount), ``payment``,
    ``follow_ups``. ``allow_conflict`` after the user agreed to override
    (policy "ask"): best the ``ConflictError.conflicts`` they were shown (only
    those are overridden), or True (any); ``allow_duplicate_client`` after the
    user confirmed the new client is not a duplicate.
    """

    kind: str = SESSION
    client: Client | None = None
    new_client: dict | None = None
    allow_duplicate_client: bool = False
    new_client_capitalize: set[str] | None = None  # fields to auto-capitalise (None: all name fields)
    start: dt.datetime | None = None
    length_minutes: int | None = None
    room: Room | None = None
    notes: str = ""
    session_type: SessionType | None = None
    photographer: User | None = None
    title: str = ""
    session: Session | None = None
    staff: User | None = None
    fee_invoice: bool = False
    fee_cents: int | None = None
    payment: PaymentNow | None = None
    follow_ups: list[FollowUp] = field(default_factory=list)
    allow_conflict: bool | list = False

    @property
    def length(self) -> int | None:
        """The booking's length: as typed, else the session type's."""
        if self.length_minutes is not None:
            return self.length_minutes
        if self.kind == SESSION and self.session_type is not None:
            return self.session_type.length_minutes
        return 30 if self.kind == APPOINTMENT else None

    @property
    def fee(self) -> int | None:
        """The session fee: as typed, else the session type's."""
        if self.fee_cents is not None:
            return self.fee_cents
        return self.session_type.fee_cents if self.session_type is not None else None

    @property
    def end(self) -> dt.datetime | None:
        return wall_end(self.start, self.length) if self.start and self.length else None


@dataclass
class BookingResult:
    """What ``book()`` created (all in one committed transaction)."""

    client: Client | None
    session: Session | None
    appointment: Appointment | None
    fee_invoice: Invoice | None
    payment: LedgerEntry | None  # the payment or the deposit
    deposit_applied: LedgerEntry | None
    follow_ups: list[Appointment]
    overridden: list[Conflict]  # conflicts booked anyway
    summary: list[str]


@dataclass(frozen=True)
class BookingPreview:
    """The wizard's step 8: what Confirm will create, and the conflicts
    (``check.blocked`` / ``check.needs_confirmation`` / ``check.message``)."""

    summary: list[str]
    check: SlotCheck
    fee_total_cents: int | None


class _DryRun(Exception):
    def __init__(self, preview: BookingPreview):
        super().__init__("dry run")
        self.preview = preview


def _validate_request(req: BookingRequest) -> None:
    """Cheap checks with readable messages, before any lock is taken."""
    if req.kind not in KINDS:
        raise ValidationError("Choose a session (with the camera) or an appointment.", "kind")
    if not isinstance(req.start, dt.datetime):
        raise ValidationError("Choose the date and time.", "start")
    if req.client is not None and req.new_client is not None:
        raise ValidationError("Choose an existing client or enter a new one, not both.", "client")
    if req.kind == SESSION:
        if req.client is None and req.new_client is None:
            raise ValidationError("A session needs a client: choose one or enter a new client.", "client")
        if req.session is not None:
            raise ValidationError("A new session cannot be linked to another session.", "session")
        if req.session_type is None:
            raise ValidationError("A session always involves the camera: choose the session type.", "session_type")
        if req.photographer is None:
            raise ValidationError("A session always involves the camera: choose the photographer.", "photographer")
    else:
        if req.fee_invoice:
            raise ValidationError(
                "A session fee invoice belongs to a session: book a session, "
                "or make the invoice from the session record.",
                "fee_invoice",
            )
        if req.follow_ups and req.session is None and req.client is None and req.new_client is None:
            raise ValidationError("Follow-up appointments need a client or a session to link them to.", "follow_ups")
    if req.length is None:
        raise ValidationError("Choose the session type (it gives the length) or type the length.", "length")
    sessions._check_length(req.length)
    if req.fee_cents is not None and (
        not isinstance(req.fee_cents, int) or isinstance(req.fee_cents, bool) or req.fee_cents < 0
    ):
        raise ValidationError("The session fee must be an amount of zero or more.", "fee")
    if req.payment is not None:
        if req.payment.kind not in (PAYMENT, DEPOSIT):
            raise ValidationError("Take the money as a payment on the fee invoice or as a deposit.", "payment")
        if req.payment.kind == PAYMENT and not req.fee_invoice:
            raise ValidationError(
                "A payment goes onto the session fee invoice: create it, or take a deposit instead.", "payment"
            )
        if req.payment.kind == DEPOSIT and req.client is None and req.new_client is None and req.session is None:
            raise ValidationError("A deposit is held for a client: choose the client.", "payment")
        if req.payment.apply_to_fee and not req.fee_invoice:
            raise ValidationError("There is no session fee invoice to apply the deposit to.", "payment")
    for number, follow_up in enumerate(req.follow_ups, 1):
        if not isinstance(follow_up.start, dt.datetime):
            raise ValidationError(f"Choose the date and time of follow-up appointment {number}.", "follow_ups")
        try:
            sessions._check_length(follow_up.length_minutes)
        except ValidationError as error:
            raise ValidationError(f"Follow-up appointment {number}: {error.message}", "follow_ups") from None
        if follow_up.start < req.start:
            raise ValidationError(
                f"Follow-up appointment {number} ('{follow_up.title}') is before the booking itself.", "follow_ups"
            )


def _fee_totals(fee_cents: int) -> tuple[int, int, int]:
    """(subtotal, tax, total) the fee invoice will have, by the invoice rules themselves."""
    probe = Invoice(
        kind=Invoice.SESSION_FEE, tax_rate=str(settings.tax_rate()), tax_included=bool(settings.get("tax_included"))
    )
    return invoices.compute_totals(probe, [InvoiceLine(quantity=1, unit_price_cents=fee_cents, taxable=True)])


@write_transaction
def _execute(req: BookingRequest, dry_run: bool) -> BookingResult:
    _validate_request(req)
    start, length, end = req.start, req.length, req.end
    assert start is not None and length is not None and end is not None  # checked by _validate_request
    lines: list[str] = []
    later: list[str] = []  # follow-ups: listed after the money, in the wizard's order
    conflicts: list[Conflict] = []
    session = appointment = fee = payment_entry = applied = None
    follow_ups: list[Appointment] = []
    with database.atomic():
        _lock_calendar()  # before the checks: the second terminal waits here
        # Step 1: the client.
        client = req.client
        if req.new_client is not None:
            client = clients.save_client(
                None, req.new_client, allow_duplicate=req.allow_duplicate_client, capitalize=req.new_client_capitalize
            )
            lines.append(f"Client: {client.full_name} (new client)")
        elif client is not None:
            client = Client.get_or_none(Client.id == client.id)
            if client is None:
                raise NotFound("That client no longer exists; choose the client again.")
            lines.append(f"Client: {client.full_name}")
        # Steps 2-4: the booking, checked inside the transaction.
        when = f"{long_date(start.date())}, {clock(start)} – {clock(end)} ({length} minutes, {how_far(start)})"
        if req.kind == SESSION:
            assert req.session_type is not None and req.photographer is not None  # checked by _validate_request
            conflicts += find_conflicts(start, length, photographer=req.photographer, room=req.room)
            session = sessions.create_session(
                client, req.photographer, req.session_type, start, length, req.room, req.notes
            )
            where = f" in {req.room.name}" if req.room else ""
            name = "New session" if dry_run else f"Session {session.number}"
            lines.append(f"{name}: {req.session_type.name} with {req.photographer.full_name}{where}")
            lines.append(f"When: {when}")
            linked = session
        else:
            linked = None
            if req.session is not None:
                linked = Session.get_or_none(Session.id == req.session.id)
                if linked is None:
                    raise NotFound(f"Session {req.session.number} no longer exists.")
            staff = who_is_booked(APPOINTMENT, staff=req.staff, session=linked)
            conflicts += find_conflicts(start, length, photographer=staff, room=req.room)
            appointment = sessions.create_appointment(
                req.title,
                start,
                length,
                client=client,
                session=linked,
                staff=req.staff,
                room=req.room,
                notes=req.notes,
            )
            client = client or appointment.client
            link = (
                f" for session {linked.number}"
                if linked
                else (f" with {client.full_name}" if client else " (unlinked)")
            )
            staff_member = appointment.staff if appointment.staff_id else None
            who = f", {staff_member.full_name}" if staff_member is not None else ""
            where = f" in {req.room.name}" if req.room else ""
            lines.append(f"Appointment: {appointment.title}{link}{who}{where}")
            lines.append(f"When: {when}")
        # Step 7: follow-up appointments, checked against everything above too.
        for number, follow_up in enumerate(req.follow_ups, 1):
            staff = follow_up.staff or (linked.photographer if linked else None) or req.staff
            conflicts += find_conflicts(
                follow_up.start,
                follow_up.length_minutes,
                photographer=staff,
                room=follow_up.room,
                item=number,
                label=follow_up.title or "Follow-up",
            )
            created = sessions.create_appointment(
                follow_up.title,
                follow_up.start,
                follow_up.length_minutes,
                client=None if linked else client,
                session=linked,
                staff=staff,
                room=follow_up.room,
                notes=follow_up.notes,
            )
            follow_ups.append(created)
            who = f" with {staff.full_name}" if staff else ""
            later.append(
                f"Follow-up: {created.title}, {long_date(created.start.date())}, {clock(created.start)} – "
                f"{clock(created.end)} ({created.length_minutes} minutes, {how_far(created.start)}){who}"
            )
        overridden = conflicts if dry_run else _decide(conflicts, req.allow_conflict)
        # Step 5: the session fee invoice.
        fee_total = None
        if req.fee_invoice:
            assert req.session_type is not None  # a fee invoice comes with a session (_validate_request)
            fee = invoices.create_invoice(Invoice.SESSION_FEE, session=session)
            invoices.add_line(fee, description=f"{req.session_type.name} session fee", unit_price_cents=req.fee)
            fee_total = fee.total_cents
            name = "Session fee invoice" if dry_run else f"Session fee invoice {fee.display_number}"
            tax = f" + tax {format_money(fee.tax_cents)}" if fee.tax_cents and not fee.tax_included else ""
            lines.append(f"{name}: {format_money(fee.subtotal_cents)}{tax} = {format_money(fee.total_cents)}")
        # Step 6: money now.
        if req.payment is not None:
            pay = req.payment
            if pay.kind == PAYMENT:
                assert fee is not None  # a payment goes onto the fee invoice (_validate_request)
                payment_entry = ledger.take_payment(fee, pay.amount_cents, pay.method, pay.reference, pay.note)
                due = ledger.invoice_money(fee).balance
                left = f"balance due {format_money(due)}" if due >= 0 else f"credit {format_money(-due)}"
                lines.append(f"Payment now: {format_money(pay.amount_cents)} {pay.method} on the fee invoice; {left}")
            else:
                payment_entry = ledger.take_deposit(client, pay.amount_cents, pay.method, pay.reference, pay.note)
                text = f"Deposit now: {format_money(pay.amount_cents)} {pay.method}"
                if pay.apply_to_fee and fee is not None and ledger.invoice_money(fee).due > 0:
                    applied = ledger.apply_deposit(payment_entry, fee)
                    text += f", {format_money(applied.amount_cents)} applied to the fee invoice"
                else:
                    text += ", held for the client"
                lines.append(text)
        lines += later
        for conflict in overridden:
            lines.append(f"{'Conflict' if dry_run else 'Booked despite'}: {conflict.message}")
        if dry_run:
            raise _DryRun(BookingPreview(lines, SlotCheck(list(conflicts), conflict_policy()), fee_total))
    return BookingResult(client, session, appointment, fee, payment_entry, applied, follow_ups, list(overridden), lines)


class _ClientChecked(Exception):
    def __init__(self, name: str):
        super().__init__("dry run")
        self.name = name


def check_new_client(fields: dict, capitalize: set[str] | None = None, allow_duplicate: bool = False) -> str:
    """The wizard's step 1 for a client entered on the fly: check the fields by
    the client rules exactly as ``book()`` will (the save runs in a transaction
    that is rolled back: nothing is written). Returns the name as it will be
    saved. Raises ValidationError (with its field) or clients.DuplicateClient."""
    try:
        with database.atomic():
            client = clients.save_client(None, fields, allow_duplicate=allow_duplicate, capitalize=capitalize)
            raise _ClientChecked(client.full_name)
    except _ClientChecked as done:
        return done.name
    raise AssertionError("client check did not roll back")  # pragma: no cover


def book(req: BookingRequest) -> BookingResult:
    """Confirm: create everything the wizard collected in ONE transaction.

    Raises ConflictError (see the module docstring for the policy flow),
    clients.DuplicateClient (retry with allow_duplicate_client=True after asking),
    ValidationError / NotFound. On any error nothing is left behind."""
    return _execute(req, dry_run=False)


def preview(req: BookingRequest) -> BookingPreview:
    """Step 8, the summary: runs the whole booking in a transaction that is
    rolled back, so the summary and the conflicts are exactly what Confirm
    will meet (numbers are not shown: they are drawn on Confirm). Raises
    ValidationError / DuplicateClient like ``book``, never ConflictError."""
    try:
        _execute(req, dry_run=True)
    except _DryRun as done:
        return done.preview
    raise AssertionError("dry run did not roll back")  # pragma: no cover


def fee_totals(session_type: SessionType, fee_cents: int | None = None) -> tuple[int, int, int]:
    """(subtotal, tax, total) of the session fee invoice the wizard would make."""
    return _fee_totals(session_type.fee_cents if fee_cents is None else fee_cents)


# ---------------------------------------------------------------- what the wizard asks while a booking is built


def who_is_booked(
    kind: str, photographer: User | None = None, staff: User | None = None, session: Session | None = None
) -> User | None:
    """The person a booking takes up: a session's photographer; an appointment's
    staff member, else (linked to a session) that session's photographer."""
    if kind == SESSION:
        return photographer
    if staff is not None:
        return staff
    return session.photographer if session is not None else None


def first_free_photographer(start: dt.datetime, length_minutes: int) -> User | None:
    """The first active photographer (by name) free at ``start`` for
    ``length_minutes``; None when nobody is, or the time cannot be checked."""
    for person in photographers():
        try:
            if check_slot(start, length_minutes, person).ok:
                return person
        except DomainError:
            return None
    return None


def proposed_photographer(given: User | None, start: dt.datetime | None, length_minutes: int) -> User | None:
    """Who a new session is proposed with: ``given`` (e.g. the calendar column
    of an empty slot) when that user is a photographer, else the first
    photographer free at ``start`` (None without a start)."""
    if given is not None and given.is_photographer:
        return given
    return first_free_photographer(start, length_minutes) if start is not None else None


def check_length(length_minutes) -> int:
    """A booking's length in minutes, checked as ``book()`` checks it (ValidationError)."""
    return sessions._check_length(length_minutes)


def linkable_sessions(client: Client, limit: int = 20) -> list[Session]:
    """The client's sessions an appointment can be linked to: of their latest
    ``limit`` sessions, those not cancelled or no-show (latest first)."""
    found = sessions.search_sessions(sessions.SessionQuery(client_id=client.id), limit=limit)
    return [session for session in found if session.status not in SESSION_CLOSED]


# ================================================================ reschedule, cancel, no-show


@dataclass(frozen=True)
class MoveResult:
    item: Session | Appointment  # freshly read after the change
    note: str  # what was written to the history, e.g. "Rescheduled from Tue 12/01 10:00 to ..."
    overridden: list[Conflict]


def _room_name(room_id: int | None) -> str:
    room = Room.get_or_none(Room.id == room_id) if room_id else None
    return room.name if room else "none"


def _user_name(user_id: int | None) -> str:
    user = User.get_or_none(User.id == user_id) if user_id else None
    return user.full_name if user else "none"


def _history_note(session: Session, note: str) -> SessionStatusChange:
    """A line in the session's status history that does not change the status."""
    return SessionStatusChange.create(
        session=session, from_status=session.status, to_status=session.status, user_name=current_user_name(), note=note
    )


def _move_note(old_start: dt.datetime, new_start: dt.datetime, changes: list[str], reason: str) -> str:
    note = f"Rescheduled from {short(old_start)} to {short(new_start)}" if old_start != new_start else "Changed"
    if changes:
        note += "; " + "; ".join(changes)
    if (reason or "").strip():
        note += f": {reason.strip()}"
    return note


def _checked_move(
    fresh: Session | Appointment,
    start: dt.datetime,
    length: int,
    person: tuple[str, int | None, int | None],
    new_room_id: int | None,
    what: str,
    allow_conflict: bool | list,
    reason: str,
    **exclude,
) -> tuple[str, list[Conflict]]:
    """What a move of a session or appointment changes, conflict-checked under
    the policy: the history note and the conflicts overridden.
    ``person`` is (label, current person id, new person id)."""
    label, person_id, new_person_id = person
    changes = []
    if new_person_id != person_id:
        changes.append(f"{label} {_user_name(person_id)} → {_user_name(new_person_id)}")
    if new_room_id != fresh.room_id:
        changes.append(f"room {_room_name(fresh.room_id)} → {_room_name(new_room_id)}")
    if length != fresh.length_minutes:
        changes.append(f"{fresh.length_minutes} → {length} minutes")
    if start == fresh.start and not changes:
        raise ValidationError(f"{what} is already booked then.", "start")
    conflicts = find_conflicts(start, length, photographer=new_person_id, room=new_room_id, **exclude)
    return _move_note(fresh.start, start, changes, reason), _decide(conflicts, allow_conflict)


@write_transaction
def reschedule_session(
    session: Session,
    start: dt.datetime,
    *,
    photographer: User | None = None,
    room: Room | int | None | _Keep = KEEP,
    length_minutes: int | None = None,
    allow_conflict: bool | list = False,
    reason: str = "",
) -> MoveResult:
    """Move a session to a new start (and/or photographer, room, length),
    conflict-checked under the policy. The status is unchanged; the move is
    noted in the session's status history and audited."""
    start = sessions._check_start(start)
    with database.atomic():
        _lock_calendar()
        fresh = versions.current(session, f"Session {session.number}")
        if fresh.status in SESSION_CLOSED:
            raise ValidationError(
                f"Session {fresh.number} is {fresh.status.lower()}; book a new session instead.", "status"
            )
        new_photographer = sessions.check_photographer(photographer if photographer is not None else fresh.photographer)
        new_room_id = fresh.room_id if room is KEEP else _id(room)
        length = sessions._check_length(length_minutes if length_minutes is not None else fresh.length_minutes)
        note, overridden = _checked_move(
            fresh,
            start,
            length,
            ("photographer", fresh.photographer_id, new_photographer.id),
            new_room_id,
            f"Session {fresh.number}",
            allow_conflict,
            reason,
            exclude_session=fresh.id,
        )
        before = audit.snapshot(fresh)
        versions.write_changes(
            fresh,
            f"Session {fresh.number}",
            start=start,
            photographer=new_photographer,
            room=new_room_id,
            length_minutes=length,
        )
        _history_note(fresh, note)
        audit.record("session.reschedule", "session", fresh.id, before, fresh)
    return MoveResult(versions.adopt(session, fresh), note, overridden)


@write_transaction
def save_session_details(
    session: Session,
    notes: str | None = None,
    room: Room | int | None | _Keep = KEEP,
    allow_conflict: bool | list = False,
) -> MoveResult:
    """Save what the session record edits: the notes and the room, in one
    transaction, refused when another terminal saved the session since it was
    loaded. A new room is conflict-checked under the policy like any move
    (the same rules as the calendar and the wizard) and noted in the history."""
    what = f"Session {session.number}"
    if notes is not None:
        notes = notes.strip()
        if len(notes) > sessions.MAX_NOTES:
            raise ValidationError(f"The notes are too long (at most {sessions.MAX_NOTES:,} characters).", "notes")
    with database.atomic():
        _lock_calendar()
        fresh = versions.current(session, what)
        changes: dict[str, Any] = {}
        note, overridden = "", []
        if notes is not None:
            changes["notes"] = notes
        new_room_id = fresh.room_id if room is KEEP else _id(room)
        if new_room_id != fresh.room_id:
            if fresh.status in SESSION_CLOSED:
                raise ValidationError(f"{what} is {fresh.status.lower()}; its room cannot change.", "room")
            conflicts = find_conflicts(
                fresh.start, fresh.length_minutes, room=new_room_id, check_hours=False, exclude_session=fresh.id
            )
            overridden = _decide(conflicts, allow_conflict)
            note = f"Room {_room_name(fresh.room_id)} → {_room_name(new_room_id)}"
            changes["room"] = new_room_id
        before = audit.snapshot(fresh)
        if versions.write_changes(fresh, what, **changes):
            if note:
                _history_note(fresh, note)
            audit.record("session.update", "session", fresh.id, before, fresh)
    return MoveResult(versions.adopt(session, fresh), note, overridden)


@write_transaction
def reschedule_appointment(
    appointment: Appointment,
    start: dt.datetime,
    *,
    staff: User | int | None | _Keep = KEEP,
    room: Room | int | None | _Keep = KEEP,
    length_minutes: int | None = None,
    allow_conflict: bool | list = False,
    reason: str = "",
) -> MoveResult:
    """Move an appointment, conflict-checked. Noted in its notes and, when it
    belongs to a session, in that session's status history; audited."""
    start = sessions._check_start(start)
    with database.atomic():
        _lock_calendar()
        fresh = versions.current(appointment, f"'{appointment.title}'")
        if fresh.status in APPOINTMENT_CLOSED:
            raise ValidationError(
                f"'{fresh.title}' was {fresh.status.lower()}; book a new appointment instead.", "status"
            )
        new_staff_id = fresh.staff_id if staff is KEEP else _id(staff)
        new_room_id = fresh.room_id if room is KEEP else _id(room)
        length = sessions._check_length(length_minutes if length_minutes is not None else fresh.length_minutes)
        note, overridden = _checked_move(
            fresh,
            start,
            length,
            ("staff", fresh.staff_id, new_staff_id),
            new_room_id,
            f"'{fresh.title}'",
            allow_conflict,
            reason,
            exclude_appointment=fresh.id,
        )
        before = audit.snapshot(fresh)
        versions.write_changes(
            fresh,
            f"'{fresh.title}'",
            start=start,
            staff=new_staff_id,
            room=new_room_id,
            length_minutes=length,
            notes=(fresh.notes + "\n" + note).strip(),
        )
        if fresh.session_id:
            _history_note(Session.get_by_id(fresh.session_id), f"{fresh.title}: {note}")
        audit.record("appointment.reschedule", "appointment", fresh.id, before, fresh)
    return MoveResult(versions.adopt(appointment, fresh), note, overridden)


def reschedule(item: Session | Appointment, start: dt.datetime, **changes) -> MoveResult:
    """Either of the two above (the calendar's drag / move dialog)."""
    if isinstance(item, Session):
        return reschedule_session(item, start, **changes)
    return reschedule_appointment(item, start, **changes)


@write_transaction
def cancel_booking(item: Session | Appointment, reason: str, cancel_follow_ups: bool = True) -> Session | Appointment:
    """Cancel a session or appointment with a reason (kept in the session's
    status history). Cancelling a session also cancels its appointments still
    to come (the sales presentation...), unless ``cancel_follow_ups`` is False."""
    if not (reason or "").strip():
        raise ValidationError("Give the reason for cancelling.", "reason")
    reason = reason.strip()
    with database.atomic():
        if isinstance(item, Session):
            fresh = Session.get_or_none(Session.id == item.id)
            if fresh is None:
                raise NotFound(f"Session {item.number} no longer exists.")
            sessions.cancel_session(fresh, reason)
            if cancel_follow_ups:
                upcoming = list(
                    Appointment.select()
                    .where(
                        (Appointment.session == fresh.id)
                        & (Appointment.status == "Scheduled")
                        & (Appointment.start >= now())
                    )
                    .order_by(Appointment.start)
                )
                for appointment in upcoming:
                    sessions.set_appointment_status(
                        appointment, "Cancelled", f"Session {fresh.number} cancelled: {reason}"
                    )
                if upcoming:
                    names = ", ".join(f"{a.title} {short(a.start)}" for a in upcoming)
                    _history_note(fresh, f"Also cancelled: {names}")
            return versions.adopt(item, Session.get_by_id(fresh.id))
        stored = Appointment.get_or_none(Appointment.id == item.id)
        if stored is None:
            raise NotFound("That appointment no longer exists.")
        if stored.status in APPOINTMENT_CLOSED:
            raise ValidationError(f"'{stored.title}' is already {stored.status.lower()}.", "status")
        sessions.set_appointment_status(stored, "Cancelled", reason)
        if stored.session_id:
            _history_note(
                Session.get_by_id(stored.session_id), f"{stored.title} {short(stored.start)} cancelled: {reason}"
            )
        return versions.adopt(item, Appointment.get_by_id(stored.id))


@write_transaction
def mark_no_show(item: Session | Appointment, note: str = "") -> Session | Appointment:
    """The client did not come: kept in the session's status history."""
    with database.atomic():
        if isinstance(item, Session):
            fresh = Session.get_or_none(Session.id == item.id)
            if fresh is None:
                raise NotFound(f"Session {item.number} no longer exists.")
            sessions.mark_no_show(fresh, note)
            return versions.adopt(item, Session.get_by_id(fresh.id))
        stored = Appointment.get_or_none(Appointment.id == item.id)
        if stored is None:
            raise NotFound("That appointment no longer exists.")
        if stored.status in APPOINTMENT_CLOSED:
            raise ValidationError(f"'{stored.title}' is already {stored.status.lower()}.", "status")
        sessions.set_appointment_status(stored, "No-Show", note or "Client did not come")
        if stored.session_id:
            _history_note(
                Session.get_by_id(stored.session_id),
                f"{stored.title} {short(stored.start)}: no-show{': ' + note.strip() if note.strip() else ''}",
            )
        return versions.adopt(item, Appointment.get_by_id(stored.id))
