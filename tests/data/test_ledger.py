"""Rule 5 (payments, credit balances, refunds, deposits, transfers; no cent
created or lost) and rule 7 (payments are never edited: voids and refunds,
each audited)."""
import datetime as dt
import json

import pytest

from spectra_tui.data import check, clients, invoices, ledger, sessions
from spectra_tui.data.errors import NotFound, ValidationError
from spectra_tui.data.models import AuditLog, Invoice, LedgerEntry


@pytest.fixture
def session(studio):
    return sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                   dt.datetime(2030, 3, 4, 10, 0))


def sale(session, cents, kind=Invoice.INITIAL_ORDER):
    invoice = invoices.create_invoice(kind, session=session)
    invoices.add_line(invoice, description="Prints", unit_price_cents=cents, taxable=False)
    return Invoice.get_by_id(invoice.id)


def money(invoice):
    return ledger.invoice_money(Invoice.get_by_id(invoice.id))


def books_balance(client):
    picture = ledger.client_money(client.id)
    assert picture.balanced, picture
    assert check.run_checks() == []
    return picture


# ---------------------------------------------------------------- payments and credit balances

def test_a_payment_reduces_the_balance(studio, session):
    invoice = sale(session, 10000)
    assert (money(invoice).balance, money(invoice).due) == (10000, 10000)
    ledger.take_payment(invoice, 2500, "cash")
    ledger.take_payment(invoice, 1000, " Check ", reference="1042")
    assert (money(invoice).paid, money(invoice).balance, money(invoice).credit) == (3500, 6500, 0)
    picture = books_balance(studio.client)
    assert (picture.received, picture.applied, picture.owed) == (3500, 3500, 6500)


def test_paying_more_than_the_balance_leaves_a_credit(studio, session):
    invoice = sale(session, 10000)
    ledger.take_payment(invoice, 12500, "card")
    assert (money(invoice).balance, money(invoice).credit, money(invoice).due) == (-2500, 2500, 0)
    picture = books_balance(studio.client)
    assert (picture.received, picture.applied, picture.credit_balances) == (12500, 10000, 2500)
    assert ledger.client_credit_invoices(studio.client) == [(invoice, 2500)]


def test_a_refund_pays_a_credit_back_out(studio, session):
    invoice = sale(session, 10000)
    ledger.take_payment(invoice, 12500, "card")
    with pytest.raises(ValidationError, match="more than that") as info:
        ledger.refund(invoice, 2501, "card")
    assert info.value.field == "amount"
    ledger.refund(invoice, 2000, "card", note="Overpaid")
    ledger.refund(invoice, 500, "cash")
    assert (money(invoice).balance, money(invoice).credit) == (0, 0)
    with pytest.raises(ValidationError, match="credit of \\$0.00"):
        ledger.refund(invoice, 1, "cash")
    picture = books_balance(studio.client)
    assert (picture.received, picture.refunds, picture.applied) == (12500, 2500, 10000)


def test_no_refund_without_a_credit(studio, session):
    invoice = sale(session, 10000)
    ledger.take_payment(invoice, 10000, "cash")
    with pytest.raises(ValidationError):
        ledger.refund(invoice, 100, "cash")
    assert LedgerEntry.select().where(LedgerEntry.kind == "refund").count() == 0


@pytest.mark.parametrize("amount", [0, -100, 12.5, "100", True, None, 10**11])
def test_bad_amounts_are_refused(studio, session, amount):
    invoice = sale(session, 10000)
    deposit = ledger.take_deposit(studio.client, 500, "cash")
    for attempt in (lambda: ledger.take_payment(invoice, amount, "cash"),
                    lambda: ledger.take_deposit(studio.client, amount, "cash"),
                    lambda: ledger.refund(invoice, amount, "cash"),
                    lambda: ledger.refund_deposit(deposit, amount, "cash")):
        with pytest.raises(ValidationError) as info:
            attempt()
        assert info.value.field == "amount"
    assert LedgerEntry.select().count() == 1


@pytest.mark.parametrize("method, reference, message", [("bitcoin", "", "method"), ("", "", "method"),
                                                        ("check", "", "check number"), ("card", "x" * 101, "too long")])
def test_bad_methods_are_refused(studio, session, method, reference, message):
    with pytest.raises(ValidationError, match=message):
        ledger.take_payment(sale(session, 100), 100, method, reference)


