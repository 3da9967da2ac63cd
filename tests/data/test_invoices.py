"""Rule 2 (which invoice comes from what), rule 3 (numbers), rule 6
(estimates), rule 7 (an invoice with payments cannot be deleted), lines and totals."""
import datetime as dt
import json

import pytest

from spectra_tui.data import audit, check, clients, invoices, ledger, sessions, users
from spectra_tui.data.errors import NotFound, ValidationError
from spectra_tui.data.models import AuditLog, Invoice, InvoiceLine

SF, IO, RO, GEN, CM, EST = Invoice.KINDS


@pytest.fixture
def session(studio):
    return sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                   dt.datetime(2030, 3, 4, 10, 0))


def fresh(invoice):
    return Invoice.get_by_id(invoice.id)


# ---------------------------------------------------------------- rule 2: basis

ALLOWED = {  # kind -> (from a session, from a client with no session)
    SF: (True, False), IO: (True, False), RO: (True, False),
    GEN: (False, True), CM: (True, True), EST: (True, True),
}


@pytest.mark.parametrize("kind", Invoice.KINDS)
@pytest.mark.parametrize("origin", ["session", "client", "nothing"])
def test_which_invoice_comes_from_what(studio, session, kind, origin):
    args = {"session": {"session": session}, "client": {"client": studio.client}, "nothing": {}}[origin]
    allowed = origin != "nothing" and ALLOWED[kind][0 if origin == "session" else 1]
    if allowed:
        invoice = invoices.create_invoice(kind, **args)
        assert invoice.basis == origin and invoice.kind == kind
        assert invoice.client.id == studio.client.id and invoice.bill_to.id == studio.client.id
        assert (invoice.session.id if invoice.session else None) == (session.id if origin == "session" else None)
    else:
        with pytest.raises(ValidationError) as info:
            invoices.create_invoice(kind, **args)
        assert str(info.value)
        assert Invoice.select().count() == 0


def test_session_and_client_given_together(studio, session):
    invoice = invoices.create_invoice(IO, client=studio.client, session=session)
    assert invoice.basis == "session"
    other = clients.save_client(None, {"first_name": "Bo", "last_name": "Park"})
    with pytest.raises(ValidationError, match="another client"):
        invoices.create_invoice(IO, client=other, session=session)
    with pytest.raises(ValidationError, match="Generic invoice is client-based"):
        invoices.create_invoice(GEN, client=studio.client, session=session)


def test_refused_messages_say_what_to_do(studio, session):
    with pytest.raises(ValidationError, match="create it from the session record"):
        invoices.create_invoice(SF, client=studio.client)
    with pytest.raises(ValidationError, match="not an invoice type"):
        invoices.create_invoice("Layaway", client=studio.client)


def test_bill_to_another_client(studio, session):
    grandma = clients.save_client(None, {"first_name": "Rose", "last_name": "Lee"})
    invoice = invoices.create_invoice(IO, session=session, bill_to=grandma)
    assert invoice.client.id == studio.client.id and invoice.bill_to.id == grandma.id
    invoices.change_bill_to(invoice, studio.client)
    assert fresh(invoice).bill_to.id == studio.client.id


def test_credit_memo_source_rules(studio, session):
    order = invoices.create_invoice(IO, session=session)
    memo = invoices.create_invoice(CM, session=session, source=order)
    assert memo.source.id == order.id
    with pytest.raises(ValidationError, match="Only a credit memo"):
        invoices.create_invoice(RO, session=session, source=order)
    other = clients.save_client(None, {"first_name": "Bo", "last_name": "Park"})
    with pytest.raises(ValidationError, match="another client"):
        invoices.create_invoice(CM, client=other, source=order)


# ---------------------------------------------------------------- rule 3: numbers

def test_numbers_are_sequential_per_series_and_never_change(studio, session):
    made = [invoices.create_invoice(k, session=session) for k in (SF, EST, IO, CM, EST, RO)]
    assert [i.display_number for i in made] == ["1001", "E1", "1002", "1003", "E2", "1004"]
    invoices.add_line(made[0], description="Fee", unit_price_cents=100)
    invoices.void_invoice(made[2], "Typed by mistake")
    assert [fresh(i).number for i in made] == [1001, 1, 1002, 1003, 2, 1004]
    assert invoices.create_invoice(GEN, client=studio.client).number == 1005  # a void number is not reused
    assert invoices.get_invoice(1002).status == Invoice.VOID
    assert invoices.get_invoice("E2").id == made[4].id and invoices.get_invoice(" #1001 ").id == made[0].id


