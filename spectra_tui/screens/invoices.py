"""Invoices hub (F7) and the invoice record with all its money flows.

The hub: an invoice-number field at the top (Enter opens it at once, "E12"
is estimate 12) and lists by status, date range and balance, paged from SQL
with the balance computed in SQL.

The record: header, lines (add / edit / remove, from the price list by code
or from a list), totals, the ledger; Payment (offering the client's deposits
first), Refund, Void entry, Transfer Credit Balance, Deposit, Bill-To,
Convert estimate, Void invoice. Every change goes through data.invoices and
data.ledger; a broken rule is shown as a readable message.
"""
from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Select, Static

from ..data import catalog, ledger
from ..data import invoices as invoice_data
from ..data.clock import to_local
from ..data.errors import DomainError, NotFound, ValidationError
from ..data.models import Invoice, InvoiceLine, LedgerEntry, PriceItem
from ..data.money import format_money, parse_money
from ..data.text import whole_number
from ..data.versions import ChangedElsewhere, reloaded
from ..data.when import parse_day_range
from .base import HubScreen, KeyBar, RecordScreen
from .dialogs import RELOADED_KEEPING_TYPED, WRITE_ERRORS, ChoiceDialog, ConfirmDialog, ReasonDialog, readable
from .money import (DepositDialog, DepositOfferDialog, PaymentDialog, RefundDialog, TransferCreditDialog,
                    plain_amount, void_entry_dialog)
from .sessions import balance_cell, fmt_day, menu_entry, money_cell
from .widgets import Note, PagedTable

STATUS_CHOICES = [("All", "all"), ("Open", "open"), ("Paid", "paid"), ("Credit", "credit"),
                  ("Void", "void"), ("Estimates", "estimates")]
SORT_CHOICES = [("Newest", "date"), ("Balance due", "balance")]


def open_new_invoice(app, kind: str, client=None, session=None) -> None:
    """Create (and number) an invoice, credit memo or estimate and open it;
    a broken rule (wrong basis, ...) is shown as a notification."""
    try:
        invoice = invoice_data.create_invoice(kind, client=client, session=session)
    except WRITE_ERRORS as error:
        app.notify(readable(error), title="Not created", severity="error", timeout=8)
        return
    app.push_screen(InvoiceRecord(invoice))
    app.notify(f"{'Estimate' if invoice.is_estimate else kind} {invoice.display_number} created; "
               "press a to add its lines.", timeout=4)


# ---------------------------------------------------------------- the hub

