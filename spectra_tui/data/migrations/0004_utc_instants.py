"""Instants are stored in UTC (see data/clock.py).

Until now every stamp of when something happened was the wall time of the
terminal that wrote it. Those stamps are taken to be the studio's wall time
(the zone in the studio's ``timezone`` setting, as the terminals of one studio
ran in it) and converted to naive UTC; an ambiguous one (the fall-back hour)
is read as its first occurrence, the rule of clock.py. Bookings' ``start``,
phone calls' ``at`` and every date stay studio wall time: they are calendar
facts. No column changes, so the schema is the same.

The audit chain hashes ``at`` and, for ledger rows, the row's ``created_at``:
the chain is sealed again with the converted stamps, with a frozen copy of the
hashing of data/audit.py as it stands here. Every entry keeps what it was: an
entry (or a ledger row) that verified before verifies after, and one that did
not (a change behind the program's back) still does not, so the migration
never hides tampering. Instants inside the audit entries' before/after
snapshots are converted too, so a snapshot still matches its row.

Rows are read and written in batches of BATCH by id, on SQLite and PostgreSQL.
"""
import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from peewee import *

BATCH = 1000
DEFAULT_ZONE = "America/Chicago"  # settings.DEFAULTS["timezone"] when this was written
GENESIS = "0" * 64
UTC = dt.timezone.utc
INSTANTS = {
    "user": ("created_at",),
    "client": ("created_at", "updated_at"),
    "session": ("status_changed_at", "created_at"),
    "session_status_change": ("at",),
    "appointment": ("created_at",),
    "invoice": ("created_at",),
    "session_image": ("imported_at",),
    "task": ("created_at", "done_at"),
}  # and ledger_entry.created_at, audit_log.at (hashed: below)
SNAPSHOT_INSTANTS = {"created_at", "updated_at", "status_changed_at", "imported_at", "done_at"}


# ---------------------------------------------------------------- frozen copy of data/audit.py's hashing

def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


LEDGER_HASHED = ("id", "kind", "client", "invoice", "target_invoice", "related", "amount_cents", "method",
                 "reference", "created_at")


def _ledger_row_hash(row) -> str:
    data = {name: _jsonable(getattr(row, name)) for name in LEDGER_HASHED}
    return hashlib.sha256(_canonical(data).encode()).hexdigest()


def _entry_hash(prev_hash: str, row) -> str:
    data = {"prev": prev_hash, "at": _jsonable(row.at), "user": row.user_name, "action": row.action,
            "entity": row.entity, "entity_id": row.entity_id, "before": row.before, "after": row.after,
            "row_hash": row.row_hash}
    return hashlib.sha256(_canonical(data).encode()).hexdigest()


# ---------------------------------------------------------------- the conversion

def _studio_zone(db) -> ZoneInfo:
    row = db.execute_sql("SELECT value FROM setting WHERE key = 'timezone'").fetchone()
    name = (json.loads(row[0]) if row else None) or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(f"the studio time zone '{name}' is not a known time zone; "
                           "set a name such as America/Chicago and open the studio again") from None


def _converter(zone: ZoneInfo):
    def to_utc(wall: dt.datetime | None) -> dt.datetime | None:
        if wall is None:
            return None
        return wall.replace(tzinfo=zone, fold=0).astimezone(UTC).replace(tzinfo=None)
    return to_utc


def _batches(model):
    last = 0
    while True:
        rows = list(model.select().where(model.id > last).order_by(model.id).limit(BATCH))
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _frozen(db, table: str, fields: dict):
    class Meta:
        database = db
        table_name = table
    return type(f"Frozen_{table}", (Model,), {"id": AutoField(), **fields, "Meta": Meta})


def _snapshot(text: str, to_utc) -> str:
    """A before/after snapshot with its instants converted (text that is not a snapshot stays)."""
    if not text:
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict):
        return text
    changed = False
    for key in SNAPSHOT_INSTANTS & data.keys():
        value = data[key]
        if isinstance(value, str) and len(value) > 10:
            try:
                data[key] = to_utc(dt.datetime.fromisoformat(value)).isoformat()
                changed = True
            except ValueError:
                pass
    return _canonical(data) if changed else text


def _write(db, model, rows, names) -> None:
    """UPDATE the columns ``names`` of ``rows`` (one statement run for many rows:
    peewee's bulk_update builds a CASE per column, several times slower here)."""
    fields = [model._meta.fields[name] for name in names]
    columns = ", ".join(f'"{field.column_name}" = {db.param}' for field in fields)
    sql = f'UPDATE "{model._meta.table_name}" SET {columns} WHERE "id" = {db.param}'
    params = [[field.db_value(getattr(row, field.name)) for field in fields] + [row.id] for row in rows]
    db.cursor().executemany(sql, params)


def up(migrator, db):
    to_utc = _converter(_studio_zone(db))
    for table, columns in INSTANTS.items():
        model = _frozen(db, table, {name: DateTimeField(null=True) for name in columns})
        for rows in _batches(model):
            for row in rows:
                for name in columns:
                    setattr(row, name, to_utc(getattr(row, name)))
            _write(db, model, rows, columns)

    # Ledger rows: the new hash of each row whose recorded hash it matched.
    ledger = _frozen(db, "ledger_entry", {
        "kind": CharField(), "client": IntegerField(column_name="client_id"),
        "invoice": IntegerField(column_name="invoice_id", null=True),
        "target_invoice": IntegerField(column_name="target_invoice_id", null=True),
        "related": IntegerField(column_name="related_id", null=True), "amount_cents": IntegerField(),
        "method": CharField(), "reference": CharField(), "created_at": DateTimeField()})
    rehashed = {}  # ledger id -> (hash before, hash after)
    for rows in _batches(ledger):
        for row in rows:
            before = _ledger_row_hash(row)
            row.created_at = to_utc(row.created_at)
            rehashed[row.id] = (before, _ledger_row_hash(row))
        _write(db, ledger, rows, ["created_at"])

    audit = _frozen(db, "audit_log", {
        "at": DateTimeField(), "user_name": CharField(), "action": CharField(), "entity": CharField(),
        "entity_id": IntegerField(null=True), "before": TextField(), "after": TextField(),
        "row_hash": CharField(), "prev_hash": CharField(), "hash": CharField()})
    prev_old = prev_new = GENESIS
    for rows in _batches(audit):
        for row in rows:
            old_hash = row.hash
            verified = row.prev_hash == prev_old and _entry_hash(prev_old, row) == old_hash
            row.at = to_utc(row.at)
            row.before, row.after = _snapshot(row.before, to_utc), _snapshot(row.after, to_utc)
            if row.entity == "ledger" and row.row_hash and row.entity_id in rehashed:
                before, after = rehashed[row.entity_id]
                if row.row_hash == before:
                    row.row_hash = after
            if verified:
                row.prev_hash = prev_new
                row.hash = _entry_hash(prev_new, row)
            prev_old, prev_new = old_hash, row.hash
        _write(db, audit, rows, ["at", "before", "after", "row_hash", "prev_hash", "hash"])
