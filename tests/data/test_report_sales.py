"""Sales Analysis (data/report_sales.py): on a hand-built studio with known
answers (tests/sales_studio.py), and on the demo studio against sums computed
here over the Invoice rows; every section's rows add up to the whole."""

import datetime as dt
from decimal import Decimal

import pytest

import sales_studio
from sales_studio import END, START
from spectra_tui.data import report_sales, reports
from spectra_tui.data.demo import fill_demo
from spectra_tui.data.models import Client, Invoice, Session, SessionType, User
from spectra_tui.data.report_sales import SalesRow


def rows(section: list[SalesRow]) -> dict[str, tuple[int, int, int, int]]:
    return {row.label: (row.count, row.subtotal_cents, row.tax_cents, row.total_cents) for row in section}


def assert_sections_add_up(analysis: report_sales.SalesAnalysis) -> None:
    whole = (analysis.whole.count, analysis.whole.subtotal_cents, analysis.whole.tax_cents, analysis.whole.total_cents)
    for section in (analysis.by_session_type, analysis.by_photographer, analysis.by_lead_source, analysis.by_month):
        sums = tuple(sum(figures[i] for figures in rows(section).values()) for i in range(4))
        assert sums == whole


@pytest.fixture
def known(studio):
    return sales_studio.build(studio)


FAMILY = (3, 37000, 3400, 40400)  # A, B, K
HEADSHOT = (3, 11500, 250, 11750)  # E, F, G (the credit memo subtracts)
NO_SESSION = (2, 5500, 450, 5950)  # J, H


def test_the_known_studio(known):
    analysis = report_sales.analysis(START, END)
    assert analysis.whole == SalesRow("Total", 8, 54000, 4100, 58100)
    assert rows(analysis.by_session_type) == {"Family": FAMILY, "Headshot": HEADSHOT, "No session": NO_SESSION}
    assert [row.label for row in analysis.by_session_type] == ["Family", "Headshot", "No session"]  # largest first
    assert rows(analysis.by_photographer) == {"Ava Reyes": FAMILY, "Ben Cho": HEADSHOT, "No session": NO_SESSION}
    assert rows(analysis.by_lead_source) == {
        "Referral": FAMILY,
        "Google": (4, 12500, 250, 12750),  # E, F, G, J
        "(none)": (1, 4500, 450, 4950),  # the walk-in's quick sale
    }
    assert rows(analysis.by_month) == {"Mar 2030": (1, 15000, 1500, 16500), "Apr 2030": (7, 39000, 2600, 41600)}
    assert [row.label for row in analysis.by_month] == ["Mar 2030", "Apr 2030"]  # oldest first
    assert_sections_add_up(analysis)


def test_the_period_bounds_are_both_included(known):
    assert report_sales.whole(dt.date(2030, 3, 10), dt.date(2030, 3, 10)) == SalesRow("Total", 1, 15000, 1500, 16500)
    assert report_sales.whole(dt.date(2030, 2, 28), dt.date(2030, 2, 28)).subtotal_cents == 10000
    assert report_sales.whole(dt.date(2030, 3, 11), dt.date(2030, 3, 31)) == SalesRow("Total", 0, 0, 0, 0)


def test_an_empty_period_has_no_rows(known):
    analysis = report_sales.analysis(dt.date(2031, 1, 1), dt.date(2031, 1, 31))
    assert analysis.whole == SalesRow("Total", 0, 0, 0, 0)
    assert analysis.by_session_type == analysis.by_photographer == analysis.by_lead_source == analysis.by_month == []


def test_shares_in_tenths_of_a_percent():
    assert report_sales.share_tenths(37000, 54000) == 685  # 68.52%
    assert report_sales.share_tenths(1, 3) == 333
    assert report_sales.share_tenths(1, 2000) == 1  # 0.05% rounds half up
    assert report_sales.share_tenths(-2000, 54000) == -37
    assert report_sales.share_tenths(5, 0) == 0


