"""A client entered on the fly in the wizard: checked by the client rules
but written only when the booking is confirmed."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ...data import booking, clients
from ...data.clients import DuplicateClient
from ...data.errors import DomainError, NotFound
from .. import keymap
from ..clients.search import ClientSearchDialog
from ..dialogs import WRITE_ERRORS, ChoiceDialog, readable
from ..hooks import ScreenHooks
from .state import NewClient


class WizardClientSearch(ClientSearchDialog):
    """Client Search whose Ctrl+N closes it with no client and
    ``wants_new_client`` set (the wizard then takes the new client's fields
    itself, so that a cancelled booking leaves no client)."""

    wants_new_client = False

    def action_new_client(self) -> None:
        self.wants_new_client = True
        self.dismiss(None)


class NewClientDialog(ScreenHooks, ModalScreen):
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
    BINDINGS = keymap.bindings("dialog.cancel")

    def __init__(self, initial: NewClient | None = None):
        super().__init__()
        self.initial = initial

    @property
    def CAPTURES_F3(self) -> bool:
        from ..clients import ClientFields

        return self.query_one(ClientFields).has_focus_inside

    def compose(self) -> ComposeResult:
        from ..clients import ClientFields

        with Vertical():
            yield Label("[b]New client[/b] [dim](created when the booking is confirmed)[/dim]")
            with VerticalScroll(id="nc-scroll"):
                yield ClientFields(None, id="nc-fields")
            yield Static("", id="nc-error")
            with Horizontal(id="nc-buttons"):
                yield Button(
                    f"Use this client ({keymap.key('save_close')})", variant="primary", id="nc-ok", compact=True
                )
                yield Button(f"Back ({keymap.key('dialog.cancel')})", id="nc-back", compact=True)

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
        from ..clients import ClientFields

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
        except DomainError as error:  # each broken field's message at its field
            elsewhere = fields_widget.show_errors(error)
            if elsewhere:
                error_line.update(" ".join(elsewhere.values()))
            return
        except WRITE_ERRORS as error:
            error_line.update(readable(error))
            return
        self.dismiss(NewClient(fields, capitalize, name))

    def _ask_duplicate(self, duplicate: DuplicateClient, fields: dict, capitalize: set[str]) -> None:
        options = [
            (f"use:{c.id}", f"Use {c.full_name} (#{c.id}, {c.main_phone or c.email})") for c in duplicate.duplicates
        ]
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
            try:
                client = clients.get_client(int(option.split(":")[1]))
            except NotFound:
                return
            self.dismiss(client)

        self.app.push_screen(ChoiceDialog("This client may already exist", options), chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
