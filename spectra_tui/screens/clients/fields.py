"""The client's fields (the form's and the record's General tab), with the
desktop program's manners; saving them through data.clients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Static, TextArea

from ...data import clients as client_data
from ...data import names
from ...data.clients import DuplicateClient
from ...data.errors import DomainError
from ...data.models import Client
from ...data.versions import ChangedElsewhere
from .. import keymap
from ..dialogs import NO_VALIDATION, RELOADED_KEEPING_TYPED, WRITE_ERRORS, ConfirmDialog, readable
from ..hooks import ScreenHooks

# The client form, in tab order: (field, label, placeholder). The first eight
# fill the left column (names and how to reach the client), the rest the right
# column (address and the rest), so Tab goes down one column, then the other.
FORM_FIELDS: list[tuple[str, str, str]] = [
    ("first_name", "First name", ""),
    ("middle_name", "Middle", ""),
    ("last_name", "Last name", ""),
    ("company", "Company", ""),
    ("phone_mobile", "Mobile", ""),
    ("phone_home", "Home phone", ""),
    ("phone_work", "Work phone", ""),
    ("email", "Email", ""),
    ("address1", "Address", ""),
    ("address2", "Address 2", ""),
    ("city", "City", ""),
    ("state", "State", ""),
    ("postal_code", "ZIP", ""),
    ("country", "Country", ""),
    ("birthday", "Birthday", "MM/DD/YYYY"),
    ("lead_source", "Lead source", ""),
]
COLUMNS = (FORM_FIELDS[:8], FORM_FIELDS[8:])
# The client's wishes, on one line after "Do not" (four fit in 80 columns).
CHECK_FIELDS: list[tuple[str, str]] = [
    ("do_not_market", "market"),
    ("do_not_call", "call"),
    ("do_not_email", "email"),
    ("do_not_text", "text"),
]
CAPITALIZED = set(names.CAPITALIZED_FIELDS)  # capitalised as the field is left (and on save)
BIRTHDAY_FORMAT = "%m/%d/%Y"


class FieldInput(Input):
    """A client field that shows the start of its text once left: Textual's
    Input keeps its scroll where the cursor was, at the end, so a long
    address showed only its tail. Back in the field, the cursor is at the end."""

    def on_blur(self) -> None:
        self.cursor_position = 0  # kept there when the value is tidied or reloaded

    def on_focus(self) -> None:
        self.cursor_position = len(self.value)


class ClientFields(Vertical):
    """The client's fields with the desktop program's manners: names and
    addresses capitalised as you leave them, F3 leaves a field as typed,
    phones/email/birthday checked as you leave them (by the data layer's
    rules), and a broken rule shown under its field."""

    DEFAULT_CSS = """
    ClientFields { height: auto; padding: 0 1; }
    ClientFields #field-columns { height: auto; }
    ClientFields .labels { width: 13; height: auto; color: $text-muted; }
    ClientFields .labels.-right { margin-left: 2; }
    ClientFields .inputs { width: 1fr; height: auto; }
    ClientFields Input { width: 1fr; height: 1; padding: 0; border: none !important; background: $boost; }
    ClientFields Input:focus { background: $accent 30%; }
    ClientFields Input.-invalid { background: $error 35%; }
    ClientFields #field-errors { color: $error; height: auto; padding-left: 13; }
    ClientFields .check-row { height: 1; }
    ClientFields .check-row .labels { width: 13; }
    ClientFields Checkbox { width: auto; margin-right: 3; }
    """
    # Enter moves on as the key arrives (a priority binding): keys typed
    # ahead of the screen go to the next field, not to the one just left.
    BINDINGS = keymap.bindings("client_fields")

    class Edited(Message):
        """Something in the fields changed (the record marks itself unsaved)."""

    def __init__(self, client: Client | None = None, **kwargs):
        super().__init__(**kwargs)
        self.client = client
        self.as_typed: set[str] = set()  # left with F3: saved without capitalising
        self._leaving_as_typed: str | None = None
        self._baseline: dict[str, Any] = {}

    def _initial(self, field: str) -> str:
        if self.client is None:
            return ""
        if field == "birthday":
            return self.client.birthday.strftime(BIRTHDAY_FORMAT) if self.client.birthday else ""
        return getattr(self.client, field) or ""

    def compose(self) -> ComposeResult:
        # Each column's labels are ONE Static and its fields plain Inputs styled
        # flat: few widgets, so a record opens fast. A broken rule is shown in
        # the message lines under the fields, naming the field, and the field
        # itself turns red and takes the focus.
        with Horizontal(id="field-columns"):
            for side, column in zip(("left", "right"), COLUMNS, strict=True):
                yield Static(self._labels_text(column), classes=f"labels -{side}", id=f"labels-{side}")
                with Vertical(classes="inputs"):
                    for field, _label, placeholder in column:
                        yield FieldInput(
                            self._initial(field),
                            placeholder=placeholder,
                            id=f"f-{field}",
                            select_on_focus=False,
                            validate_on=NO_VALIDATION,
                        )
        with Horizontal(classes="check-row"):
            yield Static("Do not", classes="labels")
            for field, label in CHECK_FIELDS:
                yield Checkbox(label, bool(self.client and getattr(self.client, field)), id=f"f-{field}", compact=True)
        yield Static("", id="field-errors")

    @staticmethod
    def _labels_text(column, focused: str | None = None) -> str:
        return "\n".join(f"[b $accent]{label}[/]" if field == focused else label for field, label, _p in column)

    def on_descendant_focus(self, event) -> None:
        self._mark_label(event.widget, True)

    def on_descendant_blur(self, event) -> None:
        self._mark_label(event.widget, False)

    def _mark_label(self, widget, focused: bool) -> None:
        """The focused field's label stands out."""
        field = (widget.id or "")[2:]
        for side, column in zip(("left", "right"), COLUMNS, strict=True):
            if any(f == field for f, _l, _p in column):
                self.query_one(f"#labels-{side}", Static).update(self._labels_text(column, field if focused else None))

    def on_mount(self) -> None:
        self._baseline = self.values()

    # -- values

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {field: self.query_one(f"#f-{field}", Input).value for field, _l, _p in FORM_FIELDS}
        for field, _label in CHECK_FIELDS:
            values[field] = self.query_one(f"#f-{field}", Checkbox).value
        return values

    def changed(self) -> dict[str, Any]:
        """The fields that differ from what was loaded (all filled ones for a new client)."""
        current = self.values()
        return {k: v for k, v in current.items() if v != self._baseline.get(k)}

    @property
    def is_changed(self) -> bool:
        return bool(self._baseline) and self.values() != self._baseline

    def capitalize_set(self, fields: dict) -> set[str]:
        """Fields to capitalise on save: the changed name/address fields not left with F3."""
        return {f for f in fields if f in CAPITALIZED and f not in self.as_typed}

    def rebase(self, client: Client) -> None:
        """Another terminal saved the client since these fields were loaded:
        take its values, except in the fields changed here (what was typed is
        kept); a save then writes the typed fields over the new version."""
        edited = self.changed()
        self.client = client
        for field, _label, _placeholder in FORM_FIELDS:
            if field not in edited:
                box = self.query_one(f"#f-{field}", Input)
                with box.prevent(Input.Changed):
                    box.value = self._initial(field)
        for field, _label in CHECK_FIELDS:
            if field not in edited:
                check = self.query_one(f"#f-{field}", Checkbox)
                with check.prevent(Checkbox.Changed):
                    check.value = bool(getattr(client, field))
        self._baseline = {
            **{field: self._initial(field) for field, _l, _p in FORM_FIELDS},
            **{field: bool(getattr(client, field)) for field, _l in CHECK_FIELDS},
        }

    def mark_saved(self, client: Client) -> None:
        """After a save: show what was stored (normalised phones...) and start over from it."""
        self.client = client
        for field, _label, _placeholder in FORM_FIELDS:
            box = self.query_one(f"#f-{field}", Input)
            with box.prevent(Input.Changed):
                box.value = self._initial(field)
        self._baseline = self.values()
        self.as_typed.clear()

    # -- leaving a field

    def action_next_as_typed(self) -> None:
        """F3: move on WITHOUT auto-capitalising the field just left."""
        focused = self.screen.focused
        if isinstance(focused, Input) and focused.id and focused.id.startswith("f-"):
            field = focused.id[2:]
            if field in CAPITALIZED:
                self.as_typed.add(field)
                self._leaving_as_typed = field
        self.screen.focus_next()

    @on(Input.Blurred)
    def _left_field(self, event: Input.Blurred) -> None:
        event.stop()
        box = event.input
        field = (box.id or "")[2:]
        if field in CAPITALIZED:
            if self._leaving_as_typed == field:
                self._leaving_as_typed = None
            else:
                self.as_typed.discard(field)
                fixed = names.capitalize_field(field, box.value)
                if fixed != box.value:
                    box.value = fixed
        self._check_field(field, box)

    def _check_field(self, field: str, box: Input) -> None:
        """Phones, email and birthday are checked (and tidied) as the field is left."""
        value = box.value.strip()
        try:
            if field in client_data.PHONE_FIELDS:
                tidy = client_data.normalize_phone(value, field)
            elif field == "email":
                tidy = client_data.normalize_email(value)
            elif field == "birthday":
                day = client_data.parse_birthday(value)
                tidy = day.strftime(BIRTHDAY_FORMAT) if day else ""
            else:
                return
        except DomainError as error:
            self.show_error(field, str(error), focus=False)
            return
        self.clear_error(field)
        if tidy != box.value:
            box.value = tidy

    def action_next_field(self) -> None:
        """Enter in a field moves to the next one (like Tab); elsewhere (a
        checkbox) Enter keeps its own meaning."""
        if not isinstance(self.screen.focused, Input):
            raise SkipAction()
        self.screen.focus_next()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        field = (event.input.id or "")[2:]
        if self._baseline:
            self.clear_error(field)
            self.post_message(self.Edited())

    @on(Checkbox.Changed)
    def _checked(self, event: Checkbox.Changed) -> None:
        event.stop()
        if self._baseline:
            self.post_message(self.Edited())

    # -- messages at the fields

    LABELS = {field: label for field, label, _placeholder in FORM_FIELDS}
    _errors: dict[str, str] | None = None

    def _show_errors(self) -> None:
        errors = self._errors or {}
        lines = [f"{self.LABELS[field]}: {errors[field]}" for field, _l, _p in FORM_FIELDS if field in errors]
        self.query_one("#field-errors", Static).update("\n".join(lines))

    def show_error(self, field: str | None, message: str, focus: bool = True) -> bool:
        """Show a rule's message for its field (named, under the fields) and mark
        the field; False when the field is not one of these."""
        if field not in self.LABELS:
            return False
        if self._errors is None:
            self._errors = {}
        self._errors[field] = message
        self._show_errors()
        box = self.query_one(f"#f-{field}", Input)
        box.add_class("-invalid")
        if focus:
            box.focus()
        return True

    def show_errors(self, error: Exception) -> dict[str, str]:
        """A refused save: each field's message under the fields at once (a
        FieldErrors names several), the first of them in form order focused.
        Returns the messages about no field of these (to be shown elsewhere)."""
        errors = getattr(error, "errors", None) or {getattr(error, "field", None): readable(error)}
        shown = [field for field, _l, _p in FORM_FIELDS if field in errors]
        for field in shown:
            self.show_error(field, errors[field], focus=False)
        if shown:
            self.query_one(f"#f-{shown[0]}", Input).focus()
        return {field: message for field, message in errors.items() if field not in shown}

    def error_of(self, field: str) -> str:
        """The message shown for ``field`` ('' when none)."""
        return (self._errors or {}).get(field, "")

    def clear_error(self, field: str) -> None:
        if self._errors and field in self._errors:
            del self._errors[field]
            self._show_errors()
        if field in self.LABELS:
            self.query_one(f"#f-{field}", Input).remove_class("-invalid")

    def clear_errors(self) -> None:
        if self._errors:
            self._errors = {}
            self._show_errors()
        for box in self.query(Input):
            box.remove_class("-invalid")

    @property
    def has_focus_inside(self) -> bool:
        focused = self.screen.focused
        return focused is not None and self in focused.ancestors


