"""Step 5 (sessions): the session fee invoice made with the booking, its total shown back."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from ...data import booking
from ...data.errors import DomainError
from ...data.models import SessionType
from ...data.money import format_money, parse_money, typed_amount
from .fields import ChoiceField, row
from .state import WizardState
from .step import WizardStep


class FeeStep(WizardStep):
    step_id = "fee"
    title = "Fee"

    def __init__(self, state: WizardState) -> None:
        super().__init__(state)
        self.session_type: SessionType | None = None  # as chosen on the details step

    def compose(self) -> ComposeResult:
        yield Static("The session fee invoice is made with the booking (optional).", classes="lead")
        yield row(
            "Fee invoice",
            ChoiceField([(True, "Yes: create the session fee invoice"), (False, "No fee invoice now")], id="wz-fee-on"),
        )
        yield row("Session fee", Input(id="wz-fee", compact=True), "row-fee")
        yield Static("", id="wz-fee-back", classes="shown-back")

    def applies(self) -> bool:
        return self.state.has_fee

    def take_fee_of(self, session_type: SessionType) -> None:
        """The session type chosen: its fee is the one proposed."""
        self.session_type = session_type
        self.query_one("#wz-fee", Input).value = typed_amount(session_type.fee_cents)
        self._fee_back()

    def enter(self) -> None:
        self._fee_on_changed()

    @on(ChoiceField.Changed, "#wz-fee-on")
    def _fee_on_changed(self) -> None:
        self.query_one("#row-fee").set_class(not self.query_one("#wz-fee-on", ChoiceField).value, "hidden")
        self._fee_back()

    @on(Input.Changed, "#wz-fee")
    def _fee_back(self) -> None:
        back = self.query_one("#wz-fee-back", Static)
        if not self.query_one("#wz-fee-on", ChoiceField).value:
            back.update("No session fee invoice now (it can be made from the session record later).")
            back.remove_class("-error")
            return
        if self.session_type is None:
            back.update("")
            return
        try:
            cents = parse_money(self.query_one("#wz-fee", Input).value, "session fee")
            subtotal, tax, total = booking.fee_totals(self.session_type, cents)
        except DomainError as error:
            back.update(str(error))
            back.add_class("-error")
            return
        back.remove_class("-error")
        tax_text = f" + tax {format_money(tax)}" if tax and total != subtotal else (" (tax included)" if tax else "")
        back.update(f"→ {format_money(subtotal)}{tax_text} = {format_money(total)}")

    def leave(self) -> bool:
        s = self.state
        s.fee_invoice = bool(self.query_one("#wz-fee-on", ChoiceField).value)
        if not s.fee_invoice:
            s.fee_cents = None
            return True
        try:
            s.fee_cents = parse_money(self.query_one("#wz-fee", Input).value, "session fee")
        except DomainError as error:
            self.wizard.show_error(str(error))
            self.query_one("#wz-fee", Input).focus()
            return False
        return True
