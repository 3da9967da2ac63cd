"""Opening the studio database: SQLite file (default) or PostgreSQL URL.

SQLite is opened for several terminals at once: WAL, foreign keys on, a busy
timeout, and IMMEDIATE write transactions so two writers queue instead of
failing with "database is locked" half-way through (and take their turn from
a flock, StudioSqliteDatabase, so none waits out the timeout); PostgreSQL writers queue
on one writer lock (StudioPostgresqlDatabase), and a service call the server
aborts for a deadlock or serialization failure runs again (write_transaction).
A new studio is made only when asked (``create``); a mistyped path is refused.
The schema is versioned with peewee's migration runner; before pending
migrations run on an existing file, a copy of the file is kept beside it, and
a studio upgraded by a newer program is refused.
"""

import functools
import os
import random
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit, urlunsplit

from peewee import Database, OperationalError, PeeweeException, PostgresqlDatabase, SqliteDatabase
from peewee import DatabaseError as PeeweeDatabaseError
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase

from .errors import DomainError
from .models import BaseModel, database

# What the database driver raises (locked by another terminal for too long,
# disk full, connection lost): screens catch it from here, so no screen
# imports the driver's library.
StorageError = PeeweeDatabaseError

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows: SQLite's own lock alone
    fcntl = None

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


class NoStudio(DatabaseError):
    """The target holds no studio (and none was asked to be made)."""


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


POSTGRES_SCHEMES = ("postgresql", "postgres")


def shown(target: str) -> str:
    """``target`` as it may appear in a message: a URL without its password,
    control characters escaped."""
    if not target.isprintable():
        return repr(target)
    if not is_url(target):
        return target
    parts = urlsplit(target)
    if parts.password is None:
        return target
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def sqlite_path(target: str) -> Path | None:
    """The file of a SQLite studio (a plain path or ``sqlite:///path``, as
    peewee's URLs read it), or None for a PostgreSQL URL; anything else is
    refused in one line."""
    if not is_url(target):
        if not target.strip() or "\0" in target:
            raise DatabaseError(f"{target!r} is not a database path or URL.")
        return Path(target).expanduser()
    parts = urlsplit(target)
    if parts.scheme == "sqlite":
        if not parts.path[1:]:
            raise DatabaseError(f"{shown(target)} names no file: write sqlite:///PATH.")
        return Path(parts.path[1:]).expanduser()
    if parts.scheme in POSTGRES_SCHEMES:
        if not parts.path[1:]:
            raise DatabaseError(f"{shown(target)} names no database: write postgresql://USER@HOST/DATABASE.")
        return None
    raise DatabaseError(
        f"{shown(target)} is neither a SQLite file (a path, or sqlite:///PATH) "
        "nor a PostgreSQL URL (postgresql://USER@HOST/DATABASE)."
    )


