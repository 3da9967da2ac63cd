"""Import Clients: the rows of a client file (read by client_files.py) into the studio.

Each row is cleaned with the client form's own rules (clients.py: the same
capitals, phones, emails and dates); a row that breaks one is rejected with
its row number and the reason, never dropped. Duplicates (the same first and
last name, or company, with the same phone, any of the three, or email) are
found against the studio's clients and within the file, from indexes in
memory built with one query, and skipped, merged or imported anyway.

The work is done in two passes so no other terminal waits while 100,000 rows
are checked: the rows are read and cleaned first (nothing is locked; worker
processes share the cleaning), then written in one transaction (clients
inserted in batches, merges written through versions.py; a client another
terminal added meanwhile is checked for duplicates there), with one audit
entry for the import and one per merged client. With a rejected row and not
``accept_valid`` nothing is written; a dry run writes everything and rolls
it back.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import itertools
import os
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from . import audit, clock, versions
from .client_files import ClientFile, Mapping, SourceRow, check_mapping, mapped, read_rows
from .clients import (
    FLAG_FIELDS,
    LISTED,
    MAX_NOTES,
    PHONE_FIELDS,
    _national,
    clean_client_fields,
    digits,
    parse_birthday,
    parse_flag,
    search_keys,
)
from .db import write_transaction
from .documents import documents_folder
from .errors import FieldErrors, ValidationError
from .models import CharField, Client, TextField, database, tuples
from .names import CAPITALIZED_FIELDS, capitalize_field
from .permissions import Permission, require
from .text import spreadsheet_cell

BATCH = 1000  # rows handed to the database at once
PROGRESS_EVERY = 500  # rows between two progress calls
CHUNK = 500  # rows a worker process cleans at a time
# Control characters (but tab and line breaks, which a cell may hold): a file
# holding them is damaged, or is not text at all.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NAME_FIELDS = ("first_name", "last_name", "company")


class Duplicates(Enum):
    """What becomes of a row that duplicates a client (or an earlier row)."""

    SKIP = "skip"
    MERGE = "merge"  # fill the client's empty fields from the row
    IMPORT = "import"  # a new client all the same


@dataclass
class Rejected:
    number: int  # the row number a spreadsheet shows
    reason: str
    values: dict[str, str]  # the row as it is in the file


@dataclass
class ImportResult:
    """What the import did or, when ``committed`` is False, would do."""

    imported: int = 0
    skipped: int = 0
    merged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (row, "Ann Lee (client #12)" or "row 7")
    committed: bool = False
    dry_run: bool = False
    first_id: int | None = None  # the clients made: ids first_id..last_id
    last_id: int | None = None


@dataclass(frozen=True)
class Source:
    """What the import's audit entry says of the file."""

    name: str
    sha256: str


# ---------------------------------------------------------------- entry points


