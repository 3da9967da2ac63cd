"""Invoices, estimates, credit memos and payment receipts as PDF (fpdf2).

A document is first read from the books into a ``Sheet`` (plain text, nothing
left to ask the database), then drawn (``render``): the drawing may run in a
thread. Every document carries the studio's name, address and logo (settings
``studio_name``, ``studio_address``, ``studio_logo``); a logo that is missing
or unreadable is left out and ``Document.notes`` says why, the PDF is made all
the same.

Names in any script render from the fonts shipped in ``fonts/``: DejaVu Sans
(Latin with Vietnamese, Greek, Cyrillic), and Droid Sans Fallback for Chinese,
Japanese and Korean where DejaVu has no glyph (fpdf2's fallback fonts). Only
the glyphs used are embedded.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import clock, invoices, ledger, settings
from .errors import DomainError, ValidationError
from .models import Client, Invoice, LedgerEntry
from .money import format_money

if TYPE_CHECKING:  # both are imported when a document is drawn, not when the app starts
    from fpdf import FPDF
    from fpdf.fonts import FontFace
    from PIL.Image import Image as PillowImage

FONT_FOLDER = Path(__file__).with_name("fonts")
TEXT_FONT = "DejaVu"
CJK_FONT = "DroidSansFallback"
LOGO_HEIGHT_MM = 18
LOGO_MOST_PIXELS = 800  # a camera-sized logo is scaled down before it is embedded
MOST_COPIES = 999  # invoice-1042.pdf, invoice-1042-2.pdf ... invoice-1042-999.pdf
LETTER_TERRITORIES = ("US", "CA", "MX", "PH")  # studios there print on US Letter; elsewhere A4
RECEIPT_KINDS = (LedgerEntry.PAYMENT, LedgerEntry.DEPOSIT, LedgerEntry.DEPOSIT_APPLY, LedgerEntry.REFUND)


@dataclass(frozen=True)
class LineRow:
    """One line of the lines table, as printed."""

    position: str
    description: str
    image_number: str
    quantity: str
    unit_price: str
    amount: str
    taxable: bool


@dataclass(frozen=True)
class EntryRow:
    """One payment or credit of the invoice, as printed."""

    day: str
    what: str
    method: str
    amount: str
    voided: bool


@dataclass(frozen=True)
class Sheet:
    """Everything a document shows, read from the books."""

    title: str  # "INVOICE", "ESTIMATE", "CREDIT MEMO", "RECEIPT"...
    number: str  # "1042", "E12", "#17" (a receipt: the ledger entry)
    file_stem: str  # "invoice-1042"
    facts: tuple[tuple[str, str], ...]  # date, type, session... beside the title
    bill_to: tuple[str, ...]  # the name, then the address lines
    client: str  # the client, when someone else is billed; else ""
    has_lines: bool = False  # an invoice's kind of document: its lines table, even empty
    rows: tuple[LineRow, ...] = ()
    totals: tuple[tuple[str, str], ...] = ()  # the last one in bold
    entries: tuple[EntryRow, ...] = ()
    balance: tuple[tuple[str, str], ...] = ()  # the last one in bold
    void: str = ""  # the words under VOID; "" when not void
    remarks: tuple[str, ...] = ()
    studio_name: str = ""
    studio_address: str = ""
    logo: str = ""  # the studio_logo setting: a path, or ""
    printed: str = ""  # "Printed 11/30/2026 2:45 PM"
    letter: bool = True  # US Letter, else A4


@dataclass(frozen=True)
class Document:
    """A document drawn: its PDF, its name and what the caller should tell."""

    name: str  # "Invoice 1042"
    file_stem: str
    pdf: bytes
    notes: tuple[str, ...] = field(default=())  # e.g. the logo left out, and why


# ---------------------------------------------------------------- reading the books


def _day(day: dt.date) -> str:
    return f"{day:%m/%d/%Y}"


def _moment(instant: dt.datetime) -> str:
    """A stored instant as the studio's wall time: '11/30/2026 2:45 PM'."""
    local = clock.to_local(instant)
    return f"{local:%m/%d/%Y} {local.hour % 12 or 12}:{local:%M %p}"


def _address_of(client: Client) -> tuple[str, ...]:
    """The client's name, company and postal address, a line each."""
    state_and_code = " ".join(part for part in (client.state, client.postal_code) if part)
    town = ", ".join(part for part in (client.city, state_and_code) if part)  # "Austin, TX 78701"
    lines = [client.full_name, client.company if client.company != client.full_name else ""]
    lines += [client.address1, client.address2, town, client.country]
    return tuple(line.strip() for line in lines if line and line.strip())


