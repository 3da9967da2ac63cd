"""`spectra check`: prove the books are whole.

Reads one consistent snapshot (SQLite: a DEFERRED read transaction, so no
terminal is kept waiting; PostgreSQL: REPEATABLE READ, READ ONLY) and writes
nothing to the database. Runs SQLite's integrity check, then:
- the audit chain is unbroken and keyed with this studio's key (see
  audit.py, studio_key.py), and no shorter than this machine's anchor;
- every ledger row and every invoice (with its lines) is as the audit log
  last recorded it, and none was added or deleted behind the app's back;
- amounts are positive; voids, applications and transfers point at rows of
  the right kind; no invoice is paid below zero; no deposit is overdrawn;
- stored invoice totals equal what their lines give;
- every invoice's stored paid and balance equal what its ledger rows give;
- invoice and session numbers run without gaps, and their counters agree;
- for every client: received + credit memos = applied + deposits left +
  credit balances + refunds;
- every posted day's money is what it was when posted, and the audit entry
  it recorded as the chain's head is still there, unchanged.
Each violation names the invoice, client or row it concerns.
"""

import json
import os
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from peewee import SqliteDatabase

from . import audit, end_of_day, studio_key
from .counters import peek
from .invoices import ESTIMATE_SERIES, INVOICE_SERIES, balance_expression, compute_totals, paid_expression
from .ledger import (
    DEPOSIT,
    DEPOSIT_APPLY,
    REFUND,
    TRANSFER,
    VOID,
    client_money,
    deposit_remaining,
    paid_floor,
    paid_into,
)
from .models import AuditLog, Client, Counter, DayPost, Invoice, InvoiceLine, LedgerEntry, Session, database, tuples
from .money import format_money

MAX_NAMED_ENTRIES = 20  # broken audit entries named one by one; the rest are counted


@dataclass(frozen=True)
class Violation:
    subject: str  # e.g. "invoice 1043", "client #12 (Ann Lee)", "ledger row 77"
    problem: str
    unverifiable: bool = False  # not a fault found: something check could not prove (no studio key here)

    def __str__(self) -> str:
        return f"{self.subject}: {self.problem}"


def run_checks(advance_anchor: bool = False) -> list[Violation]:
    """Every check on one snapshot. ``advance_anchor``: when the books are
    clean, move this machine's anchor to the head of the chain just verified."""
    head: list[studio_key.Anchor] = []
    anchor = _anchor()  # read before the snapshot starts: the snapshot holds at least what it anchors
    with consistent_snapshot():
        problems: list[Violation] = []
        problems += _sqlite_integrity()
        problems += _audit_chain(anchor, head)
        problems += _ledger_rows()
        problems += _invoice_states()
        problems += _invoices()
        problems += _stored_balances()
        problems += _numbering()
        problems += _client_balances()
        problems += _posted_days()
        identity = studio_key.StudioIdentity.select().first() if advance_anchor and not problems and head else None
    if identity is not None:
        studio_key.advance_anchor(identity.studio_id, head[0])
    return problems


