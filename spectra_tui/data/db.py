"""Opening the studio database: SQLite file (default) or PostgreSQL URL.

SQLite is opened for several terminals at once: WAL, foreign keys on, a busy
timeout, and IMMEDIATE write transactions so two writers queue instead of
failing with "database is locked" half-way through. The schema is versioned
with peewee's migration runner; before pending migrations run on an existing
file, a copy of the file is kept beside it.
"""
import os
import sqlite3
import time
from pathlib import Path

from peewee import Database, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse.migrations import Runner

from .errors import DomainError
from .models import database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -32000,
}


class DatabaseError(DomainError):
    """The database file cannot be opened or upgraded."""


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("spectra-tui", appauthor=False) / "studio.db"


def resolve_target(target: str | os.PathLike | None) -> str:
    """--db PATH, else $SPECTRA_DB, else the user's data directory."""
    if target:
        return str(target)
    return os.environ.get("SPECTRA_DB") or str(default_db_path())


def is_url(target: str) -> bool:
    return "://" in target


def make_database(target: str, read_only: bool = False) -> Database:
    """``read_only``: a SQLite file is opened read-only and must exist
    (PostgreSQL: the reader opens READ ONLY transactions itself)."""
    if is_url(target):
        from playhouse.db_url import connect as connect_url  # only for PostgreSQL studios

        return connect_url(target)
    path = Path(target).expanduser()
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder; give the path of a database file.")
    if read_only:
        if not path.is_file():
            raise DatabaseError(f"There is no studio database at {path}.")
        return SqliteDatabase(path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False, timeout=10,
                              pragmas={k: v for k, v in SQLITE_PRAGMAS.items() if k != "journal_mode"})
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Owner-only from the first byte: client records are personal data.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    return SqliteDatabase(
        str(path),
        pragmas=SQLITE_PRAGMAS,
        lock_type="IMMEDIATE",
        check_same_thread=False,
        timeout=10,
    )


def open_database(target: str | os.PathLike | None = None, migrate: bool = True, read_only: bool = False) -> Database:
    """Bind the models to the database at ``target`` and bring its schema up
    to date (``read_only``: open it as it is, without migrating)."""
    target = resolve_target(target)
    db = make_database(target, read_only)
    database.initialize(db)
    try:
        _connect(db)
        if isinstance(db, SqliteDatabase):
            _check_sqlite_file(db, target)
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 - any driver error, reported readably
        raise DatabaseError(f"Cannot open the database {target}: {exc}") from exc
    if migrate and not read_only:
        migrate_database(db, target)
    return db


def _connect(db: Database, attempts: int = 20) -> None:
    """Connect, waiting out a terminal that is switching a new file to WAL.

    SQLite answers "database is locked" at once (without the busy timeout)
    when the journal mode is being changed by another connection; that lasts
    a moment, so try again briefly before giving up."""
    for attempt in range(attempts):
        try:
            db.connect(reuse_if_open=True)
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            if not db.is_closed():
                db.close()
            time.sleep(0.1)


def _check_sqlite_file(db: SqliteDatabase, target: str) -> None:
    try:
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as exc:  # noqa: BLE001
        raise DatabaseError(f"{target} is not a Spectra database (or it is damaged): {exc}") from exc


def pending_migrations(db: Database) -> list[str]:
    runner = Runner(db, directory=str(MIGRATIONS_DIR))
    applied = runner.applied()
    return [m.name for m in runner.migrations() if m.name not in applied]


def migrate_database(db: Database, target: str) -> list[str]:
    """Run pending migrations; keep a copy of an existing SQLite file first."""
    pending = pending_migrations(db)
    if not pending:
        return []
    runner = Runner(db, directory=str(MIGRATIONS_DIR))
    has_data = bool(runner.applied())
    if not has_data and isinstance(db, SqliteDatabase):
        others = [t for t in db.get_tables() if t != runner.table_name and not t.startswith("sqlite_")]
        # Re-read the history after listing the tables: another terminal may have
        # just created the schema (its tables and history commit together).
        if others and not runner.applied():  # never write the studio's tables into another program's file
            raise DatabaseError(f"{target} is a database of another program (it has tables such as "
                                f"'{others[0]}' but no Spectra schema); choose another file.")
    if has_data and isinstance(db, SqliteDatabase) and not is_url(target):
        backup_sqlite(db, _unused_name(f"{target}.before-{pending[0]}"))
    try:
        return runner.up()
    except Exception as exc:  # noqa: BLE001
        # Two terminals opening the same file at the same moment both see the
        # migrations pending; the second one's run fails on a migration the
        # first has just applied (each migration is one transaction, so the
        # failed one leaves nothing behind). Then wait for the first to finish.
        if _another_terminal_upgrades(db, pending):
            return []
        raise DatabaseError(f"Cannot upgrade the database {target} ({', '.join(pending)}): {exc}") from exc


def _another_terminal_upgrades(db: Database, pending: list[str], patience: float = 15.0) -> bool:
    """After a failed run: True once nothing is pending, when some of
    ``pending`` was applied meanwhile (another terminal is upgrading); False
    at once when nothing moved (the migration itself failed)."""
    deadline = time.monotonic() + patience
    while True:
        still = pending_migrations(db)
        if not still:
            return True
        if set(still) == set(pending) or time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def _unused_name(path: str) -> str:
    """``path``, or ``path.2``, ``path.3``... : an earlier backup is never overwritten."""
    candidate, n = path, 1
    while os.path.exists(candidate):
        n += 1
        candidate = f"{path}.{n}"
    return candidate


def backup_sqlite(db: SqliteDatabase, destination: str) -> str:
    """A consistent copy of a live SQLite file (sqlite3's online backup API)."""
    dest = sqlite3.connect(destination)
    try:
        db.connection().backup(dest)
    finally:
        dest.close()
    os.chmod(destination, 0o600)
    return destination


def close_database() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)

