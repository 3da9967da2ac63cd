"""Quick Sale (Ctrl+I; Alt+I where the terminal sends Ctrl+I as Tab): a sale
at the counter, with no session, from anywhere.

The left list is the studio's default price list, quick picks first (★);
Enter adds one of the highlighted item, +/- change the quantity of the
sale's highlighted line. The buyer is the walk-in customer unless a client
is chosen (Client Search, where Ctrl+N adds one). The total with tax is
always shown. Ctrl+W takes the payment (cash by default, the total by
default; cash above it gives change) and the whole sale is recorded then,
in one transaction (data/quick_sale.py); the receipt follows, naming the
invoice so that its record can print it. Nothing is written before the
payment; Escape asks before throwing a sale away.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, RadioButton, RadioSet, Static

from ..data import end_of_day, quick_sale
from ..data.models import Client, LedgerEntry, PriceItem
from ..data.money import format_money, parse_money
from . import keymap
from .base import KeyBar, SpectraScreen, TitleBar
from .dialogs import WRITE_ERRORS, ConfirmDialog, readable
from .hooks import ScreenHooks
from .money import METHOD_LABELS, MethodSet, MoneyDialog


@dataclass
class SaleLine:
    item: PriceItem
    quantity: int = 1

    @property
    def amount_cents(self) -> int:
        return self.item.price_cents * self.quantity


def item_cells(item: PriceItem) -> list[Text | str]:
    """A price-list row: ★ for a quick pick, code, price, description."""
    return ["★" if item.quick_pick else "", item.code, Text(format_money(item.price_cents), justify="right"), item.name]


class QuickSaleScreen(SpectraScreen):
    DEFAULT_CSS = """
    QuickSaleScreen #sale-head { height: auto; padding: 0 1; background: $boost; }
    QuickSaleScreen #sale-body { height: 1fr; }
    QuickSaleScreen #sale-body > Vertical { width: 1fr; }
    QuickSaleScreen .sale-caption { height: 1; padding: 0 1; color: $text-muted; }
    QuickSaleScreen DataTable { height: 1fr; }
    QuickSaleScreen #sale-totals { height: auto; padding: 0 1; background: $panel; }
    """
    BINDINGS = keymap.bindings("quick_sale")
    AUTO_FOCUS = "#sale-items"

    def __init__(self, items: list[PriceItem], list_name: str) -> None:
        super().__init__()
        self.items = items
        self.list_name = list_name
        self.client: Client | None = None  # None: the walk-in customer
        self.lines: list[SaleLine] = []

    @property
    def has_unsaved_changes(self) -> bool:
        return bool(self.lines)

    @property
    def task_client(self) -> Client | None:
        return self.client

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="sale-head")
        with Horizontal(id="sale-body"):
            with Vertical():
                yield Static(f"Price list {self.list_name} · ★ quick picks", classes="sale-caption")
                yield DataTable(id="sale-items", cursor_type="row", zebra_stripes=True)
            with Vertical():
                yield Static("The sale", classes="sale-caption")
                yield DataTable(id="sale-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sale-totals")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Spectra · Quick Sale"
        items = self.query_one("#sale-items", DataTable)
        items.add_columns("", "Code", "Price", "Description")
        for item in self.items:
            items.add_row(*item_cells(item), key=str(item.id))
        self.query_one("#sale-lines", DataTable).add_columns("Qty", "Item", "Amount")
        self.refresh_sale()

    # ------------------------------------------------------------ showing

    def refresh_sale(self, keep: int | None = None) -> None:
        """Show the buyer, the sale's lines and its totals with tax."""
        table = self.query_one("#sale-lines", DataTable)
        row = table.cursor_row if keep is None else keep
        table.clear()
        for line in self.lines:
            table.add_row(str(line.quantity), line.item.name, Text(format_money(line.amount_cents), justify="right"))
        if self.lines:
            table.move_cursor(row=max(0, min(row, len(self.lines) - 1)))
        if self.client is None:
            keys = keymap.hint(("quick_sale.client", "sells to a client"))
        else:
            keys = keymap.hint(("quick_sale.client", "another client"), ("quick_sale.walk_in", "the walk-in"))
        self.query_one("#sale-head", Static).update(
            Text.assemble("Sold to ", (quick_sale.buyer_name(self.client), "bold"), "   ", (keys, "dim"))
        )
        subtotal, tax, total = quick_sale.totals(self._sold())
        pay = (
            keymap.hint(("save_close", "takes the payment")) if self.lines else keymap.hint(("quick_sale.add", "adds"))
        )
        self.query_one("#sale-totals", Static).update(
            f"Subtotal {format_money(subtotal)} · Tax {format_money(tax)} · [b]Total {format_money(total)}[/b]   {pay}"
        )

    def _sold(self) -> list[tuple[PriceItem, int]]:
        return [(line.item, line.quantity) for line in self.lines]

    @property
    def line(self) -> SaleLine | None:
        table = self.query_one("#sale-lines", DataTable)
        if not self.lines or not 0 <= table.cursor_row < len(self.lines):
            return None
        return self.lines[table.cursor_row]

    # ------------------------------------------------------------ actions

    def action_add(self) -> None:
        table = self.query_one("#sale-items", DataTable)
        if not 0 <= table.cursor_row < len(self.items):
            return
        item = self.items[table.cursor_row]
        line = next((line for line in self.lines if line.item.id == item.id), None)
        if line is None:
            self.lines.append(line := SaleLine(item))
        elif not self._set_quantity(line, line.quantity + 1):
            return
        self.refresh_sale(keep=self.lines.index(line))

    @on(DataTable.RowSelected, "#sale-items")
    def _item_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_add()

    @on(DataTable.RowSelected, "#sale-lines")
    def _line_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_quantity(1)

    def _set_quantity(self, line: SaleLine, quantity: int) -> bool:
        try:
            line.quantity = quick_sale.check_quantity(quantity)
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not possible", severity="error", timeout=6)
            return False
        return True

    def action_quantity(self, step: int) -> None:
        line = self.line
        if line is None:
            self.notify(f"The sale is empty: {keymap.key('quick_sale.add')} adds the highlighted item.", timeout=4)
            return
        if line.quantity + step < 1:
            self.action_remove()
        elif self._set_quantity(line, line.quantity + step):
            self.refresh_sale()

    def action_remove(self) -> None:
        line = self.line
        if line is not None:
            self.lines.remove(line)
            self.refresh_sale()

    def action_choose_client(self) -> None:
        from .open_record import choose_client

        def chosen(client: Client | None) -> None:
            if client is not None:
                self.client = client
                self.refresh_sale()

        choose_client(self.app, chosen)

    def action_walk_in(self) -> None:
        self.client = None
        self.refresh_sale()

    def action_save_close(self) -> None:
        """The payment; once it is taken the sale is recorded and its receipt shown."""
        if not self.lines:
            self.notify(f"The sale is empty: {keymap.key('quick_sale.add')} adds the highlighted item.", timeout=4)
            return

        def paid(sale: quick_sale.Sale | None) -> None:
            if sale is None:
                self._reload_prices()
                return
            self.lines = []
            self.dismiss(None)
            self.app.push_screen(ReceiptDialog(sale))

        total = quick_sale.totals(self._sold())[2]
        self.app.push_screen(SalePaymentDialog(self.client, self._sold(), total), paid)

    def _reload_prices(self) -> None:
        """After a payment not taken: the items as stored now (a price may have changed elsewhere)."""
        try:
            fresh = {item.id: item for item in quick_sale.offered_items()}
        except WRITE_ERRORS:
            return
        gone = [line for line in self.lines if line.item.id not in fresh]
        for line in gone:
            self.lines.remove(line)
        for line in self.lines:
            line.item = fresh[line.item.id]
        self.items = list(fresh.values())
        items = self.query_one("#sale-items", DataTable)
        items.clear()
        for item in self.items:
            items.add_row(*item_cells(item), key=str(item.id))
        if gone:
            names = ", ".join(line.item.name for line in gone)
            self.notify(f"No longer sold (changed in another terminal): {names}.", severity="warning", timeout=8)
        self.refresh_sale()

    def action_close(self) -> None:
        if not self.lines:
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        total = format_money(quick_sale.totals(self._sold())[2])
        self.app.push_screen(
            ConfirmDialog(f"Throw away this sale ({total})? Nothing of it is recorded.", "Throw away", "Keep selling"),
            answered,
        )


