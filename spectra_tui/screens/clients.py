"""Clients: the Clients hub (F5), Client Search (Ctrl+L), New Client (Ctrl+N)
and the client record.

Every rule is the data layer's (data.clients, data.ledger, data.invoices):
this module collects what was typed, calls the service, and shows the
service's message next to the field it names. Nothing typed is lost.

Auto-capitalisation happens as the receptionist LEAVES a name or address
field (smith -> Smith, mcdonald -> McDonald, o'brien -> O'Brien). F3 leaves
the field WITHOUT capitalising it, and the save keeps it as typed (the
desktop program's "While adding a client, F3 is used to prevent
auto-capitalization"). F3 is also the Workflow hub's key app-wide; screens
holding client fields set ``CAPTURES_F3`` while the focus is in a field, and
the app's hub action steps aside for them (see SpectraApp.action_open_hub).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, ContentSwitcher, Input, Label, Static, TextArea

from ..data import clients as client_data
from ..data import invoices as invoice_data
from ..data import ledger
from ..data import phone_calls as call_data
from ..data import sessions as session_data
from ..data.clients import ClientQuery, DuplicateClient
from ..data.errors import DomainError
from ..data.models import Client, FamilyMember, LedgerEntry
from ..data.versions import ChangedElsewhere
from ..data.money import format_money
from .base import HubScreen, KeyBar, RecordScreen, TitleBar
from .dialogs import (NO_VALIDATION, RELOADED_KEEPING_TYPED, WRITE_ERRORS, ConfirmDialog, MessageDialog, SmallForm,
                      readable)
from .keymap import display_keys
from .widgets import PAGE_SIZE, FieldTable, PagedTable

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
CHECK_FIELDS: list[tuple[str, str]] = [("do_not_market", "Do not market"), ("do_not_call", "Do not call")]
CAPITALIZED = set(client_data.NAME_FIELDS)  # auto-capitalised as the field is left
BIRTHDAY_FORMAT = "%m/%d/%Y"


def fit(text: str) -> Text:
    """A cell that ends in … when its column is too narrow (nothing silently cut)."""
    return Text(text or "", overflow="ellipsis", no_wrap=True)


def money_cell(cents: int) -> Text:
    return Text(format_money(cents), justify="right", no_wrap=True)


def _date(value: dt.date | dt.datetime | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def _time(value: dt.datetime | None) -> str:
    return value.strftime("%H:%M") if value else ""


def all_at_once(rows: list):
    """A PagedTable fetch for a short list that is already in memory."""
    return lambda after, limit: list(rows) if after is None else []


# ---------------------------------------------------------------- search (hub and dialog)

class ClientSearch(Vertical):
    """The Search group (name, phone, email, city, in any combination) and the
    results, paged from SQL (keyset) so it stays fast at 100,000 clients.

    Results follow every keystroke. Enter or Down in a search field moves to
    the results; Enter on a result posts ``PagedTable.Chosen`` (the client)."""

    DEFAULT_CSS = """
    ClientSearch { height: 1fr; }
    ClientSearch #search-group { height: 3; }
    ClientSearch #search-group Input { width: 1fr; }
    ClientSearch #search-group #q-name { width: 2fr; }
    ClientSearch #search-count { height: 1; padding: 0 1; color: $text-muted; }
    ClientSearch PagedTable { height: 1fr; }
    """
    # Enter is handled here, before the field or the list sees it, and the
    # focus moves at once: "smith", Enter, Enter typed fast opens the first
    # Smith (the second Enter must not reach the search field again).
    BINDINGS = [Binding("down", "to_results", "Results", show=False),
                Binding("enter", "enter", "Open", show=False, priority=True)]

    SEARCH_FIELDS = (("name", "Name", "last or first name"), ("phone", "Phone", "digits"),
                     ("email", "Email", ""), ("city", "City", ""))

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-group"):
            for field, title, placeholder in self.SEARCH_FIELDS:
                box = Input(placeholder=placeholder, id=f"q-{field}", select_on_focus=False, validate_on=NO_VALIDATION)
                box.border_title = title
                yield box
        yield Static("", id="search-count")
        yield FieldTable(  # one cell a row: results redraw fast enough to follow every keystroke
            [("Name", 28), ("Phone", 14), ("Email", 32), ("City", 14), ("Client", 7, "right")],
            values=lambda c: (c.sort_name, c.main_phone, c.email, c.city, f"#{c.id}"),
            key=lambda c: c.id,
            narrow_fields=[(0, 24), (1, 14), (3, 12), (2, 17)],
            id="client-results",
        )

    def on_mount(self) -> None:
        self.run_search()

    @property
    def query_value(self) -> ClientQuery:
        def value(field: str) -> str:
            return self.query_one(f"#q-{field}", Input).value

        return ClientQuery(name=value("name"), phone=value("phone"), email=value("email"), city=value("city"))

    @property
    def table(self) -> PagedTable:
        return self.query_one("#client-results", PagedTable)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.query_value != self._shown_query:  # not already shown (Enter may have run it)
            self.run_search()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        """Enter in a search field goes to the results; it never opens anything."""
        event.stop()
        self.action_to_results()

    def action_to_results(self) -> None:
        if self.query_value != self._shown_query:  # keys typed faster than the results followed
            self.run_search()
        self.table.when_loaded(self._focus_results)

    def _focus_results(self) -> None:
        if self.table.row_count:
            self.screen.set_focus(self.table)  # now, not after the keys already typed

    def action_enter(self) -> None:
        """Enter in a search field goes to the results (never opens anything);
        Enter on a result opens it."""
        focused = self.screen.focused
        if isinstance(focused, Input):
            # The field may still hold keys typed just before: act after them,
            # in the field's own queue, so the results match what was typed.
            focused.call_later(self.table.when_loaded, self._enter_after_typing)
        else:
            self.table.when_loaded(self._enter_after_typing)

    def _enter_after_typing(self) -> None:
        if self.screen.focused is self.table:
            self.table.action_choose()
        else:
            self.action_to_results()

    _total: int | None = None  # all clients, counted when the search opens (or is refreshed)

    _shown_query: ClientQuery | None = None

    def run_search(self, recount: bool = False) -> None:
        query = self._shown_query = self.query_value
        total = None if recount else self._total

        def describe(page: list) -> tuple[str, int | None]:  # in the worker thread, with the first page
            shown, counted = len(page), total
            if query.is_empty:
                counted = counted if counted is not None else client_data.total_clients()
                text = f"{counted:,} clients — type to search"
            else:
                cap = 1000
                found = shown if shown < PAGE_SIZE else client_data.count_clients(query, cap=cap)
                text = "No client matches." if not found else (
                    f"{cap:,}+ clients match" if found >= cap else f"{found:,} client{'s' if found != 1 else ''} match")
            return text + ("  ·  Enter/↓ to the list, Enter opens" if shown else ""), counted

        def show(described: tuple[str, int | None]) -> None:
            text, self._total = described
            self.query_one("#search-count", Static).update(text)

        self.table.load(lambda after, limit: client_data.search_clients(query, limit, after), show, describe)


class ClientsHub(HubScreen):
    """F5: find a client as you type; Enter opens the client record."""

    HUB_ID = "clients"
    HUB_TITLE = "Clients"

    def compose_body(self) -> ComposeResult:
        yield ClientSearch(id="clients-search")

    def refresh_data(self) -> None:
        search = self.query_one(ClientSearch)
        cursor = search.table.cursor_row
        search.run_search(recount=True)

        def keep_line() -> None:
            if 0 < cursor < search.table.row_count:
                search.table.move_cursor(row=cursor)

        search.table.when_loaded(keep_line)

    def on_paged_table_chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        self.app.push_screen(ClientRecord(event.row))


class ClientSearchDialog(ModalScreen[Client | None]):
    """Ctrl+L from anywhere: the same search in a dialog; returns the chosen
    client (None on Escape). With ``allow_new``, Ctrl+N (or the button) opens
    the New Client form and returns the client it saves."""

    DEFAULT_CSS = """
    ClientSearchDialog { align: center middle; }
    ClientSearchDialog > #search-dialog { width: 116; max-width: 100%; height: 30; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    ClientSearchDialog #search-dialog-bar { height: 1; }
    ClientSearchDialog #search-dialog-title { width: 1fr; text-style: bold; }
    ClientSearchDialog #search-dialog-keys { width: auto; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, allow_new: bool = True):
        super().__init__()
        self.allow_new = allow_new

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog"):
            with Horizontal(id="search-dialog-bar"):
                yield Label("Client Search", id="search-dialog-title")
                keys = "Enter choose · " + ("Ctrl+N new client · " if self.allow_new else "") + "Esc cancel"
                yield Label(keys, id="search-dialog-keys")
            yield ClientSearch(id="dialog-search")

    def on_paged_table_chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        self.dismiss(event.row)

    def action_new_client(self) -> None:
        """Ctrl+N here: New Client, and the new client is the answer."""
        if not self.allow_new:
            self.notify("Choose an existing client here.", timeout=4)
            return

        def saved(client: Client | None) -> None:
            if client is not None:
                self.dismiss(client)

        self.app.push_screen(ClientForm(), saved)

    def action_cancel(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------- the client fields (form and record)

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
    ClientFields .check-row { height: 1; padding-left: 13; }
    ClientFields Checkbox { width: 1fr; }
    """
    # Enter moves on as the key arrives (a priority binding): keys typed
    # ahead of the screen go to the next field, not to the one just left.
    BINDINGS = [Binding("f3", "next_as_typed", "Next, as typed"),
                Binding("enter", "next_field", "Next field", show=False, priority=True)]

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
            for side, column in zip(("left", "right"), COLUMNS):
                yield Static(self._labels_text(column), classes=f"labels -{side}", id=f"labels-{side}")
                with Vertical(classes="inputs"):
                    for field, _label, placeholder in column:
                        yield Input(self._initial(field), placeholder=placeholder, id=f"f-{field}",
                                    select_on_focus=False, validate_on=NO_VALIDATION)
        with Horizontal(classes="check-row"):
            for field, label in CHECK_FIELDS:
                yield Checkbox(label, bool(self.client and getattr(self.client, field)), id=f"f-{field}",
                               compact=True)
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
        for side, column in zip(("left", "right"), COLUMNS):
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
                box = self.query_one(f"#f-{field}", Checkbox)
                with box.prevent(Checkbox.Changed):
                    box.value = bool(getattr(client, field))
        self._baseline = {**{field: self._initial(field) for field, _l, _p in FORM_FIELDS},
                          **{field: bool(getattr(client, field)) for field, _l in CHECK_FIELDS}}

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
                fixed = client_data.auto_capitalize(box.value)
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


def save_fields(client: Client | None, fields_widget: ClientFields, extra: dict | None = None,
                allow_duplicate: bool = False) -> Client:
    """Save what changed through data.clients.save_client (its rules, its messages)."""
    fields = fields_widget.changed()
    if client is None:
        fields = {k: v for k, v in fields.items() if v not in ("", False)}
    fields.update(extra or {})
    return client_data.save_client(client, fields, allow_duplicate=allow_duplicate,
                                   capitalize=fields_widget.capitalize_set(fields))


class ClientForm(RecordScreen):
    """New Client (Ctrl+N), or a client's fields on their own. Ctrl+W saves and
    closes (dismissing with the saved client); Escape asks when unsaved."""

    DEFAULT_CSS = """
    ClientForm #form-title { padding: 0 1; text-style: bold; color: $accent; height: 1; }
    ClientForm #form-scroll { height: 1fr; }
    ClientForm #notes-label { padding: 0 1; color: $text-muted; margin-top: 1; }
    ClientForm #form-notes { height: 5; margin: 0 1; }
    ClientForm #form-keys { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, client: Client | None = None):
        super().__init__()
        self.client = client
        self._notes = client.notes if client else ""
        self._screen_title = "Spectra · " + ("New Client" if client is None else "Edit Client")

    @property
    def CAPTURES_F3(self) -> bool:  # noqa: N802 - the app reads this name
        return self.query_one(ClientFields).has_focus_inside

    def compose(self) -> ComposeResult:
        yield TitleBar()
        title = "New client" if self.client is None else f"Client #{self.client.id}: {self.client.full_name}"
        yield Static(title, id="form-title")
        with VerticalScroll(id="form-scroll", can_focus=False):
            yield ClientFields(self.client, id="form-fields")
            yield Label("Notes", id="notes-label")
            yield TextArea(self._notes, id="form-notes")
        yield Static("Ctrl+W save & close · Esc cancel · F3 next field without capitals", id="form-keys")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = self._screen_title
        self.query_one("#f-first_name", Input).focus()

    @property
    def dirty(self) -> bool:
        return self.query_one(ClientFields).is_changed or self.query_one("#form-notes", TextArea).text != self._notes

    @dirty.setter
    def dirty(self, value: bool) -> None:
        """RecordScreen clears this after a save or a discard; nothing to keep."""

    def action_save_close(self) -> None:
        self._save(allow_duplicate=False)

    def _save(self, allow_duplicate: bool) -> None:
        fields_widget = self.query_one(ClientFields)
        fields_widget.clear_errors()
        notes = self.query_one("#form-notes", TextArea).text
        extra = {"notes": notes} if notes != self._notes else {}
        try:
            client = save_fields(self.client, fields_widget, extra, allow_duplicate=allow_duplicate)
        except DuplicateClient as duplicate:
            def answered(save_anyway: bool | None) -> None:
                if save_anyway:
                    self._save(allow_duplicate=True)

            self.app.push_screen(ConfirmDialog(f"{duplicate}\n\nSave anyway?", "Save anyway", "Go back"), answered)
            return
        except ChangedElsewhere as error:
            rebase_on_stored(self, error, fields_widget, self.query_one("#form-notes", TextArea))
            return
        except WRITE_ERRORS as error:
            if not fields_widget.show_error(getattr(error, "field", None), readable(error)):
                self.notify(readable(error), title="Not saved", severity="error", timeout=8)
            return
        self.notify(f"{client.full_name} saved (client #{client.id}).", title="Saved", timeout=4)
        fields_widget.mark_saved(client)
        self._notes = client.notes
        self.dismiss(client)


# ---------------------------------------------------------------- small dialogs of the record

class FamilyMemberDialog(SmallForm):
    TITLE_TEXT = "Add a family member"
    FIELDS = [("first_name", "First name", ""), ("last_name", "Last name", ""),
              ("relationship", "Relationship", "Spouse, Child..."), ("birthday", "Birthday", "MM/DD/YYYY")]

    def __init__(self, client: Client):
        super().__init__()
        self.client = client

    def initial(self, field: str) -> str:
        return self.client.last_name if field == "last_name" else ""

    def perform(self, values: dict[str, Any]) -> FamilyMember:
        return client_data.add_family_member(self.client, values["first_name"], values["last_name"],
                                             values["relationship"], values["birthday"] or None)


# ---------------------------------------------------------------- the client record

class KeyRibbon(Static):
    """A ribbon group: 'New  Alt+A Appointment  Alt+S Session ...', wrapped
    between entries (never inside one) to the width it has."""

    def __init__(self, title: str, entries: list[tuple[str, str]], width: int = 0, **kwargs):
        self.ribbon_title, self.entries = title, entries
        self._width = width
        text = self.flow(width) if width else ""
        super().__init__(text, **kwargs)
        if width:
            self.styles.height = text.plain.count("\n") + 1

    def on_resize(self, event) -> None:
        if event.size.width == self._width:
            return  # laid out for this width already
        self._width = event.size.width
        text = self.flow(event.size.width)
        self.styles.height = text.plain.count("\n") + 1
        self.update(text)

    def flow(self, width: int) -> Text:
        parts = [Text.assemble((display_keys(key), "bold"), " ", label) for key, label in self.entries]
        lines: list[Text] = []
        line = Text.assemble((self.ribbon_title, "bold"), ":")
        for part in parts:
            if line.cell_len + 2 + part.cell_len > max(width, 20) and line.cell_len > 0:
                lines.append(line)
                line = Text("  ") + part
            else:
                line = line + Text("  ") + part
        lines.append(line)
        return Text("\n").join(lines)


class FamilyTable(PagedTable):
    """The Family list: a (or Insert) adds a member, Delete removes the selected one."""

    BINDINGS = [Binding("a,insert", "add_member", "Add"), Binding("delete", "remove_member", "Remove")]

    def action_add_member(self) -> None:
        self.screen.action_add_family()

    def action_remove_member(self) -> None:
        self.screen.action_remove_family()


def tab_label(name: str) -> str:
    """'phone_calls' -> 'Phone Calls'."""
    return name.replace("_", " ").title()


class CallsTable(PagedTable):
    """The Phone Calls list: l logs a call with the client."""

    BINDINGS = [Binding("l", "log_call", "Log call")]

    def action_log_call(self) -> None:
        self.screen.action_log_call()


class TabStrip(Static, can_focus=True):
    """The record's tab names on one line, the current one highlighted.

    Left/Right (when it has the focus), Ctrl+PgUp/PgDn, Alt+1..7 or a click
    choose a tab; the screen's ``action_show_tab`` does the switching.
    (Alt+digit reaches the app only in terminals with the kitty keyboard
    protocol: elsewhere Textual reads ESC+digit as macOS Option characters,
    so Ctrl+PgUp/PgDn, which every terminal sends, are the keys to rely on.) (A light stand-in for
    TabbedContent, whose fifteen widgets made a record slower to open.)"""

    DEFAULT_CSS = """
    TabStrip { height: 1; padding: 0 1; background: $panel; }
    TabStrip:focus { background: $boost; }
    """
    BINDINGS = [Binding("left", "step(-1)", "Previous tab", show=False),
                Binding("right", "step(1)", "Next tab", show=False)]

    def __init__(self, tabs: tuple[str, ...], active: str, **kwargs):
        super().__init__("", **kwargs)
        self.tabs, self.active = tabs, active

    def on_mount(self) -> None:
        self.show(self.active)

    def show(self, tab: str) -> None:
        """Highlight ``tab``; a space each side of every name when the line
        has room (120 columns), one space between names when not (80)."""
        self.active = tab
        hint = f"Alt+1…{len(self.tabs)} · Ctrl+PgUp/PgDn"
        roomy = sum(len(tab_label(name)) + 3 for name in self.tabs) + len(hint) + 2 <= self.app.size.width - 2
        if not roomy:
            hint = "^PgUp/PgDn"
        parts = []
        for name in self.tabs:
            label = f" {tab_label(name)} " if roomy or name == tab else tab_label(name)
            if name == tab:
                parts.append(f"[b reverse]{label}[/]")
            else:
                parts.append(f"[@click=screen.show_tab('{name}')]{label}[/]")
        self.update(" ".join(parts) + f"  [dim]{hint}[/]")

    async def action_step(self, step: int) -> None:
        index = (self.tabs.index(self.active) + step) % len(self.tabs)
        await self.screen.action_show_tab(self.tabs[index], focus_content=False)


class ClientRecord(RecordScreen):
    """A client: General (editable), Family, Sessions, Appointments, Invoices,
    Phone Calls, Notes; the money summary; the New group (keys in the footer)."""

    TABS = ("general", "family", "sessions", "appointments", "invoices", "phone_calls", "notes")

    DEFAULT_CSS = """
    ClientRecord #record-head { height: 1; padding: 0 1; background: $panel; }
    ClientRecord #record-name { width: 1fr; text-style: bold; }
    ClientRecord #record-contact { width: auto; color: $text-muted; }
    ClientRecord #record-money { height: 1; padding: 0 1; }
    ClientRecord #record-new { padding: 0 1; background: $boost; }
    ClientRecord #record-tabs { height: 1fr; }
    ClientRecord #record-tabs > Vertical { height: 1fr; }
    ClientRecord .tab-hint { height: 1; padding: 0 1; color: $text-muted; }
    ClientRecord PagedTable { height: 1fr; }
    ClientRecord #record-notes { height: 1fr; }
    """
    # The New group. Priority: the keys must not be typed into the field that has the focus.
    NEW_GROUP = [("alt+a", "appointment", "Appointment"), ("alt+s", "session", "Session"),
                 ("alt+g", "Generic", "Generic invoice"), ("alt+e", "Estimate", "Estimate"),
                 ("alt+c", "Credit Memo", "Credit memo"), ("alt+d", "deposit", "Deposit")]
    BINDINGS = [
        *[Binding(key, f"new('{what}')", label, priority=True) for key, what, label in NEW_GROUP],
        *[Binding(f"alt+{n}", f"show_tab('{tab}')", f"{tab_label(tab)} tab", show=False, priority=True)
          for n, tab in enumerate(TABS, 1)],
        Binding("ctrl+pagedown", "step_tab(1)", "Next tab", show=False, priority=True),
        Binding("ctrl+pageup", "step_tab(-1)", "Previous tab", show=False, priority=True),
    ]

    def __init__(self, client: Client, tab: str = "general"):
        super().__init__()
        self.client = client
        self.initial_tab = tab if tab in self.TABS else "general"
        self._notes = client.notes
        self._shown = False
        self._filled: set[str] = set()

    @property
    def CAPTURES_F3(self) -> bool:  # noqa: N802 - the app reads this name
        return self.query_one(ClientFields).has_focus_inside

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="record-head"):
            yield Label("", id="record-name")
            yield Label("", id="record-contact")
        yield Static("", id="record-money")
        yield KeyRibbon("New", [(key, label) for key, _what, label in self.NEW_GROUP],
                        width=self.app.size.width - 2, id="record-new")
        yield TabStrip(self.TABS, self.initial_tab, id="tab-strip")
        with ContentSwitcher(initial=self.initial_tab, id="record-tabs"):
            with VerticalScroll(id="general", can_focus=False):
                yield ClientFields(self.client, id="record-fields")
                yield Static("Ctrl+W save & close · Esc close · F3 next field without capitals",
                             classes="tab-hint")
            for tab in self.TABS[1:]:
                yield Vertical(id=tab)  # filled when first shown (a record opens fast)
        yield KeyBar()

    async def on_mount(self) -> None:
        self.title = f"Spectra · Client #{self.client.id}"
        self.refresh_record()
        if self.initial_tab == "general":
            self.query_one("#f-first_name", Input).focus()
        else:
            await self.action_show_tab(self.initial_tab)

    def on_screen_resume(self) -> None:
        """Back from a session, an invoice or a dialog: show what changed there."""
        if self._shown:
            self.refresh_record()
        self._shown = True

    # -- what the record shows

    def _make_tab(self, tab: str) -> list:
        if tab == "family":
            return [Static("a add · Delete remove", classes="tab-hint"),
                    FamilyTable([("Name", 28), ("Relationship", 16), ("Birthday", 12)],
                                cells=lambda m: (fit(m.full_name), fit(m.relationship), _date(m.birthday)),
                                key=lambda m: m.id, id="family-table")]
        if tab == "sessions":
            return [PagedTable([("Session", 8), ("Date", 10), ("Time", 5), ("Type", 12), ("Photographer", 14),
                                ("Status", 26)],
                               cells=lambda s: (str(s.number), _date(s.start), _time(s.start), fit(s.session_type.name),
                                                fit(s.photographer.full_name), fit(s.status)),
                               key=lambda s: s.id, narrow_columns=[(0, 7), (1, 10), (3, 10), (5, 26)],
                               id="sessions-table")]
        if tab == "appointments":
            return [PagedTable([("Date", 10), ("Time", 5), ("Title", 24), ("With", 14), ("Status", 10)],
                               cells=lambda a: (_date(a.start), _time(a.start), fit(a.title),
                                                fit(a.staff.full_name if a.staff_id else ""), fit(a.status)),
                               key=lambda a: a.id, id="appointments-table")]
        if tab == "invoices":
            return [PagedTable([("Number", 7), ("Date", 10), ("Type", 13), ("Total", 12), ("Balance", 12),
                                ("State", 9)],
                               cells=lambda r: (r.invoice.display_number, _date(r.invoice.invoice_date),
                                                fit(r.invoice.kind), money_cell(r.invoice.total_cents),
                                                money_cell(r.balance), r.state),
                               key=lambda r: r.invoice.id, id="invoices-table")]
        if tab == "phone_calls":
            return [Static("l logs a call · Enter shows it", classes="tab-hint"),
                    CallsTable([("When", 14), ("Call", 4), ("About", 30), ("By", 8), ("Notes", 40)],
                               cells=lambda c: (f"{c.at:%m/%d/%y %H:%M}", c.direction, fit(c.subject),
                                                fit(c.user_name), fit(c.notes.replace("\n", " "))),
                               key=lambda c: c.id, narrow_columns=[(0, 14), (1, 4), (2, 30), (4, 20)],
                               id="calls-table")]
        if tab == "notes":
            return [TextArea(self._notes, id="record-notes")]
        return []

    async def _fill_tab(self, tab: str) -> None:
        """Build a tab's content the first time it is shown, then load it."""
        if tab in self._filled or tab == "general":
            return
        self._filled.add(tab)
        await self.query_one(f"#record-tabs > #{tab}").mount(*self._make_tab(tab))
        self._load_tab(tab)

    def _load_tab(self, tab: str) -> None:
        client = self.client
        if tab == "family":
            self.query_one("#family-table", PagedTable).load(all_at_once(list(client.family.order_by(FamilyMember.id))))
        elif tab == "sessions":
            query = session_data.SessionQuery(client_id=client.id)
            self.query_one("#sessions-table", PagedTable).load(
                lambda after, limit: session_data.search_sessions(query, limit, after))
        elif tab == "appointments":
            self.query_one("#appointments-table", PagedTable).load(
                lambda after, limit: session_data.client_appointments(client, limit, after))
        elif tab == "invoices":
            query = invoice_data.InvoiceQuery(client_id=client.id)
            self.query_one("#invoices-table", PagedTable).load(
                lambda after, limit: invoice_data.search_invoices(query, limit, after))
        elif tab == "phone_calls":
            self.query_one("#calls-table", PagedTable).load(
                lambda after, limit: call_data.calls_of_client(client, limit, after))

    def refresh_record(self) -> None:
        client = self.client
        self.query_one("#record-name", Label).update(f"{client.full_name}  #{client.id}")
        contact = " · ".join(x for x in (client.main_phone, client.email) if x)
        self.query_one("#record-contact", Label).update(contact)
        money = ledger.client_money(client.id)
        owed = f"[b $warning]Owes {format_money(money.owed)}[/]" if money.owed else "Owes nothing"
        parts = [owed, f"Credit {format_money(money.credit_balances)}",
                 f"Unapplied deposits {format_money(money.deposits_left)}"]
        self.query_one("#record-money", Static).update("  ·  ".join(parts))
        for tab in self._filled:
            self._load_tab(tab)

    def _notes_text(self) -> str:
        shown = self.query("#record-notes")
        return shown.first(TextArea).text if shown else self._notes

    # -- unsaved changes, save

    @property
    def dirty(self) -> bool:
        return self.query_one(ClientFields).is_changed or self._notes_text() != self._notes

    @dirty.setter
    def dirty(self, value: bool) -> None:
        """RecordScreen clears this after a save or a discard; nothing to keep."""

    def action_save_close(self) -> None:
        self._save(allow_duplicate=False)

    def _save(self, allow_duplicate: bool) -> None:
        fields_widget = self.query_one(ClientFields)
        fields_widget.clear_errors()
        notes = self._notes_text()
        extra = {"notes": notes} if notes != self._notes else {}
        if not fields_widget.changed() and not extra:
            self.dismiss(True)
            return
        try:
            save_fields(self.client, fields_widget, extra, allow_duplicate=allow_duplicate)
        except DuplicateClient as duplicate:
            def answered(save_anyway: bool | None) -> None:
                if save_anyway:
                    self._save(allow_duplicate=True)

            self.app.push_screen(ConfirmDialog(f"{duplicate}\n\nSave anyway?", "Save anyway", "Go back"), answered)
            return
        except ChangedElsewhere as error:
            shown = self.query("#record-notes")
            rebase_on_stored(self, error, fields_widget, shown.first(TextArea) if shown else None)
            self.refresh_record()
            return
        except WRITE_ERRORS as error:
            field = getattr(error, "field", None)
            if field in ClientFields.LABELS:
                self.show_general()
                self.call_after_refresh(fields_widget.show_error, field, readable(error))
            else:
                if field == "notes":
                    self.call_later(self.action_show_tab, "notes")
                self.notify(readable(error), title="Not saved", severity="error", timeout=8)
            return
        self.notify(f"{self.client.full_name} saved.", title="Saved", timeout=4)
        fields_widget.mark_saved(self.client)
        self._notes = self.client.notes
        self.dismiss(True)

    # -- tabs

    @property
    def active_tab(self) -> str:
        return self.query_one("#record-tabs", ContentSwitcher).current or "general"

    def show_general(self) -> None:
        self.query_one("#record-tabs", ContentSwitcher).current = "general"
        self.query_one(TabStrip).show("general")

    async def action_show_tab(self, tab: str, focus_content: bool = True) -> None:
        """Show a tab (filled the first time) and put the focus into it, ready for the keyboard."""
        if tab not in self.TABS:
            return
        await self._fill_tab(tab)
        self.query_one("#record-tabs", ContentSwitcher).current = tab
        self.query_one(TabStrip).show(tab)
        if not focus_content:
            return
        pane = self.query_one(f"#record-tabs > #{tab}")
        targets = pane.query("Input, PagedTable, TextArea")
        if targets:
            targets.first().focus()

    async def action_step_tab(self, step: int) -> None:
        tabs = self.TABS
        await self.action_show_tab(tabs[(tabs.index(self.active_tab) + step) % len(tabs)])

    # -- lists: Enter opens

    def on_paged_table_chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        table_id = event.table.id
        if table_id == "sessions-table":
            from .sessions import SessionRecord

            self.app.push_screen(SessionRecord(event.row))
        elif table_id == "invoices-table":
            from .invoices import InvoiceRecord

            self.app.push_screen(InvoiceRecord(event.row.invoice))
        elif table_id == "calls-table":
            call = event.row
            way = "from" if call.direction == "in" else "to"
            self.app.push_screen(MessageDialog(f"Call {way} {self.client.full_name} · {call.at:%m/%d/%Y %I:%M %p}",
                                               f"{call.subject}\n\n{call.notes or '(no notes)'}\n\n"
                                               f"Logged by {call.user_name}."))
        elif table_id == "appointments-table":
            appointment = event.row
            if appointment.session_id:
                from .sessions import SessionRecord

                self.app.push_screen(SessionRecord(appointment.session))
            else:
                self.notify(f"{appointment.title} on {_date(appointment.start)} at {_time(appointment.start)}"
                            f" ({appointment.status}).", timeout=5)

    # -- family

    def action_add_family(self) -> None:
        def added(member: FamilyMember | None) -> None:
            if member is not None:
                self.notify(f"{member.full_name} added to the family.", timeout=4)
                self.refresh_record()

        self.app.push_screen(FamilyMemberDialog(self.client), added)

    def action_remove_family(self) -> None:
        member = self.query_one("#family-table", PagedTable).selected
        if member is None:
            return

        def answered(remove: bool | None) -> None:
            if not remove:
                return
            try:
                client_data.remove_family_member(member)
            except WRITE_ERRORS as error:
                self.notify(readable(error), title="Not removed", severity="error", timeout=8)
                return
            self.notify(f"{member.full_name} removed from the family.", timeout=4)
            self.refresh_record()

        self.app.push_screen(ConfirmDialog(f"Remove {member.full_name} ({member.relationship or 'family'}) "
                                           f"from {self.client.full_name}'s family?", "Remove", "Keep"), answered)

    # -- phone calls, tasks

    def action_log_call(self) -> None:
        from .phone_calls import PhoneCallDialog

        def logged(call) -> None:
            if call is not None:
                self.notify(f"Call logged: {call.subject}.", timeout=4)
                self.refresh_record()

        self.app.push_screen(PhoneCallDialog(self.client), logged)

    @property
    def task_client(self) -> Client:
        """Ctrl+D here makes a task about this client."""
        return self.client

    # -- the New group

    def action_new(self, what: str) -> None:
        client = self.client
        if what in ("appointment", "session"):
            wizard = getattr(self.app, "open_scheduling_wizard", None)
            if wizard is None:
                self.notify("The Scheduling Wizard is not installed in this version yet; book from the "
                            "calendar when it arrives.", title="Not available", severity="warning", timeout=6)
                return
            wizard(client=client, kind=what)
        elif what == "deposit":
            def taken(entry: LedgerEntry | None) -> None:
                if entry is not None:
                    self.notify(f"Deposit of {format_money(entry.amount_cents)} taken from {client.full_name}.",
                                title="Deposit", timeout=5)
                    self.refresh_record()

            from .money import DepositDialog

            self.app.push_screen(DepositDialog(client), taken)
        else:
            from .invoices import open_new_invoice

            open_new_invoice(self.app, what, client=client)
