"""Order Info: the order built during (or after) the sales presentation.

The left list is the session type's price list (quick picks first); Enter
adds the highlighted item, or package, for the image in the Image # field.
The right list is the order: quantities change with +/-, a package's pieces
get their images, an entry is removed. The running total with tax is always
shown, and what keeps a package from being recorded. Ctrl+W records the
order (data/orders.py: the Initial Order, or a Re-Order) and opens the
invoice with its payment offered, deposits first. Nothing is written before
that; Escape asks before throwing away a half-built order.

Opened from a presentation, the Image # follows the image on screen (also
when the viewer is moved with its own keys), and [ / ] move the presentation
without leaving the order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from ..data import catalog, orders
from ..data.errors import ValidationError
from ..data.models import PriceItem, Session
from ..data.money import format_money
from ..data.text import whole_number
from . import keymap
from .base import KeyBar, SpectraScreen, TitleBar
from .dialogs import WRITE_ERRORS, ConfirmDialog, SmallForm, readable

if TYPE_CHECKING:
    from .presentation import PresentationScreen

FOLLOW_SECONDS = 0.5  # how often the Image # looks at the presentation's image


def item_cells(item: PriceItem) -> list[Any]:
    """A price-list row: code, price, description (a package marked; its details under the list)."""
    name = Text(item.name)
    if item.is_package:
        name.append("  package", style="dim")
    return [item.code, Text(format_money(item.price_cents), justify="right"), name]


def item_details(item: PriceItem) -> str:
    """All the highlighted row says about an item: group, tax, a package's pieces and image limits."""
    parts = [f"[b]{escape(item.code)}[/b] {escape(item.name)}", format_money(item.price_cents)]
    if item.group_name:
        parts.append(escape(item.group_name))
    parts.append("taxed" if item.taxable else "not taxed")
    if item.is_package:
        limits = f"{item.min_images}–{item.max_images}" if item.max_images != item.min_images else f"{item.min_images}"
        fee = f", {format_money(item.pose_fee_cents)} a pose past {item.min_images}" if item.pose_fee_cents else ""
        pieces = ", ".join(f"{quantity} {escape(piece.name)}" for piece, quantity in catalog.components(item))
        parts.append(f"{limits} images{fee}: {pieces}")
    return " · ".join(parts)


def entry_cells(entry: orders.Entry) -> list[Any]:
    """An order row: image(s), quantity, description, amount."""
    if isinstance(entry, orders.ItemEntry):
        image = str(entry.image_number) if entry.image_number is not None else "–"
        amount = entry.quantity * entry.item.price_cents
        return [image, str(entry.quantity), entry.item.name, Text(format_money(amount), justify="right")]
    images = ", ".join(map(str, entry.images())) or "–"
    name = Text(entry.package.name)
    extra = entry.extra_images()
    if extra:
        name.append(f" +{len(extra)} pose{'s' if len(extra) > 1 else ''}", style="dim")
    problem = entry.problem()
    if problem:
        name.append("  ⚠", style="bold red")
    amount = entry.package.price_cents + entry.pose_fees_cents()
    return [images, "1", name, Text(format_money(amount), justify="right")]


