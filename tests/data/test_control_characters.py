"""Control characters (NUL, ESC, BEL, the C0 and C1 controls) never reach the
database: a name holding "ESC ]0;... BEL" would retitle the terminal that
prints it. One rule (text.strip_controls) applied by every text column, so
every service that stores text, and rows read back, hold none; notes keep
their line breaks and tabs."""
import datetime as dt
import json

import pytest

from spectra_tui.data import accounts, catalog, clients, invoices, ledger, phone_calls, sessions, settings, tasks
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import (
    ALL_MODELS,
    AuditLog,
    CharField,
    Client,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    SessionImage,
    TextField,
    database,
)
from spectra_tui.data.text import strip_controls

TITLE_TRAP = "\x1b]0;pwned\x07"  # an xterm "set the window title" sequence
DIRTY = f"Ann{TITLE_TRAP}\x00\x9b31m Lee\x7f"  # with NUL, a C1 CSI and DEL
CLEAN = "Ann]0;pwned31m Lee"
DIRTY_NOTES = "line one\x1b[2J\r\nline\ttwo\x07\rthree\x00"
CLEAN_NOTES = "line one[2J\nline\ttwo\nthree"

CONTROLS = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]}


def behind_the_app(statement: str, *params) -> None:
    """Plain SQL, past the models (as a studio's old data was stored)."""
    database.execute_sql(statement.replace("?", database.param), params)


def free_of_controls(text: str, multiline: bool = False) -> bool:
    allowed = {"\n", "\t"} if multiline else set()
    return not (set(text) & (CONTROLS - allowed))


def test_the_rule():
    assert strip_controls(DIRTY) == CLEAN
    assert strip_controls("Mary\nJane\tLee") == "Mary Jane Lee"  # one line: breaks become spaces
    assert strip_controls(DIRTY_NOTES, multiline=True) == CLEAN_NOTES
    assert strip_controls("Zoë 😀 山𠮷\u00a0x") == "Zoë 😀 山𠮷\u00a0x"  # printable text untouched


def test_every_text_column_but_the_audit_chain_applies_it():
    loose = [
        f"{model.__name__}.{name}"
        for model in ALL_MODELS
        for name, field in model._meta.fields.items()
        if field.field_type in ("VARCHAR", "TEXT") and not isinstance(field, (CharField, TextField))
    ]
    # The audit log is stored verbatim: its hashes cover exactly what was written.
    assert sorted(loose) == sorted(f"AuditLog.{name}" for name in
                                   ("user_name", "action", "entity", "before", "after", "row_hash", "prev_hash", "hash"))


def test_client_fields(db):
    client = clients.save_client(None, {"first_name": DIRTY, "last_name": "lee\x1b", "city": "Aus\x07tin",
                                        "notes": DIRTY_NOTES, "company": "\x1b\x07"})
    stored = Client.get_by_id(client.id)
    assert (stored.first_name, stored.last_name, stored.city, stored.company) == (CLEAN, "Lee", "Austin", "")
    assert stored.notes == CLEAN_NOTES and client.notes == CLEAN_NOTES
    assert free_of_controls(AuditLog.select().order_by(AuditLog.id.desc()).first().after)
    with pytest.raises(ValidationError, match="first or last name"):
        clients.save_client(None, {"first_name": "\x1b\x07", "last_name": "\x00"})


def test_family_member(studio):
    member = clients.add_family_member(studio.client, "tim\x1b\x07 ann", relationship="son\x00")
    assert (member.first_name, member.relationship) == ("Tim Ann", "son")


def test_session_and_its_status_note(studio):
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                      dt.datetime(2030, 3, 4, 10, 0), notes=DIRTY_NOTES)
    assert sessions.get_session(session.number).notes == CLEAN_NOTES
    sessions.cancel_session(session, f"rain{TITLE_TRAP}")
    assert all(free_of_controls(change.note, True) for change in sessions.history(session))


