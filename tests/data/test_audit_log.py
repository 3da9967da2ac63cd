"""Reading the audit log (data/audit_log.py): only a manager or the owner;
filters by user, record, action and studio days; pages newest first with a
keyset; each entry's changes readable (amounts, the studio's time, records
by name) and never a password, a PIN or a hash."""
import datetime as dt
import json

import pytest

from spectra_tui.data import audit, audit_log, clients, clock, invoices, ledger, sessions, settings, tasks, users
from spectra_tui.data.errors import PermissionDenied, ValidationError
from spectra_tui.data.models import AuditLog, Invoice, User, database

from staff import add_user


def record(action, entity="task", entity_id=1, before=None, after=None):
    """One entry written as a service writes it (inside a transaction)."""
    with database.atomic():
        return audit.record(action, entity, entity_id, before, after)


def at(utc: dt.datetime) -> None:
    clock.set_clock(lambda: utc)


def everything(query) -> list[AuditLog]:
    """Every matching entry, page by page (pages of 7: several pages)."""
    rows, after = [], None
    while True:
        page = audit_log.search(query, limit=7, after=after)
        rows += page
        if len(page) < 7:
            return [row.entry for row in rows]
        after = page[-1]


def actions(**typed) -> list[str]:
    return [entry.action for entry in everything(audit_log.read_filters(**typed))]


@pytest.fixture
def manager(db):
    user = add_user("mia", "Mia Stone", "manager")
    users.sign_in(user)
    return user


# ---------------------------------------------------------------- who may read it


@pytest.mark.parametrize("role", ["front_desk", "photographer"])
def test_front_desk_and_photographers_may_not_read_the_log(db, role):
    entry = record("task.add", after={"title": "x"})
    users.sign_in(add_user("pat", "Pat Doe", role))
    for read in (
        lambda: audit_log.read_filters(),
        lambda: audit_log.search(audit_log.AuditQuery()),
        lambda: audit_log.count(audit_log.AuditQuery()),
        lambda: audit_log.changes(entry),
    ):
        with pytest.raises(PermissionDenied, match="Only a manager or the owner may read the audit log"):
            read()


@pytest.mark.parametrize("role", ["manager", "owner"])
def test_managers_and_the_owner_read_the_log(db, role):
    reader = add_user("pat", "Pat Doe", role)
    record("task.add", after={"title": "Call Ann"})
    users.sign_in(reader)
    rows = audit_log.search(audit_log.read_filters())
    assert rows[0].entry.action == "task.add" and audit_log.count(audit_log.AuditQuery()) == len(rows)
    assert audit_log.changes(rows[0].entry) == [audit_log.Change("title", "", "Call Ann")]


def test_nobody_signed_in_may_not_read_the_log(db):
    users.sign_in(None)
    with pytest.raises(PermissionDenied, match="Sign in as a manager or the owner"):
        audit_log.search(audit_log.AuditQuery())


# ---------------------------------------------------------------- the filters


def test_by_user_name_initials_or_full_name(manager):
    rita = add_user("rita", "Rita Gomez", "front_desk")
    users.sign_in(rita)
    record("task.add", after={"title": "by rita"})
    users.sign_in(manager)
    record("task.done", after={"title": "by mia"})
    for typed in ("rita", "RG", "rita gomez", " Rita "):
        assert actions(user=typed) == ["task.add"], typed
    assert actions(user="mia") == ["task.done"]
    assert actions(user="owner") == ["user.add", "user.add"]  # the owner added Mia and Rita (tests/staff.py)
    with pytest.raises(ValidationError, match="No user named 'zed'") as refused:
        audit_log.read_filters(user="zed")
    assert refused.value.field == "user"


def test_by_user_system_the_entries_written_with_nobody_signed_in(manager):
    first = AuditLog.select().order_by(AuditLog.id).first()
    assert first.user_name == "system"  # the owner's account, made before anyone was signed in
    assert [entry.id for entry in everything(audit_log.read_filters(user="system"))] == [first.id]


