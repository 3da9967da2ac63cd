"""Invoices, receipts, estimates and credit memos as PDF (data/documents.py):
the text read back out of the PDF (pypdf) carries what the document must."""
import datetime as dt
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from spectra_tui.data import clients, clock, documents, invoices, ledger, sessions, settings, users
from spectra_tui.data.errors import DomainError, ValidationError
from spectra_tui.data.models import Invoice, SessionImage


def text_of(document: documents.Document) -> str:
    reader = PdfReader(io.BytesIO(document.pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def one_spaced(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def billed(studio):
    """Ann Lee's Initial Order: two lines with image numbers, one of them untaxed, and a cash payment."""
    settings.put("studio_name", "Lumen Portraits")
    settings.put("studio_address", "12 Main St\nAustin, TX 78701")
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                      dt.datetime(2030, 3, 4, 10, 0))
    for number in (3, 7):
        SessionImage.create(session=session, number=number, stored_name=f"{number}.jpg", sha256=f"s{number}")
    invoice = invoices.create_invoice(Invoice.INITIAL_ORDER, session=session)
    invoices.add_line(invoice, studio.item, quantity=2, image_number=3)  # 2 x $45.00, taxable
    invoices.add_line(invoice, description="Digital file", unit_price_cents=2500, taxable=False, image_number=7)
    payment = ledger.take_payment(invoice, 5000, "check", "1234")
    return invoice, payment


def test_an_invoice_carries_studio_number_client_lines_tax_totals_payments_and_balance(billed):
    invoice, payment = billed
    document = documents.invoice_pdf(invoice)
    assert document.pdf.startswith(b"%PDF") and document.notes == ()
    assert document.name == f"Invoice {invoice.number}" and document.file_stem == f"invoice-{invoice.number}"
    text = one_spaced(text_of(document))
    for expected in (
        "Lumen Portraits", "12 Main St", "Austin, TX 78701",
        "INVOICE", f"No. {invoice.number}", "Type: Initial Order", "Bill To", "Ann Lee",
        "1 Print 8x10 3 2 $45.00 T $90.00",  # position, description, Image #, quantity, price, taxable, amount
        "2 Digital file 7 1 $25.00 $25.00",
        "Subtotal $115.00", "Tax 8.25% $7.43", "Total $122.43",  # tax on the $90.00 taxable only
        f"#{payment.id} Payment check 1234 +$50.00", "Paid $50.00", "Balance due $72.43",
    ):
        assert expected in text, expected
    assert "VOID" not in text


def test_a_void_invoice_says_void_clearly(studio):
    invoice = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.add_line(invoice, studio.item)
    invoices.void_invoice(invoice, "Created by mistake")
    text = one_spaced(text_of(documents.invoice_pdf(invoice)))
    assert "VOID" in text and f"Invoice {invoice.number} is void: it owes nothing." in text
    assert "Balance due" not in text


def test_a_vietnamese_and_a_chinese_name_come_out_of_the_pdf_as_written(studio):
    for first, last in (("Văn An", "Nguyễn"), ("小明", "王")):
        client = clients.save_client(None, {"first_name": first, "last_name": last})
        invoice = invoices.create_invoice(Invoice.GENERIC, client=client)
        invoices.add_line(invoice, description=f"Portrait of {last} {first}", unit_price_cents=10000)
        text = text_of(documents.invoice_pdf(invoice))
        assert client.full_name in text  # "Văn An Nguyễn", "小明 王": every glyph from the shipped fonts
        assert f"Portrait of {last} {first}" in text


def test_the_client_named_nguyen_van_an_and_wang_xiaoming_on_the_bill_to(studio):
    """The names exactly as the issue gives them, as a company name (one field, in that order)."""
    for name in ("Nguyễn Văn An", "王小明"):
        client = clients.save_client(None, {"company": name})
        invoice = invoices.create_invoice(Invoice.GENERIC, client=client)
        invoices.add_line(invoice, studio.item)
        assert name in text_of(documents.invoice_pdf(invoice))


def test_an_estimate_and_a_credit_memo(billed, studio):
    invoice, _payment = billed
    estimate = invoices.create_invoice(Invoice.ESTIMATE, client=studio.client)
    invoices.add_line(estimate, studio.item)
    document = documents.invoice_pdf(estimate)
    text = one_spaced(text_of(document))
    assert document.file_stem == f"estimate-E{estimate.number}"
    assert f"ESTIMATE No. E{estimate.number}" in text and "Total $48.71" in text
    assert "An estimate, not a bill" in text and "Paid" not in text
    memo = invoices.create_invoice(Invoice.CREDIT_MEMO, client=studio.client, source=invoice)
    invoices.add_line(memo, description="Print reprinted at our cost", unit_price_cents=2000, taxable=False)
    document = documents.invoice_pdf(memo)
    text = one_spaced(text_of(document))
    assert document.file_stem == f"credit-memo-{memo.number}"
    assert "CREDIT MEMO" in text and f"Credits invoice: {invoice.number}" in text
    assert "Total -$20.00" in text and "Credit balance $20.00" in text


def test_a_receipt_says_what_was_paid_how_on_which_invoice_and_the_balance_left(billed):
    invoice, payment = billed
    clock.set_clock(lambda: dt.datetime(2030, 3, 5, 18, 30))  # 12:30 PM in Chicago
    document = documents.receipt_pdf(payment)
    assert document.file_stem == f"receipt-{payment.id}"
    text = one_spaced(text_of(document))
    for expected in (
        "Lumen Portraits", "RECEIPT", f"No. #{payment.id}", "Paid by: Check 1234",
        f"Invoice: {invoice.number} (Initial Order)", "Ann Lee", "Payment received $50.00",
        "Invoice total $122.43", "Paid $50.00", "Balance due (on 03/05/2030) $72.43",
    ):
        assert expected in text, expected
    users.sign_in(users.find_user("owner"))
    ledger.void_entry(payment, "Bounced")
    text = one_spaced(text_of(documents.receipt_pdf(payment)))
    assert "VOID" in text and "This payment was voided" in text and "Balance due (on 03/05/2030) $122.43" in text


def test_no_receipt_for_a_transfer_or_a_void(billed):
    invoice, payment = billed
    void = ledger.void_entry(payment, "Wrong invoice")
    with pytest.raises(ValidationError, match="receipts are for payments, deposits and refunds"):
        documents.receipt_pdf(void)


def test_the_logo_heads_the_document_and_a_broken_one_is_left_out_with_a_note(billed, tmp_path):
    invoice, _payment = billed
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), "navy").save(logo)
    settings.put("studio_logo", str(logo))
    with_logo = documents.invoice_pdf(invoice)
    assert with_logo.notes == ()
    assert len(PdfReader(io.BytesIO(with_logo.pdf)).pages[0].images) == 1
    logo.write_bytes(b"not a picture any more")  # broken after it was chosen
    broken = documents.invoice_pdf(invoice)
    assert len(PdfReader(io.BytesIO(broken.pdf)).pages[0].images) == 0
    assert broken.notes and "could not be read" in broken.notes[0] and "made without it" in broken.notes[0]
    assert f"No. {invoice.number}" in text_of(broken)
    logo.unlink()
    missing = documents.invoice_pdf(invoice)
    assert "is missing" in missing.notes[0] and missing.pdf.startswith(b"%PDF")