@contextmanager
def consistent_snapshot():
    """One read transaction around all the checks: they see the books as of
    one moment, whatever other terminals commit meanwhile."""
    db = database.obj
    if db.in_transaction():  # the caller's transaction is the snapshot
        yield
        return
    with db.manual_commit():  # no write can start inside (atomic() refuses)
        if isinstance(db, SqliteDatabase):
            db.execute_sql("BEGIN DEFERRED")  # a reader: never takes the write lock
        else:
            db.execute_sql("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield
        finally:
            db.rollback()


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


def _anchor() -> "studio_key.Anchor | ValueError | None":
    """This machine's anchor of the studio's chain (a ValueError when the
    anchor file is damaged; None when there is none)."""
    identity = studio_key.StudioIdentity.select().first()
    if identity is None:
        return None
    try:
        return studio_key.read_anchor(identity.studio_id)
    except ValueError as damaged:
        return damaged


def _audit_chain(anchor, head: list) -> list[Violation]:
    """The chain links and, from where the studio was keyed, carries valid
    HMACs at consecutive positions; it reaches this machine's anchor. The
    newest entry verified is put in ``head``."""
    identities = list(studio_key.StudioIdentity.select())
    if len(identities) != 1:
        return [
            Violation(
                "audit log",
                "cannot be verified: the studio's identity (where its keyed chain starts) "
                "was removed or duplicated behind the app's back",
            )
        ]
    identity = identities[0]
    out = []
    try:
        key = studio_key.load_key(identity.studio_id)
    except studio_key.StudioKeyMissing as missing:
        key = None
        out.append(Violation("audit log", f"cannot be verified: {missing}", unverifiable=True))
    if key is not None and identity.seal != audit.identity_seal(key, identity):
        hint = f", or ${studio_key.KEY_ENV} holds another studio's key" if os.environ.get(studio_key.KEY_ENV) else ""
        out.append(
            Violation(
                "studio identity", f"was changed behind the app's back (it no longer matches the studio key{hint})"
            )
        )
    if isinstance(anchor, ValueError):
        out.append(Violation("audit log", f"cannot be compared with this machine's anchor: {anchor}"))
        anchor = None
    prev, rows, seq, at_anchor, broken = audit.GENESIS, 0, identity.legacy_count, None, 0
    last = None
    for row in AuditLog.select().order_by(AuditLog.id).iterator():
        rows += 1
        if row.id <= identity.keyed_after:
            intact = row.prev_hash == prev and audit.legacy_entry_hash(prev, row) == row.hash
        else:
            seq += 1
            intact = row.prev_hash == prev and (key is None or audit.entry_hash(key, prev, seq, row) == row.hash)
            if last is None or last.id <= identity.keyed_after:  # the first keyed entry carries on the unkeyed chain
                intact = intact and prev == identity.legacy_head
            if anchor is not None and seq == anchor.seq:
                at_anchor = row
        if not intact:
            broken += 1
            if broken <= MAX_NAMED_ENTRIES:
                out.append(
                    Violation(
                        f"audit entry {row.id} ({row.action} {row.entity} {row.entity_id})",
                        "the audit log was changed after it was written",
                    )
                )
        prev, last = row.hash, row
    if broken > MAX_NAMED_ENTRIES:
        out.append(
            Violation(
                "audit log",
                f"{broken - MAX_NAMED_ENTRIES} more entries after these do not verify "
                "either (the chain was rebuilt without the studio key)",
            )
        )
    # audit.record counts every entry it writes (in the same transaction).
    written = Counter.get_or_none(Counter.name == "audit")
    if written is not None and written.value != rows:
        out.append(
            Violation(
                "audit log",
                f"{written.value} entries were written but {rows} are left: entries were deleted behind the app's back",
            )
        )
    if anchor is not None:
        where = f"(anchored in {studio_key.anchor_path(identity.studio_id)})"
        if seq < anchor.seq:
            out.append(
                Violation(
                    "audit log",
                    f"ends at entry {seq} but this machine saw entry {anchor.seq} written "
                    f"{where}: the newest entries were removed behind the app's back "
                    "(or an older copy was put back)",
                )
            )
        elif at_anchor is None or (at_anchor.id, at_anchor.hash) != (anchor.entry_id, anchor.hash):
            out.append(
                Violation(
                    "audit log",
                    f"entry {anchor.seq} is not the one this machine saw written {where}: "
                    "the log was rewritten behind the app's back",
                )
            )
    for path, other in studio_key.other_studios_here(identity.studio_id):
        out.append(
            Violation(
                "studio identity",
                f"this machine saw another studio here, with {other.seq} audit "
                f"entries ({path}): the studio was replaced or its identity reset "
                "behind the app's back (if you replaced it on purpose, remove that "
                "anchor file)",
            )
        )
    if key is not None and last is not None and last.id > identity.keyed_after:
        head.append(studio_key.Anchor(seq, last.id, last.hash))
    return out


def _recorded(entity: str) -> tuple[dict[int, str], dict[int, int]]:
    """entity id -> the state hash the audit log last recorded for it, and the
    id of that entry."""
    hashes, entries = {}, {}
    select = (
        AuditLog.select(AuditLog.id, AuditLog.entity_id, AuditLog.row_hash)
        .where((AuditLog.entity == entity) & (AuditLog.row_hash != ""))
        .order_by(AuditLog.id)
    )
    for entry_id, entity_id, row_hash in tuples(select, stream=True):
        hashes[entity_id], entries[entity_id] = row_hash, entry_id
    return hashes, entries


def _shown(name: str, value) -> str:
    if name.endswith("_cents") and isinstance(value, int):
        return format_money(value)
    return "(none)" if value in (None, "") else repr(value) if isinstance(value, str) else str(value)


def _what_changed(fields: tuple[str, ...], written: dict, now: dict) -> str:
    """'amount_cents $150.00 -> $145.00, note ...' for the fields that differ."""
    changed = [
        f"{name} {_shown(name, written.get(name))} -> {_shown(name, now.get(name))}"
        for name in fields
        if name in written and written.get(name) != now.get(name)
    ]
    return ", ".join(changed)


def _written_states(entry_ids: list[int]) -> dict[int, dict]:
    """entity id -> the 'after' the given audit entries recorded (empty for a seal)."""
    if not entry_ids:
        return {}
    select = AuditLog.select(AuditLog.entity_id, AuditLog.after).where(AuditLog.id.in_(entry_ids))
    return {entity_id: json.loads(after) if after else {} for entity_id, after in tuples(select)}


def _ledger_rows() -> list[Violation]:
    out = []
    recorded, entries = _recorded("ledger")
    current = audit.state_hashes("ledger")
    changed = sorted(i for i in current if i in recorded and recorded[i] != current[i])
    written, states = _written_states([entries[i] for i in changed]), audit.ledger_states(changed)
    kinds = dict(tuples(LedgerEntry.select(LedgerEntry.id, LedgerEntry.kind)))
    for entry in LedgerEntry.select().order_by(LedgerEntry.id).iterator():
        subject = _entry_subject(entry)
        if entry.id not in recorded:
            out.append(Violation(subject, "has no audit entry: it was written behind the app's back"))
        elif entry.id in states:
            what = _what_changed(audit.LEDGER_FIELDS, written.get(entry.id, {}), states[entry.id])
            out.append(
                Violation(subject, f"was changed after it was written ({what or 'it no longer matches the audit log'})")
            )
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
        written = {}
        for entity_id, after in tuples(
            AuditLog.select(AuditLog.entity_id, AuditLog.after)
            .order_by(AuditLog.id)
            .where((AuditLog.entity == "ledger") & AuditLog.entity_id.in_(missing) & (AuditLog.after != ""))
        ):
            written.setdefault(entity_id, json.loads(after))
        for entry_id in missing:
            data = written.get(entry_id, {})
            where = f" on {_invoice_label(data['invoice'])}" if data.get("invoice") else ""
            out.append(
                Violation(
                    f"ledger row {entry_id} ({data.get('kind', '?')}{where})",
                    "was deleted behind the app's back (the audit log recorded it)",
                )
            )
    deposits = [i for i, k in kinds.items() if k == DEPOSIT]
    for deposit_id, left in deposit_remaining(deposits).items():
        if left < 0:
            out.append(Violation(f"deposit (ledger row {deposit_id})", f"is overdrawn by {format_money(-left)}"))
    return out


def _invoice_states() -> list[Violation]:
    """Every invoice (its number, series, kind, client, status, totals and
    lines) is as the audit log last recorded it."""
    out = []
    recorded, entries = _recorded("invoice")
    current = audit.state_hashes("invoice")
    changed = sorted(i for i in current if i in recorded and recorded[i] != current[i])
    written, states = _written_states([entries[i] for i in changed]), audit.invoice_states(changed)
    numbers = {}
    if changed or set(current) != set(recorded):
        numbers = {
            i: (f"E{n}" if series == ESTIMATE_SERIES else str(n))
            for i, series, n in tuples(Invoice.select(Invoice.id, Invoice.series, Invoice.number))
        }
    for invoice_id in sorted(set(current) - set(recorded)):
        out.append(Violation(f"invoice {numbers[invoice_id]}", "has no audit entry: it was made behind the app's back"))
    for invoice_id in changed:
        what = _what_changed(audit.INVOICE_FIELDS, written.get(invoice_id, {}), states[invoice_id])
        if not what:
            what = "its lines or fields differ from the audit log"
        out.append(Violation(f"invoice {numbers[invoice_id]}", f"was changed behind the app's back ({what})"))
    for invoice_id in sorted(set(recorded) - set(current)):
        out.append(
            Violation(f"invoice id {invoice_id}", "was deleted behind the app's back (the audit log recorded it)")
        )
    return out


def _invoices() -> list[Violation]:
    out = []
    money_invoices = [
        i
        for (i,) in tuples(LedgerEntry.select(LedgerEntry.invoice).where(LedgerEntry.invoice.is_null(False)).distinct())
    ]
    floors = {i.id: paid_floor(i) for i in Invoice.select().where(Invoice.id.in_(money_invoices))}
    for invoice_id, paid in paid_into(money_invoices).items():
        if paid < floors[invoice_id]:
            out.append(
                Violation(_invoice_label(invoice_id), f"has more taken out than was paid in ({format_money(paid)})")
            )
    lines_by_invoice = defaultdict(list)
    for line in InvoiceLine.select().iterator():
        lines_by_invoice[line.invoice_id].append(line)
    for invoice in Invoice.select().iterator():
        stored = (invoice.subtotal_cents, invoice.tax_cents, invoice.total_cents)
        expected = compute_totals(invoice, lines_by_invoice.get(invoice.id, []))
        if stored != expected:
            out.append(
                Violation(
                    f"invoice {invoice.display_number}",
                    f"stored total {format_money(stored[2])} does not match its lines ({format_money(expected[2])})",
                )
            )
    void_ids = [i for (i,) in tuples(Invoice.select(Invoice.id).where(Invoice.status == Invoice.VOID))]
    for invoice_id, held in paid_into(void_ids).items():
        if held != 0:  # voided entries may stay on it as history; money may not
            out.append(Violation(_invoice_label(invoice_id), f"is void but holds {format_money(held)}"))
    return out


def _stored_balances() -> list[Violation]:
    """Invoices whose stored paid or balance (what the lists sort by) differ
    from the ones derived from the ledger, in one query."""
    paid = paid_expression()
    balance = balance_expression(paid)
    rows = (
        Invoice.select(
            Invoice.id,
            Invoice.series,
            Invoice.kind,
            Invoice.number,
            Invoice.paid_cents,
            Invoice.balance_cents,
            paid.alias("ledger_paid"),
            balance.alias("ledger_balance"),
        )
        .where((Invoice.paid_cents != paid) | (Invoice.balance_cents != balance))
        .order_by(Invoice.id)
    )
    return [
        Violation(
            f"invoice {invoice.display_number}",
            f"stored balance {format_money(invoice.balance_cents)} (paid {format_money(invoice.paid_cents)}) "
            f"does not match its ledger rows: balance {format_money(int(invoice.ledger_balance))} "
            f"(paid {format_money(int(invoice.ledger_paid))})",
        )
        for invoice in rows.iterator()
    ]


def _gaps(numbers: list[int], last_issued: int = 0) -> list[int]:
    """Numbers missing between the first one present and the last one handed
    out (the counter), so a deleted newest invoice shows too."""
    if not numbers:
        return []
    present = set(numbers)
    return [n for n in range(min(numbers), max(max(numbers), last_issued) + 1) if n not in present]


def _numbering() -> list[Violation]:
    out = []
    series_names = {INVOICE_SERIES: "invoice", ESTIMATE_SERIES: "estimate", "session": "session"}
    for series, label in series_names.items():
        if series == "session":
            numbers = [n for (n,) in tuples(Session.select(Session.number))]
        else:
            numbers = [n for (n,) in tuples(Invoice.select(Invoice.number).where(Invoice.series == series))]
        issued = peek(series)
        newest = max(numbers, default=0)
        if issued < newest:
            out.append(
                Violation(
                    f"{label} counter",
                    f"was moved back to {issued} behind the app's back, below "
                    f"{label} number {newest}: the next {label} would fail",
                )
            )
        elif issued > newest and newest:
            out.append(
                Violation(
                    f"{label} counter",
                    f"says {label} number {issued} was handed out but the newest "
                    f"is {newest}: it was moved on, or {label}s were deleted",
                )
            )
        elif issued and not numbers:
            out.append(Violation(f"{label} counter", f"says {label} number {issued} was handed out but there is none"))
        for missing in _gaps(numbers, issued)[:20]:
            out.append(Violation(f"{label} numbers", f"number {missing} is missing (numbers must run without gaps)"))
    return out


def _client_balances() -> list[Violation]:
    out = []
    clients = {c for (c,) in tuples(LedgerEntry.select(LedgerEntry.client).distinct())}
    clients |= {
        c for (c,) in tuples(Invoice.select(Invoice.client).where(Invoice.kind == Invoice.CREDIT_MEMO).distinct())
    }
    names = defaultdict(str)
    for client in Client.select(Client.id, Client.first_name, Client.last_name, Client.company).where(
        Client.id.in_(list(clients))
    ):
        names[client.id] = client.full_name
    for client_id in sorted(clients):
        money = client_money(client_id)
        if not money.balanced:
            left = money.received + money.credits_issued
            right = money.applied + money.deposits_left + money.credit_balances + money.refunds
            out.append(
                Violation(
                    f"client #{client_id} ({names[client_id]})",
                    f"money received {format_money(left)} does not equal applied + deposits + credits + refunds "
                    f"{format_money(right)}",
                )
            )
    return out


def _posted_days() -> list[Violation]:
    """A day posted (its latest row a post) still has the money it was posted
    with, and the chain still holds the entry the post recorded as its head."""
    latest: dict = {}
    for post in DayPost.select().order_by(DayPost.id):
        latest[post.day] = post
    out = []
    for day, post in sorted(latest.items()):
        if post.action != DayPost.POST:
            continue
        where = f"posted day {day:%m/%d/%Y}"
        now = end_of_day.day_summary(day)
        posted = (post.payments_cents, post.refunds_cents, post.cash_expected_cents)
        found = (now.payments_cents + now.deposits_cents, now.refunds_cents, now.cash_expected_cents)
        for word, was, is_now in zip(("money in", "refunds", "cash expected"), posted, found, strict=True):
            if was != is_now:
                out.append(
                    Violation(where, f"its {word} was {format_money(was)} when posted, {format_money(is_now)} now")
                )
        if post.audit_entry_id is not None:
            head = AuditLog.get_or_none(AuditLog.id == post.audit_entry_id)
            if head is None or head.hash != post.audit_hash:
                out.append(Violation(where, f"the audit entry {post.audit_entry_id} it recorded is gone or changed"))
    return out
