"""Invoices, credit memos and estimates: which may be made from what, their
lines, totals and numbers.

- Session-based invoices come from a session: Session Fee, Initial Order, Re-Order.
- Client-based invoices come from a client with no session: Generic.
- Credit memos and estimates come from either (with or without a session).
- Numbers are drawn when the invoice is first saved (or gets its first
  line), inside that transaction: gap-free, never changed, never reused. A
  new invoice closed untouched is never written. An invoice is never deleted: one
  without payments may be voided, and keeps its number.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from types import EllipsisType

from peewee import SQL, Case, ColumnBase, fn

from . import audit, clock, end_of_day, ledger, production, settings, versions
from .counters import next_number
from .db import write_transaction
from .errors import NotFound, PermissionDenied, ValidationError
from .models import Client, Invoice, InvoiceLine, LedgerEntry, PriceItem, Session, SessionImage, database, refresh
from .money import MAX_CENTS, format_money, tax_on
from .permissions import Permission, allowed, require
from .text import one_line
from .users import current_user_name

INVOICE_SERIES = "invoice"
ESTIMATE_SERIES = "estimate"
FIRST_INVOICE_NUMBER = 1001
MAX_QUANTITY = 10000
MAX_LINES = 500


def _series(kind: str) -> str:
    return ESTIMATE_SERIES if kind == Invoice.ESTIMATE else INVOICE_SERIES


def check_basis(kind: str, client: Client | None, session: Session | None) -> str:
    """Apply the basis rule; returns "session" or "client", or raises."""
    if kind not in Invoice.KINDS:
        raise ValidationError(f"'{kind}' is not an invoice type.", "kind")
    if kind in Invoice.SESSION_KINDS:
        if session is None:
            raise ValidationError(
                f"A {kind} invoice is session-based: create it from the session record. "
                "For a purchase with no session use a Generic invoice.",
                "kind",
            )
        return "session"
    if kind == Invoice.GENERIC:
        if session is not None:
            raise ValidationError(
                "A Generic invoice is client-based and has no session. For a session choose "
                "Session Fee, Initial Order or Re-Order.",
                "kind",
            )
        if client is None:
            raise ValidationError("A Generic invoice is created from a client record.", "client")
        return "client"
    # Credit memos and estimates: from either a session or a client.
    if session is None and client is None:
        raise ValidationError(f"A {kind} is created from a client or a session.", "client")
    return "session" if session is not None else "client"


def new_invoice(
    kind: str,
    client: Client | None = None,
    session: Session | None = None,
    bill_to: Client | None = None,
    source: Invoice | None = None,
    invoice_date: dt.date | None = None,
    notes: str = "",
) -> Invoice:
    """An invoice, credit memo or estimate as it opens, not stored yet: it is
    stored and numbered by ``save_new`` or its first line (``add_line``), so
    one left untouched leaves nothing behind (the desktop's rule: the number
    is given on save)."""
    basis = check_basis(kind, client, session)
    if session is not None:
        if client is not None and client.id != session.client_id:
            raise ValidationError(f"Session {session.number} belongs to another client.", "client")
        client = session.client
    assert client is not None  # check_basis: a client, or a session (which has one)
    if source is not None:
        if source.client_id != client.id:
            raise ValidationError("The original invoice belongs to another client.", "source")
        if kind != Invoice.CREDIT_MEMO:
            raise ValidationError("Only a credit memo refers to an earlier invoice.", "source")
    return Invoice(
        series=_series(kind),
        kind=kind,
        basis=basis,
        client=client,
        bill_to=bill_to or client,
        session=session,
        source=source,
        invoice_date=invoice_date or clock.today(),
        tax_rate=str(settings.tax_rate()),
        tax_included=bool(settings.get("tax_included")),
        notes=(notes or "").strip(),
        created_by=current_user_name(),
    )


def is_unsaved(invoice: Invoice) -> bool:
    """A new invoice not stored (nor numbered) yet."""
    return invoice.id is None


@write_transaction
def save_new(invoice: Invoice) -> Invoice:
    """Store and number a new invoice (``new_invoice``); one already stored is left as it is."""
    if not is_unsaved(invoice):
        return invoice
    end_of_day.refuse_posted_invoice(invoice, f"a new {invoice.kind} dated on it")
    with database.atomic():
        invoice.number = next_number(invoice.series, start=1 if invoice.is_estimate else FIRST_INVOICE_NUMBER)
        invoice.save(force_insert=True)
        audit.record("invoice.create", "invoice", invoice.id, None, invoice)
    return invoice


@contextmanager
def _unsaved_again_on_failure(invoice: Invoice) -> Iterator[None]:
    """A new invoice whose first line fails is rolled back with it: it is new (unnumbered) again."""
    as_opened = dict(invoice.__data__) if is_unsaved(invoice) else None
    try:
        yield
    except BaseException:
        if as_opened is not None:
            invoice.__data__ = as_opened
        raise


def create_invoice(
    kind: str,
    client: Client | None = None,
    session: Session | None = None,
    bill_to: Client | None = None,
    source: Invoice | None = None,
    invoice_date: dt.date | None = None,
    notes: str = "",
) -> Invoice:
    """Create and number an invoice, credit memo or estimate (no lines yet)."""
    return save_new(new_invoice(kind, client, session, bill_to, source, invoice_date, notes))


def get_invoice(number: int | str) -> Invoice:
    """An invoice by number; "E12" finds estimate 12."""
    text = str(number).strip().upper().lstrip("#")
    series = INVOICE_SERIES
    if text.startswith("E"):
        series, text = ESTIMATE_SERIES, text[1:]
    # isdecimal, not isdigit: int() refuses '²'; and a pasted wall of digits is no number either
    if not text.isdecimal() or len(text) > 12:
        raise ValidationError(f"'{str(number)[:40]}' is not an invoice number.", "number")
    invoice = Invoice.get_or_none((Invoice.series == series) & (Invoice.number == int(text)))
    if invoice is None:
        raise NotFound(f"There is no {'estimate' if series == ESTIMATE_SERIES else 'invoice'} number {number}.")
    return invoice


def _check_editable(invoice: Invoice) -> None:
    end_of_day.refuse_posted_invoice(invoice, f"changing {_label(invoice)}")
    if invoice.status == Invoice.VOID:
        raise ValidationError(f"Invoice {invoice.display_number} is void and cannot be changed.")
    if invoice.status == Invoice.CONVERTED:
        raise ValidationError(f"Estimate {invoice.display_number} was converted; change the invoice made from it.")


def _check_paid_out(invoice: Invoice) -> None:
    """After a change of lines: a credit memo's credit may not become smaller
    than what was already refunded or transferred out of it (that money would
    have come from nowhere)."""
    paid = ledger.paid_into([invoice.id])[invoice.id]
    if paid < ledger.paid_floor(invoice):
        raise ValidationError(
            f"{invoice.kind} {invoice.display_number} has already paid out {format_money(-paid)}; "
            "its credit cannot become smaller than that."
        )


def check_editable(invoice: Invoice) -> None:
    """Raise the readable reason when the invoice's lines or Bill-To cannot change
    (a void invoice, a converted estimate); screens ask before opening a form."""
    _check_editable(invoice)


def compute_totals(invoice: Invoice, lines: list[InvoiceLine]) -> tuple[int, int, int]:
    """(subtotal, tax, total) of ``lines`` under the invoice's tax rate and mode;
    negative for a credit memo."""
    subtotal = sum(line.amount_cents for line in lines)
    taxable = sum(line.amount_cents for line in lines if line.taxable)
    tax = tax_on(taxable, Decimal(invoice.tax_rate), invoice.tax_included)
    total = subtotal if invoice.tax_included else subtotal + tax
    sign = -1 if invoice.kind == Invoice.CREDIT_MEMO else 1
    return sign * subtotal, sign * tax, sign * total


def stored_totals(invoice: Invoice) -> dict:
    """Subtotal, tax and total computed from the invoice's stored lines, as columns."""
    lines = list(InvoiceLine.select().where(InvoiceLine.invoice == invoice.id))
    subtotal, tax, total = compute_totals(invoice, lines)
    return {"subtotal_cents": subtotal, "tax_cents": tax, "total_cents": total}