def test_the_logo_setting_takes_only_an_image_file(db, tmp_path):
    with pytest.raises(ValidationError, match="There is no image file"):
        settings.put("studio_logo", str(tmp_path / "nothing.png"))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValidationError, match="is not an image"):
        settings.put("studio_logo", str(text))
    picture = tmp_path / "logo.jpg"
    Image.new("RGB", (10, 10)).save(picture)
    settings.put("studio_logo", f"  {picture}  ")
    assert settings.get("studio_logo") == str(picture)
    settings.put("studio_logo", "")
    assert settings.get("studio_logo") == ""


def test_the_documents_folder_setting_is_a_folder_or_empty(db, tmp_path):
    assert documents.documents_folder().name == "Spectra"  # the default: Spectra in the documents folder
    afile = tmp_path / "file"
    afile.write_text("")
    with pytest.raises(ValidationError, match="is a file, not a folder"):
        settings.put("documents_folder", str(afile))
    settings.put("documents_folder", str(tmp_path / "not yet"))  # made when the first document is saved
    assert documents.documents_folder() == tmp_path / "not yet"


def test_saving_makes_the_folder_and_never_overwrites(billed, tmp_path):
    invoice, _payment = billed
    settings.put("documents_folder", str(tmp_path / "docs" / "Spectra"))
    document = documents.invoice_pdf(invoice)
    first = documents.save(document)
    second = documents.save(document)
    third = documents.save(document)
    assert [p.name for p in (first, second, third)] == [
        f"invoice-{invoice.number}.pdf", f"invoice-{invoice.number}-2.pdf", f"invoice-{invoice.number}-3.pdf"
    ]
    assert first.parent == tmp_path / "docs" / "Spectra" and first.read_bytes() == document.pdf