def studio_lines() -> dict[str, Any]:
    """What heads every document: the studio, when it was printed, the paper size."""
    locale = str(settings.get("locale"))
    territory = locale.partition("_")[2].upper()
    return {
        "studio_name": str(settings.get("studio_name")),
        "studio_address": str(settings.get("studio_address")),
        "logo": str(settings.get("studio_logo") or ""),
        "printed": f"Printed {_moment(clock.utc_now())}",
        "letter": territory in LETTER_TERRITORIES,
    }


def _title(invoice: Invoice) -> str:
    if invoice.is_estimate:
        return "ESTIMATE"
    return "CREDIT MEMO" if invoice.kind == Invoice.CREDIT_MEMO else "INVOICE"


def _stem(invoice: Invoice) -> str:
    return f"{_title(invoice).lower().replace(' ', '-')}-{invoice.display_number}"


def _tax_label(invoice: Invoice) -> str:
    rate = (Decimal(invoice.tax_rate) * 100).normalize()
    return f"Tax {rate:f}%{' (included)' if invoice.tax_included else ''}"


def _entry_rows(invoice: Invoice) -> tuple[EntryRow, ...]:
    """The invoice's payments and credits; a void row is not printed, the entry it cancels says 'voided'."""
    entries = [e for e in ledger.entries_for(invoice) if e.kind != LedgerEntry.VOID]
    voided = ledger.voided_ids([e.id for e in entries])
    rows = []
    for entry in entries:
        effect = ledger.shown_effect(entry, invoice.id)
        rows.append(
            EntryRow(
                day=f"{clock.to_local(entry.created_at):%m/%d/%Y}",
                what=f"#{entry.id} {ledger.entry_label(entry, invoice.id)}",
                method=" ".join(part for part in (entry.method, entry.reference) if part),
                amount=("+" if effect > 0 else "") + format_money(effect),
                voided=entry.id in voided,
            )
        )
    return tuple(rows)


def _balance_rows(invoice: Invoice) -> tuple[tuple[str, str], ...]:
    money = ledger.invoice_money(invoice)
    if money.credit:
        last = ("Credit balance", format_money(money.credit))
    elif money.due:
        last = ("Balance due", format_money(money.due))
    else:
        last = ("Balance", format_money(0))
    return (("Paid", format_money(money.paid)), last)


def invoice_sheet(invoice: Invoice) -> Sheet:
    """An invoice, estimate or credit memo as its document shows it."""
    if invoices.is_unsaved(invoice):
        raise ValidationError("This invoice is not saved yet: add a line or save it first.")
    facts = [("Date", _day(invoice.invoice_date)), ("Type", invoice.kind)]
    if invoice.session is not None:
        facts.append(("Session", str(invoice.session.number)))
    if invoice.source is not None:
        source_label = "Credits invoice" if invoice.kind == Invoice.CREDIT_MEMO else "From"
        facts.append((source_label, invoice.source.display_number))
    rows = tuple(
        LineRow(
            position=str(line.position),
            description=line.description,
            image_number=str(line.image_number or ""),
            quantity=str(line.quantity),
            unit_price=format_money(line.unit_price_cents),
            amount=format_money(line.amount_cents),
            taxable=bool(line.taxable),
        )
        for line in invoices.lines_of(invoice)
    )
    totals = (
        ("Subtotal", format_money(invoice.subtotal_cents)),
        (_tax_label(invoice), format_money(invoice.tax_cents)),
        ("Total", format_money(invoice.total_cents)),
    )
    remarks: list[str] = []
    void = ""
    entries: tuple[EntryRow, ...] = ()
    balance: tuple[tuple[str, str], ...] = ()
    if invoice.status == Invoice.VOID:
        void = f"{_title(invoice).capitalize()} {invoice.display_number} is void: it owes nothing."
        entries = _entry_rows(invoice)
    elif invoice.is_estimate:
        remarks.append("An estimate, not a bill: nothing is owed on it.")
        if invoice.status == Invoice.CONVERTED:
            made = ", ".join(i.display_number for i in invoices.made_from(invoice))
            remarks.append(f"Converted into invoice {made}." if made else "Converted into an invoice.")
    else:
        entries = _entry_rows(invoice)
        balance = _balance_rows(invoice)
    notes = invoice.notes.strip()
    if notes:
        remarks.append(notes)
    bill_to = invoice.bill_to
    return Sheet(
        title=_title(invoice),
        number=invoice.display_number,
        file_stem=_stem(invoice),
        facts=tuple(facts),
        bill_to=_address_of(bill_to),
        client=invoice.client.full_name if invoice.client_id != invoice.bill_to_id else "",
        has_lines=True,
        rows=rows,
        totals=totals,
        entries=entries,
        balance=balance,
        void=void,
        remarks=tuple(remarks),
        **studio_lines(),
    )


