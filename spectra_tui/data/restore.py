"""`spectra restore SRC`: put a backup in the place of the studio's database.

The backup is checked first, on a scratch copy beside the studio (never the
backup itself, never the studio): an SQLite file, of this program (its schema
history; not another program's tables, not upgraded by a newer Spectra),
whole (PRAGMA integrity_check), brought up to this program's schema, then the
whole of `spectra check` (check.run_checks) on it alone. Only then, with no
other terminal holding the studio open (db.use_studio_alone), the database
is kept as "<db>.replaced-YYYY-MM-DD-HHMM" (0600, never overwritten), its WAL
checkpointed and the stale -wal/-shm removed, and the scratch copy, fsynced,
takes its place with os.replace. The restored studio records who restored it,
from which file and what was kept (an audit entry). This machine's anchor of
the replaced studio's chain goes with the kept file (studio_key.move_anchor).
"""

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, SqliteDatabase
from playhouse.migrations import Runner

from . import audit, clock, studio_key
from . import db as databases
from .backup import studio_file
from .check import run_checks
from .db import (
    DatabaseError,
    backup_sqlite,
    hold_studio_open,
    one_line,
    open_database,
    refuse_newer_schema,
    sqlite_damage,
    use_studio_alone,
)
from .errors import DomainError
from .models import database
from .permissions import Permission, require

SQLITE_HEADER = b"SQLite format 3\x00"
MAX_PROBLEMS_SHOWN = 3


class BackupRejected(DomainError):
    """The file is not a backup this studio can be restored from."""


@dataclass
class CheckedBackup:
    source: Path
    scratch: Path  # the checked copy, beside the studio, that takes its place

    def discard(self) -> None:
        self.scratch.unlink(missing_ok=True)


@dataclass(frozen=True)
class Restored:
    source: Path
    kept: Path


def check_backup(source: Path) -> CheckedBackup:
    """A checked copy of ``source`` beside the bound studio; BackupRejected
    (one line: what is wrong) when it is no backup to restore from."""
    require(Permission.RESTORE_BACKUP)
    studio = studio_file()
    if not source.is_file():
        raise BackupRejected(f"there is no file {source}.")
    with open(source, "rb") as head:
        if head.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupRejected(f"{source} is not a Spectra backup: it is not an SQLite database.")
    fd, name = tempfile.mkstemp(prefix=f".{studio.name}.restoring-", suffix=".tmp", dir=studio.parent)  # 0600
    os.close(fd)
    checked = CheckedBackup(source, Path(name))
    try:
        shutil.copyfile(source, checked.scratch)
        _check_copy(checked)
    except BaseException:
        checked.discard()
        raise
    return checked


def _check_copy(checked: CheckedBackup) -> None:
    studio = database.obj
    copy = SqliteDatabase(str(checked.scratch), pragmas={"foreign_keys": 1}, timeout=10)
    database.initialize(copy)
    try:
        _check_bound(checked.source, copy)
    except DomainError:
        raise
    except Exception as error:
        damage = sqlite_damage(error)
        if damage is not None:
            raise BackupRejected(f"{checked.source} is damaged (SQLite says: {one_line(damage)}).") from error
        raise BackupRejected(f"{checked.source} cannot be read as a Spectra backup: {one_line(error)}") from error
    finally:
        copy.close()
        database.initialize(studio)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{checked.scratch}{suffix}").unlink(missing_ok=True)


def _check_bound(source: Path, copy: SqliteDatabase) -> None:
    copy.connect()
    rows = copy.execute_sql("PRAGMA integrity_check").fetchall()
    if [tuple(row) for row in rows] != [("ok",)]:
        raise BackupRejected(f"{source} is damaged: SQLite's integrity check says {rows[0][0]!r}.")
    check_restored_books(source, copy)
    copy.execute_sql("PRAGMA journal_mode = delete")  # one self-contained file, no -wal to carry


def check_restored_books(source: Path, copy: Database) -> None:
    """The copy (bound to the models) is a studio of this program, not upgraded
    by a newer one, brought up to this schema, and passes the whole of
    `spectra check`; BackupRejected (one line) when not."""
    runner = Runner(copy, directory=str(databases.MIGRATIONS_DIR))
    applied = runner.applied()
    if not applied:
        tables = [t for t in copy.get_tables() if not t.startswith("sqlite_")]
        what = f"a database of another program (tables such as '{tables[0]}')" if tables else "an empty database"
        raise BackupRejected(f"{source} is not a Spectra backup: it is {what}.")
    try:
        refuse_newer_schema(applied)
    except DatabaseError:
        raise BackupRejected(
            f"{source} was made by a newer Spectra than this one: upgrade this terminal to restore it."
        ) from None
    runner.up()  # an older backup is brought up to this program's schema (on the scratch copy)
    problems = run_checks()
    if problems:
        shown = "; ".join(str(p) for p in problems[:MAX_PROBLEMS_SHOWN])
        more = f" (and {len(problems) - MAX_PROBLEMS_SHOWN} more)" if len(problems) > MAX_PROBLEMS_SHOWN else ""
        raise BackupRejected(f"{source} fails `spectra check`, so it was not restored: {shown}{more}.")


def refuse_if_open_elsewhere() -> None:
    """StudioInUse (one line) when other terminals have the studio open:
    asked before the confirmation, and again by ``restore``."""
    use_studio_alone()
    hold_studio_open(studio_file())  # back to the shared hold


def restore(checked: CheckedBackup) -> Restored:
    """Replace the bound studio's database with the checked backup."""
    require(Permission.RESTORE_BACKUP)
    path = studio_file()
    old = database.obj
    use_studio_alone()
    try:
        busy = old.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            raise DatabaseError("a terminal is still reading the studio; try again in a moment.")
        identity = studio_key.StudioIdentity.select().first()
        kept = Path(backup_sqlite(old, f"{path}.replaced-{clock.now():%Y-%m-%d-%H%M}"))
        old.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        _fsync(checked.scratch)
        os.replace(checked.scratch, path)
        _fsync(path.parent)
    except BaseException:
        checked.discard()
        hold_studio_open(path)  # back to the shared hold
        raise
    if identity is not None:
        studio_key.move_anchor(identity.studio_id, studio_key.file_place(path), studio_key.file_place(kept))
    open_database(path)  # the restored studio, held open in the shared way again
    with database.atomic():
        audit.record("studio.restore", "studio", None, after={"from": str(checked.source.resolve()), "kept": str(kept)})
    return Restored(checked.source, kept)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
