"""Delivering the outbox: email over SMTP, SMS through an HTTP gateway or an
email-to-SMS address (the settings: data/delivery_settings.py).

``send_due`` delivers each queued message whose next attempt has come. A
sender first claims the message with a guarded update (queued, due, not
claimed by another sender whose claim is still running): two senders at once
never deliver the same message twice. A failed attempt keeps the server's
answer and is tried again later (RETRY_AFTER: 1, 5 and 30 minutes, 2 and 6
hours), then the message is "failed", which a person can retry by hand
(messages.retry_now). A message stays queued while the server is down or the
app is closed: nothing is lost. A sender that dies between its claim and the
answer leaves the claim to run out (CLAIM_MINUTES), after which the message
is tried again.

``Sender`` runs ``send_due`` in a background thread: ``start_sender()`` when
the app starts, ``wake_sender()`` after queuing, ``stop_sender()`` on quit.
"""

import datetime as dt
import json
import smtplib
import ssl
import threading
import urllib.error
import urllib.request
from base64 import b64encode
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote_plus

from . import clock
from .clients import DEFAULT_REGION, digits
from .db import write_transaction
from .delivery_settings import DeliverySettings, read_delivery_settings, save_delivery_settings
from .errors import DomainError
from .messages import EMAIL, SMS
from .models import Message, database
from .reminders import queue_reminders

RETRY_AFTER = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1  # attempts in a round before the message is "failed"
CLAIM_MINUTES = 10
TIMEOUT_SECONDS = 30
BATCH = 50
ANSWER_LENGTH = 500

__all__ = [
    "DeliverySettings",
    "Sender",
    "read_delivery_settings",
    "save_delivery_settings",
    "send_due",
    "start_sender",
    "stop_sender",
    "wake_sender",
]


class DeliveryFailed(DomainError):
    """The server refused the message or could not be reached; the message is the answer."""


@dataclass(frozen=True)
class SendCounts:
    sent: int = 0
    retrying: int = 0  # failed this time, tried again later
    failed: int = 0  # failed for good (a person may retry)

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.failed


# ---------------------------------------------------------------- one message


def _answer(text: object) -> str:
    line = " ".join(str(text).split())
    return line[:ANSWER_LENGTH]


def _reply(code: int, text: bytes | str) -> str:
    return _answer(f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}")


def send_email(settings: DeliverySettings, to: str, subject: str, body: str) -> str:
    """Deliver one email; returns the server's answer, raises DeliveryFailed with it."""
    mail = EmailMessage()
    mail["From"] = settings.from_address
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=settings.from_address.rpartition("@")[2] or None)
    mail.set_content(body)
    place = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        context = ssl.create_default_context()
        server: smtplib.SMTP
        if settings.smtp_security == "tls":
            server = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
        with server:
            server.ehlo()
            if settings.smtp_security == "starttls":
                server.starttls(context=context)
                server.ehlo()
            if settings.smtp_username:
                server.login(settings.smtp_username, settings.smtp_password)
            for step, (code, text) in (
                ("sender", server.mail(settings.from_address)),
                ("recipient", server.rcpt(to)),
            ):
                if code not in (250, 251):
                    server.rset()
                    raise DeliveryFailed(f"The mail server refused the {step}: {_reply(code, text)}")
            code, text = server.data(mail.as_bytes())
            if code != 250:
                raise DeliveryFailed(f"The mail server refused the message: {_reply(code, text)}")
            return _reply(code, text)
    except DeliveryFailed:
        raise
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryFailed(
            f"The mail server refused the login: {_reply(error.smtp_code, error.smtp_error)}"
        ) from None
    except smtplib.SMTPResponseException as error:
        raise DeliveryFailed(f"The mail server answered: {_reply(error.smtp_code, error.smtp_error)}") from None
    except smtplib.SMTPException as error:
        raise DeliveryFailed(_answer(f"The mail server {place} cannot take the message: {error}")) from None
    except OSError as error:
        raise DeliveryFailed(_answer(f"Cannot reach the mail server {place}: {error}")) from None


def _gateway_body(template: str, to: str, text: str) -> tuple[bytes, str]:
    """The gateway's request body and its content type."""
    if template.lstrip().startswith("{"):
        escape = lambda value: json.dumps(value)[1:-1]  # noqa: E731 (inside a JSON string)
        kind = "application/json"
    else:
        escape, kind = quote_plus, "application/x-www-form-urlencoded"
    return template.replace("{to}", escape(to)).replace("{text}", escape(text)).encode(), kind


