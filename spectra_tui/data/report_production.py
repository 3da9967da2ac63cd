"""The production-overdue report: the vendors' orders still not back, past their due day."""

from __future__ import annotations

import datetime as dt

from . import clock
from .models import Client, Invoice, ProductionOrder
from .production import LATE_STATUSES
from .reports import Column, Report, ReportSpec, Section, period_text, register

P = ProductionOrder
COLUMNS = (
    Column("Order", "count", 7),
    Column("Vendor", "text", 16),
    Column("Client", "text", 20),
    Column("Invoice", "text", 8),
    Column("Due", "date", 10),
    Column("Days late", "count", 9),
)


def _overdue(start: dt.date, end: dt.date, today: dt.date):
    """Orders due in [start, end], past due today and not received yet (not cancelled)."""
    return (
        P.select(P, Invoice, Client)
        .join(Invoice, on=(P.invoice == Invoice.id))
        .join(Client, on=(Invoice.client == Client.id))
        .where(P.status.in_(LATE_STATUSES) & (P.due_on >= start) & (P.due_on <= end) & (P.due_on < today))
    )


def overdue_page(start: dt.date, end: dt.date, today: dt.date, after: tuple | None, limit: int) -> list[tuple]:
    """A page of the overdue orders, the longest late first (keyset on due day and order)."""
    select = _overdue(start, end, today)
    if after is not None:
        after_id, after_due = after[0], after[4]
        select = select.where((P.due_on > after_due) | ((P.due_on == after_due) & (P.id > after_id)))
    orders = select.order_by(P.due_on, P.id).limit(limit)
    return [
        (o.id, o.vendor, o.invoice.client.full_name, o.invoice.display_number, o.due_on, (today - o.due_on).days)
        for o in orders
    ]


def build(start: dt.date, end: dt.date) -> Report:
    today = clock.today()
    count = _overdue(start, end, today).select(P.id).count()
    section = Section(
        title="Overdue orders",
        columns=COLUMNS,
        page=lambda after, limit: overdue_page(start, end, today, after, limit),
        totals=("", f"{count:,} order{'' if count == 1 else 's'}", "", "", "", ""),
    )
    return Report(
        name="production-overdue",
        title="Production overdue",
        period=period_text(start, end),
        sections=[section],
        notes=[
            f"The vendors' orders due in the period and, on {today:%m/%d/%Y}, past their due day "
            "while still ordered, at the lab or received (not ready for pickup yet); days late "
            "count to that day. Orders ready for pickup, picked up or cancelled are left out.",
        ],
    )


register(ReportSpec("production-overdue", "Production overdue", build, permission=None, default_period="year"))
