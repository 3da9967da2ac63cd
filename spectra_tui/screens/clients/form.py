"""New Client (Ctrl+N), or a client's fields on their own."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static, TextArea

from ...data.errors import DomainError
from ...data.models import Client
from .. import keymap
from ..base import KeyBar, RecordScreen, TitleBar
from .fields import ClientFields, SavesClientFields


class ClientForm(SavesClientFields, RecordScreen):
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
    def CAPTURES_F3(self) -> bool:
        return self.query_one(ClientFields).has_focus_inside

    def compose(self) -> ComposeResult:
        yield TitleBar()
        title = "New client" if self.client is None else f"Client #{self.client.id}: {self.client.full_name}"
        yield Static(title, id="form-title")
        with VerticalScroll(id="form-scroll", can_focus=False):
            yield ClientFields(self.client, id="form-fields")
            yield Label("Notes", id="notes-label")
            yield TextArea(self._notes, id="form-notes")
        yield Static(
            keymap.hint(
                ("save_close", "save & close"),
                ("record.close", "cancel"),
                ("client_fields.next_as_typed", "no auto-capitals here, next field"),
            ),
            id="form-keys",
        )
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

    def notes_area(self) -> TextArea:
        return self.query_one("#form-notes", TextArea)

    def show_save_error(self, error: Exception) -> None:
        elsewhere = self.query_one(ClientFields).show_errors(error)
        if elsewhere:
            super().show_save_error(DomainError(" ".join(elsewhere.values())))

    def saved(self, client: Client) -> None:
        self.notify(f"{client.full_name} saved (client #{client.id}).", title="Saved", timeout=4)
        self.dismiss(client)
