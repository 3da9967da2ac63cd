"""Stored paid and balance on every invoice (Invoice.paid_cents,
balance_cents): kept by every write that moves them, in its transaction;
read by the lists, which page by balance exactly as when every balance was
computed from the ledger; checked by ``spectra check``; filled for existing
invoices by migration 0002. Also: the open invoices of a session (Order Info)."""
import datetime as dt
import sqlite3

import pytest
from peewee import SQL, SqliteDatabase, fn

from spectra_tui.data import check, invoices, ledger, sessions, users
from spectra_tui.data import db as dbmod
from spectra_tui.data.demo import fill_demo
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.invoices import InvoiceQuery
from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.data.models import Invoice
from spectra_tui.data.users import find_user

SF, IO, RO, GEN, CM, EST = Invoice.KINDS


def stored(invoice) -> tuple[int, int]:
    fresh = Invoice.get_by_id(invoice.id)
    return fresh.paid_cents, fresh.balance_cents


def derived(invoice) -> tuple[int, int]:
    money = ledger.invoice_money(Invoice.get_by_id(invoice.id))
    return money.paid, money.balance


def assert_follows(*invoices_):
    for invoice in invoices_:
        assert stored(invoice) == derived(invoice), invoice.display_number


@pytest.fixture
def session(studio):
    return sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                   dt.datetime(2030, 3, 2, 10, 0))


def sale(kind, session, cents):
    invoice = invoices.create_invoice(kind, session=session)
    invoices.add_line(invoice, description="Item", unit_price_cents=cents, taxable=False)
    return invoice


def test_a_new_invoice_owes_nothing_until_it_has_lines(session):
    invoice = invoices.create_invoice(IO, session=session)
    assert stored(invoice) == (0, 0)
    line = invoices.add_line(invoice, description="Prints", unit_price_cents=10000, taxable=False)
    assert stored(invoice) == (0, 10000) and (invoice.paid_cents, invoice.balance_cents) == (0, 10000)
    invoices.update_line(line, quantity=3)
    assert stored(invoice) == (0, 30000)
    invoices.remove_line(line)
    assert stored(invoice) == (0, 0)


def test_every_money_event_moves_the_stored_figures(session, studio):
    order = sale(IO, session, 50000)
    reorder = sale(RO, session, 10000)
    payment = ledger.take_payment(order, 20000, "cash")
    assert stored(order) == (20000, 30000) and order.balance_cents == 30000  # the caller's object too
    deposit = ledger.take_deposit(studio.client, 40000, "card")
    applied = ledger.apply_deposit(deposit, order)  # the rest of what is due
    assert stored(order) == (50000, 0)
    ledger.take_payment(order, 12500, "card")  # overpaid: a credit
    assert stored(order) == (62500, -12500)
    transfer = ledger.transfer_credit(order, reorder, 10000)
    assert stored(order) == (52500, -2500) and stored(reorder) == (10000, 0)
    ledger.refund(order, 2500, "cash")
    assert stored(order) == (50000, 0)
    ledger.void_entry(transfer, "wrong invoice")  # both invoices move back
    assert stored(order) == (60000, -10000) and stored(reorder) == (0, 10000)
    ledger.void_entry(applied, "applied by mistake")
    assert stored(order) == (30000, 20000)
    ledger.void_entry(payment, "card declined")
    assert stored(order) == (10000, 40000)
    ledger.refund_deposit(deposit, 5000, "card")  # touches no invoice
    assert_follows(order, reorder)
    assert check.run_checks() == []


def test_credit_memos_void_invoices_and_converted_estimates(session, studio):
    memo = sale(CM, session, 2500)
    assert stored(memo) == (0, -2500)
    ledger.refund(memo, 1000, "cash")
    assert stored(memo) == (-1000, -1500)
    empty = sale(RO, session, 3000)
    invoices.void_invoice(empty, "made by mistake")
    assert stored(empty) == (0, 0) and empty.balance_cents == 0  # a void invoice owes nothing
    estimate = sale(EST, session, 39500)
    assert stored(estimate) == (0, 0)  # an estimate owes nothing
    converted = invoices.convert_estimate(estimate)
    assert stored(converted) == (0, 39500) and converted.balance_cents == 39500
    assert stored(estimate) == (0, 0)
    assert_follows(memo, empty, estimate, converted)
    assert check.run_checks() == []


