"""New Client (Ctrl+N), or a client's fields on their own."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static, TextArea

from ...data.clients import DuplicateClient
from ...data.models import Client
from ...data.versions import ChangedElsewhere
from ..base import KeyBar, RecordScreen, TitleBar
from ..dialogs import WRITE_ERRORS, ConfirmDialog, readable
from .fields import ClientFields, rebase_on_stored, save_fields


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
