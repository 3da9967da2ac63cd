"""Exports: the studio's clients, sessions, invoices or payments as a CSV file.

UTF-8 with a BOM (spreadsheets then read accents right; this program's own
import takes the BOM) and a header row. The clients' columns are the import's
own headings (client_files.IMPORT_FIELDS), so an exported file reads back
without loss. Money is exact decimal text from the integer cents ("1234.50");
times are the studio's, as YYYY-MM-DD HH:MM.

The rows are read in keyset pages inside one read snapshot (never the write
lock: the other terminals keep working), so 100,000 clients take constant
memory. They go to a temporary file beside the target, which replaces the
target only once complete and audited: a failed export leaves no half file.
An existing file is replaced only when the caller says so (``overwrite``).
"""

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, TypeVar

from peewee import JOIN, Field, ModelSelect

from . import audit, clock
from .check import consistent_snapshot
from .client_files import IMPORT_FIELDS
from .db import write_transaction
from .documents import documents_folder
from .errors import DomainError, ValidationError
from .invoices import InvoiceRow
from .ledger import KIND_LABELS
from .models import BaseModel, Client, Invoice, LedgerEntry, Room, Session, SessionType, User, tuples
from .money import decimal_text
from .permissions import Permission, require
from .text import spreadsheet_cell

ENCODING = "utf-8-sig"  # UTF-8 with a BOM
PAGE_SIZE = 1000

Rows = Iterator[list[list[str]]]  # pages of rows, each row the columns' texts
Row = TypeVar("Row", bound=BaseModel)


class ExportFileExists(DomainError):
    """The file to write is already there, and replacing it was not asked for."""


# ---------------------------------------------------------------- values as text


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _wall(moment: dt.datetime | None) -> str:
    """A studio wall time (a booking's start) as YYYY-MM-DD HH:MM."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _instant(moment: dt.datetime | None) -> str:
    """A stored UTC instant as the studio's YYYY-MM-DD HH:MM."""
    return _wall(clock.to_local(moment)) if moment else ""


def _client_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _pages(select: "ModelSelect[Row]", key: Field) -> Iterator[list[Row]]:
    """The rows of ``select`` in pages of PAGE_SIZE, by the unique ``key``
    (keyset: each page starts after the last key of the page before)."""
    last = None
    while True:
        query = select if last is None else select.where(key > last)
        page = list(query.order_by(key).limit(PAGE_SIZE))
        if not page:
            return
        yield page
        last = getattr(page[-1], key.name)


def _tuple_pages(select: "ModelSelect[Any]", key: Field) -> Iterator[list[tuple]]:
    """As _pages, the rows as tuples whose first value is ``key`` (no model
    made per row: several times faster for the widest table, the clients)."""
    last = None
    while True:
        query = select if last is None else select.where(key > last)
        page = list(tuples(query.order_by(key).limit(PAGE_SIZE)))
        if not page:
            return
        yield page
        last = page[-1][0]


def _name_of(client: Any) -> tuple[Field, ...]:
    """The columns ``Client.full_name`` reads (``client``: Client or an alias of it):
    a joined client is read with these alone, not its forty columns."""
    return (client.id, client.first_name, client.middle_name, client.last_name, client.company)


# ---------------------------------------------------------------- clients

CLIENT_HEADERS = ("Client ID", *IMPORT_FIELDS.values(), "Created")


def _client_rows() -> Rows:
    columns = [getattr(Client, field) for field in IMPORT_FIELDS]
    select = Client.select(Client.id, *columns, Client.created_at).where(
        Client.walk_in == False  # noqa: E712  (Quick Sale's walk-in is not a client)
    )
    for page in _tuple_pages(select, Client.id):
        yield [
            [str(client_id), *(_client_value(value) for value in values), _instant(created_at)]
            for client_id, *values, created_at in page
        ]


# ---------------------------------------------------------------- sessions

SESSION_HEADERS = (
    "Session",
    "Client ID",
    "Client",
    "Session type",
    "Status",
    "Photographer",
    "Start",
    "End",
    "Minutes",
    "Room",
    "Notes",
    "Created",
)


def _session_rows() -> Rows:
    select = (
        Session.select(Session, *_name_of(Client), User.id, User.full_name, SessionType.id, SessionType.name, Room)
        .join(Client, on=(Session.client == Client.id))
        .switch(Session)
        .join(User, on=(Session.photographer == User.id))
        .switch(Session)
        .join(SessionType, on=(Session.session_type == SessionType.id))
        .switch(Session)
        .join(Room, JOIN.LEFT_OUTER, on=(Session.room == Room.id))
    )
    for page in _pages(select, Session.number):
        yield [_session_row(session) for session in page]


