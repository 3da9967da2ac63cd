"""Quick Sale: an invoice paid at the counter, with no session (Ctrl+I).

A sale is built in memory (nothing is written until it is paid) from the
items of the studio's default price list, quick picks first; ``sell``
writes it in ONE transaction: a Generic invoice with its lines, the payment
through the ledger (data/ledger.py), all audited. Packages are not sold
here: they need the session's images (Order Info).

The buyer is a client chosen on the spot, or the studio's built-in walk-in
client (``walk_in_client``), made when first needed: a partial unique index
(migration 0012) keeps it one per studio when two terminals make it at once.

The payment rules: a quick sale is paid in full, at once. Cash tendered
above the total records the total and gives the difference back as change
(the receipt says both); any other way to pay takes the total exactly (a
card or check over the total is refused: it would leave a credit on a sale
nobody comes back for). A sale whose total is zero takes no payment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from peewee import IntegrityError

from . import audit, catalog, invoices, ledger, settings
from .clients import IS_WALK_IN, WALK_IN_NAME
from .db import write_transaction
from .errors import NotFound, ValidationError
from .models import Client, Invoice, InvoiceLine, LedgerEntry, PriceItem, PriceList, database
from .money import format_money

CASH = "cash"


class NoPriceList(ValidationError):
    """The studio has nothing to sell yet (no price list, or an empty one)."""


@dataclass(frozen=True)
class Sale:
    """What the receipt shows: the invoice and its lines, the payment
    (None when nothing was due), what was tendered and the change given."""

    invoice: Invoice
    lines: list[InvoiceLine]
    payment: LedgerEntry | None
    tendered_cents: int
    change_cents: int


# ---------------------------------------------------------------- the walk-in client


def find_walk_in() -> Client | None:
    """The walk-in client, when it has been made (None before the first sale to it)."""
    return Client.get_or_none(IS_WALK_IN)


@write_transaction
def walk_in_client() -> Client:
    """The studio's walk-in client, made when first needed."""
    found = find_walk_in()
    if found is not None:
        return found
    try:
        with database.atomic():  # a savepoint: the index's refusal leaves the transaction usable
            client = Client.create(company=WALK_IN_NAME, walk_in=True)  # no search keys: no search finds it
    except IntegrityError:  # another terminal made it a moment ago
        made = find_walk_in()
        assert made is not None
        return made
    audit.record("client.walk_in", "client", client.id, None, client)
    return client


def buyer_name(client: Client | None) -> str:
    """Who the sale is to, as the screens and the receipt name them."""
    if client is None or client.walk_in:
        return WALK_IN_NAME
    return client.full_name


# ---------------------------------------------------------------- what is sold


def price_list() -> PriceList:
    """The list quick sales sell from: the studio's default price list."""
    listed = catalog.default_price_list()
    if listed is None:
        raise NoPriceList(
            "The studio has no price list yet: a manager or the owner adds its items before anything can be sold."
        )
    return listed


def offered_items() -> list[PriceItem]:
    """What a quick sale offers: the default list's items (not hidden, not
    packages), quick picks first. Raises NoPriceList when there is nothing."""
    listed = price_list()
    items = catalog.items_of(listed, packages=False)
    if not items:
        raise NoPriceList(
            f"The price list {listed.name} has nothing to sell yet: a manager or the owner adds its items."
        )
    return items


def _check_offered(item: PriceItem, listed: PriceList) -> None:
    if item.price_list_id != listed.id:
        raise ValidationError(f"{item.name} is not on the price list {listed.name}, which quick sales sell from.")
    if item.hidden:
        raise ValidationError(f"{item.name} is hidden on the price list: it is no longer sold.")
    if item.is_package:
        raise ValidationError(f"{item.name} is a package: it is sold with a session's images (Order Info).")


def check_quantity(quantity: object) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= invoices.MAX_QUANTITY:
        raise ValidationError(f"The quantity must be a whole number from 1 to {invoices.MAX_QUANTITY}.", "quantity")
    return quantity


def _merged(lines: Sequence[tuple[PriceItem, int]]) -> list[tuple[PriceItem, int]]:
    """One entry per item, in the order first given."""
    merged: dict[int, tuple[PriceItem, int]] = {}
    for item, quantity in lines:
        check_quantity(quantity)
        before = merged.get(item.id, (item, 0))[1]
        merged[item.id] = (item, check_quantity(before + quantity))
    return list(merged.values())