def rebase_on_stored(screen, error: ChangedElsewhere, fields_widget: ClientFields, notes: TextArea | None) -> None:
    """A save refused because another terminal saved the client meanwhile:
    the screen takes the stored client; what was typed here is kept."""
    fresh = client_data.get_client(screen.client.id)
    fields_widget.rebase(fresh)
    if notes is not None and notes.text == screen._notes:
        notes.load_text(fresh.notes)
    screen.client, screen._notes = fresh, fresh.notes
    screen.notify(f"{error} {RELOADED_KEEPING_TYPED}", title="Not saved", severity="warning", timeout=10)


def save_fields(
    client: Client | None, fields_widget: ClientFields, extra: dict | None = None, allow_duplicate: bool = False
) -> Client:
    """Save what changed through data.clients.save_client (its rules, its messages)."""
    fields = fields_widget.changed()
    if client is None:
        fields = {k: v for k, v in fields.items() if v not in ("", False)}
    fields.update(extra or {})
    return client_data.save_client(
        client, fields, allow_duplicate=allow_duplicate, capitalize=fields_widget.capitalize_set(fields)
    )


if TYPE_CHECKING:
    MixedIntoScreen = Screen
else:
    # At run time a plain mixin: Textual takes a screen's CSS (its type names
    # and DEFAULT_CSS) from the FIRST base that is a DOMNode, so a Screen here
    # would cut RecordScreen out of ClientForm's and ClientRecord's.
    MixedIntoScreen = object