class SalePaymentDialog(MoneyDialog):
    """The sale's payment: cash by default, the total by default. Taking it
    records the whole sale; dismisses with the Sale (None: nothing taken)."""

    CONFIRM = "Take payment"
    HINT = "cash above the total gives change"

    def __init__(self, client: Client | None, sold: list[tuple[PriceItem, int]], total: int) -> None:
        super().__init__()
        self.client = client
        self.sold = sold
        self.total = total

    def compose_fields(self) -> ComposeResult:
        yield Static(
            Text.assemble(
                "Quick sale · ",
                (quick_sale.buyer_name(self.client), "bold"),
                "\nTotal ",
                (format_money(self.total), "bold yellow"),
            ),
            classes="summary",
        )
        yield from self.amount_row(self.total, self.HINT)
        with Horizontal(classes="method-row"):
            yield Label("Method")
            with MethodSet(id="method", compact=True):
                for method in LedgerEntry.METHODS:
                    yield RadioButton(
                        METHOD_LABELS[method], value=method == quick_sale.CASH, id=f"method-{method}", compact=True
                    )
        with Horizontal(classes="field-row"):
            yield Label("Reference")
            yield Input(id="reference", compact=True, placeholder="check number, card slip…", max_length=100)

    def on_mount(self) -> None:
        self.query_one("#dialog-title", Static).update("Payment · quick sale")
        super().on_mount()

    def amount(self) -> int:
        typed = self.query_one("#amount", Input).value
        return parse_money(typed, "amount") if typed.strip() else 0

    def submit(self) -> quick_sale.Sale:
        return quick_sale.sell(self.client, self.sold, self.method(), self.amount(), self.reference())

    @on(Input.Changed, "#amount")
    @on(RadioSet.Changed, "#method")
    def _show_change(self) -> None:
        """The change to give, as the cash tendered is typed."""
        hint = self.query_one("#amount-hint", Static)
        try:
            change = quick_sale.change_for(self.method(), self.amount(), self.total)
        except WRITE_ERRORS:
            change = 0
        hint.update(f"[b]Change {format_money(change)}[/b]" if change else self.HINT)