def receipt_sheet(entry: LedgerEntry) -> Sheet:
    """A payment's receipt (or a deposit's, a refund's): what was paid, how,
    on which invoice, and the balance left on it now."""
    if entry.kind not in RECEIPT_KINDS:
        raise ValidationError(
            f"Entry #{entry.id} is a {ledger.KIND_LABELS[entry.kind].lower()}: receipts are for payments, "
            "deposits and refunds."
        )
    label = ledger.KIND_LABELS[entry.kind]
    title = {LedgerEntry.DEPOSIT: "DEPOSIT RECEIPT", LedgerEntry.REFUND: "REFUND RECEIPT"}.get(entry.kind, "RECEIPT")
    invoice = entry.invoice
    if entry.kind == LedgerEntry.DEPOSIT_APPLY and entry.related is not None:
        how = f"Deposit #{entry.related_id} of {_day(clock.to_local(entry.related.created_at).date())}"
    else:
        how = " ".join(part for part in (entry.method.capitalize(), entry.reference) if part)
    refund = entry.kind == LedgerEntry.REFUND
    facts = [("Date", _moment(entry.created_at)), ("Paid back by" if refund else "Paid by", how)]
    if invoice is not None:
        facts.append(("Invoice", f"{invoice.display_number} ({invoice.kind})"))
    if entry.created_by:
        facts.append(("Taken by", entry.created_by))
    amount = ("-" if refund else "") + format_money(entry.amount_cents)
    totals = ((f"{label} {'paid back' if refund else 'received'}", amount),)
    balance: tuple[tuple[str, str], ...] = ()
    remarks: list[str] = []
    if invoice is not None:
        as_of = f" (on {_day(clock.today())})"
        balance = (("Invoice total", format_money(invoice.total_cents)),) + tuple(
            (name + as_of if index == 1 else name, value) for index, (name, value) in enumerate(_balance_rows(invoice))
        )
    elif entry.kind == LedgerEntry.DEPOSIT:
        left = ledger.deposit_remaining([entry.id])[entry.id]
        remarks.append(f"Held for the client towards a later invoice: {format_money(max(0, left))} of it left.")
    void = ""
    if entry.id in ledger.voided_ids([entry.id]):
        void = f"This {label.lower()} was voided: it counts for nothing."
    if entry.note.strip():
        remarks.append(entry.note.strip())
    client = invoice.bill_to if invoice is not None else entry.client
    return Sheet(
        title=title,
        number=f"#{entry.id}",
        file_stem=f"receipt-{entry.id}",
        facts=tuple(facts),
        bill_to=_address_of(client),
        client=entry.client.full_name if client.id != entry.client_id else "",
        totals=totals,
        balance=balance,
        void=void,
        remarks=tuple(remarks),
        **studio_lines(),
    )


# ---------------------------------------------------------------- drawing


def _load_logo(path_text: str) -> "tuple[PillowImage | None, str]":
    """The logo as a Pillow image ready to embed, or (None, why it is left out)."""
    from PIL import Image

    path = Path(path_text).expanduser()
    try:
        with Image.open(path) as opened:
            opened.load()
            logo = opened.convert("RGBA") if opened.mode in ("P", "LA", "RGBA") else opened.convert("RGB")
    except FileNotFoundError:
        return None, f"The studio's logo {path} is missing: the PDF was made without it."
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        why = getattr(error, "strerror", None) or str(error) or type(error).__name__
        return None, f"The studio's logo {path} could not be read ({why}): the PDF was made without it."
    logo.thumbnail((LOGO_MOST_PIXELS, LOGO_MOST_PIXELS))
    return logo, ""