def test_a_new_invoice_is_stored_and_numbered_only_on_its_first_save_or_line(studio, session):
    """The desktop's rule: the number is given on save. An untouched new
    invoice (opened, then closed) leaves nothing behind: no row, no number used."""
    rows, audits = Invoice.select().count(), AuditLog.select().count()
    untouched = invoices.new_invoice(GEN, client=studio.client)
    assert invoices.is_unsaved(untouched) and untouched.display_number == "(new)"
    assert (Invoice.select().count(), AuditLog.select().count()) == (rows, audits)
    by_line = invoices.new_invoice(GEN, client=studio.client)
    line = invoices.add_line(by_line, description="Frame", unit_price_cents=2500)
    assert not invoices.is_unsaved(by_line) and by_line.number == 1001  # the untouched one used no number
    assert fresh(by_line).total_cents == line.amount_cents + 206 and line.invoice_id == by_line.id
    saved = invoices.save_new(invoices.new_invoice(EST, session=session))
    assert saved.display_number == "E1" and fresh(saved).kind == EST
    assert invoices.save_new(saved) is saved and fresh(saved).number == 1  # saving again changes nothing
    assert Invoice.select().count() == rows + 2
    assert check.run_checks() == []


def test_a_new_invoice_whose_first_line_fails_stays_new(studio, monkeypatch):
    draft = invoices.new_invoice(GEN, client=studio.client)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(invoices, "_check_paid_out", broken)  # after the invoice and its line were written
    with pytest.raises(RuntimeError):
        invoices.add_line(draft, description="Frame", unit_price_cents=2500)
    monkeypatch.undo()
    assert invoices.is_unsaved(draft) and Invoice.select().count() == 0
    invoices.add_line(draft, description="Frame", unit_price_cents=2500)
    assert draft.number == 1001 and Invoice.select().count() == 1


def test_a_new_invoice_refused_by_its_basis_is_never_opened(studio, session):
    with pytest.raises(ValidationError, match="created from a client record"):
        invoices.new_invoice(GEN)
    with pytest.raises(ValidationError, match="session-based"):
        invoices.new_invoice(SF, client=studio.client)


def test_a_failed_save_gives_its_number_back(studio, session, monkeypatch):
    invoices.create_invoice(SF, session=session)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(invoices.audit, "record", broken)
    with pytest.raises(RuntimeError):
        invoices.create_invoice(IO, session=session)
    monkeypatch.undo()
    assert invoices.create_invoice(IO, session=session).number == 1002
    assert check.run_checks() == []


def test_get_invoice_errors(db):
    for junk in ("abc", "", "E", "12a", "²", "1" * 5000, None, "-5"):
        with pytest.raises(ValidationError, match="is not an invoice number"):
            invoices.get_invoice(junk)
    with pytest.raises(NotFound, match="no invoice number 77"):
        invoices.get_invoice(77)
    with pytest.raises(NotFound, match="no estimate"):
        invoices.get_invoice("E9")


def test_numbers_are_unique_in_the_schema(studio, session):
    from peewee import IntegrityError
    invoice = invoices.create_invoice(SF, session=session)
    with pytest.raises(IntegrityError):
        Invoice.create(series="invoice", number=invoice.number, kind=GEN, basis="client",
                       client=studio.client, bill_to=studio.client)


# ---------------------------------------------------------------- lines and totals

def test_lines_and_totals(studio, session):
    invoice = invoices.create_invoice(IO, session=session)
    a = invoices.add_line(invoice, studio.item, quantity=2, image_number=12)
    b = invoices.add_line(invoice, description=" Retouching ", unit_price_cents=1999, taxable=False)
    assert (a.description, a.unit_price_cents, a.amount_cents, b.description) == ("Print 8x10", 4500, 9000, "Retouching")
    assert (invoice.subtotal_cents, invoice.tax_cents, invoice.total_cents) == (10999, 743, 11742)  # 742.5 -> 743
    invoices.update_line(a, quantity=1)
    invoices.remove_line(b)
    invoice = fresh(invoice)
    assert (invoice.subtotal_cents, invoice.tax_cents, invoice.total_cents) == (4500, 371, 4871)  # 371.25
    assert [line.position for line in invoices.lines_of(invoice)] == [1]
    actions = [r.action for r in audit.history("invoice", invoice.id)]
    assert actions == ["invoice.create", "invoice.line_add", "invoice.line_add", "invoice.line_update",
                       "invoice.line_remove"]


