"""Sales Tax ("sales-tax"): taxable and non-taxable sales and the tax charged,
by the books' posting date (the invoice's date), in a period.

The invoices counted are the sales report's (report_sales.counted: estimates
and void invoices out, credit memos subtracting). Taxable and non-taxable sales
come from the invoice lines (``taxable``, quantity x unit price), the tax from
the invoice's stored ``tax_cents`` (invoices.compute_totals). Sales are before
tax: where the tax is included in the prices, the tax is taken off the taxable
lines, so taxable + non-taxable is the invoices' subtotal before tax. Each day
says whether its books are posted (end_of_day.is_posted): a day not posted may
still change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Case, fn

from . import end_of_day, report_sales
from .models import Invoice, InvoiceLine, tuples
from .reports import Column, Report, ReportSpec, Section, period_text, register


@dataclass(frozen=True)
class TaxDay:
    day: dt.date | None  # None: the period's total
    taxable_cents: int
    non_taxable_cents: int
    tax_cents: int
    posted: bool


def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _lines_by_day(start: dt.date, end: dt.date) -> dict[dt.date, tuple[int, int]]:
    """(taxable, non-taxable) line amounts by day, as charged (tax included where
    it is), negative for credit memos."""
    sign = Case(None, [(Invoice.kind == Invoice.CREDIT_MEMO, -1)], 1)
    amount = sign * InvoiceLine.quantity * InvoiceLine.unit_price_cents
    query = (
        InvoiceLine.select(
            Invoice.invoice_date,
            fn.COALESCE(fn.SUM(Case(None, [(InvoiceLine.taxable, amount)], 0)), 0),
            fn.COALESCE(fn.SUM(Case(None, [(InvoiceLine.taxable, 0)], amount)), 0),
        )
        .join(Invoice, on=(InvoiceLine.invoice == Invoice.id))
        .where(report_sales.counted(start, end))
        .group_by(Invoice.invoice_date)
    )
    return {_day(day): (int(taxable), int(other)) for day, taxable, other in tuples(query)}


def _tax_by_day(start: dt.date, end: dt.date) -> dict[dt.date, tuple[int, int]]:
    """(tax, of it the tax included in prices) by day, from the invoices' stored tax."""
    query = (
        Invoice.select(
            Invoice.invoice_date,
            fn.COALESCE(fn.SUM(Invoice.tax_cents), 0),
            fn.COALESCE(fn.SUM(Case(None, [(Invoice.tax_included, Invoice.tax_cents)], 0)), 0),
        )
        .where(report_sales.counted(start, end))
        .group_by(Invoice.invoice_date)
    )
    return {_day(day): (int(tax), int(included)) for day, tax, included in tuples(query)}


def by_day(start: dt.date, end: dt.date) -> list[TaxDay]:
    """One row per day with sales, oldest first."""
    lines = _lines_by_day(start, end)
    taxes = _tax_by_day(start, end)
    days = []
    for day in sorted(set(lines) | set(taxes)):
        taxable, other = lines.get(day, (0, 0))
        tax, included = taxes.get(day, (0, 0))
        days.append(TaxDay(day, taxable - included, other, tax, end_of_day.is_posted(day)))
    return days


def total(days: list[TaxDay]) -> TaxDay:
    """The period's total of ``days`` (posted: every day with sales is)."""
    return TaxDay(
        None,
        sum(day.taxable_cents for day in days),
        sum(day.non_taxable_cents for day in days),
        sum(day.tax_cents for day in days),
        all(day.posted for day in days),
    )


# ---------------------------------------------------------------- the report

COLUMNS = (
    Column("Day", "date", 10),
    Column("Taxable sales", "money", 16),
    Column("Non-taxable", "money", 16),
    Column("Tax", "money", 14),
    Column("Posted", "text", 6),
)  # 62 cells, 66 with the gaps
NOTES = [
    "By the invoice's date (the books' posting date): invoices and credit memos; estimates and void invoices are "
    "left out; credit memos subtract.",
    "Sales are before tax (where prices include the tax, it is taken off the taxable sales); the tax is what the "
    "invoices charge, paid or not.",
    "Posted: the day's books are posted (End of Day); a day not posted may still change.",
]


def cells(row: TaxDay) -> tuple[dt.date | str, int, int, int, str]:
    """A day's row; the total's has no day (its line is under the rule) and no posted."""
    posted = "" if row.day is None else "yes" if row.posted else "no"
    return (row.day or "", row.taxable_cents, row.non_taxable_cents, row.tax_cents, posted)


def section(days: list[TaxDay]) -> Section:
    posted = sum(1 for day in days if day.posted)
    return Section(
        "By posting day",
        COLUMNS,
        [cells(day) for day in days],
        totals=cells(total(days)),
        note=f"The last line is the period's total; {posted} of its {len(days)} days with sales are posted.",
    )


def build(start: dt.date, end: dt.date) -> Report:
    return Report("sales-tax", "Sales Tax", period_text(start, end), [section(by_day(start, end))], notes=NOTES)


register(ReportSpec("sales-tax", "Sales Tax", build, default_period="month"))