class OrderInfoScreen(SpectraScreen):
    DEFAULT_CSS = """
    OrderInfoScreen #order-head { height: auto; padding: 0 1; background: $boost; }
    OrderInfoScreen #order-image-row { height: 1; padding: 0 1; }
    OrderInfoScreen #order-image-label { width: auto; }
    OrderInfoScreen #order-image { width: 10; background: $boost; }
    OrderInfoScreen #order-image:focus { background: $accent 30%; }
    OrderInfoScreen #order-image-hint { width: 1fr; color: $text-muted; padding-left: 1; }
    OrderInfoScreen #order-body { height: 1fr; }
    OrderInfoScreen #order-body > Vertical { width: 1fr; }
    OrderInfoScreen .order-caption { height: 1; padding: 0 1; color: $text-muted; }
    OrderInfoScreen DataTable { height: 1fr; }
    OrderInfoScreen #order-item { height: auto; padding: 0 1; color: $text-muted; }
    OrderInfoScreen #order-totals { height: auto; padding: 0 1; background: $panel; }
    OrderInfoScreen #order-problems { height: auto; padding: 0 1; color: $error; }
    """
    BINDINGS = keymap.bindings("order_info")
    AUTO_FOCUS = "#order-prices"

    def __init__(
        self, order: orders.Order, image_number: int | None = None, presentation: PresentationScreen | None = None
    ) -> None:
        super().__init__()
        self.order = order
        self.presentation = presentation
        self.first_image = image_number
        self.items: list[PriceItem] = []
        self.followed: int | None = image_number  # the presentation's image last put into Image #

    @property
    def session(self) -> Session:
        return self.order.session

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="order-head")
        with Horizontal(id="order-image-row"):
            yield Static("Image #", id="order-image-label")
            yield Input("" if self.first_image is None else str(self.first_image), id="order-image", compact=True)
            yield Static(self._image_hint(), id="order-image-hint")
        with Horizontal(id="order-body"):
            with Vertical():
                yield Static(f"Price list {escape(self.order.price_list.name)}", classes="order-caption")
                yield DataTable(id="order-prices", cursor_type="row", zebra_stripes=True)
                yield Static("", id="order-item")
            with Vertical():
                yield Static("The order", classes="order-caption")
                yield DataTable(id="order-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="order-totals")
        yield Static("", id="order-problems")
        yield KeyBar()

    def _image_hint(self) -> str:
        hint = keymap.hint(("order_info.image", "types it"), ("order_info.add", "adds the item for it"))
        if self.presentation is not None:
            moves = f"{keymap.key('order_info.previous_image')}/{keymap.key('order_info.next_image')}"
            hint += f" · {escape(moves)} move the presentation"
        return hint

    def on_mount(self) -> None:
        self.title = f"Spectra · Order info · Session {self.session.number}"
        prices = self.query_one("#order-prices", DataTable)
        prices.add_columns("Code", "Price", "Description")
        self.items = orders.offered_items(self.order)
        for item in self.items:
            prices.add_row(*item_cells(item), key=str(item.id))
        lines = self.query_one("#order-lines", DataTable)
        lines.add_columns("Image", "Qty", "Item", "Amount")
        if not self.items:
            self.query_one("#order-problems", Static).update(
                escape(
                    f"The price list {self.order.price_list.name} has nothing to sell yet: a manager adds its items."
                )
            )
        if self.presentation is not None:
            self.set_interval(FOLLOW_SECONDS, self._follow_presentation)
        self.refresh_order()

    # ------------------------------------------------------------ showing

    def refresh_order(self, keep: int | None = None) -> None:
        """Show the order's entries, its totals and what keeps it from being recorded."""
        table = self.query_one("#order-lines", DataTable)
        row = table.cursor_row if keep is None else keep
        table.clear()
        for entry in self.order.entries:
            table.add_row(*entry_cells(entry))
        if self.order.entries:
            table.move_cursor(row=max(0, min(row, len(self.order.entries) - 1)))
        subtotal, tax, total = self.order.totals()
        self.query_one("#order-head", Static).update(
            f"[b]{self.order.kind}[/b] · session {self.session.number} · {escape(self.session.client.full_name)}"
        )
        self.query_one("#order-totals", Static).update(
            f"Subtotal {format_money(subtotal)} · Tax {format_money(tax)} · [b]Total {format_money(total)}[/b]"
            f"   {keymap.hint(('save_close', 'records the order'), ('order_info.close', 'leaves'))}"
        )
        if self.items:
            self.query_one("#order-problems", Static).update(escape(" ".join(self.order.problems())))

    def _follow_presentation(self) -> None:
        """The Image # follows the image on screen when that changes."""
        presentation = self.presentation
        if presentation is None or not presentation.knows_the_image:
            return
        number = presentation.current.number
        if number != self.followed:
            self.followed = number
            self.query_one("#order-image", Input).value = str(number)

    # ------------------------------------------------------------ reading

    def image_number(self) -> int | None:
        typed = self.query_one("#order-image", Input).value.strip().lstrip("#")
        return whole_number(typed, "image_number", "image number", False)

    @property
    def entry(self) -> orders.Entry | None:
        table = self.query_one("#order-lines", DataTable)
        if not self.order.entries or not 0 <= table.cursor_row < len(self.order.entries):
            return None
        return self.order.entries[table.cursor_row]

    def _try(self, work) -> bool:
        """Run ``work``; a broken rule is shown, and False returned."""
        try:
            work()
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not possible", severity="error", timeout=8)
            return False
        return True

    # ------------------------------------------------------------ actions

    def action_image(self) -> None:
        self.query_one("#order-image", Input).focus()

    @on(Input.Submitted, "#order-image")
    def _image_typed(self, event: Input.Submitted) -> None:
        event.stop()
        if self._try(self.image_number):
            self.query_one("#order-prices", DataTable).focus()

    def action_add(self) -> None:
        prices = self.query_one("#order-prices", DataTable)
        if not self.items or not 0 <= prices.cursor_row < len(self.items):
            return
        item = self.items[prices.cursor_row]

        added: list[orders.Entry] = []

        def add() -> None:
            image = self.image_number()
            added.append(self.order.add_package(item, image) if item.is_package else self.order.add_item(item, image))

        if not self._try(add):
            return
        entry = added[0]
        self.refresh_order(keep=self.order.entries.index(entry))
        if isinstance(entry, orders.PackageEntry) and len(entry.images()) <= 1:
            pieces = keymap.key("order_info.pieces")
            where = f"image {entry.images()[0]}" if entry.images() else "no image yet"
            self.notify(f"{item.name}: every piece from {where}; {pieces} on the order chooses each one's.", timeout=5)

    @on(DataTable.RowHighlighted, "#order-prices")
    def _price_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.items):
            self.query_one("#order-item", Static).update(item_details(self.items[event.cursor_row]))

    @on(DataTable.RowSelected, "#order-prices")
    def _price_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_add()

    @on(DataTable.RowSelected, "#order-lines")
    def _entry_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_pieces()

    def action_quantity(self, step: int) -> None:
        entry = self.entry
        if not isinstance(entry, orders.ItemEntry):
            if entry is not None:
                self.notify("A package is ordered whole: add it again for a second one.", timeout=4)
            return
        if entry.quantity + step < 1:
            self.action_remove()
            return
        if self._try(lambda: self.order.set_quantity(entry, entry.quantity + step)):
            self.refresh_order()

    def action_remove(self) -> None:
        entry = self.entry
        if entry is not None:
            self.order.remove(entry)
            self.refresh_order()

    def action_pieces(self) -> None:
        entry = self.entry
        if not isinstance(entry, orders.PackageEntry):
            if entry is not None:
                self.notify(f"{entry.item.name} is one item: {keymap.key('order_info.more')} adds one.", timeout=4)
            return
        self.app.push_screen(PiecesDialog(self.order, entry), lambda _: self.refresh_order())

    def action_move_presentation(self, step: int) -> None:
        if self.presentation is None:
            self.notify("Order info was opened outside a presentation: type the image number.", timeout=4)
            return
        self.presentation.action_move(step)

    def action_save_close(self) -> None:
        """Record the order, then its invoice opens with the payment offered."""
        from .open_record import open_invoice

        try:
            invoice = orders.record_order(self.order)
        except WRITE_ERRORS as error:
            self.refresh_order()  # a price changed elsewhere: the order shows the new one
            self.notify(readable(error), title="Not recorded", severity="error", timeout=10)
            return
        self.dismiss(None)
        self.notify(
            f"{invoice.kind} invoice {invoice.display_number} recorded: {format_money(invoice.total_cents)}.",
            timeout=6,
        )
        open_invoice(self.app, invoice, payment=True)

    def action_close(self) -> None:
        if not self.order.entries:
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        count = len(self.order.entries)
        self.app.push_screen(
            ConfirmDialog(
                f"Throw away this order ({count} entr{'ies' if count > 1 else 'y'}, "
                f"{format_money(self.order.totals()[2])})? Nothing of it is recorded.",
                "Throw away",
                "Keep building",
            ),
            answered,
        )


