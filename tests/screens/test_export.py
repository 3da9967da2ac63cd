"""Export from the hubs (screens/exports.py): Alt+X on the Clients, Sessions
and Invoices hubs (and the command palette) opens a dialog with the file in
the documents folder; Enter writes it in a worker thread and says so; a file
already there is replaced only after a yes; front desk is refused in the
permission's words."""
import csv

import pytest
from textual.widgets import Input, Select

from spectra_tui.data import settings
from spectra_tui.data.models import Client, Invoice, LedgerEntry, Session
from spectra_tui.screens import keymap
from spectra_tui.screens.dialogs import ConfirmDialog
from spectra_tui.screens.exports import ExportDialog

SIZE = (120, 40)
EXPORT_KEY = "alt+x"


@pytest.fixture
def documents(as_admin, tmp_path):
    folder = tmp_path / "documents"
    settings.put("documents_folder", str(folder))
    return folder


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def rows_of(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


async def finish(pilot) -> None:
    """Until the dialog's worker has written the file and the dialog closed."""
    for _ in range(100):
        await pilot.pause(0.05)
        if not isinstance(pilot.app.screen, ExportDialog) or not pilot.app.screen.running:
            break
    await pilot.pause()


async def test_the_clients_hub_exports_the_clients_to_the_documents_folder(documents, app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await pilot.press(*"lee")  # typing in the search field first: Alt+X is not typed into it
        await pilot.press(EXPORT_KEY)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        path = documents / "clients-2026-11-26.csv"  # the studio's today
        assert dialog.query_one("#export-path", Input).value == str(path)
        await pilot.press("enter")
        await finish(pilot)
        assert not isinstance(app.screen, ExportDialog)
        clients = Client.select().where(Client.walk_in == False).count()  # noqa: E712
        assert f"Wrote {clients} clients to {path}" in notes(app)
        assert len(rows_of(path)) == clients


async def test_the_sessions_hub_exports_from_the_palette_too(documents, app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.press("ctrl+k", *"export the sessions")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        path = documents.parent / "mine.csv"
        dialog.query_one("#export-path", Input).value = str(path)
        await pilot.press("enter")
        await finish(pilot)
        sessions = Session.select().count()
        assert f"Wrote {sessions} sessions to {path}" in notes(app)
        assert len(rows_of(path)) == sessions


async def test_the_invoices_hub_asks_invoices_or_payments(documents, app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.press(EXPORT_KEY)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one("#export-path", Input).value == str(documents / "invoices-2026-11-26.csv")
        assert app.focused is dialog.query_one("#export-what", Select)  # what to export: asked first
        await pilot.press("enter", "down", "enter")
        assert dialog.query_one("#export-what", Select).value == "payments"
        path = documents / "payments-2026-11-26.csv"  # the offered name follows the choice
        assert dialog.query_one("#export-path", Input).value == str(path)
        await pilot.press("tab", "enter")
        await finish(pilot)
        entries = LedgerEntry.select().count()
        assert f"Wrote {entries:,} ledger entries to {path}" in notes(app)
        assert len(rows_of(path)) == entries
        await pilot.press(EXPORT_KEY, "tab", "enter")  # the invoices, the first choice
        await finish(pilot)
        assert len(rows_of(documents / "invoices-2026-11-26.csv")) == Invoice.select().count()


async def test_front_desk_is_refused_in_the_permission_s_words(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:  # Rita, front desk
        for hub in ("f5", "f6", "f7"):
            await pilot.press(hub, EXPORT_KEY)
            assert not isinstance(app.screen, ExportDialog), hub
        refusal = "Only a manager or the owner may export the studio's data; Rita Gomez is signed in as front desk."
        assert notes(app).count(refusal) == 3


async def test_a_file_already_there_is_replaced_only_after_a_yes(documents, app):
    documents.mkdir()
    path = documents / "clients-2026-11-26.csv"
    path.write_text("the accountant's own file", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", EXPORT_KEY, "enter")
        question = app.screen
        assert isinstance(question, ConfirmDialog) and "is already there" in str(question.question)
        await pilot.press(keymap.key("dialog.no").lower())
        assert isinstance(app.screen, ExportDialog)  # back in the dialog, nothing written
        assert path.read_text(encoding="utf-8") == "the accountant's own file"
        await pilot.press("enter", keymap.key("dialog.yes").lower())
        await finish(pilot)
        assert not isinstance(app.screen, ExportDialog)
        assert rows_of(path)[0]["Client ID"]


async def test_a_missing_folder_is_said_in_the_dialog(documents, app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", EXPORT_KEY)
        dialog = app.screen
        dialog.query_one("#export-path", Input).value = str(documents.parent / "nowhere" / "c.csv")
        await pilot.press("enter")
        assert app.screen is dialog
        assert "There is no folder" in str(dialog.query_one("#export-note").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportDialog)


async def test_escape_stops_a_running_export_and_leaves_no_file(documents, app, monkeypatch):
    from spectra_tui.data import exports

    counted = exports.count_rows

    def count_once_stopped(what):  # the worker waits here until Escape has asked it to stop
        dialog.stop.wait(5)
        return counted(what)

    monkeypatch.setattr(exports, "count_rows", count_once_stopped)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", EXPORT_KEY)
        dialog = app.screen
        await pilot.press("enter")
        assert dialog.running and "Writing clients-2026-11-26.csv" in str(dialog.query_one("#export-note").render())
        await pilot.press("escape")
        await finish(pilot)
        assert app.screen is dialog and not dialog.running  # still open, to try again or leave
        assert "Stopped: nothing was written." in str(dialog.query_one("#export-note").render())
        assert not documents.exists() or list(documents.iterdir()) == []
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportDialog)
