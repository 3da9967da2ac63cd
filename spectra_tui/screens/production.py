"""The Production hub (F12): what the studio's vendors (labs) make, order by
order, soonest due first; overdue orders in red. Keys move an order to its
next status (dated today) or back one, cancel it with a reason, change its
due day and open its invoice. The rules are in data/production.py.

``send_to_production`` is the invoice record's key: it makes the orders.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Select, Static

from ..data import clock
from ..data import production as production_data
from ..data.errors import NotFound
from ..data.models import Invoice, ProductionOrder
from ..data.versions import ChangedElsewhere
from . import keymap
from .dialogs import WRITE_ERRORS, ReasonDialog, readable
from .formats import fmt_day
from .list_hub import ListHub
from .open_record import open_invoice
from .widgets import Note, PagedTable

P = ProductionOrder
SHOW_CHOICES = [
    ("Open", "open"),
    ("Overdue", "overdue"),
    *[(status, status) for status in P.STATUSES],
    ("Cancelled", P.CANCELLED),
    ("All", "all"),
]
EVERY_VENDOR = "*"
OVERDUE_STYLE = "bold red"


def short_day(day) -> str:
    return f"{day:%m/%d/%y}" if day else ""


def order_cells(order: ProductionOrder) -> tuple:
    late = production_data.is_overdue(order)
    style = OVERDUE_STYLE if late else ""
    status = order.status + (" · late" if late else "")
    return (
        str(order.id),
        Text(status, style=style),
        order.vendor,
        order.invoice.client.sort_name,
        order.invoice.display_number,
        short_day(order.ordered_on),
        Text(short_day(order.due_on), style=style),
        short_day(order.date_of(order.status)),
    )


def order_dates(order: ProductionOrder) -> Text:
    """Every status of the order with its day (— where not reached yet)."""
    line = Text()
    for status in P.STATUSES:
        day = order.date_of(status)
        line.append(f"{status} ", style="dim")
        line.append(short_day(day) if day else "—", style="bold" if status == order.status else "")
        line.append("   ")
    if order.status == P.CANCELLED:
        line.append(f"Cancelled {short_day(order.cancelled_on)}: {order.cancel_reason}", style="bold")
    due = Text.assemble(("Due ", "dim"), short_day(order.due_on))
    if production_data.is_overdue(order):
        days = (clock.today() - order.due_on).days
        due.append(f" ({days} day{'s' if days != 1 else ''} late)", style=OVERDUE_STYLE)
    return Text.assemble(line, due)


class ProductionHub(ListHub):
    HUB_ID = "production"
    HUB_TITLE = "Production"
    TABLE_ID = "prod-orders"
    MESSAGE_ID = "prod-message"
    NOUN = "order"

    DEFAULT_CSS = """
    ProductionHub .search-row { height: 1; margin-bottom: 1; }
    ProductionHub .search-row Label { width: auto; padding: 0 1; color: $text-muted; }
    ProductionHub #prod-show { width: 22; }
    ProductionHub #prod-vendor { width: 24; }
    ProductionHub #prod-message { height: 1; padding: 0 1; color: $text-muted; }
    ProductionHub #prod-message.-error { color: $error; }
    ProductionHub PagedTable { height: 1fr; }
    ProductionHub #prod-dates { height: auto; padding: 0 1; }
    """
    BINDINGS = keymap.bindings("production")

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="search-row"):
            yield Label("Show")
            yield Select(SHOW_CHOICES, value="open", allow_blank=False, compact=True, id="prod-show")
            yield Label("Vendor")
            yield Select(self._vendor_choices(), value=EVERY_VENDOR, allow_blank=False, compact=True, id="prod-vendor")
        yield Note("", id="prod-message")
        yield PagedTable(
            [
                ("Order", 5),
                ("Status", 22),
                ("Vendor", 16),
                ("Client", 22),
                ("Invoice", 7),
                ("Ordered", 8),
                ("Due", 8),
                ("Since", 8),
            ],
            order_cells,
            key=lambda order: order.id,
            id="prod-orders",
            narrow_columns=[(0, 5, "No."), (1, 22), (3, 18), (4, 7, "Inv."), (6, 8)],
            narrow_below=110,
        )
        yield Static("", id="prod-dates")

    @staticmethod
    def _vendor_choices() -> list[tuple[str, str]]:
        return [("Every vendor", EVERY_VENDOR)] + [(name, name) for name in production_data.vendors_in_use()]

    def build_query(self) -> production_data.ProductionQuery:
        vendor = str(self.query_one("#prod-vendor", Select).value)
        return production_data.ProductionQuery(
            status=str(self.query_one("#prod-show", Select).value),  # never blank (allow_blank=False)
            vendor="" if vendor == EVERY_VENDOR else vendor,
        )

    def fetch(self, query: production_data.ProductionQuery, after, limit: int) -> list:
        return production_data.search_orders(query, limit, after)

    def count(self, query: production_data.ProductionQuery) -> int:
        return production_data.count_orders(query)

    def keys_hint(self) -> str:
        return keymap.hint(("production.advance", "next status"), ("production.invoice", "opens the invoice"))

    def loaded(self) -> None:
        self._show_dates()

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        self.search()

    @on(PagedTable.RowHighlighted, "#prod-orders")
    def _highlighted(self, event: PagedTable.RowHighlighted) -> None:
        self._show_dates()

    def _show_dates(self) -> None:
        order = self.table.selected
        dates = self.query_one("#prod-dates", Static)
        dates.update(order_dates(order) if order is not None else "")

    @on(PagedTable.Chosen, "#prod-orders")
    def _chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        open_invoice(self.app, event.row.invoice)

    # ------------------------------------------------------------ the keys

    def _order(self) -> ProductionOrder | None:
        order = self.table.selected
        if order is None:
            self.notify("No production order is selected.", timeout=3)
        return order

    def _run(self, work, done) -> None:
        try:
            order = work()
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not possible", severity="error", timeout=8)
            if isinstance(error, (ChangedElsewhere, NotFound)):
                self.refresh_data()  # show what the other terminal did
            return
        self.notify(done(order), timeout=4)
        self.refresh_data()

    def action_advance(self) -> None:
        if (order := self._order()) is not None:
            self._run(
                lambda: production_data.advance(order),
                lambda o: f"Order {o.id} ({o.vendor}): {o.status}, {short_day(o.date_of(o.status))}.",
            )

    def action_step_back(self) -> None:
        if (order := self._order()) is not None:
            self._run(
                lambda: production_data.step_back(order), lambda o: f"Order {o.id} ({o.vendor}) back to {o.status}."
            )

    def action_cancel_order(self) -> None:
        if (order := self._order()) is None:
            return
        self.app.push_screen(
            ReasonDialog(
                f"Cancel production order {order.id} ({order.vendor})",
                f"Invoice {order.invoice.display_number} · {order.invoice.client.full_name}. Why is it cancelled?",
                lambda reason: production_data.cancel(order, reason),
                confirm="Cancel order",
                placeholder="e.g. Client changed the order",
            ),
            self._after_dialog(f"Order {order.id} ({order.vendor}) is cancelled."),
        )

    def action_change_due(self) -> None:
        if (order := self._order()) is None:
            return
        self.app.push_screen(
            ReasonDialog(
                f"Due day of production order {order.id} ({order.vendor})",
                f"Ordered {fmt_day(order.ordered_on)}. The new due day (12/3, fri, +2w):",
                lambda typed: production_data.set_due(order, typed),
                confirm="Change",
                initial=fmt_day(order.due_on),
            ),
            self._after_dialog(lambda o: f"Order {o.id} ({o.vendor}) is due {fmt_day(o.due_on)}."),
        )

    def _after_dialog(self, done):
        def callback(result) -> None:
            self.refresh_data()
            if result:
                self.notify(done(result) if callable(done) else done, timeout=5)

        return callback

    def action_open_order_invoice(self) -> None:
        if (order := self._order()) is not None:
            open_invoice(self.app, order.invoice)


def send_to_production(screen, invoice: Invoice) -> bool:
    """The invoice record's key: one production order per vendor of the
    invoice's lines; says how many were made, for which vendors, due when."""
    try:
        made = production_data.make_orders(invoice)
    except WRITE_ERRORS as error:
        screen.notify(readable(error), title="Not sent to production", severity="error", timeout=8)
        return False
    vendors = ", ".join(f"{order.vendor} (due {fmt_day(order.due_on)})" for order in made)
    count = f"{len(made)} production order{'s' if len(made) != 1 else ''}"
    screen.notify(f"{count} for invoice {invoice.display_number}: {vendors}.", timeout=6)
    return True
