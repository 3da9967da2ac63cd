"""Order Info: an order built image by image during the sales presentation,
recorded as one invoice.

An ``Order`` lives in memory while it is built (nothing is written, so a
change loses nothing and Esc can throw it away); ``record_order`` writes it
in one transaction. Its items come from the session type's price list
(catalog.price_list_for).

- An item is ordered for an image (or for none: an album, all the files);
  the same item for the same image is one entry whose quantity grows.
- A package is ordered whole: each piece (one per unit of each component)
  gets an image, or none. Its distinct images must number from the
  package's ``min_images`` to its ``max_images``; each image past the
  minimum adds the package's pose fee.
- The invoice is the session's Initial Order, or a Re-Order when the session
  already has an Initial Order that is not void (the Re-Order rule). It has
  one line per item and image number: a package's line carries its price,
  its pieces follow at no charge, grouped by item and image, then one
  additional-pose line per image past the minimum.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import invoices
from .catalog import components, items_of, price_list_for
from .db import write_transaction
from .errors import ValidationError
from .models import Invoice, InvoiceLine, PriceItem, PriceList, Session, SessionImage
from .money import format_money


@dataclass
class ItemEntry:
    """``quantity`` of a price-list item, for one image (or none)."""

    item: PriceItem
    image_number: int | None
    quantity: int = 1


@dataclass
class Piece:
    """One unit of a package's component, and the image it is printed from."""

    item: PriceItem
    image_number: int | None


@dataclass
class PackageEntry:
    package: PriceItem
    pieces: list[Piece]

    def images(self) -> list[int]:
        """The package's distinct images, in the order of its pieces."""
        return list(dict.fromkeys(piece.image_number for piece in self.pieces if piece.image_number is not None))

    def extra_images(self) -> list[int]:
        """The images past the package's minimum: each adds the pose fee."""
        return self.images()[self.package.min_images or 1 :]

    def pose_fees_cents(self) -> int:
        return len(self.extra_images()) * self.package.pose_fee_cents

    def problem(self) -> str | None:
        """Why the package cannot be recorded as it is, else None."""
        count, least, most = len(self.images()), self.package.min_images or 1, self.package.max_images
        if count < least:
            return f"{self.package.name} needs at least {least} image{'s' if least > 1 else ''} ({count} chosen)."
        if most is not None and count > most:
            return f"{self.package.name} takes at most {most} image{'s' if most > 1 else ''} ({count} chosen)."
        return None


Entry = ItemEntry | PackageEntry


@dataclass
class Order:
    session: Session
    price_list: PriceList
    entries: list[Entry] = field(default_factory=list)
    # Read once per order (again by reload_items), not on every key of Order Info.
    _image_numbers: set[int] | None = field(default=None, repr=False)
    _tax_terms: Invoice | None = field(default=None, repr=False)  # an unsaved invoice: the studio's tax

    @property
    def kind(self) -> str:
        return order_kind(self.session)

    def offered(self, item: PriceItem) -> None:
        if item.price_list_id != self.price_list.id:
            raise ValidationError(f"{item.name} is not on the price list {self.price_list.name}.")
        if item.hidden:
            raise ValidationError(f"{item.name} is hidden on the price list: it is no longer sold.")

    def check_image(self, image_number: int | None) -> None:
        if image_number is None:
            return
        if self._image_numbers is None or image_number not in self._image_numbers:  # read again: a new image?
            self._image_numbers = set(session_image_numbers(self.session))
        numbers = self._image_numbers
        if numbers and image_number not in numbers:
            raise ValidationError(f"Session {self.session.number} has no image {image_number}.", "image_number")

    def add_item(self, item: PriceItem, image_number: int | None, quantity: int = 1) -> ItemEntry:
        """Add ``quantity`` of ``item`` for the image; the same item and image adds to its entry."""
        self.offered(item)
        if item.is_package:
            raise ValidationError(f"{item.name} is a package: add it as a package.")
        self.check_image(image_number)
        _check_quantity(quantity)
        for entry in self.entries:
            if isinstance(entry, ItemEntry) and entry.item.id == item.id and entry.image_number == image_number:
                _check_quantity(entry.quantity + quantity)
                entry.quantity += quantity
                return entry
        entry = ItemEntry(item, image_number, quantity)
        self.entries.append(entry)
        return entry

    def add_package(self, package: PriceItem, image_number: int | None) -> PackageEntry:
        """Add a package, every piece for ``image_number`` at first."""
        self.offered(package)
        if not package.is_package:
            raise ValidationError(f"{package.name} is an item, not a package.")
        self.check_image(image_number)
        pieces = [Piece(item, image_number) for item, quantity in components(package) for _ in range(quantity)]
        entry = PackageEntry(package, pieces)
        self.entries.append(entry)
        return entry

    def set_piece_image(self, entry: PackageEntry, index: int, image_number: int | None) -> None:
        self.check_image(image_number)
        entry.pieces[index].image_number = image_number

    def set_quantity(self, entry: ItemEntry, quantity: int) -> None:
        _check_quantity(quantity)
        entry.quantity = quantity

    def remove(self, entry: Entry) -> None:
        self.entries.remove(entry)

    def problems(self) -> list[str]:
        return [p for entry in self.entries if isinstance(entry, PackageEntry) and (p := entry.problem())]

    def lines(self) -> list[InvoiceLine]:
        """The invoice lines the order records (not stored), in order."""
        lines: list[InvoiceLine] = []
        for entry in self.entries:
            if isinstance(entry, ItemEntry):
                lines.append(
                    _line(
                        entry.item,
                        entry.item.name,
                        entry.quantity,
                        entry.item.price_cents,
                        entry.item.taxable,
                        entry.image_number,
                    )
                )
            else:
                lines.extend(_package_lines(entry))
        return lines

    def totals(self) -> tuple[int, int, int]:
        """(subtotal, tax, total) as the invoice will have them, under the studio's tax now."""
        if self._tax_terms is None:
            self._tax_terms = invoices.new_invoice(Invoice.INITIAL_ORDER, session=self.session)
        return invoices.compute_totals(self._tax_terms, self.lines())

    def reload_items(self) -> list[str]:
        """Read the order's items again (another terminal may have changed a
        price, the tax, or brought in images); returns the names whose price changed."""
        self._image_numbers = self._tax_terms = None
        changed: list[str] = []
        fresh = {row.id: row for row in PriceItem.select().where(PriceItem.id.in_(list(self._item_ids())))}
        for entry in self.entries:
            if isinstance(entry, ItemEntry):
                entry.item = _fresh(entry.item, fresh, changed)
            else:
                entry.package = _fresh(entry.package, fresh, changed)
        return changed

    def _item_ids(self) -> set[int]:
        return {entry.item.id if isinstance(entry, ItemEntry) else entry.package.id for entry in self.entries}


