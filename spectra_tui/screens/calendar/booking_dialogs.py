"""Changing a booking by a dialog: r gives it a new time typed naturally, x
cancels it with a reason, o marks a no-show (from the calendar, the
appointment dialog and the session record)."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...data import booking
from ...data.errors import DomainError
from ...data.models import Appointment, Session
from ...data.versions import reloaded
from ...data.when import clock, describe, long_date, parse_when
from .. import keymap
from ..dialogs import ReasonDialog
from ..hooks import ScreenHooks
from .policy import run_under_policy


def input_format(when: dt.datetime) -> str:
    """A date and time as typed back into a field, read the same by parse_when: '12/1/2026 10:30am'."""
    hour = when.hour % 12 or 12
    return f"{when.month}/{when.day}/{when.year} {hour}:{when.minute:02d}{'am' if when.hour < 12 else 'pm'}"


class RescheduleDialog(ScreenHooks, ModalScreen):
    """r: a new time for a booking, typed naturally and shown back, moved
    under the conflict policy. Dismisses with the MoveResult (None on Escape)."""

    DEFAULT_CSS = """
    RescheduleDialog { align: center middle; }
    RescheduleDialog > Vertical { width: 76; max-width: 100%; height: auto;
        max-height: 100%; border: thick $warning; background: $surface; padding: 0 1; }
    RescheduleDialog .row { height: 1; }
    RescheduleDialog .row Label { width: 10; color: $text-muted; }
    RescheduleDialog .row Input { width: 1fr; }
    RescheduleDialog #move-preview { height: auto; color: $success; }
    RescheduleDialog #move-preview.-error, RescheduleDialog #move-error { color: $error; }
    RescheduleDialog #move-error { height: auto; }
    """
    BINDINGS = keymap.bindings("dialog.cancel")

    def __init__(self, item: Session | Appointment):
        super().__init__()
        self.item = item

    @property
    def what(self) -> str:
        item = self.item
        if isinstance(item, Session):
            return f"Session {item.number} ({item.client.full_name}, {item.session_type.name})"
        client = item.client
        return f"'{item.title}'" + (f" ({client.full_name})" if client is not None else "")

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical():
            yield Label(f"[b]New time for {self.what}[/b]")
            yield Static(
                f"Now: {long_date(item.start.date())}, {clock(item.start)} – {clock(item.end)}", classes="muted"
            )
            with Horizontal(classes="row"):
                yield Label("New time")
                yield Input(input_format(item.start), id="move-when", compact=True, select_on_focus=True)
            yield Static("", id="move-preview")
            with Horizontal(classes="row"):
                yield Label("Reason")
                yield Input(placeholder="optional, kept in the history", id="move-reason", compact=True)
            yield Static("", id="move-error")
            yield Static(
                f"{keymap.widget_key('submit')} move · {keymap.hint(('dialog.cancel', 'cancel'))}"
                "  (e.g. tue 3pm, 12/3 10:30, +1w)",
                classes="muted",
            )

    def on_mount(self) -> None:
        self.query_one("#move-when", Input).focus()
        self._preview(self.query_one("#move-when", Input).value)

    def _parse(self, text: str) -> dt.datetime:
        return parse_when(text, default_time=self.item.start.time())

    def _preview(self, text: str) -> None:
        preview = self.query_one("#move-preview", Static)
        try:
            when = self._parse(text)
        except DomainError as error:
            preview.update(str(error))
            preview.add_class("-error")
            return
        preview.remove_class("-error")
        preview.update(f"→ {describe(when)}")

    @on(Input.Changed, "#move-when")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#move-error", Static).update("")
        self._preview(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save_close()

    def action_save_close(self) -> None:
        error_line = self.query_one("#move-error", Static)
        try:
            when = self._parse(self.query_one("#move-when", Input).value)
        except DomainError as error:
            error_line.update(str(error))
            return
        reason = self.query_one("#move-reason", Input).value

        def failed(message: str) -> None:
            error_line.update(message)
            try:  # a move made meanwhile elsewhere: the next try starts from it
                self.item = reloaded(self.item)
            except DomainError:
                pass

        run_under_policy(
            self,
            lambda allow: booking.reschedule(self.item, when, reason=reason, allow_conflict=allow),
            self.dismiss,
            failed=failed,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def _booking_name(item: Session | Appointment) -> str:
    if isinstance(item, Session):
        return (
            f"session {item.number} ({item.client.full_name}, {item.start:%a %b} {item.start.day} {clock(item.start)})"
        )
    return f"'{item.title}' ({item.start:%a %b} {item.start.day} {clock(item.start)})"


def cancel_dialog(item: Session | Appointment) -> ReasonDialog:
    also = " Its appointments still to come are cancelled too." if isinstance(item, Session) else ""
    return ReasonDialog(
        "Cancel booking",
        f"Cancel {_booking_name(item)}? Give the reason (kept in the history).{also}",
        lambda reason: booking.cancel_booking(item, reason),
        confirm="Cancel booking",
        placeholder="e.g. client is ill",
    )


def no_show_dialog(item: Session | Appointment) -> ReasonDialog:
    return ReasonDialog(
        "No-show",
        f"Mark {_booking_name(item)} as a no-show? A note if you like:",
        lambda note: booking.mark_no_show(item, note),
        confirm="Mark no-show",
        placeholder="optional",
    )
