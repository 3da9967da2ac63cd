"""Step 8: the summary (``data.booking.preview``) and Confirm, which calls
``data.booking.book`` once: an error leaves nothing behind."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...data import booking
from ...data.booking import BookingRequest
from ...data.clients import DuplicateClient
from ...data.errors import ConflictError
from ...data.models import Session
from ...data.when import describe
from .. import keymap
from ..dialogs import WRITE_ERRORS, ConfirmDialog, readable
from .step import WizardStep


class SummaryStep(WizardStep):
    step_id = "summary"
    title = "Summary"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="wz-summary-scroll"):
            yield Static("", id="wz-summary")

    def enter(self) -> None:
        summary = self.query_one("#wz-summary", Static)
        try:
            preview = booking.preview(self.state.request())
        except WRITE_ERRORS as error:
            summary.update(Text("The booking cannot be made as it is:", "bold"))
            self.wizard.show_error(readable(error) + f"  ({keymap.key('wizard.back')} goes back to fix it.)")
            return
        text = Text()
        text.append("Confirm creates all of this at once:\n", "bold")
        for line in preview.summary:
            style = "bold yellow" if line.startswith(("Conflict", "Booked despite")) else ""
            text.append(f"• {line}\n", style)
        check = preview.check
        if check.blocked:
            text.append(
                "\nNot possible under the studio's policy; "
                f"go back ({keymap.key('wizard.back')}) and choose another time.",
                "bold red",
            )
        elif not check.ok and check.needs_confirmation:
            text.append("\nYou are asked once more on Confirm about anything not agreed yet.", "dim")
        summary.update(text)

    def confirm(self) -> None:
        self._book(self.state.request())

    def _book(self, request: BookingRequest) -> None:
        try:
            result = booking.book(request)
        except DuplicateClient as duplicate:

            def answered_duplicate(yes: bool | None) -> None:
                if yes:
                    request.allow_duplicate_client = True
                    self._book(request)

            self.app.push_screen(
                ConfirmDialog(f"{duplicate}\n\nBook with a new client anyway?", "New client", "Back"),
                answered_duplicate,
            )
            return
        except ConflictError as error:
            if not error.can_override:
                self.wizard.show_error(f"Not booked: {error}")
                return
            shown = list(error.conflicts)

            def answered(yes: bool | None) -> None:
                if yes:
                    request.allow_conflict = shown
                    self.state.accepted = shown
                    self._book(request)
                else:
                    self.wizard.show_error(f"Not booked. {keymap.key('wizard.back')} goes back to choose another time.")

            self.app.push_screen(ConfirmDialog(f"{error}\n\nBook it anyway?", "Book anyway", "No"), answered)
            return
        except WRITE_ERRORS as error:
            self.wizard.show_error(f"Not booked: {readable(error)}")
            return
        item = result.session or result.appointment
        assert item is not None  # a booking makes a session or an appointment
        what = f"Session {item.number}" if isinstance(item, Session) else f"Appointment '{item.title}'"
        extra = []
        if result.fee_invoice is not None:
            extra.append(f"invoice {result.fee_invoice.display_number}")
        if result.follow_ups:
            extra.append(f"{len(result.follow_ups)} follow-up{'s' if len(result.follow_ups) > 1 else ''}")
        self.app.notify(
            f"{what}: {describe(item.start)}" + (f" ({', '.join(extra)})" if extra else ""), title="Booked", timeout=8
        )
        if result.overridden:
            self.app.notify(
                "Booked despite: " + " ".join(c.message for c in result.overridden[:3]),
                title="Conflict",
                severity="warning",
                timeout=10,
            )
        self.wizard.dismiss(result)
