"""`spectra send-reminders [--dry-run]` (for cron): lists, queues and then
delivers the reminders due (to an SMTP server started by the test); never
twice; exit 3 when something did not go; runs as "system"."""
import datetime as dt
import socket

import pytest
from aiosmtpd.controller import Controller

from spectra_tui.data import clients, clock, delivery, messages, sessions
from spectra_tui.data.models import AuditLog, Message
from shell import spectra



class Inbox:
    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def tomorrow_session(studio, db_target):
    """A session tomorrow (the real clock: the command runs in another process) and a one-day reminder."""
    clock.set_clock(None)
    start = dt.datetime.combine(clock.today() + dt.timedelta(days=1), dt.time(14, 0))
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type, start)
    messages.create_template("Tomorrow", "email", "Your session tomorrow",
                             "Hi {first_name}, see you at {session_time}.", reminder_days=1)
    return db_target, session


def test_a_dry_run_lists_the_reminders_and_writes_nothing(tomorrow_session):
    db, session = tomorrow_session
    result = spectra("--db", db, "send-reminders", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Would queue 'Tomorrow' (Email) to Ann Lee for session {session.number} on ")
    assert Message.select().count() == 0


def test_it_queues_then_delivers_once_and_the_audit_names_system(tomorrow_session):
    db, session = tomorrow_session
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        delivery.save_delivery_settings(delivery.DeliverySettings(
            smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none", from_address="desk@example.com"))
        first = spectra("--db", db, "send-reminders")
        second = spectra("--db", db, "send-reminders")
    finally:
        controller.stop()
    assert first.returncode == 0, first.stdout + first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith(f"Queued 'Tomorrow' (Email) to Ann Lee for session {session.number}")
    assert lines[1] == "Delivered 1; 0 to be tried again; 0 failed."
    assert second.returncode == 0 and second.stdout.splitlines() == [
        "No reminder is due.", "Delivered 0; 0 to be tried again; 0 failed."]
    ((to, content),) = inbox.mails
    assert to == ["ann.lee@example.com"] and "Hi Ann, see you at 2:00 PM." in content
    assert Message.get().status == "sent"
    assert AuditLog.get(AuditLog.action == "message.queue").user_name == "system"


def test_without_delivery_settings_the_messages_wait_in_the_outbox(tomorrow_session):
    db, _session = tomorrow_session
    result = spectra("--db", db, "send-reminders")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "This machine has no delivery settings: the messages wait in the outbox (set them up in the app).")
    assert Message.get().status == "queued"


def test_exit_3_when_a_reminder_cannot_go_or_the_server_is_down(tomorrow_session, studio):
    db, _session = tomorrow_session
    clients.save_client(studio.client, {"email": ""})
    skipped = spectra("--db", db, "send-reminders", "--dry-run")
    assert skipped.returncode == 3
    assert "Not queued: 'Tomorrow' (Email) to Ann Lee" in skipped.stdout
    assert skipped.stdout.rstrip().endswith("Ann Lee has no email address: add one to the client first.")
    clients.save_client(clients.get_client(studio.client.id), {"email": "ann@example.com"})
    delivery.save_delivery_settings(delivery.DeliverySettings(
        smtp_host="127.0.0.1", smtp_port=free_port(), smtp_security="none", from_address="desk@example.com"))
    down = spectra("--db", db, "send-reminders")
    assert down.returncode == 3 and down.stdout.splitlines()[-1] == "Delivered 0; 1 to be tried again; 0 failed."
    message = Message.get()
    assert message.status == "queued" and message.last_answer.startswith("Cannot reach the mail server")