def offered_items(order: Order) -> list[PriceItem]:
    """What the order can take: its price list's items and packages not hidden, quick picks first."""
    return items_of(order.price_list)


def _fresh(item: PriceItem, fresh: dict[int, PriceItem], changed: list[str]) -> PriceItem:
    stored = fresh.get(item.id)
    if stored is None:
        raise ValidationError(f"{item.name} was removed from the price list in another terminal.")
    if (stored.price_cents, stored.pose_fee_cents, stored.taxable) != (
        item.price_cents,
        item.pose_fee_cents,
        item.taxable,
    ):
        changed.append(stored.name)
    return stored


def _check_quantity(quantity) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= invoices.MAX_QUANTITY:
        raise ValidationError(f"The quantity must be a whole number from 1 to {invoices.MAX_QUANTITY}.", "quantity")


def _line(
    item: PriceItem | None, description: str, quantity: int, price: int, taxable: bool, image_number: int | None
) -> InvoiceLine:
    return InvoiceLine(
        item=item,
        description=description[:200],
        quantity=quantity,
        unit_price_cents=price,
        taxable=taxable,
        image_number=image_number,
    )


def _package_lines(entry: PackageEntry) -> list[InvoiceLine]:
    package = entry.package
    images = entry.images()
    lines = [
        _line(package, package.name, 1, package.price_cents, package.taxable, images[0] if len(images) == 1 else None)
    ]
    counts: dict[tuple[int, int | None], int] = {}
    names: dict[int, str] = {}
    for piece in entry.pieces:
        key = (piece.item.id, piece.image_number)
        counts[key] = counts.get(key, 0) + 1
        names[piece.item.id] = piece.item.name
    items = {piece.item.id: piece.item for piece in entry.pieces}
    for (item_id, image_number), quantity in counts.items():
        lines.append(
            _line(items[item_id], f"{names[item_id]} (in {package.name})", quantity, 0, package.taxable, image_number)
        )
    for image_number in entry.extra_images():
        lines.append(
            _line(None, f"Additional pose ({package.name})", 1, package.pose_fee_cents, package.taxable, image_number)
        )
    return lines


def session_image_numbers(session: Session) -> list[int]:
    return [row.number for row in SessionImage.select(SessionImage.number).where(SessionImage.session == session.id)]


def order_kind(session: Session) -> str:
    """The Re-Order rule: a session whose Initial Order stands (is not void) orders again as a Re-Order."""
    has_initial = (
        Invoice.select()
        .where(
            (Invoice.session == session.id) & (Invoice.kind == Invoice.INITIAL_ORDER) & (Invoice.status != Invoice.VOID)
        )
        .exists()
    )
    return Invoice.RE_ORDER if has_initial else Invoice.INITIAL_ORDER


def start_order(session: Session) -> Order:
    """A new, empty order for the session, from its session type's price list."""
    price_list = price_list_for(session)
    if price_list is None:
        raise ValidationError(
            "The studio has no price list yet: a manager sets one up (Price lists) before orders can be taken."
        )
    return Order(session, price_list)


@write_transaction
def record_order(order: Order) -> Invoice:
    """Write the order as the session's Initial Order (or Re-Order) invoice.

    Refused, with nothing written, while a package breaks its image limits,
    when the order is empty, or when a price changed in another terminal
    since the order was built (the order then holds the new prices: the
    client sees them before it is recorded)."""
    if not order.entries:
        raise ValidationError("The order is empty: add an item or a package first.")
    problems = order.problems()
    if problems:
        raise ValidationError(" ".join(problems))
    changed = order.reload_items()
    if changed:
        raise ValidationError(
            f"The price of {', '.join(changed)} changed in another terminal: the order now shows the new "
            f"total ({format_money(order.totals()[2])}). Record it again to accept."
        )
    invoice = invoices.new_invoice(order_kind(order.session), session=order.session)
    return invoices.save_with_lines(invoice, order.lines(), "invoice.order")