def _texts(value: object) -> Iterator[str]:
    """Every text of a sheet (its fields, rows and entries)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)
    elif is_dataclass(value):
        for part in fields(value):
            yield from _texts(getattr(value, part.name))


def new_pdf(sheet: Sheet) -> "FPDF":
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    class _PDF(FPDF):
        def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> bool:
            # fpdf2 2.8.9: a line whose text switches to the fallback font leaves that
            # font selected on the page while fpdf2 believes its own font still is;
            # the next line in the same font then shows the wrong glyphs ("Hà Nội"
            # after a Chinese line came out as "Ag yễt"). Each line selects its font again.
            try:
                return super()._render_styled_text_line(*args, **kwargs)
            finally:
                self.current_font_is_set_on_page = False

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(TEXT_FONT, "", 7)
            self.set_text_color(120)
            self.cell(0, 5, f"{sheet.title.capitalize()} {sheet.number} · {sheet.printed}", align="L")
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    pdf = _PDF(format="Letter" if sheet.letter else "A4")
    pdf.set_title(f"{sheet.title.capitalize()} {sheet.number}")
    pdf.set_author(sheet.studio_name)
    pdf.set_creator("Spectra TUI")
    pdf.add_font(TEXT_FONT, "", str(FONT_FOLDER / "DejaVuSans.ttf"))
    pdf.add_font(TEXT_FONT, "B", str(FONT_FOLDER / "DejaVuSans-Bold.ttf"))
    text_font = pdf.fonts[TEXT_FONT.lower()]
    assert isinstance(text_font, TTFFont)  # added from its file just above
    covered = text_font.cmap
    if any(ord(char) not in covered for text in _texts(sheet) for char in text if not char.isspace()):
        # Only then: reading the fallback font costs more than the rest of the document.
        pdf.add_font(CJK_FONT, "", str(FONT_FOLDER / "DroidSansFallback.ttf"))
        pdf.set_fallback_fonts([CJK_FONT], exact_match=False)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    return pdf


def head(pdf: "FPDF", sheet: Sheet, logo: "PillowImage | None") -> None:
    """The studio (logo, name, address) on the left; the title, number and facts on the right."""
    top = pdf.get_y()
    left_width = pdf.epw * 0.55
    if logo is not None:
        pdf.image(logo, x=pdf.l_margin, y=top, h=LOGO_HEIGHT_MM)
        pdf.set_y(top + LOGO_HEIGHT_MM + 2)
    pdf.set_font(TEXT_FONT, "B", 13)
    pdf.multi_cell(left_width, 6, sheet.studio_name, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(TEXT_FONT, "", 9)
    for line in sheet.studio_address.splitlines():
        pdf.multi_cell(left_width, 4.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    right = pdf.l_margin + left_width
    width = pdf.epw - left_width
    pdf.set_xy(right, top)
    pdf.set_font(TEXT_FONT, "B", 18)
    pdf.multi_cell(width, 8, sheet.title, align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_font(TEXT_FONT, "B", 11)
    pdf.multi_cell(width, 6, f"No. {sheet.number}", align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_font(TEXT_FONT, "", 9)
    for label, value in sheet.facts:
        pdf.multi_cell(width, 4.5, f"{label}: {value}", align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()) + 4)
    if sheet.void:
        pdf.set_text_color(200, 0, 0)
        pdf.set_font(TEXT_FONT, "B", 28)
        pdf.cell(0, 12, "VOID", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(TEXT_FONT, "B", 10)
        pdf.multi_cell(0, 5, sheet.void, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.ln(3)


def _bill_to(pdf: "FPDF", sheet: Sheet) -> None:
    pdf.set_font(TEXT_FONT, "B", 9)
    pdf.cell(0, 5, "Bill To", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(TEXT_FONT, "", 10)
    for index, line in enumerate(sheet.bill_to):
        pdf.set_font(TEXT_FONT, "B" if index == 0 else "", 10)
        pdf.multi_cell(pdf.epw * 0.6, 5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    if sheet.client:
        pdf.set_font(TEXT_FONT, "", 9)
        pdf.multi_cell(pdf.epw * 0.6, 5, f"For client: {sheet.client}", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _lines(pdf: "FPDF", sheet: Sheet) -> None:
    from fpdf.enums import Align

    pdf.set_font(TEXT_FONT, "", 9)
    headings = ("#", "Description", "Image #", "Qty", "Price", "Tax", "Amount")
    aligns = (Align.R, Align.L, Align.R, Align.R, Align.R, Align.C, Align.R)
    with pdf.table(
        col_widths=(6, 64, 16, 9, 19, 8, 22),
        text_align=aligns,
        headings_style=bold_heading(),
        line_height=5.5,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row(headings)
        for line in sheet.rows:
            table.row(
                (
                    line.position,
                    line.description,
                    line.image_number,
                    line.quantity,
                    line.unit_price,
                    "T" if line.taxable else "",
                    line.amount,
                )
            )
    if not sheet.rows:
        pdf.set_font(TEXT_FONT, "", 9)
        pdf.cell(0, 6, "No lines.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def bold_heading() -> "FontFace":
    from fpdf.fonts import FontFace

    return FontFace(family=TEXT_FONT, emphasis="BOLD", fill_color=(235, 235, 235))


def _figures(pdf: "FPDF", pairs: tuple[tuple[str, str], ...]) -> None:
    """Label and amount pairs at the right, the last one in bold."""
    label_width, value_width = 60, 30
    for index, (label, value) in enumerate(pairs):
        pdf.set_font(TEXT_FONT, "B" if index == len(pairs) - 1 else "", 10)
        pdf.set_x(pdf.l_margin + pdf.epw - label_width - value_width)
        pdf.cell(label_width, 6, label, align="R")
        pdf.cell(value_width, 6, value, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _entries(pdf: "FPDF", sheet: Sheet) -> None:
    from fpdf.enums import Align

    pdf.set_font(TEXT_FONT, "B", 10)
    pdf.cell(0, 6, "Payments and credits", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(TEXT_FONT, "", 9)
    with pdf.table(
        col_widths=(20, 60, 40, 24),
        text_align=(Align.L, Align.L, Align.L, Align.R),
        headings_style=bold_heading(),
        line_height=5.5,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row(("Date", "Entry", "Method", "Amount"))
        for entry in sheet.entries:
            table.row((entry.day, entry.what + (" (voided)" if entry.voided else ""), entry.method, entry.amount))
    pdf.ln(2)


def _remarks(pdf: "FPDF", sheet: Sheet) -> None:
    pdf.set_font(TEXT_FONT, "", 9)
    for remark in sheet.remarks:
        pdf.multi_cell(0, 4.5, remark, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def render(sheet: Sheet) -> Document:
    """Draw ``sheet`` as a PDF (no database read: may run in a thread)."""
    notes: list[str] = []
    logo = None
    if sheet.logo:
        logo, why = _load_logo(sheet.logo)
        if why:
            notes.append(why)
    pdf = new_pdf(sheet)
    head(pdf, sheet, logo)
    _bill_to(pdf, sheet)
    if sheet.has_lines:
        _lines(pdf, sheet)
    _figures(pdf, sheet.totals)
    if sheet.entries:
        _entries(pdf, sheet)
    if sheet.balance:
        _figures(pdf, sheet.balance)
    _remarks(pdf, sheet)
    name = f"{sheet.title.capitalize()} {sheet.number}"
    return Document(name=name, file_stem=sheet.file_stem, pdf=bytes(pdf.output()), notes=tuple(notes))


def invoice_pdf(invoice: Invoice) -> Document:
    """The invoice's (estimate's, credit memo's) document."""
    return render(invoice_sheet(invoice))