def _label(invoice: Invoice) -> str:
    return f"{invoice.kind} {invoice.display_number}"


def _save(invoice: Invoice, **values) -> None:
    """Write what changes of the invoice (inside the caller's transaction,
    guarded by its version), then its paid and balance as the ledger gives
    them with the new total or status. Not on a posted day's invoice."""
    end_of_day.refuse_posted_invoice(invoice, f"changing {_label(invoice)}")
    versions.write_changes(invoice, _label(invoice), **values)
    ledger.store_balances([invoice])


@write_transaction
def save_with_lines(invoice: Invoice, lines: list[InvoiceLine], action: str) -> Invoice:
    """Store and number a new invoice (``new_invoice``) with its lines, not
    stored yet, in one transaction (an order, a quick sale); one audit entry,
    ``action``, holds the invoice and its lines."""
    if len(lines) > MAX_LINES:
        raise ValidationError(f"An invoice holds at most {MAX_LINES} lines; split it in two.")
    with _unsaved_again_on_failure(invoice), database.atomic():
        save_new(invoice)
        for position, line in enumerate(lines, start=1):
            line.invoice = invoice
            line.position = position
            line.save(force_insert=True)
        store_totals(invoice)
        after = {**audit.snapshot(invoice), "lines": [audit.snapshot(line) for line in lines]}
        audit.record(action, "invoice", invoice.id, None, after)
    return invoice