def test_what_cannot_take_a_payment(studio, session):
    estimate = invoices.create_invoice(Invoice.ESTIMATE, session=session)
    memo = invoices.create_invoice(Invoice.CREDIT_MEMO, session=session)
    void = sale(session, 100)
    invoices.void_invoice(void, "duplicate")
    for invoice, message in ((estimate, "not a sale"), (memo, "A payment cannot go onto credit memo"), (void, "void")):
        with pytest.raises(ValidationError, match=message):
            ledger.take_payment(Invoice.get_by_id(invoice.id), 100, "cash")
    assert LedgerEntry.select().count() == 0


# ---------------------------------------------------------------- deposits

def test_deposits_are_offered_and_applied(studio, session):
    first = ledger.take_deposit(studio.client, 5000, "cash")
    second = ledger.take_deposit(studio.client, 3000, "card")
    assert ledger.outstanding_deposits(studio.client) == [(first, 5000), (second, 3000)]
    picture = books_balance(studio.client)
    assert (picture.received, picture.deposits_left, picture.applied) == (8000, 8000, 0)
    invoice = sale(session, 6000)
    ledger.apply_deposit(first, invoice)  # all of it: the invoice needs more
    applied = ledger.apply_deposit(second, invoice)  # only what is still due
    assert applied.amount_cents == 1000 and money(invoice).due == 0
    assert ledger.outstanding_deposits(studio.client) == [(second, 2000)]
    picture = books_balance(studio.client)
    assert (picture.deposits_left, picture.applied) == (2000, 6000)


def test_deposit_rules(studio, session):
    deposit = ledger.take_deposit(studio.client, 5000, "cash")
    invoice = sale(session, 10000)
    with pytest.raises(ValidationError, match="Only \\$50.00 is left"):
        ledger.apply_deposit(deposit, invoice, 5001)
    other = clients.save_client(None, {"first_name": "Bo", "last_name": "Park"})
    other_invoice = invoices.create_invoice(Invoice.GENERIC, client=other)
    with pytest.raises(ValidationError, match="another client"):
        ledger.apply_deposit(deposit, other_invoice, 100)
    payment = ledger.take_payment(invoice, 100, "cash")
    with pytest.raises(ValidationError, match="Only a deposit"):
        ledger.apply_deposit(payment, invoice, 100)
    ledger.apply_deposit(deposit, invoice, 5000)
    with pytest.raises(ValidationError, match="Nothing is left"):
        ledger.apply_deposit(deposit, invoice, 1)
    with pytest.raises(ValidationError, match="A deposit needs a client"):
        ledger.take_deposit(None, 100, "cash")
    books_balance(studio.client)


def test_apply_deposit_to_a_paid_invoice_needs_an_amount(studio, session):
    deposit = ledger.take_deposit(studio.client, 5000, "cash")
    invoice = sale(session, 1000)
    ledger.take_payment(invoice, 1000, "cash")
    with pytest.raises(ValidationError, match="more than zero"):
        ledger.apply_deposit(deposit, invoice)
    ledger.apply_deposit(deposit, invoice, 500)  # on purpose: becomes a credit
    assert money(invoice).credit == 500
    books_balance(studio.client)


def test_a_deposit_can_be_refunded(studio):
    deposit = ledger.take_deposit(studio.client, 5000, "cash")
    ledger.refund_deposit(deposit, 2000, "cash")
    with pytest.raises(ValidationError, match="Only \\$30.00 is left"):
        ledger.refund_deposit(deposit, 3001, "cash")
    assert ledger.outstanding_deposits(studio.client) == [(deposit, 3000)]
    picture = books_balance(studio.client)
    assert (picture.received, picture.refunds, picture.deposits_left) == (5000, 2000, 3000)


# ---------------------------------------------------------------- credit transfers

def test_a_credit_balance_moves_to_another_invoice(studio, session):
    order = sale(session, 10000)
    reorder = sale(session, 4000, Invoice.RE_ORDER)
    ledger.take_payment(order, 15000, "card")
    entry = ledger.transfer_credit(order, reorder)  # as much as the target needs
    assert entry.amount_cents == 4000 and "1001 to 1002" in entry.note
    assert (money(order).credit, money(reorder).balance) == (1000, 0)
    third = sale(session, 0, Invoice.RE_ORDER)
    ledger.transfer_credit(order, third)  # nothing due there: all of the credit
    assert (money(order).credit, money(third).credit) == (0, 1000)
    picture = books_balance(studio.client)
    assert (picture.received, picture.applied, picture.credit_balances) == (15000, 14000, 1000)


