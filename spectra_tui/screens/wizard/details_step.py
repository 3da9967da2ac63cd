"""Step 3: session type, photographer (or the staff member), room, the date
and time typed naturally and always shown back as an exact date, length, notes."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from ...data import booking
from ...data.booking import SESSION
from ...data.errors import DomainError
from ...data.models import SessionType
from ...data.money import format_money
from ...data.when import EXAMPLES, describe, parse_when
from .. import keymap
from .fields import ChoiceField, row
from .step import WizardStep


def typed(when: dt.datetime) -> str:
    """A date and time written back into a field so that parse_when reads it the same: '12/1/2026 10:30am'."""
    hour = when.hour % 12 or 12
    return f"{when.month}/{when.day}/{when.year} {hour}:{when.minute:02d}{'am' if when.hour < 12 else 'pm'}"


class DetailsStep(WizardStep):
    step_id = "details"
    title = "When"

    def compose(self) -> ComposeResult:
        yield row("Session type", ChoiceField(id="wz-type"), "row-type")
        yield row("Photographer", ChoiceField(id="wz-photographer"), "row-photographer")
        yield row("With", ChoiceField(id="wz-staff"), "row-staff")
        yield row("Room", ChoiceField(id="wz-room"))
        yield row(
            "Date & time", Input(placeholder="e.g. tue 3pm, 12/3 10:30, tomorrow 9, +2w", id="wz-when", compact=True)
        )
        yield Static("", id="wz-when-back", classes="shown-back")
        yield row("Length (min)", Input(id="wz-length", compact=True, type="integer"))
        yield row("Notes", Input(id="wz-notes", compact=True))
        yield Static("", id="wz-missing", classes="missing")
        yield Static(
            f"{keymap.key('choice.previous')}/{keymap.key('choice.next')} change a choice · "
            "the date is always shown back before it is taken",
            classes="hint",
        )

    def fill(self) -> None:
        s, choices = self.state, self.state.choices
        self.query_one("#wz-type", ChoiceField).set_options(
            [(t.id, f"{t.name} · {t.length_minutes} min · {format_money(t.fee_cents)}") for t in choices.session_types]
        )
        length = choices.session_types[0].length_minutes if choices.session_types else 60
        photographer = booking.proposed_photographer(s.given_photographer, s.start, length)
        self.query_one("#wz-photographer", ChoiceField).set_options(
            [(u.id, u.full_name) for u in choices.photographers], photographer.id if photographer else None
        )
        staff = s.given_photographer
        if staff is None and s.given_session is not None:
            staff = s.given_session.photographer
        self.query_one("#wz-staff", ChoiceField).set_options(
            [(None, "Nobody in particular")]
            + [(u.id, f"{u.full_name}" + ("" if u.is_photographer else f" ({u.role_label})")) for u in choices.staff],
            staff.id if staff else None,
        )
        self.query_one("#wz-room", ChoiceField).set_options(
            [(None, "No room")] + [(r.id, r.name) for r in choices.rooms], s.room.id if s.room else None
        )
        if s.start is not None:
            self.show_start(s.start)
        self.type_changed()
        self.say_missing()

    def missing(self) -> str:
        """What a session cannot be booked without, and the setup step that adds it ("" when nothing)."""
        choices = self.state.choices
        if self.state.kind != SESSION:
            return ""
        if not choices.photographers:
            return "staff"
        return "" if choices.session_types else "session_types"

    def say_missing(self) -> None:
        """A line per thing missing ("No session types yet: ... sets them up"), naming the key that opens the setup."""
        choices, key = self.state.choices, keymap.key("wizard.set_up")
        lines = []
        if self.state.kind == SESSION and not choices.session_types:
            lines.append(f"No session types yet: {key} sets them up.")
        if self.state.kind == SESSION and not choices.photographers:
            lines.append(f"No photographer yet: {key} adds the staff (and who photographs).")
        missing = self.query_one("#wz-missing", Static)
        missing.update("\n".join(lines))
        missing.display = bool(lines)

    def show_start(self, start: dt.datetime) -> None:
        self.query_one("#wz-when", Input).value = typed(start)

    def suggest_staff(self, person_id: int | None) -> None:
        """An appointment linked to a session is with its photographer unless someone was chosen."""
        staff = self.query_one("#wz-staff", ChoiceField)
        if staff.value is None:
            staff.value = person_id

    def session_type(self) -> SessionType | None:
        type_id = self.query_one("#wz-type", ChoiceField).value
        return next((t for t in self.state.choices.session_types if t.id == type_id), None)

    def type_changed(self) -> None:
        """A session takes the type's length; the fee step its fee."""
        session_type = self.session_type()
        if session_type is None:
            return
        if self.state.kind == SESSION:
            self.query_one("#wz-length", Input).value = str(session_type.length_minutes)
        self.wizard.fee_step.take_fee_of(session_type)

    @on(ChoiceField.Changed, "#wz-type")
    def _type_chosen(self, _event: ChoiceField.Changed) -> None:
        self.type_changed()

    def enter(self) -> None:
        self.kind_changed()
        self.say_missing()
        self._when_back()

    def kind_changed(self) -> None:
        """Show the rows of a session or of an appointment (an appointment's length: 60 or 30 minutes)."""
        is_session = self.state.kind == SESSION
        self.query_one("#row-type").set_class(not is_session, "hidden")
        self.query_one("#row-photographer").set_class(not is_session, "hidden")
        self.query_one("#row-staff").set_class(is_session, "hidden")
        length = self.query_one("#wz-length", Input)
        if is_session:
            session_type = self.session_type()
            if session_type is not None and not length.value.strip():
                length.value = str(session_type.length_minutes)
        elif not length.value.strip() or self._length_is_type_default():
            length.value = "60" if self.state.link.startswith("session:") else "30"

    def _length_is_type_default(self) -> bool:
        session_type = self.session_type()
        return session_type is not None and self.query_one("#wz-length", Input).value.strip() == str(
            session_type.length_minutes
        )

    def _parse_when(self, text: str) -> dt.datetime:
        return parse_when(text, default_time=self.state.default_time)

    @on(Input.Changed, "#wz-when")
    def _when_back(self) -> None:
        back = self.query_one("#wz-when-back", Static)
        text = self.query_one("#wz-when", Input).value
        if not text.strip():
            back.update(f"Type it naturally: {EXAMPLES}.")
            back.remove_class("-error")
            return
        try:
            when = self._parse_when(text)
        except DomainError as error:
            back.update(str(error))
            back.add_class("-error")
            return
        back.remove_class("-error")
        try:
            info = booking.day_info(when.date())
            hours = f"studio {info.label}" if info.is_open else info.label
        except DomainError:
            hours = ""
        back.update(Text.assemble(("→ " + describe(when), "bold"), f"  ·  {hours}" if hours else ""))

    def _refuse(self, message: str, field: str | None = None) -> bool:
        self.wizard.show_error(message)
        if field is not None:
            self.query_one(field, Input).focus()
        return False

    def leave(self) -> bool:
        s, choices = self.state, self.state.choices
        try:
            start = self._parse_when(self.query_one("#wz-when", Input).value)
        except DomainError as error:
            return self._refuse(str(error), "#wz-when")
        try:
            length = int(self.query_one("#wz-length", Input).value.strip())
        except ValueError:
            return self._refuse("Type the length in minutes (e.g. 90).", "#wz-length")
        try:
            booking.check_length(length)
        except DomainError as error:
            return self._refuse(str(error), "#wz-length")
        if s.kind == SESSION:
            s.session_type = self.session_type()
            person_id = self.query_one("#wz-photographer", ChoiceField).value
            s.photographer = next((u for u in choices.photographers if u.id == person_id), None)
            if s.session_type is None or s.photographer is None:
                return self._refuse(
                    "A session always involves the camera: the studio needs session types and "
                    f"photographers set up first ({keymap.key('wizard.set_up')} sets them up)."
                )
            s.staff = None
        else:
            staff_id = self.query_one("#wz-staff", ChoiceField).value
            s.staff = next((u for u in choices.staff if u.id == staff_id), None)
            s.session_type = None
            s.photographer = None
        room_id = self.query_one("#wz-room", ChoiceField).value
        s.room = next((r for r in choices.rooms if r.id == room_id), None)
        if start != s.start or length != s.length:
            s.accepted = []
        s.start, s.length = start, length
        s.notes = self.query_one("#wz-notes", Input).value.strip()
        s.default_time = start.time()
        return True