def test_a_stale_object_saved_later_does_not_bring_back_an_old_balance(session, studio):
    order = sale(IO, session, 50000)
    other_screen = Invoice.get_by_id(order.id)  # loaded before the payment
    ledger.take_payment(order, 20000, "cash")
    invoices.change_bill_to(other_screen, studio.client)
    invoices.add_line(other_screen, description="Frame", unit_price_cents=5000, taxable=False)
    assert stored(order) == (20000, 35000)
    assert_follows(order)


def test_a_refused_write_leaves_the_stored_figures_alone(session):
    order = sale(IO, session, 50000)
    ledger.take_payment(order, 20000, "cash")
    with pytest.raises(ValidationError):
        ledger.refund(order, 1, "cash")  # no credit to refund
    with pytest.raises(ValidationError):
        invoices.void_invoice(order, "has money")
    assert stored(order) == (20000, 30000)


def test_check_names_an_invoice_whose_stored_balance_was_changed_with_sql(session, db):
    order = sale(IO, session, 50000)
    paid = sale(SF, session, 15000)
    ledger.take_payment(order, 20000, "cash")
    ledger.take_payment(paid, 15000, "card")
    assert check.run_checks() == []
    db.execute_sql(f"UPDATE invoice SET balance_cents = 0 WHERE id = {int(order.id)}")
    db.execute_sql(f"UPDATE invoice SET paid_cents = 0 WHERE id = {int(paid.id)}")
    problems = [str(p) for p in check.run_checks()]
    assert problems == [
        f"invoice {order.display_number}: stored balance $0.00 (paid $200.00) does not match its ledger rows: "
        "balance $300.00 (paid $200.00)",
        f"invoice {paid.display_number}: stored balance $0.00 (paid $0.00) does not match its ledger rows: "
        "balance $0.00 (paid $150.00)",
    ]


@pytest.fixture
def demo(empty_db):
    """A demo studio's books, plus voided payments, a void invoice, credit memos and ties."""
    today = dt.date(2026, 11, 26)
    fill_demo(clients=40, seed=3, today=today)
    set_clock(lambda: to_utc(dt.datetime(2026, 11, 27, 12, 0)))
    users.sign_in(find_user("admin"))  # the demo's owner: voids are a manager's or the owner's
    try:
        for invoice in list(Invoice.select().where((Invoice.kind == IO) & (Invoice.status == Invoice.OPEN)).limit(6)):
            ledger.void_entry(ledger.take_payment(invoice, 1234, "cash"), "typed twice")
        client_invoice = invoices.create_invoice(GEN, client=Invoice.select().first().client)
        invoices.add_line(client_invoice, description="Frame", unit_price_cents=6000, taxable=False)
        invoices.void_invoice(client_invoice, "duplicate")
        for _ in range(4):  # equal balances, equal days
            tie = invoices.create_invoice(GEN, client=client_invoice.client)
            invoices.add_line(tie, description="Frame", unit_price_cents=6000, taxable=False)
    finally:
        set_clock(None)
        users.sign_in(None)
    return today


def walk(fetch, size=7):
    rows, after = [], None
    while True:
        page = fetch(after, size)
        rows += page
        if len(page) < size:
            return [(r.invoice.id, r.paid, r.balance) for r in rows]
        after = page[-1]


def from_the_ledger(query: InvoiceQuery | None, home: bool = False):
    """Every invoice the list holds, in its order, with paid and balance
    computed from the ledger in SQL (as the lists did before the stored figures)."""
    paid = invoices.paid_expression()
    balance = invoices.balance_expression(paid)
    select = Invoice.select(Invoice.id, paid, balance)
    live_sale = (Invoice.kind != Invoice.ESTIMATE) & (Invoice.status == Invoice.OPEN)
    nothing_yet = (Invoice.total_cents == 0) & (paid == 0)
    if home:
        return [(i, int(p), int(b)) for i, p, b in select.where(live_sale & (balance > 0)).order_by(
            balance.desc(), Invoice.invoice_date.asc(), Invoice.id.asc()).tuples()]
    where = {"all": None, "open": live_sale & ((balance > 0) | nothing_yet),
             "paid": live_sale & (balance == 0) & ~nothing_yet, "credit": live_sale & (balance < 0),
             "void": Invoice.status == Invoice.VOID, "estimates": Invoice.series == invoices.ESTIMATE_SERIES}[query.status]
    if where is not None:
        select = select.where(where)
    if query.client_id is not None:
        select = select.where(Invoice.client == query.client_id)
    if query.sort == "balance":
        select = select.order_by(balance.desc(), Invoice.id.desc())
    else:
        select = select.order_by(Invoice.invoice_date.desc(), Invoice.id.desc())
    return [(i, int(p), int(b)) for i, p, b in select.tuples()]