def test_package_line_lists_its_contents(studio):
    from spectra_tui.data import catalog
    users.sign_in(users.find_user("owner"))  # the price list: a manager's or the owner's
    wallets = catalog.create_price_item("W", "Wallets", 900)
    package = catalog.create_package("PKG", "Bronze", 29900, [(studio.item, 1), (wallets, 8)])
    invoice = invoices.create_invoice(GEN, client=studio.client)
    line = invoices.add_line(invoice, package)
    assert line.description == "Bronze (1 x Print 8x10, 8 x Wallets)" and line.unit_price_cents == 29900
    with pytest.raises(ValidationError):
        catalog.create_package("PKG2", "Nested", 100, [(package, 1)])


@pytest.mark.parametrize("kwargs, field", [
    ({"description": "", "unit_price_cents": 100}, "description"),
    ({"description": "x" * 201, "unit_price_cents": 100}, "description"),
    ({"description": "A", "unit_price_cents": 100, "quantity": 0}, "quantity"),
    ({"description": "A", "unit_price_cents": 100, "quantity": True}, "quantity"),
    ({"description": "A", "unit_price_cents": 100, "quantity": 1.0}, "quantity"),
    ({"description": "A", "unit_price_cents": 100, "quantity": 10001}, "quantity"),
    ({"description": "A", "unit_price_cents": 12.5}, "price"),
    ({"description": "A", "unit_price_cents": "12.50"}, "price"),
    ({"description": "A", "unit_price_cents": -1}, "price"),
    ({"description": "A", "unit_price_cents": 10**11}, "price"),
    ({"description": "A", "unit_price_cents": 10**8, "quantity": 1000}, "price"),
    ({"description": "A"}, "price"),
    ({"description": "A", "unit_price_cents": 100, "image_number": 0}, "image_number"),
])
def test_bad_lines_are_refused_and_change_nothing(studio, kwargs, field):
    invoice = invoices.create_invoice(GEN, client=studio.client)
    invoices.add_line(invoice, description="Frame", unit_price_cents=6000)
    with pytest.raises(ValidationError) as info:
        invoices.add_line(invoice, **kwargs)
    assert info.value.field == field
    assert InvoiceLine.select().count() == 1 and fresh(invoice).total_cents == 6495


def test_credit_memo_totals_are_negative(studio, session):
    memo = invoices.create_invoice(CM, session=session)
    invoices.add_line(memo, description="Reprint credit", unit_price_cents=2500, taxable=False)
    memo = fresh(memo)
    assert (memo.subtotal_cents, memo.tax_cents, memo.total_cents) == (-2500, 0, -2500)


# ---------------------------------------------------------------- rule 7: void, not delete

def test_an_invoice_without_payments_can_be_voided(studio, session):
    invoice = invoices.create_invoice(SF, session=session)
    invoices.add_line(invoice, description="Fee", unit_price_cents=15000)
    with pytest.raises(ValidationError, match="reason"):
        invoices.void_invoice(invoice, "")
    invoices.void_invoice(invoice, "Client changed their mind")
    stored = fresh(invoice)
    assert stored.status == Invoice.VOID and stored.number == 1001 and "Client changed their mind" in stored.notes
    row = AuditLog.select().where(AuditLog.action == "invoice.void").get()
    assert row.user_name == "rita" and json.loads(row.before)["status"] == "Open" and json.loads(row.after)["status"] == "Void"
    with pytest.raises(ValidationError, match="already void"):
        invoices.void_invoice(stored, "again")
    with pytest.raises(ValidationError, match="void and cannot be changed"):
        invoices.add_line(stored, description="More", unit_price_cents=1)
    assert ledger.invoice_money(stored).total == 0
    assert check.run_checks() == []


def test_an_invoice_with_payments_cannot_be_deleted(studio, session):
    invoice = invoices.create_invoice(SF, session=session)
    invoices.add_line(invoice, description="Fee", unit_price_cents=15000)
    payment = ledger.take_payment(invoice, 5000, "cash")
    with pytest.raises(ValidationError, match=r"holds \$50.00 of payments and cannot be deleted"):
        invoices.void_invoice(invoice, "mistake")
    assert fresh(invoice).status == Invoice.OPEN


