"""Receivables aging: known answers on a hand-built studio (invoices of known
ages and balances, a void invoice, an estimate, an invoice after the day, an
overpaid invoice and a credit memo), the pages of clients in order with no
line lost or twice, and the demo studio's totals against sums made here in
plain Python from the Invoice rows (not the report's query)."""

import datetime as dt

import pytest

from spectra_tui.data import clock, clients, invoices, ledger, report_aging, reports
from spectra_tui.data.demo import fill_demo
from spectra_tui.data.models import Invoice, User
from spectra_tui.data.users import sign_in

AS_OF = dt.date(2030, 6, 30)


def days_ago(days: int, as_of: dt.date = AS_OF) -> dt.date:
    return as_of - dt.timedelta(days=days)


def bill(client, day: dt.date, cents: int, kind: str = Invoice.GENERIC) -> Invoice:
    invoice = invoices.create_invoice(kind, client=client, invoice_date=day)
    invoices.add_line(invoice, description="Prints", unit_price_cents=cents, taxable=False)
    return Invoice.get_by_id(invoice.id)


@pytest.fixture
def books(studio):
    clock.set_clock(lambda: clock.to_utc(dt.datetime.combine(AS_OF, dt.time(12))))
    ann = studio.client
    bob = clients.save_client(None, {"first_name": "Bob", "last_name": "Zane", "phone_mobile": "(512) 555-0101"})
    cat = clients.save_client(None, {"first_name": "Cat", "last_name": "Ames", "phone_mobile": "(512) 555-0102"})
    bill(ann, AS_OF, 10000)  # 0 days
    bill(ann, days_ago(30), 5000)  # 30 days: still 0-30
    ledger.take_payment(bill(ann, days_ago(31), 7000), 2000, "cash")  # 31 days: 50.00 owed
    bill(bob, days_ago(90), 20000)  # 61-90
    bill(bob, days_ago(91), 30000)  # 90+
    ledger.take_payment(bill(cat, days_ago(29), 10000), 15000, "card", "4242")  # 50.00 of credit
    bill(cat, days_ago(10), 2500, Invoice.CREDIT_MEMO)  # 25.00 of credit
    void = bill(ann, days_ago(120), 99900)
    invoices.void_invoice(void, "typed twice")
    bill(bob, days_ago(5), 50000, Invoice.ESTIMATE)
    bill(ann, AS_OF + dt.timedelta(days=1), 12300)  # after the day
    return {"ann": ann, "bob": bob, "cat": cat}


def test_open_balances_by_client_in_the_four_ages_oldest_first(books):
    lines = report_aging.aging_page(AS_OF)
    assert [(line.name, line.buckets, line.oldest) for line in lines] == [
        ("Zane, Bob", (0, 0, 20000, 30000), days_ago(91)),
        ("Lee, Ann", (15000, 5000, 0, 0), days_ago(31)),
    ]
    assert [line.total for line in lines] == [50000, 20000]
    totals = report_aging.aging_totals(AS_OF)
    assert (totals.buckets, totals.total, totals.clients) == ((15000, 5000, 20000, 30000), 70000, 2)
    assert (totals.credit, totals.credit_clients) == (7500, 1)
    credits = report_aging.credit_page(AS_OF)
    assert [(c.name, c.credit, c.invoices) for c in credits] == [("Ames, Cat", 7500, 2)]


def test_an_earlier_day_ages_the_same_invoices_less_and_leaves_out_the_later_ones(books):
    as_of = days_ago(30)
    lines = report_aging.aging_page(as_of)
    assert [(line.name, line.buckets) for line in lines] == [
        ("Zane, Bob", (0, 20000, 30000, 0)),  # 60 and 61 days old then
        ("Lee, Ann", (10000, 0, 0, 0)),  # 0 and 1 day old; today's invoice not yet made
    ]
    assert report_aging.aging_totals(as_of).buckets == (10000, 20000, 30000, 0)
    assert report_aging.credit_page(as_of) == []  # the overpaid invoice and the credit memo are dated after it
    assert report_aging.aging_totals(as_of).credit == 0


def test_pages_follow_each_other_without_a_line_lost_or_twice(books):
    first = report_aging.aging_page(AS_OF, limit=1)
    second = report_aging.aging_page(AS_OF, first[-1].key, limit=1)
    assert [line.name for line in first + second] == ["Zane, Bob", "Lee, Ann"]
    assert report_aging.aging_page(AS_OF, second[-1].key, limit=1) == []
    credits = report_aging.credit_page(AS_OF, limit=1)
    assert report_aging.credit_page(AS_OF, credits[-1].key, limit=1) == []


def plain_aging(as_of: dt.date) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Per client, the four ages' owed balances and the credit, summed here over every Invoice row."""
    owed: dict[int, list[int]] = {}
    credit: dict[int, int] = {}
    for invoice in Invoice.select():
        if not ledger.can_owe(invoice) or invoice.invoice_date > as_of or invoice.balance_cents == 0:
            continue
        if invoice.balance_cents < 0:
            credit[invoice.client_id] = credit.get(invoice.client_id, 0) - invoice.balance_cents
            continue
        age = (as_of - invoice.invoice_date).days
        bucket = 0 if age <= 30 else 1 if age <= 60 else 2 if age <= 90 else 3
        owed.setdefault(invoice.client_id, [0, 0, 0, 0])[bucket] += invoice.balance_cents
    return owed, credit


def test_the_demo_studio_s_aging_against_the_invoice_rows(empty_db):
    today = dt.date(2026, 11, 26)
    fill_demo(clients=80, seed=7, today=today)
    sign_in(User.get(User.username == "admin"))
    for as_of in (today, today - dt.timedelta(days=45)):
        owed, credit = plain_aging(as_of)
        lines, after = [], None
        while page := report_aging.aging_page(as_of, after, limit=7):
            lines += page
            after = page[-1].key
        assert {line.client_id: list(line.buckets) for line in lines} == owed
        assert [line.key for line in lines] == sorted(line.key for line in lines)
        credits = report_aging.credit_page(as_of, limit=500)
        assert {c.client_id: c.credit for c in credits} == credit
        totals = report_aging.aging_totals(as_of)
        assert list(totals.buckets) == [sum(b[i] for b in owed.values()) for i in range(4)]
        assert (totals.clients, totals.credit, totals.credit_clients) == (len(owed), sum(credit.values()), len(credit))
        assert totals.total > 0


def test_the_report_within_80_columns_read_a_page_at_a_time(books):
    report = reports.build(reports.get_spec("aging"), AS_OF, AS_OF)
    assert (report.name, report.period) == ("aging", "as of 06/30/2030")
    owed, credits = report.sections
    for section in report.sections:
        assert sum(c.width for c in section.columns) + len(section.columns) - 1 <= 80
        assert section.rows == [] and section.page is not None
    assert [c.title for c in owed.columns] == ["Client", "0-30 days", "31-60 days", "61-90 days", "90+ days", "Total"]
    shown = [row[:6] for row in owed.all_rows(page_rows=1)]  # a page of one line: the keys chain the pages
    assert shown == [("Zane, Bob", 0, 0, 20000, 30000, 50000), ("Lee, Ann", 15000, 5000, 0, 0, 20000)]
    assert [row[:3] for row in credits.all_rows(page_rows=1)] == [("Ames, Cat", 2, 7500)]
    assert owed.totals == ("Total (2 clients)", 15000, 5000, 20000, 30000, 70000)
    assert credits.totals == ("Total (1 client)", None, 7500)
    text = reports.to_text(report)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "Zane, Bob             $0.00      $0.00    $200.00    $300.00      $500.00" in text
