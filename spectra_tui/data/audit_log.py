"""Reading the audit log (a manager or the owner): filtered, paged, and each
entry's before and after as field-level changes people can read.

Filters are typed the way people say them: a user by user name, initials or
full name; a record as "invoice 1001" (with the money entries on it), "E12",
"session 1004", "client Ann Lee" (or just a client's name), "payment 37",
"task 3"; an action exactly
("invoice.void") or a family ("ledger" or "ledger." is every ledger.*); and
studio days (data/when.py) turned into UTC instants at the studio's midnights.

A studio writes hundreds of thousands of entries: a page comes from SQL,
newest first in the order the entries were written (``id``, the chain's own
order; ``at`` follows the clock of the terminal that wrote it), after the
previous page's last id (a keyset on the primary key). The table has no
other index: at 310,000 entries (250 MB) the first page takes 5 ms with no
filter or a common one, but 0.2-0.35 s when few entries match (one record,
one day long ago), which reads the whole table; the screen fetches in a
worker thread. An index on (entity, entity_id, id) would make a record's
history instant (a migration: the lead's call).

No secret shows: fields in audit.NEVER_AUDITED, or named like a password,
are left out of the changes even if an old entry holds them, and a value
that looks like a password hash is masked.
"""

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from peewee import JOIN

from . import clock
from .audit import NEVER_AUDITED
from .clients import ClientQuery, search_clients
from .errors import DomainError, NotFound, ValidationError
from .invoices import get_invoice
from .models import (
    AuditLog,
    Client,
    Holiday,
    Invoice,
    LedgerEntry,
    Message,
    MessageTemplate,
    PriceItem,
    PriceList,
    Room,
    Session,
    SessionImage,
    SessionType,
    Task,
    User,
)
from .money import format_money
from .permissions import Permission, require
from .users import SYSTEM_NAME, find_user
from .when import clock as clock_time
from .when import parse_day_range

PAGE_LIMIT = 500
COUNT_CAP = 10000
RECORD_EXAMPLES = "'invoice 1001', 'E12', 'session 1004' or 'payment 37'"

# What people type for a kind of record -> the entity the log names it by.
ENTITY_WORDS = {
    "invoice": "invoice",
    "inv": "invoice",
    "estimate": "invoice",
    "est": "invoice",
    "session": "session",
    "client": "client",
    "appointment": "appointment",
    "appt": "appointment",
    "payment": "ledger",
    "ledger": "ledger",
    "money": "ledger",
    "user": "user",
    "staff": "user",
    "task": "task",
    "holiday": "holiday",
    "setting": "setting",
    "settings": "setting",
    "session_type": "session_type",
    "price_item": "price_item",
    "price_list": "price_list",
    "image": "session_image",
    "session_image": "session_image",
    "room": "room",
    "message": "message",
    "template": "message_template",
    "message_template": "message_template",
}
# Fields that hold the id of another record (in the snapshots of every model).
REFERENCES = {
    "client": "client",
    "bill_to": "client",
    "session": "session",
    "invoice": "invoice",
    "target_invoice": "invoice",
    "source": "invoice",
    "photographer": "user",
    "staff": "user",
    "assigned_to": "user",
    "session_type": "session_type",
    "room": "room",
    "item": "price_item",
    "package": "price_item",
    "price_list": "price_list",
    "related": "ledger",
}
# Fields that hold an instant (naive UTC, see clock.py): shown in the studio's zone.
INSTANTS = frozenset(
    {"created_at", "updated_at", "status_changed_at", "done_at", "imported_at", "last_failed_at", "locked_until"}
)
# versions.py's bookkeeping; the id (the record itself); a client's search keys (made from the fields shown)
HIDDEN_FIELDS = frozenset(
    {"version", "id", "first_key", "last_key", "email_key", "city_key", "phone_key", "phone2_key"}
)
SECRET_NAME = re.compile(r"password|passwd|secret|(^|_)pin($|_)|hash", re.IGNORECASE)
SECRET_VALUE = re.compile(r"^\$argon2|^\$2[aby]\$|^\$scrypt\$|^pbkdf2")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
_ACTION = re.compile(r"^[a-z_][a-z0-9_.]*$")


@dataclass(frozen=True)
class AuditQuery:
    """What the audit log is filtered by (empty: everything)."""

    user_name: str = ""
    entity: str = ""
    entity_id: int | None = None
    action: str = ""  # exact; "x." is every action starting with "x."
    start: dt.datetime | None = None  # UTC instant, included
    end: dt.datetime | None = None  # UTC instant, excluded
    record: str = ""  # the record as found ("Invoice 1001"), for the screen to say