def test_transfer_rules(studio, session):
    order = sale(session, 10000)
    reorder = sale(session, 4000, Invoice.RE_ORDER)
    with pytest.raises(ValidationError, match="no credit balance"):
        ledger.transfer_credit(order, reorder)
    ledger.take_payment(order, 12000, "card")
    with pytest.raises(ValidationError, match="different invoice"):
        ledger.transfer_credit(order, order)
    with pytest.raises(ValidationError, match="only \\$20.00 of credit"):
        ledger.transfer_credit(order, reorder, 2001)
    other = clients.save_client(None, {"first_name": "Bo", "last_name": "Park"})
    with pytest.raises(ValidationError, match="another client"):
        ledger.transfer_credit(order, invoices.create_invoice(Invoice.GENERIC, client=other))
    for target in (invoices.create_invoice(Invoice.ESTIMATE, session=session),
                   invoices.create_invoice(Invoice.CREDIT_MEMO, session=session)):
        with pytest.raises(ValidationError):
            ledger.transfer_credit(order, target, 100)
    assert LedgerEntry.select().where(LedgerEntry.kind == "transfer").count() == 0
    books_balance(studio.client)


def test_a_credit_memo_is_credit_that_can_be_refunded_or_transferred(studio, session):
    order = sale(session, 10000)
    memo = invoices.create_invoice(Invoice.CREDIT_MEMO, session=session, source=order)
    invoices.add_line(memo, description="Reprint credit", unit_price_cents=3000, taxable=False)
    memo = Invoice.get_by_id(memo.id)
    assert money(memo).credit == 3000
    picture = books_balance(studio.client)
    assert (picture.credits_issued, picture.credit_balances, picture.owed) == (3000, 3000, 10000)
    ledger.transfer_credit(memo, order, 2000)
    ledger.refund(memo, 1000, "card")
    with pytest.raises(ValidationError):
        ledger.refund(memo, 1, "card")
    assert (money(memo).credit, money(order).due) == (0, 8000)
    picture = books_balance(studio.client)
    assert (picture.received, picture.credits_issued, picture.applied, picture.refunds) == (0, 3000, 2000, 1000)


# ---------------------------------------------------------------- rule 7: voids, never edits

def test_a_mistaken_payment_is_voided_not_edited(studio, session):
    invoice = sale(session, 10000)
    payment = ledger.take_payment(invoice, 9000, "cash")
    stored = LedgerEntry.get_by_id(payment.id).__data__.copy()
    with pytest.raises(ValidationError, match="reason"):
        ledger.void_entry(payment, "  ")
    void = ledger.void_entry(payment, "Typed 9000 for 900")
    assert (void.kind, void.related_id, void.amount_cents) == ("void", payment.id, 9000)
    assert LedgerEntry.get_by_id(payment.id).__data__ == stored  # the payment row itself is untouched
    assert money(invoice).paid == 0
    with pytest.raises(ValidationError, match="already void"):
        ledger.void_entry(payment, "again")
    with pytest.raises(ValidationError, match="cannot itself be voided"):
        ledger.void_entry(void, "undo")
    assert [e.id for e in ledger.entries_for(invoice)] == [payment.id, void.id]
    assert ledger.voided_ids([payment.id, void.id]) == {payment.id}
    books_balance(studio.client)


def test_a_void_that_would_lose_money_is_refused(studio, session):
    order = sale(session, 10000)
    reorder = sale(session, 1000, Invoice.RE_ORDER)
    payment = ledger.take_payment(order, 12000, "card")
    ledger.refund(order, 1000, "card")
    ledger.transfer_credit(order, reorder, 1000)
    with pytest.raises(ValidationError, match="more out of invoice 1001 than was paid"):
        ledger.void_entry(payment, "wrong card")  # it was partly refunded and transferred
    deposit = ledger.take_deposit(studio.client, 3000, "cash")
    ledger.apply_deposit(deposit, reorder, 500)
    with pytest.raises(ValidationError, match="more of the deposit than is left"):
        ledger.void_entry(deposit, "bounced")  # part of it sits on the re-order
    assert LedgerEntry.select().where(LedgerEntry.kind == "void").count() == 0
    books_balance(studio.client)


