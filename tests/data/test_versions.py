"""No silent lost update between terminals (issue 9, section 2).

Terminal A is this test; terminal B is a separate process with its own
connection to the same database (SQLite file or PostgreSQL), as a second
`spectra` would be. A holds rows as its screen loaded them; B changes them;
A's save from its stale copy is refused with "changed in another terminal",
B's change survives, and after reloading A's save goes through, writing only
what A changed.
"""
import subprocess
import sys
import textwrap

import pytest

from spectra_tui.data import booking, clients, invoices, sessions, settings, tasks, users
from spectra_tui.data.errors import ConflictError, NotFound
from spectra_tui.data.models import Appointment, AuditLog, Client, InvoiceLine, Invoice, Session, Task
from spectra_tui.data.versions import ChangedElsewhere, changes_of, write_changes

from .conftest_booking import at, bk  # noqa: F401  (bk is a fixture)

PRELUDE = textwrap.dedent('''
    import datetime as dt, sys
    from spectra_tui.data.db import open_database
    from spectra_tui.data import booking, clients, invoices, sessions, users
    from spectra_tui.data.models import Appointment, Client, InvoiceLine, Session
    open_database(sys.argv[1])
    users.sign_in(users.find_user("admin"))
''')


def other_terminal(target: str, code: str) -> None:
    """Run ``code`` in terminal B: another process on the same database."""
    result = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(code), target],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def target(bk, db_target):
    return db_target


def book_session(bk, day=1, hhmm="10:00", photographer=None, room=None):
    request = booking.BookingRequest(client=bk.ann, session_type=bk.family, photographer=photographer or bk.ava,
                                     start=at(day, hhmm), room=room)
    return booking.book(request).session


def test_a_session_rescheduled_elsewhere_keeps_its_new_time_when_notes_are_saved(bk, target):  # (a)
    mine = book_session(bk)
    other_terminal(target, f'''
        session = Session.get(Session.number == {mine.number})
        booking.reschedule_session(session, session.start + dt.timedelta(days=1))
    ''')
    with pytest.raises(ChangedElsewhere, match="changed in another terminal since you opened it"):
        booking.save_session_details(mine, notes="Bring the dog")
    stored = Session.get_by_id(mine.id)
    assert stored.start == at(2, "10:00") and stored.notes == ""
    reloaded = Session.get_by_id(mine.id)
    booking.save_session_details(reloaded, notes="Bring the dog")
    stored = Session.get_by_id(mine.id)
    assert (stored.start, stored.notes) == (at(2, "10:00"), "Bring the dog")
    assert any(change.note.startswith("Rescheduled from") for change in sessions.history(stored))


def test_an_appointment_rescheduled_elsewhere_keeps_its_time_when_its_status_changes(bk, target):  # (b)
    mine = sessions.create_appointment("Consultation", at(1, "11:00"), 30, client=bk.ann)
    other_terminal(target, f'''
        booking.reschedule_appointment(Appointment.get_by_id({mine.id}), dt.datetime.fromisoformat("{at(3, "15:00")}"))
    ''')
    with pytest.raises(ChangedElsewhere):
        sessions.set_appointment_status(mine, "Completed")
    assert Appointment.get_by_id(mine.id).status == "Scheduled"
    # A command checked against the row as it is now writes only the status.
    booking.mark_no_show(mine, "did not come")
    stored = Appointment.get_by_id(mine.id)
    assert (stored.start, stored.status) == (at(3, "15:00"), "No-Show")
    assert mine.status == "No-Show" and mine.start == at(3, "15:00")  # the caller's copy follows


def test_a_client_s_new_phone_is_not_reverted_by_saving_notes_elsewhere(bk, target):  # (c)
    mine = Client.get_by_id(bk.ann.id)
    other_terminal(target, f'''
        clients.save_client(Client.get_by_id({mine.id}), {{"phone_mobile": "(512) 555-0111"}})
    ''')
    with pytest.raises(ChangedElsewhere, match="Ann Lee's record"):
        clients.save_client(mine, {"notes": "Prefers mornings"})
    assert Client.get_by_id(mine.id).phone_mobile == "(512) 555-0111"
    saved = clients.save_client(Client.get_by_id(mine.id), {"notes": "Prefers mornings"})
    stored = Client.get_by_id(mine.id)
    assert (stored.phone_mobile, stored.notes, stored.version) == ("(512) 555-0111", "Prefers mornings", 3)
    assert saved.version == 3


def _invoice_with_a_line(bk):
    invoice = invoices.create_invoice(Invoice.GENERIC, client=bk.ann)
    line = invoices.add_line(invoice, description="Print 8x10", quantity=1, unit_price_cents=4500)
    return invoice, line


