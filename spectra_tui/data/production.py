"""Production (F12): what the studio's vendors (labs) make for an invoice.

- Orders are made from an invoice (not an estimate, a credit memo or a void
  invoice): one order per vendor of its lines' items, ordered today (the
  studio's day), due after the vendor's lead time (settings "vendors").
- An order moves Ordered -> At Lab -> Received -> Ready for Pickup -> Picked
  Up one step at a time, each step's day kept; one step back corrects a
  mistake. It may be cancelled, with a reason, until it is picked up.
- Overdue: the studio's today is past the due day and the order is neither
  ready, picked up nor cancelled.
- The session of the invoice follows its production forward (never back):
  In Production while orders are open, Ready for Pickup when all are ready,
  Picked Up when all are picked up (each only when on the studio's list).
- An invoice with open orders is not voided (invoices.void_invoice asks
  ``refuse_void_with_open_orders``).

Every change is versioned (several terminals) and audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from . import audit, clock, sessions, settings, versions
from .db import write_transaction
from .errors import NotFound, ValidationError
from .models import (
    Client,
    Invoice,
    InvoiceLine,
    PriceItem,
    ProductionOrder,
    ProductionOrderLine,
    Session,
    database,
    tuples,
)
from .users import current_user_name
from .when import parse_day

P = ProductionOrder
OPEN_STATUSES = (P.ORDERED, P.AT_LAB, P.RECEIVED, P.READY)  # not picked up, not cancelled
LATE_STATUSES = (P.ORDERED, P.AT_LAB, P.RECEIVED)  # the ones that can be overdue
PRODUCTION_KINDS = (Invoice.SESSION_FEE, Invoice.INITIAL_ORDER, Invoice.RE_ORDER, Invoice.GENERIC)
MAX_REASON = 500


def _what(order: ProductionOrder) -> str:
    return f"Production order {order.id} ({order.vendor})"


def lead_time(vendor: str) -> int:
    """The vendor's lead time in days (settings); a vendor no longer listed is refused."""
    days = settings.vendors().get(vendor)
    if days is None:
        raise ValidationError(
            f"'{vendor}' is no longer one of the studio's vendors: add it again with its lead time in the settings."
        )
    return days


def _vendor_lines(invoice: Invoice) -> dict[str, list[InvoiceLine]]:
    """The invoice's lines by the vendor of their item (lines made in house left out)."""
    by_vendor: dict[str, list[InvoiceLine]] = {}
    lines = (
        InvoiceLine.select(InvoiceLine, PriceItem)
        .join(PriceItem, on=(InvoiceLine.item == PriceItem.id))
        .where((InvoiceLine.invoice == invoice.id) & (PriceItem.vendor != ""))
        .order_by(InvoiceLine.position, InvoiceLine.id)
    )
    for line in lines:
        if line.item is not None:  # (always: joined on it)
            by_vendor.setdefault(line.item.vendor, []).append(line)
    return by_vendor


def _check_producible(invoice: Invoice) -> None:
    label = invoice.display_number
    if invoice.kind not in PRODUCTION_KINDS:
        raise ValidationError(f"{invoice.kind} {label} is not sold: only an invoice goes to production.")
    if invoice.status != Invoice.OPEN:
        raise ValidationError(f"Invoice {label} is {invoice.status.lower()}: it does not go to production.")


@write_transaction
def make_orders(invoice: Invoice) -> list[ProductionOrder]:
    """One order per vendor of the invoice's lines that has none yet (a
    cancelled one does not count); returns the new orders, by vendor."""
    with database.atomic():
        stored = Invoice.get_or_none(Invoice.id == invoice.id)
        if stored is None:
            raise NotFound(f"Invoice {invoice.display_number} no longer exists.")
        _check_producible(stored)
        by_vendor = _vendor_lines(stored)
        if not by_vendor:
            raise ValidationError(
                f"Invoice {stored.display_number} has no item made by a vendor: nothing goes to production."
            )
        already = {order.vendor for order in orders_of_invoice(stored) if order.status != P.CANCELLED}
        wanted = sorted(vendor for vendor in by_vendor if vendor not in already)
        if not wanted:
            raise ValidationError(
                f"Invoice {stored.display_number} is already in production ({', '.join(sorted(already))})."
            )
        today = clock.today()
        made = []
        for vendor in wanted:
            order = P.create(
                invoice=stored,
                vendor=vendor,
                ordered_on=today,
                due_on=today + dt.timedelta(days=lead_time(vendor)),
                created_by=current_user_name(),
            )
            ProductionOrderLine.insert_many(
                [(order.id, line.id) for line in by_vendor[vendor]],
                fields=[ProductionOrderLine.order, ProductionOrderLine.invoice_line],
            ).execute()
            audit.record("production.create", "production_order", order.id, None, order)
            made.append(order)
        _follow_session(stored)
    return made


