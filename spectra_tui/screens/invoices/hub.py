"""The Invoices hub (F7): open an invoice by number, or list them by status,
dates and balance.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, Label, Select

from ...data import invoices as invoice_data
from ...data import ledger
from ...data.errors import DomainError
from ...data.when import parse_day_range
from .. import keymap
from ..base import HubScreen
from ..exports import start_export
from ..formats import balance_cell, fmt_day, money_cell
from ..list_hub import counted
from ..open_record import open_invoice
from ..palette import ScreenCommands
from ..widgets import Note, PagedTable

STATUS_CHOICES = [
    ("All", "all"),
    ("Open", "open"),
    ("Paid", "paid"),
    ("Credit", "credit"),
    ("Void", "void"),
    ("Estimates", "estimates"),
]
SORT_CHOICES = [("Newest", "date"), ("Balance due", "balance")]


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
    BINDINGS = keymap.bindings("invoices", "export.invoices")
    COMMANDS = {ScreenCommands}
    PALETTE_ACTIONS = ("export.invoices",)

    def __init__(self) -> None:
        super().__init__()
        self._query: invoice_data.InvoiceQuery | None = None
        self._timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="search-row", id="inv-number-row"):
            yield Label("[b]Invoice #[/b]")
            yield Input(id="inv-number", compact=True, placeholder="1043 or E12", max_length=12)
            yield Note(f"{keymap.widget_key('submit')} opens it · E12 opens estimate 12", id="inv-number-hint")
        with Horizontal(classes="search-row"):
            yield Label("Show")
            yield Select(STATUS_CHOICES, value="all", allow_blank=False, compact=True, id="inv-status")
            yield Label("From")
            yield Input(id="inv-from", compact=True, placeholder="any day", max_length=30)
            yield Label("To")
            yield Input(id="inv-to", compact=True, placeholder="any day", max_length=30)
            yield Label("Sort")
            yield Select(SORT_CHOICES, value="date", allow_blank=False, compact=True, id="inv-sort")
        yield Note("", id="inv-message")
        yield PagedTable(
            [
                ("Invoice", 7),
                ("Date", 10),
                ("Type", 13),
                ("Client", 24),
                ("Status", 9),
                ("Total", 11),
                ("Paid", 11),
                ("Balance", 14),
            ],
            self._cells,
            key=lambda row: row.invoice.id,
            id="inv-results",
            narrow_columns=[(0, 6, "No."), (1, 10), (3, 17), (4, 9), (5, 11), (7, 12)],
            narrow_below=110,
        )

    @staticmethod
    def _cells(row: invoice_data.InvoiceRow) -> tuple:
        invoice = row.invoice
        owes = ledger.can_owe(invoice)
        return (
            invoice.display_number,
            fmt_day(invoice.invoice_date),
            invoice.kind,
            invoice.client.full_name,
            row.state,
            money_cell(invoice.total_cents, "dim" if not owes else ""),
            money_cell(row.paid) if owes else "",
            balance_cell(row.balance) if owes else "",
        )

    def on_mount(self) -> None:
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
            self._number_hint(
                f"Type an invoice number (or E and an estimate number), then {keymap.widget_key('submit')}.", error=True
            )
            return
        try:
            invoice = invoice_data.get_invoice(text)
        except DomainError as error:
            self._number_hint(str(error), error=True)
            return
        self._number_hint(f"{keymap.widget_key('submit')} opens it · E12 opens estimate 12")
        self.query_one("#inv-number", Input).clear()  # back in the hub, the next number is typed afresh
        open_invoice(self.app, invoice)

    # ------------------------------------------------------------ the list

    def _message(self, text: str, error: bool = False) -> None:
        self.query_one("#inv-message", Note).say(text, error)

    def build_query(self) -> invoice_data.InvoiceQuery:
        date_from, date_to = parse_day_range(
            self.query_one("#inv-from", Input).value, self.query_one("#inv-to", Input).value
        )
        return invoice_data.InvoiceQuery(
            status=str(self.query_one("#inv-status", Select).value),  # never blank (allow_blank=False)
            date_from=date_from,
            date_to=date_to,
            sort=str(self.query_one("#inv-sort", Select).value),  # never blank
        )

    def search(self, force: bool = False) -> bool:
        try:
            query = self.build_query()
            if query == self._query and not force:
                return True
            keep = self.table.selected_key if force else None
        except DomainError as error:
            self._message(str(error), error=True)
            return False
        self._query = query

        def show(count: int) -> None:
            if keep is not None:
                self.table.move_to_key(keep)
            self._message(
                f"{counted(count, 'invoice')} · "
                + keymap.hint(("table.open", "opens"), ("invoices.number", "types a number"))
            )

        self.table.load(
            lambda after, limit: invoice_data.search_invoices(query, limit, after),
            show,
            lambda page: invoice_data.count_invoices(query),
        )
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
        self._number_hint(f"{keymap.widget_key('submit')} opens it · E12 opens estimate 12")

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
            self.table.focus_when_loaded()

    @on(PagedTable.Chosen, "#inv-results")
    def _chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        open_invoice(self.app, event.row.invoice)

    def action_focus_results(self) -> None:
        self.table.focus_when_loaded()

    def action_export(self, choices: tuple[str, ...]) -> None:
        start_export(self, choices)

    def action_focus_number(self) -> None:
        number = self.query_one("#inv-number", Input)
        number.focus()
        number.select_all()
