"""Session reminders (issue 15): which are due, queued once, never twice,
even with two senders (two processes) racing."""
import datetime as dt
import textwrap
from pathlib import Path

import pytest
import terminals

from spectra_tui.data import clients, clock, messages, reminders, sessions
from spectra_tui.data.models import Message, ReminderSent, database

NOW = dt.datetime(2030, 3, 4, 15, 0)  # UTC: 9:00 AM in Chicago, Monday March 4


@pytest.fixture
def booked(studio):
    clock.set_clock(lambda: NOW)
    book = lambda client, day, hour=14: sessions.create_session(  # noqa: E731
        client, studio.photographer, studio.session_type, dt.datetime(2030, 3, day, hour, 0))
    ann = studio.client
    bo = clients.save_client(None, {"first_name": "Bo", "last_name": "Kim", "email": "bo@example.com",
                                    "phone_mobile": "512 555 0142", "do_not_email": True})
    out = {
        "later_today": book(ann, 4),
        "tomorrow": book(ann, 5),
        "in_two_days": book(ann, 6),
        "in_three_days": book(ann, 7),
        "cancelled": book(ann, 6, 10),
        "begun": book(ann, 4, 8),
        "bo_later_today": book(bo, 4, 16),
        "bo_in_two_days": book(bo, 6, 16),
    }
    sessions.cancel_session(out["cancelled"], "Moved away")
    email = messages.create_template("Two days", "email", "See you {session_date}",
                                     "Hi {first_name}, your {session_type} session is at {session_time}.",
                                     reminder_days=2)
    sms = messages.create_template("Text", "sms", "", "{first_name}: {session_time} on {session_date}.",
                                   reminder_days=0)
    messages.create_template("Not a reminder", "email", "Thanks", "Thank you")
    return out, email, sms


def names(due, sessions_by_name) -> list[tuple[str, str]]:
    by_id = {session.id: name for name, session in sessions_by_name.items()}
    return [(by_id[r.session.id], r.template.name) for r in due]


def test_due_from_n_days_before_until_the_session_begins_never_cancelled_never_do_not(booked):
    out, _email, _sms = booked
    assert names(reminders.due_reminders(), out) == [
        ("later_today", "Two days"), ("later_today", "Text"),
        ("bo_later_today", "Text"),  # Bo: do not email, but texts are fine
        ("tomorrow", "Two days"),
        ("in_two_days", "Two days"),
    ]


def test_queue_reminders_queues_each_once_with_the_session_merged(booked):
    out, email, _sms = booked
    run = reminders.queue_reminders()
    assert names(run.queued, out) == [("later_today", "Two days"), ("later_today", "Text"), ("bo_later_today", "Text"),
                                      ("tomorrow", "Two days"), ("in_two_days", "Two days")]
    assert run.skipped == []
    mail = Message.get((Message.session == out["tomorrow"].id) & (Message.template == email.id))
    assert (mail.status, mail.subject, mail.created_by) == ("queued", "See you Tuesday, March 5, 2030", "rita")
    assert mail.body == "Hi Ann, your Family session is at 2:00 PM."
    text = Message.get((Message.session == out["later_today"].id) & (Message.channel == "sms"))
    assert text.body == "Ann: 2:00 PM on Monday, March 4, 2030." and text.recipient == "(512) 867-5309"
    assert ReminderSent.get(ReminderSent.message == mail.id).session_id == out["tomorrow"].id
    assert reminders.queue_reminders().queued == [] and reminders.due_reminders() == []
    assert Message.select().count() == 5
    clock.set_clock(lambda: NOW + dt.timedelta(days=1))  # a day later: the day's text, and two days ahead
    assert names(reminders.queue_reminders().queued, out) == [("tomorrow", "Text"), ("in_three_days", "Two days")]


def test_a_dry_run_writes_nothing(booked):
    out, _email, _sms = booked
    run = reminders.queue_reminders(dry_run=True)
    assert run.dry_run and len(run.queued) == 5
    assert Message.select().count() == 0 and ReminderSent.select().count() == 0


def test_a_reminder_that_cannot_go_is_skipped_with_the_reason_and_tried_again_later(booked, studio):
    out, _email, _sms = booked
    clients.save_client(studio.client, {"email": "", "phone_mobile": ""})
    run = reminders.queue_reminders()
    assert names(run.queued, out) == [("bo_later_today", "Text")] and len(run.skipped) == 4
    assert run.skipped[0][1] == "Ann Lee has no email address: add one to the client first."
    assert run.skipped[1][1] == "Ann Lee has no mobile phone: add one to the client first."
    assert Message.select().count() == 1 and ReminderSent.select().count() == 1
    clients.save_client(clients.get_client(studio.client.id), {"email": "ann@example.com"})
    assert len(reminders.queue_reminders().queued) == 3  # the emails; the text still has no number


WORKER = textwrap.dedent('''
    import json, os, sys, time
    db_path, go_file = sys.argv[1:3]
    from spectra_tui.data.db import open_database
    from spectra_tui.data import reminders

    open_database(db_path)
    found = reminders.due_reminders
    def slow_due(today=None):  # both senders see the same reminders due, then race to queue them
        due = found(today)
        time.sleep(0.3)
        return due
    reminders.due_reminders = slow_due
    print("ready", flush=True)
    while not os.path.exists(go_file):
        time.sleep(0.0005)
    run = reminders.queue_reminders()
    print(json.dumps({"queued": len(run.queued), "skipped": len(run.skipped)}), flush=True)
''')


def race(tmp_path: Path, db_path: str) -> list[dict]:
    return terminals.race(tmp_path, WORKER, db_path, [[], []])


@pytest.fixture
def due_soon(studio):
    """Three sessions tomorrow and a one-day reminder, on the real clock (the senders are other processes)."""
    clock.set_clock(None)
    tomorrow = clock.today() + dt.timedelta(days=1)
    for hour in (10, 12, 14):
        sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                dt.datetime.combine(tomorrow, dt.time(hour)))
    messages.create_template("Tomorrow", "email", "Tomorrow", "See you at {session_time}", reminder_days=1)


def test_two_senders_racing_queue_each_reminder_once(due_soon, db_target, tmp_path):
    results = race(tmp_path, db_target)
    assert sum(r["queued"] for r in results) == 3, results
    assert Message.select().count() == 3 and ReminderSent.select().count() == 3


def test_control_without_the_unique_index_two_senders_queue_twice(due_soon, db_target, tmp_path):
    database.execute_sql("DROP INDEX remindersent_session_id_template_id")
    results = race(tmp_path, db_target)
    assert sum(r["queued"] for r in results) == 6, results  # the window is real: only the index closes it
    assert Message.select().count() == 6


def test_the_apps_background_sender_queues_the_reminders_due(booked):
    from spectra_tui.data import delivery

    sender = delivery.Sender()
    assert sender.pass_once() == delivery.SendCounts() and sender.last_error == ""  # nothing to deliver with here
    assert ReminderSent.select().count() == 5 and Message.select().where(Message.status == "queued").count() == 5
