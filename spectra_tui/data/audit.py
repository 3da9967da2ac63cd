"""The audit log: who did what, when, with the record before and after.

Rows form a hash chain (each row's hash covers the previous row's hash), and
an entry about a money row also stores that row's own hash. ``spectra check``
recomputes both, so a ledger row or an audit row changed with plain SQL shows.
Call ``record`` inside the same transaction as the change it describes.
"""
import datetime as dt
import hashlib
import json
from typing import Any

from peewee import Model

from .counters import next_number
from .clock import utc_now
from .models import AuditLog, LedgerEntry
from .users import current_user_name

GENESIS = "0" * 64


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
        data[name] = _jsonable(row.__data__.get(field.name))
    return data


def canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def ledger_row_hash(entry: LedgerEntry) -> str:
    """Hash of the fields of a ledger row that must never change."""
    fields = ("id", "kind", "client", "invoice", "target_invoice", "related", "amount_cents", "method", "reference", "created_at")
    data = {k: _jsonable(entry.__data__.get(k)) for k in fields}
    return hashlib.sha256(canonical(data).encode()).hexdigest()


def entry_hash(prev_hash: str, row: AuditLog) -> str:
    data = {
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
    return hashlib.sha256(canonical(data).encode()).hexdigest()


def _lock_chain() -> None:
    """Serialise writers of the chain (a row lock on PostgreSQL; SQLite's
    IMMEDIATE transaction already holds the write lock)."""
    next_number("audit")


def record(action: str, entity: str, entity_id: int | None, before: Model | dict | None = None,
           after: Model | dict | None = None) -> AuditLog:
    """Append one audit entry (must be called inside the change's transaction)."""
    _lock_chain()
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
    )
    if isinstance(after, LedgerEntry):
        row.row_hash = ledger_row_hash(after)
    row.hash = entry_hash(prev_hash, row)
    row.save(force_insert=True)
    return row


def history(entity: str, entity_id: int) -> list[AuditLog]:
    return list(
        AuditLog.select()
        .where((AuditLog.entity == entity) & (AuditLog.entity_id == entity_id))
        .order_by(AuditLog.id)
    )
