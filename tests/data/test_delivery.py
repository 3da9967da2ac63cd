"""Delivery (issue 15) against real servers started by the tests: an SMTP
server (aiosmtpd) on this machine, plain, with a login, with STARTTLS and with
TLS (a self-signed certificate made by the test, trusted through
$SSL_CERT_FILE), down and then back; an SMS gateway (http.server in a
thread); SMS by email. Never a network call beyond 127.0.0.1."""
import datetime as dt
import json
import os
import socket
import ssl
import stat
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from pg_cluster import sqlite_only
from spectra_tui.data import audit_log, clock, delivery, messages, users
from spectra_tui.data.delivery_settings import settings_path
from spectra_tui.data.errors import FieldErrors, PermissionDenied
from spectra_tui.data.models import AuditLog, Message, User, database

from staff import add_user

NOW = dt.datetime(2030, 3, 1, 15, 0)  # UTC
PASSWORD = "Heron-copper-93"
TOKEN = "tok-Lynx-violet-58"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what it was given."""

    def __init__(self, delay: float = 0.0):
        self.mails: list[tuple[str, list[str], str]] = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # a slow server holds the race window open
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 2.0.0 Ok: queued as 4F2A"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"studio" and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp():
    """An SMTP server on 127.0.0.1 (plain, no login); stopped after the test."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def email_settings(port: int, **more) -> delivery.DeliverySettings:
    values = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
              "from_address": "studio@example.com"} | more
    return delivery.DeliverySettings(**values)


@pytest.fixture
def frozen(studio):
    clock.set_clock(lambda: NOW)
    return studio


def test_an_email_is_delivered_once_with_the_servers_answer(frozen, smtp):
    controller, inbox = smtp
    message = messages.queue("email", frozen.client, "Your session", "Hi {first_name}, see you soon.")
    settings = email_settings(controller.port)
    assert delivery.send_due(settings=settings) == delivery.SendCounts(sent=1)
    stored = Message.get_by_id(message.id)
    assert (stored.status, stored.attempts, stored.sent_at, stored.claimed_until) == ("sent", 1, NOW, None)
    assert stored.last_answer == "250 2.0.0 Ok: queued as 4F2A"
    ((sender, to, content),) = inbox.mails
    assert (sender, to) == ("studio@example.com", ["ann.lee@example.com"])
    assert "Subject: Your session" in content and "Hi Ann, see you soon." in content
    assert delivery.send_due(settings=settings) == delivery.SendCounts()  # never twice
    assert len(inbox.mails) == 1


def test_a_server_down_then_back_retries_with_backoff_and_then_sends(frozen):
    port = free_port()  # nothing listens there yet
    message = messages.queue("email", frozen.client, "Proofs", "Your proofs are ready.")
    settings = email_settings(port)
    assert delivery.send_due(settings=settings) == delivery.SendCounts(retrying=1)
    stored = Message.get_by_id(message.id)
    assert (stored.status, stored.attempts, stored.next_attempt_at) == ("queued", 1, NOW + dt.timedelta(minutes=1))
    assert stored.last_answer.startswith(f"Cannot reach the mail server 127.0.0.1:{port}:")
    assert "refused" in stored.last_answer.lower()
    assert delivery.send_due(settings=settings) == delivery.SendCounts()  # not due before a minute
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = NOW + dt.timedelta(minutes=2)
        assert delivery.send_due(now=later, settings=settings) == delivery.SendCounts(sent=1)
    finally:
        controller.stop()
    stored = Message.get_by_id(message.id)
    assert (stored.status, stored.attempts, stored.sent_at) == ("sent", 2, later)
    assert stored.last_answer.startswith("250") and len(inbox.mails) == 1


