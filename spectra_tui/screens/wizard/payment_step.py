"""Step 6: money taken now, a payment on the fee invoice or a deposit held for the client."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from ...data import booking
from ...data.booking import DEPOSIT, PAYMENT, SESSION, PaymentNow
from ...data.errors import DomainError
from ...data.models import LedgerEntry
from ...data.money import format_money, parse_money, typed_amount
from .fields import ChoiceField, row
from .step import WizardStep


class PaymentStep(WizardStep):
    step_id = "payment"
    title = "Payment"

    def compose(self) -> ComposeResult:
        yield Static("Money taken now (optional).", classes="lead")
        yield row("Money now", ChoiceField(id="wz-pay-kind"))
        yield row("Amount", Input(placeholder="e.g. 50 or 162.38", id="wz-pay-amount", compact=True), "row-pay-amount")
        yield row(
            "Method", ChoiceField([(m, m) for m in LedgerEntry.METHODS], "card", id="wz-pay-method"), "row-pay-method"
        )
        yield row("Reference", Input(placeholder="check number", id="wz-pay-ref", compact=True), "row-pay-ref")
        yield row(
            "Apply to fee",
            ChoiceField(
                [(False, "No: hold the deposit for the client"), (True, "Yes: put it on the fee invoice")],
                id="wz-pay-apply",
            ),
            "row-pay-apply",
        )
        yield Static("", id="wz-pay-back", classes="shown-back")

    def applies(self) -> bool:
        return self.state.can_take_money

    def _fee_invoice_made(self) -> bool:
        return self.state.kind == SESSION and self.state.fee_invoice

    def enter(self) -> None:
        s = self.state
        field_ = self.query_one("#wz-pay-kind", ChoiceField)
        options = [("none", "No money now")]
        if self._fee_invoice_made():
            options.append((PAYMENT, "Payment on the session fee invoice"))
        if s.has_client or s.linked_session is not None:
            options.append((DEPOSIT, "Deposit (held for the client)"))
        field_.set_options(options, field_.value)
        self._visibility()

    @on(ChoiceField.Changed, "#wz-pay-kind")
    @on(ChoiceField.Changed, "#wz-pay-method")
    def _visibility(self) -> None:
        kind = self.query_one("#wz-pay-kind", ChoiceField).value
        taking = kind in (PAYMENT, DEPOSIT)
        self.query_one("#row-pay-amount").set_class(not taking, "hidden")
        self.query_one("#row-pay-method").set_class(not taking, "hidden")
        is_check = self.query_one("#wz-pay-method", ChoiceField).value == "check"
        self.query_one("#row-pay-ref").set_class(not (taking and is_check), "hidden")
        self.query_one("#row-pay-apply").set_class(not (kind == DEPOSIT and self._fee_invoice_made()), "hidden")
        amount = self.query_one("#wz-pay-amount", Input)
        session_type, fee_cents = self.state.session_type, self.state.fee_cents
        if kind == PAYMENT and not amount.value.strip() and fee_cents is not None and session_type is not None:
            amount.value = typed_amount(booking.fee_totals(session_type, fee_cents)[2])
        self._pay_back()

    @on(Input.Changed, "#wz-pay-amount")
    def _pay_back(self) -> None:
        back = self.query_one("#wz-pay-back", Static)
        kind = self.query_one("#wz-pay-kind", ChoiceField).value
        if kind not in (PAYMENT, DEPOSIT):
            back.update("")
            return
        try:
            cents = parse_money(self.query_one("#wz-pay-amount", Input).value)
        except DomainError as error:
            back.update(str(error))
            back.add_class("-error")
            return
        back.remove_class("-error")
        back.update(f"→ {format_money(cents)} " + ("on the fee invoice" if kind == PAYMENT else "as a deposit"))

    def _refuse(self, message: str) -> bool:
        self.wizard.show_error(message)
        self.query_one("#wz-pay-amount", Input).focus()
        return False

    def leave(self) -> bool:
        s = self.state
        kind = self.query_one("#wz-pay-kind", ChoiceField).value
        if kind not in (PAYMENT, DEPOSIT):
            s.payment = None
            return True
        try:
            cents = parse_money(self.query_one("#wz-pay-amount", Input).value)
        except DomainError as error:
            return self._refuse(str(error))
        if cents <= 0:
            return self._refuse("The amount must be more than zero (or choose 'No money now').")
        method = self.query_one("#wz-pay-method", ChoiceField).value
        reference = self.query_one("#wz-pay-ref", Input).value.strip() if method == "check" else ""
        apply = (
            bool(self.query_one("#wz-pay-apply", ChoiceField).value) and kind == DEPOSIT and self._fee_invoice_made()
        )
        s.payment = PaymentNow(amount_cents=cents, method=method, reference=reference, kind=kind, apply_to_fee=apply)
        return True