def make_folders(folder: Path) -> None:
    """Create ``folder`` and any missing parent, each owner-only (0700)
    whatever the umask; folders that already exist are left as they are."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)


class StudioSqliteDatabase(SqliteDatabase):
    """SQLite whose writers queue in turn.

    BEGIN IMMEDIATE alone makes a waiting writer poll (SQLite's busy handler
    sleeps up to 100 ms between tries), and under steady load from many
    terminals one writer could lose every try for the whole busy timeout
    ("database is locked": 19 times in 8 writers x 60 s). So a write
    transaction first takes an exclusive flock on FILE-writer (0600, beside
    the file), which the kernel gives to a blocked waiter the moment it is
    released; BEGIN IMMEDIATE follows as before and still holds off programs
    that do not take the flock. Each thread's connection has its own."""

    _lock_type: str  # the default of begin(), set by SqliteDatabase (missing from peewee's stubs)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writer = threading.local()

    def begin(self, lock_type=None):
        queued = (lock_type or self._lock_type) in ("IMMEDIATE", "EXCLUSIVE") and self._take_writer_turn()
        try:
            super().begin(lock_type)
        except BaseException:
            if queued:
                self._end_writer_turn()
            raise

    def commit(self):
        try:
            super().commit()
        finally:
            self._end_writer_turn()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._end_writer_turn()

    def _close(self, conn):
        fd, self._writer.fd, self._writer.held = getattr(self._writer, "fd", None), None, False
        if fd is not None:
            os.close(fd)  # also releases the flock
        super()._close(conn)  # type: ignore[misc]  # Database._close is missing from peewee's stubs

    def _take_writer_turn(self) -> bool:
        if fcntl is None:
            return False
        fd = getattr(self._writer, "fd", None)
        if fd is None:
            try:
                fd = os.open(f"{self.database}-writer", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:  # e.g. a read-only folder: SQLite's own lock alone
                return False
            self._writer.fd = fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        self._writer.held = True
        return True

    def _end_writer_turn(self) -> None:
        if fcntl is not None and getattr(self._writer, "held", False):
            self._writer.held = False
            fcntl.flock(self._writer.fd, fcntl.LOCK_UN)


WRITER_LOCK_KEY = 0x5350454354524131  # "SPECTRA1": the studio's writer lock (advisory locks are per database)


class StudioPostgresqlDatabase(PooledPostgresqlDatabase):
    """PostgreSQL with one lock order for every writer, and pooled connections.

    Each transaction first takes the studio's writer lock (an advisory lock
    held until commit or rollback), so writers queue there, as SQLite's
    IMMEDIATE transactions make them queue, and never hold some rows while
    waiting for others (the counter and invoice rows taken in opposite orders
    deadlocked). A transaction begun with an explicit isolation level (a
    snapshot read, such as ``spectra check``) does not take it.

    The screens run each query on a worker thread of its own, and peewee's
    connections are per thread: without the pool every keystroke of a search
    opened a new server connection (about 5 ms, more than the query). A
    closed connection goes back to the pool; ``close_connections`` really
    closes them all. (Textual's thread workers run on a pool of threads that
    live on, each keeping its connection; a thread of its own that ended
    without closing its connection would hold it for good: the pool closes
    such connections when it next hands one out.)"""

    IDLE_KEPT = 2  # idle connections kept for reuse: one search at a time needs one; the server's slots are shared

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._holders: dict[int, threading.Thread] = {}  # connection key -> the thread it was handed to

    def begin(self, isolation_level=None):
        super().begin(isolation_level)
        if isolation_level is None:
            self.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK_KEY,))

    def _connect(self):
        with self._pool_lock:
            self._close_orphans()
            conn = super()._connect()
            self._holders[self.conn_key(conn)] = threading.current_thread()
            return conn

    def _close(self, conn, close_conn=False):
        with self._pool_lock:  # a connection given back beyond IDLE_KEPT idle ones is closed
            super()._close(conn, close_conn or len(self._connections) >= self.IDLE_KEPT)

    def _close_orphans(self) -> None:
        """Close the connections still handed out to threads that have ended
        (closed, not reused: the thread may have ended inside a transaction)."""
        for key, thread in list(self._holders.items()):
            if not thread.is_alive():
                del self._holders[key]
                orphan = self._in_use.pop(key, None)
                if orphan is not None:
                    self._close_raw(orphan.connection)