@dataclass(frozen=True)
class AuditRow:
    """One entry as the list shows it."""

    entry: AuditLog
    when: dt.datetime  # the studio's wall time
    record: str  # "Invoice 1001", "Client Ann Lee", "Payment 37 · invoice 1002"


@dataclass(frozen=True)
class Change:
    """One field of an entry: what it was and what it became ("" for none)."""

    field: str
    before: str
    after: str


# ---------------------------------------------------------------- the filters


def read_filters(
    user: str = "", record: str = "", action: str = "", day_from: str = "", day_to: str = ""
) -> AuditQuery:
    """The filters as typed: an AuditQuery, or a ValidationError naming its
    field ("user", "record", "action", "from" or "to")."""
    require(Permission.READ_AUDIT_LOG)
    user_name = read_user(user)  # (read in the order of the fields: the first mistake is said)
    entity, entity_id, found = read_record(record)
    action_typed = read_action(action)
    first, last = parse_day_range(day_from, day_to)
    if first and last and first > last:
        raise ValidationError(f"From ({first:%m/%d/%Y}) is after To ({last:%m/%d/%Y}).", "to")
    return AuditQuery(
        user_name=user_name,
        entity=entity,
        entity_id=entity_id,
        action=action_typed,
        start=day_start(first) if first else None,
        end=day_start(last + dt.timedelta(days=1)) if last else None,
        record=found,
    )


def day_start(day: dt.date) -> dt.datetime:
    """The UTC instant the studio's ``day`` begins (its midnight; on a day whose
    midnight the clocks skip, the moment they jump)."""
    return clock.to_utc(dt.datetime.combine(day, dt.time(0, 0)))


def read_user(text: str) -> str:
    """The user name entries are written with, from a user name, initials or full name."""
    typed = (text or "").strip()
    if not typed:
        return ""
    if typed.lower() == SYSTEM_NAME:
        return SYSTEM_NAME
    try:
        return find_user(typed, include_disabled=True).username
    except NotFound as error:
        raise ValidationError(f"User: {error}", "user") from None


def read_action(text: str) -> str:
    """An exact action, or a family: "ledger", "ledger." and "ledger.*" are all
    "ledger." (every ledger action); "invoice.void" is that one."""
    typed = (text or "").strip().lower().rstrip("*")
    if not typed:
        return ""
    if not _ACTION.match(typed):
        raise ValidationError(
            f"Action: '{text.strip()[:40]}' is not an action; type one such as 'invoice.void', or 'ledger' for all "
            "of the ledger's.",
            "action",
        )
    return typed


def read_record(text: str) -> tuple[str, int | None, str]:
    """(entity, id or None, the record's name) from what was typed; ("", None, "") for nothing."""
    typed = " ".join((text or "").split())
    if not typed:
        return "", None, ""
    word, _, rest = typed.partition(" ")
    kind = ENTITY_WORDS.get(word.lower().rstrip(":#"))
    if kind is None and re.fullmatch(r"[eE]\d+", typed):
        kind, rest = "invoice", typed  # E12: estimate 12
    if kind is None and typed.replace("_", " ").lower() in ("session type", "price item"):
        kind, rest = typed.replace(" ", "_").lower(), ""
    try:
        if kind is None:
            return _client_by_name(typed)
        rest = rest.strip().lstrip("#").strip()
        if kind == "invoice" and rest:
            number = rest if word.lower() not in ("estimate", "est") or rest.upper().startswith("E") else f"E{rest}"
            invoice = get_invoice(number)
            return "invoice", invoice.id, _label("invoice", invoice)
        if kind == "session" and rest:
            session = _session_by_number(rest)
            return "session", session.id, f"Session {session.number}"
        if kind == "client" and rest and not rest.isdecimal():
            return _client_by_name(rest)
        if kind == "user" and rest and not rest.isdecimal():
            user = find_user(rest, include_disabled=True)
            return "user", user.id, _label("user", user)
        if not rest:
            return kind, None, f"every {kind.replace('_', ' ')}"
        if not rest.isdecimal() or len(rest) > 12:
            raise ValidationError(f"'{rest[:40]}' is not a number: type the record like {RECORD_EXAMPLES}.")
        entity_id = int(rest)
        return kind, entity_id, record_labels([(kind, entity_id)])[(kind, entity_id)]
    except DomainError as error:
        raise ValidationError(f"Record: {error}", "record") from None


def _session_by_number(text: str) -> Session:
    if not text.isdecimal() or len(text) > 12:
        raise ValidationError(f"'{text[:40]}' is not a session number.")
    session = Session.get_or_none(Session.number == int(text))
    if session is None:
        raise NotFound(f"There is no session number {text}.")
    return session


