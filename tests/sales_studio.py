"""A small studio with known sales, for the Sales Analysis and Sales Tax tests,
and the reports' figures summed here over the Invoice and InvoiceLine rows in
plain Python (independently of the reports' SQL).

Tax 10% added (one invoice with the tax included). Period 03/01-04/30/2030.
Ann (lead source Referral) has a Family session with Ava in March; Bob
(Google) a Headshot session with Ben in April.

    A  Session Fee  s1  03/10  15000 taxable                (15000, 1500, 16500)
    B  Initial Ord. s1  04/01   9000 taxable, 3000 not      (12000,  900, 12900)
    C  Estimate     s1  03/12  50000                         left out
    D  Generic      Ann 03/20   2000, voided                 left out
    E  Session Fee  s2  04/02   9000 not taxable            ( 9000,    0,  9000)
    F  Re-Order     s2  04/05   4500 taxable                ( 4500,  450,  4950)
    G  Credit Memo  s2  04/06   2000 taxable, of F          (-2000, -200, -2200)
    J  Generic      Bob 04/10   1000 not taxable            ( 1000,    0,  1000)
    K  Re-Order     s1  04/20  11000 taxable, tax included  (10000, 1000, 11000)
    H  Quick sale   -   04/30   4500 taxable (walk-in)      ( 4500,  450,  4950)
    I  Generic      Bob 02/28  10000                         before the period
"""

import datetime as dt
from types import SimpleNamespace

from spectra_tui.data import catalog, clients, clock, end_of_day, invoices, quick_sale, sessions, settings
from spectra_tui.data.models import Invoice, InvoiceLine
from staff import add_user

START, END = dt.date(2030, 3, 1), dt.date(2030, 4, 30)
TODAY = dt.date(2030, 4, 30)


def _on(day: dt.date) -> None:
    clock.set_clock(lambda: clock.to_utc(dt.datetime.combine(day, dt.time(10, 0))))


def _invoice(kind: str, day: dt.date, lines: list[tuple[int, bool]], **where) -> Invoice:
    _on(day)
    invoice = invoices.create_invoice(kind, invoice_date=day, **where)
    for cents, taxable in lines:
        invoices.add_line(invoice, description="Sale", unit_price_cents=cents, taxable=taxable)
    return Invoice.get_by_id(invoice.id)


def build(studio) -> SimpleNamespace:
    """The studio above, on the ``studio`` fixture (Rita, a manager, signed in)."""
    settings.put("tax_rate", "0.10")
    ben = add_user("ben", "Ben Cho", "photographer")
    headshot = catalog.create_session_type("Headshot", 45, 9000)
    ann = clients.save_client(studio.client, {"lead_source": "Referral"})
    bob = clients.save_client(None, {"first_name": "Bob", "last_name": "Stone", "lead_source": "Google"})
    _on(dt.date(2030, 2, 1))
    s1 = sessions.create_session(ann, studio.photographer, studio.session_type, dt.datetime(2030, 3, 10, 10))
    s2 = sessions.create_session(bob, ben, headshot, dt.datetime(2030, 4, 2, 10))
    _invoice(Invoice.GENERIC, dt.date(2030, 2, 28), [(10000, True)], client=bob)
    _invoice(Invoice.SESSION_FEE, dt.date(2030, 3, 10), [(15000, True)], session=s1)
    _invoice(Invoice.ESTIMATE, dt.date(2030, 3, 12), [(50000, True)], session=s1)
    voided = _invoice(Invoice.GENERIC, dt.date(2030, 3, 20), [(2000, True)], client=ann)
    invoices.void_invoice(voided, "typed on the wrong client")
    _invoice(Invoice.INITIAL_ORDER, dt.date(2030, 4, 1), [(9000, True), (3000, False)], session=s1)
    _invoice(Invoice.SESSION_FEE, dt.date(2030, 4, 2), [(9000, False)], session=s2)
    reorder = _invoice(Invoice.RE_ORDER, dt.date(2030, 4, 5), [(4500, True)], session=s2)
    _invoice(Invoice.CREDIT_MEMO, dt.date(2030, 4, 6), [(2000, True)], session=s2, source=reorder)
    _invoice(Invoice.GENERIC, dt.date(2030, 4, 10), [(1000, False)], client=bob)
    settings.put("tax_included", True)
    _invoice(Invoice.RE_ORDER, dt.date(2030, 4, 20), [(11000, True)], session=s1)
    settings.put("tax_included", False)
    _on(TODAY)
    quick_sale.sell(None, [(studio.item, 1)], "cash", 4950)
    end_of_day.post_day(dt.date(2030, 3, 10), None, "")
    return SimpleNamespace(ann=ann, bob=bob, ben=ben, headshot=headshot, s1=s1, s2=s2)


# ---------------------------------------------------------------- the figures, summed here


def counted_invoices(start: dt.date, end: dt.date) -> list[Invoice]:
    return [
        invoice
        for invoice in Invoice.select()
        if start <= invoice.invoice_date <= end and invoice.kind != Invoice.ESTIMATE and invoice.status != Invoice.VOID
    ]


def figures(invoices_: list[Invoice]) -> tuple[int, int, int, int]:
    """(count, subtotal before tax, tax, total) of ``invoices_``."""
    return (
        len(invoices_),
        sum(i.total_cents - i.tax_cents for i in invoices_),
        sum(i.tax_cents for i in invoices_),
        sum(i.total_cents for i in invoices_),
    )


def line_sums(invoice: Invoice) -> tuple[int, int]:
    """(taxable, non-taxable) amounts of the invoice's lines before tax,
    negative for a credit memo."""
    sign = -1 if invoice.kind == Invoice.CREDIT_MEMO else 1
    lines = list(InvoiceLine.select().where(InvoiceLine.invoice == invoice.id))
    taxable = sum(line.amount_cents for line in lines if line.taxable) * sign
    other = sum(line.amount_cents for line in lines if not line.taxable) * sign
    return (taxable - invoice.tax_cents if invoice.tax_included else taxable), other