@pytest.fixture
def books(manager):
    """A client, a session with a fee invoice and a payment, an estimate, a task."""
    at(dt.datetime(2030, 3, 1, 18, 0))
    photographer = add_user("ava", "Ava Reyes", "photographer")
    from spectra_tui.data import catalog

    family = catalog.create_session_type("Family", 90, 15000)
    ann = clients.save_client(None, {"first_name": "ann", "last_name": "lee"})
    bob = clients.save_client(None, {"first_name": "bob", "last_name": "lee"})
    session = sessions.create_session(ann, photographer, family, dt.datetime(2030, 3, 4, 10, 0))
    fee = invoices.create_invoice(Invoice.SESSION_FEE, session=session)
    invoices.add_line(fee, description="Family session fee", unit_price_cents=15000, taxable=False)
    payment = ledger.take_payment(fee, 15000, "card")
    estimate = invoices.create_invoice(Invoice.ESTIMATE, client=bob)
    task = tasks.create_task(tasks.TaskFields("Call Ann"), client=ann)
    return {"ann": ann, "bob": bob, "session": session, "fee": fee, "payment": payment, "estimate": estimate,
            "task": task}


def test_by_record_as_people_type_it(books):
    fee, session, estimate = books["fee"], books["session"], books["estimate"]
    assert actions(record=f"invoice {fee.number}") == ["ledger.payment", "invoice.line_add", "invoice.create"]
    assert actions(record=f"inv #{fee.number}") == ["ledger.payment", "invoice.line_add", "invoice.create"]
    assert actions(record=f"E{estimate.number}") == ["invoice.create"]
    assert actions(record=f"estimate {estimate.number}") == ["invoice.create"]
    assert actions(record=f"session {session.number}") == ["session.create"]
    assert actions(record=f"payment {books['payment'].id}") == ["ledger.payment"]
    assert actions(record=f"task {books['task'].id}") == ["task.add"]
    assert actions(record="task") == ["task.add"]
    assert actions(record="user ava") == ["user.add"]
    query = audit_log.read_filters(record=f"invoice {fee.number}")
    assert (query.entity, query.entity_id, query.record) == ("invoice", fee.id, f"Invoice {fee.number}")


def test_a_client_by_name(books):
    assert actions(record="ann lee") == ["client.create"]
    assert actions(record="client Bob Lee") == ["client.create"]
    assert audit_log.read_filters(record="ann").entity_id == books["ann"].id
    with pytest.raises(ValidationError, match="'lee' could be Ann Lee, Bob Lee: type more of the name") as refused:
        audit_log.read_filters(record="lee")
    assert refused.value.field == "record"
    with pytest.raises(ValidationError, match="No client is called 'zoe'"):
        audit_log.read_filters(record="zoe")


@pytest.mark.parametrize("typed, words", [
    ("invoice 999999", "There is no invoice number 999999"),
    ("session 77", "There is no session number 77"),
    ("invoice abc", "'abc' is not an invoice number"),
    ("task three", "'three' is not a number"),
])
def test_a_record_that_is_not_there_says_so(books, typed, words):
    with pytest.raises(ValidationError, match=words) as refused:
        audit_log.read_filters(record=typed)
    assert refused.value.field == "record" and str(refused.value).startswith("Record: ")


def test_by_action_exact_or_a_family(books):
    assert actions(action="ledger.payment") == ["ledger.payment"]
    assert actions(action="ledger") == ["ledger.payment"]
    assert actions(action="invoice.") == ["invoice.create", "invoice.line_add", "invoice.create"]
    assert actions(action="INVOICE.*") == ["invoice.create", "invoice.line_add", "invoice.create"]
    assert actions(action="invoice.create") == ["invoice.create", "invoice.create"]
    record("invoicex.thing", "invoice", books["fee"].id)
    record("invoice.created_twice", "invoice", books["fee"].id)
    assert "invoicex.thing" not in actions(action="invoice")  # a family is "invoice." and more, not "invoice" and more
    assert actions(action="invoice.create") == ["invoice.create", "invoice.create"]
    with pytest.raises(ValidationError, match="is not an action") as refused:
        audit_log.read_filters(action="drop table;")
    assert refused.value.field == "action"


