"""Sessions (always the camera: a photographer and a session type),
appointments (any other meeting) and the session status workflow.

Status follows the studio's ordered list (settings.session_statuses); every
change is kept in the session's history with who and when. "Cancelled" and
"No-Show" are off the list: they end a session without completing it.
"""

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from . import audit, clock, settings, versions
from .clients import ClientQuery, _query_filter
from .counters import next_number
from .db import write_transaction
from .errors import NotFound, ValidationError
from .models import (
    Appointment,
    Client,
    Room,
    Session,
    SessionImage,
    SessionStatusChange,
    SessionType,
    User,
    database,
    tuples,
)
from .text import one_line
from .users import current_user_name

CANCELLED = "Cancelled"
NO_SHOW = "No-Show"
CLOSED_STATUSES = (CANCELLED, NO_SHOW)
MAX_LENGTH_MINUTES = 12 * 60
MAX_NOTES = 20000


def _check_length(length_minutes) -> int:
    if not isinstance(length_minutes, int) or isinstance(length_minutes, bool):
        raise ValidationError("The length must be a whole number of minutes.", "length")
    if not 5 <= length_minutes <= MAX_LENGTH_MINUTES:
        raise ValidationError("The length must be between 5 minutes and 12 hours.", "length")
    return length_minutes


def can_photograph(user: User | None) -> bool:
    """Whether ``user`` can take a session: an active photographer."""
    return user is not None and user.is_photographer and user.active


def check_photographer(user: User | None) -> User:
    """A session always involves the camera: it needs an active photographer
    (checked when a session is booked or moved, and by the calendar before
    it drops a session into a column)."""
    if user is None:
        raise ValidationError("A session always involves the camera: choose the photographer.", "photographer")
    if not can_photograph(user):
        raise ValidationError(f"{user.full_name} is not an active photographer.", "photographer")
    return user


def _check_start(start) -> dt.datetime:
    if not isinstance(start, dt.datetime):
        raise ValidationError("Choose the date and time.", "start")
    return clock.checked_wall_time(start.replace(second=0, microsecond=0))


@write_transaction
def create_session(
    client: Client | None,
    photographer: User | None,
    session_type: SessionType | None,
    start: dt.datetime,
    length_minutes: int | None = None,
    room: Room | None = None,
    notes: str = "",
) -> Session:
    """Book a session. A session always involves the camera: it needs a client,
    a photographer and a session type. Conflicts are checked by booking.py."""
    if client is None:
        raise ValidationError("A session needs a client.", "client")
    check_photographer(photographer)
    if session_type is None:
        raise ValidationError("A session always involves the camera: choose the session type.", "session_type")
    length = _check_length(length_minutes if length_minutes is not None else session_type.length_minutes)
    first_status = settings.session_statuses()[0]
    with database.atomic():
        session = Session.create(
            number=next_number("session", start=1001),
            client=client,
            photographer=photographer,
            session_type=session_type,
            room=room,
            start=_check_start(start),
            length_minutes=length,
            status=first_status,
            notes=(notes or "").strip(),
        )
        SessionStatusChange.create(
            session=session, from_status="", to_status=first_status, user_name=current_user_name(), note="Booked"
        )
        audit.record("session.create", "session", session.id, None, session)
    return session


def get_session(number: int) -> Session:
    session = Session.get_or_none(Session.number == number)
    if session is None:
        raise NotFound(f"There is no session number {number}.")
    return session


@write_transaction
def session_by_id(session_id: int) -> Session:
    session = Session.get_or_none(Session.id == session_id)
    if session is None:
        raise NotFound(f"There is no session #{session_id}.")
    return session