class ReceiptDialog(ScreenHooks, ModalScreen[None]):
    """The sale's receipt on screen: the invoice number, the lines, the total,
    what was paid and the change; P saves it as PDF (screens/invoices/pdf.py),
    o opens the sale's invoice."""

    DEFAULT_CSS = """
    ReceiptDialog { align: center middle; }
    ReceiptDialog > Vertical { width: 64; max-width: 100%; height: auto; max-height: 100%;
        border: thick $success; background: $surface; padding: 0 1; }
    ReceiptDialog .dialog-title { height: 1; text-style: bold; }
    ReceiptDialog #receipt-lines { margin: 1 0; }
    ReceiptDialog #receipt-money { margin-bottom: 1; }
    ReceiptDialog #receipt-change { height: auto; text-style: bold; color: $warning; }
    ReceiptDialog .buttons { height: auto; align-horizontal: right; }
    ReceiptDialog .buttons Button { margin-left: 1; }
    """
    BINDINGS = keymap.bindings("dialog.close", "receipt")

    def __init__(self, sale: quick_sale.Sale) -> None:
        super().__init__()
        self.sale = sale

    def compose(self) -> ComposeResult:
        sale, invoice = self.sale, self.sale.invoice
        with Vertical():
            yield Static(f"Receipt · Invoice {invoice.display_number}", classes="dialog-title", id="receipt-title")
            yield Static(f"{invoice.client.full_name} · {invoice.invoice_date:%m/%d/%Y}")
            yield Static(self._lines_table(), id="receipt-lines")
            yield Static(self._money(), id="receipt-money")
            if sale.change_cents:
                yield Static(f"Change {format_money(sale.change_cents)}", id="receipt-change")
            yield Static(
                f"[dim]Invoice {invoice.display_number} is in Invoices ({keymap.key('hub_invoices')}); "
                f"{keymap.key('receipt.open_invoice')} opens it now, {keymap.key('receipt.save_pdf')} saves this "
                "receipt as PDF.[/dim]"
            )
            with Horizontal(classes="buttons"):
                yield Button(f"Close ({keymap.key('dialog.close')})", variant="primary", id="close", compact=True)
                yield Button(f"Invoice ({keymap.key('receipt.open_invoice')})", id="invoice", compact=True)

    def _lines_table(self) -> Table:
        table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
        table.add_column(justify="right")
        table.add_column(ratio=1)
        table.add_column(justify="right")
        for line in self.sale.lines:
            table.add_row(f"{line.quantity} ×", line.description, format_money(line.amount_cents))
        return table

    def _money(self) -> Text:
        invoice, payment = self.sale.invoice, self.sale.payment
        text = Text.assemble(
            f"Subtotal {format_money(invoice.subtotal_cents)} · Tax {format_money(invoice.tax_cents)} · ",
            (f"Total {format_money(invoice.total_cents)}", "bold"),
        )
        if payment is not None:
            reference = f" {payment.reference}" if payment.reference else ""
            text.append(f"\nPaid {format_money(payment.amount_cents)} · {METHOD_LABELS[payment.method]}{reference}")
            if self.sale.change_cents:
                text.append(f" · {format_money(self.sale.tendered_cents)} tendered")
        else:
            text.append("\nNothing was due.")
        return text

    def on_mount(self) -> None:
        self.title = f"Spectra · Receipt · Invoice {self.sale.invoice.display_number}"
        self.query_one("#close", Button).focus()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "invoice":
            self.action_open_invoice()
        else:
            self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save_pdf(self) -> None:
        """The payment's receipt (the invoice when nothing was due) as PDF, in the documents folder."""
        from .invoices.pdf import save_pdf

        save_pdf(self, self.sale.payment or self.sale.invoice)

    def action_open_invoice(self) -> None:
        from .open_record import open_invoice

        self.dismiss(None)
        open_invoice(self.app, self.sale.invoice.id)


def open_quick_sale(app) -> None:
    """Quick Sale from anywhere: one at a time (one left open is brought
    back); with nothing to sell, a message says what is missing."""
    if isinstance(app.screen, QuickSaleScreen):
        return
    left_open = app.windows.find(QuickSaleScreen)
    if left_open is not None:
        app.windows.bring_back(left_open)
        return
    try:
        end_of_day.refuse_posted_today("a quick sale")  # said before anything is typed
        items = quick_sale.offered_items()
        list_name = quick_sale.price_list().name
    except quick_sale.NoPriceList as error:
        where = f"{keymap.key('set_up_studio')} opens the studio's setup: its Price list step adds items."
        app.notify(f"{error} {where}", title="Nothing to sell", severity="error", timeout=12)
        return
    except WRITE_ERRORS as error:
        app.notify(readable(error), title="No quick sale", severity="error", timeout=10)
        return
    app.push_screen(QuickSaleScreen(items, list_name))
