"""Messages (issue 15): merge fields, templates, the preview, the outbox and
the clients' do-not-email / do-not-text flags."""
import datetime as dt

import pytest

from pg_cluster import sqlite_only
from spectra_tui.data import audit, clients, invoices, messages, sessions, settings, users
from spectra_tui.data.errors import FieldErrors, PermissionDenied, ValidationError
from spectra_tui.data.models import AuditLog, Message, database
from spectra_tui.data.versions import ChangedElsewhere

from staff import add_user


@pytest.fixture
def booked(studio):
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                      dt.datetime(2030, 3, 8, 14, 30))
    return session


def test_render_merges_the_client_and_session_fields(studio, booked):
    settings.put("studio_phone", "(512) 555-0100")
    text = messages.render("Hi {first_name}, see you {session_date} at {session_time} for your {session_type} "
                           "with {photographer}. {studio_name}, { studio_phone }.", studio.client, booked)
    assert text == ("Hi Ann, see you Friday, March 8, 2030 at 2:30 PM for your Family with Ava Reyes. "
                    "Spectra Portrait Studio, (512) 555-0100.")
    assert messages.render("{full_name} <{email}> {phone}", studio.client) == (
        "Ann Lee <ann.lee@example.com> (512) 867-5309")


def test_render_names_an_unknown_field_a_brace_left_open_and_a_missing_session(studio):
    with pytest.raises(ValidationError, match=r"\{frist_name\} is not a merge field.*\{first_name\}"):
        messages.render("Hi {frist_name}", studio.client)
    with pytest.raises(ValidationError, match=r"A brace is left open at '\{first_name, see you': close the field with \} or remove the \{\."):
        messages.render("Hi {first_name, see you", studio.client)
    with pytest.raises(ValidationError, match=r"A brace is left open at '\{first_name \{last_na'"):
        messages.render("Hi {first_name {last_name}", studio.client)
    with pytest.raises(ValidationError, match=r"\{session_date\} needs a session"):
        messages.render("See you {session_date}", studio.client)
    assert set(messages.MERGE_FIELDS) >= {"first_name", "balance", "session_time", "studio_phone"}


def test_balance_is_what_the_client_owes_on_open_invoices(studio):
    assert messages.render("{balance}", studio.client) == "$0.00"
    invoice = invoices.create_invoice("Generic", client=studio.client)
    invoices.add_line(invoice, studio.item, quantity=2)  # 2 x $45.00 + 8.25% tax
    assert messages.render("You owe {balance}", studio.client) == "You owe $97.43"


def test_preview_goes_to_the_email_or_the_mobile_and_respects_the_do_not_flags(studio, booked):
    email = messages.preview(messages.EMAIL, studio.client, "Your {session_type} session", "Hi {first_name}", booked)
    assert email == messages.Preview(to="ann.lee@example.com", subject="Your Family session", body="Hi Ann")
    sms = messages.preview(messages.SMS, studio.client, "ignored", "Hi {first_name}")
    assert sms == messages.Preview(to="(512) 867-5309", subject="", body="Hi Ann")
    client = clients.save_client(studio.client, {"do_not_email": True, "do_not_text": True})
    assert client.do_not_email and client.do_not_text
    with pytest.raises(ValidationError, match=r"Ann Lee asked not to be emailed \(Do not email is on\)"):
        messages.preview(messages.EMAIL, client, "Hello", "Hi")
    with pytest.raises(ValidationError, match=r"Ann Lee asked not to be texted \(Do not text is on\)"):
        messages.queue(messages.SMS, client, "", "Hi")
    assert Message.select().count() == 0


def test_no_address_or_number_is_refused_clearly(studio):
    bob = clients.save_client(None, {"first_name": "Bob", "last_name": "Ray", "phone_home": "512 555 0199"})
    with pytest.raises(ValidationError, match="Bob Ray has no email address: add one to the client first."):
        messages.preview(messages.EMAIL, bob, "Hello", "Hi")
    with pytest.raises(ValidationError, match="Bob Ray has no mobile phone"):
        messages.preview(messages.SMS, bob, "", "Hi")
    with pytest.raises(ValidationError, match="Give the email a subject."):
        messages.preview(messages.EMAIL, studio.client, "  ", "Hi")
    with pytest.raises(ValidationError, match="Write the message."):
        messages.preview(messages.SMS, studio.client, "", " ")
    with pytest.raises(ValidationError, match="holds at most 1,600"):
        messages.preview(messages.SMS, studio.client, "", "x" * 1601)


def test_the_do_not_flags_are_client_flags_like_do_not_call(studio):
    assert {"do_not_email", "do_not_text"} <= set(clients.FLAG_FIELDS)
    client = clients.save_client(None, {"first_name": "Cy", "last_name": "Day", "do_not_text": 1})
    assert client.do_not_text is True and client.do_not_email is False
    with pytest.raises(FieldErrors, match="Unknown client field 'do_not_fax'"):
        clients.save_client(None, {"first_name": "Cy", "do_not_fax": True})


