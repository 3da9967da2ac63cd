"""The invoice record's PDF: the invoice (estimate, credit memo) or a
payment's receipt, saved into the documents folder and opened with the
desktop's viewer when there is a display.

The books are read on the app's thread; the drawing and the writing run in a
thread worker, so the app never waits on them, nor on the viewer (started,
never waited for)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from textual.screen import Screen

from ...capture.viewer import has_display
from ...data import documents
from ...data.errors import DomainError
from ...data.models import Invoice, LedgerEntry
from ..dialogs import readable

VIEWER = "xdg-open"  # the desktop's viewer for the file's type


def open_in_viewer(path: Path) -> str:
    """Open ``path`` with the desktop's viewer, without waiting for it; says what happened."""
    if not has_display():
        return "no display here to open it on (over SSH, say)"
    try:
        subprocess.Popen(
            [VIEWER, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own session: it gets none of the terminal's keys or signals
        )
    except OSError as error:
        return f"the desktop's viewer ({VIEWER}) could not be started: {error.strerror or error}"
    return "opened in the desktop's viewer"


def save_pdf(screen: Screen, what: Invoice | LedgerEntry) -> None:
    """Save the document of ``what`` (an invoice, or a ledger entry's receipt), then say where."""
    try:
        sheet = documents.invoice_sheet(what) if isinstance(what, Invoice) else documents.receipt_sheet(what)
        folder = documents.documents_folder()
    except DomainError as error:
        screen.notify(readable(error), title="No PDF", severity="error", timeout=8)
        return
    app = screen.app

    def work() -> None:
        try:
            document = documents.render(sheet)
            path = documents.save(document, folder)
        except DomainError as error:
            app.call_from_thread(app.notify, readable(error), title="PDF not saved", severity="error", timeout=10)
            return
        except Exception as error:  # a font or image library's own error: said, never a traceback
            message = f"The PDF could not be made ({type(error).__name__}: {error})."
            app.call_from_thread(app.notify, message, title="PDF not saved", severity="error", timeout=10)
            return
        app.call_from_thread(_saved, screen, document, path)

    screen.run_worker(work, thread=True, group="pdf", exit_on_error=False)


def _saved(screen: Screen, document: documents.Document, path: Path) -> None:
    screen.app.notify(f"{document.name} saved as {path}: {open_in_viewer(path)}.", title="PDF saved", timeout=10)
    for note in document.notes:
        screen.app.notify(note, title="PDF without the logo", severity="warning", timeout=10)
