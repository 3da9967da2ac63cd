"""`spectra migrate-to`: move a SQLite studio into an empty PostgreSQL database.

Everything happens in ONE transaction on the target (PostgreSQL's schema
changes are transactional): the schema by the same migrations the app runs,
then every table's rows with their ids, in an order the foreign keys accept,
a few thousand rows per INSERT; then each id sequence is set past its
highest id. A failure anywhere rolls it all back: the target is left empty.

The tables and their columns are read from the schema the migrations made
on the target (no list kept by hand); a source whose tables differ is
refused. Values are converted by the target column's type (SQLite keeps
booleans as 0/1, and dates and times as text). ``schema_migration`` is not
copied: the target's own migration run writes it, and the verification
compares its migrations with the source's.

The source is read in one snapshot with no other terminal holding it open
(db.use_studio_alone): a terminal writing meanwhile would be left behind on
the old file. The SQLite file is not changed: it stays as the backup of the
day of the move. A verified copy records the move in its audit log (after
the verification, so the counts compared are the source's).

The studio key stays outside the database: the studio id travels with the
rows, so this machine finds the same key. This machine's anchor of the chain
at the new place is set by a clean `spectra check` of the target
(check.run_checks); anchors it kept of a database dropped at that place
are forgotten, since the target was found empty.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from peewee import Database, PostgresqlDatabase, SqliteDatabase

from . import audit, studio_key
from .check import Violation, run_checks
from .db import (
    DatabaseError,
    StorageError,
    StudioInUse,
    close_connections,
    make_database,
    migrate_database,
    one_line,
    open_database,
    pending_migrations,
    release_studio,
    shown,
    sqlite_path,
    use_studio_alone,
)
from .errors import DomainError
from .models import database

BATCH_ROWS = 2000  # rows per INSERT statement
HISTORY_TABLE = "schema_migration"

Progress = Callable[[str, int, int], None]  # (table, rows done, rows in the table)


class MigrateRefused(DomainError):
    """The studio cannot be moved to that target (the message says why)."""


class TargetNotEmpty(MigrateRefused):
    """The target database already holds tables."""


@dataclass
class Verification:
    """The target compared with the source after the copy.

    ``counts``: table -> (rows in SQLite, rows in PostgreSQL).
    ``ledger_differences``: (client id, kind) -> (source cents, target cents),
    only where they differ. ``check_problems``: what `spectra check` found on
    the target (an unverifiable one, such as a missing key, included)."""

    counts: dict[str, tuple[int, int]]
    ledger_differences: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)
    check_problems: list[Violation] = field(default_factory=list)
    clients_compared: int = 0
    studio_id: str = ""  # its key (studio_key.py) is what another machine needs to open the copy

    @property
    def ok(self) -> bool:
        return not self.lines()

    def lines(self) -> list[str]:
        """What differs, one line each; empty when the target is the source."""
        out = [
            f"table {table}: {source} rows in SQLite, {target} in PostgreSQL"
            for table, (source, target) in self.counts.items()
            if source != target
        ]
        out += [
            f"client #{client}: {kind} entries total {source} cents in SQLite, {target} in PostgreSQL"
            for (client, kind), (source, target) in sorted(self.ledger_differences.items())
        ]
        out += [f"check on PostgreSQL: {problem}" for problem in self.check_problems]
        return out


def migrate_to(source: str | Path, target: str, progress: Progress | None = None) -> Verification:
    """Copy the SQLite studio at ``source`` into the empty PostgreSQL
    database ``target`` (a postgresql:// URL), then verify the copy. Both
    are closed afterwards; the models are bound again to what they were
    bound to before the call."""
    source_path = sqlite_path(str(source))
    if source_path is None:
        raise MigrateRefused(f"{shown(str(source))} is already on PostgreSQL: migrate-to moves a SQLite studio.")
    if sqlite_path(target) is not None:
        raise MigrateRefused(f"{shown(target)} is not a PostgreSQL URL: write postgresql://USER@HOST/DATABASE.")
    before = database.obj
    source_db = open_database(source_path, migrate=False)
    assert isinstance(source_db, SqliteDatabase)  # sqlite_path() said it is a file
    try:
        pending = pending_migrations(source_db)
        if pending:
            raise MigrateRefused(
                f"{source_path} needs upgrading first ({', '.join(pending)}): open it once with this "
                f"version (`spectra --db {source_path} check` tells when it is ready), then move it."
            )
        try:
            use_studio_alone()
        except StudioInUse as busy:
            raise StudioInUse(
                f"{busy} The move copies the studio with no other terminal open: what one wrote "
                "meanwhile would stay behind in the SQLite file."
            ) from None
        target_db = _connect_target(target)
        try:
            database.initialize(target_db)
            studio_key.forget_anchors_here()  # of a database dropped at this place: this one was found empty
            with source_db.manual_commit():
                source_db.execute_sql("BEGIN DEFERRED")  # one snapshot of the source, no write lock taken
                try:
                    _copy(source_db, target_db, target, progress)
                    verification = verify(source_db, target_db)
                    if verification.ok:
                        with target_db.atomic():
                            audit.record("studio.migrate", "studio", None, after={"from": str(source_path.resolve())})
                finally:
                    source_db.rollback()
        finally:
            close_connections(target_db)
    finally:
        source_db.close()
        release_studio()
        database.initialize(before)
    return verification


def _connect_target(target: str) -> PostgresqlDatabase:
    db = make_database(target)
    assert isinstance(db, PostgresqlDatabase)  # sqlite_path() said it is a PostgreSQL URL
    try:
        db.connect()
    except Exception as exc:
        raise DatabaseError(f"Cannot open the database {shown(target)}: {one_line(exc)}") from exc
    try:
        _refuse_non_empty(db, target)
    except Exception:  # refused, or the server failed the question: nothing of ours stays connected
        close_connections(db)
        raise
    return db


def _refuse_non_empty(db: PostgresqlDatabase, target: str) -> None:
    """Any table, view or sequence of a user in the target refuses it."""
    rows = db.execute_sql(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%' ORDER BY 1, 2"
    ).fetchall()
    if rows:
        names = [name if schema == "public" else f"{schema}.{name}" for schema, name in rows]
        studio = " (a Spectra studio)" if HISTORY_TABLE in names else ""
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise TargetNotEmpty(
            f"{shown(target)} is not empty{studio}: it holds {listed}. Move the studio into a new, empty database."
        )


def _copy(source_db: SqliteDatabase, target_db: PostgresqlDatabase, target: str, progress: Progress | None) -> None:
    with target_db.atomic():
        _run_migrations(source_db, target_db, target)
        tables = _tables_in_order(target_db)
        _refuse_other_schema(source_db, target_db, tables)
        for table in tables:
            _refuse_what_does_not_fit(source_db, target_db, table)
        for table in reversed(tables):  # what the migrations wrote (a new studio's identity) gives way to the source's
            target_db.execute_sql(f'DELETE FROM "{table}"')
        for table in tables:
            _copy_table(source_db, target_db, table, progress)
        _set_sequences(target_db, tables)


def _run_migrations(source_db: SqliteDatabase, target_db: PostgresqlDatabase, target: str) -> None:
    """The target's schema by the app's migrations. Migration 0006 gives a
    new studio an id and a key: it is handed the source's key (through
    $SPECTRA_STUDIO_KEY, for this run only) so that no key file is made for
    an identity the copy replaces."""
    studio_id = source_db.execute_sql("SELECT studio_id FROM studio_identity").fetchone()
    if studio_id is None:
        raise MigrateRefused("the source has no studio identity: open it with the app once, then move it.")
    key = studio_key.load_key(studio_id[0])  # StudioKeyMissing: no move without the key (check could not verify)
    saved = os.environ.get(studio_key.KEY_ENV)
    os.environ[studio_key.KEY_ENV] = key.hex()
    try:
        migrate_database(target_db, target)
    finally:
        if saved is None:
            os.environ.pop(studio_key.KEY_ENV, None)
        else:
            os.environ[studio_key.KEY_ENV] = saved


def _tables_in_order(db: PostgresqlDatabase) -> list[str]:
    """The studio's tables on the target, each after the tables its foreign
    keys point at (a table pointing at itself keeps its rows in id order)."""
    tables = sorted(t for t in db.get_tables() if t != HISTORY_TABLE)
    points_at: dict[str, set[str]] = {t: set() for t in tables}
    for table in tables:
        for fk in db.get_foreign_keys(table):
            if fk.dest_table != table:
                points_at[table].add(fk.dest_table)
    ordered: list[str] = []
    while points_at:
        ready = sorted(t for t, needs in points_at.items() if not needs - set(ordered))
        if not ready:
            cycle = ", ".join(sorted(points_at))
            raise MigrateRefused(f"the tables {cycle} point at each other: no order to copy them.")
        ordered += ready
        for table in ready:
            del points_at[table]
    return ordered


def _columns(db: Database, table: str) -> list[str]:
    return [column.name for column in db.get_columns(table)]


def _refuse_other_schema(source_db: SqliteDatabase, target_db: PostgresqlDatabase, tables: list[str]) -> None:
    source_tables = {t for t in source_db.get_tables() if t != HISTORY_TABLE and not t.startswith("sqlite_")}
    if source_tables != set(tables):
        extra = sorted(source_tables - set(tables)) or sorted(set(tables) - source_tables)
        raise MigrateRefused(f"the source's tables differ from this version's schema (table {extra[0]}).")
    for table in tables:
        if set(_columns(source_db, table)) != set(_columns(target_db, table)):
            raise MigrateRefused(f"the source's table {table} has other columns than this version's schema.")


INTEGER_RANGE = (-(2**31), 2**31 - 1)  # PostgreSQL's integer; SQLite's holds 64 bits


def _refuse_what_does_not_fit(source_db: SqliteDatabase, target_db: PostgresqlDatabase, table: str) -> None:
    """SQLite keeps text of any length in a varchar(n) column and any 64-bit
    number in an integer one; PostgreSQL refuses what exceeds the column.
    Named here, row and column, before anything is copied."""
    limits = target_db.execute_sql(
        "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s",
        (table,),
    ).fetchall()
    key = ",".join(target_db.get_primary_keys(table))
    for column, data_type, length in limits:
        if length is not None:
            too_much, holds = f'length("{column}") > {int(length)}', f"{length} characters"
        elif data_type == "integer":
            too_much, holds = f'"{column}" NOT BETWEEN {INTEGER_RANGE[0]} AND {INTEGER_RANGE[1]}', "32-bit numbers"
        else:
            continue
        row = source_db.execute_sql(f'SELECT "{key}" FROM "{table}" WHERE {too_much} LIMIT 1').fetchone()
        if row is not None:
            raise MigrateRefused(
                f"{table} {key} {row[0]}: its {column} does not fit PostgreSQL's column (it holds {holds}); "
                "correct it in the app, then move the studio."
            )


def _converters(db: PostgresqlDatabase, table: str) -> list[Callable | None]:
    """Per column of ``table`` (as _columns orders them), how a SQLite value
    becomes the target's: booleans from 0/1, text for dates and times
    (PostgreSQL reads SQLite's ISO text itself), bytes for binary."""
    by_type: dict[str, Callable] = {"boolean": _boolean, "bytea": _binary}
    return [by_type.get(column.data_type) for column in db.get_columns(table)]


def _boolean(value):
    return None if value is None else bool(int(value))


def _binary(value):
    return None if value is None else bytes(value if not isinstance(value, str) else value.encode())


def _copy_table(
    source_db: SqliteDatabase, target_db: PostgresqlDatabase, table: str, progress: Progress | None
) -> None:
    columns = _columns(target_db, table)
    convert = _converters(target_db, table)
    total = source_db.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    listed = ", ".join(f'"{c}"' for c in columns)
    done = 0
    if progress:
        progress(table, done, total)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for rows in _batches(source_db, f'SELECT {listed} FROM "{table}" ORDER BY rowid'):
        if any(convert):
            rows = [tuple(c(v) if c else v for c, v in zip(convert, row, strict=True)) for row in rows]
        try:
            # One INSERT of many rows, its values bound by the driver (peewee's own
            # insert_many builds the same statement at half the speed).
            values = ", ".join([row] * len(rows))
            target_db.execute_sql(f'INSERT INTO "{table}" ({listed}) VALUES {values}', [v for r in rows for v in r])
        except StorageError as exc:
            raise DatabaseError(f"copying table {table} failed, nothing was moved: {one_line(exc)}") from exc
        done += len(rows)
        if progress:
            progress(table, done, total)


def _batches(db: SqliteDatabase, query: str) -> Iterator[list[tuple]]:
    cursor = db.execute_sql(query)
    while rows := cursor.fetchmany(BATCH_ROWS):
        yield rows


def _set_sequences(db: PostgresqlDatabase, tables: list[str]) -> None:
    """Each id sequence past the highest id copied (a table left empty starts at 1)."""
    for table in [*tables, HISTORY_TABLE]:
        for column in db.get_columns(table):
            row = db.execute_sql("SELECT pg_get_serial_sequence(%s, %s)", (f'"{table}"', column.name)).fetchone()
            if row and row[0]:
                db.execute_sql(
                    f'SELECT setval(%s, coalesce((SELECT max("{column.name}") FROM "{table}"), 0) + 1, false)',
                    (row[0],),
                )


def _counts(db: Database, tables: list[str]) -> dict[str, int]:
    return {table: db.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


LEDGER_TOTALS = "SELECT client_id, kind, sum(amount_cents) FROM ledger_entry GROUP BY client_id, kind"


def _ledger_totals(db: Database) -> dict[tuple[int, str], int]:
    """Each client's ledger entries summed by kind. The ledger rows are the
    books' truth (append-only; every balance, deposit left and credit is
    derived from them by ledger.py), so the sums of the rows themselves are
    compared, kind by kind, not a derived balance in which two differences
    could cancel out."""
    return {(client, kind): int(total) for client, kind, total in db.execute_sql(LEDGER_TOTALS).fetchall()}


def verify(source_db: SqliteDatabase, target_db: PostgresqlDatabase) -> Verification:
    """Compare the target with the source (the proxy bound to the target):
    every table's rows counted, the migrations applied, the ledger totals
    per client; then `spectra check` on the target, which also sets this
    machine's anchor there when the books are clean."""
    tables = sorted({*source_db.get_tables(), *target_db.get_tables()} - {"sqlite_sequence"})
    source_tables, target_tables = set(source_db.get_tables()), set(target_db.get_tables())
    source_counts = _counts(source_db, [t for t in tables if t in source_tables])
    target_counts = _counts(target_db, [t for t in tables if t in target_tables])
    counts = {t: (source_counts.get(t, 0), target_counts.get(t, 0)) for t in tables}
    source_totals, target_totals = _ledger_totals(source_db), _ledger_totals(target_db)
    differences = {
        who: (source_totals.get(who, 0), target_totals.get(who, 0))
        for who in source_totals.keys() | target_totals.keys()
        if source_totals.get(who, 0) != target_totals.get(who, 0)
    }
    history = "SELECT name FROM schema_migration ORDER BY name"
    problems = []
    if source_db.execute_sql(history).fetchall() != [tuple(r) for r in target_db.execute_sql(history).fetchall()]:
        problems.append(Violation("schema_migration", "the target's migrations are not the source's"))
    problems += run_checks(advance_anchor=True)
    clients = len({client for client, _ in source_totals})
    identity = studio_key.StudioIdentity.select().first()
    return Verification(counts, differences, problems, clients, identity.studio_id if identity else "")
