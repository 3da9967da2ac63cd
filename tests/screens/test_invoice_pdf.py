"""The invoice record's PDF key: the invoice saved into the documents folder
(never over a file), opened with the desktop's viewer only when there is a
display; from a payment's line, that payment's receipt."""
import io

import pytest
from pypdf import PdfReader
from textual.widgets import DataTable

from spectra_tui.data import invoices as invoice_data
from spectra_tui.data import ledger, settings
from spectra_tui.data.money import format_money
from spectra_tui.data.models import Invoice, LedgerEntry
from spectra_tui.screens import keymap
from spectra_tui.screens.invoices import InvoiceRecord
from spectra_tui.screens.invoices import pdf as record_pdf

SIZE = (120, 40)
PDF_KEY = keymap.action_of("invoice_record.save_pdf").keys


class FakePopen:
    """Stands in for subprocess.Popen: records what would have been started."""

    started: list[list[str]] = []

    def __init__(self, args, **kwargs):
        FakePopen.started.append(list(args))


@pytest.fixture
def folder(tmp_path, monkeypatch):
    FakePopen.started = []
    monkeypatch.setattr(record_pdf.subprocess, "Popen", FakePopen)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    target = tmp_path / "Documents" / "Spectra"  # not there yet: made by the first save
    settings.put("documents_folder", str(target))
    return target


def invoice_with_a_payment() -> tuple[Invoice, LedgerEntry]:
    for row in invoice_data.search_invoices(invoice_data.InvoiceQuery(status="open", sort="balance"), limit=200):
        payments = [e for e in ledger.entries_for(row.invoice) if e.kind == LedgerEntry.PAYMENT]
        if payments and row.invoice.kind != Invoice.CREDIT_MEMO:
            return row.invoice, payments[0]
    raise AssertionError("the demo has open invoices with a payment")


async def press_pdf_key(pilot) -> None:
    await pilot.press(PDF_KEY)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def notes_of(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages).split())


async def test_the_key_saves_the_invoice_in_the_folder_and_no_viewer_opens_without_a_display(app, folder):
    invoice, _payment = invoice_with_a_payment()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        await press_pdf_key(pilot)
        saved = folder / f"invoice-{invoice.number}.pdf"
        assert saved.is_file()
        assert f"No. {invoice.number}" in pdf_text(saved) and invoice.bill_to.full_name in pdf_text(saved)
        assert any(f"Invoice {invoice.number} saved as {saved}: no display here" in n for n in notes_of(app))
        assert FakePopen.started == []  # no display: no viewer
        await press_pdf_key(pilot)  # again: a second file, the first one kept
        assert (folder / f"invoice-{invoice.number}-2.pdf").is_file()
        assert isinstance(app.screen, InvoiceRecord)


async def test_with_a_display_the_desktop_viewer_opens_the_file(app, folder, monkeypatch):
    monkeypatch.setenv("DISPLAY", ":0")
    invoice, _payment = invoice_with_a_payment()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        await press_pdf_key(pilot)
        saved = folder / f"invoice-{invoice.number}.pdf"
        assert FakePopen.started == [["xdg-open", str(saved)]]
        assert any("opened in the desktop's viewer" in n for n in notes_of(app))


async def test_on_a_payment_line_the_key_saves_its_receipt(app, folder):
    invoice, payment = invoice_with_a_payment()
    async with app.run_test(size=SIZE) as pilot:
        record = InvoiceRecord(invoice)
        app.push_screen(record)
        await pilot.pause()
        table = record.query_one("#ir-ledger", DataTable)
        table.focus()
        table.move_cursor(row=[e.id for e in record._entries].index(payment.id))
        await pilot.pause()
        await press_pdf_key(pilot)
        saved = folder / f"receipt-{payment.id}.pdf"
        assert saved.is_file(), sorted(folder.iterdir()) if folder.exists() else "no folder"
        text = pdf_text(saved)
        assert "RECEIPT" in text and f"Invoice: {invoice.number}" in text
        assert f"Payment received {format_money(payment.amount_cents)}" in text
        assert not (folder / f"invoice-{invoice.number}.pdf").exists()


async def test_a_folder_that_cannot_be_made_is_said_and_nothing_breaks(app, folder, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    settings.put("documents_folder", str(blocker / "Spectra"))
    invoice, _payment = invoice_with_a_payment()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        await press_pdf_key(pilot)
        assert any(f"could not be saved in {blocker / 'Spectra'}" in n for n in notes_of(app))
        assert isinstance(app.screen, InvoiceRecord)


async def test_a_broken_logo_is_left_out_and_said_the_pdf_saved_all_the_same(app, folder, tmp_path):
    logo = tmp_path / "logo.png"
    from PIL import Image

    Image.new("RGB", (20, 20), "red").save(logo)
    settings.put("studio_logo", str(logo))
    logo.write_bytes(b"no longer a picture")
    invoice, _payment = invoice_with_a_payment()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        await press_pdf_key(pilot)
        assert (folder / f"invoice-{invoice.number}.pdf").is_file()
        assert any(f"The studio's logo {logo} could not be read" in n for n in notes_of(app))
