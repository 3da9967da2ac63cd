"""The audit log (who, when, what, before and after; a hash chain) and
``spectra check``: a change made behind the app's back with plain SQL is
found and named."""
import datetime as dt
import json

import pytest

from spectra_tui.data import audit, check, invoices, ledger, sessions
from spectra_tui.data.clock import set_clock, to_local, to_utc
from spectra_tui.data.models import AuditLog, Invoice, LedgerEntry


@pytest.fixture
def books(studio):
    """A session with a paid fee, an overpaid order, a deposit partly applied, a refund."""
    set_clock(lambda: to_utc(dt.datetime(2030, 3, 1, 12, 0)))
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                      dt.datetime(2030, 3, 4, 10, 0))
    fee = invoices.create_invoice(Invoice.SESSION_FEE, session=session)
    invoices.add_line(fee, description="Family session fee", unit_price_cents=15000, taxable=False)
    order = invoices.create_invoice(Invoice.INITIAL_ORDER, session=session)
    invoices.add_line(order, studio.item, quantity=2)
    deposit = ledger.take_deposit(studio.client, 5000, "cash")
    payment = ledger.take_payment(fee, 15000, "card")
    ledger.apply_deposit(deposit, order, 3000)
    ledger.take_payment(order, 8000, "check", reference="1042")
    ledger.refund(order, 1000, "cash")
    assert check.run_checks() == []
    return {"fee": fee, "order": order, "deposit": deposit, "payment": payment, "session": session}


def sql(db, statement, *params):
    """Change the books behind the app's back ('?' marks a parameter, on either database)."""
    db.execute_sql(statement.replace("?", db.param), params)


def problems():
    return [str(p) for p in check.run_checks()]


def test_the_books_of_a_studio_check_clean(books):
    assert check.run_checks() == []


def test_each_money_event_writes_who_when_what_before_after(books, studio):
    rows = list(AuditLog.select().where(AuditLog.entity == "ledger").order_by(AuditLog.id))
    assert [r.action for r in rows] == ["ledger.deposit", "ledger.payment", "ledger.deposit_apply",
                                        "ledger.payment", "ledger.refund"]
    for row in rows:
        entry = LedgerEntry.get_by_id(row.entity_id)
        assert row.user_name == "rita" and to_local(row.at) == dt.datetime(2030, 3, 1, 12, 0)
        assert json.loads(row.after)["amount_cents"] == entry.amount_cents
        assert row.before == ""  # a new row: nothing before it
        assert row.row_hash == audit.ledger_row_hash(entry)
    void = ledger.void_entry(books["payment"], "charged the wrong card")
    row = AuditLog.get((AuditLog.entity == "ledger") & (AuditLog.entity_id == void.id))
    assert json.loads(row.before)["id"] == books["payment"].id and json.loads(row.after)["related"] == books["payment"].id
    invoice_void = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.void_invoice(invoice_void, "made by mistake")
    row = AuditLog.select().where(AuditLog.action == "invoice.void").get()
    assert (json.loads(row.before)["status"], json.loads(row.after)["status"]) == ("Open", "Void")


def test_the_audit_chain_links_every_entry(books):
    rows = list(AuditLog.select().order_by(AuditLog.id))
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:]))
    _, key = audit.studio()
    assert all(audit.entry_hash(key, r.prev_hash, seq, r) == r.hash for seq, r in enumerate(rows, start=1))


def test_a_changed_audit_row_is_found(books, db):
    row = AuditLog.select().where(AuditLog.action == "ledger.refund").get()
    sql(db, "UPDATE audit_log SET user_name = 'nobody' WHERE id = ?", row.id)
    assert problems() == [f"audit entry {row.id} (ledger.refund ledger {row.entity_id}): "
                          "the audit log was changed after it was written"]


def test_a_changed_audit_before_after_is_found(books, db):
    row = AuditLog.select().where(AuditLog.action == "invoice.line_add").first()
    sql(db, "UPDATE audit_log SET after = replace(after, '15000', '1500') WHERE id = ?", row.id)
    assert any(p.startswith(f"audit entry {row.id} ") for p in problems())


def test_a_deleted_audit_row_is_found(books, db):
    middle = AuditLog.select().order_by(AuditLog.id).offset(3).first()
    sql(db, "DELETE FROM audit_log WHERE id = ?", middle.id)
    found = problems()
    assert any("changed after it was written" in p for p in found)  # the next entry no longer links
    assert any("entries were deleted" in p for p in found)


def test_the_last_audit_rows_deleted_are_found(books, db):
    last = AuditLog.select().order_by(AuditLog.id.desc()).first()
    sql(db, "DELETE FROM audit_log WHERE id = ?", last.id)  # the chain alone still links
    assert any("entries were written but" in p for p in problems())


def test_a_payment_changed_with_sql_is_found_and_named(books, db):
    payment = books["payment"]
    sql(db, "UPDATE ledger_entry SET amount_cents = 1500 WHERE id = ?", payment.id)
    found = problems()
    assert f"ledger row {payment.id} (payment on invoice 1001): was changed after it was written " \
           "(amount_cents $150.00 -> $15.00)" in found


def test_a_payment_moved_to_another_invoice_is_found(books, db):
    payment = books["payment"]
    sql(db, "UPDATE ledger_entry SET invoice_id = ? WHERE id = ?", books["order"].id, payment.id)
    assert any(p.startswith(f"ledger row {payment.id} (payment on invoice 1002)") for p in problems())