class SavesClientFields(ScreenHooks, MixedIntoScreen):
    """Ctrl+W in a screen showing ClientFields (New Client, the client record):
    one save flow with the data layer's rules. A duplicate is asked about
    ("Save anyway?"); a save refused because another terminal saved the
    client meanwhile takes the stored client and keeps what was typed; a
    broken rule is shown at its field. The screen has ``client`` (None for a
    new one) and ``_notes`` (the notes as loaded), and says where its notes
    are (``notes_area``), how to show a rule broken outside the fields
    (``show_save_error``) and what follows a save (``saved``)."""

    client: Client | None
    _notes: str

    def notes_area(self) -> TextArea | None:
        raise NotImplementedError

    def show_save_error(self, error: Exception) -> None:
        self.notify(readable(error), title="Not saved", severity="error", timeout=8)

    def saved(self, client: Client) -> None:
        raise NotImplementedError

    def after_rebase(self) -> None:
        """The stored client was taken after a stale save (the record redraws its head)."""

    def action_save_close(self) -> None:
        self._save(allow_duplicate=False)

    def _save(self, allow_duplicate: bool) -> None:
        fields_widget = self.query_one(ClientFields)
        fields_widget.clear_errors()
        area = self.notes_area()
        notes = area.text if area is not None else self._notes
        extra = {"notes": notes} if notes != self._notes else {}
        if self.client is not None and not fields_widget.changed() and not extra:
            self.dismiss(True)
            return
        try:
            client = save_fields(self.client, fields_widget, extra, allow_duplicate=allow_duplicate)
        except DuplicateClient as duplicate:

            def answered(save_anyway: bool | None) -> None:
                if save_anyway:
                    self._save(allow_duplicate=True)

            self.app.push_screen(ConfirmDialog(f"{duplicate}\n\nSave anyway?", "Save anyway", "Go back"), answered)
            return
        except ChangedElsewhere as error:
            rebase_on_stored(self, error, fields_widget, area)
            self.after_rebase()
            return
        except WRITE_ERRORS as error:
            self.show_save_error(error)
            return
        fields_widget.mark_saved(client)
        self._notes = client.notes
        self.saved(client)
