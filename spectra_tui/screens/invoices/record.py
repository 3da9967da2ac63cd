"""The invoice record: header, lines, totals, the ledger, and every money flow.

A new invoice opens unsaved (data.invoices.new_invoice): it is stored and
numbered by its first line or Save & Close; closed untouched, it leaves
nothing behind."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from ...data import invoices as invoice_data
from ...data import ledger
from ...data.clock import to_local
from ...data.errors import DomainError, NotFound
from ...data.models import Invoice, InvoiceLine, LedgerEntry
from ...data.money import format_money
from ...data.permissions import Permission, allowed, why_not
from ...data.versions import ChangedElsewhere, reloaded
from .. import keymap
from ..base import KeyBar, RecordScreen
from ..dialogs import WRITE_ERRORS, ChoiceDialog, ConfirmDialog, MenuDialog, ReasonDialog, readable
from ..formats import GAP, fmt_day, labelled, money_cell
from ..money import (
    DepositDialog,
    DepositOfferDialog,
    PaymentDialog,
    RefundDialog,
    TransferCreditDialog,
    void_entry_dialog,
)
from ..open_record import choose_client, open_client, open_invoice, open_session
from .line_dialog import LineDialog
from .pdf import save_pdf


class InvoiceRecord(RecordScreen):
    """One invoice, credit memo or estimate: header, lines, totals, ledger."""

    DEFAULT_CSS = """
    InvoiceRecord #ir-head { height: auto; padding: 0 1; background: $boost; }
    InvoiceRecord .part-title { height: 1; padding: 0 1; color: $accent; text-style: bold; }
    InvoiceRecord #ir-lines { height: 3fr; min-height: 4; }
    InvoiceRecord #ir-totals { height: auto; padding: 0 1; border-top: solid $panel-lighten-2; }
    InvoiceRecord #ir-ledger { height: 2fr; min-height: 4; }
    """
    BINDINGS = keymap.bindings("invoice_record")

    def __init__(self, invoice: Invoice, image_number: int | None = None, offer_payment: bool = False):
        super().__init__()
        self.invoice = invoice
        self.image_number = image_number  # the presentation's image on screen: the Image # of new lines
        self.offer_payment = offer_payment  # an order just recorded: its payment is offered at once
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
        yield Static("Payments and credits", classes="part-title", id="ir-ledger-title")
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
        if self.offer_payment:
            self.call_after_refresh(self.action_payment)

    def on_screen_resume(self) -> None:
        self.load()

    # ------------------------------------------------------------ showing it

    @property
    def unsaved(self) -> bool:
        """A new invoice not stored (nor numbered) yet."""
        return invoice_data.is_unsaved(self.invoice)

    @property
    def what(self) -> str:
        """'Invoice', 'Estimate' or 'Credit memo'."""
        if self.invoice.is_estimate:
            return "Estimate"
        return "Credit memo" if self.invoice.kind == Invoice.CREDIT_MEMO else "Invoice"

    def load(self) -> None:
        if self.unsaved:
            row = invoice_data.InvoiceRow(self.invoice, paid=0, balance=0)
            money = ledger.InvoiceMoney(total=0, paid=0)
        else:
            self.dirty = False  # a stored invoice's changes are written as they are made
            self.invoice = reloaded(self.invoice)
            row = invoice_data.invoice_row(self.invoice)
            money = ledger.invoice_money(self.invoice)
        invoice = self.invoice
        what = self.what
        self.title = f"Spectra · New {what.lower()}" if self.unsaved else f"Spectra · {what} {invoice.display_number}"
        state = "not saved yet" if self.unsaved else row.state
        head = Text.assemble(
            (f"{what} {invoice.display_number} ", "bold"),
            f"· {invoice.kind} · ",
            (f"{state} ", "bold"),
            f"· {fmt_day(invoice.invoice_date)}\n",
        )
        fields: list[tuple[str, str | tuple[str, str]]] = [
            ("Client", invoice.client.full_name),
            ("Bill-To", invoice.bill_to.full_name),
        ]
        session, source = invoice.session, invoice.source
        if session is not None:
            when = fmt_day(session.start.date())
            fields.append(("Session", f"{session.number} ({session.session_type.name}, {when})"))
        if source is not None:
            fields.append(("From", source.display_number))
        if invoice.status == Invoice.CONVERTED:
            made = [i.display_number for i in invoice_data.made_from(invoice)]
            if made:
                fields.append(("Became invoice", ", ".join(made)))
        head.append_text(labelled(*fields))
        self.query_one("#ir-head", Static).update(head)
        self._fill_lines()
        self._fill_totals(row, money)
        self._fill_ledger()
        self.refresh_bindings()

    def _fill_lines(self) -> None:
        table = self.query_one("#ir-lines", DataTable)
        cursor = table.cursor_row
        table.clear()
        self._lines = [] if self.unsaved else invoice_data.lines_of(self.invoice)
        for line in self._lines:
            table.add_row(
                str(line.position),
                line.item.code if line.item is not None else "",
                line.description,
                Text(str(line.quantity), justify="right"),
                money_cell(line.unit_price_cents),
                Text(str(line.image_number or ""), justify="right"),
                "yes" if line.taxable else "",
                money_cell(line.amount_cents),
                key=str(line.id),
            )
        if self._lines:
            table.move_cursor(row=min(max(cursor, 0), len(self._lines) - 1))
        self.query_one("#ir-lines-title", Static).update(
            f"Lines ({len(self._lines)})"
            + (
                " [dim]· "
                + keymap.hint(
                    ("invoice_record.add_line", "adds"),
                    ("table.open", "edits"),
                    ("invoice_record.remove_line", "removes"),
                )
                + "[/dim]"
                if self._lines
                else f" [dim]· press {keymap.key('invoice_record.add_line')} to add one[/dim]"
            )
        )

    def _fill_totals(self, row: invoice_data.InvoiceRow, money: ledger.InvoiceMoney) -> None:
        invoice = self.invoice
        rate = (Decimal(invoice.tax_rate) * 100).normalize()
        totals = labelled(
            ("Subtotal", format_money(invoice.subtotal_cents)),
            (f"Tax {rate:f}%{' incl.' if invoice.tax_included else ''}", format_money(invoice.tax_cents)),
            ("Total", (format_money(invoice.total_cents), "bold")),
        )
        totals.append("\n")
        if invoice.is_estimate:
            totals.append(
                "An estimate takes no payments: c converts it into an invoice."
                if invoice.status == Invoice.OPEN
                else f"{row.state}.",
                style="dim",
            )
        elif invoice.status == Invoice.VOID:
            totals.append("Void: owes nothing.", style="dim")
        else:
            totals.append_text(labelled(("Paid", format_money(money.paid) + GAP)))
            if money.credit:
                totals.append(f"Credit balance {format_money(money.credit)}", style="bold green")
            elif money.due:
                totals.append(f"Balance due {format_money(money.due)}", style="bold yellow")
            else:
                totals.append("Balance $0.00", style="bold")
        on_hand = ledger.deposits_on_hand(invoice.client) if money.due and not invoice.is_estimate else 0
        if on_hand:
            totals.append(
                f"\n{format_money(on_hand)} of deposits on hand: p offers them before the payment.", style="green"
            )
        self.query_one("#ir-totals", Static).update(totals)

    def _entry_cells(self, entry: LedgerEntry) -> tuple:
        label = ledger.entry_label(entry, self.invoice.id)
        method = " ".join(p for p in (entry.method, entry.reference) if p)
        voided = entry.id in self._voided
        style = "strike dim" if voided else ("dim" if entry.kind == LedgerEntry.VOID else "")
        effect = ledger.shown_effect(entry, self.invoice.id)
        amount = ("+" if effect > 0 else "") + format_money(effect)
        note = entry.note + (" (voided)" if voided else "")
        return (
            Text(f"{to_local(entry.created_at):%m/%d/%y}", style=style),
            Text(f"#{entry.id} {label}", style=style),
            Text(method, style=style),
            Text(amount, justify="right", style=style),
            Text(note.strip(), style=style),
        )

    def _fill_ledger(self) -> None:
        table = self.query_one("#ir-ledger", DataTable)
        cursor = table.cursor_row
        table.clear()
        self._entries = [] if self.unsaved else ledger.entries_for(self.invoice)
        self._voided = ledger.voided_ids([e.id for e in self._entries])
        for entry in self._entries:
            table.add_row(*self._entry_cells(entry), key=str(entry.id))
        can_void = any(e.kind != LedgerEntry.VOID and e.id not in self._voided for e in self._entries)
        hints = [("table.open", "voids the highlighted entry")] if can_void else []
        if self._entries:
            hints.append(("invoice_record.save_pdf", "saves its receipt as PDF"))
        self.query_one("#ir-ledger-title", Static).update(
            "Payments and credits" + (f" [dim]· {keymap.hint(*hints)}[/dim]" if hints else "")
        )
        if self._entries:
            table.move_cursor(row=min(max(cursor, 0), len(self._entries) - 1))

    # ------------------------------------------------------------ helpers

    def save(self) -> bool:
        """Save & Close: a new invoice is stored and numbered now; a saved one has nothing left to save."""
        if self.unsaved:
            invoice_data.save_new(self.invoice)
            self.notify(f"{self.invoice.kind} {self.invoice.display_number} saved.", timeout=4)
        return True

    def _saved_first(self) -> bool:
        """False (and says so) on a new invoice, which takes no money and cannot be voided or converted yet."""
        if not self.unsaved:
            return True
        self.notify(
            f"This new {self.what.lower()} is not saved yet: {keymap.key('invoice_record.add_line')} adds its first "
            f"line (that numbers it), {keymap.key('save_close')} saves it as it is.",
            title="Not saved yet",
            severity="warning",
            timeout=6,
        )
        return False

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
        was_new = self.unsaved
        self.app.push_screen(
            LineDialog(self.invoice, image_number=self.image_number),
            self._after_dialog(
                lambda line: (
                    (f"{self.invoice.kind} {self.invoice.display_number} saved. " if was_new else "")
                    + f"Line added: {line.description[:40]}. {self._money_summary()}"
                )
            ),
        )

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
        self.app.push_screen(
            LineDialog(self.invoice, line),
            self._after_dialog(lambda line: f"Line {line.position} saved. {self._money_summary()}"),
        )

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

        self.app.push_screen(
            ConfirmDialog(
                f"Remove line {line.position}: {line.quantity} x {line.description[:50]} "
                f"({format_money(line.amount_cents)})?",
                "Remove",
                "Keep",
            ),
            answered,
        )

    # ------------------------------------------------------------ money

    def action_payment(self) -> None:
        if not self._saved_first():
            return
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
                self.notify(f"Payment of {format_money(entry.amount_cents)} taken. {self._money_summary()}", timeout=5)
            elif applied:
                self.notify(f"{format_money(applied)} of deposits applied. {self._money_summary()}", timeout=5)

        self.app.push_screen(PaymentDialog(self.invoice, applied), done)

    def _has_credit_to(self, what: str) -> bool:
        """Whether the invoice has a credit balance to refund or transfer; says so when not."""
        if ledger.invoice_money(self.invoice).credit:
            return True
        self.notify(
            f"Invoice {self.invoice.display_number} has no credit balance to {what}. {self._money_summary()}",
            title=f"Nothing to {what}",
            severity="warning",
            timeout=6,
        )
        return False

    def action_refund(self) -> None:
        if not self._saved_first():
            return
        if not self._has_credit_to("refund"):
            return
        self.app.push_screen(
            RefundDialog(self.invoice),
            self._after_dialog(
                lambda entry: f"Refund of {format_money(entry.amount_cents)} recorded. {self._money_summary()}"
            ),
        )

    def action_deposit(self) -> None:
        client = self.invoice.client
        self.app.push_screen(
            DepositDialog(client),
            self._after_dialog(
                lambda entry: f"Deposit of {format_money(entry.amount_cents)} taken for {client.full_name}."
            ),
        )

    def action_transfer(self) -> None:
        if not self._saved_first():
            return
        if not self._has_credit_to("transfer"):
            return
        self.app.push_screen(
            TransferCreditDialog(self.invoice),
            self._after_dialog(
                lambda entry: (
                    f"{format_money(entry.amount_cents)} of credit moved to invoice "
                    f"{entry.target_invoice.display_number}."
                )
            ),
        )

    def _may(self, permission: Permission) -> bool:
        """False, after saying who may, when the signed-in user may not."""
        refused = why_not(permission)
        if refused:
            self.notify(refused, title="Not allowed", severity="error", timeout=8)
        return not refused

    def action_void_entry(self) -> None:
        if not self._saved_first() or not self._may(Permission.VOID_PAYMENT):
            return
        table = self.query_one("#ir-ledger", DataTable)
        live = [e for e in self._entries if e.kind != LedgerEntry.VOID and e.id not in self._voided]
        if not live:
            self.notify("There is no payment or credit on this invoice to void.", timeout=5)
            return
        if self.focused is not table and len(live) > 1:
            table.focus()
            self.notify(
                f"Choose the entry with {keymap.widget_key('list')} in 'Payments and credits', "
                f"then press {keymap.key('table.open')}.",
                timeout=6,
            )
            return
        entry = (
            self._entries[table.cursor_row]
            if self.focused is table and 0 <= table.cursor_row < len(self._entries)
            else live[0]
        )
        if entry not in live:
            what = "is a void" if entry.kind == LedgerEntry.VOID else "is already voided"
            self.notify(f"Entry #{entry.id} {what}: choose a payment or credit to void.", timeout=5)
            return
        try:
            ledger.check_voidable(entry)  # a posted day's entry: said before a reason is asked for
        except DomainError as error:
            self.notify(str(error), title="Not possible", severity="error", timeout=10)
            return
        self.app.push_screen(
            void_entry_dialog(entry),
            self._after_dialog(lambda _void: f"Entry #{entry.id} voided. {self._money_summary()}"),
        )

    def action_save_pdf(self) -> None:
        """The invoice as PDF; from the highlighted line of 'Payments and credits', that payment's receipt."""
        if not self._saved_first():
            return
        table = self.query_one("#ir-ledger", DataTable)
        on_entry = self.focused is table and 0 <= table.cursor_row < len(self._entries)
        save_pdf(self, self._entries[table.cursor_row] if on_entry else self.invoice)

    @on(DataTable.RowSelected, "#ir-ledger")
    def _entry_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_void_entry()

    # ------------------------------------------------------------ invoice-level actions

    def action_bill_to(self) -> None:
        try:
            invoice_data.check_editable(self.invoice)
        except DomainError as error:
            self.notify(str(error), title="Not possible", severity="error", timeout=8)
            return

        def chosen(client) -> None:
            if client is not None and self.unsaved:
                self.invoice.bill_to = client  # stored with the invoice
                self.dirty = True
                self.load()
            elif client is not None:
                self._run(
                    lambda: invoice_data.change_bill_to(self.invoice, client),
                    f"Invoice {self.invoice.display_number} is now billed to {client.full_name}.",
                )

        choose_client(self.app, chosen)

    def action_convert(self) -> None:
        if not self._saved_first():
            return
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
            open_invoice(self.app, invoice)
            self.notify(
                f"Estimate {estimate.display_number} is now invoice {invoice.display_number} ({kind}).", timeout=5
            )

        self.app.push_screen(
            ChoiceDialog(f"Convert estimate {estimate.display_number} into", [(kind, kind) for kind in kinds]), chosen
        )

    def action_void_invoice(self) -> None:
        if not self._saved_first() or not self._may(Permission.VOID_INVOICE):
            return
        invoice = self.invoice
        self.app.push_screen(
            ReasonDialog(
                f"Void invoice {invoice.display_number}",
                "A void invoice keeps its number and owes nothing. Why is it voided?",
                lambda reason: invoice_data.void_invoice(invoice, reason),
                confirm="Void invoice",
                placeholder="e.g. Created by mistake",
            ),
            self._after_dialog(f"Invoice {invoice.display_number} is void."),
        )

    def action_send_to_production(self) -> None:
        """One production order per vendor of the lines (screens/production.py says how many)."""
        from ..production import send_to_production

        if self._saved_first() and send_to_production(self, self.invoice):
            self.load()

    def action_open_related(self) -> None:
        options = [("client", f"Client: {self.invoice.client.full_name}")]
        if self.invoice.bill_to_id != self.invoice.client_id:
            options.append(("bill_to", f"Bill-To: {self.invoice.bill_to.full_name}"))
        session, source = self.invoice.session, self.invoice.source
        if session is not None:
            options.append(("session", f"Session {session.number}"))
        if source is not None:
            options.append(("source", f"Original: {source.display_number}"))

        def chosen(what: str | None) -> None:
            if what == "session" and session is not None:
                open_session(self.app, session)
            elif what == "source" and source is not None:
                open_invoice(self.app, source)
            elif what in ("client", "bill_to"):
                open_client(self.app, self.invoice.client if what == "client" else self.invoice.bill_to)

        self.app.push_screen(ChoiceDialog("Open", options), chosen)

    def action_file_menu(self) -> None:
        def manager_only(permission: Permission) -> str:
            return "" if allowed(permission) else " (manager)"

        options = [
            ("payment", "Payment (deposits offered first)", "invoice_record.payment"),
            ("refund", "Refund from the credit balance", "invoice_record.refund"),
            ("transfer", "Transfer Credit Balance", "invoice_record.transfer"),
            ("deposit", "Take a deposit for the client", "invoice_record.deposit"),
            (
                "void_entry",
                "Void a payment or credit entry" + manager_only(Permission.VOID_PAYMENT),
                "invoice_record.void_entry",
            ),
            ("bill_to", "Change Bill-To", "invoice_record.bill_to"),
            ("add_line", "Add a line", "invoice_record.add_line"),
        ]
        if self.invoice.is_estimate:
            options.append(("convert", "Convert estimate into an invoice", "invoice_record.convert"))
        options += [
            ("void_invoice", "Void invoice" + manager_only(Permission.VOID_INVOICE), "invoice_record.void_invoice"),
            ("save_pdf", "Save as PDF (on a payment: its receipt)", "invoice_record.save_pdf"),
            ("send_to_production", "Send to production", "invoice_record.production"),
            ("open_related", "Open client / session", "invoice_record.open_related"),
            ("save_close", "Save & Close", "save_close"),
        ]

        def chosen(action: str | None) -> None:
            if action:
                getattr(self, f"action_{action}")()

        self.app.push_screen(MenuDialog(f"File · invoice {self.invoice.display_number}", options), chosen)