def test_the_demo_studio_against_its_invoices(empty_db):
    fill_demo(clients=300, today=dt.date(2030, 5, 15))
    start, end = dt.date(2029, 6, 1), dt.date(2030, 5, 15)
    analysis = report_sales.analysis(start, end)
    counted = sales_studio.counted_invoices(start, end)
    assert {i.kind for i in counted} >= {Invoice.SESSION_FEE, Invoice.INITIAL_ORDER, Invoice.CREDIT_MEMO}
    assert Invoice.select().where(Invoice.kind == Invoice.ESTIMATE).exists()  # there is something to leave out
    whole = sales_studio.figures(counted)
    assert (analysis.whole.count, analysis.whole.subtotal_cents, analysis.whole.tax_cents) == whole[:3]
    assert analysis.whole.total_cents == whole[3] > 0

    sessions = {s.id: s for s in Session.select()}
    type_names = {t.id: t.name for t in SessionType.select()}
    user_names = {u.id: u.full_name for u in User.select()}
    lead_sources = {c.id: c.lead_source or "(none)" for c in Client.select()}

    def grouped(label_of) -> dict[str, tuple[int, int, int, int]]:
        groups: dict[str, list[Invoice]] = {}
        for invoice in counted:
            groups.setdefault(label_of(invoice), []).append(invoice)
        return {label: sales_studio.figures(group) for label, group in groups.items()}

    def of_session(name_of):
        return lambda i: name_of(sessions[i.session_id]) if i.session_id else "No session"

    assert rows(analysis.by_session_type) == grouped(of_session(lambda s: type_names[s.session_type_id]))
    assert rows(analysis.by_photographer) == grouped(of_session(lambda s: user_names[s.photographer_id]))
    assert rows(analysis.by_lead_source) == grouped(lambda i: lead_sources[i.client_id])
    assert rows(analysis.by_month) == grouped(lambda i: i.invoice_date.strftime("%b %Y"))
    assert len(analysis.by_month) >= 6 and len(analysis.by_photographer) >= 2
    assert_sections_add_up(analysis)


def test_the_report_fits_the_screen_s_table_and_each_total_is_its_column_sum(known):
    report = reports.build(reports.get_spec("sales"), START, END)
    assert (report.name, report.title, report.period) == ("sales", "Sales Analysis", "03/01/2030 – 04/30/2030")
    titles = [section.title for section in report.sections]
    assert titles == ["By session type", "By photographer", "By lead source", "By month"]
    for section in report.sections:
        assert reports.table_width(section.columns) <= reports.TABLE_WIDTH
        assert all(len(row) == len(section.columns) for row in [*section.rows, section.totals])
        for index, column in enumerate(section.columns):
            if column.kind in ("count", "money"):
                assert section.totals[index] == sum(row[index] for row in section.rows)
        assert section.totals == ("Total", 8, 54000, 4100, 58100, Decimal("100.0"))
    assert report.sections[0].rows[0] == ("Family", *FAMILY, Decimal("68.5"))  # 370.00 of 540.00
    month_chart, type_chart = report.charts
    assert (month_chart.labels, month_chart.values) == (["Mar 2030", "Apr 2030"], [15000, 39000])
    assert (type_chart.labels, type_chart.values) == (["Family", "Headshot", "No session"], [37000, 11500, 5500])
    text = reports.to_text(report)
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "Family               3         $370.00        $34.00         $404.00  68.5%" in text
    assert "Total                8         $540.00        $41.00         $581.00 100.0%" in text


def test_a_year_of_100000_invoices_is_not_cut():
    """Figures of a studio's year at 100,000 invoices (to $99,999,999.99) fit their columns whole, and the
    columns the Reports screen at 80 columns (77 cells, one more a column)."""
    columns = (reports.Column("Session type", "text", report_sales.FIRST_WIDTH), *report_sales.COLUMNS)
    biggest = ("Maternity", 100_000, 99_999_999_99, 9_999_999_99, 99_999_999_99, Decimal("100.0"))
    assert all(len(reports.shown(cell, column.kind)) <= column.width for cell, column in zip(biggest, columns))
    assert sum(column.width for column in columns) + len(columns) <= 77