def test_saving_where_nothing_can_be_written_says_so(billed, tmp_path):
    invoice, _payment = billed
    blocker = tmp_path / "a file"
    blocker.write_text("")
    with pytest.raises(DomainError, match="could not be saved in"):
        documents.save(documents.invoice_pdf(invoice), blocker / "Spectra")
    with pytest.raises(ValidationError, match="is a folder"):
        documents.write(documents.invoice_pdf(invoice), tmp_path)


def test_a_new_invoice_not_saved_yet_has_no_document(studio):
    with pytest.raises(ValidationError, match="not saved yet"):
        documents.invoice_pdf(invoices.new_invoice(Invoice.GENERIC, client=studio.client))


def test_latin_text_after_a_chinese_line_keeps_its_own_glyphs(studio):
    """fpdf2's fallback font once stayed selected after a Chinese line: the
    next line's "Hà Nội" came out of the PDF as "Ag yễt"."""
    client = clients.save_client(None, {"first_name": "An", "last_name": "Nguyễn", "address1": "王府井大街 1号",
                                        "city": "Hà Nội", "country": "Việt Nam"})
    invoice = invoices.create_invoice(Invoice.GENERIC, client=client)
    invoices.add_line(invoice, description="Chân dung 王小明", unit_price_cents=12000, image_number=2)
    invoices.add_line(invoice, description="Ảnh gia đình", unit_price_cents=3000)
    text = one_spaced(text_of(documents.invoice_pdf(invoice)))
    for expected in ("An Nguyễn 王府井大街 1号 Hà Nội Việt Nam", "1 Chân dung 王小明 2 1 $120.00",
                     "2 Ảnh gia đình 1 $30.00", "Subtotal $150.00"):
        assert expected in text, expected


def test_a_deposit_s_and_a_refund_s_receipts(billed, studio):
    invoice, _payment = billed
    deposit = ledger.take_deposit(studio.client, 3000, "cash")
    text = one_spaced(text_of(documents.receipt_pdf(deposit)))
    assert "DEPOSIT RECEIPT" in text and "Deposit received $30.00" in text and "Paid by: Cash" in text
    assert "Held for the client towards a later invoice: $30.00 of it left." in text
    ledger.take_payment(invoice, 10000, "card")  # $150.00 paid on $122.43: a credit of $27.57
    refund = ledger.refund(invoice, 2757, "card")
    text = one_spaced(text_of(documents.receipt_pdf(refund)))
    assert "REFUND RECEIPT" in text and "Refund paid back -$27.57" in text and "Paid back by: Card" in text
    assert f"Invoice: {invoice.number}" in text and "Balance" in text and "$0.00" in text


def test_us_letter_in_the_us_and_a4_elsewhere(billed):
    invoice, _payment = billed

    def page_size() -> tuple[int, int]:
        box = PdfReader(io.BytesIO(documents.invoice_pdf(invoice).pdf)).pages[0].mediabox
        return round(box.width), round(box.height)

    assert page_size() == (612, 792)  # en_US: Letter, in points
    settings.put("locale", "de_DE")
    assert page_size() == (595, 842)  # A4
