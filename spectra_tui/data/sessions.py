"""Sessions (always the camera: a photographer and a session type),
appointments (any other meeting) and the session status workflow.

Status follows the studio's ordered list (settings.session_statuses); every
change is kept in the session's history with who and when. "Cancelled" and
"No-Show" are off the list: they end a session without completing it.
"""
import datetime as dt

from . import audit, settings
from .counters import next_number
from .errors import NotFound, ValidationError
from .models import Appointment, Client, Room, Session, SessionStatusChange, SessionType, User, database, now
from .users import current_user_name

CANCELLED = "Cancelled"
NO_SHOW = "No-Show"
CLOSED_STATUSES = (CANCELLED, NO_SHOW)
MAX_LENGTH_MINUTES = 12 * 60


def _check_length(length_minutes) -> int:
    if not isinstance(length_minutes, int) or isinstance(length_minutes, bool):
        raise ValidationError("The length must be a whole number of minutes.", "length")
    if not 5 <= length_minutes <= MAX_LENGTH_MINUTES:
        raise ValidationError("The length must be between 5 minutes and 12 hours.", "length")
    return length_minutes


def _check_start(start) -> dt.datetime:
    if not isinstance(start, dt.datetime):
        raise ValidationError("Choose the date and time.", "start")
    return start.replace(second=0, microsecond=0)


def create_session(client: Client | None, photographer: User | None, session_type: SessionType | None,
                   start: dt.datetime, length_minutes: int | None = None, room: Room | None = None,
                   notes: str = "") -> Session:
    """Book a session. A session always involves the camera: it needs a client,
    a photographer and a session type. Conflicts are checked by booking.py."""
    if client is None:
        raise ValidationError("A session needs a client.", "client")
    if photographer is None:
        raise ValidationError("A session always involves the camera: choose the photographer.", "photographer")
    if not photographer.is_photographer or not photographer.active:
        raise ValidationError(f"{photographer.full_name} is not an active photographer.", "photographer")
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
        SessionStatusChange.create(session=session, from_status="", to_status=first_status,
                                   user_name=current_user_name(), note="Booked")
        audit.record("session.create", "session", session.id, None, session)
    return session


def get_session(number: int) -> Session:
    session = Session.get_or_none(Session.number == number)
    if session is None:
        raise NotFound(f"There is no session number {number}.")
    return session


def set_status(session: Session, status: str, note: str = "") -> Session:
    """Move a session to any status of the workflow (or Cancelled / No-Show)."""
    statuses = settings.session_statuses()
    if status not in statuses and status not in CLOSED_STATUSES:
        raise ValidationError(f"'{status}' is not a session status. Choose one of: {', '.join(statuses)}.", "status")
    if status == session.status:
        raise ValidationError(f"Session {session.number} is already at '{status}'.", "status")
    with database.atomic():
        before = audit.snapshot(session)
        change = SessionStatusChange.create(session=session, from_status=session.status, to_status=status,
                                            user_name=current_user_name(), note=(note or "").strip())
        session.status = status
        session.status_changed_at = change.at
        session.save()
        audit.record("session.status", "session", session.id, before, session)
    return session


def next_status(session: Session) -> str | None:
    """The status after the session's current one, or None at the end."""
    statuses = settings.session_statuses()
    if session.status in CLOSED_STATUSES:
        return None
    if session.status not in statuses:
        return statuses[0]
    index = statuses.index(session.status)
    return statuses[index + 1] if index + 1 < len(statuses) else None


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


def days_in_status(session: Session, today: dt.datetime | None = None) -> int:
    return max(0, ((today or now()) - session.status_changed_at).days)


# ---------------------------------------------------------------- appointments

def create_appointment(title: str, start: dt.datetime, length_minutes: int = 30, client: Client | None = None,
                       session: Session | None = None, staff: User | None = None, room: Room | None = None,
                       notes: str = "") -> Appointment:
    """An appointment linked to a session (its client follows), to a client,
    or unlinked (a staff meeting: then it needs a title)."""
    title = " ".join((title or "").split())
    if session is not None:
        if client is not None and client.id != session.client_id:
            raise ValidationError(f"Session {session.number} belongs to another client.", "client")
        client = session.client
        if session.status in CLOSED_STATUSES:
            raise ValidationError(f"Session {session.number} is {session.status.lower()}; book a new session instead.", "session")
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


def set_appointment_status(appointment: Appointment, status: str, note: str = "") -> Appointment:
    if status not in Appointment.STATUSES:
        raise ValidationError(f"'{status}' is not an appointment status.", "status")
    if status == "Cancelled" and not (note or "").strip():
        raise ValidationError("Give the reason for cancelling.", "reason")
    with database.atomic():
        before = audit.snapshot(appointment)
        appointment.status = status
        if note:
            appointment.notes = (appointment.notes + f"\n{status}: {note.strip()}").strip()
        appointment.save()
        audit.record("appointment.status", "appointment", appointment.id, before, appointment)
    return appointment