def test_the_lists_page_exactly_as_when_balances_came_from_the_ledger(demo):
    assert check.run_checks() == []
    assert len(from_the_ledger(InvoiceQuery())) > 80
    busiest = (Invoice.select(Invoice.client, fn.COUNT(Invoice.id).alias("n")).group_by(Invoice.client)
               .order_by(SQL("n").desc(), Invoice.client).first().client_id)
    for status in invoices.LIST_STATUSES:
        for sort in invoices.LIST_SORTS:
            for client_id in (None, busiest):
                query = InvoiceQuery(status=status, sort=sort, client_id=client_id)
                expected = from_the_ledger(query)
                assert walk(lambda after, limit: invoices.search_invoices(query, limit, after)) == expected, query
                assert invoices.count_invoices(query) == len(expected)
    home = from_the_ledger(None, home=True)
    assert len({b for _i, _p, b in home}) < len(home)  # ties, paged through
    assert walk(lambda after, limit: invoices.open_balances(limit, after)) == home
    assert walk(lambda after, limit: invoices.open_balances(limit, after), size=1) == home


def test_migration_0002_fills_the_figures_of_existing_invoices(demo, empty_db, tmp_path):
    db = empty_db
    before = {i.id: (i.paid_cents, i.balance_cents) for i in Invoice.select()}
    assert any(paid for paid, _balance in before.values()) and any(b < 0 for _p, b in before.values())
    # The database as it was before 0002: no columns, no indexes, no history row.
    db.execute_sql('DROP INDEX "invoice_balance_cents_id"')
    db.execute_sql('DROP INDEX "invoice_balance_cents_desc_invoice_date_id"')
    db.execute_sql("ALTER TABLE invoice DROP COLUMN paid_cents")
    db.execute_sql("ALTER TABLE invoice DROP COLUMN balance_cents")
    db.execute_sql("DELETE FROM schema_migration WHERE name = '0002_invoice_balance'")
    sqlite = isinstance(db, SqliteDatabase)
    target = str(tmp_path / "t.db") if sqlite else "postgresql://the-test-database"

    assert dbmod.migrate_database(db, target) == ["0002_invoice_balance"]

    assert {i.id: (i.paid_cents, i.balance_cents) for i in Invoice.select()} == before
    assert check.run_checks() == []
    indexes = {index.name: index.columns for index in db.get_indexes("invoice")}
    assert indexes["invoice_balance_cents_id"] == ["balance_cents", "id"]
    assert "invoice_balance_cents_desc_invoice_date_id" in indexes
    if sqlite:  # the copy kept before the upgrade has neither
        copy = sqlite3.connect(tmp_path / "t.db.before-0002_invoice_balance")
        try:
            assert "balance_cents" not in [row[1] for row in copy.execute("PRAGMA table_info(invoice)")]
        finally:
            copy.close()


def test_open_invoices_of_a_session(session, studio):
    first = sale(IO, session, 10000)
    voided = sale(IO, session, 2000)
    invoices.void_invoice(voided, "mistake")
    second = sale(IO, session, 30000)
    sale(RO, session, 5000)
    other = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                    dt.datetime(2030, 4, 2, 10, 0))
    sale(IO, other, 7000)
    estimate = invoices.create_invoice(EST, session=session)
    converted = invoices.convert_estimate(estimate, IO)  # the estimate is converted, the invoice open

    found = invoices.open_invoices_of_session(session, IO)

    assert [i.id for i in found] == [first.id, second.id, converted.id]
    assert [i.id for i in invoices.open_invoices_of_session(session.id, EST)] == []
    assert invoices.open_invoices_of_session(other, RO) == []
    with pytest.raises(ValidationError):
        invoices.open_invoices_of_session(session, "Bogus")