def test_an_invoice_whose_only_payment_was_voided_can_be_voided(studio, session):
    invoice = invoices.create_invoice(SF, session=session)
    invoices.add_line(invoice, description="Fee", unit_price_cents=15000)
    payment = ledger.take_payment(invoice, 15000, "cash")
    ledger.void_entry(payment, "Wrong invoice")
    invoices.void_invoice(invoice, "Booked twice")
    assert fresh(invoice).status == Invoice.VOID
    assert len(ledger.entries_for(invoice)) == 2  # the payment and its void stay as history
    assert check.run_checks() == []


def test_an_invoice_paid_and_refunded_in_full_can_be_voided(studio, session):
    invoice = invoices.create_invoice(SF, session=session)
    line = invoices.add_line(invoice, description="Fee", unit_price_cents=15000)
    payment = ledger.take_payment(invoice, 15000, "card")
    invoices.remove_line(line)  # the session is off: the payment is now a credit
    refund = ledger.refund(invoice, 15000, "card")
    invoices.void_invoice(invoice, "Session cancelled")
    with pytest.raises(ValidationError, match="is void: the money on it can no longer change"):
        ledger.void_entry(refund, "undo")  # that would leave money on a void invoice
    with pytest.raises(ValidationError, match="is void"):
        ledger.void_entry(payment, "undo")
    assert check.run_checks() == []


def test_a_credit_memo_whose_credit_was_refunded_cannot_be_voided(studio, session):
    memo = invoices.create_invoice(Invoice.CREDIT_MEMO, client=studio.client)
    invoices.add_line(memo, description="Goodwill", unit_price_cents=3000)
    refund = ledger.refund(memo, 2000, "cash")
    with pytest.raises(ValidationError, match=r"has paid out \$20.00 of its credit .* Void those first"):
        invoices.void_invoice(memo, "mistake")
    ledger.void_entry(refund, "Refund entered twice")
    invoices.void_invoice(memo, "mistake")  # its credit was never paid out: it may go
    assert fresh(memo).status == Invoice.VOID
    assert check.run_checks() == []


def test_an_invoice_receiving_a_transfer_cannot_be_deleted(studio, session):
    first = invoices.create_invoice(SF, session=session)
    second = invoices.create_invoice(IO, session=session)
    invoices.add_line(second, description="Prints", unit_price_cents=1000)
    ledger.take_payment(first, 1000, "cash")
    ledger.transfer_credit(first, second)
    with pytest.raises(ValidationError, match="holds"):
        invoices.void_invoice(second, "mistake")


def test_a_stale_screen_cannot_void_an_invoice_paid_meanwhile(studio, session):
    """Two terminals: one has the invoice open, the other takes a payment."""
    invoice = invoices.create_invoice(SF, session=session)
    invoices.add_line(invoice, description="Fee", unit_price_cents=15000)
    open_elsewhere = fresh(invoice)
    ledger.take_payment(invoice, 15000, "card")
    with pytest.raises(ValidationError, match="holds"):
        invoices.void_invoice(open_elsewhere, "mistake")
    assert check.run_checks() == []


def test_a_stale_screen_cannot_pay_or_change_an_invoice_voided_meanwhile(studio, session):
    invoice = invoices.create_invoice(SF, session=session)
    invoices.add_line(invoice, description="Fee", unit_price_cents=15000)
    open_elsewhere = fresh(invoice)
    invoices.void_invoice(invoice, "Duplicate")
    with pytest.raises(ValidationError, match="void"):
        ledger.take_payment(open_elsewhere, 15000, "card")
    with pytest.raises(ValidationError, match="void"):
        invoices.add_line(open_elsewhere, description="More", unit_price_cents=100)
    deposit = ledger.take_deposit(studio.client, 5000, "cash")
    with pytest.raises(ValidationError, match="void"):
        ledger.apply_deposit(deposit, open_elsewhere, 5000)
    assert ledger.entries_for(invoice) == [] and InvoiceLine.select().count() == 1
    assert check.run_checks() == []


# ---------------------------------------------------------------- credit memo lines after money

def test_a_credit_memo_cannot_shrink_below_what_was_paid_out_of_it(studio, session):
    memo = invoices.create_invoice(CM, session=session)
    line = invoices.add_line(memo, description="Reprint credit", unit_price_cents=2500, taxable=False)
    ledger.refund(fresh(memo), 2500, "card")
    with pytest.raises(ValidationError):
        invoices.remove_line(line)
    with pytest.raises(ValidationError):
        invoices.update_line(line, unit_price_cents=1000)
    invoices.update_line(line, unit_price_cents=3000)  # a bigger credit is fine
    assert fresh(memo).total_cents == -3000
    assert ledger.client_money(studio.client.id).balanced and check.run_checks() == []


