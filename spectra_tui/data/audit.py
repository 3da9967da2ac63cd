"""The audit log: who did what, when, with the record before and after.

Rows form a chain keyed with the studio key (HMAC-SHA256, see studio_key.py):
each row's hash covers the previous row's hash and its own position, so a row
changed, inserted or removed with plain SQL shows, and nobody without the key
can rebuild the chain afterwards. An entry about a ledger row or an invoice
also stores the hash of that row's money-bearing state (``row_hash``: the whole
ledger row; the invoice with its lines), so ``spectra check`` can compare the
rows as they are with what the app last wrote. After each commit the head of
the chain is anchored outside the database (studio_key.advance_anchor).
Call ``record`` inside the same transaction as the change it describes.

Entries written before a studio was keyed keep their unkeyed SHA-256 chain
(``legacy_entry_hash``); the first keyed entry links to its head.
"""

import datetime as dt
import hashlib
import json
import threading
from collections import defaultdict
from typing import Any

from peewee import Model

from . import studio_key
from .clock import utc_now
from .counters import next_number, peek
from .models import AuditLog, Invoice, InvoiceLine, LedgerEntry, database, tuples
from .users import current_user_name

GENESIS = "0" * 64
# What a state hash covers. Invoices: everything but the paid and balance
# figures (derived from the ledger and compared with it by check); lines:
# everything but the price-list link (cleared when an item is deleted).
LEDGER_FIELDS = (
    "id",
    "kind",
    "client",
    "invoice",
    "target_invoice",
    "related",
    "amount_cents",
    "method",
    "reference",
    "note",
    "created_at",
    "created_by",
)
INVOICE_FIELDS = (
    "id",
    "series",
    "number",
    "kind",
    "basis",
    "client",
    "bill_to",
    "session",
    "source",
    "status",
    "invoice_date",
    "subtotal_cents",
    "tax_cents",
    "total_cents",
    "tax_rate",
    "tax_included",
    "notes",
    "created_at",
    "created_by",
)
LINE_FIELDS = ("id", "invoice", "position", "description", "quantity", "unit_price_cents", "taxable", "image_number")
STATE_HASHED = ("ledger", "invoice")  # entities whose entries carry a row_hash
NEVER_AUDITED = frozenset({"password_hash"})  # not even a hash of a secret goes into the log


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def snapshot(row: Model | None) -> dict:
    """A model row as a plain dict (foreign keys as ids)."""
    if row is None:
        return {}
    data = {}
    for name, field in row._meta.fields.items():
        if name not in NEVER_AUDITED:
            data[name] = _jsonable(row.__data__.get(field.name))
    return data


def canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def _digest(data) -> str:
    return hashlib.sha256(canonical(data).encode()).hexdigest()


def _rows(model, fields: tuple[str, ...], where) -> list[dict]:
    columns = [getattr(model, name) for name in fields]
    select = model.select(*columns)
    if where is not None:
        select = select.where(where)
    return [dict(zip(fields, map(_jsonable, row), strict=True)) for row in tuples(select, stream=True)]


def ledger_states(ids: list[int] | None = None) -> dict[int, dict]:
    """The money-bearing fields of ledger rows (all of them when ``ids`` is None)."""
    rows = _rows(LedgerEntry, LEDGER_FIELDS, None if ids is None else LedgerEntry.id.in_(ids))
    return {row["id"]: row for row in rows}


def invoice_states(ids: list[int] | None = None) -> dict[int, dict]:
    """The money-bearing state of invoices: their fields and their lines."""
    invoices = _rows(Invoice, INVOICE_FIELDS, None if ids is None else Invoice.id.in_(ids))
    lines = defaultdict(list)
    for line in _rows(InvoiceLine, LINE_FIELDS, None if ids is None else InvoiceLine.invoice.in_(ids)):
        lines[line["invoice"]].append(line)
    return {row["id"]: {**row, "lines": sorted(lines[row["id"]], key=lambda line: line["id"])} for row in invoices}


def state_hashes(entity: str, ids: list[int] | None = None) -> dict[int, str]:
    """id -> hash of the state of each ledger row or invoice (one pass over the tables)."""
    states = ledger_states(ids) if entity == "ledger" else invoice_states(ids)
    return {entity_id: _digest(state) for entity_id, state in states.items()}


def ledger_row_hash(entry: LedgerEntry) -> str:
    """Hash of the whole ledger row as stored."""
    return state_hashes("ledger", [entry.id])[entry.id]


def legacy_entry_hash(prev_hash: str, row: AuditLog) -> str:
    """The unkeyed SHA-256 link of entries written before the studio was keyed."""
    return _digest(_linked_fields(prev_hash, row))


def entry_hash(key: bytes, prev_hash: str, seq: int, row: AuditLog) -> str:
    """The keyed link of an entry at position ``seq`` of the chain."""
    return studio_key.mac(key, canonical({**_linked_fields(prev_hash, row), "seq": seq}))


