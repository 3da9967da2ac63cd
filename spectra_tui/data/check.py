"""`spectra check`: prove the books are whole.

Runs SQLite's integrity check, then the ledger invariants:
- every ledger row still has the hash its audit entry recorded (nobody changed
  it with plain SQL), and the audit chain is unbroken;
- amounts are positive; voids, applications and transfers point at rows of
  the right kind; no invoice is paid below zero; no deposit is overdrawn;
- stored invoice totals equal what their lines give;
- every invoice's stored paid and balance equal what its ledger rows give;
- invoice and session numbers run without gaps;
- for every client: received + credit memos = applied + deposits left +
  credit balances + refunds.
Each violation names the invoice, client or row it concerns.
"""
import json
from collections import defaultdict
from dataclasses import dataclass

from peewee import SqliteDatabase

from . import audit
from .counters import peek
from .invoices import ESTIMATE_SERIES, INVOICE_SERIES, balance_expression, compute_totals, paid_expression
from .ledger import client_money, deposit_remaining, paid_floor, paid_into, DEPOSIT, DEPOSIT_APPLY, REFUND, TRANSFER, VOID
from .models import AuditLog, Client, Counter, Invoice, InvoiceLine, LedgerEntry, Session, database
from .money import format_money


@dataclass(frozen=True)
class Violation:
    subject: str  # e.g. "invoice 1043", "client #12 (Ann Lee)", "ledger row 77"
    problem: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.problem}"


def run_checks() -> list[Violation]:
    problems: list[Violation] = []
    problems += _sqlite_integrity()
    problems += _audit_chain()
    problems += _ledger_rows()
    problems += _invoices()
    problems += _stored_balances()
    problems += _numbering()
    problems += _client_balances()
    return problems


def _sqlite_integrity() -> list[Violation]:
    if not isinstance(database.obj, SqliteDatabase):
        return []
    rows = database.execute_sql("PRAGMA integrity_check").fetchall()
    bad = [r[0] for r in rows if r[0] != "ok"]
    fk = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    out = [Violation("database file", message) for message in bad]
    out += [Violation(f"table {row[0]} row {row[1]}", f"points at a missing {row[2]} row") for row in fk]
    return out


def _invoice_label(invoice_id: int | None) -> str:
    if invoice_id is None:
        return "no invoice"
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    return f"invoice {invoice.display_number}" if invoice else f"missing invoice id {invoice_id}"


def _entry_subject(entry: LedgerEntry) -> str:
    where = f" on {_invoice_label(entry.invoice_id)}" if entry.invoice_id else ""
    return f"ledger row {entry.id} ({entry.kind}{where})"


def _audit_chain() -> list[Violation]:
    out = []
    prev = audit.GENESIS
    rows = 0
    for row in AuditLog.select().order_by(AuditLog.id).iterator():
        rows += 1
        if row.prev_hash != prev or audit.entry_hash(prev, row) != row.hash:
            out.append(Violation(f"audit entry {row.id} ({row.action} {row.entity} {row.entity_id})",
                                 "the audit log was changed after it was written"))
        prev = row.hash
    # audit.record counts every entry it writes (in the same transaction): the
    # chain alone cannot show that its last entries were deleted.
    written = Counter.get_or_none(Counter.name == "audit")
    if written is not None and written.value != rows:
        out.append(Violation("audit log", f"{written.value} entries were written but {rows} are left: "
                                          "entries were deleted behind the app's back"))
    return out


def _ledger_rows() -> list[Violation]:
    out = []
    recorded = {
        entity_id: row_hash
        for entity_id, row_hash in AuditLog.select(AuditLog.entity_id, AuditLog.row_hash)
        .where((AuditLog.entity == "ledger") & (AuditLog.row_hash != "")).tuples()
    }
    kinds = dict(LedgerEntry.select(LedgerEntry.id, LedgerEntry.kind).tuples())
    for entry in LedgerEntry.select().order_by(LedgerEntry.id).iterator():
        subject = _entry_subject(entry)
        if entry.id not in recorded:
            out.append(Violation(subject, "has no audit entry: it was written behind the app's back"))
        elif recorded[entry.id] != audit.ledger_row_hash(entry):
            out.append(Violation(subject, "was changed after it was written (its hash no longer matches the audit log)"))
        if entry.amount_cents <= 0:
            out.append(Violation(subject, f"has a non-positive amount {format_money(entry.amount_cents)}"))
        related_kind = kinds.get(entry.related_id)
        if entry.kind == VOID and (related_kind is None or related_kind == VOID):
            out.append(Violation(subject, "voids nothing that can be voided"))
        if entry.kind == DEPOSIT_APPLY and (related_kind != DEPOSIT or entry.invoice_id is None):
            out.append(Violation(subject, "applies something that is not a deposit, or to no invoice"))
        if entry.kind == TRANSFER and (entry.invoice_id is None or entry.target_invoice_id is None):
            out.append(Violation(subject, "is a transfer without both invoices"))
        if entry.kind == REFUND and entry.invoice_id is None and related_kind != DEPOSIT:
            out.append(Violation(subject, "refunds neither an invoice nor a deposit"))
    missing = sorted(set(recorded) - set(kinds))
    if missing:
        written = {row.entity_id: row.after for row in AuditLog.select(AuditLog.entity_id, AuditLog.after)
                   .where((AuditLog.entity == "ledger") & AuditLog.entity_id.in_(missing))}
        for entry_id in missing:
            data = json.loads(written.get(entry_id) or "{}")
            where = f" on {_invoice_label(data['invoice'])}" if data.get("invoice") else ""
            out.append(Violation(f"ledger row {entry_id} ({data.get('kind', '?')}{where})",
                                 "was deleted behind the app's back (the audit log recorded it)"))
    deposits = [i for i, k in kinds.items() if k == DEPOSIT]
    for deposit_id, left in deposit_remaining(deposits).items():
        if left < 0:
            out.append(Violation(f"deposit (ledger row {deposit_id})", f"is overdrawn by {format_money(-left)}"))
    return out