def test_an_invoice_can_shrink_into_a_credit_balance(studio, session):
    invoice = invoices.create_invoice(IO, session=session)
    line = invoices.add_line(invoice, description="Canvas", unit_price_cents=10000, taxable=False)
    ledger.take_payment(invoice, 10000, "card")
    invoices.update_line(line, unit_price_cents=6000)
    assert ledger.invoice_money(fresh(invoice)).credit == 4000
    assert ledger.client_money(studio.client.id).balanced and check.run_checks() == []


# ---------------------------------------------------------------- rule 6: estimates

def test_an_estimate_is_not_a_sale(studio, session):
    estimate = invoices.create_invoice(EST, session=session)
    invoices.add_line(estimate, description="Canvas 20x30", unit_price_cents=39500)
    with pytest.raises(ValidationError, match="not a sale"):
        ledger.take_payment(fresh(estimate), 1000, "cash")
    deposit = ledger.take_deposit(studio.client, 1000, "cash")
    with pytest.raises(ValidationError, match="not a sale"):
        ledger.apply_deposit(deposit, fresh(estimate), 1000)
    assert ledger.invoice_money(fresh(estimate)).total == 0
    money = ledger.client_money(studio.client.id)
    assert money.owed == 0 and money.applied == 0 and money.balanced


@pytest.mark.parametrize("basis", ["session", "client"])
def test_an_estimate_converts_into_an_invoice_of_the_same_basis(studio, session, basis):
    origin = {"session": session} if basis == "session" else {"client": studio.client}
    estimate = invoices.create_invoice(EST, **origin)
    invoices.add_line(estimate, studio.item, quantity=2, image_number=7)
    invoices.add_line(estimate, description="Retouch", unit_price_cents=1500, taxable=False)
    estimate = fresh(estimate)
    invoice = invoices.convert_estimate(estimate)
    assert invoice.kind == (IO if basis == "session" else GEN) and invoice.basis == basis
    assert invoice.series == "invoice" and invoice.number == 1001 and invoice.source.id == estimate.id
    assert (invoice.session.id if invoice.session else None) == (session.id if basis == "session" else None)
    assert invoice.total_cents == estimate.total_cents == 11243
    assert [(line.description, line.quantity, line.unit_price_cents, line.image_number)
            for line in invoices.lines_of(invoice)] == [("Print 8x10", 2, 4500, 7), ("Retouch", 1, 1500, None)]
    assert fresh(estimate).status == Invoice.CONVERTED
    with pytest.raises(ValidationError, match="converted"):
        invoices.convert_estimate(fresh(estimate))
    with pytest.raises(ValidationError, match="converted"):
        invoices.add_line(fresh(estimate), description="More", unit_price_cents=1)
    assert check.run_checks() == []


def test_an_estimate_converts_only_into_kinds_of_its_basis(studio, session):
    session_estimate = invoices.create_invoice(EST, session=session)
    client_estimate = invoices.create_invoice(EST, client=studio.client)
    for kind in (GEN, CM, EST):
        with pytest.raises(ValidationError, match="converts into"):
            invoices.convert_estimate(session_estimate, kind)
    for kind in (SF, IO, RO, CM):
        with pytest.raises(ValidationError, match="converts into"):
            invoices.convert_estimate(client_estimate, kind)
    assert invoices.convert_estimate(session_estimate, RO).kind == RO
    with pytest.raises(ValidationError, match="not an estimate"):
        invoices.convert_estimate(invoices.create_invoice(GEN, client=studio.client))


def test_an_estimate_converts_once_even_from_two_screens(studio, session):
    estimate = invoices.create_invoice(EST, session=session)
    elsewhere = fresh(estimate)
    invoices.convert_estimate(estimate)
    with pytest.raises(ValidationError, match="converted"):
        invoices.convert_estimate(elsewhere)
    assert Invoice.select().where(Invoice.source == estimate.id).count() == 1


def test_a_saved_line_keeps_a_price_an_emptied_price_is_refused(studio, session):
    invoice = invoices.create_invoice(IO, session=session)
    line = invoices.add_line(invoice, description="Canvas", unit_price_cents=10000, taxable=False)
    with pytest.raises(ValidationError, match="Enter the price"):
        invoices.update_line(line, quantity=2, unit_price_cents=None)
    assert InvoiceLine.get_by_id(line.id).quantity == 1  # nothing written
    invoices.update_line(line, quantity=2)  # the price left as it is
    assert fresh(invoice).total_cents == 20000
