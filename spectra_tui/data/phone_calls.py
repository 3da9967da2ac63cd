"""Phone calls with clients, as logged at the front desk.

A call is incoming (the client called) or outgoing (the studio called), has
a subject and notes, and may ask for a call back: a follow-up day makes a
task for it in the same transaction, so the call and its to-do never part.
"""

import datetime as dt

from . import audit, clock, text
from .db import write_transaction
from .errors import ValidationError
from .models import Client, PhoneCall, database
from .tasks import TaskFields, create_task, parse_due
from .users import current_user_name
from .when import parse_when

DIRECTION_WORDS = {
    "in": PhoneCall.INCOMING,
    "incoming": PhoneCall.INCOMING,
    "i": PhoneCall.INCOMING,
    "out": PhoneCall.OUTGOING,
    "outgoing": PhoneCall.OUTGOING,
    "o": PhoneCall.OUTGOING,
}


def parse_direction(text: str) -> str:
    direction = DIRECTION_WORDS.get((text or "in").strip().lower())
    if direction is None:
        raise ValidationError("Type 'in' for a call from the client or 'out' for a call to the client.", "direction")
    return direction


@write_transaction
def log_call(
    client: Client,
    subject: str,
    direction: str = "in",
    notes: str = "",
    at: str | dt.datetime = "",
    follow_up: str | dt.date = "",
) -> PhoneCall:
    """Record a call with ``client`` (``at`` defaults to now). With a
    ``follow_up`` day, a task "Call back ..." due that day is made too."""
    subject = text.heading(subject, "subject", "The subject", "Say what the call was about.")
    notes = text.notes(notes)
    kind = parse_direction(direction)
    if isinstance(at, dt.datetime):
        when = clock.checked_wall_time(at, "at")
    elif (at or "").strip():
        try:
            when = clock.checked_wall_time(parse_when(at), "at")
        except ValidationError as error:
            raise ValidationError(str(error), "at") from error
        if when > clock.now() + dt.timedelta(minutes=5):
            raise ValidationError("A call is logged once it happened: that time is still ahead.", "at")
    else:
        when = clock.now()
    due = parse_due(follow_up, "follow_up")
    with database.atomic():
        call = PhoneCall.create(
            client=client,
            direction=kind,
            at=when.replace(second=0, microsecond=0),
            subject=subject,
            notes=notes,
            user_name=current_user_name(),
        )
        audit.record("call.log", "client", client.id, None, call)
        if due is not None:
            create_task(
                TaskFields(title=f"Call back {client.full_name}: {subject}"[: text.MAX_HEADING], due=due), client=client
            )
    return call


def calls_of_client(client: Client, limit: int = 50, after: PhoneCall | None = None) -> list[PhoneCall]:
    """The client's calls, newest first; ``after`` is the last call of the previous page."""
    select = PhoneCall.select().where(PhoneCall.client == client.id)
    if after is not None:
        select = select.where((PhoneCall.at < after.at) | ((PhoneCall.at == after.at) & (PhoneCall.id < after.id)))
    return list(select.order_by(PhoneCall.at.desc(), PhoneCall.id.desc()).limit(max(1, min(limit, 500))))