def orders_of_invoice(invoice: Invoice | int) -> list[ProductionOrder]:
    invoice_id = invoice if isinstance(invoice, int) else invoice.id
    return list(P.select().where(P.invoice == invoice_id).order_by(P.vendor, P.id))


def get_order(order_id: int) -> ProductionOrder:
    order = _joined().where(P.id == order_id).first()
    if order is None:
        raise NotFound(f"There is no production order #{order_id}.")
    return order


def lines_of(order: ProductionOrder) -> list[InvoiceLine]:
    return list(
        InvoiceLine.select()
        .join(ProductionOrderLine, on=(ProductionOrderLine.invoice_line == InvoiceLine.id))
        .where(ProductionOrderLine.order == order.id)
        .order_by(InvoiceLine.position, InvoiceLine.id)
    )


def _stored(order: ProductionOrder) -> ProductionOrder:
    stored = P.get_or_none(P.id == order.id)
    if stored is None:
        raise NotFound(f"{_what(order)} no longer exists: it was removed in another terminal.")
    return stored


def _change(order: ProductionOrder, stored: ProductionOrder, action: str, **values) -> ProductionOrder:
    before = audit.snapshot(stored)
    if versions.write_changes(stored, _what(stored), **values):
        audit.record(action, "production_order", stored.id, before, stored)
    return versions.adopt(order, stored)


def next_status(order: ProductionOrder) -> str | None:
    if order.status not in P.STATUSES:
        return None
    index = P.STATUSES.index(order.status)
    return P.STATUSES[index + 1] if index + 1 < len(P.STATUSES) else None


@write_transaction
def advance(order: ProductionOrder) -> ProductionOrder:
    """One step forward, dated today."""
    with database.atomic():
        stored = _stored(order)
        following = next_status(stored)
        if following is None:
            raise ValidationError(f"{_what(stored)} is {stored.status}: there is no next step.")
        values = {"status": following, P.DATE_FIELDS[following]: clock.today()}
        _change(order, stored, "production.status", **values)
        _follow_session(stored.invoice)
    return order


@write_transaction
def step_back(order: ProductionOrder) -> ProductionOrder:
    """Back one step, to correct a mistake: the step's day is cleared (the audit log keeps it)."""
    with database.atomic():
        stored = _stored(order)
        if stored.status not in P.STATUSES[1:]:
            raise ValidationError(f"{_what(stored)} is {stored.status}: there is no step to go back to.")
        previous = P.STATUSES[P.STATUSES.index(stored.status) - 1]
        _change(order, stored, "production.step_back", status=previous, **{P.DATE_FIELDS[stored.status]: None})
    return order


@write_transaction
def cancel(order: ProductionOrder, reason: str) -> ProductionOrder:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Give the reason for cancelling the production order.", "reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Keep the reason under {MAX_REASON} characters.", "reason")
    with database.atomic():
        stored = _stored(order)
        if stored.status == P.CANCELLED:
            raise ValidationError(f"{_what(stored)} is already cancelled.")
        if stored.status == P.PICKED_UP:
            raise ValidationError(f"{_what(stored)} was picked up: it can no longer be cancelled.")
        _change(
            order, stored, "production.cancel", status=P.CANCELLED, cancelled_on=clock.today(), cancel_reason=reason
        )
        _follow_session(stored.invoice)
    return order


@write_transaction
def set_due(order: ProductionOrder, due: dt.date | str) -> ProductionOrder:
    """Change the due day (typed as '12/3', '+2w', 'fri'...) of the order as the screen loaded it."""
    day = parse_day(due) if isinstance(due, str) else due
    with database.atomic():
        stored = versions.current(order, _what(order))
        if stored.status in (P.PICKED_UP, P.CANCELLED):
            raise ValidationError(f"{_what(stored)} is {stored.status.lower()}: its due day stays as it was.")
        if day < stored.ordered_on:
            raise ValidationError(f"The due day cannot be before the order was made ({stored.ordered_on:%m/%d/%Y}).")
        _change(order, stored, "production.due", due_on=day)
    return order


