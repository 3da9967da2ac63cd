"""Sales Analysis ("sales"): what the studio sold in a period, by session type,
photographer, lead source and month.

What counts: invoices and credit memos dated in the period (``invoice_date``);
estimates and void invoices are left out; a credit memo subtracts (its stored
totals are negative). A sale belongs to its session's type and photographer;
Generic invoices, quick sales and credit memos without a session are "No
session". The lead source is the client's (the invoice's client, not whom it
is billed to), "(none)" when not given. Every figure comes from SQL GROUP BY
over the stored totals, in integer cents: the subtotal is before tax (total
less tax, whether the tax was added or included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, Expression, Field, ModelSelect, fn

from .models import Client, Invoice, Session, SessionType, User, tuples
from .reports import Chart, Column, Report, ReportSpec, Section, period_text, register

NO_SESSION = "No session"
NO_LEAD_SOURCE = "(none)"


@dataclass(frozen=True)
class SalesRow:
    """One line of a section: how many invoices (credit memos count as one
    each), and their subtotal before tax, tax and total."""

    label: str
    count: int
    subtotal_cents: int
    tax_cents: int
    total_cents: int


@dataclass(frozen=True)
class SalesAnalysis:
    start: dt.date
    end: dt.date
    whole: SalesRow
    by_session_type: list[SalesRow]
    by_photographer: list[SalesRow]
    by_lead_source: list[SalesRow]
    by_month: list[SalesRow]


def counted(start: dt.date, end: dt.date) -> Expression:
    """The invoices a sales report counts: dated from ``start`` to ``end``
    (both included), not estimates, not void."""
    return (
        (Invoice.invoice_date >= start)
        & (Invoice.invoice_date <= end)
        & (Invoice.kind != Invoice.ESTIMATE)
        & (Invoice.status != Invoice.VOID)
    )


def _sums() -> list:
    return [
        fn.COUNT(Invoice.id),
        fn.COALESCE(fn.SUM(Invoice.total_cents - Invoice.tax_cents), 0),
        fn.COALESCE(fn.SUM(Invoice.tax_cents), 0),
        fn.COALESCE(fn.SUM(Invoice.total_cents), 0),
    ]


def _row(label: str, count: int, subtotal: int, tax: int, total: int) -> SalesRow:
    return SalesRow(label, int(count), int(subtotal), int(tax), int(total))


def _largest_first(rows: Iterable[SalesRow]) -> list[SalesRow]:
    return sorted(rows, key=lambda row: (-row.subtotal_cents, row.label))


def _grouped(label: Field, start: dt.date, end: dt.date, empty: str, query: ModelSelect[Invoice]) -> list[SalesRow]:
    """One row per value of ``label`` in ``query`` (the invoices with what they
    are grouped by joined), ``empty`` for none, largest first."""
    merged: dict[str, list[int]] = {}
    for name, *figures in tuples(query.where(counted(start, end)).group_by(label)):
        sums = merged.setdefault(name or empty, [0, 0, 0, 0])  # "" and NULL are both "none"
        for index, figure in enumerate(figures):
            sums[index] += int(figure)
    return _largest_first(_row(name, *sums) for name, sums in merged.items())


def _with_session(label: Field) -> ModelSelect[Invoice]:
    return Invoice.select(label, *_sums()).join(Session, JOIN.LEFT_OUTER, on=(Invoice.session == Session.id))


def by_session_type(start: dt.date, end: dt.date) -> list[SalesRow]:
    query = _with_session(SessionType.name).join(
        SessionType, JOIN.LEFT_OUTER, on=(Session.session_type == SessionType.id)
    )
    return _grouped(SessionType.name, start, end, NO_SESSION, query)


def by_photographer(start: dt.date, end: dt.date) -> list[SalesRow]:
    query = _with_session(User.full_name).join(User, JOIN.LEFT_OUTER, on=(Session.photographer == User.id))
    return _grouped(User.full_name, start, end, NO_SESSION, query)


def by_lead_source(start: dt.date, end: dt.date) -> list[SalesRow]:
    query = Invoice.select(Client.lead_source, *_sums()).join(Client, on=(Invoice.client == Client.id))
    return _grouped(Client.lead_source, start, end, NO_LEAD_SOURCE, query)


def by_month(start: dt.date, end: dt.date) -> list[SalesRow]:
    """One row per month with sales, oldest first (grouped by day in SQL, which
    every database does alike, then by month here: a few hundred rows at most)."""
    query = Invoice.select(Invoice.invoice_date, *_sums()).where(counted(start, end)).group_by(Invoice.invoice_date)
    months: dict[tuple[int, int], list[int]] = {}
    for day, *figures in tuples(query):
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        sums = months.setdefault((day.year, day.month), [0, 0, 0, 0])
        for index, figure in enumerate(figures):
            sums[index] += int(figure)
    return [_row(dt.date(year, month, 1).strftime("%b %Y"), *sums) for (year, month), sums in sorted(months.items())]


def whole(start: dt.date, end: dt.date) -> SalesRow:
    ((count, subtotal, tax, total),) = tuples(Invoice.select(*_sums()).where(counted(start, end)))
    return _row("Total", count, subtotal, tax, total)


def analysis(start: dt.date, end: dt.date) -> SalesAnalysis:
    return SalesAnalysis(
        start,
        end,
        whole(start, end),
        by_session_type(start, end),
        by_photographer(start, end),
        by_lead_source(start, end),
        by_month(start, end),
    )


def share_tenths(part_cents: int, whole_cents: int) -> int:
    """The part's share of the whole in tenths of a percent, rounded half up
    (0 when the whole is nothing)."""
    if whole_cents == 0:
        return 0
    sign = -1 if (part_cents < 0) != (whole_cents < 0) else 1
    return sign * ((abs(part_cents) * 2000 // abs(whole_cents) + 1) // 2)


# ---------------------------------------------------------------- the report

COLUMNS = (
    Column("Count", "count", 7),
    Column("Subtotal", "money", 15),
    Column("Tax", "money", 13),
    Column("Total", "money", 15),
    Column("Share", "percent", 6),
)  # a year of 100,000 invoices: "$25,548,971.10"
FIRST_WIDTH = 14  # the label column: with the five above and a space after each, 76 cells (reports.TABLE_WIDTH)
# hold 77, one more per column (78 with the text's gaps)
SECTIONS = (
    ("By session type", "Session type", "by_session_type"),
    ("By photographer", "Photographer", "by_photographer"),
    ("By lead source", "Lead source", "by_lead_source"),
    ("By month", "Month", "by_month"),
)
NOTES = [
    "Invoices and credit memos dated in the period; estimates and void invoices are left out; credit memos subtract.",
    "Subtotal: before tax (where prices include the tax, it is taken off). Share: of the whole subtotal. "
    "Count: invoices and credit memos, one each.",
    f'Generic invoices, quick sales and credit memos without a session: "{NO_SESSION}". The lead source is '
    f'the client\'s ("{NO_LEAD_SOURCE}" when not given).',
]


def cells(row: SalesRow, whole: SalesRow) -> tuple[str, int, int, int, int, Decimal]:
    share = Decimal(share_tenths(row.subtotal_cents, whole.subtotal_cents)).scaleb(-1)
    return (row.label, row.count, row.subtotal_cents, row.tax_cents, row.total_cents, share)


def sections(figures: SalesAnalysis) -> list[Section]:
    whole = figures.whole
    return [
        Section(
            title,
            (Column(first, "text", FIRST_WIDTH), *COLUMNS),
            [cells(row, whole) for row in getattr(figures, rows)],
            totals=cells(whole, whole),
        )
        for title, first, rows in SECTIONS
    ]


def charts(figures: SalesAnalysis) -> list[Chart]:
    """A picture of the months and of the session types (values in cents)."""
    months, types = figures.by_month, figures.by_session_type
    return [
        Chart("Sales by month (before tax)", [r.label for r in months], [r.subtotal_cents for r in months]),
        Chart("Sales by session type (before tax)", [r.label for r in types], [r.subtotal_cents for r in types]),
    ]


def build(start: dt.date, end: dt.date) -> Report:
    figures = analysis(start, end)
    return Report("sales", "Sales Analysis", period_text(start, end), sections(figures), charts(figures), NOTES)


register(ReportSpec("sales", "Sales Analysis", build, default_period="month"))
