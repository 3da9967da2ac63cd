"""`spectra invoice-pdf NUMBER --out FILE`: the PDF written (its text read
back), E12 for an estimate, the documents folder without --out, and every
refusal in one line with exit code 2, never a traceback."""
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from spectra_tui.data import clients, invoices, ledger, settings
from spectra_tui.data.models import Invoice
from shell import spectra



def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages).split())


@pytest.fixture
def books(studio, db_target):
    client = clients.save_client(None, {"first_name": "小明", "last_name": "王"})
    invoice = invoices.create_invoice(Invoice.GENERIC, client=client)
    invoices.add_line(invoice, studio.item, image_number=4)
    ledger.take_payment(invoice, 2000, "cash")
    estimate = invoices.create_invoice(Invoice.ESTIMATE, client=studio.client)
    invoices.add_line(estimate, description="Family session and an 8x10", unit_price_cents=19500)
    return db_target, invoice, estimate


def test_an_invoice_is_written_where_asked(books, tmp_path):
    db, invoice, _estimate = books
    out = tmp_path / "bill.pdf"
    result = spectra("--db", db, "invoice-pdf", invoice.number, "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Invoice {invoice.number} written to {out}."
    text = pdf_text(out)
    for expected in (f"No. {invoice.number}", "小明 王", "Print 8x10 4 1 $45.00", "Total $48.71", "Paid $20.00",
                     "Balance due $28.71"):
        assert expected in text, expected


def test_e12_is_estimate_12_and_without_out_the_documents_folder_gets_it(books, tmp_path):
    db, _invoice, estimate = books
    settings.put("documents_folder", str(tmp_path / "docs"))
    first = spectra("--db", db, "invoice-pdf", f"E{estimate.number}")
    second = spectra("--db", db, "invoice-pdf", f"e{estimate.number}")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    written = sorted(p.name for p in (tmp_path / "docs").iterdir())
    assert written == [f"estimate-E{estimate.number}-2.pdf", f"estimate-E{estimate.number}.pdf"]  # never overwritten
    assert f"Estimate E{estimate.number} written to {tmp_path / 'docs'}" in first.stdout
    assert "ESTIMATE" in pdf_text(tmp_path / "docs" / f"estimate-E{estimate.number}.pdf")


def test_refusals_are_one_line_with_exit_code_2(books, tmp_path):
    db, invoice, _estimate = books
    cases = [
        (("invoice-pdf", "9999", "--out", tmp_path / "x.pdf"), "There is no invoice number 9999."),
        (("invoice-pdf", "E77", "--out", tmp_path / "x.pdf"), "There is no estimate number E77."),
        (("invoice-pdf", "12a", "--out", tmp_path / "x.pdf"), "'12a' is not an invoice number."),
        (("invoice-pdf", invoice.number, "--out", tmp_path / "no such folder" / "x.pdf"), "Cannot write"),
        (("invoice-pdf", invoice.number, "--out", tmp_path), "is a folder"),
        (("invoice-pdf", invoice.number, "--out", " "), "--out is empty"),
    ]
    for args, message in cases:
        result = spectra("--db", db, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_broken_logo_is_left_out_and_said(books, tmp_path):
    db, invoice, _estimate = books
    logo = tmp_path / "logo.png"
    from PIL import Image

    Image.new("RGB", (20, 20), "red").save(logo)
    settings.put("studio_logo", str(logo))
    logo.write_bytes(b"broken")
    result = spectra("--db", db, "invoice-pdf", invoice.number, "--out", tmp_path / "bill.pdf")
    assert result.returncode == 0
    assert "could not be read" in result.stderr and "made without it" in result.stderr
    assert f"No. {invoice.number}" in pdf_text(tmp_path / "bill.pdf")
