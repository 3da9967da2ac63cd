"""Money dialogs: payment (after offering the client's deposits), refund,
deposit, credit transfer and voiding a ledger entry.

Amounts are typed as people type them ("125", "$1,250.50") and read with
data.money.parse_money (strictly, in the studio's locale) into integer
cents: no float ever. Every dialog calls one service of data.ledger; a
broken rule (DomainError) is shown under the fields, the dialog stays open
and nothing typed is lost. An overpayment is asked about at the amount
before it is taken.
"""

from typing import cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, SelectionList, Static
from textual.widgets.option_list import Option

from ..data import invoices as invoice_data
from ..data import ledger
from ..data.clock import to_local
from ..data.errors import ValidationError
from ..data.models import Client, Invoice, LedgerEntry
from ..data.money import format_money, parse_money, typed_amount
from . import keymap
from .dialogs import WRITE_ERRORS, ReasonDialog, readable
from .hooks import ScreenHooks

METHOD_LABELS = {"card": "Card", "cash": "Cash", "check": "Check", "other": "Other"}
DEFAULT_METHOD = "card"


def plain_amount(cents: int) -> str:
    """What an amount field is pre-filled with: '1,250.50' in the studio's locale (no symbol)."""
    return typed_amount(cents)


class MethodSet(RadioSet):
    """How the money is paid: the arrows choose (what is highlighted is what
    is taken), Enter submits the dialog, as its button says."""

    BINDINGS = keymap.bindings("money_method")

    def on_mount(self) -> None:
        self.call_after_refresh(self._start_at_pressed)

    def _start_at_pressed(self) -> None:
        # Textual highlights the first button, whichever is pressed: start from the pressed one.
        self._selected = max(self.pressed_index, 0)

    def action_choose(self, step: int) -> None:
        if step > 0:
            self.action_next_button()
        else:
            self.action_previous_button()
        self.action_toggle_button()

    def action_submit(self) -> None:
        dialog = cast(MoneyDialog, self.screen)  # the set is shown only in a money dialog
        self.call_after_refresh(dialog.action_save_close)  # after the set has taken the last arrow's choice


def describe_entry(entry: LedgerEntry) -> str:
    """'Payment $50.00 (card 1234) on 11/26/2026'."""
    what = ledger.KIND_LABELS[entry.kind]
    method = f" ({entry.method}{' ' + entry.reference if entry.reference else ''})" if entry.method else ""
    return f"{what} {format_money(entry.amount_cents)}{method} on {to_local(entry.created_at):%m/%d/%Y}"