def store_totals(invoice: Invoice) -> None:
    """Store the totals of the invoice's stored lines (inside the caller's transaction)."""
    _save(invoice, **stored_totals(invoice))


def _check_line_values(description: str, quantity, unit_price_cents, image_number) -> str:
    description = one_line(description)
    if not description:
        raise ValidationError("Each line needs a description or a price-list item.", "description")
    if len(description) > 200:
        raise ValidationError("The line description is too long (at most 200 characters).", "description")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError(f"The quantity must be a whole number from 1 to {MAX_QUANTITY}.", "quantity")
    if not isinstance(unit_price_cents, int) or isinstance(unit_price_cents, bool):
        raise ValidationError("The price must be an amount in cents.", "price")
    if not 0 <= unit_price_cents < MAX_CENTS or quantity * unit_price_cents >= MAX_CENTS:
        raise ValidationError("The price must be zero or more, and not absurdly large.", "price")
    if image_number is not None and (not isinstance(image_number, int) or image_number < 1):
        raise ValidationError("The image number must be a whole number from 1.", "image_number")
    return description


def _check_image_number(invoice: Invoice, image_number: int | None) -> None:
    """An Image # names one of the session's images, when the session has images recorded.

    A session with none recorded here (its pictures kept elsewhere) takes any
    number from 1, as does an invoice without a session.
    """
    if image_number is None or invoice.session_id is None:
        return
    numbers = [
        row.number
        for row in SessionImage.select(SessionImage.number)
        .where(SessionImage.session == invoice.session_id)
        .order_by(SessionImage.number)
    ]
    if numbers and image_number not in numbers:
        session_number = Session.get_by_id(invoice.session_id).number
        raise ValidationError(
            f"Session {session_number} has no image {image_number}: its images are {_number_ranges(numbers)}.",
            "image_number",
        )


