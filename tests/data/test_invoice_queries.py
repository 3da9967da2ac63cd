"""The Invoices hub list: balances computed in SQL (one query per page), the
status lists, both sorts with keyset paging, and credit-transfer targets."""
import datetime as dt

import pytest

from spectra_tui.data import invoices, ledger, sessions
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.invoices import InvoiceQuery, search_invoices
from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.data.models import Invoice


@pytest.fixture
def books(studio):
    """A session with: a paid fee, an order with a balance due, an overpaid
    re-order (credit), a void invoice, an estimate, a credit memo, an empty invoice."""
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                      dt.datetime(2026, 3, 2, 10, 0))
    made = {}

    def invoice(name, kind, day, price=None, **kw):
        set_clock(lambda: to_utc(dt.datetime(2026, 3, day, 12, 0)))
        inv = invoices.create_invoice(kind, session=session, **kw)
        if price is not None:
            invoices.add_line(inv, description=name, unit_price_cents=price, taxable=False)
        made[name] = inv
        return inv

    ledger.take_payment(invoice("fee", Invoice.SESSION_FEE, 2, 15000), 15000, "card")
    order = invoice("order", Invoice.INITIAL_ORDER, 3, 50000)
    ledger.take_payment(order, 20000, "cash")
    voided = ledger.take_payment(order, 9999, "cash")
    ledger.void_entry(voided, "typed twice")
    ledger.take_payment(invoice("reorder", Invoice.RE_ORDER, 4, 10000), 12500, "card")
    invoices.void_invoice(invoice("void", Invoice.RE_ORDER, 5, 3000), "made by mistake")
    invoice("estimate", Invoice.ESTIMATE, 6, 39500)
    invoice("memo", Invoice.CREDIT_MEMO, 7, 2500)
    invoice("empty", Invoice.RE_ORDER, 8)
    set_clock(None)
    return made


def by_name(rows, made):
    names = {inv.id: name for name, inv in made.items()}
    return [names[r.invoice.id] for r in rows]


def test_balances_match_the_ledger(books):
    rows = search_invoices(InvoiceQuery(), limit=50)
    assert len(rows) == 7
    for row in rows:
        money = ledger.invoice_money(row.invoice)
        assert (row.paid, row.balance) == (money.paid, money.balance), row.invoice.display_number
    states = {name: row.state for name, row in zip(by_name(rows, books), rows)}
    assert states == {"fee": "Paid", "order": "Open", "reorder": "Credit", "void": "Void",
                      "estimate": "Estimate", "memo": "Credit", "empty": "Open"}
    order = next(r for r in rows if r.invoice.id == books["order"].id)
    assert order.paid == 20000 and order.balance == 30000  # the voided 99.99 counts for nothing


def test_status_lists(books):
    def names(status):
        return sorted(by_name(search_invoices(InvoiceQuery(status=status)), books))

    assert names("open") == ["empty", "order"]
    assert names("paid") == ["fee"]
    assert names("credit") == ["memo", "reorder"]
    assert names("void") == ["void"]
    assert names("estimates") == ["estimate"]
    assert invoices.count_invoices(InvoiceQuery(status="credit")) == 2


def test_converted_estimate_and_transfer_in_are_counted(books):
    invoices.convert_estimate(books["estimate"], Invoice.RE_ORDER)
    ledger.transfer_credit(books["reorder"], books["order"])  # 25.00 of credit moves over
    rows = {r.invoice.id: r for r in search_invoices(InvoiceQuery(), limit=50)}
    assert rows[books["estimate"].id].state == "Converted"
    assert rows[books["order"].id].balance == 30000 - 2500
    assert rows[books["reorder"].id].balance == 0 and rows[books["reorder"].id].state == "Paid"


@pytest.mark.parametrize("sort", ["date", "balance"])
def test_keyset_pages_cover_every_invoice_once_in_order(books, sort):
    seen, after = [], None
    while True:
        page = search_invoices(InvoiceQuery(sort=sort), limit=2, after=after)
        if not page:
            break
        seen += page
        after = page[-1]
    assert sorted(r.invoice.id for r in seen) == sorted(i.id for i in books.values())
    if sort == "date":
        keys = [(r.invoice.invoice_date, r.invoice.id) for r in seen]
    else:
        keys = [(r.balance, r.invoice.id) for r in seen]
    assert keys == sorted(keys, reverse=True)
    if sort == "balance":
        assert by_name(seen, books)[0] == "order"


def test_date_client_and_session_filters(books, studio):
    rows = search_invoices(InvoiceQuery(date_from=dt.date(2026, 3, 3), date_to=dt.date(2026, 3, 4)))
    assert sorted(by_name(rows, books)) == ["order", "reorder"]
    session_id = books["fee"].session_id
    assert len(search_invoices(InvoiceQuery(session_id=session_id), limit=50)) == 7
    assert search_invoices(InvoiceQuery(client_id=studio.client.id + 999)) == []
    with pytest.raises(ValidationError, match="after"):
        search_invoices(InvoiceQuery(date_from=dt.date(2026, 3, 4), date_to=dt.date(2026, 3, 3)))
    with pytest.raises(ValidationError):
        search_invoices(InvoiceQuery(status="bogus"))


def test_one_query_per_page(books, studio):
    queries = []
    original = studio.db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        queries.append(sql)
        return original(sql, params, *args, **kwargs)

    studio.db.execute_sql = counting
    try:
        rows = search_invoices(InvoiceQuery(sort="balance"), limit=50)
        shown = [(r.invoice.client.full_name, r.invoice.bill_to.full_name, r.balance) for r in rows]
    finally:
        del studio.db.execute_sql
    assert len(shown) == 7 and len(queries) == 1


def test_invoice_row_and_transfer_targets(books):
    assert invoices.invoice_row(books["reorder"]).balance == -2500
    targets = by_name(invoices.transfer_targets(books["reorder"]), books)
    assert targets[0] == "order"  # the largest balance due first
    assert sorted(targets) == ["empty", "fee", "order"]  # no void, estimate, credit memo, nor itself
