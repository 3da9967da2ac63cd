"""Step 2: a session or an appointment, and what an appointment is linked to."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from ...data import booking
from ...data.booking import APPOINTMENT, SESSION
from .. import keymap
from .fields import ChoiceField, row
from .step import WizardStep


class KindStep(WizardStep):
    step_id = "kind"
    title = "What"

    def compose(self) -> ComposeResult:
        yield Static("A session always involves the camera; any other meeting is an appointment.", classes="lead")
        yield row(
            "Booking",
            ChoiceField(
                [(SESSION, "Session (with the camera)"), (APPOINTMENT, "Appointment (any other meeting)")], id="wz-kind"
            ),
        )
        yield row("Linked to", ChoiceField(id="wz-link"), "row-link")
        yield row(
            "Title",
            Input(
                placeholder="e.g. Consultation, Sales presentation, Staff meeting", id="wz-title-input", compact=True
            ),
            "row-title",
        )
        yield Static("", id="wz-kind-hint", classes="hint")

    def fill(self) -> None:
        self.show_kind()
        self.refresh_link_options()

    def show_kind(self) -> None:
        self.query_one("#wz-kind", ChoiceField).value = self.state.kind

    def refresh_link_options(self) -> None:
        """What an appointment can be linked to: the client, one of their open sessions, or nothing."""
        s = self.state
        options: list[tuple[str, str]] = []
        if s.has_client:
            options.append(("client", f"{s.client_name} (the client)"))
        if s.client is not None:
            for session in booking.linkable_sessions(s.client):
                options.append(
                    (
                        f"session:{session.id}",
                        f"Session {session.number} · {session.session_type.name} · {session.start:%m/%d/%Y}",
                    )
                )
        elif s.given_session is not None:
            session = s.given_session
            options.append((f"session:{session.id}", f"Session {session.number} · {session.session_type.name}"))
        options.append(("none", "Nothing (unlinked, e.g. a staff meeting)"))
        wanted = s.link if any(v == s.link for v, _l in options) else options[0][0]
        self.query_one("#wz-link", ChoiceField).set_options(options, wanted)

    def enter(self) -> None:
        self._visibility()

    def _visibility(self) -> None:
        is_appointment = self.query_one("#wz-kind", ChoiceField).value == APPOINTMENT
        self.query_one("#row-link").set_class(not is_appointment, "hidden")
        self.query_one("#row-title").set_class(not is_appointment, "hidden")
        hint = (
            "Sessions: type, photographer, fee invoice and follow-ups come next."
            if not is_appointment
            else "An appointment may be linked to the client, to one of their sessions, or to nothing."
        )
        if not self.state.has_client and not is_appointment:
            hint = (
                f"A session needs a client: go back ({keymap.key('wizard.back')}) to choose one, "
                "or book an appointment."
            )
        self.query_one("#wz-kind-hint", Static).update(hint)

    @on(ChoiceField.Changed, "#wz-kind")
    def _kind_changed(self, event: ChoiceField.Changed) -> None:
        self.state.kind = event.value
        self._visibility()
        self.wizard.details_step.kind_changed()
        self.wizard.draw_steps()

    @on(ChoiceField.Changed, "#wz-link")
    def _link_changed(self, event: ChoiceField.Changed) -> None:
        self.state.link = event.value
        self.wizard.draw_steps()

    def leave(self) -> bool:
        s = self.state
        s.kind = self.query_one("#wz-kind", ChoiceField).value
        s.link = self.query_one("#wz-link", ChoiceField).value or "none"
        s.title = " ".join(self.query_one("#wz-title-input", Input).value.split())
        if s.kind == SESSION and not s.has_client:
            self.wizard.show_error(
                f"A session needs a client: go back ({keymap.key('wizard.back')}) and choose one, "
                "or book an appointment."
            )
            return False
        if s.is_unlinked_appointment and not s.title:
            self.wizard.show_error("An unlinked appointment needs a title (e.g. 'Staff meeting').")
            self.query_one("#wz-title-input", Input).focus()
            return False
        if s.kind == APPOINTMENT:
            linked = s.linked_session
            if linked is not None and s.given_photographer is None:
                self.wizard.details_step.suggest_staff(linked.photographer_id)
        return True