class PiecesDialog(SmallForm):
    """The image of each piece of a package (empty: a piece with no image, e.g. an album)."""

    DEFAULT_CSS = "PiecesDialog .field-label { width: 22; }"

    def __init__(self, order: orders.Order, entry: orders.PackageEntry) -> None:
        package = entry.package
        limits = f"{package.min_images}–{package.max_images} images"
        fee = (
            f" · {format_money(package.pose_fee_cents)} a pose past {package.min_images}"
            if package.pose_fee_cents
            else ""
        )
        self.TITLE_TEXT = f"{package.name} · {limits}{fee}"
        self.FIELDS = [
            (f"piece{index}", f"{index + 1}. {piece.item.name}"[:21], "image #")
            for index, piece in enumerate(entry.pieces)
        ]
        super().__init__()
        self.order = order
        self.entry = entry

    def initial(self, field: str) -> str:
        number = self.entry.pieces[int(field.removeprefix("piece"))].image_number
        return "" if number is None else str(number)

    def perform(self, values: dict[str, Any]) -> None:
        chosen = {
            int(field.removeprefix("piece")): whole_number(typed.strip().lstrip("#"), field, "image number", False)
            for field, typed in values.items()
        }
        for index, number in chosen.items():
            try:
                self.order.check_image(number)
            except ValidationError as error:
                raise ValidationError(str(error), f"piece{index}") from error
        for index, number in chosen.items():
            self.order.set_piece_image(self.entry, index, number)


def open_order_info(
    app, session: Session, image_number: int | None = None, presentation: PresentationScreen | None = None
) -> None:
    """Order Info for the session: a new order from its session type's price list."""
    try:
        order = orders.start_order(session)
    except WRITE_ERRORS as error:
        app.notify(readable(error), title="No order", severity="error", timeout=8)
        return
    app.push_screen(OrderInfoScreen(order, image_number, presentation))
