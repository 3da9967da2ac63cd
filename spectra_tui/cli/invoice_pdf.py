"""`spectra invoice-pdf NUMBER --out FILE`: an invoice, estimate (E12) or credit memo as PDF.

Runs without a user, as the other commands that only read the books (sessions,
ical): --user is ignored. Without --out the PDF goes into the studio's
documents folder, as the app saves it (never over another file)."""

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "invoice-pdf",
        help="write an invoice, estimate or credit memo as a PDF file",
        description="Write invoice NUMBER (E12 for estimate 12) as a PDF: the studio's name, address and logo, "
        "the Bill-To, the lines with their image numbers, tax, totals, payments and balance.",
    )
    parser.add_argument("number", metavar="NUMBER", help="an invoice or credit memo number (1042), E12 for an estimate")
    parser.add_argument(
        "--out",
        metavar="FILE.pdf",
        help="the PDF file to write (replaced if there); default: invoice-NUMBER.pdf in the documents folder "
        "of the Studio Settings",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..data import documents, invoices
    from ..data.errors import ValidationError

    if args.out is not None and not args.out.strip():
        raise ValidationError("--out is empty: give the PDF file to write (or no --out: the documents folder).")
    document = documents.invoice_pdf(invoices.get_invoice(args.number))
    path = documents.write(document, Path(args.out)) if args.out else documents.save(document)
    for note in document.notes:
        print(f"spectra: {note}", file=sys.stderr)
    print(f"{document.name} written to {path}.")
    return 0