def is_overdue(order: ProductionOrder, today: dt.date | None = None) -> bool:
    return order.status in LATE_STATUSES and (today or clock.today()) > order.due_on


# ---------------------------------------------------------------- the session follows its production


def _session_target(session_id: int) -> str | None:
    """The stage a session's orders (cancelled ones left out) put it at, or None without any."""
    statuses = tuples(
        P.select(P.status)
        .join(Invoice, on=(P.invoice == Invoice.id))
        .where((Invoice.session == session_id) & (P.status != P.CANCELLED))
    )
    found = {status for (status,) in statuses}
    if not found:
        return None
    if found == {P.PICKED_UP}:
        return P.PICKED_UP
    if found <= {P.READY, P.PICKED_UP}:
        return P.READY
    return "In Production"


def _follow_session(invoice: Invoice) -> None:
    """Move the invoice's session forward to what its production says; never
    back over a status set by hand, and not to a status the studio removed."""
    if invoice.session_id is None:
        return
    target = _session_target(invoice.session_id)
    session = Session.get_by_id(invoice.session_id)
    if target is None or target not in settings.session_statuses():
        return
    if sessions.is_later_status(session, target):
        sessions.set_status(session, target, "Production")


# ---------------------------------------------------------------- voids


def open_orders(invoice: Invoice) -> list[ProductionOrder]:
    return list(P.select().where((P.invoice == invoice.id) & P.status.in_(OPEN_STATUSES)).order_by(P.vendor, P.id))


def refuse_void_with_open_orders(invoice: Invoice) -> None:
    """An invoice whose production is under way is not voided until its orders are cancelled."""
    orders = open_orders(invoice)
    if orders:
        named = ", ".join(f"#{order.id} {order.vendor} ({order.status})" for order in orders)
        raise ValidationError(
            f"Invoice {invoice.display_number} has open production orders ({named}): cancel them in Production first."
        )


# ---------------------------------------------------------------- the hub's lists


@dataclass(frozen=True)
class ProductionQuery:
    """``status``: "open" (not picked up or cancelled), "overdue", "all", or one of ProductionOrder.STATUSES
    or CANCELLED; ``vendor``: one vendor's, or "" for every vendor's."""

    status: str = "open"
    vendor: str = ""


FILTERS = ("open", "overdue", *P.STATUSES, P.CANCELLED, "all")


def _joined():
    return (
        P.select(P, Invoice, Client)
        .join(Invoice, on=(P.invoice == Invoice.id))
        .join(Client, on=(Invoice.client == Client.id))
    )


def _where(select, query: ProductionQuery, today: dt.date):
    if query.status not in FILTERS:
        raise ValidationError(f"Show one of: {', '.join(FILTERS)}.")
    if query.status == "open":
        select = select.where(P.status.in_(OPEN_STATUSES))
    elif query.status == "overdue":
        select = select.where(P.status.in_(LATE_STATUSES) & (P.due_on < today))
    elif query.status != "all":
        select = select.where(P.status == query.status)
    if query.vendor:
        select = select.where(P.vendor == query.vendor)
    return select


def search_orders(
    query: ProductionQuery, limit: int = 50, after: ProductionOrder | None = None
) -> list[ProductionOrder]:
    """The orders of ``query``, soonest due first; ``after``: the last order of the previous page (keyset)."""
    select = _where(_joined(), query, clock.today())
    if after is not None:
        select = select.where((P.due_on > after.due_on) | ((P.due_on == after.due_on) & (P.id > after.id)))
    return list(select.order_by(P.due_on, P.id).limit(max(1, min(limit, 500))))


def count_orders(query: ProductionQuery, cap: int = 10000) -> int:
    return _where(P.select(P.id), query, clock.today()).limit(cap).count()


def ready_for_pickup(limit: int = 50, after: ProductionOrder | None = None) -> list[ProductionOrder]:
    """Home's list: the orders ready for pickup, soonest due first."""
    return search_orders(ProductionQuery(status=P.READY), limit, after)


def vendors_in_use() -> list[str]:
    """The vendors of the settings and of the orders made (a vendor since removed still has its orders)."""
    made = {vendor for (vendor,) in tuples(P.select(fn.DISTINCT(P.vendor)))}
    return sorted(made | set(settings.vendors()), key=str.casefold)
