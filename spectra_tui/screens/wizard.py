"""The Scheduling Wizard: book a session or an appointment, with its fee
invoice, money taken now and follow-up appointments, in ONE transaction.

Opened by Ctrl+P from anywhere, by Enter (or a double click) on an empty
calendar slot (photographer and time filled in), and by New Session / New
Appointment in a client or session record (``app.open_scheduling_wizard``).

Steps: 1 client (search, or a new client entered on the fly: created only
when the booking is confirmed), 2 session or appointment (and what it is
linked to), 3 type / photographer / room / date and time typed naturally and
always shown back as an exact date, 4 the conflict check under the studio's
policy (never / ask / always), 5 the session fee invoice, 6 a payment or
deposit now, 7 future appointments linked to the booking, 8 the summary
(``data.booking.preview``). Confirm calls ``data.booking.book`` once: an
error or Cancel at any step leaves nothing behind.

Keys: Tab / Shift+Tab between fields, ←/→ (or Space, or a letter) change a
choice, Enter = next, Escape = back (on the first step: cancel, asking when
something was entered), Ctrl+W = confirm on the summary (elsewhere: go to the
summary). Fits 80x24.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..data import booking, catalog, users
from ..data import calendar as cal
from ..data import sessions as session_data
from ..data.booking import APPOINTMENT, DEPOSIT, PAYMENT, SESSION, BookingRequest, FollowUp, PaymentNow
from ..data.clients import DuplicateClient
from ..data.clock import wall_end
from ..data.errors import ConflictError, DomainError
from ..data.models import Client, LedgerEntry, Room, Session, SessionType, User
from ..data.money import format_money, parse_money
from ..data.when import EXAMPLES, clock, describe, how_far, long_date, parse_when
from .dialogs import WRITE_ERRORS, ChoiceDialog, ConfirmDialog, readable

STEPS: list[tuple[str, str]] = [
    ("client", "Client"), ("kind", "What"), ("details", "When"), ("check", "Check"),
    ("fee", "Fee"), ("payment", "Payment"), ("followups", "Follow-ups"), ("summary", "Summary"),
]
STEP_IDS = [step for step, _title in STEPS]
NEW_CLIENT = "new-client"  # what the wizard's client search answers for Ctrl+N
POLICY_TEXT = {
    "never": "never: a double booking or a time outside studio hours is refused",
    "ask": "ask: you are asked before a double booking or a time outside studio hours",
    "always": "always: double bookings are allowed (you are told)",
}


# ================================================================ a compact choice field

class ChoiceField(Widget, can_focus=True):
    """One line: ‹ the current option ›. ←/→ or Space change it, a letter
    jumps to the next option starting with it. Enter is left to the screen
    (the wizard's "next")."""

    DEFAULT_CSS = """
    ChoiceField { height: 1; width: 1fr; background: $boost; padding: 0 1; }
    ChoiceField:focus { background: $accent 30%; text-style: bold; }
    ChoiceField.-single { color: $text-muted; }
    """
    BINDINGS = [
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right,space", "step(1)", "Next choice", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    class Changed(Message):
        def __init__(self, field: ChoiceField, value: Any):
            super().__init__()
            self.field, self.value = field, value

        @property
        def control(self) -> ChoiceField:
            return self.field

    def __init__(self, options: list[tuple[Any, str]] | None = None, value: Any = None, **kwargs):
        super().__init__(**kwargs)
        self.options: list[tuple[Any, str]] = []
        self.index = 0
        self.set_options(options or [], value)

    def set_options(self, options: list[tuple[Any, str]], value: Any = None) -> None:
        """Replace the options (no Changed message); keep ``value`` when it is one of them."""
        self.options = list(options)
        values = [v for v, _label in self.options]
        self.index = values.index(value) if value in values else 0
        self.set_class(len(self.options) <= 1, "-single")
        self.refresh()

    @property
    def value(self) -> Any:
        return self.options[self.index][0] if self.options else None

    @value.setter
    def value(self, value: Any) -> None:
        values = [v for v, _label in self.options]
        if value in values:
            self.index = values.index(value)
            self.refresh()

    @property
    def label(self) -> str:
        return self.options[self.index][1] if self.options else ""

    def render(self) -> Text:
        if not self.options:
            return Text("(nothing to choose)", style="dim")
        arrows = len(self.options) > 1
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("‹ " if arrows else "  ", "dim")
        text.append(self.label)
        text.append(" ›" if arrows else "", "dim")
        if arrows:
            text.append(f"  {self.index + 1}/{len(self.options)}", "dim")
        return text

    def _choose(self, index: int) -> None:
        if not self.options:
            return
        index %= len(self.options)
        if index != self.index:
            self.index = index
            self.refresh()
            self.post_message(self.Changed(self, self.value))

    def action_step(self, delta: int) -> None:
        self._choose(self.index + delta)

    def action_jump(self, index: int) -> None:
        self._choose(index if index >= 0 else len(self.options) - 1)

    def on_key(self, event) -> None:
        char = event.character
        if char and len(char) == 1 and char.isalnum():
            count = len(self.options)
            for offset in range(1, count + 1):
                candidate = (self.index + offset) % count
                if self.options[candidate][1].lower().startswith(char.lower()):
                    event.stop()
                    self._choose(candidate)
                    return


def row(label: str, widget: Widget, row_id: str | None = None) -> Horizontal:
    """A form row: the label on the left, the field after it."""
    return Horizontal(Label(label, classes="row-label"), widget, classes="row", id=row_id)


# ================================================================ client on the fly

@dataclass
class NewClient:
    """A client entered in the wizard: created by book() on Confirm, not before."""

    fields: dict
    capitalize: set[str] | None
    name: str
    allow_duplicate: bool = False


def _wizard_client_search(allow_new: bool = True):
    """Client Search whose Ctrl+N answers NEW_CLIENT (the wizard then takes
    the new client's fields itself, so that a cancelled booking leaves no client)."""
    from .clients import ClientSearchDialog

    class WizardClientSearch(ClientSearchDialog):
        def action_new_client(self) -> None:
            self.dismiss(NEW_CLIENT)

    return WizardClientSearch(allow_new=allow_new)


class NewClientDialog(ModalScreen):
    """The client's fields (the same as New Client: capitalised as you leave
    a field, F3 leaves it as typed). Ctrl+W checks them by the client rules
    and dismisses with a NewClient (or, after a duplicate warning, the
    existing Client chosen instead). Nothing is written here."""

    DEFAULT_CSS = """
    NewClientDialog { align: center middle; }
    NewClientDialog > Vertical { width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    NewClientDialog #nc-scroll { height: auto; max-height: 16; }
    NewClientDialog #nc-error { color: $error; height: auto; }
    NewClientDialog #nc-buttons { height: 1; }
    NewClientDialog #nc-buttons Button { margin-right: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, initial: NewClient | None = None):
        super().__init__()
        self.initial = initial

    @property
    def CAPTURES_F3(self) -> bool:  # noqa: N802 - the app reads this name
        from .clients import ClientFields

        return self.query_one(ClientFields).has_focus_inside

    def compose(self) -> ComposeResult:
        from .clients import ClientFields

        with Vertical():
            yield Label("[b]New client[/b] [dim](created when the booking is confirmed)[/dim]")
            with VerticalScroll(id="nc-scroll"):
                yield ClientFields(None, id="nc-fields")
            yield Static("", id="nc-error")
            with Horizontal(id="nc-buttons"):
                yield Button("Use this client (Ctrl+W)", variant="primary", id="nc-ok", compact=True)
                yield Button("Back (Esc)", id="nc-back", compact=True)

    def on_mount(self) -> None:
        if self.initial is not None:
            for name, value in self.initial.fields.items():
                boxes = self.query(f"#f-{name}")
                if boxes and isinstance(boxes.first(), Input):
                    boxes.first(Input).value = value.strftime("%m/%d/%Y") if isinstance(value, dt.date) else str(value)
        self.query_one("#f-first_name", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "nc-ok":
            self.action_save_close()
        else:
            self.action_cancel()

    def action_save_close(self) -> None:
        from .clients import ClientFields

        fields_widget = self.query_one(ClientFields)
        fields_widget.clear_errors()
        error_line = self.query_one("#nc-error", Static)
        error_line.update("")
        fields = {k: v for k, v in fields_widget.values().items() if v not in ("", False)}
        capitalize = fields_widget.capitalize_set(fields)
        try:
            name = booking.check_new_client(fields, capitalize)
        except DuplicateClient as duplicate:
            self._ask_duplicate(duplicate, fields, capitalize)
            return
        except DomainError as error:
            if not fields_widget.show_error(error.field, error.message):
                error_line.update(str(error))
            return
        except WRITE_ERRORS as error:
            error_line.update(readable(error))
            return
        self.dismiss(NewClient(fields, capitalize, name))

    def _ask_duplicate(self, duplicate: DuplicateClient, fields: dict, capitalize: set[str]) -> None:
        options = [(f"use:{c.id}", f"Use {c.full_name} (#{c.id}, {c.main_phone or c.email})")
                   for c in duplicate.duplicates]
        options.append(("new", "A different person: enter as a new client"))

        def chosen(option: str | None) -> None:
            if option is None:
                return
            if option == "new":
                try:
                    name = booking.check_new_client(fields, capitalize, allow_duplicate=True)
                except WRITE_ERRORS as error:
                    self.query_one("#nc-error", Static).update(readable(error))
                    return
                self.dismiss(NewClient(fields, capitalize, name, allow_duplicate=True))
                return
            client = Client.get_or_none(Client.id == int(option.split(":")[1]))
            if client is not None:
                self.dismiss(client)

        self.app.push_screen(ChoiceDialog("This client may already exist", options), chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


# ================================================================ the wizard

@dataclass
class WizardState:
    """What has been decided so far (read from the fields as each step is left)."""

    client: Client | None = None
    new_client: NewClient | None = None
    kind: str = SESSION
    link: str = "client"  # appointments: "client", "session:<id>", "none"
    title: str = ""
    session_type: SessionType | None = None
    photographer: User | None = None
    staff: User | None = None
    room: Room | None = None
    start: dt.datetime | None = None
    length: int | None = None
    notes: str = ""
    accepted: list = field(default_factory=list)  # conflicts the user agreed to book anyway
    fee_invoice: bool = True
    fee_cents: int | None = None
    payment: PaymentNow | None = None
    follow_ups: list[FollowUp] = field(default_factory=list)

    @property
    def client_name(self) -> str:
        if self.client is not None:
            return self.client.full_name
        if self.new_client is not None:
            return self.new_client.name
        return ""

    @property
    def has_client(self) -> bool:
        return self.client is not None or self.new_client is not None

    @property
    def linked_session(self) -> Session | None:
        if self.kind == APPOINTMENT and self.link.startswith("session:"):
            return Session.get_or_none(Session.id == int(self.link.split(":")[1]))
        return None


class SchedulingWizard(ModalScreen):
    """The Scheduling Wizard. Dismisses with data.booking.BookingResult, or
    None when cancelled (nothing written)."""

    DEFAULT_CSS = """
    SchedulingWizard { align: center middle; }
    SchedulingWizard > #wizard { width: 100; max-width: 100%; height: 30; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    SchedulingWizard #wz-title { height: 1; text-style: bold; }
    SchedulingWizard #wz-steps { height: 1; }
    SchedulingWizard #wz-sofar { height: 1; color: $text-muted; margin-bottom: 1; }
    SchedulingWizard ContentSwitcher { height: 1fr; }
    SchedulingWizard .step { height: 1fr; }
    SchedulingWizard .row { height: 1; margin-bottom: 0; }
    SchedulingWizard .row-label { width: 14; color: $text-muted; }
    SchedulingWizard .row Input { width: 1fr; background: $boost; padding: 0 1; }
    SchedulingWizard .row Input:focus { background: $accent 30%; }
    SchedulingWizard .shown-back { height: auto; padding-left: 15; color: $success; }
    SchedulingWizard .shown-back.-error { color: $error; }
    SchedulingWizard .hint { height: auto; color: $text-muted; margin-top: 1; }
    SchedulingWizard .lead { height: auto; margin-bottom: 1; }
    SchedulingWizard OptionList { height: auto; max-height: 8; }
    SchedulingWizard #wz-check-result { height: auto; margin-bottom: 1; }
    SchedulingWizard #wz-check-result.-ok { color: $success; }
    SchedulingWizard #wz-check-result.-conflict { color: $warning; }
    SchedulingWizard #wz-check-result.-blocked { color: $error; }
    SchedulingWizard #wz-summary-scroll { height: 1fr; }
    SchedulingWizard #wz-summary { height: auto; }
    SchedulingWizard #wz-fu-list { max-height: 5; }
    SchedulingWizard #wz-error { height: auto; max-height: 4; color: $error; }
    SchedulingWizard #wz-keys { height: 1; color: $text-muted; }
    SchedulingWizard .hidden { display: none; }
    """
    BINDINGS = [
        Binding("enter", "next", "Next"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, client: Client | None = None, session: Session | None = None, kind: str = SESSION,
                 start: dt.datetime | None = None, photographer: User | None = None, room: Room | None = None):
        super().__init__()
        self.state = WizardState()
        self.given_session = session
        if session is not None:
            client = client or session.client
            kind = APPOINTMENT
        self.state.client = client
        self.state.kind = kind if kind in (SESSION, APPOINTMENT) else SESSION
        if session is not None:
            self.state.link = f"session:{session.id}"
        elif self.state.kind == APPOINTMENT and client is None:
            self.state.link = "none"
        self.state.start = start.replace(second=0, microsecond=0) if start else None
        self.state.room = room
        self.default_time = start.time() if start else None
        self.given_photographer = photographer
        self.step = "client"
        self.entered = False  # something typed or chosen by the user (Escape then asks)
        self._check: booking.SlotCheck | None = None
        self._preview: booking.BookingPreview | None = None
        self._types = catalog.session_types()
        self._photographers = users.photographers()
        self._staff = users.active_users()
        self._rooms = cal.rooms()
        self._filling = False

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Vertical(id="wizard"):
            yield Static("Scheduling Wizard", id="wz-title")
            yield Static("", id="wz-steps")
            yield Static("", id="wz-sofar")
            with ContentSwitcher(initial="step-client"):
                with Vertical(id="step-client", classes="step"):
                    yield Static("", id="wz-client-now", classes="lead")
                    yield OptionList(id="wz-client-menu", compact=True)
                    yield Static("Enter chooses. A new client is created only when you confirm the booking.",
                                 classes="hint")
                with Vertical(id="step-kind", classes="step"):
                    yield Static("A session always involves the camera; any other meeting is an appointment.",
                                 classes="lead")
                    yield row("Booking", ChoiceField([(SESSION, "Session (with the camera)"),
                                                      (APPOINTMENT, "Appointment (any other meeting)")],
                                                     id="wz-kind"))
                    yield row("Linked to", ChoiceField(id="wz-link"), "row-link")
                    yield row("Title", Input(placeholder="e.g. Consultation, Sales presentation, Staff meeting",
                                             id="wz-title-input", compact=True), "row-title")
                    yield Static("", id="wz-kind-hint", classes="hint")
                with Vertical(id="step-details", classes="step"):
                    yield row("Session type", ChoiceField(id="wz-type"), "row-type")
                    yield row("Photographer", ChoiceField(id="wz-photographer"), "row-photographer")
                    yield row("With", ChoiceField(id="wz-staff"), "row-staff")
                    yield row("Room", ChoiceField(id="wz-room"))
                    yield row("Date & time", Input(placeholder="e.g. tue 3pm, 12/3 10:30, tomorrow 9, +2w",
                                                   id="wz-when", compact=True))
                    yield Static("", id="wz-when-back", classes="shown-back")
                    yield row("Length (min)", Input(id="wz-length", compact=True, type="integer"))
                    yield row("Notes", Input(id="wz-notes", compact=True))
                    yield Static("←/→ change a choice · the date is always shown back before it is taken",
                                 classes="hint")
                with Vertical(id="step-check", classes="step"):
                    yield Static("", id="wz-check-when", classes="lead")
                    yield Static("", id="wz-check-result")
                    yield OptionList(id="wz-check-options", compact=True)
                    yield Static("", id="wz-check-hint", classes="hint")
                with Vertical(id="step-fee", classes="step"):
                    yield Static("The session fee invoice is made with the booking (optional).", classes="lead")
                    yield row("Fee invoice", ChoiceField([(True, "Yes: create the session fee invoice"),
                                                          (False, "No fee invoice now")], id="wz-fee-on"))
                    yield row("Session fee", Input(id="wz-fee", compact=True), "row-fee")
                    yield Static("", id="wz-fee-back", classes="shown-back")
                with Vertical(id="step-payment", classes="step"):
                    yield Static("Money taken now (optional).", classes="lead")
                    yield row("Money now", ChoiceField(id="wz-pay-kind"))
                    yield row("Amount", Input(placeholder="e.g. 50 or 162.38", id="wz-pay-amount", compact=True),
                              "row-pay-amount")
                    yield row("Method", ChoiceField([(m, m) for m in LedgerEntry.METHODS], "card",
                                                    id="wz-pay-method"), "row-pay-method")
                    yield row("Reference", Input(placeholder="check number", id="wz-pay-ref", compact=True),
                              "row-pay-ref")
                    yield row("Apply to fee", ChoiceField([(False, "No: hold the deposit for the client"),
                                                           (True, "Yes: put it on the fee invoice")],
                                                          id="wz-pay-apply"), "row-pay-apply")
                    yield Static("", id="wz-pay-back", classes="shown-back")
                with Vertical(id="step-followups", classes="step"):
                    yield Static("Future appointments linked to this booking (optional), e.g. the sales "
                                 "presentation a week later.", classes="lead")
                    yield OptionList(id="wz-fu-list", compact=True)
                    yield row("Title", Input("Sales presentation", id="wz-fu-title", compact=True))
                    yield row("Date & time", Input(placeholder="+1w 4pm (a week after the booking), next tue 4pm",
                                                   id="wz-fu-when", compact=True))
                    yield Static("", id="wz-fu-back", classes="shown-back")
                    yield row("Length (min)", Input("60", id="wz-fu-length", compact=True, type="integer"))
                    yield Static("Enter on the date adds it · Enter with no date goes on · "
                                 "Enter on a listed one removes it", classes="hint")
                with Vertical(id="step-summary", classes="step"):
                    with VerticalScroll(id="wz-summary-scroll"):
                        yield Static("", id="wz-summary")
            yield Static("", id="wz-error")
            yield Static("", id="wz-keys")

    def on_mount(self) -> None:
        self._fill_fields()
        self._show_step("client")
        if not self.state.has_client and self.state.kind == SESSION and self.given_session is None:
            self.call_after_refresh(self._search_client)

    # ------------------------------------------------------------ filling the fields from the state

    def _fill_fields(self) -> None:
        s = self.state
        self._filling = True
        try:
            self.query_one("#wz-kind", ChoiceField).value = s.kind
            self.query_one("#wz-type", ChoiceField).set_options(
                [(t.id, f"{t.name} · {t.length_minutes} min · {format_money(t.fee_cents)}") for t in self._types])
            photographer = self.given_photographer if (self.given_photographer is not None
                                                       and self.given_photographer.is_photographer) else None
            if photographer is None and s.start is not None:
                photographer = self._first_free(s.start)
            self.query_one("#wz-photographer", ChoiceField).set_options(
                [(u.id, u.full_name) for u in self._photographers], photographer.id if photographer else None)
            staff = self.given_photographer
            if staff is None and self.given_session is not None:
                staff = self.given_session.photographer
            self.query_one("#wz-staff", ChoiceField).set_options(
                [(None, "Nobody in particular")] + [(u.id, f"{u.full_name}" + ("" if u.is_photographer else f" ({u.role})"))
                                                    for u in self._staff], staff.id if staff else None)
            self.query_one("#wz-room", ChoiceField).set_options(
                [(None, "No room")] + [(r.id, r.name) for r in self._rooms], s.room.id if s.room else None)
            if s.start is not None:
                self.query_one("#wz-when", Input).value = _typed(s.start)
            self._refresh_link_options()
            self._type_changed()
        finally:
            self._filling = False

    def _first_free(self, start: dt.datetime) -> User | None:
        """The first photographer free at ``start`` for the first session type's length."""
        length = self._types[0].length_minutes if self._types else 60
        for person in self._photographers:
            try:
                if booking.check_slot(start, length, person).ok:
                    return person
            except DomainError:
                return None
        return None

    def _refresh_link_options(self) -> None:
        s = self.state
        options: list[tuple[str, str]] = []
        if s.has_client:
            options.append(("client", f"{s.client_name} (the client)"))
        if s.client is not None:
            found = session_data.search_sessions(session_data.SessionQuery(client_id=s.client.id), limit=20)
            for session in found:
                if session.status not in booking.SESSION_CLOSED:
                    options.append((f"session:{session.id}", f"Session {session.number} · {session.session_type.name}"
                                                             f" · {session.start:%m/%d/%Y}"))
        elif self.given_session is not None:
            session = self.given_session
            options.append((f"session:{session.id}", f"Session {session.number} · {session.session_type.name}"))
        options.append(("none", "Nothing (unlinked, e.g. a staff meeting)"))
        wanted = s.link if any(v == s.link for v, _l in options) else options[0][0]
        self.query_one("#wz-link", ChoiceField).set_options(options, wanted)

    def _type_changed(self) -> None:
        session_type = self._session_type()
        if session_type is None:
            return
        length = self.query_one("#wz-length", Input)
        if self.state.kind == SESSION:
            length.value = str(session_type.length_minutes)
        fee = self.query_one("#wz-fee", Input)
        fee.value = format_money(session_type.fee_cents, symbol="")
        self._fee_back()

    def _session_type(self) -> SessionType | None:
        type_id = self.query_one("#wz-type", ChoiceField).value
        return next((t for t in self._types if t.id == type_id), None)

    # ------------------------------------------------------------ steps

    def applicable(self, step: str) -> bool:
        s = self.state
        if step == "fee":
            return s.kind == SESSION
        if step == "payment":
            return s.kind == SESSION or (s.has_client or s.linked_session is not None)
        if step == "followups":
            return s.kind == SESSION or s.link != "none"
        return True

    def _show_step(self, step: str) -> None:
        self.step = step
        self.query_one(ContentSwitcher).current = f"step-{step}"
        self._error("")
        getattr(self, f"_enter_{step}")()
        self._draw_steps()
        self.call_after_refresh(self._focus_step)

    def _focus_step(self) -> None:
        if self.step == "followups":  # the title is filled in: start at the date
            self.query_one("#wz-fu-when", Input).focus()
            return
        step = self.query_one(f"#step-{self.step}")
        for widget in self.focus_chain:
            if step in widget.ancestors:
                widget.focus()
                return

    def _draw_steps(self) -> None:
        width = max(20, self.query_one("#wz-steps").size.width or 76)
        current = STEP_IDS.index(self.step)
        full = Text(no_wrap=True, overflow="ellipsis")
        compact = Text(no_wrap=True, overflow="ellipsis")
        for index, (step, title) in enumerate(STEPS):
            skipped = not self.applicable(step)
            style = "reverse bold" if step == self.step else ("dim strike" if skipped else (
                "green" if index < current else "dim"))
            mark = f" {index + 1} {title} "
            full.append(mark, style)
            compact.append(mark if step == self.step else f" {index + 1} ", style)
            if index < len(STEPS) - 1:
                full.append("›", "dim")
                compact.append("›", "dim")
        self.query_one("#wz-steps", Static).update(full if full.cell_len <= width else compact)
        self.query_one("#wz-sofar", Static).update(self._so_far())
        keys = "Enter next · Esc back · Tab fields · Ctrl+W summary"
        if self.step == "summary":
            keys = "Ctrl+W or Enter confirm · Esc back"
        elif self.step == "client":
            keys = "Enter choose · Esc cancel"
        self.query_one("#wz-keys", Static).update(keys)

    def _so_far(self) -> Text:
        """One line: what has been decided, so every step shows its context."""
        s = self.state
        parts = [s.client_name or ("no client" if s.kind == APPOINTMENT and s.link == "none" else "client?")]
        parts.append("session" if s.kind == SESSION else "appointment")
        if STEP_IDS.index(self.step) > STEP_IDS.index("details") and s.start is not None:
            who = s.photographer if s.kind == SESSION else s.staff
            if s.kind == SESSION and s.session_type is not None:
                parts[-1] = f"{s.session_type.name} session"
            parts.append(f"{s.start:%a %b} {s.start.day} {clock(s.start)}, {s.length} min")
            if who is not None:
                parts.append(who.full_name)
        return Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")

    def _error(self, message: str) -> None:
        self.query_one("#wz-error", Static).update(message)

    def _next_step(self, step: str, direction: int = 1) -> str | None:
        index = STEP_IDS.index(step) + direction
        while 0 <= index < len(STEP_IDS):
            if self.applicable(STEP_IDS[index]):
                return STEP_IDS[index]
            index += direction
        return None

    def action_next(self) -> None:
        if self.step == "summary":
            self.confirm()
            return
        if self.step == "client":
            menu = self.query_one("#wz-client-menu", OptionList)
            if menu.highlighted is not None:
                menu.action_select()
            return
        if self._leave(self.step):
            following = self._next_step(self.step)
            if following is not None:
                self._show_step(following)

    def action_back(self) -> None:
        previous = self._next_step(self.step, -1)
        if previous is not None:
            self._show_step(previous)
            return
        self.action_cancel_wizard()

    def action_cancel_wizard(self) -> None:
        if not self.entered:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Cancel this booking? Nothing you entered is saved.",
                                           "Cancel booking", "Keep editing"), answered)

    def action_save_close(self) -> None:
        """Ctrl+W: confirm on the summary; elsewhere go to the summary (each step checked on the way)."""
        if self.step == "summary":
            self.confirm()
            return
        if self.step == "client" and not self.state.has_client and self.state.kind == SESSION:
            self._error("Choose the client first (a session needs one).")
            return
        while self.step != "summary":
            if not self._leave(self.step):
                return
            following = self._next_step(self.step)
            if following is None:
                return
            if following == "summary" or self._needs_stop(following):
                self._show_step(following)
                if following != "summary":
                    return
            else:
                self.step = following
                getattr(self, f"_enter_{following}")()

    def _needs_stop(self, step: str) -> bool:
        """Ctrl+W stops at the conflict check when there is something to decide."""
        if step != "check":
            return False
        self._run_check()
        return self._check is not None and not self._check.ok

    # ------------------------------------------------------------ step 1: client

    def _enter_client(self) -> None:
        s = self.state
        now_line = self.query_one("#wz-client-now", Static)
        if s.client is not None:
            c = s.client
            details = " · ".join(p for p in (c.main_phone, c.email, c.city) if p)
            now_line.update(Text.assemble(("Client: ", "bold"), c.full_name, f"  {details}" if details else ""))
        elif s.new_client is not None:
            now_line.update(Text.assemble(("Client: ", "bold"), s.new_client.name,
                                          ("  (new: created when you confirm)", "dim")))
        elif s.kind == APPOINTMENT and s.link == "none":
            now_line.update(Text.assemble(("Client: ", "bold"), ("none (an unlinked appointment)", "dim")))
        else:
            now_line.update(Text.assemble(("Client: ", "bold"), ("not chosen yet", "dim")))
        menu = self.query_one("#wz-client-menu", OptionList)
        menu.clear_options()
        options = []
        if s.has_client:
            options.append(Option(f"Continue with {s.client_name}", id="continue"))
        elif s.kind == APPOINTMENT and s.link == "none":
            options.append(Option("Continue without a client", id="continue"))
        options += [
            Option("Find a client…  (Ctrl+N in the search: a new client)", id="search"),
            Option("New client…  (created when you confirm)", id="new"),
            Option("No client: an appointment nobody is linked to (a staff meeting…)", id="none"),
        ]
        menu.add_options(options)
        menu.highlighted = 0

    @on(OptionList.OptionSelected, "#wz-client-menu")
    def _client_menu(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id
        if choice == "continue":
            self._after_client()
        elif choice == "search":
            self._search_client()
        elif choice == "new":
            self._new_client()
        elif choice == "none":
            self.entered = True
            self.state.client = self.state.new_client = None
            self.state.kind, self.state.link = APPOINTMENT, "none"
            self.query_one("#wz-kind", ChoiceField).value = APPOINTMENT
            self._refresh_link_options()
            self._after_client()

    def _search_client(self) -> None:
        def chosen(answer) -> None:
            if answer == NEW_CLIENT:
                self._new_client()
            elif isinstance(answer, Client):
                self._set_client(answer)
            else:
                self._enter_client()

        self.app.push_screen(_wizard_client_search(), chosen)

    def _new_client(self) -> None:
        def done(answer) -> None:
            if isinstance(answer, Client):
                self._set_client(answer)
            elif isinstance(answer, NewClient):
                self.entered = True
                self.state.client, self.state.new_client = None, answer
                self._client_set()
            else:
                self._enter_client()

        self.app.push_screen(NewClientDialog(self.state.new_client), done)

    def action_new_client(self) -> None:
        """Ctrl+N inside the wizard: a new client on the fly (not saved before Confirm)."""
        if self.step == "client":
            self._new_client()
        else:
            self.notify("Go back to the first step (Esc) to change the client.", timeout=4)

    def _set_client(self, client: Client) -> None:
        self.entered = True
        self.state.client, self.state.new_client = client, None
        self._client_set()

    def _client_set(self) -> None:
        s = self.state
        if s.link == "none" or (s.link.startswith("session:") and self.given_session is None):
            s.link = "client"
        self._refresh_link_options()
        self._after_client()

    def _after_client(self) -> None:
        self._show_step("kind")

    # ------------------------------------------------------------ step 2: session or appointment

    def _enter_kind(self) -> None:
        self._kind_visibility()

    def _kind_visibility(self) -> None:
        kind = self.query_one("#wz-kind", ChoiceField).value
        is_appointment = kind == APPOINTMENT
        self.query_one("#row-link").set_class(not is_appointment, "hidden")
        self.query_one("#row-title").set_class(not is_appointment, "hidden")
        hint = ("Sessions: type, photographer, fee invoice and follow-ups come next." if not is_appointment else
                "An appointment may be linked to the client, to one of their sessions, or to nothing.")
        if not self.state.has_client and not is_appointment:
            hint = "A session needs a client: go back (Esc) to choose one, or book an appointment."
        self.query_one("#wz-kind-hint", Static).update(hint)

    @on(ChoiceField.Changed)
    def _choice_changed(self, event: ChoiceField.Changed) -> None:
        event.stop()
        if not self._filling:
            self.entered = True
        field_id = event.field.id
        if field_id == "wz-kind":
            self.state.kind = event.value
            self._kind_visibility()
            self._details_visibility()
            self._draw_steps()
        elif field_id == "wz-link":
            self.state.link = event.value
            self._draw_steps()
        elif field_id == "wz-type":
            self._type_changed()
        elif field_id == "wz-fee-on":
            self.query_one("#row-fee").set_class(not event.value, "hidden")
            self._fee_back()
        elif field_id in ("wz-pay-kind", "wz-pay-method"):
            self._payment_visibility()

    def _leave_kind(self) -> bool:
        s = self.state
        s.kind = self.query_one("#wz-kind", ChoiceField).value
        s.link = self.query_one("#wz-link", ChoiceField).value or "none"
        s.title = " ".join(self.query_one("#wz-title-input", Input).value.split())
        if s.kind == SESSION and not s.has_client:
            self._error("A session needs a client: go back (Esc) and choose one, or book an appointment.")
            return False
        if s.kind == APPOINTMENT and s.link == "none" and not s.title:
            self._error("An unlinked appointment needs a title (e.g. 'Staff meeting').")
            self.query_one("#wz-title-input", Input).focus()
            return False
        if s.kind == APPOINTMENT:
            linked = s.linked_session
            if linked is not None and self.given_photographer is None and self.query_one("#wz-staff", ChoiceField).value is None:
                self.query_one("#wz-staff", ChoiceField).value = linked.photographer_id
        return True

    # ------------------------------------------------------------ step 3: type, who, when

    def _enter_details(self) -> None:
        self._details_visibility()
        self._when_back()

    def _details_visibility(self) -> None:
        is_session = self.query_one("#wz-kind", ChoiceField).value == SESSION
        self.query_one("#row-type").set_class(not is_session, "hidden")
        self.query_one("#row-photographer").set_class(not is_session, "hidden")
        self.query_one("#row-staff").set_class(is_session, "hidden")
        length = self.query_one("#wz-length", Input)
        if is_session:
            session_type = self._session_type()
            if session_type is not None and not length.value.strip():
                length.value = str(session_type.length_minutes)
        elif not length.value.strip() or self._length_is_type_default():
            length.value = "60" if self.state.link.startswith("session:") else "30"

    def _length_is_type_default(self) -> bool:
        session_type = self._session_type()
        return session_type is not None and self.query_one("#wz-length", Input).value.strip() == str(
            session_type.length_minutes)

    def _parse_when(self, text: str) -> dt.datetime:
        return parse_when(text, default_time=self.default_time)

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

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            self.entered = True
        input_id = event.input.id
        if input_id == "wz-when":
            self._when_back()
        elif input_id == "wz-fee":
            self._fee_back()
        elif input_id == "wz-pay-amount":
            self._pay_back()
        elif input_id == "wz-fu-when":
            self._fu_back()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        input_id = event.input.id
        if input_id == "wz-fu-title":
            self.query_one("#wz-fu-when", Input).focus()
            return
        if input_id == "wz-fu-when" and event.value.strip():
            self._add_follow_up()
            return
        if input_id == "wz-fu-length" and self.query_one("#wz-fu-when", Input).value.strip():
            self._add_follow_up()
            return
        self.action_next()

    def _leave_details(self) -> bool:
        s = self.state
        is_session = s.kind == SESSION
        try:
            start = self._parse_when(self.query_one("#wz-when", Input).value)
        except DomainError as error:
            self._error(str(error))
            self.query_one("#wz-when", Input).focus()
            return False
        length_text = self.query_one("#wz-length", Input).value.strip()
        try:
            length = int(length_text)
        except ValueError:
            self._error("Type the length in minutes (e.g. 90).")
            self.query_one("#wz-length", Input).focus()
            return False
        try:
            session_data._check_length(length)
        except DomainError as error:
            self._error(str(error))
            self.query_one("#wz-length", Input).focus()
            return False
        if is_session:
            s.session_type = self._session_type()
            person_id = self.query_one("#wz-photographer", ChoiceField).value
            s.photographer = next((u for u in self._photographers if u.id == person_id), None)
            if s.session_type is None or s.photographer is None:
                self._error("A session always involves the camera: the studio needs session types and "
                            "photographers set up first.")
                return False
            s.staff = None
        else:
            staff_id = self.query_one("#wz-staff", ChoiceField).value
            s.staff = next((u for u in self._staff if u.id == staff_id), None)
            s.session_type = None
            s.photographer = None
        room_id = self.query_one("#wz-room", ChoiceField).value
        s.room = next((r for r in self._rooms if r.id == room_id), None)
        if start != s.start or length != s.length:
            s.accepted = []
        s.start, s.length = start, length
        s.notes = self.query_one("#wz-notes", Input).value.strip()
        self.default_time = start.time()
        return True

    # ------------------------------------------------------------ step 4: the conflict check

    def _who(self) -> User | None:
        s = self.state
        if s.kind == SESSION:
            return s.photographer
        if s.staff is not None:
            return s.staff
        linked = s.linked_session
        return linked.photographer if linked is not None else None

    def _run_check(self) -> None:
        s = self.state
        try:
            self._check = booking.check_slot(s.start, s.length, self._who(), s.room)
        except DomainError as error:
            self._check = None
            self._error(str(error))

    def _enter_check(self) -> None:
        s = self.state
        self._run_check()
        who = self._who()
        where = f" · {s.room.name}" if s.room else ""
        end = wall_end(s.start, s.length)
        self.query_one("#wz-check-when", Static).update(Text.assemble(
            (f"{long_date(s.start.date())}, {clock(s.start)} – {clock(end)}", "bold"),
            f" ({s.length} minutes, {how_far(s.start)})",
            f" · {who.full_name}" if who else " · nobody assigned", where))
        result = self.query_one("#wz-check-result", Static)
        options = self.query_one("#wz-check-options", OptionList)
        options.clear_options()
        check = self._check
        policy = check.policy if check else booking.conflict_policy()
        self.query_one("#wz-check-hint", Static).update(f"Studio policy {POLICY_TEXT.get(policy, policy)}.")
        for name in ("-ok", "-conflict", "-blocked"):
            result.remove_class(name)
        if check is None:
            result.update("")
            options.display = False
            return
        if check.ok:
            free = f"{who.full_name} is free" if who else "Nothing else is booked"
            if s.room is not None:
                free += f", {s.room.name} is free"
            result.update(f"✓ {free} and the studio is open.")
            result.add_class("-ok")
            options.display = False
            return
        result.update(("✗ " if check.blocked else "! ") + check.message)
        result.add_class("-blocked" if check.blocked else "-conflict")
        entries = []
        if check.needs_confirmation:
            entries.append(Option("Keep this time (you are asked to book it anyway)", id="keep"))
        elif not check.blocked:
            entries.append(Option("Keep this time (booked despite the conflict)", id="keep"))
        if who is not None:
            try:
                free_slots = cal.next_free_slots(who, s.start, s.length, count=5, room=s.room)
            except DomainError:
                free_slots = []
            for slot in free_slots:
                entries.append(Option(f"Free: {slot:%a %b} {slot.day}, {clock(slot)} ({how_far(slot)})",
                                      id=f"slot:{slot.isoformat()}"))
        if not entries:
            entries.append(Option("Choose another time (Esc goes back)", id="back"))
        options.add_options(entries)
        options.display = True
        options.highlighted = 0

    @on(OptionList.OptionSelected, "#wz-check-options")
    def _check_option(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id or ""
        if choice == "keep":
            self.action_next()
        elif choice == "back":
            self.action_back()
        elif choice.startswith("slot:"):
            start = dt.datetime.fromisoformat(choice[5:])
            self.entered = True
            self.state.start = start
            self.state.accepted = []
            self.default_time = start.time()
            self.query_one("#wz-when", Input).value = _typed(start)
            self._enter_check()
            self.call_after_refresh(self._focus_step)

    def _leave_check(self) -> bool:
        check = self._check
        if check is None:
            self._run_check()
            check = self._check
        if check is None:
            return False
        if check.ok:
            return True
        if check.blocked:
            self._error("Not possible: " + check.message)
            return False
        if check.needs_confirmation:
            if self.state.accepted and {c.key for c in check.conflicts} <= {c.key for c in self.state.accepted}:
                return True

            def answered(yes: bool | None) -> None:
                if yes:
                    self.state.accepted = list(check.conflicts)
                    self.action_next()

            self.app.push_screen(ConfirmDialog(f"{check.message}\n\nBook it anyway?", "Book anyway", "No"), answered)
            return False
        return True  # policy "always": booked, the conflicts are reported

    # ------------------------------------------------------------ step 5: the session fee invoice

    def _enter_fee(self) -> None:
        on_ = self.query_one("#wz-fee-on", ChoiceField).value
        self.query_one("#row-fee").set_class(not on_, "hidden")
        self._fee_back()

    def _fee_back(self) -> None:
        back = self.query_one("#wz-fee-back", Static)
        if not self.query_one("#wz-fee-on", ChoiceField).value:
            back.update("No session fee invoice now (it can be made from the session record later).")
            back.remove_class("-error")
            return
        session_type = self._session_type()
        if session_type is None:
            back.update("")
            return
        try:
            cents = parse_money(self.query_one("#wz-fee", Input).value, "session fee")
            subtotal, tax, total = booking.fee_totals(session_type, cents)
        except DomainError as error:
            back.update(str(error))
            back.add_class("-error")
            return
        back.remove_class("-error")
        tax_text = f" + tax {format_money(tax)}" if tax and total != subtotal else (" (tax included)" if tax else "")
        back.update(f"→ {format_money(subtotal)}{tax_text} = {format_money(total)}")

    def _leave_fee(self) -> bool:
        s = self.state
        s.fee_invoice = bool(self.query_one("#wz-fee-on", ChoiceField).value)
        if not s.fee_invoice:
            s.fee_cents = None
            return True
        try:
            s.fee_cents = parse_money(self.query_one("#wz-fee", Input).value, "session fee")
        except DomainError as error:
            self._error(str(error))
            self.query_one("#wz-fee", Input).focus()
            return False
        return True

    # ------------------------------------------------------------ step 6: money now

    def _enter_payment(self) -> None:
        s = self.state
        field_ = self.query_one("#wz-pay-kind", ChoiceField)
        options = [("none", "No money now")]
        if s.kind == SESSION and s.fee_invoice:
            options.append((PAYMENT, "Payment on the session fee invoice"))
        if s.has_client or s.linked_session is not None:
            options.append((DEPOSIT, "Deposit (held for the client)"))
        field_.set_options(options, field_.value)
        self._payment_visibility()

    def _payment_visibility(self) -> None:
        kind = self.query_one("#wz-pay-kind", ChoiceField).value
        taking = kind in (PAYMENT, DEPOSIT)
        self.query_one("#row-pay-amount").set_class(not taking, "hidden")
        self.query_one("#row-pay-method").set_class(not taking, "hidden")
        is_check = self.query_one("#wz-pay-method", ChoiceField).value == "check"
        self.query_one("#row-pay-ref").set_class(not (taking and is_check), "hidden")
        fee = self.state.kind == SESSION and self.state.fee_invoice
        self.query_one("#row-pay-apply").set_class(not (kind == DEPOSIT and fee), "hidden")
        amount = self.query_one("#wz-pay-amount", Input)
        if kind == PAYMENT and not amount.value.strip() and self.state.fee_cents is not None:
            amount.value = format_money(booking.fee_totals(self.state.session_type, self.state.fee_cents)[2], symbol="")
        self._pay_back()

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

    def _leave_payment(self) -> bool:
        s = self.state
        kind = self.query_one("#wz-pay-kind", ChoiceField).value
        if kind not in (PAYMENT, DEPOSIT):
            s.payment = None
            return True
        try:
            cents = parse_money(self.query_one("#wz-pay-amount", Input).value)
        except DomainError as error:
            self._error(str(error))
            self.query_one("#wz-pay-amount", Input).focus()
            return False
        if cents <= 0:
            self._error("The amount must be more than zero (or choose 'No money now').")
            self.query_one("#wz-pay-amount", Input).focus()
            return False
        method = self.query_one("#wz-pay-method", ChoiceField).value
        reference = self.query_one("#wz-pay-ref", Input).value.strip() if method == "check" else ""
        apply = bool(self.query_one("#wz-pay-apply", ChoiceField).value) and kind == DEPOSIT and \
            s.kind == SESSION and s.fee_invoice
        s.payment = PaymentNow(amount_cents=cents, method=method, reference=reference, kind=kind, apply_to_fee=apply)
        return True

    # ------------------------------------------------------------ step 7: follow-up appointments

    def _enter_followups(self) -> None:
        self._draw_follow_ups()
        self._fu_back()

    def _draw_follow_ups(self) -> None:
        listing = self.query_one("#wz-fu-list", OptionList)
        listing.clear_options()
        for index, follow in enumerate(self.state.follow_ups):
            end = wall_end(follow.start, follow.length_minutes)
            listing.add_option(Option(f"{index + 1}. {follow.title}: {follow.start:%a %b} {follow.start.day}, "
                                      f"{clock(follow.start)} – {clock(end)} ({how_far(follow.start)})", id=str(index)))
        listing.display = bool(self.state.follow_ups)

    def _parse_follow_up(self, text: str) -> dt.datetime:
        """'+1w 4pm' counts from the booking itself; anything else from today."""
        base = self.state.start if text.strip().startswith("+") and self.state.start else None
        return parse_when(text, now=base, default_time=self.state.start.time() if self.state.start else None)

    def _fu_back(self) -> None:
        back = self.query_one("#wz-fu-back", Static)
        text = self.query_one("#wz-fu-when", Input).value
        if not text.strip():
            back.update("")
            return
        try:
            when = self._parse_follow_up(text)
        except DomainError as error:
            back.update(str(error))
            back.add_class("-error")
            return
        back.remove_class("-error")
        back.update(Text("→ " + describe(when), "bold"))

    def _add_follow_up(self) -> bool:
        title = " ".join(self.query_one("#wz-fu-title", Input).value.split()) or "Sales presentation"
        when_box = self.query_one("#wz-fu-when", Input)
        try:
            start = self._parse_follow_up(when_box.value)
        except DomainError as error:
            self._error(str(error))
            when_box.focus()
            return False
        try:
            length = int(self.query_one("#wz-fu-length", Input).value.strip() or "60")
            session_data._check_length(length)
        except ValueError:
            self._error("Type the follow-up's length in minutes (e.g. 60).")
            return False
        except DomainError as error:
            self._error(str(error))
            return False
        if self.state.start and start < self.state.start:
            self._error(f"'{title}' would be before the booking itself ({describe(self.state.start)}).")
            when_box.focus()
            return False
        self.state.follow_ups.append(FollowUp(title, start, length))
        self.entered = True
        with when_box.prevent(Input.Changed):
            when_box.value = ""
        self._error("")
        self._draw_follow_ups()
        self._fu_back()
        when_box.focus()
        return True

    @on(OptionList.OptionSelected, "#wz-fu-list")
    def _follow_up_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = int(event.option.id)
        follow = self.state.follow_ups[index]

        def answered(remove: bool | None) -> None:
            if remove:
                del self.state.follow_ups[index]
                self._draw_follow_ups()
                self.query_one("#wz-fu-when", Input).focus()

        self.app.push_screen(ConfirmDialog(f"Remove the follow-up '{follow.title}' ({describe(follow.start)})?",
                                           "Remove", "Keep"), answered)

    def _leave_followups(self) -> bool:
        if self.query_one("#wz-fu-when", Input).value.strip():
            return self._add_follow_up() and False  # added: stay, so the list can be checked
        return True

    # ------------------------------------------------------------ step 8: summary and confirm

    def request(self) -> BookingRequest:
        s = self.state
        linked = s.linked_session
        client = s.client
        new_client = s.new_client
        if s.kind == APPOINTMENT and s.link == "none":
            client, new_client = None, None
        if linked is not None:
            client = linked.client if client is None else client
            new_client = None
        return BookingRequest(
            kind=s.kind,
            client=client,
            new_client=dict(new_client.fields) if new_client else None,
            allow_duplicate_client=bool(new_client and new_client.allow_duplicate),
            new_client_capitalize=new_client.capitalize if new_client else None,
            start=s.start,
            length_minutes=s.length,
            room=s.room,
            notes=s.notes,
            session_type=s.session_type if s.kind == SESSION else None,
            photographer=s.photographer if s.kind == SESSION else None,
            title=s.title if s.kind == APPOINTMENT else "",
            session=linked,
            staff=s.staff if s.kind == APPOINTMENT else None,
            fee_invoice=s.kind == SESSION and s.fee_invoice,
            fee_cents=s.fee_cents if s.kind == SESSION and s.fee_invoice else None,
            payment=s.payment if self.applicable("payment") else None,
            follow_ups=list(s.follow_ups) if self.applicable("followups") else [],
            allow_conflict=list(s.accepted) if s.accepted else False,
        )

    def _enter_summary(self) -> None:
        summary = self.query_one("#wz-summary", Static)
        try:
            self._preview = booking.preview(self.request())
        except WRITE_ERRORS as error:
            self._preview = None
            summary.update(Text("The booking cannot be made as it is:", "bold"))
            self._error(readable(error) + "  (Esc goes back to fix it.)")
            return
        text = Text()
        text.append("Confirm creates all of this at once:\n", "bold")
        for line in self._preview.summary:
            style = "bold yellow" if line.startswith(("Conflict", "Booked despite")) else ""
            text.append(f"• {line}\n", style)
        check = self._preview.check
        if check.blocked:
            text.append("\nNot possible under the studio's policy; go back (Esc) and choose another time.", "bold red")
        elif not check.ok and check.needs_confirmation:
            text.append("\nYou are asked once more on Confirm about anything not agreed yet.", "dim")
        summary.update(text)

    def confirm(self) -> None:
        if self.step != "summary":
            return
        self._book(self.request())

    def _book(self, request: BookingRequest) -> None:
        try:
            result = booking.book(request)
        except DuplicateClient as duplicate:
            def answered(yes: bool | None) -> None:
                if yes:
                    request.allow_duplicate_client = True
                    self._book(request)

            self.app.push_screen(ConfirmDialog(f"{duplicate}\n\nBook with a new client anyway?", "New client",
                                               "Back"), answered)
            return
        except ConflictError as error:
            if not error.can_override:
                self._error(f"Not booked: {error}")
                return
            shown = list(error.conflicts)

            def answered(yes: bool | None) -> None:
                if yes:
                    request.allow_conflict = shown
                    self.state.accepted = shown
                    self._book(request)
                else:
                    self._error("Not booked. Esc goes back to choose another time.")

            self.app.push_screen(ConfirmDialog(f"{error}\n\nBook it anyway?", "Book anyway", "No"), answered)
            return
        except WRITE_ERRORS as error:
            self._error(f"Not booked: {readable(error)}")
            return
        item = result.session or result.appointment
        what = f"Session {result.session.number}" if result.session else f"Appointment '{result.appointment.title}'"
        extra = []
        if result.fee_invoice is not None:
            extra.append(f"invoice {result.fee_invoice.display_number}")
        if result.follow_ups:
            extra.append(f"{len(result.follow_ups)} follow-up{'s' if len(result.follow_ups) > 1 else ''}")
        self.app.notify(f"{what}: {describe(item.start)}" + (f" ({', '.join(extra)})" if extra else ""),
                        title="Booked", timeout=8)
        if result.overridden:
            self.app.notify("Booked despite: " + " ".join(c.message for c in result.overridden[:3]),
                            title="Conflict", severity="warning", timeout=10)
        self.dismiss(result)

    # ------------------------------------------------------------ leaving a step

    def _leave(self, step: str) -> bool:
        self._error("")
        leave = getattr(self, f"_leave_{step}", None)
        return True if leave is None else leave()


def _typed(when: dt.datetime) -> str:
    """A date and time written back into a field so that parse_when reads it the same: '12/1/2026 10:30am'."""
    hour = when.hour % 12 or 12
    return f"{when.month}/{when.day}/{when.year} {hour}:{when.minute:02d}{'am' if when.hour < 12 else 'pm'}"