def _invoice_lines(lines: Sequence[tuple[PriceItem, int]]) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            item=item,
            description=item.name[:200],
            quantity=quantity,
            unit_price_cents=item.price_cents,
            taxable=item.taxable,
        )
        for item, quantity in lines
    ]


def totals(lines: Sequence[tuple[PriceItem, int]]) -> tuple[int, int, int]:
    """(subtotal, tax, total) of the sale as it stands, under the studio's tax now."""
    pricing = Invoice(
        kind=Invoice.GENERIC,
        tax_rate=str(settings.tax_rate()),
        tax_included=bool(settings.get("tax_included")),
    )
    return invoices.compute_totals(pricing, _invoice_lines(lines))


def change_for(method: str, tendered_cents: int, total_cents: int) -> int:
    """The change given back: cash tendered above the total (else nothing)."""
    return max(0, tendered_cents - total_cents) if method == CASH else 0


def _check_payment(method: str, tendered: object, total: int) -> int:
    """The amount the ledger records (the total, or 0 when nothing is due)."""
    if not isinstance(tendered, int) or isinstance(tendered, bool) or tendered < 0:
        raise ValidationError("The amount must be a whole number of cents, zero or more.", "amount")
    if total == 0:
        if tendered and method != CASH:
            raise ValidationError("Nothing is due on this sale: take no payment.", "amount")
        return 0
    if tendered < total:
        raise ValidationError(
            f"A quick sale is paid in full: {format_money(total)} is due, {format_money(tendered)} given. "
            "For a part payment make a Generic invoice from the client's record.",
            "amount",
        )
    if tendered > total and method != CASH:
        raise ValidationError(
            f"Only cash gives change: a {method} payment is the total, {format_money(total)}.", "amount"
        )
    return total


def _fresh_items(lines: list[tuple[PriceItem, int]], listed: PriceList) -> list[tuple[PriceItem, int]]:
    """The items as they are stored now; a price changed in another terminal
    since the sale was built is refused (the buyer was shown the old one)."""
    stored = {row.id: row for row in PriceItem.select().where(PriceItem.id.in_([item.id for item, _ in lines]))}
    fresh, changed = [], []
    for item, quantity in lines:
        row = stored.get(item.id)
        if row is None:
            raise NotFound(f"{item.name} was removed from the price list in another terminal.")
        _check_offered(row, listed)
        if (row.price_cents, row.taxable) != (item.price_cents, item.taxable):
            changed.append(row.name)
        fresh.append((row, quantity))
    if changed:
        raise ValidationError(
            f"The price of {', '.join(changed)} changed in another terminal: back on the sale, check its new total."
        )
    return fresh


# ---------------------------------------------------------------- selling


@write_transaction
def sell(
    client: Client | None,
    lines: Sequence[tuple[PriceItem, int]],
    method: str,
    amount_cents: int,
    reference: str = "",
) -> Sale:
    """Record a quick sale and its payment in one transaction; ``client``
    None sells to the walk-in client. ``amount_cents`` is what was tendered
    (see the module's payment rules); nothing is written when a rule is broken."""
    if not lines:
        raise ValidationError("The sale is empty: add an item first.")
    listed = price_list()
    merged = _merged(lines)
    for item, _quantity in merged:
        _check_offered(item, listed)
    method = (method or "").strip().lower()
    if method not in LedgerEntry.METHODS:
        raise ValidationError(f"The payment method must be one of: {', '.join(LedgerEntry.METHODS)}.", "method")
    fresh = _fresh_items(merged, listed)
    recorded = _check_payment(method, amount_cents, totals(fresh)[2])
    buyer = walk_in_client() if client is None else client
    stored = _invoice_lines(fresh)
    invoice = invoices.save_with_lines(
        invoices.new_invoice(Invoice.GENERIC, client=buyer), stored, "invoice.quick_sale"
    )
    change = change_for(method, amount_cents, invoice.total_cents)
    payment = None
    if recorded:
        tendered = f"Quick sale: {format_money(amount_cents)} cash tendered, change {format_money(change)}"
        note = tendered if change else ""
        payment = ledger.take_payment(invoice, recorded, method, reference, note)
    return Sale(invoice=invoice, lines=stored, payment=payment, tendered_cents=amount_cents, change_cents=change)