def test_appointment(studio):
    appointment = sessions.create_appointment(DIRTY, dt.datetime(2030, 3, 4, 10, 0), client=studio.client,
                                              notes=DIRTY_NOTES)
    stored = type(appointment).get_by_id(appointment.id)
    assert (stored.title, stored.notes) == (CLEAN, CLEAN_NOTES)
    with pytest.raises(ValidationError):
        sessions.create_appointment("\x1b\x07", dt.datetime(2030, 3, 4, 11, 0))


def test_invoice_line_and_payment(studio):
    invoice = invoices.create_invoice(Invoice.GENERIC, client=studio.client, notes=DIRTY_NOTES)
    invoices.add_line(invoice, description=DIRTY, unit_price_cents=1000)
    ledger.take_payment(Invoice.get_by_id(invoice.id), 500, "check", reference="10\x1b42", note=DIRTY_NOTES)
    assert Invoice.get_by_id(invoice.id).notes == CLEAN_NOTES
    assert InvoiceLine.get(InvoiceLine.invoice == invoice).description == CLEAN
    entry = LedgerEntry.get(LedgerEntry.invoice == invoice)
    assert (entry.reference, entry.note) == ("1042", CLEAN_NOTES)
    from spectra_tui.data import check
    assert check.run_checks() == []  # the audit's state hashes agree with the cleaned rows


def test_task_and_phone_call(studio):
    task = tasks.create_task(tasks.TaskFields(title=DIRTY, notes=DIRTY_NOTES), client=studio.client)
    assert (task.title, task.notes) == (CLEAN, CLEAN_NOTES)
    with pytest.raises(ValidationError, match="Say what is to be done"):
        tasks.create_task(tasks.TaskFields(title=TITLE_TRAP[0] + "\x07"))
    call = phone_calls.log_call(studio.client, DIRTY, notes=DIRTY_NOTES)
    stored = type(call).get_by_id(call.id)
    assert (stored.subject, stored.notes) == (CLEAN, CLEAN_NOTES)


def test_catalog_users_and_settings(db):
    assert catalog.create_session_type(f"Pets{TITLE_TRAP}", 60, 100).name == "Pets]0;pwned"
    assert catalog.create_price_item("P\x1b5X7", f"Print{TITLE_TRAP}", 100).name == "Print]0;pwned"
    assert catalog.create_room("Studio\x00 B").name == "Studio B"
    assert accounts.create_user("zoe", f"Zoe{TITLE_TRAP}").full_name == "Zoe]0;pwned"
    settings.put("studio_name", f"Bright{TITLE_TRAP} Studio")
    settings.put("session_statuses", ["Pending\x1b", "Done"])
    assert settings.get("studio_name") == "Bright]0;pwned Studio"
    assert settings.get("session_statuses") == ["Pending", "Done"]


def test_an_image_s_original_name(studio):
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                      dt.datetime(2030, 3, 4, 10, 0))
    image = SessionImage.create(session=session, number=1, original_name="IMG\x1b_1.jpg", stored_name="0001.jpg",
                                sha256="0" * 64)
    assert SessionImage.get_by_id(image.id).original_name == "IMG_1.jpg"


def test_old_rows_read_back_clean(studio):
    """A studio's data stored before the rule: what the app reads holds no control."""
    old_name, old_notes = DIRTY.replace("\x00", ""), DIRTY_NOTES.replace("\x00", "")  # PostgreSQL holds no NUL
    behind_the_app('UPDATE "client" SET first_name = ?, notes = ? WHERE id = ?', old_name, old_notes, studio.client.id)
    settings.put("studio_name", "Bright Studio")
    behind_the_app("UPDATE \"setting\" SET value = ? WHERE key = 'studio_name'", json.dumps(old_name))
    client = Client.get_by_id(studio.client.id)
    assert (client.first_name, client.notes) == (CLEAN, CLEAN_NOTES)
    assert settings.get("studio_name") == CLEAN