def test_filters_combine(books):
    assert actions(user="mia", record=f"invoice {books['fee'].number}", action="invoice.line_add") == [
        "invoice.line_add"]
    assert actions(user="ava", action="invoice") == []


# ---------------------------------------------------------------- studio days


def test_days_are_the_studios_days_across_the_fall_back_night(manager):
    """Chicago, Sunday Nov 1 2026: 25 hours, 05:00 UTC (CDT) to 06:00 UTC next day (CST)."""
    settings.put("timezone", "America/Chicago")
    for utc, name in [((2026, 11, 1, 4, 59), "oct31.late"), ((2026, 11, 1, 5, 0), "nov1.midnight"),
                      ((2026, 11, 2, 5, 59), "nov1.late"), ((2026, 11, 2, 6, 0), "nov2.midnight")]:
        at(dt.datetime(*utc))
        record(name)
    at(dt.datetime(2026, 11, 20, 12, 0))
    assert actions(day_from="11/1/2026", day_to="11/1/2026") == ["nov1.late", "nov1.midnight"]
    assert actions(day_from="11/2/2026", action="nov2") == ["nov2.midnight"]
    assert actions(day_to="10/31/2026") == ["oct31.late"]
    query = audit_log.read_filters(day_from="11/1/2026", day_to="11/1/2026")
    assert (query.start, query.end) == (dt.datetime(2026, 11, 1, 5, 0), dt.datetime(2026, 11, 2, 6, 0))


def test_a_day_the_clocks_skip_midnight_starts_when_they_jump(manager):
    """Santiago, Sunday Sep 6 2026: at 00:00 the clocks go to 01:00 (UTC-4 to UTC-3)."""
    settings.put("timezone", "America/Santiago")
    assert audit_log.day_start(dt.date(2026, 9, 6)) == dt.datetime(2026, 9, 6, 4, 0)
    assert clock.to_local(dt.datetime(2026, 9, 6, 4, 0)) == dt.datetime(2026, 9, 6, 1, 0)


def test_days_as_typed_elsewhere_and_their_mistakes(manager):
    at(dt.datetime(2030, 3, 10, 18, 0))
    record("today.thing")
    assert actions(day_from="today", action="today") == ["today.thing"]
    assert actions(day_to="yesterday", action="today") == []
    with pytest.raises(ValidationError, match="From: I could not read 'soon' as a day") as refused:
        audit_log.read_filters(day_from="soon")
    assert refused.value.field == "from"
    with pytest.raises(ValidationError, match=r"From \(03/10/2030\) is after To \(03/09/2030\)") as refused:
        audit_log.read_filters(day_from="today", day_to="yesterday")
    assert refused.value.field == "to"


# ---------------------------------------------------------------- pages


def test_pages_newest_first_without_a_gap_or_a_repeat(manager):
    for n in range(45):
        record(f"page.n{n:02d}")
    written = [entry.id for entry in AuditLog.select(AuditLog.id).order_by(AuditLog.id.desc())]
    query = audit_log.AuditQuery()
    assert [entry.id for entry in everything(query)] == written
    first = audit_log.search(query, limit=20)
    second = audit_log.search(query, limit=20, after=first[-1])
    assert [r.entry.id for r in first + second] == written[:40]
    assert audit_log.count(query) == len(written) and audit_log.count(query, cap=10) == 10
    family = audit_log.read_filters(action="page")
    assert [entry.action for entry in everything(family)] == [f"page.n{n:02d}" for n in reversed(range(45))]
    assert len(audit_log.search(family, limit=10_000)) == 45  # (a page is at most PAGE_LIMIT rows)