def _number_ranges(numbers: list[int], most: int = 6) -> str:
    """'1–4', '1–3, 5, 8–12'; the first ``most`` runs, then '…' (numbers sorted)."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    words = [f"{first}–{last}" if last > first else str(first) for first, last in runs[:most]]
    return ", ".join(words) + (", …" if len(runs) > most else "")


def _check_price_change(item: PriceItem, price_cents: int) -> None:
    """Selling a price-list item at another price is a manager's or the owner's call."""
    if not allowed(Permission.CHANGE_PRICE):
        raise PermissionDenied(
            f"{item.name} sells at {format_money(item.price_cents)} on the price list; only a manager or the "
            f"owner may change its price ({format_money(price_cents)} asked). A free line has a price of its own.",
            "price",
        )


@write_transaction
def add_line(
    invoice: Invoice,
    item: PriceItem | None = None,
    description: str = "",
    quantity: int = 1,
    unit_price_cents: int | None = None,
    taxable: bool | None = None,
    image_number: int | None = None,
) -> InvoiceLine:
    """Add a line from the price list (its price and taxable flag by default)
    or a free line; totals are recomputed in the same transaction."""
    _check_editable(invoice)
    if item is not None:
        description = description or item.name
        if item.is_package:
            contents = ", ".join(f"{pi.quantity} x {pi.item.name}" for pi in item.contents)
            description = f"{description} ({contents})" if contents else description
            description = description[:200]
        if unit_price_cents is not None and unit_price_cents != item.price_cents:
            _check_price_change(item, unit_price_cents)
        unit_price_cents = item.price_cents if unit_price_cents is None else unit_price_cents
        taxable = item.taxable if taxable is None else taxable
    if unit_price_cents is None:
        raise ValidationError("Enter the price.", "price")
    description = _check_line_values(description, quantity, unit_price_cents, image_number)
    _check_image_number(invoice, image_number)
    with _unsaved_again_on_failure(invoice), database.atomic():
        save_new(invoice)  # a new invoice is stored and numbered with its first line
        _check_editable(refresh(invoice))
        count = InvoiceLine.select().where(InvoiceLine.invoice == invoice).count()
        if count >= MAX_LINES:
            raise ValidationError(f"An invoice holds at most {MAX_LINES} lines.")
        before = audit.snapshot(invoice)
        position = count + 1
        line = InvoiceLine.create(
            invoice=invoice,
            position=position,
            item=item,
            description=description,
            quantity=quantity,
            unit_price_cents=unit_price_cents,
            taxable=True if taxable is None else bool(taxable),
            image_number=image_number,
        )
        store_totals(invoice)
        _check_paid_out(invoice)
        audit.record(
            "invoice.line_add", "invoice", invoice.id, before, {**audit.snapshot(invoice), "line": audit.snapshot(line)}
        )
    return line


@write_transaction
def update_line(
    line: InvoiceLine,
    description: str | None = None,
    quantity: int | None = None,
    unit_price_cents: int | None | EllipsisType = ...,  # ...: as it is
    taxable: bool | None = None,
    image_number: int | None | EllipsisType = ...,  # ...: as it is
) -> InvoiceLine:
    """Change a line as the line dialog loaded it: refused when another
    terminal changed or removed the line since; only what changes is written.
    ``...`` leaves the price or image as it is; a price of None (the field
    emptied) is refused: a saved line always has its price."""
    invoice = line.invoice
    _check_editable(invoice)
    new_description = line.description if description is None else description
    new_quantity = line.quantity if quantity is None else quantity
    if unit_price_cents is None:
        raise ValidationError("Enter the price.", "price")
    new_price = line.unit_price_cents if unit_price_cents is ... else unit_price_cents
    new_image = line.image_number if image_number is ... else image_number
    if new_price != line.unit_price_cents and line.item is not None and new_price != line.item.price_cents:
        _check_price_change(line.item, new_price)
    new_description = _check_line_values(new_description, new_quantity, new_price, new_image)
    if new_image != line.image_number:
        _check_image_number(invoice, new_image)
    with database.atomic():
        _check_editable(refresh(invoice))
        stored = versions.current(line, f"Line {line.position} of {_label(invoice)}")
        before = {**audit.snapshot(invoice), "line": audit.snapshot(stored)}
        changes = {
            "description": new_description,
            "quantity": new_quantity,
            "unit_price_cents": new_price,
            "image_number": new_image,
        }
        if taxable is not None:
            changes["taxable"] = bool(taxable)
        if not versions.write_changes(stored, f"Line {line.position} of {_label(invoice)}", **changes):
            return versions.adopt(line, stored)
        store_totals(invoice)
        _check_paid_out(invoice)
        audit.record(
            "invoice.line_update",
            "invoice",
            invoice.id,
            before,
            {**audit.snapshot(invoice), "line": audit.snapshot(stored)},
        )
    return versions.adopt(line, stored)


@write_transaction
def remove_line(line: InvoiceLine) -> None:
    invoice = line.invoice
    _check_editable(invoice)
    with database.atomic():
        _check_editable(refresh(invoice))
        stored = versions.current(line, f"Line {line.position} of {_label(invoice)}")
        before = {**audit.snapshot(invoice), "line": audit.snapshot(stored)}
        if (
            not InvoiceLine.delete()
            .where((InvoiceLine.id == line.id) & (InvoiceLine.version == stored.version))
            .execute()
        ):
            raise versions.ChangedElsewhere(f"Line {line.position} of {_label(invoice)}")
        store_totals(invoice)
        _check_paid_out(invoice)
        audit.record("invoice.line_remove", "invoice", invoice.id, before, invoice)


@write_transaction
def change_bill_to(invoice: Invoice, bill_to: Client) -> Invoice:
    _check_editable(invoice)
    if bill_to is None:
        raise ValidationError("Choose who the invoice is billed to.", "bill_to")
    with database.atomic():
        stored = versions.current(invoice, _label(invoice))
        _check_editable(stored)
        before = audit.snapshot(stored)
        _save(stored, bill_to=bill_to)
        audit.record("invoice.bill_to", "invoice", stored.id, before, stored)
    return versions.adopt(invoice, stored)


def _refuse_void_with_money(invoice: Invoice) -> None:
    """An invoice is voided only when it holds no money: every payment,
    deposit application and transfer on it voided, refunded or moved out
    (voided entries stay on it as history). A credit memo whose credit was
    refunded or transferred out holds that as a negative amount: it cannot be
    voided until those are voided, or the credit paid out would have come
    from nothing."""
    held = ledger.paid_into([invoice.id])[invoice.id]
    if held > 0:
        raise ValidationError(
            f"Invoice {invoice.display_number} holds {format_money(held)} of payments and cannot be deleted. "
            "Refund or void the payments first, or issue a credit memo."
        )
    if held < 0:
        raise ValidationError(
            f"{_label(invoice)} has paid out {format_money(-held)} of its credit (refunds or transfers) and cannot "
            "be voided. Void those first."
        )


@write_transaction
def void_invoice(invoice: Invoice, reason: str) -> Invoice:
    """'Delete' an invoice: it stays, numbered, with status Void.
    Refused while it holds money (see _refuse_void_with_money) or has open
    production orders; a manager's or the owner's to do."""
    require(Permission.VOID_INVOICE)
    if not (reason or "").strip():
        raise ValidationError("Give the reason for voiding the invoice.", "reason")
    with database.atomic():
        refresh(invoice)  # as it is now: another terminal may have taken a payment meanwhile
        if invoice.status == Invoice.VOID:
            raise ValidationError(f"Invoice {invoice.display_number} is already void.")
        if invoice.status == Invoice.CONVERTED:
            raise ValidationError(f"Estimate {invoice.display_number} was converted; void the invoice made from it.")
        _refuse_void_with_money(invoice)
        production.refuse_void_with_open_orders(invoice)
        before = audit.snapshot(invoice)
        _save(invoice, status=Invoice.VOID, notes=(invoice.notes + f"\nVoided: {reason.strip()}").strip())
        audit.record("invoice.void", "invoice", invoice.id, before, invoice)
    return invoice


@write_transaction
def convert_estimate(estimate: Invoice, kind: str | None = None) -> Invoice:
    """Turn an estimate into an invoice of the same basis, with the same lines."""
    if not estimate.is_estimate:
        raise ValidationError(f"Invoice {estimate.display_number} is not an estimate.")
    if estimate.status != Invoice.OPEN:
        raise ValidationError(f"Estimate {estimate.display_number} is {estimate.status.lower()}.")
    if kind is None:
        kind = Invoice.INITIAL_ORDER if estimate.basis == "session" else Invoice.GENERIC
    allowed = Invoice.SESSION_KINDS if estimate.basis == "session" else (Invoice.GENERIC,)
    if kind not in allowed:
        raise ValidationError(f"A {estimate.basis}-based estimate converts into: {', '.join(allowed)}.", "kind")
    with database.atomic():
        if refresh(estimate).status != Invoice.OPEN:  # converted from another terminal meanwhile
            raise ValidationError(f"Estimate {estimate.display_number} is {estimate.status.lower()}.")
        invoice = create_invoice(
            kind, client=estimate.client, session=estimate.session, bill_to=estimate.bill_to, notes=estimate.notes
        )
        for line in estimate.lines.order_by(InvoiceLine.position):
            InvoiceLine.create(
                invoice=invoice,
                position=line.position,
                item=line.item,
                description=line.description,
                quantity=line.quantity,
                unit_price_cents=line.unit_price_cents,
                taxable=line.taxable,
                image_number=line.image_number,
            )
        _save(invoice, tax_rate=estimate.tax_rate, tax_included=estimate.tax_included, source=estimate)
        store_totals(invoice)
        before = audit.snapshot(estimate)
        _save(estimate, status=Invoice.CONVERTED)
        audit.record("estimate.convert", "invoice", estimate.id, before, estimate)
        audit.record("invoice.from_estimate", "invoice", invoice.id, None, invoice)
    return invoice


def lines_of(invoice: Invoice) -> list[InvoiceLine]:
    return list(invoice.lines.order_by(InvoiceLine.position, InvoiceLine.id))


# ---------------------------------------------------------------- lists with balances (Invoices hub)

LIST_STATUSES = ("all", "open", "paid", "credit", "void", "estimates")
LIST_SORTS = ("date", "balance")


@dataclass(frozen=True)
class InvoiceQuery:
    """What the Invoices hub lists.

    ``status``: "all", "open" (a balance due, or nothing billed yet), "paid"
    (settled to zero), "credit" (a credit balance), "void", "estimates".
    ``sort``: "date" (newest first) or "balance" (largest balance due first).
    """

    status: str = "all"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    client_id: int | None = None
    session_id: int | None = None
    sort: str = "date"


@dataclass(frozen=True)
class InvoiceRow:
    """An invoice with its money, as the lists show it. ``balance`` is what is
    still owed (negative: a credit balance); void invoices and estimates owe nothing."""

    invoice: Invoice
    paid: int
    balance: int

    @property
    def state(self) -> str:
        invoice = self.invoice
        if invoice.status == Invoice.VOID:
            return "Void"
        if invoice.status == Invoice.CONVERTED:
            return "Converted"
        if invoice.is_estimate:
            return "Estimate"
        if self.balance < 0:
            return "Credit"
        if self.balance == 0 and (self.paid or invoice.total_cents):
            return "Paid"
        return "Open"


def _not_voided(entry):
    """SQL: the ledger row ``entry`` is not a void and has not been voided."""
    voids = LedgerEntry.alias("lv")
    return (entry.kind != LedgerEntry.VOID) & ~fn.EXISTS(
        voids.select(SQL("1")).where((voids.kind == LedgerEntry.VOID) & (voids.related == entry.id))
    )


def paid_expression():
    """SQL for the net money paid into ``Invoice``, derived from the ledger
    (the same sum as ledger.paid_into, as correlated subqueries). The lists
    read the stored ``Invoice.paid_cents``; ``spectra check`` compares the
    stored figures with this."""
    out = LedgerEntry.alias("lo")
    signed = Case(
        out.kind,
        (
            (LedgerEntry.PAYMENT, out.amount_cents),
            (LedgerEntry.DEPOSIT_APPLY, out.amount_cents),
            (LedgerEntry.TRANSFER, out.amount_cents * -1),
            (LedgerEntry.REFUND, out.amount_cents * -1),
        ),
        0,
    )
    onto = out.select(fn.COALESCE(fn.SUM(signed), 0)).where((out.invoice == Invoice.id) & _not_voided(out))
    inward = LedgerEntry.alias("li")
    transfers_in = inward.select(fn.COALESCE(fn.SUM(inward.amount_cents), 0)).where(
        (inward.target_invoice == Invoice.id) & (inward.kind == LedgerEntry.TRANSFER) & _not_voided(inward)
    )
    return fn.COALESCE(onto, 0) + fn.COALESCE(transfers_in, 0)


def balance_expression(paid=None):
    """SQL for what is still owed on ``Invoice``, derived from the ledger;
    void invoices and estimates owe nothing."""
    owing_total = Case(
        None, (((Invoice.status == Invoice.VOID) | (Invoice.series == ESTIMATE_SERIES), 0),), Invoice.total_cents
    )
    return owing_total - (paid if paid is not None else paid_expression())


def _invoice_select(query: InvoiceQuery):
    """The invoices ``query`` lists (not yet ordered), with client and Bill-To.
    Paid and balance are the stored figures (``Invoice.paid_cents``,
    ``balance_cents``), so that a page sorted or filtered by balance walks an
    index instead of computing every invoice's balance."""
    if query.status not in LIST_STATUSES:
        raise ValidationError(
            f"'{query.status}' is not an invoice list; choose one of: {', '.join(LIST_STATUSES)}.", "status"
        )
    if query.sort not in LIST_SORTS:
        raise ValidationError(f"Invoices sort by {' or '.join(LIST_SORTS)}.", "sort")
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise ValidationError("The 'from' day is after the 'to' day.", "date_to")
    paid: ColumnBase = Invoice.paid_cents
    balance: ColumnBase = Invoice.balance_cents
    if query.sort != "balance":
        # Sorted by date: "+ 0" keeps SQLite from taking the balance indexes
        # for the status filter (e.g. all the paid invoices of one client,
        # found through balance = 0 instead of the client's few invoices).
        paid, balance = paid + 0, balance + 0
    billed = Client.alias("bill")
    select = (
        Invoice.select(Invoice, Client, billed)
        .join(Client, on=(Invoice.client == Client.id))
        .switch(Invoice)
        .join(billed, on=(Invoice.bill_to == billed.id))
    )
    # An open sale. (Written with ``kind``, which has no index, so that SQLite
    # walks the date or the balance index in the order asked for and stops
    # after a page.)
    live_sale = (Invoice.kind != Invoice.ESTIMATE) & (Invoice.status == Invoice.OPEN)
    nothing_yet = (Invoice.total_cents == 0) & (paid == 0)
    if query.status == "open":
        select = select.where(live_sale & ((balance > 0) | nothing_yet))
    elif query.status == "paid":
        select = select.where(live_sale & (balance == 0) & ~nothing_yet)
    elif query.status == "credit":
        select = select.where(live_sale & (balance < 0))
    elif query.status == "void":
        select = select.where(Invoice.status == Invoice.VOID)
    elif query.status == "estimates":
        select = select.where(Invoice.series == ESTIMATE_SERIES)
    if query.date_from is not None:
        select = select.where(Invoice.invoice_date >= query.date_from)
    if query.date_to is not None:
        select = select.where(Invoice.invoice_date <= query.date_to)
    if query.client_id is not None:
        select = select.where(Invoice.client == query.client_id)
    if query.session_id is not None:
        select = select.where(Invoice.session == query.session_id)
    return select


