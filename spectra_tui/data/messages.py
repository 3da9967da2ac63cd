"""Messages to clients: templates with merge fields, the preview, and the outbox.

A message is written to the outbox first (status "queued", its text already
rendered) and delivered later by data/delivery.py; nothing is lost when the
app quits or the mail server is down. Templates are the studio's settings:
only a manager or the owner writes them (Permission.CHANGE_SETTINGS); anyone
signed in composes, queues and retries messages.

Merge fields are written ``{first_name}``; see MERGE_FIELDS.
"""

from dataclasses import dataclass

from peewee import fn

from . import audit, clock, settings, versions
from .db import write_transaction
from .errors import NotFound, ValidationError
from .models import Client, Invoice, Message, MessageTemplate, Session, User, tuples
from .money import format_money
from .permissions import Permission, require
from .text import heading, one_line, strip_controls
from .users import current_user_name
from .when import clock as clock_time
from .when import long_date

EMAIL = "email"
SMS = "sms"
CHANNELS = (EMAIL, SMS)
CHANNEL_LABELS = {EMAIL: "Email", SMS: "SMS"}

MERGE_FIELDS: dict[str, str] = {
    "first_name": "The client's first name",
    "last_name": "The client's last name",
    "full_name": "The client's full name",
    "email": "The client's email address",
    "phone": "The client's main phone (mobile first)",
    "session_date": "The session's day ('Friday, December 4, 2026')",
    "session_time": "The session's start ('2:30 PM')",
    "session_type": "The session's type ('Family')",
    "photographer": "The session's photographer",
    "balance": "What the client owes on open invoices ('$120.00')",
    "studio_name": "The studio's name (Studio Settings)",
    "studio_phone": "The studio's phone (Studio Settings)",
}
SESSION_FIELDS = ("session_date", "session_time", "session_type", "photographer")

MAX_BODY = {EMAIL: 20000, SMS: 1600}  # an SMS past 1,600 characters is refused by most gateways
MAX_REMINDER_DAYS = 60
PAGE_LIMIT = 500


@dataclass(frozen=True)
class Preview:
    """The message as it will go: to whom, and its text with the fields merged."""

    to: str
    subject: str
    body: str


# ---------------------------------------------------------------- merge fields


def _pieces(text: str) -> list[tuple[str, str]]:
    """``text`` as (literal text, merge field or "") pairs; a ValidationError
    names an unknown field or a brace left open."""
    pieces: list[tuple[str, str]] = []
    done = 0
    start = text.find("{")
    while start != -1:
        end = text.find("}", start + 1)
        next_open = text.find("{", start + 1)
        if end == -1 or (next_open != -1 and next_open < end):
            piece = text[start : start + 20]
            raise ValidationError(f"A brace is left open at '{piece}': close the field with }} or remove the {{.")
        name = text[start + 1 : end].strip()
        if name not in MERGE_FIELDS:
            raise ValidationError(
                f"{{{name}}} is not a merge field. The merge fields are: "
                + ", ".join(f"{{{known}}}" for known in MERGE_FIELDS)
                + "."
            )
        pieces.append((text[done:start], name))
        done = end + 1
        start = text.find("{", done)
    pieces.append((text[done:], ""))
    return pieces


def fields_used(text: str) -> list[str]:
    """The merge fields ``text`` names, in order (checked as ``render`` does)."""
    return [name for _, name in _pieces(text) if name]


def client_balance(client: Client) -> int:
    """What the client owes on their open invoices, in cents (credits not deducted)."""
    total = (
        Invoice.select(fn.COALESCE(fn.SUM(Invoice.balance_cents), 0))
        .where((Invoice.bill_to == client.id) & (Invoice.balance_cents > 0))
        .scalar()
    )
    return int(total or 0)


def merge_values(client: Client, session: Session | None = None) -> dict[str, str]:
    """Each merge field's value for this client (and session)."""
    values = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "full_name": client.full_name,
        "email": client.email,
        "phone": client.main_phone,
        "balance": format_money(client_balance(client), settings.get("currency_symbol")),
        "studio_name": settings.get("studio_name"),
        "studio_phone": settings.get("studio_phone"),
    }
    if session is not None:
        photographer = User.get_by_id(session.photographer_id)
        values |= {
            "session_date": long_date(session.start.date()),
            "session_time": clock_time(session.start),
            "session_type": session.session_type.name,
            "photographer": photographer.full_name,
        }
    return values


def render(text: str, client: Client, session: Session | None = None) -> str:
    """``text`` with each {field} replaced by its value for the client (and session)."""
    names = fields_used(text)
    needing = [name for name in names if name in SESSION_FIELDS]
    if needing and session is None:
        raise ValidationError(
            f"{{{needing[0]}}} needs a session: choose one of the client's sessions, or take the field out."
        )
    values = merge_values(client, session)
    return "".join(literal + (values[name] if name else "") for literal, name in _pieces(text))