class MoneyDialog(ScreenHooks, ModalScreen):
    """A small money form: a summary, fields, an error line and two buttons.

    Subclasses compose their fields in ``compose_fields`` and implement
    ``submit()`` (call the service; raise DomainError on a broken rule).
    Enter in a field or Ctrl+W submits; Escape goes back without doing anything.
    """

    DEFAULT_CSS = """
    MoneyDialog { align: center middle; }
    MoneyDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    MoneyDialog .dialog-title { height: 1; text-style: bold; }
    MoneyDialog .summary { height: auto; margin-bottom: 1; }
    MoneyDialog .field-row { height: auto; margin-bottom: 1; }
    MoneyDialog .field-row > Label { width: 12; color: $text-muted; }
    MoneyDialog .field-row > Input { width: 1fr; }
    MoneyDialog #amount { width: 20; }
    MoneyDialog .field-hint { width: 1fr; padding-left: 1; color: $text-muted; }
    MoneyDialog .field-hint.-ask { color: $warning; text-style: bold; }
    MoneyDialog RadioSet { layout: horizontal; height: 1; border: none; padding: 0; background: transparent; }
    MoneyDialog RadioSet:focus { background: $boost; }
    MoneyDialog RadioButton { width: auto; margin-right: 1; padding: 0; border: none; background: transparent; }
    MoneyDialog .method-row { height: 1; margin-bottom: 1; }
    MoneyDialog .method-row > Label { width: 12; color: $text-muted; }
    MoneyDialog #error { color: $error; height: auto; }
    MoneyDialog .buttons { height: auto; align-horizontal: right; }
    MoneyDialog .buttons Button { margin-left: 1; }
    """
    BINDINGS = keymap.bindings("dialog.cancel")
    TITLE_TEXT = ""
    CONFIRM = "OK"
    FOCUS = "#amount"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.TITLE_TEXT, classes="dialog-title", id="dialog-title")
            yield from self.compose_fields()
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button(
                    f"{self.CONFIRM} ({keymap.widget_key('submit')})", variant="primary", id="ok", compact=True
                )
                yield Button(f"Back ({keymap.key('dialog.cancel')})", id="back", compact=True)

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        focus = self.query(self.FOCUS)
        if focus:
            focus.first().focus()

    def show_error(self, message: str, field: str | None = None) -> None:
        self.query_one("#error", Static).update(message)
        target = {"amount": "#amount", "reference": "#reference", "method": "#method"}.get(field or "")
        if target and self.query(target):
            self.query_one(target).focus()

    def submit(self):
        raise NotImplementedError

    def action_save_close(self) -> None:
        try:
            result = self.submit()
        except WRITE_ERRORS as error:
            self.show_error(readable(error), getattr(error, "field", None))
            return
        if result is not None:  # None: a question was asked at a field
            self.dismiss(result)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save_close()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.action_save_close()
        elif event.button.id == "back":
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    # ------------------------------------------------------------ shared fields

    def amount_row(self, default: int | None, hint: str = "") -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label("Amount")
            yield Input(
                plain_amount(default) if default else "",
                id="amount",
                compact=True,
                placeholder=f"e.g. 125 or {typed_amount(125050)}",
                max_length=20,
                select_on_focus=True,
            )
            yield Static(hint, classes="field-hint", id="amount-hint")

    def method_rows(self, default: str = DEFAULT_METHOD) -> ComposeResult:
        with Horizontal(classes="method-row"):
            yield Label("Method")
            with MethodSet(id="method", compact=True):
                for method in LedgerEntry.METHODS:
                    yield RadioButton(
                        METHOD_LABELS[method], value=method == default, id=f"method-{method}", compact=True
                    )
        with Horizontal(classes="field-row"):
            yield Label("Reference")
            yield Input(id="reference", compact=True, placeholder="check number, card slip…", max_length=100)
        with Horizontal(classes="field-row"):
            yield Label("Note")
            yield Input(id="note", compact=True, placeholder="optional", max_length=500)

    def amount(self) -> int:
        return parse_money(self.query_one("#amount", Input).value, "amount")

    def method(self) -> str:
        pressed = self.query_one("#method", RadioSet).pressed_button
        if pressed is None or not pressed.id:
            raise ValidationError("Choose how the money is paid: cash, check, card or other.", "method")
        return pressed.id.removeprefix("method-")

    def reference(self) -> str:
        return self.query_one("#reference", Input).value

    def note(self) -> str:
        return self.query_one("#note", Input).value


# ---------------------------------------------------------------- payment


class PaymentDialog(MoneyDialog):
    """Take a payment onto an invoice; the amount defaults to the balance due.
    Dismisses with the new ledger entry (None when nothing was taken)."""

    CONFIRM = "Take payment"

    def __init__(self, invoice: Invoice, applied_from_deposits: int = 0):
        super().__init__()
        self.invoice = invoice
        self.money = ledger.invoice_money(invoice)
        self.applied = applied_from_deposits

    def compose_fields(self) -> ComposeResult:
        invoice, money = self.invoice, self.money
        summary = Text.assemble(
            (f"Invoice {invoice.display_number}", "bold"),
            f" · {invoice.kind} · {invoice.bill_to.full_name}\n",
            "Total ",
            format_money(money.total),
            "   Paid ",
            format_money(money.paid),
            "   ",
            ("Balance due " + format_money(money.due), "bold yellow")
            if money.due
            else (f"Credit {format_money(money.credit)}" if money.credit else "Nothing due", "green"),
        )
        if self.applied:
            summary.append(f"\n{format_money(self.applied)} of deposits was just applied.", style="green")
        yield Static(summary, classes="summary")
        yield from self.amount_row(money.due, self.HINT)
        yield from self.method_rows()

    def on_mount(self) -> None:
        self.query_one("#dialog-title", Static).update(f"Payment · invoice {self.invoice.display_number}")

    HINT = "more than due leaves a credit"

    def submit(self) -> LedgerEntry | None:
        amount = self.amount()
        credit = amount - self.money.due
        if credit > 0 and self.credit_accepted != amount:
            self.ask_about_credit(credit, amount)
            return None
        return ledger.take_payment(self.invoice, amount, self.method(), self.reference(), self.note())

    credit_accepted: int | None = None  # the amount whose credit the receptionist accepted (Enter again)

    def ask_about_credit(self, credit: int, amount: int) -> None:
        """An overpayment is asked about at the field; Enter again takes it."""
        self.credit_accepted = amount
        hint = self.query_one("#amount-hint", Static)
        hint.update(f"{format_money(credit)} will stay as a credit: {keymap.widget_key('submit')} again to take it")
        hint.add_class("-ask")
        self.query_one("#amount", Input).focus()

    @on(Input.Changed, "#amount")
    def _amount_changed(self, event: Input.Changed) -> None:
        if self.credit_accepted is not None:
            self.credit_accepted = None
            hint = self.query_one("#amount-hint", Static)
            hint.update(self.HINT)
            hint.remove_class("-ask")


