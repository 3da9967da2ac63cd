"""Tamper evidence against someone who can write the database file and has
the public source, but not the studio key (issue 9, section 6): each change
below is made with plain SQL, where it says so with the audit chain re-hashed
by the program's own functions (which, without the key, cannot make valid
links), and `spectra check` names what changed. Also: the chain's anchor,
the studio key, counters moved behind the app's back, and the upgrade of a
studio whose chain was unkeyed."""
import datetime as dt
import json
import os

import pytest
from old_schema import models_as_of  # tests/ is on sys.path
from peewee import Table

from spectra_tui.data import audit, check, invoices, ledger, studio_key
from spectra_tui.data.models import AuditLog, Counter, Invoice, InvoiceLine, LedgerEntry

from .test_audit_check import books, problems, sql  # noqa: F401 - the studio's books, as a fixture

ATTACKER_KEY = b"the attacker has the source, not the key"


def rehash_chain(db, start_id: int, legacy: bool = False) -> None:
    """What someone with the file and the source can do: recompute the links
    from ``start_id`` on with the program's functions, under a key of their own
    (or the unkeyed hash of old versions), positions renumbered."""
    identity = studio_key.StudioIdentity.get()
    rows = list(AuditLog.select().order_by(AuditLog.id))
    prev = audit.GENESIS
    for seq, row in enumerate(rows, start=identity.legacy_count + 1):
        if row.id >= start_id:
            row.prev_hash = prev
            row.hash = (audit.legacy_entry_hash(prev, row) if legacy
                        else audit.entry_hash(ATTACKER_KEY, prev, seq, row))
            sql(db, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", row.prev_hash, row.hash, row.id)
        prev = row.hash


def restore_balances(db, invoice_ids) -> None:
    """The stored paid and balance put back in line with the ledger, as the attacker would."""
    for invoice_id in invoice_ids:
        invoice = Invoice.get_by_id(invoice_id)
        paid = ledger.paid_into([invoice_id])[invoice_id]
        sql(db, "UPDATE invoice SET paid_cents = ?, balance_cents = ? WHERE id = ?",
            paid, ledger.owed_total(invoice) - paid, invoice_id)


@pytest.fixture
def big_payment(books, studio):
    """An $800 payment on a $1,000 order, with a later entry after it."""
    order = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.add_line(order, description="Wall portrait", unit_price_cents=100000, taxable=False)
    payment = ledger.take_payment(order, 80000, "card", note="deposit on the wall portrait")
    invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    assert check.run_checks() == []
    return order, payment


def test_a_payment_lowered_by_500_and_the_chain_rehashed_is_found(big_payment, db):
    order, payment = big_payment
    entry = AuditLog.get((AuditLog.entity == "ledger") & (AuditLog.entity_id == payment.id))
    sql(db, "UPDATE ledger_entry SET amount_cents = amount_cents - 50000 WHERE id = ?", payment.id)
    after = json.loads(entry.after)
    after["amount_cents"] -= 50000
    sql(db, "UPDATE audit_log SET after = ?, row_hash = ? WHERE id = ?", audit.canonical(after),
        audit.ledger_row_hash(payment), entry.id)
    restore_balances(db, [order.id])
    for legacy in (False, True):  # under a key of the attacker's own, or unkeyed as before
        rehash_chain(db, entry.id, legacy)
        found = problems()
        assert f"audit entry {entry.id} (ledger.payment ledger {payment.id}): the audit log was changed " \
               "after it was written" in found
        assert any("the log was rewritten behind the app's back" in p for p in found)


def test_a_payment_erased_and_the_chain_rehashed_is_found(big_payment, db):
    order, payment = big_payment
    entry = AuditLog.get((AuditLog.entity == "ledger") & (AuditLog.entity_id == payment.id))
    sql(db, "DELETE FROM ledger_entry WHERE id = ?", payment.id)
    sql(db, "DELETE FROM audit_log WHERE id = ?", entry.id)
    sql(db, "UPDATE counter SET value = value - 1 WHERE name = 'audit'")
    restore_balances(db, [order.id])
    rehash_chain(db, entry.id + 1)
    found = problems()
    following = AuditLog.select().where(AuditLog.id > entry.id).order_by(AuditLog.id).first()
    assert f"audit entry {following.id} ({following.action} {following.entity} {following.entity_id}): " \
           "the audit log was changed after it was written" in found
    assert any(p.startswith("audit log: ends at entry") and "the newest entries were removed" in p for p in found)


def test_the_last_payment_deleted_with_its_audit_row_and_the_counter_is_found(books, db):
    payment = ledger.take_payment(books["order"], 500, "cash")
    entry = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert entry.entity_id == payment.id
    seq = Counter.get_by_id("audit").value
    sql(db, "DELETE FROM ledger_entry WHERE id = ?", payment.id)
    sql(db, "DELETE FROM audit_log WHERE id = ?", entry.id)
    sql(db, "UPDATE counter SET value = value - 1 WHERE name = 'audit'")
    restore_balances(db, [books["order"].id])
    found = problems()
    assert len(found) == 1 and found[0].startswith(f"audit log: ends at entry {seq - 1} but this machine saw "
                                                   f"entry {seq} written")
    assert "the newest entries were removed behind the app's back" in found[0]


def test_the_whole_ledger_and_audit_log_deleted_is_found(books, db):
    sql(db, "DELETE FROM ledger_entry WHERE related_id IS NOT NULL")  # the rows that point at others first
    sql(db, "DELETE FROM ledger_entry")
    sql(db, "DELETE FROM audit_log")
    sql(db, "DELETE FROM counter WHERE name = 'audit'")
    sql(db, "UPDATE invoice SET paid_cents = 0, balance_cents = total_cents")
    found = problems()
    assert any(p.startswith("audit log: ends at entry 0 but this machine saw entry") for p in found)
    assert "invoice 1001: has no audit entry: it was made behind the app's back" in found


def test_an_invoice_line_raised_by_100_with_totals_recomputed_is_found(books, db):
    order = books["order"]
    line = InvoiceLine.get(InvoiceLine.invoice == order.id)
    sql(db, "UPDATE invoice_line SET unit_price_cents = unit_price_cents + 5000 WHERE id = ?", line.id)  # 2 x $50
    subtotal, tax, total = invoices.compute_totals(order, list(InvoiceLine.select().where(InvoiceLine.invoice == order.id)))
    sql(db, "UPDATE invoice SET subtotal_cents = ?, tax_cents = ?, total_cents = ? WHERE id = ?",
        subtotal, tax, total, order.id)
    restore_balances(db, [order.id])
    found = problems()
    assert found == [f"invoice 1002: was changed behind the app's back (subtotal_cents $90.00 -> $190.00, "
                     f"tax_cents $7.43 -> $15.68, total_cents $97.43 -> $205.68)"]


def test_an_invoice_moved_to_another_client_is_found(books, db, studio):
    from spectra_tui.data import clients
    other = clients.save_client(None, {"first_name": "Bo", "last_name": "Park"})
    sql(db, "UPDATE invoice SET client_id = ?, bill_to_id = ? WHERE id = ?", other.id, other.id, books["fee"].id)
    found = problems()
    assert f"invoice 1001: was changed behind the app's back (client {studio.client.id} -> {other.id}, " \
           f"bill_to {studio.client.id} -> {other.id})" in found


def test_two_invoice_numbers_swapped_are_found(books, db):
    fee, order = books["fee"], books["order"]
    sql(db, "UPDATE invoice SET number = -1 WHERE id = ?", fee.id)
    sql(db, "UPDATE invoice SET number = 1001 WHERE id = ?", order.id)
    sql(db, "UPDATE invoice SET number = 1002 WHERE id = ?", fee.id)
    found = problems()
    assert "invoice 1002: was changed behind the app's back (number 1001 -> 1002)" in found
    assert "invoice 1001: was changed behind the app's back (number 1002 -> 1001)" in found


def test_an_invoice_without_money_voided_behind_the_apps_back_is_found(books, db, studio):
    spare = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    sql(db, "UPDATE invoice SET status = 'Void' WHERE id = ?", spare.id)
    assert problems() == ["invoice 1003: was changed behind the app's back (status 'Open' -> 'Void')"]


def test_a_void_through_the_app_is_audited_and_checks_clean(books, studio):
    spare = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.void_invoice(spare, "made by mistake")
    assert AuditLog.select().where((AuditLog.action == "invoice.void") & (AuditLog.entity_id == spare.id)).exists()
    assert problems() == []


@pytest.mark.parametrize("column, value", [("note", "nothing to see"), ("created_by", "ava")])
def test_a_ledger_rows_note_or_author_edited_is_found(books, db, column, value):
    payment = books["payment"]
    sql(db, f"UPDATE ledger_entry SET {column} = ? WHERE id = ?", value, payment.id)
    was = "(none)" if column == "note" else "'rita'"
    assert problems() == [f"ledger row {payment.id} (payment on invoice 1001): was changed after it was written "
                          f"({column} {was} -> {value!r})"]


def test_an_entry_forged_with_the_programs_functions_but_another_key_is_found(books, db, monkeypatch):
    """The attacker runs the program's own audit.record, with a key they made."""
    sql(db, "UPDATE invoice SET status = 'Void' WHERE id = ?", books["order"].id)
    identity = studio_key.StudioIdentity.get()
    monkeypatch.setattr(audit, "_keys", {identity.studio_id: ATTACKER_KEY})
    with db.atomic():
        forged = audit.record("invoice.void", "invoice", books["order"].id)
    monkeypatch.setattr(audit, "_keys", {})
    found = problems()
    assert f"audit entry {forged.id} (invoice.void invoice {books['order'].id}): " \
           "the audit log was changed after it was written" in found
    assert not any(p.startswith("invoice 1002: was changed") for p in found)  # the forged entry matches the row...
    assert any(p.startswith("invoice 1002: is void but holds $") for p in found)  # ...and the rules still hold


# ---------------------------------------------------------------- counters moved behind the app's back

def test_an_invoice_counter_moved_back_is_found(books, db):
    sql(db, "UPDATE counter SET value = 1001 WHERE name = 'invoice'")
    assert problems() == ["invoice counter: was moved back to 1001 behind the app's back, below invoice "
                          "number 1002: the next invoice would fail"]


def test_an_invoice_counter_moved_on_is_found(books, db):
    sql(db, "UPDATE counter SET value = 1005 WHERE name = 'invoice'")
    found = problems()
    assert found[0] == ("invoice counter: says invoice number 1005 was handed out but the newest is 1002: "
                        "it was moved on, or invoices were deleted")
    assert found[1:] == [f"invoice numbers: number {n} is missing (numbers must run without gaps)"
                         for n in (1003, 1004, 1005)]


def test_a_session_counter_moved_back_is_found(books, db):
    sql(db, "UPDATE counter SET value = 0 WHERE name = 'session'")
    assert problems() == ["session counter: was moved back to 0 behind the app's back, below session number 1001: "
                          "the next session would fail"]


# ---------------------------------------------------------------- the key and the anchor

def test_the_key_file_is_owner_only_in_an_owner_only_folder(books):
    identity = studio_key.StudioIdentity.get()
    path = studio_key.key_path(identity.studio_id)
    assert path.parent == studio_key.key_folder()
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(path.parent).st_mode & 0o777 == 0o700
    assert len(bytes.fromhex(path.read_text().strip())) == 32
    anchor = studio_key.read_anchor(identity.studio_id)
    last = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (anchor.entry_id, anchor.hash, anchor.seq) == (last.id, last.hash, Counter.get_by_id("audit").value)


def test_without_the_key_check_says_it_cannot_verify(books, monkeypatch):
    identity = studio_key.StudioIdentity.get()
    studio_key.key_path(identity.studio_id).rename(studio_key.key_folder() / "elsewhere")
    found = check.run_checks()
    assert [p.unverifiable for p in found] == [True]
    assert str(found[0]).startswith("audit log: cannot be verified: The key of this studio")
    assert "is not on this machine" in str(found[0])


def test_a_key_from_the_environment_is_used_and_no_key_file_is_made(db_target, monkeypatch):
    from spectra_tui.data.db import close_database, open_database
    key = os.urandom(32)
    monkeypatch.setenv(studio_key.KEY_ENV, key.hex())
    close_database()
    open_database(db_target, create=True)
    identity = studio_key.StudioIdentity.get()
    assert not studio_key.key_path(identity.studio_id).exists()
    assert identity.seal == audit.identity_seal(key, identity)
    assert check.run_checks() == []
    monkeypatch.setenv(studio_key.KEY_ENV, "not a key")
    assert [p.unverifiable for p in check.run_checks()] == [True]
    close_database()


def test_an_anchor_older_than_the_database_is_fine_a_longer_one_is_not(books, studio):
    identity = studio_key.StudioIdentity.get()
    old = studio_key.read_anchor(identity.studio_id)
    ledger.take_payment(books["order"], 100, "cash")
    newer = studio_key.read_anchor(identity.studio_id)
    assert newer.seq > old.seq
    studio_key.anchor_path(identity.studio_id).write_text(
        json.dumps({"seq": old.seq, "id": old.entry_id, "hash": old.hash}))  # another terminal's older view
    assert problems() == []
    studio_key.advance_anchor(identity.studio_id, old)  # never goes back
    assert studio_key.read_anchor(identity.studio_id) == old
    studio_key.advance_anchor(identity.studio_id, studio_key.Anchor(newer.seq + 5, newer.entry_id, newer.hash))
    assert any("the newest entries were removed" in p for p in problems())


def test_a_clean_check_moves_the_anchor_forward(books):
    identity = studio_key.StudioIdentity.get()
    studio_key.anchor_path(identity.studio_id).unlink()
    assert check.run_checks(advance_anchor=True) == []
    last = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert studio_key.read_anchor(identity.studio_id).entry_id == last.id


def test_an_entry_rolled_back_is_not_anchored(books, studio):
    identity = studio_key.StudioIdentity.get()
    before = studio_key.read_anchor(identity.studio_id)
    with pytest.raises(ValueError):
        with books["fee"]._meta.database.atomic():
            audit.record("note", "client", studio.client.id)
            raise ValueError("rolled back")
    assert studio_key.read_anchor(identity.studio_id) == before
    assert problems() == []


def test_everything_deleted_and_the_studio_keyed_anew_is_found(books, db):
    """The whole ledger, audit log, counters and the studio's identity
    deleted, then the studio keyed again as a new one (a new id, a new key
    on this machine): this machine's anchor of the old studio, at the same
    place, shows it."""
    old_id = studio_key.StudioIdentity.get().studio_id
    sql(db, "DELETE FROM ledger_entry WHERE related_id IS NOT NULL")
    for table in ("ledger_entry", "audit_log", "counter", "invoice_line", "invoice", "session", "studio_identity"):
        sql(db, f"DELETE FROM {table}")
    with db.atomic():
        audit.key_the_chain()
    found = problems()
    assert len(found) == 1
    assert found[0].startswith("studio identity: this machine saw another studio here, with ")
    assert old_id in found[0] and "the studio was replaced or its identity reset" in found[0]


def test_a_copy_of_the_studio_elsewhere_has_its_own_anchor(books, db, db_target, tmp_path):
    from pg_cluster import ON_POSTGRES
    if ON_POSTGRES:
        pytest.skip("a copy of a file")
    from spectra_tui.data.db import backup_sqlite, close_database, open_database
    copy = str(tmp_path / "copy.db")
    backup_sqlite(db, copy)
    close_database()
    open_database(copy)
    ledger.take_payment(Invoice.get(Invoice.number == 1002), 100, "cash")  # the copy moves on
    assert problems() == []
    close_database()
    open_database(db_target)  # the original did not: no truncation here
    assert problems() == []


def test_the_studio_identity_changed_is_found(books, db):
    sql(db, "UPDATE studio_identity SET keyed_after = 5")
    assert "studio identity: was changed behind the app's back (it no longer matches the studio key)" in problems()


# ---------------------------------------------------------------- upgrading a studio whose chain was unkeyed

def test_a_studio_of_an_earlier_version_is_upgraded_and_keyed(tmp_path):
    """A studio written by an earlier program (migrations up to 0003: wall-time
    stamps, an unkeyed chain) opened by this one: 0004 turns its stamps into
    UTC, 0006 keys the chain once (one audit.keyed entry, a seal per invoice
    and ledger row); what was whole stays whole, later tampering is found."""
    from playhouse.migrations import Runner
    from pg_cluster import ON_POSTGRES
    if ON_POSTGRES:
        pytest.skip("the upgrade is the same code on PostgreSQL; built here on a file")
    from spectra_tui.data import db as dbmod
    from spectra_tui.data.models import Client, Session, SessionStatusChange, Task, User, database

    path = tmp_path / "old.db"
    old = dbmod.make_database(str(path), create=True)
    database.initialize(old)
    old.connect()
    Runner(old, directory=str(dbmod.MIGRATIONS_DIR)).up(target="0003_tasks_and_calls")
    wall = dt.datetime(2029, 5, 1, 9, 0)  # 9:00 CDT in the studio: 14:00 UTC
    prev = audit.GENESIS

    def legacy_record(action, entity, entity_id, after, row_hash=""):
        nonlocal prev
        row = AuditLog(at=wall, user_name="rita", action=action, entity=entity, entity_id=entity_id, before="",
                       after=audit.canonical(audit.snapshot(after)), row_hash=row_hash, prev_hash=prev)
        row.hash = audit.legacy_entry_hash(prev, row)
        row.save(force_insert=True)
        prev = row.hash
        Counter.insert(name="audit", value=1).on_conflict(
            conflict_target=[Counter.name], update={Counter.value: Counter.value + 1}).execute()

    with models_as_of(old, Client, Invoice, InvoiceLine, Session, Task):
        client = Client.create(first_name="Ann", last_name="Lee", created_at=wall, updated_at=wall)
        invoice = Invoice.create(series="invoice", number=1001, kind="Generic", basis="client", client=client,
                                 bill_to=client, total_cents=5000, subtotal_cents=5000, paid_cents=5000,
                                 created_at=wall)
        InvoiceLine.create(invoice=invoice, description="Print", unit_price_cents=5000, taxable=False)
        Counter.create(name="invoice", value=1001)
        legacy_record("invoice.create", "invoice", invoice.id, invoice)
        payment = LedgerEntry.create(kind="payment", client=client, invoice=invoice, amount_cents=5000,
                                     method="cash", note="old note", created_at=wall)
        legacy_record("ledger.payment", "ledger", payment.id, LedgerEntry.get_by_id(payment.id))
        user_table = Table("user").bind(old)  # the user table as 0003 made it
        ava = user_table.insert(username="ava", full_name="Ava Reyes", role="photographer", color="#5f87af",
                                active=True, created_at=wall).execute()
        user_table.insert(username="boss", full_name="Mary Ann Boss", role="admin", color="#5f87af", active=True,
                          created_at=wall).execute()
        family = Table("session_type").bind(old).insert(  # as 0001 made it
            name="Family", length_minutes=60, fee_cents=0, color="#87af87", active=True).execute()
        booked = dt.datetime(2029, 5, 3, 10, 0)  # a wall time: stays as it is
        session = Session.create(number=1001, client=client, photographer=ava, session_type=family, start=booked,
                                 length_minutes=60, status="Booked", status_changed_at=wall, created_at=wall)
        SessionStatusChange.create(session=session, to_status="Booked", at=wall)
        Counter.create(name="session", value=1001)
        task = Task.create(title="Order prints", created_at=wall, done_at=wall)
    old.close()
    try:
        dbmod.open_database(path)
        utc = dt.datetime(2029, 5, 1, 14, 0)
        assert LedgerEntry.get_by_id(payment.id).created_at == utc
        assert {row.at for row in AuditLog.select().where(AuditLog.id <= 2)} == {utc}
        stored = Session.get_by_id(session.id)
        assert (stored.start, stored.created_at, stored.status_changed_at) == (booked, utc, utc)
        assert SessionStatusChange.get().at == utc and Task.get_by_id(task.id).done_at == utc
        assert json.loads(AuditLog.get_by_id(2).after)["created_at"] == "2029-05-01T14:00:00"
        keyed = AuditLog.get(AuditLog.action == "audit.keyed")
        assert keyed.prev_hash == AuditLog.get_by_id(2).hash and json.loads(keyed.after)["unkeyed_entries"] == 2
        seals = {(r.entity, r.entity_id) for r in AuditLog.select().where(AuditLog.action == "audit.seal")}
        assert seals == {("invoice", invoice.id), ("ledger", payment.id)}
        assert check.run_checks() == []
        # 0007: the roles of sign-in; a photographer photographs; initials from the names; no password yet
        staff = {u.username: (u.role, u.photographs, u.initials, u.password_hash) for u in User.select()}
        assert staff == {"ava": ("photographer", True, "AR", ""), "boss": ("owner", False, "MAB", "")}
        db = database.obj
        sql(db, "UPDATE ledger_entry SET note = 'new note' WHERE id = ?", payment.id)
        sql(db, "UPDATE audit_log SET user_name = 'nobody' WHERE id = 1")  # an unkeyed entry
        found = problems()
        assert f"ledger row {payment.id} (payment on invoice 1001): was changed after it was written " \
               "(it no longer matches the audit log)" in found
        assert "audit entry 1 (invoice.create invoice 1): the audit log was changed after it was written" in found
    finally:
        dbmod.close_database()


def test_the_migration_builds_the_studio_identity_table_the_model_describes(db):
    columns = {column.name for column in db.get_columns("studio_identity")}
    assert columns == {field.column_name for field in studio_key.StudioIdentity._meta.sorted_fields}
    assert studio_key.StudioIdentity.select().count() == 1
