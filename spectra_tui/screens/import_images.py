"""Import Images: copy a folder or a memory card into a session (Workflow hub,
the capture screen, and the session record).

The copy runs in a thread worker (``capture.import_folder`` with a process
pool behind it); progress comes back as messages, so the app stays
responsive. Escape (or Cancel) stops after the files in flight; those already
numbered stay. A file that cannot be read is listed in the result and the
rest go on. Afterwards the dialog offers to advance the session to "Sales
Presentation Pending".
"""

from __future__ import annotations

import getpass
import os
import threading
import time
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from ..capture import prepare_worker_processes
from ..data import sessions as session_data
from ..data.models import Session
from ..data.versions import reloaded
from . import keymap
from .dialogs import WRITE_ERRORS, readable

PRESENT_STATUS = "Sales Presentation Pending"
PROGRESS_INTERVAL = 0.1  # seconds between progress messages from the worker
STOPPING = "Stopping after the pictures in flight…"


# ---------------------------------------------------------------- advancing the session afterwards


def advance_to(app, session: Session, target: str, note: str) -> bool:
    """Set the session's status (history kept by data.sessions); a refusal is a notification."""
    try:
        session_data.set_status(session, target, note)
    except WRITE_ERRORS as error:
        app.notify(readable(error), title="Status not changed", severity="error", timeout=8)
        return False
    app.notify(f"Session {session.number}: {target}", timeout=4)
    return True


def memory_cards() -> list[Path]:
    """Mounted memory cards and removable disks holding a DCIM folder (camera cards first)."""
    user = os.environ.get("USER") or _user_name()
    bases = [Path("/media") / user, Path("/run/media") / user, Path("/media"), Path("/Volumes")]
    found: list[Path] = []
    for base in bases:
        try:
            entries = sorted(base.iterdir())
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir() and entry not in found and (entry / "DCIM").is_dir():
                    found.append(entry)
            except OSError:
                continue
    return found


def _user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return ""


def folder_problem(text: str) -> str | None:
    """What is wrong with the folder typed, in words; None when it can be read."""
    if not text.strip():
        return "Type the folder or the memory card to import from (e.g. /media/you/EOS_DIGITAL)."
    path = Path(text.strip()).expanduser()
    if not path.exists():
        return f"The folder {path} does not exist (is the memory card mounted?)."
    if not path.is_dir():
        return f"{path} is a file, not a folder: choose the card or the folder holding the pictures."
    if not os.access(path, os.R_OK | os.X_OK):
        return f"The folder {path} cannot be read (permission denied): ask for access or copy the pictures first."
    return None


def stopped_line(result, total: int | None) -> str:
    """The progress line once an import stopped early (an ``ImportResult``): what happened, how many came in."""
    imported = len(result.imported)
    count = f"{imported:,} of {total:,} pictures" if total else f"{imported:,} picture{'s' if imported != 1 else ''}"
    if result.stopped_reason:
        return f"Stopped ({result.stopped_reason}): {count} imported."
    return f"Stopped as asked: {count} imported" + ("; the rest were not copied." if total else ".")


# ---------------------------------------------------------------- the dialog