class DepositList(SelectionList):
    """The deposits to apply: Space ticks one, Enter applies the ticked ones."""

    BINDINGS = keymap.bindings("deposit_list")

    def action_apply(self) -> None:
        cast("DepositOfferDialog", self.screen).action_apply_chosen()  # the list is shown only there


class DepositOfferDialog(ScreenHooks, ModalScreen[int | None]):
    """Before a payment: the client's deposits on hand, offered on their own.

    a applies them all, Enter applies the ticked ones (Space ticks), s skips
    to the payment, Escape stops. Dismisses with the cents applied (0 when
    skipped) or None when the receptionist backed out.
    """

    DEFAULT_CSS = """
    DepositOfferDialog { align: center middle; }
    DepositOfferDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $success; background: $surface; padding: 0 1; }
    DepositOfferDialog .dialog-title { height: 1; text-style: bold; }
    DepositOfferDialog .summary { height: auto; margin-bottom: 1; }
    DepositOfferDialog SelectionList { height: auto; max-height: 10; }
    DepositOfferDialog #error { color: $error; height: auto; }
    DepositOfferDialog .buttons { height: auto; align-horizontal: right; margin-top: 1; }
    DepositOfferDialog .buttons Button { margin-left: 1; }
    """
    BINDINGS = keymap.bindings("deposits", "dialog.cancel")

    def __init__(self, invoice: Invoice, deposits: list[tuple[LedgerEntry, int]]):
        super().__init__()
        self.invoice = invoice
        self.deposits = deposits

    def compose(self) -> ComposeResult:
        due = ledger.invoice_money(self.invoice).due
        total = ledger.deposits_on_hand(self.invoice.client)
        with Vertical():
            yield Static(
                f"Deposits on hand · {self.invoice.client.full_name}   [dim]{keymap.key('dialog.cancel')}: back[/dim]",
                classes="dialog-title",
            )
            yield Static(
                f"{format_money(total)} of deposits is waiting. Apply it to invoice "
                f"{self.invoice.display_number} (balance due {format_money(due)}) before the payment?",
                classes="summary",
            )
            yield DepositList(
                *[
                    (
                        f"{to_local(deposit.created_at):%m/%d/%Y}  {ledger.KIND_LABELS[deposit.kind]}"
                        f"{' (' + deposit.method + ')' if deposit.method else ''}  {format_money(left)} left",
                        deposit.id,
                        True,
                    )
                    for deposit, left in self.deposits
                ],
                id="deposits",
            )
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button(
                    f"Apply all ({keymap.key('deposits.apply_all')})", variant="success", id="all", compact=True
                )
                yield Button(
                    f"Apply ticked ({keymap.key('deposit_list.apply_ticked')})",
                    variant="primary",
                    id="chosen",
                    compact=True,
                )
                yield Button(f"Skip ({keymap.key('deposits.skip')})", id="skip", compact=True)

    def on_mount(self) -> None:
        self.query_one("#deposits", SelectionList).focus()

    def _apply(self, deposit_ids: list[int]) -> None:
        if not deposit_ids:
            self.query_one("#error", Static).update(
                f"Tick a deposit with {keymap.widget_key('tick')}, "
                f"or press {keymap.key('deposits.skip')} to skip to the payment."
            )
            return
        try:
            applied = ledger.apply_deposits([d for d, _left in self.deposits if d.id in deposit_ids], self.invoice)
        except WRITE_ERRORS as error:
            self.query_one("#error", Static).update(f"{readable(error)} Nothing was applied.")
            return
        self.dismiss(applied)

    def action_apply_all(self) -> None:
        self._apply([deposit.id for deposit, _left in self.deposits])

    def action_apply_chosen(self) -> None:
        self._apply(list(self.query_one("#deposits", SelectionList).selected))

    def action_skip(self) -> None:
        self.dismiss(0)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save_close(self) -> None:
        self.action_apply_chosen()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"all": self.action_apply_all, "chosen": self.action_apply_chosen, "skip": self.action_skip}
        actions[str(event.button.id)]()


# ---------------------------------------------------------------- refund, deposit