def set_status(session: Session, status: str, note: str = "") -> Session:
    """Move a session to any status of the workflow (or Cancelled / No-Show)."""
    statuses = settings.session_statuses()
    if status not in statuses and status not in CLOSED_STATUSES:
        raise ValidationError(f"'{status}' is not a session status. Choose one of: {', '.join(statuses)}.", "status")
    if status == session.status:
        raise ValidationError(f"Session {session.number} is already at '{status}'.", "status")
    with database.atomic():
        # A command checked against the session as it is now (another terminal
        # may have moved it meanwhile); only the status columns are written.
        fresh = Session.get_or_none(Session.id == session.id)
        if fresh is None:
            raise NotFound(f"Session {session.number} no longer exists: it was removed in another terminal.")
        if fresh.status == status:
            raise ValidationError(f"Session {session.number} is already at '{status}'.", "status")
        before = audit.snapshot(fresh)
        change = SessionStatusChange.create(
            session=fresh,
            from_status=fresh.status,
            to_status=status,
            user_name=current_user_name(),
            note=(note or "").strip(),
        )
        versions.write_changes(fresh, f"Session {fresh.number}", status=status, status_changed_at=change.at)
        audit.record("session.status", "session", fresh.id, before, fresh)
    return versions.adopt(session, fresh)


def next_status(session: Session) -> str | None:
    """The status after the session's current one, or None at the end."""
    statuses = settings.session_statuses()
    if session.status in CLOSED_STATUSES:
        return None
    if session.status not in statuses:
        return statuses[0]
    index = statuses.index(session.status)
    return statuses[index + 1] if index + 1 < len(statuses) else None


def is_later_status(session: Session, target: str) -> bool:
    """True when ``target`` is a later step of the workflow than the session's
    status (a cancelled or no-show session has no later step)."""
    statuses = settings.session_statuses()
    if target not in statuses or session.status not in statuses:
        return False
    return statuses.index(session.status) < statuses.index(target)


def advance_status(session: Session, note: str = "") -> Session:
    following = next_status(session)
    if following is None:
        raise ValidationError(f"Session {session.number} is at '{session.status}': there is no next step.", "status")
    return set_status(session, following, note)


def cancel_session(session: Session, reason: str) -> Session:
    if not (reason or "").strip():
        raise ValidationError("Give the reason for cancelling.", "reason")
    if session.status in CLOSED_STATUSES:
        raise ValidationError(f"Session {session.number} is already {session.status.lower()}.", "status")
    return set_status(session, CANCELLED, reason)


def mark_no_show(session: Session, note: str = "") -> Session:
    if session.status in CLOSED_STATUSES:
        raise ValidationError(f"Session {session.number} is already {session.status.lower()}.", "status")
    return set_status(session, NO_SHOW, note or "Client did not come")


def history(session: Session) -> list[SessionStatusChange]:
    return list(session.status_history.order_by(SessionStatusChange.at, SessionStatusChange.id))


def days_since(instant: dt.datetime, at: dt.datetime | None = None) -> int:
    """Whole days from a stored instant to ``at`` (an instant; default now), never negative."""
    return max(0, ((at or clock.utc_now()) - instant).days)


def days_in_status(session: Session, at: dt.datetime | None = None) -> int:
    return days_since(session.status_changed_at, at)


# ---------------------------------------------------------------- appointments


@write_transaction
def create_appointment(
    title: str,
    start: dt.datetime,
    length_minutes: int = 30,
    client: Client | None = None,
    session: Session | None = None,
    staff: User | None = None,
    room: Room | None = None,
    notes: str = "",
) -> Appointment:
    """An appointment linked to a session (its client follows), to a client,
    or unlinked (a staff meeting: then it needs a title)."""
    title = one_line(title)
    if session is not None:
        if client is not None and client.id != session.client_id:
            raise ValidationError(f"Session {session.number} belongs to another client.", "client")
        client = session.client
        if session.status in CLOSED_STATUSES:
            raise ValidationError(
                f"Session {session.number} is {session.status.lower()}; book a new session instead.", "session"
            )
    if not title:
        if client is None:
            raise ValidationError("An unlinked appointment needs a title (e.g. 'Staff meeting').", "title")
        title = "Appointment"
    if len(title) > 200:
        raise ValidationError("The title is too long (at most 200 characters).", "title")
    with database.atomic():
        appointment = Appointment.create(
            title=title,
            client=client,
            session=session,
            staff=staff if staff is not None else (session.photographer if session else None),
            room=room,
            start=_check_start(start),
            length_minutes=_check_length(length_minutes),
            notes=(notes or "").strip(),
        )
        audit.record("appointment.create", "appointment", appointment.id, None, appointment)
    return appointment