class InvoicesHub(HubScreen):
    HUB_ID = "invoices"
    HUB_TITLE = "Invoices"

    DEFAULT_CSS = """
    InvoicesHub .search-row { height: 1; margin-bottom: 1; }
    InvoicesHub .search-row Label { width: auto; padding: 0 1; color: $text-muted; }
    InvoicesHub #inv-number { width: 12; }
    InvoicesHub #inv-number-hint { width: 1fr; color: $text-muted; padding-left: 2; }
    InvoicesHub #inv-number-hint.-error { color: $error; text-style: bold; }
    InvoicesHub #inv-status { width: 14; }
    InvoicesHub #inv-sort { width: 16; }
    InvoicesHub #inv-from, InvoicesHub #inv-to { width: 11; }
    InvoicesHub #inv-message { height: 1; padding: 0 1; color: $text-muted; }
    InvoicesHub #inv-message.-error { color: $error; }
    InvoicesHub PagedTable { height: 1fr; }
    """
    BINDINGS = [Binding("down", "focus_results", "Results", show=False),
                Binding("slash", "focus_number", "Invoice #", show=False)]

    def __init__(self):
        super().__init__()
        self._query: invoice_data.InvoiceQuery | None = None
        self._timer = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="search-row", id="inv-number-row"):
            yield Label("[b]Invoice #[/b]")
            yield Input(id="inv-number", compact=True, placeholder="1043 or E12", max_length=12)
            yield Note("Enter opens it · E12 opens estimate 12", id="inv-number-hint")
        with Horizontal(classes="search-row"):
            yield Label("Show")
            yield Select(STATUS_CHOICES, value="all", allow_blank=False, compact=True, id="inv-status")
            yield Label("From")
            yield Input(id="inv-from", compact=True, placeholder="11/1/2026", max_length=30)
            yield Label("To")
            yield Input(id="inv-to", compact=True, placeholder="today", max_length=30)
            yield Label("Sort")
            yield Select(SORT_CHOICES, value="date", allow_blank=False, compact=True, id="inv-sort")
        yield Note("", id="inv-message")
        yield PagedTable(
            [("Invoice", 7), ("Date", 10), ("Type", 13), ("Client", 24), ("Status", 9),
             ("Total", 11), ("Paid", 11), ("Balance", 14)],
            self._cells, key=lambda row: row.invoice.id, id="inv-results",
            narrow_columns=[(0, 6, "No."), (1, 10), (3, 17), (4, 9), (5, 11), (7, 12)], narrow_below=110)

    @staticmethod
    def _cells(row: invoice_data.InvoiceRow) -> tuple:
        invoice = row.invoice
        owes = ledger.can_owe(invoice)
        return (invoice.display_number, fmt_day(invoice.invoice_date), invoice.kind, invoice.client.full_name,
                row.state, money_cell(invoice.total_cents, "dim" if not owes else ""),
                money_cell(row.paid) if owes else "", balance_cell(row.balance) if owes else "")

    def on_mount(self) -> None:
        super().on_mount()
        self.search()
        self.query_one("#inv-number", Input).focus()

    def refresh_data(self) -> None:
        self.search(force=True)

    @property
    def table(self) -> PagedTable:
        return self.query_one("#inv-results", PagedTable)

    # ------------------------------------------------------------ open by number

    def _number_hint(self, text: str, error: bool = False) -> None:
        self.query_one("#inv-number-hint", Note).say(text, error)

    def open_number(self, text: str) -> None:
        if not text.strip():
            self._number_hint("Type an invoice number (or E and an estimate number), then Enter.", error=True)
            return
        try:
            invoice = invoice_data.get_invoice(text)
        except DomainError as error:
            self._number_hint(str(error), error=True)
            return
        self._number_hint("Enter opens it · E12 opens estimate 12")
        self.app.push_screen(InvoiceRecord(invoice))

    # ------------------------------------------------------------ the list

    def _message(self, text: str, error: bool = False) -> None:
        self.query_one("#inv-message", Note).say(text, error)

    def build_query(self) -> invoice_data.InvoiceQuery:
        date_from, date_to = parse_day_range(self.query_one("#inv-from", Input).value,
                                             self.query_one("#inv-to", Input).value)
        return invoice_data.InvoiceQuery(status=self.query_one("#inv-status", Select).value,
                                         date_from=date_from, date_to=date_to,
                                         sort=self.query_one("#inv-sort", Select).value)

    def search(self, force: bool = False) -> bool:
        try:
            query = self.build_query()
            if query == self._query and not force:
                return True
            keep = self.table.selected.invoice.id if (force and self.table.selected is not None) else None
        except DomainError as error:
            self._message(str(error), error=True)
            return False
        self._query = query

        def show(count: int) -> None:
            if keep is not None:
                for index, row in enumerate(self.table.loaded_rows):
                    if row.invoice.id == keep:
                        self.table.move_cursor(row=index)
                        break
            shown = "10,000+" if count >= 10000 else f"{count:,}"
            self._message(f"{shown} invoice{'s' if count != 1 else ''} · Enter opens · / types a number")

        self.table.load(lambda after, limit: invoice_data.search_invoices(query, limit, after), show,
                        lambda page: invoice_data.count_invoices(query))
        return True

    @on(Input.Changed, "#inv-from, #inv-to")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.25, self.search)

    @on(Input.Changed, "#inv-number")
    def _number_typed(self, event: Input.Changed) -> None:
        event.stop()
        self._number_hint("Enter opens it · E12 opens estimate 12")

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        self.search()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "inv-number":
            self.open_number(event.value)
        elif self.search():
            self.table.when_loaded(self._focus_results)

    @on(PagedTable.Chosen, "#inv-results")
    def _chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        self.app.push_screen(InvoiceRecord(event.row.invoice))

    def action_focus_results(self) -> None:
        self.table.when_loaded(self._focus_results)

    def _focus_results(self) -> None:
        if self.table.row_count:
            self.table.focus()

    def action_focus_number(self) -> None:
        self.query_one("#inv-number", Input).focus()


# ---------------------------------------------------------------- a line