def international(phone: str) -> str:
    """A phone as a gateway wants it: '(512) 867-5309' -> '+15128675309' (E.164)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return digits(phone)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def send_sms(settings: DeliverySettings, to: str, text: str) -> str:
    """Deliver one SMS to the number ``to``; returns the answer, raises DeliveryFailed."""
    if settings.sms_method == "email":
        address = settings.sms_email_address.replace("{number}", digits(to))
        return send_email(settings, address, "", text)
    body, kind = _gateway_body(settings.sms_gateway_body, international(to), text)
    request = urllib.request.Request(settings.sms_gateway_url, data=body, method="POST")
    request.add_header("Content-Type", kind)
    if settings.sms_gateway_username:
        pair = f"{settings.sms_gateway_username}:{settings.sms_gateway_token}".encode()
        request.add_header("Authorization", "Basic " + b64encode(pair).decode())
    elif settings.sms_gateway_token:
        request.add_header("Authorization", "Bearer " + settings.sms_gateway_token)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            return _answer(f"{answer.status} {answer.read(ANSWER_LENGTH).decode('utf-8', 'replace')}")
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(
            _answer(f"The SMS gateway refused: {error.code} {error.read(ANSWER_LENGTH).decode('utf-8', 'replace')}")
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryFailed(_answer(f"Cannot reach the SMS gateway: {reason}")) from None


def deliver(settings: DeliverySettings, message: Message) -> str:
    if message.channel == EMAIL:
        return send_email(settings, message.recipient, message.subject, message.body)
    return send_sms(settings, message.recipient, message.body)


# ---------------------------------------------------------------- the outbox


def ready_channels(settings: DeliverySettings) -> list[str]:
    return [channel for channel, ready in ((EMAIL, settings.email_ready), (SMS, settings.sms_ready)) if ready]


def _due(now: dt.datetime, channels: list[str]):
    return (
        (Message.status == Message.QUEUED)
        & (Message.next_attempt_at <= now)
        & Message.channel.in_(channels)
        & (Message.claimed_until.is_null() | (Message.claimed_until < now))
    )


@write_transaction
def _claim(message_id: int, now: dt.datetime, channels: list[str]) -> bool:
    """Take the message for this sender; False when another sender has it (or it was sent)."""
    until = now + dt.timedelta(minutes=CLAIM_MINUTES)
    return Message.update(claimed_until=until).where((Message.id == message_id) & _due(now, channels)).execute() == 1


@write_transaction
def _record(message: Message, now: dt.datetime, answer: str, sent: bool) -> str:
    """Store an attempt's outcome; returns the message's status."""
    attempts, round_attempts = message.attempts + 1, message.round_attempts + 1
    values: dict = {"attempts": attempts, "round_attempts": round_attempts, "last_answer": answer}
    values["claimed_until"] = None
    if sent:
        values |= {"status": Message.SENT, "sent_at": now}
    elif round_attempts >= MAX_ATTEMPTS:
        values["status"] = Message.FAILED
    else:
        values["next_attempt_at"] = now + RETRY_AFTER[round_attempts - 1]
    Message.update(**values).where(Message.id == message.id).execute()
    return values.get("status", Message.QUEUED)


def send_due(now: dt.datetime | None = None, settings: DeliverySettings | None = None) -> SendCounts:
    """Deliver the queued messages whose time has come (UTC ``now``, default
    the studio's clock), on the channels this machine's settings can send."""
    settings = settings if settings is not None else read_delivery_settings()
    channels = ready_channels(settings)
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    if not channels:
        return SendCounts()
    tried: set[int] = set()
    while True:
        moment = now if now is not None else clock.utc_now()
        due = Message.select().where(_due(moment, channels) & Message.id.not_in(sorted(tried) or [0]))
        batch = list(due.order_by(Message.next_attempt_at, Message.id).limit(BATCH))
        if not batch:
            return SendCounts(**counts)
        for message in batch:
            tried.add(message.id)
            if not _claim(message.id, moment, channels):
                continue
            message = Message.get_by_id(message.id)
            try:
                answer, sent = deliver(settings, message), True
            except DeliveryFailed as error:
                answer, sent = str(error), False
            status = _record(message, now if now is not None else clock.utc_now(), answer, sent)
            counts[{Message.SENT: "sent", Message.FAILED: "failed"}.get(status, "retrying")] += 1


# ---------------------------------------------------------------- the background sender


class Sender:
    """Queues the reminders due and runs ``send_due``, every ``every_seconds``
    and when woken, in a thread of its own."""

    def __init__(self, every_seconds: float = 30.0):
        self.every_seconds = every_seconds
        self.last_counts = SendCounts()
        self.last_error = ""  # what went wrong in the last pass ("" when it went through)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="spectra-sender", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the message being delivered (if any); it waits up to ``timeout`` seconds."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.pass_once()
                self._wake.wait(self.every_seconds)
                self._wake.clear()
        finally:
            if not database.is_closed():
                database.close()  # this thread's connection

    def pass_once(self) -> SendCounts:
        """Queue the reminders now due, then deliver what is due."""
        try:
            queue_reminders()
            self.last_counts = send_due()
            self.last_error = ""
        except DomainError as error:
            self.last_error = str(error)
        except Exception as error:  # a database busy or gone: the next pass tries again
            self.last_error = f"{type(error).__name__}: {error}"
        return self.last_counts


_sender: Sender | None = None


def start_sender(every_seconds: float = 30.0) -> Sender:
    """Start this process's background sender (once)."""
    global _sender
    if _sender is None:
        _sender = Sender(every_seconds)
    _sender.start()
    return _sender


def wake_sender() -> None:
    """Deliver now what was just queued (nothing when no sender runs)."""
    if _sender is not None:
        _sender.wake()


def stop_sender() -> None:
    global _sender
    if _sender is not None:
        _sender.stop()
        _sender = None