def _session_row(session: Session) -> list[str]:
    room = session.room
    return [
        str(session.number),
        str(session.client_id),
        session.client.full_name,
        session.session_type.name,
        session.status,
        session.photographer.full_name,
        _wall(session.start),
        _wall(session.end),
        str(session.length_minutes),
        room.name if room is not None else "",
        session.notes,
        _instant(session.created_at),
    ]


# ---------------------------------------------------------------- invoices

INVOICE_HEADERS = (
    "Invoice",
    "Kind",
    "Date",
    "Client ID",
    "Client",
    "Bill to",
    "Session",
    "Subtotal",
    "Tax",
    "Total",
    "Paid",
    "Balance",
    "Status",
    "Notes",
)


def _invoice_rows() -> Rows:
    billed = Client.alias("bill")
    session = Session.alias("s")
    select = (
        Invoice.select(Invoice, *_name_of(Client), *_name_of(billed), session.id, session.number)
        .join(Client, on=(Invoice.client == Client.id))
        .switch(Invoice)
        .join(billed, on=(Invoice.bill_to == billed.id))
        .switch(Invoice)
        .join(session, JOIN.LEFT_OUTER, on=(Invoice.session == session.id))
    )
    for page in _pages(select, Invoice.id):
        yield [_invoice_row(invoice) for invoice in page]


def _invoice_row(invoice: Invoice) -> list[str]:
    # The figures the Invoices hub shows: paid and balance as the ledger keeps them on the invoice.
    shown = InvoiceRow(invoice=invoice, paid=invoice.paid_cents, balance=invoice.balance_cents)
    session = invoice.session
    return [
        invoice.display_number,
        invoice.kind,
        _day(invoice.invoice_date),
        str(invoice.client_id),
        invoice.client.full_name,
        invoice.bill_to.full_name,
        str(session.number) if session is not None else "",
        decimal_text(invoice.subtotal_cents),
        decimal_text(invoice.tax_cents),
        decimal_text(invoice.total_cents),
        decimal_text(shown.paid),
        decimal_text(shown.balance),
        shown.state,
        invoice.notes,
    ]


# ---------------------------------------------------------------- payments (the ledger)

PAYMENT_HEADERS = (
    "Entry",
    "Date",
    "Kind",
    "Method",
    "Reference",
    "Client ID",
    "Client",
    "Invoice",
    "To invoice",
    "Amount",
    "Related entry",
    "Voided by",
    "Note",
    "By",
)
# Which way each kind moves the studio's money: in (+) or out (-). A deposit
# applied and a credit transfer move money inside the books: shown as their
# amount, the kind says from where to where. A void is the opposite of the
# entry it cancels.
CASH_SIGN = {
    LedgerEntry.PAYMENT: 1,
    LedgerEntry.DEPOSIT: 1,
    LedgerEntry.DEPOSIT_APPLY: 1,
    LedgerEntry.TRANSFER: 1,
    LedgerEntry.REFUND: -1,
}


def _payment_rows() -> Rows:
    onto, target, voided = Invoice.alias("onto"), Invoice.alias("target"), LedgerEntry.alias("voided")
    select = (
        LedgerEntry.select(
            LedgerEntry,
            *_name_of(Client),
            onto.id,
            onto.number,
            onto.kind,
            target.id,
            target.number,
            target.kind,
            voided.id,
            voided.kind,
        )
        .join(Client, on=(LedgerEntry.client == Client.id))
        .switch(LedgerEntry)
        .join(onto, JOIN.LEFT_OUTER, on=(LedgerEntry.invoice == onto.id))
        .switch(LedgerEntry)
        .join(target, JOIN.LEFT_OUTER, on=(LedgerEntry.target_invoice == target.id))
        .switch(LedgerEntry)
        .join(voided, JOIN.LEFT_OUTER, on=(LedgerEntry.related == voided.id))
    )
    for page in _pages(select, LedgerEntry.id):
        voids = LedgerEntry.select(LedgerEntry.id, LedgerEntry.related).where(
            (LedgerEntry.kind == LedgerEntry.VOID) & LedgerEntry.related.in_([entry.id for entry in page])
        )
        voided_by = {void.related_id: void.id for void in voids}
        yield [_payment_row(entry, voided_by.get(entry.id)) for entry in page]


def _signed(entry: LedgerEntry) -> int:
    if entry.kind == LedgerEntry.VOID:
        cancelled = entry.related
        return -CASH_SIGN.get(cancelled.kind, 1) * entry.amount_cents if cancelled else -entry.amount_cents
    return CASH_SIGN.get(entry.kind, 1) * entry.amount_cents


def _payment_row(entry: LedgerEntry, voided_by: int | None) -> list[str]:
    onto, target = entry.invoice, entry.target_invoice
    return [
        str(entry.id),
        _instant(entry.created_at),
        KIND_LABELS.get(entry.kind, entry.kind),
        entry.method,
        entry.reference,
        str(entry.client_id),
        entry.client.full_name,
        onto.display_number if onto is not None else "",
        target.display_number if target is not None else "",
        decimal_text(_signed(entry)),
        str(entry.related_id) if entry.related_id else "",
        str(voided_by) if voided_by else "",
        entry.note,
        entry.created_by,
    ]