class LineDialog(ModalScreen[InvoiceLine | None]):
    """Add or edit an invoice line: an item from the price list (by code, or
    from the list: Enter on an empty or unknown code, or Ctrl+F), quantity,
    price, image number, taxable."""

    DEFAULT_CSS = """
    LineDialog { align: center middle; }
    LineDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    LineDialog .dialog-title { height: 1; text-style: bold; margin-bottom: 1; }
    LineDialog .field-row { height: 1; margin-bottom: 1; }
    LineDialog .field-row > Label { width: 12; color: $text-muted; }
    LineDialog #code { width: 12; }
    LineDialog #item-hint { width: 1fr; padding-left: 1; color: $text-muted; }
    LineDialog #description { width: 1fr; }
    LineDialog #quantity { width: 6; }
    LineDialog #price { width: 14; }
    LineDialog #image { width: 8; }
    LineDialog .short-label { width: auto; padding: 0 1 0 2; color: $text-muted; }
    LineDialog #error { color: $error; height: auto; }
    LineDialog .buttons { height: auto; align-horizontal: right; }
    LineDialog .buttons Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Back"),
                Binding("ctrl+f", "price_list", "Price list", priority=True)]

    def __init__(self, invoice: Invoice, line: InvoiceLine | None = None):
        super().__init__()
        self.invoice, self.line = invoice, line
        self.item: PriceItem | None = line.item if line is not None and line.item_id else None

    def compose(self) -> ComposeResult:
        line = self.line
        title = (f"Edit line {line.position}" if line else "Add a line") + f" · invoice {self.invoice.display_number}"
        with Vertical():
            yield Static(title, classes="dialog-title")
            with Horizontal(classes="field-row"):
                yield Label("Item code")
                yield Input(self.item.code if self.item else "", id="code", compact=True, placeholder="P8X10",
                            max_length=20, disabled=line is not None)
                yield Static(self._item_hint(), id="item-hint")
            with Horizontal(classes="field-row"):
                yield Label("Description")
                yield Input(line.description if line else "", id="description", compact=True, max_length=200)
            with Horizontal(classes="field-row"):
                yield Label("Quantity")
                yield Input(str(line.quantity) if line else "1", id="quantity", compact=True, max_length=6,
                            type="integer")
                yield Label("Price", classes="short-label")
                yield Input(plain_amount(line.unit_price_cents) if line else "", id="price", compact=True,
                            max_length=20, placeholder="each")
                yield Label("Image #", classes="short-label")
                yield Input(str(line.image_number) if line and line.image_number else "", id="image",
                            compact=True, max_length=6, type="integer")
            with Horizontal(classes="field-row"):
                yield Label("Taxable")
                yield Checkbox("", line.taxable if line else True, id="taxable", compact=True)
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Save line (Enter)", variant="primary", id="ok", compact=True)
                yield Button("Back (Esc)", id="back", compact=True)

    def _item_hint(self) -> str:
        if self.line is not None:
            return "the item of a saved line stays; remove the line to change it"
        if self.item is not None:
            return f"{self.item.name} · {format_money(self.item.price_cents)}"
        return "Enter: look up · empty Enter or Ctrl+F: price list"

    def on_mount(self) -> None:
        self.query_one("#description" if self.line else "#code", Input).focus()
        self._initial = self._values()

    def _values(self) -> tuple:
        return tuple(self.query_one(f"#{name}", Input).value for name in ("code", "description", "quantity",
                                                                          "price", "image")) + (
            self.query_one("#taxable", Checkbox).value,)

    def _error(self, message: str, field: str | None = None) -> None:
        self.query_one("#error", Static).update(message)
        target = {"quantity": "#quantity", "price": "#price", "image_number": "#image", "description": "#description",
                  "code": "#code"}.get(field or "")
        if target:
            self.query_one(target, Input).focus()

    def use_item(self, item: PriceItem) -> None:
        self.item = item
        self.query_one("#code", Input).value = item.code
        self.query_one("#description", Input).value = item.name
        self.query_one("#price", Input).value = plain_amount(item.price_cents)
        self.query_one("#taxable", Checkbox).value = item.taxable
        self.query_one("#item-hint", Static).update(self._item_hint())
        self.query_one("#error", Static).update("")
        self.query_one("#quantity", Input).focus()

    def look_up(self, code: str) -> None:
        code = code.strip()
        if code:
            try:
                self.use_item(catalog.find_item(code))
                return
            except DomainError:
                pass
        self.action_price_list(code)

    def action_price_list(self, text: str = "") -> None:
        if self.line is not None:
            return
        key = (text or "").strip().lower()
        items = [item for item in catalog.price_list()
                 if not key or key in item.code.lower() or key in item.name.lower()] or catalog.price_list()
        by_id = {str(item.id): item for item in items}

        def chosen(item_id: str | None) -> None:
            if item_id:
                self.use_item(by_id[item_id])
            else:
                self.query_one("#code", Input).focus()

        title = "Price list" + (f" · no item '{text.strip()}', choose one" if key and len(items) else "")
        self.app.push_screen(ChoiceDialog(title, [
            (str(item.id), f"{item.code:<8} {item.name[:34]:<34} {format_money(item.price_cents):>11}")
            for item in items]), chosen)

    @on(Input.Changed, "#code")
    def _code_changed(self, event: Input.Changed) -> None:
        if self.item is not None and event.value.strip().upper() != self.item.code:
            self.item = None
            self.query_one("#item-hint", Static).update(self._item_hint())

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "code":
            self.look_up(event.value)
        else:
            self.action_save_close()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.action_save_close()
        else:
            self.action_cancel()

    def _whole(self, field: str, label: str, required: bool) -> int | None:
        typed = self.query_one(f"#{'image' if field == 'image_number' else field}", Input).value
        return whole_number(typed, field, label, required)

    def action_save_close(self) -> None:
        try:
            code = self.query_one("#code", Input).value.strip()
            if self.line is None and code and self.item is None:
                self.item = catalog.find_item(code)
            description = self.query_one("#description", Input).value
            quantity = self._whole("quantity", "quantity", True)
            price_text = self.query_one("#price", Input).value.strip()
            price = parse_money(price_text, "price") if price_text else None
            image = self._whole("image_number", "image number", False)
            taxable = self.query_one("#taxable", Checkbox).value
            if self.line is None:
                if self.item is not None and description.strip() == self.item.name:
                    description = ""  # the price list's name (a package lists its contents)
                result = invoice_data.add_line(self.invoice, item=self.item, description=description,
                                               quantity=quantity, unit_price_cents=price, taxable=taxable,
                                               image_number=image)
            else:
                if price is None:
                    raise ValidationError("Enter the price.", "price")
                result = invoice_data.update_line(self.line, description=description, quantity=quantity,
                                                  unit_price_cents=price, taxable=taxable, image_number=image)
        except ChangedElsewhere as error:
            self._rebase(reloaded(self.line))
            self._error(f"{error} {RELOADED_KEEPING_TYPED}")
            return
        except WRITE_ERRORS as error:
            self._error(readable(error), getattr(error, "field", None))
            return
        self.dismiss(result)

    @staticmethod
    def _shown(line: InvoiceLine) -> dict:
        """A saved line's values as the fields show them."""
        return {"description": line.description, "quantity": str(line.quantity),
                "price": plain_amount(line.unit_price_cents),
                "image": str(line.image_number) if line.image_number else "", "taxable": line.taxable}

    def _rebase(self, stored: InvoiceLine) -> None:
        """Another terminal saved the line since this dialog opened: its values
        fill the fields not changed here; what was typed is kept."""
        loaded = self._shown(self.line)
        for name, value in self._shown(stored).items():
            widget = self.query_one(f"#{name}", Checkbox if name == "taxable" else Input)
            if widget.value == loaded[name]:
                widget.value = value
        self.line = stored
        shown = self._shown(stored)
        self._initial = (self._initial[0], *(shown[name] for name in ("description", "quantity", "price", "image")),
                         shown["taxable"])

    def action_cancel(self) -> None:
        if self._values() == self._initial:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Leave this line without saving it?", "Leave", "Stay"), answered)