# ---------------------------------------------------------------- templates


def _channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise ValidationError(f"A message goes by email or SMS, not '{channel}'.", "channel")
    return channel


def _body(channel: str, body: str) -> str:
    text = strip_controls(body or "", multiline=True).strip()
    if not text:
        raise ValidationError("Write the message.", "body")
    if len(text) > MAX_BODY[channel]:
        raise ValidationError(
            f"The message is {len(text):,} characters long; an {CHANNEL_LABELS[channel]} holds at most "
            f"{MAX_BODY[channel]:,}.",
            "body",
        )
    return text


def _subject(channel: str, subject: str) -> str:
    if channel == SMS:
        return ""
    return heading(subject, "subject", "The subject", "Give the email a subject.")


def _reminder_days(value: int | str | None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationError("Send the reminder a whole number of days before the session.", "reminder_days") from None
    if not 0 <= days <= MAX_REMINDER_DAYS:
        raise ValidationError(
            f"A reminder goes 0 to {MAX_REMINDER_DAYS} days before the session (or leave it empty).", "reminder_days"
        )
    return days


def _template_values(
    name: str, channel: str, subject: str, body: str, reminder_days: int | str | None, exclude: int | None
) -> dict:
    channel = _channel(channel)
    clean_name = heading(name, "name", "The template's name", "Give the template a name.")
    clean_subject, clean_body = _subject(channel, subject), _body(channel, body)
    fields_used(clean_subject)
    fields_used(clean_body)
    same = MessageTemplate.select().where(fn.LOWER(MessageTemplate.name) == clean_name.lower())
    if exclude is not None:
        same = same.where(MessageTemplate.id != exclude)
    if same.exists():
        raise ValidationError(f"There is already a template called '{clean_name}'.", "name")
    return {
        "name": clean_name,
        "channel": channel,
        "subject": clean_subject,
        "body": clean_body,
        "reminder_days": _reminder_days(reminder_days),
    }


@write_transaction
def create_template(
    name: str, channel: str, subject: str, body: str, reminder_days: int | str | None = None
) -> MessageTemplate:
    """A new template (a manager or the owner)."""
    require(Permission.CHANGE_SETTINGS)
    values = _template_values(name, channel, subject, body, reminder_days, None)
    template = MessageTemplate.create(**values)
    audit.record("template.add", "message_template", template.id, None, template)
    return template


@write_transaction
def update_template(template: MessageTemplate, **fields: object) -> MessageTemplate:
    """Change a template's name, channel, subject, body, reminder_days or
    active; refused when another terminal saved it since it was loaded."""
    require(Permission.CHANGE_SETTINGS)
    known = {"name", "channel", "subject", "body", "reminder_days", "active"}
    unknown = set(fields) - known
    if unknown:
        raise ValidationError(f"A template has no field '{sorted(unknown)[0]}'.")
    what = f"The template '{template.name}'"
    stored = versions.current(template, what)
    merged = {name: fields.get(name, getattr(stored, name)) for name in known - {"active"}}
    values = _template_values(
        str(merged["name"]),
        str(merged["channel"]),
        str(merged["subject"]),
        str(merged["body"]),
        merged["reminder_days"],  # type: ignore[arg-type]  # int, text or None, checked by _reminder_days
        template.id,
    )
    if "active" in fields:
        values["active"] = bool(fields["active"])
    before = audit.snapshot(stored)
    if versions.write_changes(stored, what, **values):
        audit.record("template.edit", "message_template", template.id, before, stored)
    return versions.adopt(template, stored)


def templates(channel: str | None = None, include_inactive: bool = False) -> list[MessageTemplate]:
    """The templates by name (of one channel when given)."""
    select = MessageTemplate.select()
    if channel is not None:
        select = select.where(MessageTemplate.channel == _channel(channel))
    if not include_inactive:
        select = select.where(MessageTemplate.active == True)  # noqa: E712 (SQL)
    return list(select.order_by(fn.LOWER(MessageTemplate.name), MessageTemplate.id))


def get_template(template_id: int) -> MessageTemplate:
    template = MessageTemplate.get_or_none(MessageTemplate.id == template_id)
    if template is None:
        raise NotFound(f"There is no message template #{template_id}: it was removed.")
    return template


# ---------------------------------------------------------------- preview and queue


def recipient(channel: str, client: Client) -> str:
    """Where a message to the client goes; refused for a do-not flag or no address."""
    _channel(channel)
    if channel == EMAIL:
        if client.do_not_email:
            raise ValidationError(f"{client.full_name} asked not to be emailed (Do not email is on).")
        if not client.email:
            raise ValidationError(f"{client.full_name} has no email address: add one to the client first.")
        return client.email
    if client.do_not_text:
        raise ValidationError(f"{client.full_name} asked not to be texted (Do not text is on).")
    if not client.phone_mobile:
        raise ValidationError(f"{client.full_name} has no mobile phone: add one to the client first.")
    return client.phone_mobile


def preview(channel: str, client: Client, subject: str, body: str, session: Session | None = None) -> Preview:
    """The message as it would go (nothing is written)."""
    to = recipient(channel, client)
    if session is not None and session.client_id != client.id:
        raise ValidationError(f"Session {session.number} is not {client.full_name}'s.")
    return Preview(
        to=to,
        subject=render(_subject(channel, subject), client, session),
        body=_body(channel, render(_body(channel, body), client, session)),
    )


def queue_message(
    channel: str,
    client: Client,
    subject: str,
    body: str,
    session: Session | None = None,
    template: MessageTemplate | None = None,
) -> Message:
    """Write the message to the outbox (inside the caller's transaction), audited."""
    stored = Client.get_or_none(Client.id == client.id)
    if stored is None:
        raise NotFound(f"{client.full_name} no longer exists: they were removed in another terminal.")
    ready = preview(channel, stored, subject, body, session)
    message = Message.create(
        channel=channel,
        client=stored.id,
        session=session.id if session is not None else None,
        template=template.id if template is not None else None,
        recipient=ready.to,
        subject=ready.subject,
        body=ready.body,
        status=Message.QUEUED,
        next_attempt_at=clock.utc_now(),
        created_by=current_user_name(),
    )
    audit.record("message.queue", "message", message.id, None, message)
    return message


@write_transaction
def queue(
    channel: str,
    client: Client,
    subject: str,
    body: str,
    session: Session | None = None,
    template: MessageTemplate | None = None,
) -> Message:
    """Put a message to the client in the outbox (status "queued"); the
    sender delivers it. Refused for do-not-email / do-not-text."""
    return queue_message(channel, client, subject, body, session, template)


@write_transaction
def retry_now(message: Message) -> Message:
    """Deliver a queued or failed message at the next pass of the sender."""
    stored = Message.get_or_none(Message.id == message.id)
    if stored is None:
        raise NotFound("That message no longer exists.")
    if stored.status == Message.SENT:
        raise ValidationError(f"This message was already sent ({clock.to_local(stored.sent_at):%m/%d %H:%M}).")
    now = clock.utc_now()
    Message.update(status=Message.QUEUED, next_attempt_at=now, round_attempts=0).where(
        (Message.id == stored.id) & (Message.status != Message.SENT)
    ).execute()
    audit.record("message.retry", "message", stored.id, {"status": stored.status}, {"status": Message.QUEUED})
    fresh = Message.get_by_id(stored.id)
    message.__data__.update(fresh.__data__)
    return message


# ---------------------------------------------------------------- the outbox


def get_message(message_id: int) -> Message:
    message = Message.get_or_none(Message.id == message_id)
    if message is None:
        raise NotFound(f"There is no message #{message_id}.")
    return message


EVERY_STATUS = "all"


def messages_by_status(status: str, limit: int = 50, after: Message | None = None) -> list[Message]:
    """The outbox's messages of one status (or EVERY_STATUS), newest first;
    ``after``: the last message of the previous page (keyset, on the (status,
    id) index, or the id)."""
    if status != EVERY_STATUS and status not in Message.STATUSES:
        raise ValidationError(f"A message is {', '.join(Message.STATUSES)}; not '{status}'.")
    select = Message.select(Message, Client).join(Client)
    if status != EVERY_STATUS:
        select = select.where(Message.status == status)
    if after is not None:
        select = select.where(Message.id < after.id)
    return list(select.order_by(Message.id.desc()).limit(max(1, min(limit, PAGE_LIMIT))))


def messages_of_client(client: Client, limit: int = 50, after: Message | None = None) -> list[Message]:
    """The client's messages, newest first (keyset, on the (client, id) index)."""
    select = Message.select().where(Message.client == client.id)
    if after is not None:
        select = select.where(Message.id < after.id)
    return list(select.order_by(Message.id.desc()).limit(max(1, min(limit, PAGE_LIMIT))))


def count_by_status() -> dict[str, int]:
    """How many messages of each status, and of every status (the hub's views)."""
    counts = dict.fromkeys(Message.STATUSES, 0)
    for status, count in tuples(Message.select(Message.status, fn.COUNT(Message.id)).group_by(Message.status)):
        counts[status] = count
    counts[EVERY_STATUS] = sum(counts.values())
    return counts


def describe(message: Message) -> str:
    """One line for a list: 'Email to ann@example.com: Your session'."""
    what = message.subject or one_line(message.body)[:60]
    return f"{CHANNEL_LABELS.get(message.channel, message.channel)} to {message.recipient}: {what}"