@write_transaction
def set_appointment_status(appointment: Appointment, status: str, note: str = "") -> Appointment:
    if status not in Appointment.STATUSES:
        raise ValidationError(f"'{status}' is not an appointment status.", "status")
    if status == "Cancelled" and not (note or "").strip():
        raise ValidationError("Give the reason for cancelling.", "reason")
    with database.atomic():
        fresh = versions.current(appointment, f"'{appointment.title}'")
        before = audit.snapshot(fresh)
        notes = (fresh.notes + f"\n{status}: {note.strip()}").strip() if note else fresh.notes
        versions.write_changes(fresh, f"'{fresh.title}'", status=status, notes=notes)
        audit.record("appointment.status", "appointment", fresh.id, before, fresh)
    return versions.adopt(appointment, fresh)


# ---------------------------------------------------------------- search (Sessions hub, Ctrl+S)


@dataclass(frozen=True)
class SessionQuery:
    """What the Sessions hub searches by; every given field must match.

    ``client`` is a name prefix (each word a prefix of the first or last
    name, as in the client search); ``date_from``/``date_to`` are inclusive
    days of the session's start.
    """

    number: int | None = None
    client: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    photographer_id: int | None = None
    status: str = ""
    client_id: int | None = None  # one client's sessions (the client record)


def _session_select(query: SessionQuery):
    select = (
        Session.select(Session, Client, User, SessionType, Room)
        .join(Client, on=(Session.client == Client.id))
        .switch(Session)
        .join(User, on=(Session.photographer == User.id))
        .switch(Session)
        .join(SessionType, on=(Session.session_type == SessionType.id))
        .switch(Session)
        .join(Room, JOIN.LEFT_OUTER, on=(Session.room == Room.id))
    )
    if query.number is not None:
        select = select.where(Session.number == query.number)
    for condition in _query_filter(ClientQuery(name=query.client or "")):
        select = select.where(condition)
    if query.date_from is not None:
        select = select.where(Session.start >= dt.datetime.combine(query.date_from, dt.time.min))
    if query.date_to is not None:
        select = select.where(Session.start < dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time.min))
    if query.photographer_id is not None:
        select = select.where(Session.photographer == query.photographer_id)
    if query.status:
        select = select.where(Session.status == query.status)
    if query.client_id is not None:
        select = select.where(Session.client == query.client_id)
    return select


def search_sessions(query: SessionQuery, limit: int = 50, after: Session | None = None) -> list[Session]:
    """One page of matching sessions, latest start first (client, photographer,
    type and room joined: no query per row). ``after`` is the last session of
    the previous page (keyset pagination on start, id)."""
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise ValidationError("The 'from' day is after the 'to' day.", "date_to")
    select = _session_select(query)
    if after is not None:
        select = select.where(
            (Session.start < after.start) | ((Session.start == after.start) & (Session.id < after.id))
        )
    return list(select.order_by(Session.start.desc(), Session.id.desc()).limit(max(1, min(limit, 500))))


def count_sessions(query: SessionQuery, cap: int = 10000) -> int:
    """How many sessions match, counted up to ``cap``."""
    return _session_select(query).select(Session.id).limit(cap).count()


def sessions_at_status(status: str, limit: int = 50, after: Session | None = None) -> list[Session]:
    """One page of the sessions waiting at ``status`` (a Workflow hub stage),
    earliest start first, client / photographer / type joined. ``after`` is the
    last session of the previous page (keyset on start, id)."""
    select = _session_select(SessionQuery(status=status))
    if after is not None:
        select = select.where(
            (Session.start > after.start) | ((Session.start == after.start) & (Session.id > after.id))
        )
    return list(select.order_by(Session.start, Session.id).limit(max(1, min(limit, 500))))


def statuses_for_search() -> list[str]:
    """Every status a session can have: the workflow's, then Cancelled and No-Show."""
    return settings.session_statuses() + [s for s in CLOSED_STATUSES if s not in settings.session_statuses()]


def session_appointments(session: Session) -> list[Appointment]:
    """The appointments linked to the session, in time order."""
    return list(
        Appointment.select(Appointment, User)
        .join(User, JOIN.LEFT_OUTER, on=(Appointment.staff == User.id))
        .where(Appointment.session == session.id)
        .order_by(Appointment.start, Appointment.id)
    )