# ---------------------------------------------------------------- the invoice record

class InvoiceRecord(RecordScreen):
    """One invoice, credit memo or estimate: header, lines, totals, ledger."""

    DEFAULT_CSS = """
    InvoiceRecord #ir-head { height: auto; padding: 0 1; background: $boost; }
    InvoiceRecord .part-title { height: 1; padding: 0 1; color: $accent; text-style: bold; }
    InvoiceRecord #ir-lines { height: 3fr; min-height: 4; }
    InvoiceRecord #ir-totals { height: auto; padding: 0 1; border-top: solid $panel-lighten-2; }
    InvoiceRecord #ir-ledger { height: 2fr; min-height: 4; }
    """
    BINDINGS = [
        Binding("f", "file_menu", "File…"),  # first: the one key to every action, kept in sight at 80 columns
        Binding("p", "payment", "Payment"),
        Binding("a", "add_line", "Add"),
        Binding("e", "edit_line", "Edit"),
        Binding("delete", "remove_line", "Remove line", show=False),
        Binding("r", "refund", "Refund"),
        Binding("v", "void_entry", "Void"),
        Binding("t", "transfer", "Transfer"),
        Binding("b", "bill_to", "Bill-To"),
        Binding("c", "convert", "Convert"),
        Binding("d", "deposit", "Deposit", show=False),
        Binding("X", "void_invoice", "Void invoice", show=False),
        Binding("o", "open_related", "Open client/session", show=False),
    ]

    def __init__(self, invoice: Invoice):
        super().__init__()
        self.invoice = invoice
        self._lines: list[InvoiceLine] = []
        self._entries: list[LedgerEntry] = []
        self._voided: set[int] = set()

    @property
    def task_client(self):
        """Ctrl+D here makes a task about this invoice's client."""
        return self.invoice.client

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static(id="ir-head")
        yield Static("Lines", classes="part-title", id="ir-lines-title")
        yield DataTable(id="ir-lines", cursor_type="row", zebra_stripes=True)
        yield Static(id="ir-totals")
        yield Static("Payments and credits", classes="part-title")
        yield DataTable(id="ir-ledger", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        narrow = self.app.size.width < 100
        lines = self.query_one("#ir-lines", DataTable)
        lines.add_column("#", width=2)
        lines.add_column("Code", width=6)
        lines.add_column("Description", width=24 if narrow else 52)
        lines.add_column("Qty", width=3)
        lines.add_column("Price", width=10)
        lines.add_column("Img", width=4)
        lines.add_column("Tax", width=3)
        lines.add_column("Amount", width=11)
        ledger_table = self.query_one("#ir-ledger", DataTable)
        ledger_table.add_column("Date", width=8)
        ledger_table.add_column("Entry", width=20 if narrow else 26)
        ledger_table.add_column("Method", width=10 if narrow else 16)
        ledger_table.add_column("Amount", width=11)
        ledger_table.add_column("Note", width=13 if narrow else 34)
        self.load()
        lines.focus()

    def on_screen_resume(self) -> None:
        self.load()

    # ------------------------------------------------------------ showing it

    def load(self) -> None:
        invoice = reloaded(self.invoice)
        self.invoice = invoice
        row = invoice_data.invoice_row(invoice)
        money = ledger.invoice_money(invoice)
        what = "Estimate" if invoice.is_estimate else ("Credit memo" if invoice.kind == Invoice.CREDIT_MEMO
                                                       else "Invoice")
        self.title = f"Spectra · {what} {invoice.display_number}"
        head = Text.assemble((f"{what} {invoice.display_number}", "bold"), f" · {invoice.kind} · ",
                             (row.state, "bold"), f" · {fmt_day(invoice.invoice_date)}\n",
                             ("Client ", "dim"), invoice.client.full_name, ("   Bill-To ", "dim"),
                             invoice.bill_to.full_name)
        if invoice.session_id:
            session = invoice.session
            head.append_text(Text.assemble(("   Session ", "dim"),
                                           f"{session.number} ({session.session_type.name}, "
                                           f"{fmt_day(session.start.date())})"))
        if invoice.source_id:
            head.append_text(Text.assemble(("   From ", "dim"), invoice.source.display_number))
        if invoice.status == Invoice.CONVERTED:
            made = [i.display_number for i in invoice_data.made_from(invoice)]
            if made:
                head.append_text(Text.assemble(("   Became invoice ", "dim"), ", ".join(made)))
        self.query_one("#ir-head", Static).update(head)
        self._fill_lines()
        self._fill_totals(row, money)
        self._fill_ledger()
        self.refresh_bindings()

    def _fill_lines(self) -> None:
        table = self.query_one("#ir-lines", DataTable)
        cursor = table.cursor_row
        table.clear()
        self._lines = invoice_data.lines_of(self.invoice)
        for line in self._lines:
            table.add_row(str(line.position), line.item.code if line.item_id else "", line.description,
                          Text(str(line.quantity), justify="right"), money_cell(line.unit_price_cents),
                          Text(str(line.image_number or ""), justify="right"), "yes" if line.taxable else "",
                          money_cell(line.amount_cents), key=str(line.id))
        if self._lines:
            table.move_cursor(row=min(max(cursor, 0), len(self._lines) - 1))
        self.query_one("#ir-lines-title", Static).update(
            f"Lines ({len(self._lines)})" + (" [dim]· a adds · Enter edits · Del removes[/dim]" if self._lines
                                             else " [dim]· press a to add one[/dim]"))

    def _fill_totals(self, row: invoice_data.InvoiceRow, money: ledger.InvoiceMoney) -> None:
        invoice = self.invoice
        rate = (Decimal(invoice.tax_rate) * 100).normalize()
        totals = Text.assemble(("Subtotal ", "dim"), format_money(invoice.subtotal_cents),
                               (f"   Tax {rate:f}%{' incl.' if invoice.tax_included else ''} ", "dim"),
                               format_money(invoice.tax_cents), ("   Total ", "dim"),
                               (format_money(invoice.total_cents), "bold"), "\n")
        if invoice.is_estimate:
            totals.append("An estimate takes no payments: c converts it into an invoice."
                          if invoice.status == Invoice.OPEN else f"{row.state}.", style="dim")
        elif invoice.status == Invoice.VOID:
            totals.append("Void: owes nothing.", style="dim")
        else:
            totals.append_text(Text.assemble(("Paid ", "dim"), format_money(money.paid), "   "))
            if money.credit:
                totals.append(f"Credit balance {format_money(money.credit)}", style="bold green")
            elif money.due:
                totals.append(f"Balance due {format_money(money.due)}", style="bold yellow")
            else:
                totals.append("Balance $0.00", style="bold")
        on_hand = ledger.deposits_on_hand(invoice.client) if money.due and not invoice.is_estimate else 0
        if on_hand:
            totals.append(f"\n{format_money(on_hand)} of deposits on hand: "
                          "p offers them before the payment.", style="green")
        self.query_one("#ir-totals", Static).update(totals)

    def _entry_cells(self, entry: LedgerEntry) -> tuple:
        label = ledger.entry_label(entry, self.invoice.id)
        method = " ".join(p for p in (entry.method, entry.reference) if p)
        voided = entry.id in self._voided
        style = "strike dim" if voided else ("dim" if entry.kind == LedgerEntry.VOID else "")
        effect = ledger.effect_on(entry, self.invoice.id)
        amount = format_money(effect) if entry.kind != LedgerEntry.VOID else format_money(entry.amount_cents)
        if effect > 0:
            amount = "+" + amount
        note = entry.note + (" (voided)" if voided else "")
        return (Text(f"{to_local(entry.created_at):%m/%d/%y}", style=style),
                Text(f"#{entry.id} {label}", style=style), Text(method, style=style),
                Text(amount, justify="right", style=style), Text(note.strip(), style=style))

    def _fill_ledger(self) -> None:
        table = self.query_one("#ir-ledger", DataTable)
        cursor = table.cursor_row
        table.clear()
        self._entries = ledger.entries_for(self.invoice)
        self._voided = ledger.voided_ids([e.id for e in self._entries])
        for entry in self._entries:
            table.add_row(*self._entry_cells(entry), key=str(entry.id))
        if self._entries:
            table.move_cursor(row=min(max(cursor, 0), len(self._entries) - 1))

    # ------------------------------------------------------------ helpers

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "convert":
            return self.invoice.is_estimate
        return True

    def _run(self, work, done: str = "") -> bool:
        try:
            work()
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not possible", severity="error", timeout=8)
            if isinstance(error, (ChangedElsewhere, NotFound)):
                self.load()  # show what the other terminal did
            return False
        self.load()
        if done:
            self.notify(done, timeout=4)
        return True

    def _after_dialog(self, done):
        """A dialog callback that reloads and tells what happened when something was done."""
        def callback(result) -> None:
            self.load()
            if result:
                self.notify(done(result) if callable(done) else done, timeout=5)
        return callback

    def _money_summary(self) -> str:
        money = ledger.invoice_money(self.invoice)
        if money.credit:
            return f"Credit balance {format_money(money.credit)}."
        if money.due:
            return f"Balance due {format_money(money.due)}."
        return "Paid in full."

    # ------------------------------------------------------------ lines

    def _selected_line(self) -> InvoiceLine | None:
        table = self.query_one("#ir-lines", DataTable)
        if not self._lines or table.cursor_row < 0 or table.cursor_row >= len(self._lines):
            return None
        return self._lines[table.cursor_row]

    def action_add_line(self) -> None:
        try:
            invoice_data.check_editable(self.invoice)
        except DomainError as error:
            self.notify(str(error), title="Not possible", severity="error", timeout=8)
            return
        self.app.push_screen(LineDialog(self.invoice), self._after_dialog(
            lambda line: f"Line added: {line.description[:40]}. {self._money_summary()}"))

    def action_edit_line(self) -> None:
        line = self._selected_line()
        if line is None:
            self.notify("There is no line to edit; a adds one.", timeout=4)
            return
        try:
            invoice_data.check_editable(self.invoice)
        except DomainError as error:
            self.notify(str(error), title="Not possible", severity="error", timeout=8)
            return
        self.app.push_screen(LineDialog(self.invoice, line), self._after_dialog(
            lambda line: f"Line {line.position} saved. {self._money_summary()}"))

    @on(DataTable.RowSelected, "#ir-lines")
    def _line_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_line()

    def action_remove_line(self) -> None:
        line = self._selected_line()
        if line is None:
            self.notify("There is no line to remove.", timeout=4)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(lambda: invoice_data.remove_line(line), f"Line removed. {self._money_summary()}")

        self.app.push_screen(ConfirmDialog(
            f"Remove line {line.position}: {line.quantity} x {line.description[:50]} "
            f"({format_money(line.amount_cents)})?", "Remove", "Keep"), answered)

    # ------------------------------------------------------------ money

    def action_payment(self) -> None:
        invoice = self.invoice
        try:
            ledger.check_payable(invoice)
        except DomainError as error:
            self.notify(str(error), title="Not possible", severity="error", timeout=8)
            return
        deposits = ledger.outstanding_deposits(invoice.client)
        if deposits and ledger.invoice_money(invoice).due > 0:
            self.app.push_screen(DepositOfferDialog(invoice, deposits), self._deposits_done)
        else:
            self._payment_dialog(0)

    def _deposits_done(self, applied: int | None) -> None:
        self.load()
        if applied is None:
            return
        if applied and ledger.invoice_money(self.invoice).due <= 0:
            self.notify(f"{format_money(applied)} of deposits applied. {self._money_summary()}", timeout=5)
            return
        self._payment_dialog(applied)

    def _payment_dialog(self, applied: int) -> None:
        def done(entry) -> None:
            self.load()
            if entry is not None:
                self.notify(f"Payment of {format_money(entry.amount_cents)} taken. {self._money_summary()}",
                            timeout=5)
            elif applied:
                self.notify(f"{format_money(applied)} of deposits applied. {self._money_summary()}", timeout=5)

        self.app.push_screen(PaymentDialog(self.invoice, applied), done)

    def action_refund(self) -> None:
        if not ledger.invoice_money(self.invoice).credit:
            self.notify(f"Invoice {self.invoice.display_number} has no credit balance to refund. "
                        f"{self._money_summary()}", title="Nothing to refund", severity="warning", timeout=6)
            return
        self.app.push_screen(RefundDialog(self.invoice), self._after_dialog(
            lambda entry: f"Refund of {format_money(entry.amount_cents)} recorded. {self._money_summary()}"))

    def action_deposit(self) -> None:
        client = self.invoice.client
        self.app.push_screen(DepositDialog(client), self._after_dialog(
            lambda entry: f"Deposit of {format_money(entry.amount_cents)} taken for {client.full_name}."))

    def action_transfer(self) -> None:
        if not ledger.invoice_money(self.invoice).credit:
            self.notify(f"Invoice {self.invoice.display_number} has no credit balance to transfer. "
                        f"{self._money_summary()}", title="Nothing to transfer", severity="warning", timeout=6)
            return
        self.app.push_screen(TransferCreditDialog(self.invoice), self._after_dialog(
            lambda entry: f"{format_money(entry.amount_cents)} of credit moved to invoice "
                          f"{entry.target_invoice.display_number}."))

    def action_void_entry(self) -> None:
        table = self.query_one("#ir-ledger", DataTable)
        live = [e for e in self._entries if e.kind != LedgerEntry.VOID and e.id not in self._voided]
        if not live:
            self.notify("There is no payment or credit on this invoice to void.", timeout=5)
            return
        if self.focused is not table and len(live) > 1:
            table.focus()
            self.notify("Choose the entry with ↑ ↓ in 'Payments and credits', then press v again.", timeout=6)
            return
        entry = (self._entries[table.cursor_row] if self.focused is table and 0 <= table.cursor_row < len(self._entries)
                 else live[0])
        self.app.push_screen(void_entry_dialog(entry), self._after_dialog(
            lambda _void: f"Entry #{entry.id} voided. {self._money_summary()}"))

    # ------------------------------------------------------------ invoice-level actions

    def action_bill_to(self) -> None:
        try:
            invoice_data.check_editable(self.invoice)
            from .clients import ClientSearchDialog
        except DomainError as error:
            self.notify(str(error), title="Not possible", severity="error", timeout=8)
            return
        except ImportError:
            self.notify("Client search is not installed in this version.", severity="warning")
            return

        def chosen(client) -> None:
            if client is not None:
                self._run(lambda: invoice_data.change_bill_to(self.invoice, client),
                          f"Invoice {self.invoice.display_number} is now billed to {client.full_name}.")

        self.app.push_screen(ClientSearchDialog(), chosen)

    def action_convert(self) -> None:
        estimate = self.invoice
        if not estimate.is_estimate:
            self.notify(f"Invoice {estimate.display_number} is not an estimate.", severity="warning")
            return
        kinds = Invoice.SESSION_KINDS if estimate.basis == "session" else (Invoice.GENERIC,)

        def chosen(kind: str | None) -> None:
            if not kind:
                return
            try:
                invoice = invoice_data.convert_estimate(estimate, kind)
            except WRITE_ERRORS as error:
                self.notify(readable(error), title="Not converted", severity="error", timeout=8)
                return
            self.load()
            self.app.push_screen(InvoiceRecord(invoice))
            self.notify(f"Estimate {estimate.display_number} is now invoice {invoice.display_number} ({kind}).",
                        timeout=5)

        self.app.push_screen(ChoiceDialog(f"Convert estimate {estimate.display_number} into", 
                                          [(kind, kind) for kind in kinds]), chosen)

    def action_void_invoice(self) -> None:
        invoice = self.invoice
        self.app.push_screen(ReasonDialog(
            f"Void invoice {invoice.display_number}",
            "A void invoice keeps its number and owes nothing. Why is it voided?",
            lambda reason: invoice_data.void_invoice(invoice, reason), confirm="Void invoice",
            placeholder="e.g. Created by mistake"),
            self._after_dialog(f"Invoice {invoice.display_number} is void."))

    def action_open_related(self) -> None:
        options = [("client", f"Client: {self.invoice.client.full_name}")]
        if self.invoice.bill_to_id != self.invoice.client_id:
            options.append(("bill_to", f"Bill-To: {self.invoice.bill_to.full_name}"))
        if self.invoice.session_id:
            options.append(("session", f"Session {self.invoice.session.number}"))
        if self.invoice.source_id:
            options.append(("source", f"Original: {self.invoice.source.display_number}"))

        def chosen(what: str | None) -> None:
            if what == "session":
                from .sessions import SessionRecord

                self.app.push_screen(SessionRecord(self.invoice.session))
            elif what == "source":
                self.app.push_screen(InvoiceRecord(self.invoice.source))
            elif what in ("client", "bill_to"):
                try:
                    from .clients import ClientRecord
                except ImportError:
                    self.notify("The client record is not installed in this version.", severity="warning")
                    return
                self.app.push_screen(ClientRecord(self.invoice.client if what == "client" else self.invoice.bill_to))

        self.app.push_screen(ChoiceDialog("Open", options), chosen)

    def action_file_menu(self) -> None:
        options = [
            ("payment", menu_entry("Payment (deposits offered first)", "p")),
            ("refund", menu_entry("Refund from the credit balance", "r")),
            ("transfer", menu_entry("Transfer Credit Balance", "t")),
            ("deposit", menu_entry("Take a deposit for the client", "d")),
            ("void_entry", menu_entry("Void a payment or credit entry", "v")),
            ("bill_to", menu_entry("Change Bill-To", "b")),
            ("add_line", menu_entry("Add a line", "a")),
        ]
        if self.invoice.is_estimate:
            options.append(("convert", menu_entry("Convert estimate into an invoice", "c")))
        options += [
            ("void_invoice", menu_entry("Void invoice", "Shift+X")),
            ("open_related", menu_entry("Open client / session", "o")),
            ("save_close", menu_entry("Save & Close", "Ctrl+W")),
        ]

        def chosen(action: str | None) -> None:
            if action:
                getattr(self, f"action_{action}")()

        self.app.push_screen(ChoiceDialog(f"File · invoice {self.invoice.display_number}", options), chosen)