def make_database(target: str, create: bool = False, read_only: bool = False) -> Database:
    path = sqlite_path(target)
    if path is None:
        from playhouse.db_url import parseresult_to_dict  # only for PostgreSQL studios

        # No cap (a worker thread holds a connection for its query only); one older than 5 minutes is not reused.
        return StudioPostgresqlDatabase(
            max_connections=None, stale_timeout=300, **parseresult_to_dict(urlsplit(target))
        )
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder; give the path of a database file.")
    if read_only:  # `spectra check`: the file as it is, never written (no header, no WAL switch)
        if not path.is_file() or path.stat().st_size == 0:
            raise NoStudio(no_studio_message(target))
        return SqliteDatabase(
            path.resolve().as_uri() + "?mode=ro",
            uri=True,
            check_same_thread=False,
            timeout=10,
            pragmas={k: v for k, v in SQLITE_PRAGMAS.items() if k != "journal_mode"},
        )
    if not create and (not path.exists() or path.stat().st_size == 0):  # opening would write a header
        raise NoStudio(no_studio_message(target))
    if not path.exists():
        make_folders(path.parent)
        # Owner-only from the first byte: client records are personal data.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    return StudioSqliteDatabase(
        str(path),
        pragmas=SQLITE_PRAGMAS,
        lock_type="IMMEDIATE",
        check_same_thread=False,
        timeout=10,
    )


def no_studio_message(target: str) -> str:
    where = shown(target)
    return f"no studio at {where}; `spectra init --db {where}` makes a new one, `spectra demo --db {where}` a demo."


def open_database(
    target: str | os.PathLike | None = None,
    migrate: bool = True,
    create: bool = False,
    must_be_new: bool = False,
    read_only: bool = False,
) -> Database:
    """Bind the models to the studio at ``target`` and bring its schema up to date.

    Only with ``create`` is a new studio made where there is none (folders,
    file, schema); otherwise a missing file or an empty database is refused,
    so a mistyped path never opens an empty studio. ``must_be_new`` refuses
    an existing studio (`spectra init`). A studio upgraded by a newer program
    is refused too. ``read_only`` (`spectra check`): the studio as it is, a
    SQLite file opened read-only, nothing migrated."""
    target = resolve_target(target)
    db = make_database(target, create, read_only)
    if isinstance(db, StudioSqliteDatabase):
        hold_studio_open(Path(db.database))
    database.initialize(db)
    try:
        _connect(db)
        if isinstance(db, SqliteDatabase):
            _check_sqlite_file(db, target)
        applied = Runner(db, directory=str(MIGRATIONS_DIR)).applied()
    except DomainError:
        raise
    except Exception as exc:
        if sqlite_damage(exc):
            raise DatabaseError(damaged_message(target, exc)) from exc
        raise DatabaseError(f"Cannot open the database {shown(target)}: {one_line(exc)}") from exc
    if not applied and not create:
        _refuse_another_program(db, target)
        raise NoStudio(no_studio_message(target))
    if applied and must_be_new:
        raise DatabaseError(f"there is already a studio at {shown(target)}; init only makes a new one.")
    refuse_newer_schema(applied)
    if migrate and not read_only:
        migrate_database(db, target)
    return db


OPEN_LOCK_SUFFIX = ".open"
OPEN_LOCK_PATIENCE = 30.0  # seconds a terminal waits for a restore to finish putting the backup in place


class StudioInUse(DatabaseError):
    """Other terminals have the studio open (a restore must wait for them to close)."""


_open_lock: dict[str, object] = {}  # this process's hold on the studio it has open: "fd", "path"


def open_lock_path(path: Path) -> Path:
    return Path(f"{path}{OPEN_LOCK_SUFFIX}")