def _invoices() -> list[Violation]:
    out = []
    money_invoices = [i for (i,) in LedgerEntry.select(LedgerEntry.invoice).where(LedgerEntry.invoice.is_null(False)).distinct().tuples()]
    floors = {i.id: paid_floor(i) for i in Invoice.select().where(Invoice.id.in_(money_invoices))}
    for invoice_id, paid in paid_into(money_invoices).items():
        if paid < floors[invoice_id]:
            out.append(Violation(_invoice_label(invoice_id), f"has more taken out than was paid in ({format_money(paid)})"))
    lines_by_invoice = defaultdict(list)
    for line in InvoiceLine.select().iterator():
        lines_by_invoice[line.invoice_id].append(line)
    for invoice in Invoice.select().iterator():
        stored = (invoice.subtotal_cents, invoice.tax_cents, invoice.total_cents)
        expected = compute_totals(invoice, lines_by_invoice.get(invoice.id, []))
        if stored != expected:
            out.append(Violation(f"invoice {invoice.display_number}",
                                 f"stored total {format_money(stored[2])} does not match its lines ({format_money(expected[2])})"))
    void_ids = [i for (i,) in Invoice.select(Invoice.id).where(Invoice.status == Invoice.VOID).tuples()]
    for invoice_id, held in paid_into(void_ids).items():
        if held != 0:  # voided entries may stay on it as history; money may not
            out.append(Violation(_invoice_label(invoice_id), f"is void but holds {format_money(held)}"))
    return out


def _stored_balances() -> list[Violation]:
    """Invoices whose stored paid or balance (what the lists sort by) differ
    from the ones derived from the ledger, in one query."""
    paid = paid_expression()
    balance = balance_expression(paid)
    rows = (Invoice.select(Invoice.id, Invoice.series, Invoice.kind, Invoice.number, Invoice.paid_cents,
                           Invoice.balance_cents, paid.alias("ledger_paid"), balance.alias("ledger_balance"))
            .where((Invoice.paid_cents != paid) | (Invoice.balance_cents != balance)).order_by(Invoice.id))
    return [Violation(f"invoice {invoice.display_number}",
                      f"stored balance {format_money(invoice.balance_cents)} (paid {format_money(invoice.paid_cents)}) "
                      f"does not match its ledger rows: balance {format_money(int(invoice.ledger_balance))} "
                      f"(paid {format_money(int(invoice.ledger_paid))})")
            for invoice in rows.iterator()]


def _gaps(numbers: list[int], last_issued: int = 0) -> list[int]:
    """Numbers missing between the first one present and the last one handed
    out (the counter), so a deleted newest invoice shows too."""
    if not numbers:
        return []
    present = set(numbers)
    return [n for n in range(min(numbers), max(max(numbers), last_issued) + 1) if n not in present]


def _numbering() -> list[Violation]:
    out = []
    for series in (INVOICE_SERIES, ESTIMATE_SERIES):
        numbers = [n for (n,) in Invoice.select(Invoice.number).where(Invoice.series == series).tuples()]
        for missing in _gaps(numbers, peek(series))[:20]:
            out.append(Violation(f"{series} numbers", f"number {missing} is missing (numbers must run without gaps)"))
    sessions = [n for (n,) in Session.select(Session.number).tuples()]
    for missing in _gaps(sessions, peek("session"))[:20]:
        out.append(Violation("session numbers", f"number {missing} is missing"))
    return out


def _client_balances() -> list[Violation]:
    out = []
    clients = {c for (c,) in LedgerEntry.select(LedgerEntry.client).distinct().tuples()}
    clients |= {c for (c,) in Invoice.select(Invoice.client).where(Invoice.kind == Invoice.CREDIT_MEMO).distinct().tuples()}
    names = defaultdict(str)
    for client in Client.select(Client.id, Client.first_name, Client.last_name, Client.company).where(Client.id.in_(list(clients))):
        names[client.id] = client.full_name
    for client_id in sorted(clients):
        money = client_money(client_id)
        if not money.balanced:
            left = money.received + money.credits_issued
            right = money.applied + money.deposits_left + money.credit_balances + money.refunds
            out.append(Violation(
                f"client #{client_id} ({names[client_id]})",
                f"money received {format_money(left)} does not equal applied + deposits + credits + refunds "
                f"{format_money(right)}"))
    return out