def test_a_stale_line_edit_does_not_undo_a_quantity_set_elsewhere(bk, target):  # (d)
    invoice, mine = _invoice_with_a_line(bk)
    other_terminal(target, f'''
        invoices.update_line(InvoiceLine.get_by_id({mine.id}), quantity=5)
    ''')
    with pytest.raises(ChangedElsewhere, match="Line 1 of Generic"):
        invoices.update_line(mine, unit_price_cents=5000)
    stored = InvoiceLine.get_by_id(mine.id)
    assert (stored.quantity, stored.unit_price_cents) == (5, 4500)
    invoices.update_line(InvoiceLine.get_by_id(mine.id), unit_price_cents=5000)
    stored = InvoiceLine.get_by_id(mine.id)
    assert (stored.quantity, stored.unit_price_cents) == (5, 5000)
    assert Invoice.get_by_id(invoice.id).subtotal_cents == 25000


def test_updating_a_line_removed_elsewhere_is_refused_and_audits_nothing(bk, target):  # (e)
    invoice, mine = _invoice_with_a_line(bk)
    other_terminal(target, f'''
        invoices.remove_line(InvoiceLine.get_by_id({mine.id}))
    ''')
    audited = AuditLog.select().count()
    with pytest.raises(NotFound, match="no longer exists: it was removed in another terminal"):
        invoices.update_line(mine, quantity=2)
    with pytest.raises(NotFound):
        invoices.remove_line(mine)
    assert AuditLog.select().count() == audited
    assert Invoice.get_by_id(invoice.id).total_cents == 0


def test_a_room_change_runs_the_same_conflict_rules_as_a_move(bk):  # (f)
    first = book_session(bk, room=bk.studio_a)
    second = book_session(bk, photographer=bk.ben, room=bk.studio_b)
    settings.put("conflict_policy", "never")
    with pytest.raises(ConflictError, match="Studio A is taken"):
        booking.save_session_details(second, room=bk.studio_a)
    assert Session.get_by_id(second.id).room_id == bk.studio_b.id
    settings.put("conflict_policy", "ask")
    with pytest.raises(ConflictError) as asked:
        booking.save_session_details(second, room=bk.studio_a)
    assert asked.value.can_override
    result = booking.save_session_details(second, room=bk.studio_a, allow_conflict=asked.value.conflicts)
    assert [c.number for c in result.overridden] == [first.number]
    assert Session.get_by_id(second.id).room_id == bk.studio_a.id
    assert sessions.history(second)[-1].note == "Room Studio B → Studio A"
    # No room at all is never a clash.
    booking.save_session_details(second, room=None)
    assert Session.get_by_id(second.id).room_id is None


def test_a_task_edited_elsewhere_is_not_overwritten(bk, target):
    mine = tasks.create_task(tasks.TaskFields(title="Call the lab"))
    other = Task.get_by_id(mine.id)
    tasks.update_task(other, tasks.TaskFields(title="Call the lab", notes="Ask for Ann"))
    with pytest.raises(ChangedElsewhere):
        tasks.update_task(mine, tasks.TaskFields(title="Call the print lab"))
    assert Task.get_by_id(mine.id).title == "Call the lab"
    done = tasks.complete_task(mine)  # a command: checked against the task as it is now
    assert done.done_at is not None and Task.get_by_id(mine.id).notes == "Ask for Ann"


def test_an_update_writes_only_what_changed_and_bumps_the_version(bk):
    client = Client.get_by_id(bk.ann.id)
    assert changes_of(client, {"first_name": "Ann", "city": "Dallas"}) == {"city": "Dallas"}
    assert write_changes(client, "Ann", first_name="Ann") == {}
    assert Client.get_by_id(client.id).version == 1  # nothing written, no new version
    assert write_changes(client, "Ann", city="Dallas") == {"city": "Dallas"}
    assert (client.city, client.version) == ("Dallas", 2)
    stale = Client.get_by_id(client.id)
    stale.version = 1
    with pytest.raises(ChangedElsewhere):
        write_changes(stale, "Ann", city="Houston")
    assert Client.get_by_id(client.id).city == "Dallas"


def test_a_void_from_a_stale_screen_still_checks_the_money_as_it_is_now(bk, target):
    invoice, _ = _invoice_with_a_line(bk)
    stale = Invoice.get_by_id(invoice.id)
    invoices.change_bill_to(Invoice.get_by_id(invoice.id), bk.bob)
    users.sign_in(bk.admin)  # voiding is the owner's or a manager's
    voided = invoices.void_invoice(stale, "entered twice")
    assert voided.status == Invoice.VOID and Invoice.get_by_id(invoice.id).bill_to_id == bk.bob.id