def _row(invoice: Invoice) -> InvoiceRow:
    return InvoiceRow(invoice=invoice, paid=invoice.paid_cents, balance=invoice.balance_cents)


def search_invoices(query: InvoiceQuery, limit: int = 50, after: InvoiceRow | None = None) -> list[InvoiceRow]:
    """One page of invoices with what was paid and the balance (one query per
    page). Newest first, or largest balance due first; ``after`` is the last
    row of the previous page (keyset pagination)."""
    select = _invoice_select(query)
    if query.sort == "balance":
        balance = Invoice.balance_cents
        if after is not None:
            # After (balance, id) in descending order; the "<=" lets the
            # (balance_cents, id) index start at the previous page's balance.
            select = select.where(
                (balance <= after.balance) & ((balance < after.balance) | (Invoice.id < after.invoice.id))
            )
        select = select.order_by(balance.desc(), Invoice.id.desc())
    else:
        if after is not None:
            day = after.invoice.invoice_date
            select = select.where(
                (Invoice.invoice_date < day) | ((Invoice.invoice_date == day) & (Invoice.id < after.invoice.id))
            )
        select = select.order_by(Invoice.invoice_date.desc(), Invoice.id.desc())
    return [_row(invoice) for invoice in select.limit(max(1, min(limit, 500)))]


