"""Phone calls with clients, as logged at the front desk.

A call is incoming (the client called) or outgoing (the studio called), has
a subject and notes, and may ask for a call back: a follow-up day makes a
task for it in the same transaction, so the call and its to-do never part:
the task names its call (``Task.phone_call``), which is how the Phone Calls
hub (F8) tells the follow-ups from other tasks.

The hub's lists (``search_calls``) page from SQL by keyset: every call,
today's (the studio's today), a staff member's, newest first; the follow-ups
due (the call-back task open and due today or earlier), longest due first.
"""

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Tuple, fn

from . import audit, clock, text
from .clients import name_starts_with, search_key
from .db import write_transaction
from .errors import NotFound, ValidationError
from .models import Client, PhoneCall, Task, User, database, tuples
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
                TaskFields(title=f"Call back {client.full_name}: {subject}"[: text.MAX_HEADING], due=due),
                client=client,
                phone_call=call,
            )
    return call


def calls_of_client(client: Client, limit: int = 50, after: PhoneCall | None = None) -> list[PhoneCall]:
    """The client's calls, newest first; ``after`` is the last call of the previous page."""
    select = PhoneCall.select().where(PhoneCall.client == client.id)
    if after is not None:
        select = select.where((PhoneCall.at < after.at) | ((PhoneCall.at == after.at) & (PhoneCall.id < after.id)))
    return list(select.order_by(PhoneCall.at.desc(), PhoneCall.id.desc()).limit(max(1, min(limit, 500))))


# ---------------------------------------------------------------- the hub's lists

SHOW = ("all", "today", "follow_ups")


@dataclass(frozen=True)
class CallQuery:
    """``show``: "all", "today" (the studio's today) or "follow_ups" (the
    call-back due today or earlier and not done); ``staff``: the calls one
    person logged (their user name), or "" for everyone's; ``text``: every
    word starts the client's first or last name, or is in the subject or notes."""

    show: str = "all"
    staff: str = ""
    text: str = ""


def _joined():
    """Calls with their client and their call-back task (None without one: a
    call makes one task at most), so a row needs no query of its own."""
    return (
        PhoneCall.select(PhoneCall, Client, Task)
        .join(Client, on=(PhoneCall.client == Client.id))
        .switch(PhoneCall)
        .join(Task, JOIN.LEFT_OUTER, on=(Task.phone_call == PhoneCall.id), attr="follow_up")
    )


def _ids_only(query: CallQuery):
    """The calls' ids, joined to nothing the conditions do not need (counts are read from the calls alone)."""
    select = PhoneCall.select(PhoneCall.id)
    if query.show == "follow_ups":
        select = select.join(Task, on=(Task.phone_call == PhoneCall.id))
    return select


FEW_MATCHES = 500  # a search with fewer matches finds them in one pass and sorts them


def _few_matches(query: CallQuery, today: dt.date) -> list[int] | None:
    """The ids of a search's calls when they are few (None when many).

    A rare word would otherwise walk every call in the list's order, reading
    each call's row out of order (seconds at 300,000 calls); one pass over
    the calls in their stored order finds the few (a tenth of that), then
    they are sorted. Many matches are found at once by the ordered walk."""
    if not text.one_line(query.text):
        return None
    ids = [call_id for (call_id,) in tuples(_where(_ids_only(query), query, today).limit(FEW_MATCHES))]
    return ids if len(ids) < FEW_MATCHES else None


def _word_condition(word: str):
    """The word starts the client's first or last name (the clients found
    once through the name indexes), or is in the subject or the notes: so the
    calls are walked in their list's order without a client read per call."""
    named = Client.select(Client.id).where(name_starts_with(search_key(word)))
    return PhoneCall.client.in_(named) | PhoneCall.subject.contains(word) | PhoneCall.notes.contains(word)


def _where(select, query: CallQuery, today: dt.date):
    if query.show not in SHOW:
        raise ValidationError(f"Show one of: {', '.join(SHOW)}.", "show")
    if query.show == "today":
        start = dt.datetime.combine(today, dt.time())
        select = select.where((PhoneCall.at >= start) & (PhoneCall.at < start + dt.timedelta(days=1)))
    elif query.show == "follow_ups":
        select = select.where(Task.done_at.is_null() & (Task.due <= today) & Task.phone_call.is_null(False))
    if query.staff:
        select = select.where(PhoneCall.user_name == query.staff)
    for word in text.one_line(query.text).split()[:8]:
        select = select.where(_word_condition(word))
    return select


def search_calls(query: CallQuery, limit: int = 50, after: PhoneCall | None = None) -> list[PhoneCall]:
    """One page of the calls of ``query``; ``after`` is the last call of the
    previous page (keyset). Newest first; the follow-ups by their task's due
    day (longest due first). Each call has ``client`` and ``follow_up``
    (its call-back Task, or None)."""
    limit = max(1, min(limit, 500))
    today = clock.today()
    select = _where(_joined(), query, today)
    few = _few_matches(query, today)
    if few is not None:
        select = select.where(PhoneCall.id.in_(few))
    if query.show == "follow_ups":
        task = follow_up_of(after) if after is not None else None
        if task is not None:  # row values: the index is entered right after the previous page
            select = select.where(Tuple(Task.due, Task.id) > Tuple(task.due, task.id))
        return list(select.order_by(Task.due, Task.id).limit(limit))
    if after is not None:
        select = select.where(Tuple(PhoneCall.at, PhoneCall.id) < Tuple(after.at, after.id))
    return list(select.order_by(PhoneCall.at.desc(), PhoneCall.id.desc()).limit(limit))


def follow_up_of(call: PhoneCall) -> Task | None:
    """The call-back task of a call the hub listed (None without one)."""
    return getattr(call, "follow_up", None)


def count_calls(query: CallQuery, cap: int = 10000) -> int:
    """How many calls ``query`` lists, counted up to ``cap``."""
    return _where(_ids_only(query), query, clock.today()).limit(cap).count()


def staff_names() -> list[tuple[str, str]]:
    """(user name, full name) of everyone who can log a call or has logged one, by full name."""
    names = {user.username: user.full_name for user in User.select()}
    for (name,) in tuples(PhoneCall.select(fn.DISTINCT(PhoneCall.user_name)).where(PhoneCall.user_name != "")):
        names.setdefault(name, name)
    return sorted(names.items(), key=lambda pair: (pair[1].casefold(), pair[0]))


def get_call(call_id: int) -> PhoneCall:
    """One call with its client and its call-back task, as the hub lists it."""
    call = _joined().where(PhoneCall.id == call_id).first()
    if call is None:
        raise NotFound(f"There is no phone call #{call_id}.")
    return call
