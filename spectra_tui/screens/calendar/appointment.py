"""An appointment opened from the calendar: what, who, when, and what can be
done with it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ...data import booking
from ...data.models import Appointment
from ...data.when import clock, how_far, long_date
from .. import keymap
from ..open_record import open_client, open_session
from .booking_dialogs import RescheduleDialog, cancel_dialog, no_show_dialog
from .policy import warn_overridden


class AppointmentDialog(ModalScreen[str | None]):
    """An appointment from the calendar: what, who, when; reschedule, cancel,
    no-show, open its session or client. Dismisses with what was done
    ("move" asks the calendar to move it with the arrows)."""

    DEFAULT_CSS = """
    AppointmentDialog { align: center middle; }
    AppointmentDialog > Vertical { width: 76; max-width: 100%; height: auto;
        max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    AppointmentDialog .row { height: auto; }
    AppointmentDialog .row .label { width: 10; color: $text-muted; }
    AppointmentDialog .row .value { width: 1fr; }
    AppointmentDialog #appt-keys { margin-top: 1; color: $text-muted; height: auto; }
    """
    BINDINGS = keymap.bindings("appointment")

    def __init__(self, appointment: Appointment):
        super().__init__()
        self.appointment = appointment
        self.changed = False

    def compose(self) -> ComposeResult:
        a = self.appointment
        client, session, staff, room = a.client, a.session, a.staff, a.room
        rows = [("Client", client.full_name if client is not None else "none (unlinked)")]
        if session is not None:
            rows.append(("Session", f"{session.number} · {session.session_type.name} · {session.status}"))
        rows += [
            ("With", staff.full_name if staff is not None else "nobody assigned"),
            ("Room", room.name if room is not None else "none"),
            (
                "When",
                f"{long_date(a.start.date())}, {clock(a.start)} – {clock(a.end)} "
                f"({a.length_minutes} minutes, {how_far(a.start)})",
            ),
            ("Status", a.status),
        ]
        if a.notes:
            rows.append(("Notes", a.notes))
        with Vertical():
            yield Label(f"[b]Appointment: {a.title}[/b]")
            for label, value in rows:
                with Horizontal(classes="row"):
                    yield Static(label, classes="label")
                    yield Static(Text(value), classes="value")
            keys = [
                ("appointment.move", "move on the calendar"),
                ("appointment.new_time", "new time…"),
                ("appointment.cancel", "cancel…"),
                ("appointment.no_show", "no-show"),
            ]
            if a.session_id:
                keys.append(("appointment.open_session", "session"))
            if a.client_id:
                keys.append(("appointment.open_client", "client"))
            keys.append(("appointment.close", "close"))
            yield Static(keymap.hint(*keys), id="appt-keys")

    def action_choose(self, what: str) -> None:
        self.dismiss(what)

    def action_close(self) -> None:
        self.dismiss("changed" if self.changed else None)

    def action_reschedule(self) -> None:
        def moved(result) -> None:
            if result is not None:
                self.app.notify(result.note, title="Rescheduled", timeout=6)
                warn_overridden(self.app, result.overridden)
                self.dismiss("changed")

        self.app.push_screen(RescheduleDialog(self.appointment), moved)

    def action_cancel_appointment(self) -> None:
        if self.appointment.status in booking.APPOINTMENT_CLOSED:
            self.notify(f"This appointment is already {self.appointment.status.lower()}.", timeout=4)
            return
        self.app.push_screen(cancel_dialog(self.appointment), lambda done: done and self.dismiss("changed"))

    def action_no_show(self) -> None:
        if self.appointment.status in booking.APPOINTMENT_CLOSED:
            self.notify(f"This appointment is already {self.appointment.status.lower()}.", timeout=4)
            return
        self.app.push_screen(no_show_dialog(self.appointment), lambda done: done and self.dismiss("changed"))

    def action_open_session(self) -> None:
        session = self.appointment.session
        if session is None:
            self.notify("This appointment is not linked to a session.", timeout=4)
            return
        self.dismiss(None)
        open_session(self.app, session)

    def action_open_client(self) -> None:
        client = self.appointment.client
        if client is None:
            self.notify("This appointment has no client.", timeout=4)
            return
        self.dismiss(None)
        open_client(self.app, client)