def import_clients(
    file: ClientFile,
    mapping: Mapping,
    duplicates: Duplicates = Duplicates.SKIP,
    accept_valid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> ImportResult:
    """Import the rows of ``file`` read through ``mapping`` (see the module's docstring).

    ``progress(rows done)`` is called every few hundred rows (from the
    caller's thread: it may be a worker's). ``workers``: the processes that
    clean rows (default: one a core; 1: none, all in this process)."""
    require(Permission.IMPORT_CLIENTS)
    check_mapping(mapping, file.headers)
    source = Source(file.path.name, file_sha256(file.path))
    return import_rows(read_rows(file), mapping, source, duplicates, accept_valid, dry_run, progress, workers)


def import_rows(
    rows: Iterable[SourceRow],
    mapping: Mapping,
    source: Source,
    duplicates: Duplicates = Duplicates.SKIP,
    accept_valid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> ImportResult:
    """Import the rows of a file (as import_clients; the rows given)."""
    require(Permission.IMPORT_CLIENTS)
    plan = _plan(rows, dict(mapping), duplicates, progress, worker_count() if workers is None else workers)
    result = plan.result
    result.dry_run = dry_run
    if result.rejected and not accept_valid:
        return result  # nothing is written: the file has bad rows
    try:
        result.first_id, result.last_id = _write(plan, source, duplicates, dry_run)
    except _RolledBack:
        return result
    result.committed = True
    return result


def write_rejects(result: ImportResult, file: ClientFile, path: Path) -> Path:
    """A CSV of the rejected rows: "Row", "Reason", then the file's own columns."""
    return write_rejected_rows(result.rejected, file.headers, path)


def rejects_path(path: Path) -> Path:
    """Where an import's rejected rows go: clients.csv -> clients.rejects.csv, in the same folder."""
    return path.with_name(f"{path.stem}.rejects.csv")


def save_rejects(result: ImportResult, file: ClientFile) -> Path:
    """The rejected rows written beside the file (rejects_path), or in the
    documents folder when that folder cannot be written (a memory card, a
    read-only share). OSError when neither can."""
    beside = rejects_path(file.path)
    try:
        return write_rejects(result, file, beside)
    except OSError:
        folder = documents_folder()
        folder.mkdir(parents=True, exist_ok=True)
        return write_rejects(result, file, folder / beside.name)


def write_rejected_rows(rejected: list[Rejected], headers: Iterable[str], path: Path) -> Path:
    headers = list(headers)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # clients' personal data: owner only
    os.fchmod(descriptor, 0o600)  # also when the file was there before
    with open(descriptor, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Row", "Reason", *headers])
        for row in rejected:
            cells = (spreadsheet_cell(row.values.get(heading, "")) for heading in headers)  # never a live formula
            writer.writerow([row.number, spreadsheet_cell(row.reason), *cells])
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def column_labels(mapping: Mapping) -> dict[str, str]:
    """Client field -> the column it comes from (a full-name column names the three names)."""
    labels: dict[str, str] = {}
    for heading, target in mapping.items():
        fields = ("first_name", "middle_name", "last_name") if target == "full_name" else (target,)
        for name in fields:
            labels.setdefault(name, heading)
    return labels


# ---------------------------------------------------------------- cleaning one row


@functools.lru_cache(maxsize=100_000)
def _capitals(name: str, text: str) -> str:
    """names.capitalize_field, remembered: a file repeats first names, cities and states."""
    return capitalize_field(name, text)


def _label(name: str, labels: dict[str, str]) -> str:
    return labels.get(name) or name.replace("_", " ").capitalize()


def clean_row(fields: dict[str, str], labels: dict[str, str]) -> dict[str, Any] | str:
    """A row's client fields (as client_files.mapped gives them) cleaned as the
    client form cleans them, or the reason the row cannot be imported (every
    broken field, named by its column)."""
    clean, errors = clean_without_birthday(fields)
    return finish_row(clean, errors, fields.get("birthday"), labels, {})


def clean_without_birthday(fields: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the fields cleaned, field -> what is wrong) for every field but the
    birthday: no database is needed here, so a worker process may do it."""
    errors: dict[str, str] = {}
    text: dict[str, Any] = {}
    flags: dict[str, bool] = {}
    for name, value in fields.items():
        bad = _CONTROLS.search(value or "")
        if bad:
            errors[name] = f"holds a control character (U+{ord(bad.group()):04X}): the file may be damaged or not text."
        elif name in FLAG_FIELDS:
            try:
                flags[name] = parse_flag(value, name)
            except ValidationError as error:
                errors[name] = str(error)
        elif name != "birthday":
            text[name] = value
    try:
        clean = clean_client_fields(text, capitalize=set())
    except FieldErrors as error:
        errors.update(error.errors)
        return {}, errors
    for name in CAPITALIZED_FIELDS:
        if clean.get(name):
            clean[name] = _capitals(name, clean[name])
    return {**clean, **flags}, errors


def finish_row(
    clean: dict[str, Any],
    errors: dict[str, str],
    birthday: str | None,
    labels: dict[str, str],
    birthdays: dict[str, Any],
) -> dict[str, Any] | str:
    """The birthday (today is the studio's: from the database; each date
    written once is parsed once, in ``birthdays``), the name, and the reason if any."""
    if birthday is not None and "birthday" not in errors:
        if birthday not in birthdays:
            try:
                birthdays[birthday] = parse_birthday(birthday)
            except ValidationError as error:
                birthdays[birthday] = error
        day = birthdays[birthday]
        if isinstance(day, ValidationError):
            errors["birthday"] = str(day)
        else:
            clean["birthday"] = day
    if not errors and not any(clean.get(name) for name in NAME_FIELDS):
        errors["last_name"] = "no name: the row has no first name, last name or company."
    if errors:
        return " ".join(f"{_label(name, labels)}: {message}" for name, message in errors.items())
    return clean


# A row as a worker leaves it: (cleaned fields but the birthday, field -> what
# is wrong, the search keys, the birthday as written or None).
Prepared = tuple[dict[str, Any], dict[str, str], dict[str, str], "str | None"]


def prepare_row(values: dict[str, str], mapping: Mapping) -> Prepared:
    """The row's fields (client_files.mapped), cleaned but for the birthday, with their search keys."""
    fields = mapped(SourceRow(0, values), mapping)
    clean, errors = clean_without_birthday(fields)
    return clean, errors, {} if errors else search_keys(clean), fields.get("birthday")


def _prepare_chunk(chunk: list[dict[str, str]], mapping: Mapping) -> list[Prepared]:
    """A worker process's part: a chunk of rows."""
    return [prepare_row(values, mapping) for values in chunk]


def _prepared(rows: Iterable[SourceRow], mapping: Mapping, workers: int) -> Iterator[tuple[SourceRow, Prepared]]:
    """Each row with what prepare_row makes of it, in file order. Phones and
    emails cost ~0.2 ms a row to check: past the first chunk the rows are
    prepared by ``workers`` processes."""
    chunks = _batches_of(iter(rows), CHUNK)
    first = next(chunks, [])
    for row in first:
        yield row, prepare_row(row.values, mapping)
    if workers < 2 or len(first) < CHUNK:
        for chunk in chunks:
            for row in chunk:
                yield row, prepare_row(row.values, mapping)
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    from ..capture.importer import process_start_context

    ahead: deque[tuple[list[SourceRow], Future[list[Prepared]]]] = deque()  # a few chunks, not the file
    with ProcessPoolExecutor(max_workers=workers, mp_context=process_start_context()) as pool:
        for chunk in chunks:
            ahead.append((chunk, pool.submit(_prepare_chunk, [row.values for row in chunk], mapping)))
            if len(ahead) > 2 * workers:
                done, future = ahead.popleft()
                yield from zip(done, future.result(), strict=True)
        while ahead:
            done, future = ahead.popleft()
            yield from zip(done, future.result(), strict=True)


def _batches_of(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(itertools.islice(items, size)):
        yield batch


def worker_count() -> int:
    """Processes to clean rows: one a core, none where they cannot start: inside
    the full-screen app stderr is no file, and multiprocessing's helper would
    fail on it (capture.importer.prepare_worker_processes says more)."""
    try:
        if sys.stderr is None or sys.stderr.fileno() < 0:
            return 1
    except (AttributeError, OSError, ValueError):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# ---------------------------------------------------------------- duplicates


@dataclass(frozen=True)
class _Owner:
    """Who a name-and-contact key belongs to: a client, or a row of the file to import."""

    client_id: int | None
    row: int | None  # index into the plan's new rows
    shown: str  # "Ann Lee (client #12)" or "row 7"


def _contact_keys(clean: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(first name key, last name or company key, "p:"+phone digits or "e:"+email key)
    of a cleaned row with its search keys: what makes two rows the same person."""
    contacts = {"p:" + _national(digits(clean.get(phone, ""))) for phone in PHONE_FIELDS} - {"p:"}
    if clean["email_key"]:
        contacts.add("e:" + clean["email_key"])
    return [(clean["first_key"], clean["last_key"], contact) for contact in sorted(contacts)]


def _existing_index(after_id: int = 0) -> dict[tuple[str, str, str], _Owner]:
    """Every client's name-and-contact keys (those after ``after_id``), from one query."""
    index: dict[tuple[str, str, str], _Owner] = {}
    select = Client.select(
        Client.id,
        Client.first_key,
        Client.last_key,
        Client.phone_key,
        Client.phone2_key,
        Client.email_key,
        Client.first_name,
        Client.middle_name,
        Client.last_name,
        Client.company,
    ).where(LISTED & (Client.id > after_id))
    for client_id, first, last, phone, phone2, email, *names in tuples(select, stream=True):
        shown = " ".join(n for n in names[:3] if n) or names[3]
        owner = _Owner(client_id, None, f"{shown} (client #{client_id})")
        for contact in ("p:" + phone, "p:" + phone2, "e:" + email):
            if len(contact) > 2:
                index.setdefault((first, last, contact), owner)
    return index


def fill_empty(target: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """What merging ``row`` into ``target`` changes: each empty field of the
    target filled from the row, a flag the row turns on, the row's note
    appended when the target's notes do not hold it. A filled field is never
    overwritten."""
    changes: dict[str, Any] = {}
    for name, value in row.items():
        current = target.get(name)
        if name == "notes":
            if value and value not in (current or ""):
                changes[name] = f"{current}\n{value}" if current else value
        elif value and not current:
            changes[name] = value
    if len(changes.get("notes", "")) > MAX_NOTES:
        changes["notes"] = changes["notes"][:MAX_NOTES]
    return changes


# ---------------------------------------------------------------- the plan (pass 1: nothing written)


@dataclass
class _Plan:
    result: ImportResult
    new_rows: list[dict[str, Any] | None]  # the clients to insert, cleaned, with their search keys
    merges: dict[int, list[dict[str, Any]]]  # client id -> the rows to merge into it, in file order
    index: dict[tuple[str, str, str], _Owner]  # name-and-contact key -> the client or new row it is
    numbers: list[int]  # each new row's number in the file
    last_seen: int  # the newest client when the index was made


def _plan(
    rows: Iterable[SourceRow],
    mapping: Mapping,
    duplicates: Duplicates,
    progress: Callable[[int], None] | None,
    workers: int,
) -> _Plan:
    last_seen = Client.select(Client.id).order_by(Client.id.desc()).scalar() or 0
    index = _existing_index()
    plan = _Plan(ImportResult(), [], {}, index, [], last_seen)
    result = plan.result
    labels = column_labels(mapping)
    birthdays: dict[str, Any] = {}
    done = 0
    for done, (row, (clean, errors, keys, birthday)) in enumerate(_prepared(rows, mapping, workers), 1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
        finished = finish_row(clean, errors, birthday, labels, birthdays)
        if isinstance(finished, str):
            result.rejected.append(Rejected(row.number, finished, dict(row.values)))
            continue
        finished.update(keys)
        contacts = _contact_keys(finished)
        owner = next((index[key] for key in contacts if key in index), None)
        if owner is not None:
            result.duplicates.append((row.number, owner.shown))
        if owner is not None and duplicates is Duplicates.SKIP:
            result.skipped += 1
            continue
        if owner is not None and duplicates is Duplicates.MERGE:
            result.merged += 1
            earlier = plan.new_rows[owner.row] if owner.row is not None else None
            if earlier is not None:
                earlier.update(fill_empty(earlier, _fields_only(finished)))
                earlier.update(search_keys(earlier))
            elif owner.client_id is not None:
                plan.merges.setdefault(owner.client_id, []).append(_fields_only(finished))
        else:
            result.imported += 1
            plan.new_rows.append(finished)
            plan.numbers.append(row.number)
            owner = _Owner(None, len(plan.new_rows) - 1, f"row {row.number}")
        for key in contacts:
            index.setdefault(key, owner)
    if progress is not None:
        progress(done)
    return plan


KEY_FIELDS = ("first_key", "last_key", "email_key", "city_key", "phone_key", "phone2_key")


def _fields_only(row: dict[str, Any]) -> dict[str, Any]:
    """A row's client fields without its search keys (made again from what is merged)."""
    return {name: value for name, value in row.items() if name not in KEY_FIELDS}


# ---------------------------------------------------------------- writing (pass 2: one transaction)


class _RolledBack(Exception):
    """A dry run is over: its transaction rolls back."""


@write_transaction
def _write(plan: _Plan, source: Source, duplicates: Duplicates, dry_run: bool) -> tuple[int | None, int | None]:
    with database.atomic():
        _late_duplicates(plan, duplicates)
        first_id, last_id = _insert([row for row in plan.new_rows if row is not None])
        _merge(plan.merges)
        result = plan.result
        audit.record(
            "client.import",
            "client_import",
            None,
            None,
            {
                "file": source.name,
                "sha256": source.sha256,
                "duplicates": duplicates.value,
                "imported": result.imported,
                "skipped": result.skipped,
                "merged": result.merged,
                "rejected": len(result.rejected),
                "first_client_id": first_id,
                "last_client_id": last_id,
            },
        )
        if dry_run:
            raise _RolledBack
    return first_id, last_id


def _late_duplicates(plan: _Plan, duplicates: Duplicates) -> None:
    """The rows were checked without holding up the other terminals: a client
    one of them added meanwhile is looked at now, in the write transaction,
    and a new row that is the same person is skipped or merged into it (a
    row already moved stays moved: the transaction may run again)."""
    for key, client in _existing_index(after_id=plan.last_seen).items():
        owner = plan.index.get(key)
        row = None if owner is None or owner.row is None else plan.new_rows[owner.row]
        if owner is None or owner.row is None or row is None or duplicates is Duplicates.IMPORT:
            continue
        result = plan.result
        result.duplicates.append((plan.numbers[owner.row], client.shown))
        result.imported -= 1
        if duplicates is Duplicates.MERGE and client.client_id is not None:
            result.merged += 1
            plan.merges.setdefault(client.client_id, []).append(_fields_only(row))
        else:
            result.skipped += 1
        plan.new_rows[owner.row] = None


def _insert(rows: list[dict[str, Any]]) -> tuple[int | None, int | None]:
    """Insert the new clients (cleaned, with their search keys): a prepared
    statement run over batches of rows (peewee's insert_many writes the SQL
    of every row anew: 5 times slower at 100,000). The text is clean already;
    the other values go through their field's db_value, as peewee's would.
    Returns the first and last ids made."""
    if not rows:
        return None, None
    fields = [f for f in Client._meta.sorted_fields if f.name != "id"]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    sql = f'INSERT INTO "{Client._meta.table_name}" ({columns}) VALUES ({", ".join(database.param for _ in fields)})'
    stamp = clock.utc_now()
    defaults = {f.name: f.default() if callable(f.default) else f.default for f in fields}
    defaults.update(created_at=stamp, updated_at=stamp)
    text = {f.name for f in fields if isinstance(f, (CharField, TextField))}
    converted = {name: f.db_value for name, f in ((f.name, f) for f in fields) if name not in text}
    before = Client.select(Client.id).order_by(Client.id.desc()).scalar() or 0
    cursor = database.cursor()
    for batch in _batches(rows, BATCH):
        records = []
        for row in batch:
            values = {**defaults, **row}
            for name, db_value in converted.items():
                values[name] = db_value(values[name])
            records.append([values[f.name] for f in fields])
        cursor.executemany(sql, records)
    # (Inside the write transaction no other terminal adds a client meanwhile.)
    made = Client.select(Client.id).where(Client.id > before)
    return made.order_by(Client.id).scalar(), made.order_by(Client.id.desc()).scalar()


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _merge(merges: dict[int, list[dict[str, Any]]]) -> None:
    """Fill each duplicated client's empty fields (a versioned write, audited)."""
    for ids in _batches(list(merges), BATCH):
        for client in Client.select().where(Client.id.in_(ids)).order_by(Client.id):
            before = audit.snapshot(client)
            values: dict[str, Any] = {}
            for row in merges[client.id]:
                values.update(fill_empty({**client.__data__, **values}, row))
            if not values:
                continue
            values.update(search_keys({**client.__data__, **values}))
            versions.write_changes(client, f"{client.full_name}'s record", **values, updated_at=clock.utc_now())
            audit.record("client.import_merge", "client", client.id, before, client)