def test_queue_stores_the_rendered_message_queued_and_audited(studio, booked):
    message = messages.queue(messages.EMAIL, studio.client, "See you {session_date}", "Hi {first_name}", booked)
    stored = Message.get_by_id(message.id)
    assert (stored.status, stored.recipient, stored.subject, stored.body) == (
        "queued", "ann.lee@example.com", "See you Friday, March 8, 2030", "Hi Ann")
    assert stored.attempts == 0 and stored.sent_at is None and stored.created_by == "rita"
    assert stored.session_id == booked.id and stored.client_id == studio.client.id
    entry = AuditLog.get((AuditLog.entity == "message") & (AuditLog.entity_id == message.id))
    assert entry.action == "message.queue" and "Hi Ann" in entry.after


def test_templates_are_written_by_managers_and_versioned(studio):
    template = messages.create_template("Reminder", "email", "Your session {session_date}",
                                        "Hi {first_name}, see you at {session_time}.", reminder_days=2)
    assert template.reminder_days == 2 and messages.get_template(template.id).name == "Reminder"
    messages.create_template("Thanks", "sms", "", "Thank you {first_name}!")
    assert [t.name for t in messages.templates()] == ["Reminder", "Thanks"]
    assert [t.name for t in messages.templates("sms")] == ["Thanks"]
    stale = messages.get_template(template.id)
    messages.update_template(template, body="Hello {first_name}", reminder_days="3")
    assert messages.get_template(template.id).body == "Hello {first_name}" and template.reminder_days == 3
    with pytest.raises(ChangedElsewhere):
        messages.update_template(stale, name="Old")
    with pytest.raises(ValidationError, match="There is already a template called 'thanks'"):
        messages.create_template("thanks", "sms", "", "Hi")
    with pytest.raises(ValidationError, match=r"\{when\} is not a merge field"):
        messages.update_template(template, body="At {when}")
    with pytest.raises(ValidationError, match="0 to 60 days"):
        messages.create_template("Far", "email", "S", "B", reminder_days=90)
    with pytest.raises(ValidationError, match="by email or SMS, not 'fax'"):
        messages.create_template("Fax", "fax", "S", "B")
    assert AuditLog.select().where(AuditLog.entity == "message_template").count() == 3
    users.sign_in(add_user("pat", "Pat Doe", "front_desk"))
    with pytest.raises(PermissionDenied, match="Only a manager or the owner may change the studio's settings"):
        messages.create_template("Mine", "sms", "", "Hi")


def test_outbox_pages_by_status_and_by_client_newest_first(studio):
    made = [messages.queue(messages.SMS, studio.client, "", f"Note {n}") for n in range(5)]
    first = messages.messages_by_status("queued", limit=2)
    assert [m.id for m in first] == [made[4].id, made[3].id]
    second = messages.messages_by_status("queued", limit=2, after=first[-1])
    assert [m.id for m in second] == [made[2].id, made[1].id]
    assert [m.id for m in messages.messages_of_client(studio.client, limit=3, after=made[3])] == [
        made[2].id, made[1].id, made[0].id]
    assert messages.messages_by_status("sent") == []
    assert messages.count_by_status() == {"queued": 5, "sent": 0, "failed": 0, "all": 5}
    assert messages.messages_by_status("all", limit=10) == messages.messages_by_status("queued", limit=10)
    with pytest.raises(ValidationError, match="not 'lost'"):
        messages.messages_by_status("lost")


@sqlite_only
def test_the_outbox_queries_use_their_indexes(studio):
    for sql, index in (("SELECT id FROM message WHERE status = 'queued' AND id < 10 ORDER BY id DESC LIMIT 50",
                        "message_status_id"),
                       ("SELECT id FROM message WHERE client_id = 1 AND id < 10 ORDER BY id DESC LIMIT 50",
                        "message_client_id"),
                       ("SELECT id FROM message WHERE status = 'queued' AND next_attempt_at <= '2030-01-01'",
                        "message_status_next_attempt_at")):
        plan = " ".join(str(row) for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql).fetchall())
        assert index in plan and "TEMP B-TREE" not in plan, plan


def test_retry_now_queues_a_failed_message_again_but_never_a_sent_one(studio):
    message = messages.queue(messages.SMS, studio.client, "", "Hi")
    Message.update(status="failed", attempts=6, round_attempts=6, last_answer="refused").where(
        Message.id == message.id).execute()
    messages.retry_now(message)
    assert (message.status, message.round_attempts, message.attempts) == ("queued", 0, 6)
    assert audit.history("message", message.id)[-1].action == "message.retry"
    Message.update(status="sent", sent_at=dt.datetime(2030, 1, 1, 12)).where(Message.id == message.id).execute()
    with pytest.raises(ValidationError, match="This message was already sent"):
        messages.retry_now(message)


def test_a_session_of_another_client_is_refused_and_a_message_reads_in_one_line(studio, booked):
    bo = clients.save_client(None, {"first_name": "Bo", "last_name": "Kim", "email": "bo@example.com"})
    with pytest.raises(ValidationError, match=f"Session {booked.number} is not Bo Kim's."):
        messages.queue(messages.EMAIL, bo, "Hello", "See you {session_date}", booked)
    email = messages.queue(messages.EMAIL, bo, "Hello {first_name}", "Hi")
    text = messages.queue(messages.SMS, studio.client, "", "Your prints\nare ready, {first_name}!")
    assert messages.describe(email) == "Email to bo@example.com: Hello Bo"
    assert messages.describe(text) == "SMS to (512) 867-5309: Your prints are ready, Ann!"