def _client_by_name(name: str) -> tuple[str, int | None, str]:
    found = search_clients(ClientQuery(name=name), limit=4)
    if not found:
        raise NotFound(f"No client is called '{name[:40]}'; or type a record like {RECORD_EXAMPLES}.")
    exact = [client for client in found if client.full_name.lower() == name.lower()]
    if len(found) > 1 and len(exact) != 1:
        names = ", ".join(client.full_name for client in found[:3])
        raise ValidationError(f"'{name[:40]}' could be {names}{'…' if len(found) > 3 else ''}: type more of the name.")
    client = exact[0] if exact else found[0]
    return "client", client.id, f"Client {client.full_name}"


# ---------------------------------------------------------------- the pages


def _where(query: AuditQuery) -> list:
    conditions = []
    if query.user_name:
        conditions.append(AuditLog.user_name == query.user_name)
    if query.entity == "invoice" and query.entity_id is not None:
        conditions.append(_invoice_and_its_money(query.entity_id))
    elif query.entity:
        conditions.append(AuditLog.entity == query.entity)
        if query.entity_id is not None:
            conditions.append(AuditLog.entity_id == query.entity_id)
    if query.action.endswith("."):
        conditions.append(_starts_with(query.action))
    elif query.action:
        conditions.append((AuditLog.action == query.action) | _starts_with(query.action + "."))
    if query.start is not None:
        conditions.append(AuditLog.at >= query.start)
    if query.end is not None:
        conditions.append(AuditLog.at < query.end)
    return conditions


def _invoice_and_its_money(invoice_id: int):
    """The invoice's own entries and those of the money entries on it
    (payments, deposits applied, refunds, transfers in and out, their voids)."""
    money = LedgerEntry.select(LedgerEntry.id).where(
        (LedgerEntry.invoice == invoice_id) | (LedgerEntry.target_invoice == invoice_id)
    )
    voids = LedgerEntry.select(LedgerEntry.id).where(LedgerEntry.related.in_(money))
    return ((AuditLog.entity == "invoice") & (AuditLog.entity_id == invoice_id)) | (
        (AuditLog.entity == "ledger") & (AuditLog.entity_id.in_(money) | AuditLog.entity_id.in_(voids))
    )