class RefundDialog(MoneyDialog):
    """Pay money back out of an invoice's credit balance (the default amount)."""

    CONFIRM = "Refund"

    def __init__(self, invoice: Invoice):
        super().__init__()
        self.invoice = invoice
        self.money = ledger.invoice_money(invoice)

    def compose_fields(self) -> ComposeResult:
        yield Static(
            f"Invoice {self.invoice.display_number} · {self.invoice.bill_to.full_name}\n"
            f"Credit balance {format_money(self.money.credit)}",
            classes="summary",
        )
        limit = ledger.refund_limit()
        beyond = f"; above {format_money(limit)} a manager's" if limit is not None and limit < self.money.credit else ""
        yield from self.amount_row(self.money.credit, f"at most the credit balance{beyond}")
        yield from self.method_rows()

    def on_mount(self) -> None:
        self.query_one("#dialog-title", Static).update(f"Refund · invoice {self.invoice.display_number}")

    def submit(self) -> LedgerEntry:
        return ledger.refund(self.invoice, self.amount(), self.method(), self.reference(), self.note())


class DepositDialog(MoneyDialog):
    """Take a deposit: money held for the client, applied to an invoice later."""

    CONFIRM = "Take deposit"

    def __init__(self, client: Client):
        super().__init__()
        self.client = client

    def compose_fields(self) -> ComposeResult:
        held = ledger.deposits_on_hand(self.client)
        yield Static(
            f"{self.client.full_name}: {format_money(held)} of deposits on hand now. "
            "It is offered whenever a payment is taken.",
            classes="summary",
        )
        yield from self.amount_row(None)
        yield from self.method_rows()

    def on_mount(self) -> None:
        self.query_one("#dialog-title", Static).update(f"Deposit · {self.client.full_name}")

    def submit(self) -> LedgerEntry:
        return ledger.take_deposit(self.client, self.amount(), self.method(), self.reference(), self.note())


# ---------------------------------------------------------------- credit transfer


class TransferCreditDialog(MoneyDialog):
    """File > Transfer Credit Balance: choose the client's invoice to receive it."""

    CONFIRM = "Transfer"
    FOCUS = "#targets"
    DEFAULT_CSS = """
    TransferCreditDialog OptionList { height: auto; max-height: 10; margin-bottom: 1; }
    """

    def __init__(self, invoice: Invoice):
        super().__init__()
        self.invoice = invoice
        self.credit = ledger.invoice_money(invoice).credit
        self.targets = invoice_data.transfer_targets(invoice)

    def compose_fields(self) -> ComposeResult:
        yield Static(
            f"Invoice {self.invoice.display_number} has a credit balance of "
            f"[b]{format_money(self.credit)}[/b]. Choose the invoice to receive it:",
            classes="summary",
        )
        options = []
        for row in self.targets:
            target = row.invoice
            due = (
                f"due {format_money(row.balance)}"
                if row.balance > 0
                else ("paid" if row.balance == 0 else f"credit {format_money(-row.balance)}")
            )
            options.append(
                Option(
                    f"{target.display_number:>6}  {target.invoice_date.strftime('%m/%d/%Y')}  {target.kind:<13}  {due}",
                    id=str(target.id),
                )
            )
        yield OptionList(*options, id="targets")
        if not self.targets:
            yield Static(
                "[dim]This client has no other invoice to receive the credit; "
                f"refund it instead ({keymap.key('invoice_record.refund')}).[/dim]"
            )
        yield from self.amount_row(None, "blank: what that invoice needs")

    def on_mount(self) -> None:
        self.query_one("#dialog-title", Static).update(f"Transfer credit · invoice {self.invoice.display_number}")
        if self.targets:
            self.query_one("#targets", OptionList).highlighted = 0
            self._suggest(self.targets[0])

    def _target(self):
        index = self.query_one("#targets", OptionList).highlighted
        return self.targets[index] if index is not None and 0 <= index < len(self.targets) else None

    def _suggest(self, row) -> None:
        amount = min(self.credit, row.balance) if row.balance > 0 else self.credit
        self.query_one("#amount", Input).value = plain_amount(amount)

    @on(OptionList.OptionHighlighted, "#targets")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        row = self._target()
        if row is not None:
            self._suggest(row)

    @on(OptionList.OptionSelected, "#targets")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#amount", Input).focus()

    def submit(self) -> LedgerEntry:
        row = self._target()
        if row is None:
            raise ValidationError("Choose the invoice that receives the credit.", "target")
        text = self.query_one("#amount", Input).value.strip()
        amount = parse_money(text, "amount") if text else None
        return ledger.transfer_credit(self.invoice, row.invoice, amount)


# ---------------------------------------------------------------- void an entry


def void_entry_dialog(entry: LedgerEntry) -> ReasonDialog:
    """Void a ledger entry entered by mistake (a new 'void' entry; the reason is required)."""
    return ReasonDialog(
        f"Void: {describe_entry(entry)}",
        "The entry stays in the books, cancelled by a void entry. Why is it voided?",
        lambda reason: ledger.void_entry(entry, reason),
        confirm="Void entry",
        placeholder="e.g. Typed twice",
    )
