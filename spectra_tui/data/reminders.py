"""Session reminders: each active template with ``reminder_days`` N is sent
N days before each session (from the app's sender and from `spectra
send-reminders`, for cron).

A session is due a template's reminder from N days before its day until it
starts (a run missed yesterday, or a session booked late, still gets it),
unless the session is cancelled or a no-show, or the client asked not to be
emailed / texted. A reminder is queued at most once per session and
template: its row in ``reminder_sent`` is written first, in the same
transaction as the message, and the unique (session, template) index refuses
a second one whatever two senders do at the same moment.
"""

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, IntegrityError

from . import clock, messages
from .db import write_transaction
from .errors import ValidationError
from .models import Client, Message, MessageTemplate, ReminderSent, Session, database
from .sessions import CLOSED_STATUSES


@dataclass(frozen=True)
class DueReminder:
    session: Session
    template: MessageTemplate

    @property
    def client(self) -> Client:
        return self.session.client

    def describe(self) -> str:
        start = self.session.start
        return (
            f"'{self.template.name}' ({messages.CHANNEL_LABELS[self.template.channel]}) to {self.client.full_name} "
            f"for session {self.session.number} on {start:%m/%d/%Y %H:%M}"
        )


@dataclass
class ReminderRun:
    """What a run queued (or, dry, would queue), and what it could not queue and why."""

    queued: list[DueReminder] = field(default_factory=list)
    skipped: list[tuple[DueReminder, str]] = field(default_factory=list)
    dry_run: bool = False


def reminder_templates() -> list[MessageTemplate]:
    return list(
        MessageTemplate.select()
        .where(MessageTemplate.reminder_days.is_null(False) & (MessageTemplate.active == True))  # noqa: E712 (SQL)
        .order_by(MessageTemplate.id)
    )


def due_reminders(today: dt.date | None = None) -> list[DueReminder]:
    """The reminders due now and not yet queued, soonest session first."""
    now = clock.now()
    today = today if today is not None else now.date()
    earliest = now if today == now.date() else dt.datetime.combine(today, dt.time())  # not a session begun
    due: list[DueReminder] = []
    for template in reminder_templates():
        days = template.reminder_days or 0
        until = dt.datetime.combine(today + dt.timedelta(days=days + 1), dt.time())
        flag = Client.do_not_email if template.channel == messages.EMAIL else Client.do_not_text
        already = ReminderSent.alias()
        sessions = (
            Session.select(Session, Client)
            .join(Client)
            .switch(Session)
            .join(
                already,
                JOIN.LEFT_OUTER,
                on=((already.session == Session.id) & (already.template == template.id)),
            )
            .where(
                (Session.start >= earliest)
                & (Session.start < until)
                & Session.status.not_in(CLOSED_STATUSES)
                & (flag == False)  # noqa: E712 (SQL)
                & already.id.is_null()
            )
            .order_by(Session.start, Session.id)
        )
        due += [DueReminder(session, template) for session in sessions]
    return sorted(due, key=lambda reminder: (reminder.session.start, reminder.session.id, reminder.template.id))


@write_transaction
def _queue_one(reminder: DueReminder) -> Message | None:
    """Queue the reminder unless another sender has just done it (None then)."""
    try:
        with database.atomic():  # a savepoint: a refused insert leaves the transaction usable
            mark = ReminderSent.create(session=reminder.session.id, template=reminder.template.id)
    except IntegrityError:
        return None
    template = reminder.template
    message = messages.queue_message(
        template.channel, reminder.client, template.subject, template.body, reminder.session, template
    )
    ReminderSent.update(message=message.id).where(ReminderSent.id == mark.id).execute()
    return message


def queue_reminders(dry_run: bool = False, today: dt.date | None = None) -> ReminderRun:
    """Queue every due reminder (``dry_run``: only say which); a reminder that
    cannot go (no address, a field the session lacks) is skipped with the reason."""
    run = ReminderRun(dry_run=dry_run)
    for reminder in due_reminders(today):
        try:
            if dry_run:
                template = reminder.template
                messages.preview(template.channel, reminder.client, template.subject, template.body, reminder.session)
            elif _queue_one(reminder) is None:
                continue  # queued by another sender a moment ago
        except ValidationError as error:
            run.skipped.append((reminder, str(error)))
            continue
        run.queued.append(reminder)
    return run