def hold_studio_open(path: Path) -> None:
    """Mark the studio at ``path`` as open in this process: a shared flock on
    "<db>.open" (0600, kept), held until another studio is opened, the
    database closed or the process ends (the kernel drops it even after a
    SIGKILL). A restore takes it exclusively (``use_studio_alone``); while
    it replaces the file, this waits for it (up to OPEN_LOCK_PATIENCE)."""
    release_studio()
    if fcntl is None:
        return
    try:
        fd = os.open(open_lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # e.g. a read-only folder: nothing to restore there either
        return
    deadline = time.monotonic() + OPEN_LOCK_PATIENCE
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise DatabaseError(f"{path} is being restored from a backup; try again in a moment.") from None
            time.sleep(0.1)
    _open_lock.update(fd=fd, path=path)


def release_studio() -> None:
    fd = _open_lock.pop("fd", None)
    _open_lock.pop("path", None)
    if isinstance(fd, int):
        os.close(fd)  # releases the flock


def use_studio_alone() -> None:
    """Turn this process's hold on the open studio into an exclusive one,
    without waiting: StudioInUse when any other terminal has it open. Given
    back by opening the studio again (``open_database``) or ``release_studio``."""
    fd, path = _open_lock.get("fd"), _open_lock.get("path")
    if fcntl is None or not isinstance(fd, int) or not isinstance(path, Path):
        raise StudioInUse("this terminal cannot tell whether other terminals have the studio open.")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fcntl.flock(fd, fcntl.LOCK_SH)  # a failed conversion dropped the shared lock: take it back
        others = _other_holders(fd)
        if others == 1:
            raise StudioInUse("1 other terminal has the studio open; close it first.") from None
        who = f"{others} other terminals" if others else "other terminals"  # (uncounted where /proc/locks is not)
        raise StudioInUse(f"{who} have the studio open; close them first.") from None


def _other_holders(fd: int) -> int:
    """How many other processes hold a flock on ``fd``'s file (Linux: from
    /proc/locks; 0 when that cannot be told)."""
    st = os.fstat(fd)
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    pids = set()
    try:
        with open("/proc/locks", encoding="ascii") as locks:
            for line in locks:
                fields = line.split()
                if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == device:
                    pids.add(fields[4])
    except OSError:
        return 0
    pids.discard(str(os.getpid()))
    return len(pids)


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def refuse_newer_schema(applied) -> None:
    """A migration in the history that this program does not ship: a newer
    Spectra upgraded the studio, and this one would misread or damage it."""
    shipped = {path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py")}
    unknown = sorted(set(applied) - shipped)
    if unknown:
        raise DatabaseError(f"this studio was upgraded by a newer Spectra ({unknown[-1]}): upgrade this terminal.")


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
    except Exception as exc:
        raise DatabaseError(damaged_message(target, exc)) from exc


DAMAGE_WORDS = ("file is not a database", "malformed", "corrupt")


def sqlite_damage(error: BaseException | None) -> BaseException | None:
    """The error in ``error``'s chain of causes by which SQLite says a file
    is damaged (or is no database at all), else None."""
    while error is not None:
        if any(words in str(error) for words in DAMAGE_WORDS):
            return error
        error = error.__cause__ or error.__context__
    return None


def damaged_message(target: str, error: BaseException) -> str:
    return f"{shown(target)} is damaged or is not a database (SQLite says: {one_line(error)})."


def _refuse_another_program(db: Database, target: str) -> None:
    """Never write the studio's tables into another program's database."""
    others = [t for t in db.get_tables() if t != "schema_migration" and not t.startswith("sqlite_")]
    # Re-read the history after listing the tables: another terminal may have
    # just created the schema (its tables and history commit together).
    if others and not Runner(db, directory=str(MIGRATIONS_DIR)).applied():
        raise DatabaseError(
            f"{shown(target)} is a database of another program (it has tables such as "
            f"'{others[0]}' but no Spectra schema); choose another file."
        )


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
    if not has_data:
        _refuse_another_program(db, target)
    if has_data and isinstance(db, SqliteDatabase):
        backup_sqlite(db, f"{db.database}.before-{pending[0]}")
    try:
        return runner.up()
    except Exception as exc:
        # Two terminals opening the same file at the same moment both see the
        # migrations pending; the second one's run fails on a migration the
        # first has just applied (each migration is one transaction, so the
        # failed one leaves nothing behind). Then wait for the first to finish.
        if _another_terminal_upgrades(db, pending):
            return []
        raise DatabaseError(
            f"Cannot upgrade the database {shown(target)} ({', '.join(pending)}): {one_line(exc)}"
        ) from exc


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


def backup_sqlite(db: SqliteDatabase, destination: str) -> str:
    """A consistent copy of a live SQLite file (sqlite3's online backup API),
    in rollback-journal mode, owner-only from its first byte: written to a 0600 temporary file beside
    it, then linked under ``destination`` (or ``destination.2``, ``.3``... :
    an earlier backup is never overwritten). A half-written copy is removed."""
    folder = os.path.dirname(os.path.abspath(destination))
    fd, scratch = tempfile.mkstemp(prefix=".spectra-backup-", suffix=".tmp", dir=folder)  # 0600
    os.close(fd)
    try:
        dest = sqlite3.connect(scratch)
        try:
            db.connection().backup(dest)
            dest.execute("PRAGMA journal_mode = delete")  # one self-contained file: no -wal or -shm beside it
        finally:
            dest.close()
        return link_unused(scratch, destination)
    finally:
        os.unlink(scratch)


def link_unused(source: str, path: str) -> str:
    candidate, n = path, 1
    while True:
        try:
            os.link(source, candidate)
            return candidate
        except FileExistsError:
            n += 1
            candidate = f"{path}.{n}"


RETRIED_SQLSTATES = {"40P01": "deadlock", "40001": "serialization failure"}
MAX_ATTEMPTS = 8
retries_taken = 0  # in this process, since it started (the stress test reports it)


def aborted_by_server(error: BaseException) -> str | None:
    """ "deadlock" or "serialization failure" when the server aborted the
    transaction for one (SQLSTATE 40P01, 40001), else None. peewee keeps the
    driver's exception as ``orig``; psycopg2 names the code ``pgcode``,
    psycopg 3 ``sqlstate``."""
    cause: BaseException | None = error
    for _ in range(5):
        if cause is None:
            break
        code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
        if code in RETRIED_SQLSTATES:
            return RETRIED_SQLSTATES[code]
        cause = getattr(cause, "orig", None) or cause.__cause__ or cause.__context__
    return None


P = ParamSpec("P")
R = TypeVar("R")


def write_transaction(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator for a service call that writes: it runs in one transaction
    and, when the server aborts that transaction for a deadlock or a
    serialization failure, the whole call runs again, so no user ever sees
    one. Only the outermost call retries (a service called inside another's
    transaction lets the error rise to it). Model instances passed in get
    back the fields they had before the failed attempt."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        global retries_taken
        if database.in_transaction():
            with database.atomic():
                return func(*args, **kwargs)
        models = [arg for arg in (*args, *kwargs.values()) if isinstance(arg, BaseModel)]
        saved = [(dict(m.__data__), set(m._dirty)) for m in models]
        attempt = 1
        while True:  # until an attempt returns, or the last one raises
            try:
                with database.atomic():
                    return func(*args, **kwargs)
            except PeeweeException as error:
                if attempt == MAX_ATTEMPTS or aborted_by_server(error) is None:
                    raise
            retries_taken += 1
            for model, (data, dirty) in zip(models, saved, strict=True):
                model.__data__, model._dirty = dict(data), set(dirty)
            time.sleep(random.uniform(0, 0.02 * attempt))  # let the other transaction finish first
            attempt += 1

    return run


def wait_for_writers(minutes: float) -> None:
    """Let this connection's writes wait up to ``minutes`` for another
    terminal's transaction (SQLite's busy timeout; PostgreSQL waits for locks
    without a limit), for a long job such as filling a demo studio."""
    if isinstance(database.obj, SqliteDatabase):
        database.execute_sql(f"PRAGMA busy_timeout = {int(minutes * 60_000)}")


def close_connections(db: Database) -> None:
    """Close this process's connections to ``db``: the calling thread's, and
    for PostgreSQL every pooled one (a database is renamed or dropped only
    when nobody is connected to it)."""
    if isinstance(db, PooledPostgresqlDatabase):
        db.close_all()
    elif not db.is_closed():
        db.close()


def close_database() -> None:
    db = database.obj
    if db is not None:
        close_connections(db)
    release_studio()


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)