def session_images(session: Session) -> list[SessionImage]:
    """The images stored for the session, by number."""
    return list(SessionImage.select().where(SessionImage.session == session.id).order_by(SessionImage.number))


# ---------------------------------------------------------------- the front desk (Home hub, client record)


@dataclass(frozen=True)
class ScheduleItem:
    """One line of a day's schedule: a session or an appointment."""

    start: dt.datetime
    end: dt.datetime
    client: Client | None
    what: str  # the session type, or the appointment's title
    who: str  # the photographer, or the appointment's staff member
    status: str
    session: Session | None = None  # the session, or the session an appointment belongs to
    appointment: Appointment | None = None

    @property
    def kind(self) -> str:
        return "appointment" if self.appointment is not None else "session"


def day_schedule(day: dt.date) -> list[ScheduleItem]:
    """The sessions and appointments of ``day`` in time order (cancelled ones left out)."""
    begin = dt.datetime.combine(day, dt.time.min)
    end = begin + dt.timedelta(days=1)
    items: list[ScheduleItem] = []
    day_sessions = (
        Session.select(Session, Client, User, SessionType)
        .join(Client, on=(Session.client == Client.id))
        .switch(Session)
        .join(User, on=(Session.photographer == User.id))
        .switch(Session)
        .join(SessionType, on=(Session.session_type == SessionType.id))
        .where((Session.start >= begin) & (Session.start < end) & (Session.status != CANCELLED))
    )
    for session in day_sessions:
        items.append(
            ScheduleItem(
                session.start,
                session.end,
                session.client,
                session.session_type.name,
                session.photographer.full_name,
                session.status,
                session=session,
            )
        )
    day_appointments = (
        Appointment.select(Appointment, Client, User)
        .join(Client, JOIN.LEFT_OUTER, on=(Appointment.client == Client.id))
        .switch(Appointment)
        .join(User, JOIN.LEFT_OUTER, on=(Appointment.staff == User.id))
        .where((Appointment.start >= begin) & (Appointment.start < end) & (Appointment.status != "Cancelled"))
    )
    for appointment in day_appointments:
        staff = appointment.staff if appointment.staff_id else None
        items.append(
            ScheduleItem(
                appointment.start,
                appointment.end,
                appointment.client,
                appointment.title,
                staff.full_name if staff is not None else "",
                appointment.status,
                session=appointment.session if appointment.session_id else None,
                appointment=appointment,
            )
        )
    items.sort(key=lambda item: (item.start, item.kind != "session", item.what))
    return items


@dataclass(frozen=True)
class StageCount:
    status: str
    count: int
    oldest_change: dt.datetime | None  # when the longest-waiting session reached this stage


def waiting_by_status() -> list[StageCount]:
    """How many sessions wait at each stage of the workflow, in workflow order.

    The last status of the workflow (Complete) is the end, not a stage where
    sessions wait; cancelled and no-show sessions are out of the workflow."""
    stages = settings.session_statuses()[:-1]
    counts = {
        status: (count, oldest)
        for status, count, oldest in tuples(
            Session.select(Session.status, fn.COUNT(Session.id), fn.MIN(Session.status_changed_at))
            .where(Session.status.in_(stages))
            .group_by(Session.status)
        )
    }
    result = []
    for status in stages:
        count, oldest = counts.get(status, (0, None))
        if isinstance(oldest, str):  # SQLite hands aggregates back as text
            oldest = dt.datetime.fromisoformat(oldest)
        result.append(StageCount(status, int(count), oldest))
    return result


def client_appointments(client: Client, limit: int = 50, after: Appointment | None = None) -> list[Appointment]:
    """One page of the client's appointments, latest first (staff joined);
    ``after`` is the last appointment of the previous page."""
    select = (
        Appointment.select(Appointment, User)
        .join(User, JOIN.LEFT_OUTER, on=(Appointment.staff == User.id))
        .where(Appointment.client == client.id)
    )
    if after is not None:
        select = select.where(
            (Appointment.start < after.start) | ((Appointment.start == after.start) & (Appointment.id < after.id))
        )
    return list(select.order_by(Appointment.start.desc(), Appointment.id.desc()).limit(max(1, min(limit, 500))))