def test_a_page_names_each_entrys_record_and_its_time_in_the_studio(books):
    settings.put("timezone", "America/Chicago")
    rows = audit_log.search(audit_log.read_filters(record=f"payment {books['payment'].id}"))
    assert [row.record for row in rows] == [f"Payment {books['payment'].id} · invoice {books['fee'].number}"]
    assert rows[0].when == dt.datetime(2030, 3, 1, 12, 0)  # 18:00 UTC is noon in Chicago (CST)
    everyone = {row.record for row in audit_log.search(audit_log.AuditQuery(), limit=100)}
    assert {f"Session {books['session'].number}", "Client Ann Lee", f"Estimate E{books['estimate'].number}",
            "User ava (Ava Reyes)", "Session type Family", f"Task {books['task'].id} · Call Ann"} <= everyone


# ---------------------------------------------------------------- the changes


def test_changes_are_readable_field_by_field(books):
    settings.put("timezone", "America/Chicago")
    entry = AuditLog.get((AuditLog.action == "ledger.payment"))
    changes = {change.field: (change.before, change.after) for change in audit_log.changes(entry)}
    assert changes["amount"] == ("", "$150.00")
    assert changes["client"] == ("", "Client Ann Lee")
    assert changes["invoice"] == ("", f"Invoice {books['fee'].number}")
    assert changes["created at"] == ("", "03/01/2030 12:00 PM")  # an instant, in the studio's time
    assert "id" not in changes and "related" not in changes  # the record itself; nothing (None) is left out
    added = AuditLog.get(AuditLog.action == "invoice.line_add")
    lines = {change.field: (change.before, change.after) for change in audit_log.changes(added)}
    assert lines["line › unit price"] == ("", "$150.00") and lines["total"] == ("$0.00", "$150.00")
    assert "version" not in lines
    session = AuditLog.get(AuditLog.action == "session.create")
    fields = {change.field: change.after for change in audit_log.changes(session)}
    assert fields["start"] == "03/04/2030 10:00 AM"  # a wall time: as booked
    assert fields["photographer"] == "User ava (Ava Reyes)" and fields["session type"] == "Session type Family"


def test_an_update_shows_only_what_changed(books):
    clients.save_client(books["ann"], {"first_name": "ann", "last_name": "lee", "city": "Austin"})
    entry = AuditLog.get(AuditLog.action == "client.update")
    assert audit_log.changes(entry) == [audit_log.Change("city", "", "Austin")]  # not its search key


def test_no_password_pin_or_hash_ever_shows(manager):
    from spectra_tui.data import accounts

    pat = add_user("pat", "Pat Doe", "front_desk")
    accounts.set_secret(pat, "52817463")
    stored = User.get_by_id(pat.id)
    assert stored.password_hash.startswith("$argon2id$")
    # An old entry holding secrets (as if written before NEVER_AUDITED): still nothing shows.
    record("user.edit", "user", pat.id, {"password_hash": "x", "role": "front_desk"},
           {"password_hash": stored.password_hash, "pin": "52817463", "role": "manager",
            "note": stored.password_hash})
    shown = []
    for row in audit_log.search(audit_log.AuditQuery(), limit=500):
        shown.append(row.record)
        for change in audit_log.changes(row.entry):
            shown += [change.field, change.before, change.after]
    text = "\n".join(shown)
    assert "52817463" not in text and "$argon2" not in text and stored.password_hash not in text
    assert "password hash" not in text and "pin" not in text.split("\n")
    password = AuditLog.get(AuditLog.action == "user.password")
    assert audit_log.changes(password) == [audit_log.Change("note", "", "password or PIN set")]
    edit = AuditLog.select().where(AuditLog.action == "user.edit").order_by(AuditLog.id.desc()).get()
    assert audit_log.changes(edit) == [audit_log.Change("role", "front_desk", "manager"),
                                       audit_log.Change("note", "", "(hidden)")]
    assert json.loads(password.after) == {"note": "password or PIN set"}


def test_an_invoices_entries_include_the_money_on_it(books):
    fee = books["fee"]
    void = ledger.void_entry(books["payment"], "charged the wrong card")
    assert actions(record=f"invoice {fee.number}") == [
        f"ledger.{void.kind}", "ledger.payment", "invoice.line_add", "invoice.create"]
    assert actions(record=f"E{books['estimate'].number}") == ["invoice.create"]  # nothing of another invoice's