def _starts_with(prefix: str):
    """action starts with ``prefix`` (ASCII: the checked action names), as a
    range any database compares the same way."""
    return (AuditLog.action >= prefix) & (AuditLog.action < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _select(query: AuditQuery):
    select = AuditLog.select()
    for condition in _where(query):
        select = select.where(condition)
    return select


def search(query: AuditQuery, limit: int = 50, after: AuditRow | None = None) -> list[AuditRow]:
    """One page of entries, newest first; ``after`` is the previous page's last row."""
    require(Permission.READ_AUDIT_LOG)
    select = _select(query)
    if after is not None:
        select = select.where(AuditLog.id < after.entry.id)
    entries = list(select.order_by(AuditLog.id.desc()).limit(max(1, min(limit, PAGE_LIMIT))))
    labels = record_labels((entry.entity, entry.entity_id) for entry in entries)
    return [
        AuditRow(entry, clock.to_local(entry.at), labels.get((entry.entity, entry.entity_id), "")) for entry in entries
    ]


def count(query: AuditQuery, cap: int = COUNT_CAP) -> int:
    """How many entries match, counted up to ``cap``."""
    require(Permission.READ_AUDIT_LOG)
    return _select(query).select(AuditLog.id).limit(cap).count()


# ---------------------------------------------------------------- records by name

_MODELS: dict[str, Any] = {  # (the models all have an integer ``id``)
    "client": Client,
    "session": Session,
    "invoice": Invoice,
    "ledger": LedgerEntry,
    "user": User,
    "task": Task,
    "holiday": Holiday,
    "session_type": SessionType,
    "price_item": PriceItem,
    "price_list": PriceList,
    "room": Room,
    "session_image": SessionImage,
    "message": Message,
    "message_template": MessageTemplate,
}


def _label(entity: str, row: Any) -> str:
    if entity == "invoice":
        return f"{'Estimate' if row.series == 'estimate' else 'Invoice'} {row.display_number}"
    if entity == "session":
        return f"Session {row.number}"
    if entity == "client":
        return f"Client {row.full_name}"
    if entity == "user":
        return f"User {row.username} ({row.full_name})"
    if entity == "ledger":
        kind = row.kind.replace("_", " ").capitalize()
        number = row.invoice.display_number if row.invoice_id is not None else ""
        return f"{kind} {row.id}" + (f" · invoice {number}" if number else "")
    if entity == "task":
        return f"Task {row.id} · {row.title}"
    if entity == "holiday":
        return f"Holiday {row.day:%m/%d/%Y} {row.name}"
    if entity == "session_type":
        return f"Session type {row.name}"
    if entity == "price_item":
        return f"Price item {row.code} {row.name}"
    if entity == "room":
        return f"Room {row.name}"
    if entity == "message":
        return f"Message {row.id} · {row.channel} to {row.client.full_name}"
    if entity == "message_template":
        return f"Template {row.name}"
    if entity == "session_image":
        return f"Image {row.number} · session {row.session.number}"
    return f"{entity.replace('_', ' ').capitalize()} {row.id}"


def _with_names(entity: str) -> Any:
    """The rows of ``entity`` with what their names need (a payment its invoice's number)."""
    if entity == "ledger":
        return LedgerEntry.select(LedgerEntry, Invoice).join(Invoice, JOIN.LEFT_OUTER, on=LedgerEntry.invoice)
    if entity == "session_image":
        return SessionImage.select(SessionImage, Session).join(Session)
    return _MODELS[entity].select()


def record_labels(records: Iterable[tuple[str, int | None]]) -> dict[tuple[str, int | None], str]:
    """(entity, id) -> what the record is called ("Invoice 1001"): one query per
    kind of record; a record since deleted is named by its kind and id."""
    wanted: dict[str, set[int]] = defaultdict(set)
    labels: dict[tuple[str, int | None], str] = {}
    for entity, entity_id in records:
        if entity_id is None:
            labels[(entity, None)] = entity.replace("_", " ").capitalize()
        elif entity in _MODELS:
            wanted[entity].add(entity_id)
        labels.setdefault((entity, entity_id), f"{entity.replace('_', ' ').capitalize()} {entity_id}")
    for entity, ids in wanted.items():
        for row in _with_names(entity).where(_MODELS[entity].id.in_(sorted(ids))):
            labels[(entity, row.id)] = _label(entity, row)
    return labels


# ---------------------------------------------------------------- the changes


def changes(entry: AuditLog) -> list[Change]:
    """The entry's fields that differ between before and after, readable:
    amounts as money, instants in the studio's time, ids as the records they
    name; nothing secret. A new record shows each field it was given a value."""
    require(Permission.READ_AUDIT_LOG)
    before, after = _flat(_loads(entry.before)), _flat(_loads(entry.after))
    fields = [
        name
        for name in list(before) + [name for name in after if name not in before]
        if before.get(name) != after.get(name) and _shown(name)
    ]
    references = [
        (REFERENCES[_last(name)], value)
        for name in fields
        for value in (before.get(name), after.get(name))
        if _last(name) in REFERENCES and isinstance(value, int) and not isinstance(value, bool)
    ]
    names = record_labels(references)
    shown = [
        Change(_field_name(name), _readable(name, before.get(name), names), _readable(name, after.get(name), names))
        for name in fields
    ]
    return [change for change in shown if change.before != change.after]


def _loads(text: str) -> dict:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {"text": text}
    return data if isinstance(data, dict) else {"value": data}


def _flat(data: dict, prefix: str = "") -> dict[str, Any]:
    """Nested dicts ("line" of invoice.line_add) as "line.description" etc."""
    flat: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _field_name(name: str) -> str:
    """ "line.unit_price_cents" -> "line › unit price" (amounts are shown as money)."""
    return " › ".join(part.removesuffix("_cents").replace("_", " ") for part in name.split("."))


def _last(name: str) -> str:
    return name.rpartition(".")[2]


def _shown(name: str) -> bool:
    field = _last(name)
    return field not in NEVER_AUDITED and field not in HIDDEN_FIELDS and not SECRET_NAME.search(field)


def _readable(name: str, value: Any, names: dict) -> str:
    field = _last(name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and SECRET_VALUE.match(value):
        return "(hidden)"
    if field.endswith("_cents") and isinstance(value, int):
        return format_money(value)
    if field in REFERENCES and isinstance(value, int):
        return names.get((REFERENCES[field], value), str(value))
    if field == "tax_rate" and isinstance(value, (str, int, float)):
        return _percent(str(value))
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        moment = dt.datetime.fromisoformat(value)
        if field in INSTANTS:
            moment = clock.to_local(moment)
        return f"{moment:%m/%d/%Y} {clock_time(moment)}"
    if isinstance(value, str) and _ISO_DATE.match(value):
        return f"{dt.date.fromisoformat(value):%m/%d/%Y}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _percent(text: str) -> str:
    try:
        rate = Decimal(text)
    except InvalidOperation:
        return text
    return f"{(rate * 100).normalize():f}%"