@pytest.mark.parametrize("which", ["payment", "deposit", "deposit_apply", "refund", "deposit_refund", "transfer"])
def test_every_kind_of_entry_can_be_voided_and_the_books_stay_whole(studio, session, which):
    order = sale(session, 10000)
    reorder = sale(session, 2000, Invoice.RE_ORDER)
    deposit = ledger.take_deposit(studio.client, 5000, "cash")
    entries = {
        "deposit_apply": ledger.apply_deposit(deposit, order, 1000),
        "payment": ledger.take_payment(order, 12000, "card"),
    }
    entries["refund"] = ledger.refund(order, 500, "card")
    entries["transfer"] = ledger.transfer_credit(order, reorder, 500)
    entries["deposit_refund"] = ledger.refund_deposit(deposit, 1000, "cash")
    entries["deposit"] = ledger.take_deposit(studio.client, 700, "cash")
    before = ledger.client_money(studio.client.id)
    ledger.void_entry(entries[which], "entered by mistake")
    after = books_balance(studio.client)
    assert after != before
    row = AuditLog.select().where(AuditLog.action == "ledger.void").get()
    assert json.loads(row.before)["id"] == entries[which].id  # what was voided, as it was
    assert json.loads(row.after)["related"] == entries[which].id


def test_payments_have_no_edit_or_delete_service():
    public = {name for name in dir(ledger) if not name.startswith("_")}
    assert not {n for n in public if set(n.split("_")) & {"edit", "update", "delete", "remove", "change", "set"}}


def test_every_money_event_is_audited_with_who_and_what(studio, session):
    invoice = sale(session, 10000)
    deposit = ledger.take_deposit(studio.client, 5000, "cash")
    events = [ledger.take_payment(invoice, 11000, "card"), deposit, ledger.refund(invoice, 500, "card"),
              ledger.apply_deposit(deposit, sale(session, 100, Invoice.RE_ORDER), 100),
              ledger.transfer_credit(invoice, sale(session, 100, Invoice.RE_ORDER), 100),
              ledger.refund_deposit(deposit, 100, "cash")]
    events.append(ledger.void_entry(events[-1], "wrong"))
    for entry in events:
        row = AuditLog.get((AuditLog.entity == "ledger") & (AuditLog.entity_id == entry.id))
        after = json.loads(row.after)
        assert row.action == f"ledger.{entry.kind}" and row.user_name == "rita" and row.at is not None
        assert (after["amount_cents"], after["kind"], after["created_by"]) == (entry.amount_cents, entry.kind, "rita")
        assert row.row_hash and len(row.hash) == 64
    assert check.run_checks() == []


def test_get_entry(studio):
    deposit = ledger.take_deposit(studio.client, 100, "cash")
    assert ledger.get_entry(deposit.id).id == deposit.id
    with pytest.raises(NotFound):
        ledger.get_entry(9999)


# ---------------------------------------------------------------- rules the screens used to restate

def test_several_deposits_are_applied_in_one_transaction_or_not_at_all(studio):
    invoice = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.add_line(invoice, description="Album", unit_price_cents=30000, taxable=False)
    first = ledger.take_deposit(studio.client, 10000, "cash")
    second = ledger.take_deposit(studio.client, 25000, "card")
    assert ledger.deposits_on_hand(studio.client) == 35000
    emptied = ledger.take_deposit(studio.client, 500, "cash")
    ledger.refund_deposit(emptied, 500, "cash")
    before = LedgerEntry.select().count()
    with pytest.raises(ValidationError, match="Nothing is left on that deposit"):
        ledger.apply_deposits([first, emptied], invoice)
    assert LedgerEntry.select().count() == before  # the first one was not applied either
    assert ledger.apply_deposits([second, first], invoice) == 30000  # oldest first, up to what is due
    assert ledger.invoice_money(invoice).due == 0
    assert ledger.deposits_on_hand(studio.client) == 5000


def test_the_sign_and_label_of_each_entry_on_an_invoice(studio):
    source = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    target = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.add_line(target, description="Print", unit_price_cents=2000, taxable=False)
    payment = ledger.take_payment(source, 5000, "cash")
    transfer = ledger.transfer_credit(source, target, 2000)
    refund = ledger.refund(source, 1000, "cash")
    void = ledger.void_entry(refund, "typo")
    assert [(ledger.entry_label(e, source.id), ledger.effect_on(e, source.id)) for e in (payment, transfer, refund, void)] == [
        ("Payment", 5000), (f"Credit to {target.display_number}", -2000), ("Refund", -1000),
        (f"Void of entry #{refund.id}", 0)]
    assert (ledger.entry_label(transfer, target.id), ledger.effect_on(transfer, target.id)) == (
        f"Credit from {source.display_number}", 2000)
    assert ledger.paid_into([source.id])[source.id] == 5000 - 2000  # the refund is void
    assert not ledger.can_owe(invoices.void_invoice(invoices.create_invoice(Invoice.GENERIC, client=studio.client), "x"))