class ImportImagesDialog(ModalScreen[int | None]):
    """Import a folder or memory card into ``session``; dismisses with the
    number of images imported (None when nothing was started)."""

    DEFAULT_CSS = """
    ImportImagesDialog { align: center middle; }
    ImportImagesDialog > Vertical { width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    ImportImagesDialog #imp-title { height: auto; }
    ImportImagesDialog #imp-path-row { height: 1; margin-top: 1; }
    ImportImagesDialog #imp-path-row Label { width: auto; padding-right: 1; color: $text-muted; }
    ImportImagesDialog #imp-path { width: 1fr; }
    ImportImagesDialog #imp-cards { height: auto; max-height: 5; margin-top: 1; }
    ImportImagesDialog #imp-error { color: $error; height: auto; }
    ImportImagesDialog #imp-progress-row { height: auto; margin-top: 1; }
    ImportImagesDialog #imp-bar { width: auto; }
    ImportImagesDialog #imp-bar Bar { width: 24; }
    ImportImagesDialog #imp-progress-text { width: 1fr; padding-left: 1; }
    ImportImagesDialog #imp-current { height: 1; color: $text-muted; }
    ImportImagesDialog #imp-summary { height: auto; margin-top: 1; text-style: bold; }
    ImportImagesDialog #imp-failed { height: auto; max-height: 8; color: $warning; }
    ImportImagesDialog #imp-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ImportImagesDialog Button { margin-left: 1; }
    ImportImagesDialog .-hidden { display: none; }
    """
    BINDINGS = keymap.bindings("import_images")

    class Progressed(Message):
        def __init__(self, progress) -> None:
            super().__init__()
            self.progress = progress

    class Finished(Message):
        def __init__(self, result=None, error: str = "") -> None:
            super().__init__()
            self.result, self.error = result, error

    def __init__(self, session: Session, folder: str = "", workers: int | None = None):
        super().__init__()
        self.session = session
        self.initial_folder = folder
        self.import_workers = workers
        self.cancel_event = threading.Event()
        self.phase = "ask"  # ask -> running -> done
        self.result = None
        self.imported = 0
        self.found: int | None = None  # pictures found in the folder (from the progress reports)

    def compose(self) -> ComposeResult:
        session = self.session
        cards = memory_cards()
        with Vertical():
            yield Static(
                f"[b]Import images[/b] into session {session.number} · {session.client.full_name} · "
                f"{session.session_type.name}",
                id="imp-title",
            )
            with Horizontal(id="imp-path-row"):
                yield Label("Folder or memory card")
                yield Input(
                    self.initial_folder or (str(cards[0]) if cards else ""),
                    id="imp-path",
                    placeholder="/media/you/EOS_DIGITAL or ~/Pictures/card",
                    compact=True,
                )
            options = OptionList(*[Option(str(card), id=str(card)) for card in cards], id="imp-cards")
            options.set_class(not cards, "-hidden")
            yield options
            yield Static("", id="imp-error", classes="-hidden")
            with Horizontal(id="imp-progress-row", classes="-hidden"):
                yield ProgressBar(id="imp-bar", show_eta=False)
                yield Static("", id="imp-progress-text")
            yield Static("", id="imp-current", classes="-hidden")
            yield Static("", id="imp-summary", classes="-hidden")
            with VerticalScroll(id="imp-failed", classes="-hidden"):
                yield Static("", id="imp-failed-list")
            with Horizontal(id="imp-buttons"):
                yield Button(f"Import ({keymap.widget_key('submit')})", variant="primary", id="imp-start")
                yield Button(
                    f"Advance to Sales Presentation Pending ({keymap.key('import_images.advance')})",
                    variant="success",
                    id="imp-advance",
                    classes="-hidden",
                )
                yield Button(f"Cancel ({keymap.key('import_images.stop')})", id="imp-cancel")

    def on_mount(self) -> None:
        self.query_one("#imp-path", Input).focus()

    # ------------------------------------------------------------ starting

    @on(Input.Submitted, "#imp-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start()

    @on(OptionList.OptionSelected, "#imp-cards")
    def _card_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        path = self.query_one("#imp-path", Input)
        path.value = str(event.option.id)
        path.focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "imp-start":
            self.start()
        elif event.button.id == "imp-advance":
            self.action_advance()
        else:
            self.action_escape()

    def _show_error(self, text: str) -> None:
        error = self.query_one("#imp-error", Static)
        error.update(text)
        error.set_class(not text, "-hidden")

    def start(self) -> None:
        if self.phase != "ask":
            return
        folder = self.query_one("#imp-path", Input).value.strip()
        problem = folder_problem(folder)
        if problem:
            self._show_error(problem)
            self.query_one("#imp-path", Input).focus()
            return
        self._show_error("")
        self.phase = "running"
        self.cancel_event.clear()
        self.query_one("#imp-path", Input).disabled = True
        self.query_one("#imp-cards").add_class("-hidden")
        self.query_one("#imp-start").add_class("-hidden")
        self.query_one("#imp-cancel", Button).label = f"Cancel import ({keymap.key('import_images.stop')})"
        self.query_one("#imp-progress-row").remove_class("-hidden")
        self.query_one("#imp-current").remove_class("-hidden")
        self.query_one("#imp-progress-text", Static).update("Looking for pictures…")
        self.query_one("#imp-cancel", Button).focus()
        try:
            prepare_worker_processes()
        except OSError:  # the pool reports its own problem, readably, if it cannot start
            pass
        self._run_import(Path(folder).expanduser())

    @work(thread=True, exclusive=True, group="import-images")
    def _run_import(self, folder: Path) -> None:
        """The worker thread: its own DB connection, progress as messages."""
        from ..capture import CaptureError, import_folder
        from ..data.images import session_store, thread_connection

        last = [0.0]

        def progress(report) -> None:
            moment = time.monotonic()
            if report.done < report.total and moment - last[0] < PROGRESS_INTERVAL:
                return
            last[0] = moment
            self.post_message(self.Progressed(report))

        with thread_connection():
            try:
                store = session_store(self.session)
                result = import_folder(
                    folder, store, progress=progress, cancel=self.cancel_event, workers=self.import_workers
                )
            except CaptureError as error:
                self.post_message(self.Finished(error=str(error)))
                return
            except Exception as error:  # never a traceback on the screen
                self.post_message(self.Finished(error=f"The import stopped: {error}"))
                return
        self.post_message(self.Finished(result))

    # ------------------------------------------------------------ progress and the result

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        from ..data.images import progress_line

        report = message.progress
        self.found = report.total
        bar = self.query_one("#imp-bar", ProgressBar)
        bar.update(total=max(report.total, 1), progress=report.done)
        line = progress_line(report)
        if self.cancel_event.is_set():
            line = f"{STOPPING} {line}"
        self.query_one("#imp-progress-text", Static).update(line)
        if report.current:
            self.query_one("#imp-current", Static).update(f"Last: {report.current}")

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        from ..capture.previews import is_previewable

        self.phase = "done"
        self.query_one("#imp-cancel", Button).label = f"Close ({keymap.key('import_images.stop')})"
        if message.error:
            self.query_one("#imp-progress-row").add_class("-hidden")
            self.query_one("#imp-current").add_class("-hidden")
            self._show_error(message.error)
            self.phase = "ask"  # type another folder and try again
            path = self.query_one("#imp-path", Input)
            path.disabled = False
            self.query_one("#imp-start").remove_class("-hidden")
            self.query_one("#imp-cancel", Button).label = f"Cancel ({keymap.key('import_images.stop')})"
            path.focus()
            return
        result = self.result = message.result
        self.imported = len(result.imported)
        bar = self.query_one("#imp-bar", ProgressBar)
        if result.cancelled or result.stopped_reason:
            self.query_one("#imp-progress-text", Static).update(stopped_line(result, self.found))
        elif bar.total is not None:
            bar.update(progress=bar.total)
        summary = self.query_one("#imp-summary", Static)
        summary.update(result.summary())
        summary.remove_class("-hidden")
        lines = [f"Could not import {failed.path.name}: {failed.reason}" for failed in result.failed]
        for image in result.without_previews:
            why = "a RAW file" if not is_previewable(image.original_name) else "no preview could be made"
            lines.append(f"{image.original_name} (image {image.number}): kept as shot, without a preview ({why})")
        if lines:
            self.query_one("#imp-failed-list", Static).update("\n".join(lines))
            self.query_one("#imp-failed").remove_class("-hidden")
        session = reloaded(self.session)
        self.session = session
        if self.imported and session_data.is_later_status(session, PRESENT_STATUS):
            advance = self.query_one("#imp-advance", Button)
            advance.remove_class("-hidden")
            advance.focus()
        else:
            self.query_one("#imp-cancel", Button).focus()

    # ------------------------------------------------------------ keys

    @property
    def offers_advance(self) -> bool:
        return self.phase == "done" and not self.query_one("#imp-advance").has_class("-hidden")

    def action_advance(self) -> None:
        if not self.offers_advance:
            return
        if advance_to(self.app, self.session, PRESENT_STATUS, f"{self.imported} image(s) imported"):
            self.dismiss(self.imported)

    def action_escape(self) -> None:
        if self.phase == "running":
            if not self.cancel_event.is_set():
                self.cancel_event.set()
                self.query_one("#imp-progress-text", Static).update(STOPPING)
            return
        self.dismiss(self.imported if self.phase == "done" else None)

    def on_unmount(self) -> None:
        self.cancel_event.set()  # the app is closing mid-import: stop the copy soon
