"""Sales Tax (data/report_sales_tax.py): taxable and non-taxable sales and the
tax by posting day, on a hand-built studio with known answers
(tests/sales_studio.py) and on the demo studio against sums computed here over
the Invoice and InvoiceLine rows; the days add up to the total, and the total's
sales to the Sales Analysis' subtotal."""

import datetime as dt

import pytest

import sales_studio
from sales_studio import END, START
from spectra_tui.data import end_of_day, report_sales, report_sales_tax, reports
from spectra_tui.data.demo import fill_demo
from spectra_tui.data.report_sales_tax import TaxDay


def figures(days: list[TaxDay]) -> dict[dt.date | None, tuple[int, int, int]]:
    return {day.day: (day.taxable_cents, day.non_taxable_cents, day.tax_cents) for day in days}


@pytest.fixture
def known(studio):
    return sales_studio.build(studio)


def test_the_known_studio(known):
    days = report_sales_tax.by_day(START, END)
    assert figures(days) == {
        dt.date(2030, 3, 10): (15000, 0, 1500),
        dt.date(2030, 4, 1): (9000, 3000, 900),
        dt.date(2030, 4, 2): (0, 9000, 0),
        dt.date(2030, 4, 5): (4500, 0, 450),
        dt.date(2030, 4, 6): (-2000, 0, -200),  # the credit memo subtracts
        dt.date(2030, 4, 10): (0, 1000, 0),
        dt.date(2030, 4, 20): (10000, 0, 1000),  # 110.00 with the tax included: 100.00 of sales
        dt.date(2030, 4, 30): (4500, 0, 450),  # the quick sale
    }  # the estimate of 03/12, the void of 03/20 and the invoice of 02/28 are not there
    assert [day.day for day in days] == sorted(day.day for day in days)
    total = report_sales_tax.total(days)
    assert (total.taxable_cents, total.non_taxable_cents, total.tax_cents) == (41000, 13000, 4100)
    assert total.taxable_cents + total.non_taxable_cents == report_sales.whole(START, END).subtotal_cents


def test_each_day_says_whether_it_is_posted(known):
    days = {day.day: day.posted for day in report_sales_tax.by_day(START, END)}
    assert days[dt.date(2030, 3, 10)] is True
    assert not any(posted for day, posted in days.items() if day != dt.date(2030, 3, 10))
    assert report_sales_tax.total(report_sales_tax.by_day(START, END)).posted is False
    end_of_day.unlock_day(dt.date(2030, 3, 10), "a payment typed on the wrong day")
    assert report_sales_tax.by_day(dt.date(2030, 3, 10), dt.date(2030, 3, 10))[0].posted is False


def test_the_demo_studio_against_its_lines(empty_db):
    fill_demo(clients=300, today=dt.date(2030, 5, 15))
    start, end = dt.date(2029, 6, 1), dt.date(2030, 5, 15)
    expected: dict[dt.date | None, list[int]] = {}
    for invoice in sales_studio.counted_invoices(start, end):
        taxable, other = sales_studio.line_sums(invoice)
        for key in (invoice.invoice_date, None):
            sums = expected.setdefault(key, [0, 0, 0])
            sums[0] += taxable
            sums[1] += other
            sums[2] += invoice.tax_cents
    days = report_sales_tax.by_day(start, end)
    total = report_sales_tax.total(days)
    assert figures([*days, total]) == {key: tuple(sums) for key, sums in expected.items()}
    assert total.taxable_cents > 0 and total.non_taxable_cents != 0 and total.tax_cents > 0
    assert total.taxable_cents + total.non_taxable_cents == report_sales.whole(start, end).subtotal_cents


def test_the_report_fits_78_cells_and_its_total_is_the_column_sums(known):
    report = reports.build(reports.get_spec("sales-tax"), START, END)
    (section,) = report.sections
    assert section.title == "By posting day"
    assert sum(column.width for column in section.columns) + len(section.columns) - 1 <= 78
    assert section.rows[0] == (dt.date(2030, 3, 10), 15000, 0, 1500, "yes")
    assert section.rows[1] == (dt.date(2030, 4, 1), 9000, 3000, 900, "no")
    assert section.totals == ("", 41000, 13000, 4100, "")
    assert all(section.totals[i] == sum(row[i] for row in section.rows) for i in (1, 2, 3))
    assert "1 of its 8 days with sales are posted" in section.note
    text = reports.to_text(report)
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "03/10/2030          $150.00            $0.00         $15.00 yes" in text
    assert "04/06/2030          -$20.00            $0.00         -$2.00 no" in text