def _linked_fields(prev_hash: str, row: AuditLog) -> dict:
    return {
        "prev": prev_hash,
        "at": _jsonable(row.at),
        "user": row.user_name,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "before": row.before,
        "after": row.after,
        "row_hash": row.row_hash,
    }


def identity_seal(key: bytes, identity: "studio_key.StudioIdentity") -> str:
    return studio_key.mac(
        key,
        canonical(
            {
                "studio": identity.studio_id,
                "keyed_after": identity.keyed_after,
                "legacy_head": identity.legacy_head,
                "legacy_count": identity.legacy_count,
            }
        ),
    )


_keys: dict[str, bytes] = {}


def studio() -> tuple["studio_key.StudioIdentity", bytes]:
    """This studio's identity row and key (StudioKeyMissing when the key is not here)."""
    identity = studio_key.StudioIdentity.select().first()
    if identity is None:
        raise studio_key.StudioKeyMissing("This database has no studio identity: open it with the app to upgrade it.")
    if identity.studio_id not in _keys:
        _keys[identity.studio_id] = studio_key.load_key(identity.studio_id)
    return identity, _keys[identity.studio_id]


def _lock_chain() -> int:
    """Serialise writers of the chain (a row lock on PostgreSQL; SQLite's
    IMMEDIATE transaction already holds the write lock); returns the new
    entry's position in the chain."""
    return next_number("audit")


def record(
    action: str,
    entity: str,
    entity_id: int | None,
    before: Model | dict | None = None,
    after: Model | dict | None = None,
) -> AuditLog:
    """Append one audit entry (must be called inside the change's transaction)."""
    row_hash = ""
    if entity in STATE_HASHED and entity_id is not None:
        row_hash = state_hashes(entity, [entity_id]).get(entity_id, "")
    return _append(action, entity, entity_id, before, after, row_hash)


def _append(action: str, entity: str, entity_id: int | None, before, after, row_hash: str) -> AuditLog:
    identity, key = studio()
    seq = _lock_chain()
    last = AuditLog.select(AuditLog.hash).order_by(AuditLog.id.desc()).first()
    prev_hash = last.hash if last else GENESIS
    before_data = before if isinstance(before, dict) or before is None else snapshot(before)
    after_data = after if isinstance(after, dict) or after is None else snapshot(after)
    row = AuditLog(
        at=utc_now(),
        user_name=current_user_name(),
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=canonical(before_data) if before_data else "",
        after=canonical(after_data) if after_data else "",
        prev_hash=prev_hash,
        row_hash=row_hash,
    )
    row.hash = entry_hash(key, prev_hash, seq, row)
    row.save(force_insert=True)
    _anchor_after_commit(identity.studio_id, studio_key.Anchor(seq, row.id, row.hash))
    return row


_pending = threading.local()  # the newest entry this thread wrote, until its transaction commits


def _anchor_after_commit(studio_id: str, head: "studio_key.Anchor") -> None:
    _pending.head = (studio_id, head)
    database.after_commit(_write_anchor)


def _write_anchor() -> None:
    pending, _pending.head = getattr(_pending, "head", None), None
    if pending is None:
        return
    studio_id, head = pending
    try:
        # A savepoint rolled back under a committed transaction takes its entry with it.
        if AuditLog.select().where((AuditLog.id == head.entry_id) & (AuditLog.hash == head.hash)).exists():
            studio_key.advance_anchor(studio_id, head)
    except Exception:
        pass


def key_the_chain() -> AuditLog | None:
    """Give the studio an id and a key, and start its keyed chain (migration 0006).

    In a studio with history, the first keyed entry records the unkeyed
    chain's head and count, and every invoice and ledger row gets an
    "audit.seal" entry with the hash of its state now: from here on a change
    behind the app's back shows; one made before cannot be told."""
    last = AuditLog.select(AuditLog.id, AuditLog.hash).order_by(AuditLog.id.desc()).first()
    identity = studio_key.StudioIdentity(
        studio_id=studio_key.new_studio_id(),
        keyed_after=last.id if last else 0,
        legacy_head=last.hash if last else GENESIS,
        legacy_count=peek("audit"),
    )
    key = studio_key.create_key(identity.studio_id)
    identity.seal = identity_seal(key, identity)
    identity.save(force_insert=True)
    if last is None:
        return None
    keyed = record(
        "audit.keyed",
        "audit",
        None,
        None,
        {
            "unkeyed_entries": identity.legacy_count,
            "unkeyed_head": identity.legacy_head,
            "note": "from here on the chain is keyed; changes made before this entry cannot be detected",
        },
    )
    for entity in STATE_HASHED:
        for entity_id, row_hash in sorted(state_hashes(entity).items()):
            _append("audit.seal", entity, entity_id, None, None, row_hash)
    return keyed


def history(entity: str, entity_id: int) -> list[AuditLog]:
    return list(
        AuditLog.select().where((AuditLog.entity == entity) & (AuditLog.entity_id == entity_id)).order_by(AuditLog.id)
    )