def count_invoices(query: InvoiceQuery, cap: int = 10000) -> int:
    return _invoice_select(query).limit(cap).count()


def invoice_row(invoice: Invoice) -> InvoiceRow:
    """One invoice as the lists show it (fresh from the database)."""
    return _row(_invoice_select(InvoiceQuery()).where(Invoice.id == invoice.id).get())


def transfer_targets(source: Invoice) -> list[InvoiceRow]:
    """Where ``source``'s credit balance may go: the client's other live
    invoices (not estimates, not credit memos), largest balance due first."""
    select = _invoice_select(InvoiceQuery(client_id=source.client_id))
    select = select.where(
        (Invoice.id != source.id)
        & (Invoice.series == INVOICE_SERIES)
        & (Invoice.status == Invoice.OPEN)
        & (Invoice.kind != Invoice.CREDIT_MEMO)
    )
    order = (Invoice.balance_cents.desc(), Invoice.invoice_date.desc(), Invoice.id.desc())
    return [_row(invoice) for invoice in select.order_by(*order).limit(500)]


def open_balances(limit: int = 50, after: InvoiceRow | None = None) -> list[InvoiceRow]:
    """Invoices with a balance due (the Home hub): largest balance first, the
    oldest first among equal balances. ``after`` is the last row of the
    previous page (keyset pagination)."""
    balance = Invoice.balance_cents
    select = _invoice_select(InvoiceQuery(status="open")).where(balance > 0)
    if after is not None:
        day, last_id = after.invoice.invoice_date, after.invoice.id
        # The "<=" lets the (balance_cents DESC, invoice_date, id) index start
        # at the previous page's balance.
        select = select.where(
            (balance <= after.balance)
            & (
                (balance < after.balance)
                | (Invoice.invoice_date > day)
                | ((Invoice.invoice_date == day) & (Invoice.id > last_id))
            )
        )
    select = select.order_by(balance.desc(), Invoice.invoice_date.asc(), Invoice.id.asc())
    return [_row(invoice) for invoice in select.limit(max(1, min(limit, 500)))]


def invoice_by_id(invoice_id: int) -> Invoice:
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None:
        raise NotFound(f"There is no invoice #{invoice_id}.")
    return invoice


def invoices_of_session(session: Session | int) -> list[Invoice]:
    """Every invoice and estimate of the session, by date (check-in shows them)."""
    session_id = session.id if isinstance(session, Session) else session
    return list(Invoice.select().where(Invoice.session == session_id).order_by(Invoice.invoice_date, Invoice.id))


def made_from(estimate: Invoice) -> list[Invoice]:
    """The invoices an estimate was converted into."""
    return list(Invoice.select().where(Invoice.source == estimate.id).order_by(Invoice.id))


def open_invoices_of_session(session: Session | int, kind: str) -> list[Invoice]:
    """The session's open invoices of ``kind`` (not void, not converted),
    oldest first: what Order Info offers to reopen before starting another."""
    if kind not in Invoice.KINDS:
        raise ValidationError(f"'{kind}' is not an invoice type.", "kind")
    session_id = session.id if isinstance(session, Session) else session
    return list(
        Invoice.select()
        .where((Invoice.session == session_id) & (Invoice.kind == kind) & (Invoice.status == Invoice.OPEN))
        .order_by(Invoice.id)
    )
