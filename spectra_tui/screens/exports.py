"""Export from the hubs: the Clients hub exports the clients, the Sessions hub
the sessions, the Invoices hub the invoices or the payments (data/exports.py).

A dialog asks for the file (the documents folder's clients-YYYY-MM-DD.csv to
start with), asks before replacing a file that is there, and writes in a
worker thread with a progress bar, so a big studio's export never holds the
app; Escape stops it (no file is left). Exporting is a manager's or the
owner's: anyone else is told so in the permission's words."""

from __future__ import annotations

import threading
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from ..data import exports
from ..data.errors import DomainError
from ..data.permissions import Permission, why_not
from . import keymap
from .dialogs import NO_VALIDATION, WRITE_ERRORS, ConfirmDialog, readable
from .hooks import ScreenHooks

# What each export is called where the Invoices hub asks which.
CHOICES = {
    "clients": "Clients",
    "sessions": "Sessions",
    "invoices": "Invoices",
    "payments": "Payments: every money entry of the ledger",
}


def start_export(screen: Screen, choices: tuple[str, ...]) -> None:
    """Open the export dialog for ``choices`` (one export, or several to choose
    from), unless the signed-in user may not export: then say who may."""
    refused = why_not(Permission.EXPORT_DATA)
    if refused:
        screen.notify(refused, title="Not allowed", severity="error", timeout=8)
        return
    screen.app.push_screen(ExportDialog(choices))


class ExportStopped(Exception):
    """Escape while the rows were being written."""


class ExportDialog(ScreenHooks, ModalScreen[int | None]):
    """Where to write the export; dismisses with the rows written (None: nothing written)."""

    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical { width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 1 2; }
    ExportDialog Select { width: 100%; margin-bottom: 1; }
    ExportDialog #export-about { color: $text-muted; }
    ExportDialog #export-bar { margin-top: 1; }
    ExportDialog #export-note { height: auto; }
    ExportDialog #export-note.-error { color: $error; }
    ExportDialog .-hidden { display: none; }
    ExportDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ExportDialog Button { margin-left: 1; }
    """
    BINDINGS = keymap.bindings("dialog.cancel")

    class Progressed(Message):
        def __init__(self, done: int, total: int):
            super().__init__()
            self.done, self.total = done, total

    class Finished(Message):
        def __init__(self, count: int | None = None, path: Path | None = None, error: str = ""):
            super().__init__()
            self.count, self.path, self.error = count, path, error

    def __init__(self, choices: tuple[str, ...]):
        super().__init__()
        self.choices = choices
        self.what = choices[0]
        self.running = False
        self.stop = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]Export the {self.what}[/b]", id="export-title")
            if len(self.choices) > 1:
                yield Select(
                    [(CHOICES[what], what) for what in self.choices],
                    value=self.what,
                    allow_blank=False,
                    id="export-what",
                )
            yield Static(
                "A CSV file (UTF-8, with a header row) for a spreadsheet or another program.", id="export-about"
            )
            yield Input(str(exports.default_path(self.what)), id="export-path", validate_on=NO_VALIDATION)
            yield ProgressBar(id="export-bar", show_eta=False, classes="-hidden")
            yield Static("", id="export-note")
            with Horizontal(id="buttons"):
                yield Button(f"Export ({keymap.widget_key('submit')})", variant="primary", id="export-go")
                yield Button(f"Back ({keymap.key('dialog.cancel')})", id="export-back")

    def on_mount(self) -> None:
        """The focus on what to export when there is a choice, else on the file."""
        self.query_one("#export-what" if len(self.choices) > 1 else "#export-path").focus()

    def _say(self, text: str, error: bool = False) -> None:
        note = self.query_one("#export-note", Static)
        note.update(text)
        note.set_class(error, "-error")

    @on(Select.Changed, "#export-what")
    def _chosen(self, event: Select.Changed) -> None:
        event.stop()
        before, self.what = self.what, str(event.value)
        self.query_one("#export-title", Label).update(f"[b]Export the {self.what}[/b]")
        path = self.query_one("#export-path", Input)
        if path.value == str(exports.default_path(before)):  # the name still the offered one: follow the choice
            path.value = str(exports.default_path(self.what))

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save_close()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-go":
            self.action_save_close()
        else:
            self.action_cancel()

    def action_save_close(self) -> None:
        """Export (Enter): check the file first; one that is there is replaced only when the answer is yes."""
        if self.running:
            return
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._say("Type the name of the CSV file to write.", error=True)
            return
        try:
            path = exports.check_target(Path(text))
        except exports.ExportFileExists:
            replace = ConfirmDialog(f"{Path(text).expanduser()} is already there.\n\nReplace it with this export?")
            self.app.push_screen(replace, lambda yes: self._begin(Path(text).expanduser(), True) if yes else None)
            return
        except WRITE_ERRORS as error:
            self._say(readable(error), error=True)
            return
        self._begin(path, False)

    def _begin(self, path: Path, overwrite: bool) -> None:
        self.running = True
        self.stop.clear()
        for widget in (self.query_one("#export-path", Input), self.query_one("#export-go", Button)):
            widget.disabled = True
        if len(self.choices) > 1:
            self.query_one("#export-what", Select).disabled = True
        self.query_one("#export-bar", ProgressBar).remove_class("-hidden")
        self.query_one("#export-back", Button).label = f"Stop ({keymap.key('dialog.cancel')})"
        self.query_one("#export-back", Button).focus()
        self._say(f"Writing {path.name}…")
        self._write(self.what, path, overwrite)

    @work(thread=True, exclusive=True, group="export")
    def _write(self, what: str, path: Path, overwrite: bool) -> None:
        """The worker thread: its own database connection; progress as messages."""
        from ..data.images import thread_connection

        with thread_connection():
            try:
                total = exports.count_rows(what)
                self.post_message(self.Progressed(0, total))

                def progress(done: int) -> None:
                    if self.stop.is_set():
                        raise ExportStopped
                    self.post_message(self.Progressed(done, total))

                count = exports.export(what, path, progress=progress, overwrite=overwrite)
            except ExportStopped:
                self.post_message(self.Finished(error="Stopped: nothing was written."))
                return
            except DomainError as error:
                self.post_message(self.Finished(error=str(error)))
                return
            except Exception as error:  # never a traceback on the screen
                self.post_message(self.Finished(error=f"The export stopped: {error}"))
                return
        self.post_message(self.Finished(count, path))

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        self.query_one("#export-bar", ProgressBar).update(total=max(message.total, 1), progress=message.done)

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        self.running = False
        if message.error:
            for widget in self.query("#export-path, #export-go, #export-what"):
                widget.disabled = False
            self.query_one("#export-bar", ProgressBar).add_class("-hidden")
            self.query_one("#export-back", Button).label = f"Back ({keymap.key('dialog.cancel')})"
            self._say(message.error, error=True)
            self.query_one("#export-path", Input).focus()
            return
        assert message.count is not None
        self.app.notify(f"Wrote {exports.rows_written(self.what, message.count)} to {message.path}", title="Exported")
        self.dismiss(message.count)

    def action_cancel(self) -> None:
        """Escape: back, nothing written; while writing, stop (the half-written file is thrown away)."""
        if self.running:
            self.stop.set()
            self._say("Stopping…")
            return
        self.dismiss(None)