# ---------------------------------------------------------------- the exports


@dataclass(frozen=True)
class Export:
    name: str  # "clients": what the command and the file are called
    one: str  # "client": one row of it
    headers: tuple[str, ...]
    rows: Callable[[], Rows]
    count: Callable[[], int]


EXPORTS: dict[str, Export] = {
    "clients": Export(
        "clients",
        "client",
        CLIENT_HEADERS,
        _client_rows,
        lambda: Client.select().where(Client.walk_in == False).count(),  # noqa: E712
    ),
    "sessions": Export("sessions", "session", SESSION_HEADERS, _session_rows, lambda: Session.select().count()),
    "invoices": Export("invoices", "invoice", INVOICE_HEADERS, _invoice_rows, lambda: Invoice.select().count()),
    "payments": Export(
        "payments", "ledger entry", PAYMENT_HEADERS, _payment_rows, lambda: LedgerEntry.select().count()
    ),
}


def export_of(what: str) -> Export:
    """The export called ``what`` ("clients"...), or a ValidationError naming them."""
    try:
        return EXPORTS[what]
    except KeyError:
        raise ValidationError(f"'{what}' is not an export: choose {', '.join(EXPORTS)}.", "what") from None


def count_rows(what: str) -> int:
    """How many rows the export will write (for a progress bar)."""
    return export_of(what).count()


def rows_written(what: str, count: int) -> str:
    """How many rows were written, as a person reads it: '1,204 clients', '1 ledger entry'."""
    one = export_of(what).one
    many = one[:-1] + "ies" if one.endswith("y") else one + "s"
    return f"{count:,} {one if count == 1 else many}"


def default_path(what: str) -> Path:
    """Where the screens offer to write: the documents folder, clients-YYYY-MM-DD.csv (the studio's today)."""
    return documents_folder() / f"{export_of(what).name}-{clock.today():%Y-%m-%d}.csv"


def check_target(path: Path, overwrite: bool = False) -> Path:
    """The file to write, checked before any row is read: not a folder, in a
    folder that exists (the documents folder is made), and not already there
    unless ``overwrite``."""
    path = Path(path).expanduser()
    if not path.name or path.is_dir():
        raise ValidationError(f"{path} is a folder: give the name of the CSV file to write.", "path")
    if not path.parent.is_dir():
        if path.parent != documents_folder():
            raise ValidationError(f"There is no folder {path.parent}: choose a folder that exists.", "path")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DomainError(f"Cannot make the folder {path.parent}: {error.strerror or error}.") from None
    if path.exists() and not overwrite:
        raise ExportFileExists(f"{path} already exists.")
    return path


def export(what: str, path: Path | str, progress: Callable[[int], None] | None = None, overwrite: bool = False) -> int:
    """Write the export ``what`` (clients, sessions, invoices, payments) to
    ``path`` as CSV; returns the rows written. ``progress(rows so far)``
    after each page (it may run in a worker thread). Needs EXPORT_DATA;
    audited (who, what, how many rows, the file)."""
    chosen = export_of(what)
    require(Permission.EXPORT_DATA)
    target = check_target(Path(path), overwrite)
    try:  # owner-only (0600) from the first byte, as the database: the clients' personal data
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise DomainError(f"Cannot write in {target.parent}: {error.strerror or error}.") from None
    try:
        with os.fdopen(handle, "w", encoding=ENCODING, newline="") as out:
            count = _write_rows(chosen, out, progress)
            out.flush()
            os.fsync(out.fileno())
        _publish(chosen, Path(temporary), target, count, overwrite)
    except OSError as error:
        raise DomainError(f"Cannot write {target}: {error.strerror or error}.") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return count


def _write_rows(chosen: Export, out: TextIO, progress: Callable[[int], None] | None) -> int:
    writer = csv.writer(out)
    writer.writerow(chosen.headers)
    count = 0
    with consistent_snapshot():  # one moment of the books, without the write lock
        for page in chosen.rows():
            writer.writerows([[spreadsheet_cell(cell) for cell in row] for row in page])
            count += len(page)
            if progress is not None:
                progress(count)
    return count


@write_transaction
def _publish(chosen: Export, temporary: Path, target: Path, count: int, overwrite: bool) -> None:
    """The complete file takes the target's name, in the transaction of its audit entry."""
    if target.exists() and not overwrite:  # made meanwhile, by someone else
        raise ExportFileExists(f"{target} already exists.")
    audit.record(
        f"export.{chosen.name}",
        "export",
        None,
        None,
        {"what": chosen.name, "rows": count, "file": str(target.resolve())},
    )
    os.replace(temporary, target)