def test_a_payment_deleted_with_sql_is_found(books, db):
    payment = books["payment"]
    sql(db, "DELETE FROM ledger_entry WHERE id = ?", payment.id)
    assert f"ledger row {payment.id} (payment on invoice 1001): was deleted behind the app's back " \
           "(the audit log recorded it)" in problems()


def test_a_payment_inserted_with_sql_is_found(books, db, studio):
    sql(db, "INSERT INTO ledger_entry (kind, client_id, invoice_id, amount_cents, method, reference, note, "
            "created_at, created_by) VALUES ('payment', ?, ?, 100, 'cash', '', '', '2030-03-01 12:00:00', 'x')",
        studio.client.id, books["fee"].id)
    assert any("has no audit entry" in p and "invoice 1001" in p for p in problems())


def test_a_refund_bigger_than_the_credit_made_with_sql_is_found(books, db, studio):
    """Rows that break the money rules, even with a matching audit entry (and
    the invoice's stored balance brought along, as the app would)."""
    with db.atomic():
        entry = LedgerEntry.create(kind="refund", client=studio.client, invoice=books["fee"], amount_cents=20000,
                                   method="cash")
        audit.record("ledger.refund", "ledger", entry.id, None, LedgerEntry.get_by_id(entry.id))
        ledger.store_balances([books["fee"].id])
    assert problems() == ["invoice 1001: has more taken out than was paid in (-$50.00)"]  # paid 150, out 200


def test_an_overdrawn_deposit_is_found(books, db, studio):
    with db.atomic():
        entry = LedgerEntry.create(kind="deposit_apply", client=studio.client, invoice=books["order"],
                                   related=books["deposit"], amount_cents=2500)
        audit.record("ledger.deposit_apply", "ledger", entry.id, None, LedgerEntry.get_by_id(entry.id))
    assert f"deposit (ledger row {books['deposit'].id}): is overdrawn by $5.00" in problems()


def test_an_invoice_total_changed_with_sql_is_found(books, db):
    sql(db, "UPDATE invoice SET total_cents = 1 WHERE id = ?", books["fee"].id)
    assert "invoice 1001: stored total $0.01 does not match its lines ($150.00)" in problems()


def test_a_missing_invoice_number_is_found(books, db):
    third = invoices.create_invoice(Invoice.RE_ORDER, session=books["session"])
    assert third.number == 1003
    sql(db, "UPDATE invoice SET number = 1004 WHERE id = ?", third.id)
    assert "invoice numbers: number 1003 is missing (numbers must run without gaps)" in problems()


def test_the_newest_invoice_deleted_with_sql_is_found(books, db):
    third = invoices.create_invoice(Invoice.RE_ORDER, session=books["session"])
    sql(db, "DELETE FROM invoice WHERE id = ?", third.id)
    assert "invoice numbers: number 1003 is missing (numbers must run without gaps)" in problems()


def test_a_deleted_session_is_found(books, db, studio):
    later = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                    dt.datetime(2030, 4, 1, 10, 0))
    sql(db, "DELETE FROM session WHERE id = ?", later.id)
    assert "session numbers: number 1002 is missing (numbers must run without gaps)" in problems()


def test_money_on_a_void_invoice_is_found(books, db):
    sql(db, "UPDATE invoice SET status = 'Void' WHERE id = ?", books["fee"].id)
    assert any(p.startswith("invoice 1001: is void but holds $") for p in problems())


def test_a_void_that_voids_nothing_is_found(books, db, studio):
    with db.atomic():
        entry = LedgerEntry.create(kind="void", client=studio.client, amount_cents=100)
        audit.record("ledger.void", "ledger", entry.id, None, LedgerEntry.get_by_id(entry.id))
    assert any("voids nothing that can be voided" in p for p in problems())


def test_the_client_invariant_is_named_when_broken(books, db, studio, monkeypatch):
    from spectra_tui.data import check as check_module
    real = check_module.client_money

    def off_by_a_cent(client_id):
        money = real(client_id)
        return type(money)(money.received + 1, money.credits_issued, money.applied, money.deposits_left,
                           money.credit_balances, money.refunds, money.owed)

    monkeypatch.setattr(check_module, "client_money", off_by_a_cent)
    assert any(p.startswith(f"client #{studio.client.id} (Ann Lee): money received") for p in problems())


def test_check_reads_one_snapshot_while_another_connection_commits(books, db):
    """What check reads inside its snapshot does not move when another
    terminal commits meanwhile (here a thread: its own connection); the
    snapshot refuses writes of its own."""
    import threading

    def other_terminal():
        ledger.take_payment(books["order"], 700, "cash")
        db.close()  # this thread's connection

    before, audited = LedgerEntry.select().count(), AuditLog.select().count()
    with check.consistent_snapshot():
        assert LedgerEntry.select().count() == before
        writer = threading.Thread(target=other_terminal)
        writer.start()
        writer.join()
        assert (LedgerEntry.select().count(), AuditLog.select().count()) == (before, audited)  # still the snapshot
        with pytest.raises(ValueError):
            with db.atomic():  # no write inside check's read transaction
                pass
    assert (LedgerEntry.select().count(), AuditLog.select().count()) == (before + 1, audited + 1)
    assert check.run_checks() == []