def receipt_pdf(entry: LedgerEntry) -> Document:
    """The receipt of a payment, deposit or refund."""
    return render(receipt_sheet(entry))


# ---------------------------------------------------------------- saving


def documents_folder() -> Path:
    """Where documents are saved: the documents_folder setting, or Spectra in
    the user's documents folder (XDG's, else ~/Documents)."""
    chosen = str(settings.get("documents_folder") or "").strip()
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_documents_path

    return user_documents_path() / "Spectra"


def save(document: Document, folder: Path | None = None) -> Path:
    """Write the document into ``folder`` (the documents folder by default,
    made when missing) as invoice-1042.pdf, never over another file:
    invoice-1042-2.pdf, -3 ... Returns the file written."""
    folder = documents_folder() if folder is None else folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for copy in range(1, MOST_COPIES + 1):
            path = folder / (f"{document.file_stem}.pdf" if copy == 1 else f"{document.file_stem}-{copy}.pdf")
            try:
                with open(path, "xb") as out:  # "x": never over a file already there
                    out.write(document.pdf)
                return path
            except FileExistsError:
                continue
    except OSError as error:
        raise DomainError(
            f"{document.name} could not be saved in {folder}: {error.strerror or error}. "
            "Choose another documents folder in the Studio Settings."
        ) from None
    raise DomainError(f"{folder} already holds {MOST_COPIES} copies of {document.file_stem}.pdf: tidy it up first.")


def write(document: Document, path: Path) -> Path:
    """Write the document to ``path`` (a file the person named: replaced if there)."""
    path = path.expanduser()
    if path.is_dir():
        raise ValidationError(f"{path} is a folder: give the name of the PDF file to write.")
    try:
        path.write_bytes(document.pdf)
    except OSError as error:
        raise DomainError(f"Cannot write {path}: {error.strerror or error}.") from None
    return path