def test_after_every_retry_the_message_is_failed_and_a_person_can_retry_it(frozen, smtp):
    controller, inbox = smtp
    message = messages.queue("email", frozen.client, "Hello", "Hi")
    down = email_settings(free_port())
    when = NOW
    for step in delivery.RETRY_AFTER:
        assert delivery.send_due(now=when, settings=down) == delivery.SendCounts(retrying=1)
        when += step
        assert Message.get_by_id(message.id).next_attempt_at == when
    assert delivery.send_due(now=when, settings=down) == delivery.SendCounts(failed=1)
    stored = Message.get_by_id(message.id)
    assert (stored.status, stored.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert delivery.send_due(now=when + dt.timedelta(days=1), settings=down) == delivery.SendCounts()
    messages.retry_now(stored)
    assert delivery.send_due(settings=email_settings(controller.port)) == delivery.SendCounts(sent=1)
    assert Message.get_by_id(message.id).attempts == delivery.MAX_ATTEMPTS + 1 and len(inbox.mails) == 1


def test_a_refused_recipient_keeps_the_servers_answer(frozen):
    class Refusing(Inbox):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 <ann.lee@example.com>: Recipient address rejected"

    controller = Controller(Refusing(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        message = messages.queue("email", frozen.client, "Hello", "Hi")
        assert delivery.send_due(settings=email_settings(controller.port)) == delivery.SendCounts(retrying=1)
    finally:
        controller.stop()
    assert Message.get_by_id(message.id).last_answer == (
        "The mail server refused the recipient: 550 5.1.1 <ann.lee@example.com>: Recipient address rejected")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_login_is_sent_and_a_wrong_password_is_the_answer(frozen):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=check_login,
                            auth_require_tls=False, auth_required=True)
    controller.start()
    try:
        first = messages.queue("email", frozen.client, "One", "Hi")
        wrong = email_settings(controller.port, smtp_username="studio", smtp_password="nope")
        assert delivery.send_due(settings=wrong) == delivery.SendCounts(retrying=1)
        assert Message.get_by_id(first.id).last_answer.startswith("The mail server refused the login: 535")
        right = email_settings(controller.port, smtp_username="studio", smtp_password=PASSWORD)
        assert delivery.send_due(now=NOW + dt.timedelta(minutes=1), settings=right) == delivery.SendCounts(sent=1)
    finally:
        controller.stop()
    assert len(inbox.mails) == 1


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for localhost, made with the openssl command."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_starttls_and_tls_against_a_self_signed_certificate(frozen, certificate, monkeypatch, security):
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    inbox = Inbox()
    if security == "tls":
        controller = Controller(inbox, hostname="localhost", port=free_port(), ssl_context=server_context,
                                authenticator=check_login, auth_require_tls=False)  # (it is TLS from the start)
    else:
        controller = Controller(inbox, hostname="localhost", port=free_port(), tls_context=server_context,
                                require_starttls=True, authenticator=check_login)
    controller.start()
    try:
        message = messages.queue("email", frozen.client, "Secure", "Over TLS")
        settings = delivery.DeliverySettings(smtp_host="localhost", smtp_port=controller.port, smtp_security=security,
                                             smtp_username="studio", smtp_password=PASSWORD,
                                             from_address="studio@example.com")
        # Not trusted yet: the certificate is refused, the message waits.
        assert delivery.send_due(settings=settings) == delivery.SendCounts(retrying=1)
        assert "CERTIFICATE_VERIFY_FAILED" in Message.get_by_id(message.id).last_answer
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        counts = delivery.send_due(now=NOW + dt.timedelta(minutes=1), settings=settings)
        assert counts == delivery.SendCounts(sent=1), Message.get_by_id(message.id).last_answer
    finally:
        controller.stop()
    assert len(inbox.mails) == 1 and "Over TLS" in inbox.mails[0][2]


class Gateway(BaseHTTPRequestHandler):
    requests: list[dict] = []
    status = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Gateway.requests.append({"path": self.path, "type": self.headers["Content-Type"],
                                 "auth": self.headers.get("Authorization", ""),
                                 "body": self.rfile.read(length).decode()})
        self.send_response(Gateway.status)
        self.end_headers()
        self.wfile.write(b'{"id": "sms-77", "status": "accepted"}' if Gateway.status == 200 else b"quota exceeded")

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def gateway():
    Gateway.requests, Gateway.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/send"
    server.shutdown()
    server.server_close()


def test_an_sms_through_the_http_gateway_form_encoded_with_basic_auth(frozen, gateway):
    message = messages.queue("sms", frozen.client, "", "Hi {first_name} & welcome!")
    settings = delivery.DeliverySettings(sms_method="gateway", sms_gateway_url=gateway,
                                         sms_gateway_username="studio", sms_gateway_token=TOKEN)
    assert delivery.send_due(settings=settings) == delivery.SendCounts(sent=1)
    (request,) = Gateway.requests
    assert request["path"] == "/send" and request["type"] == "application/x-www-form-urlencoded"
    assert request["body"] == "to=%2B15128675309&text=Hi+Ann+%26+welcome%21"
    import base64
    assert base64.b64decode(request["auth"].removeprefix("Basic ")) == f"studio:{TOKEN}".encode()
    assert Message.get_by_id(message.id).last_answer == '200 {"id": "sms-77", "status": "accepted"}'


def test_an_sms_gateway_in_json_with_a_token_and_a_refusal_kept_as_the_answer(frozen, gateway):
    message = messages.queue("sms", frozen.client, "", 'Say "cheese"')
    settings = delivery.DeliverySettings(sms_method="gateway", sms_gateway_url=gateway, sms_gateway_token=TOKEN,
                                         sms_gateway_body='{"to": "{to}", "text": "{text}"}')
    Gateway.status = 429
    assert delivery.send_due(settings=settings) == delivery.SendCounts(retrying=1)
    assert Message.get_by_id(message.id).last_answer == "The SMS gateway refused: 429 quota exceeded"
    Gateway.status = 200
    assert delivery.send_due(now=NOW + dt.timedelta(minutes=1), settings=settings) == delivery.SendCounts(sent=1)
    last = Gateway.requests[-1]
    assert last["auth"] == f"Bearer {TOKEN}" and last["type"] == "application/json"
    assert json.loads(last["body"]) == {"to": "+15128675309", "text": 'Say "cheese"'}


def test_an_sms_by_email_goes_to_the_numbers_address(frozen, smtp):
    controller, inbox = smtp
    messages.queue("sms", frozen.client, "", "Your prints are ready")
    settings = email_settings(controller.port, sms_method="email", sms_email_address="{number}@sms.example.com")
    assert delivery.send_due(settings=settings) == delivery.SendCounts(sent=1)
    ((_, to, content),) = inbox.mails
    assert to == ["5128675309@sms.example.com"] and "Your prints are ready" in content


def test_a_machine_without_settings_for_a_channel_leaves_its_messages_queued(frozen, smtp):
    controller, inbox = smtp
    sms = messages.queue("sms", frozen.client, "", "Text")
    email = messages.queue("email", frozen.client, "Mail", "Body")
    assert delivery.send_due() == delivery.SendCounts()  # nothing saved on this machine
    assert delivery.send_due(settings=email_settings(controller.port)) == delivery.SendCounts(sent=1)
    assert Message.get_by_id(email.id).status == "sent" and Message.get_by_id(sms.id).status == "queued"


def race_two_senders(client, count: int) -> tuple[list[str], list[delivery.SendCounts]]:
    """Two senders (threads, each with its own connection) deliver ``count``
    queued emails at once through a slow server; the subjects it received."""
    inbox = Inbox(delay=0.02)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        for n in range(count):
            messages.queue("email", client, f"Note {n}", "Hi")
        settings = email_settings(controller.port)
        counts: list[delivery.SendCounts] = []
        go = threading.Barrier(2)

        def sender():
            go.wait()
            try:
                counts.append(delivery.send_due(settings=settings))
            finally:
                database.close()

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        controller.stop()
    return sorted(content.split("Subject: ")[1].split("\n")[0] for _, _, content in inbox.mails), counts


def test_two_senders_at_once_never_deliver_a_message_twice(frozen):
    subjects, counts = race_two_senders(frozen.client, 12)
    assert subjects == sorted(f"Note {n}" for n in range(12))  # each once
    assert sum(c.sent for c in counts) == 12 and all(c.sent for c in counts), counts  # both took some
    assert {m.status for m in Message.select()} == {"sent"}


def test_control_without_the_guarded_claim_two_senders_deliver_twice(frozen, monkeypatch):
    monkeypatch.setattr(delivery, "_claim", lambda message_id, now, channels: True)
    subjects, _ = race_two_senders(frozen.client, 6)
    assert len(subjects) > 6  # the window is real: only the claim closes it


def test_the_background_sender_delivers_when_woken_and_stops(frozen, smtp, monkeypatch):
    controller, inbox = smtp
    delivery.save_delivery_settings(email_settings(controller.port))
    sender = delivery.start_sender(every_seconds=3600)
    try:
        assert sender.running
        message = messages.queue("email", frozen.client, "Woken", "Hi")
        delivery.wake_sender()
        for _ in range(200):
            if Message.get_by_id(message.id).status == "sent":
                break
            time.sleep(0.05)
        assert Message.get_by_id(message.id).status == "sent" and sender.last_error == ""
    finally:
        delivery.stop_sender()
    assert not sender.running and len(inbox.mails) == 1


def test_delivery_settings_live_in_a_0600_file_of_this_machine(frozen):
    assert delivery.read_delivery_settings() == delivery.DeliverySettings()
    saved = delivery.save_delivery_settings(delivery.DeliverySettings(
        smtp_host=" smtp.example.com ", smtp_port=587, smtp_username="studio", smtp_password=PASSWORD,
        from_address="Studio@Example.com", sms_method="gateway", sms_gateway_url="https://sms.example.com/send",
        sms_gateway_token=TOKEN))
    path = settings_path()
    assert str(path).startswith(os.environ["XDG_CONFIG_HOME"]) and path.parent.name == "delivery"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert delivery.read_delivery_settings() == saved and saved.smtp_host == "smtp.example.com"
    assert PASSWORD not in repr(saved) and TOKEN not in repr(saved)
    # A form leaves the secrets empty: they are kept (unless asked to clear them).
    again = delivery.save_delivery_settings(delivery.DeliverySettings(**{**saved.__dict__, "smtp_password": "",
                                                                         "smtp_port": 2525}))
    assert again.smtp_password == PASSWORD and again.smtp_port == 2525
    cleared = delivery.save_delivery_settings(delivery.DeliverySettings(), keep_secrets=False)
    assert cleared.smtp_password == "" and delivery.read_delivery_settings() == delivery.DeliverySettings()


def test_delivery_settings_are_checked_and_only_managers_save_them(frozen):
    with pytest.raises(FieldErrors) as caught:
        delivery.save_delivery_settings(delivery.DeliverySettings(
            smtp_host="smtp example", smtp_port=0, smtp_security="ssl", smtp_password="x", from_address="nobody",
            sms_method="gateway", sms_gateway_url="ftp://x", sms_gateway_body="number={to}"))
    assert set(caught.value.errors) == {"smtp_host", "smtp_port", "smtp_security", "smtp_username", "from_address",
                                        "sms_gateway_url", "sms_gateway_body"}
    assert "needs {text}" in caught.value.errors["sms_gateway_body"]
    with pytest.raises(FieldErrors, match="Write the SMS address with {number}"):
        delivery.save_delivery_settings(delivery.DeliverySettings(sms_method="email", sms_email_address="x@y"))
    assert not settings_path().exists()
    users.sign_in(add_user("pat", "Pat Doe", "front_desk"))
    with pytest.raises(PermissionDenied, match="change the studio's settings"):
        delivery.save_delivery_settings(delivery.DeliverySettings())


@sqlite_only
def test_no_delivery_secret_in_the_database_files_or_the_audit_log(frozen, smtp):
    controller, _ = smtp
    delivery.save_delivery_settings(email_settings(controller.port, smtp_username="studio", smtp_password=PASSWORD,
                                                   sms_method="gateway", sms_gateway_url="http://127.0.0.1:9/send",
                                                   sms_gateway_token=TOKEN))
    messages.queue("email", frozen.client, "Hello", "Hi")
    delivery.send_due()
    database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
    folder = settings_path().parent
    assert PASSWORD in settings_path().read_text()  # the one place it is kept
    db_file = frozen.db.database
    stored = b"".join(open(path, "rb").read() for path in (db_file, db_file + "-wal") if os.path.exists(path))
    for secret in (PASSWORD, TOKEN):
        assert secret.encode() not in stored and secret.encode("utf-16-le") not in stored
    users.sign_in(User.get(User.username == "owner"))
    entries = list(AuditLog.select())
    texts = [e.before + e.after for e in entries] + [row.record for row in audit_log.search(audit_log.AuditQuery())]
    assert any("settings.delivery" == e.action for e in entries) and "(set)" in "".join(texts)
    assert PASSWORD not in "".join(texts) and TOKEN not in "".join(texts)
    assert str(folder).startswith(os.environ["XDG_CONFIG_HOME"])
