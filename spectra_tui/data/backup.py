"""Backups of the studio: `spectra backup DEST` and the daily ones.

SQLite: a consistent copy through SQLite's online backup API while other
terminals keep writing (db.backup_sqlite: 0600 from the first byte, an
existing file never overwritten), then checked (PRAGMA integrity_check on the
copy) before it is called done. PostgreSQL: pg_dump's custom format, the
password handed over in PGPASSWORD, never on the command line.

Daily backups go to the folder "backups" beside the database, one a day
("<stem>-YYYY-MM-DD.db", the studio's date), the newest ``backups_kept``
kept; a PostgreSQL studio's go to the folder its cron job names
("<database>-YYYY-MM-DD.dump"). The rule for several terminals: the one holding the exclusive flock on
"backups/.daily.lock" makes the day's backup; a terminal that finds it held
skips (the other is making it), and one that finds the day's file made does
nothing.
"""

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from peewee import SqliteDatabase

from . import clock, settings
from .db import backup_sqlite, fcntl, link_unused, make_folders, one_line
from .errors import DomainError
from .models import database

DAILY_FOLDER = "backups"
DAILY_LOCK = ".daily.lock"


class BackupFailed(DomainError):
    """The backup could not be made or did not verify."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes


def size_text(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"


def studio_file() -> Path:
    """The bound studio's SQLite file (BackupFailed on PostgreSQL)."""
    db = database.obj
    if not isinstance(db, SqliteDatabase):
        raise BackupFailed("this studio is on PostgreSQL: it has no file to copy.")
    name = db.database
    if name.startswith("file:"):  # opened read-only through a URI
        name = unquote(urlsplit(name).path)
    return Path(name)


def backup_studio(dest: Path, folder: bool = False) -> Backup:
    """Back the bound studio up to ``dest``: a file, or a folder (one that is
    there, or ``folder``: made when missing) where the copy is named
    "<studio stem>-YYYY-MM-DD-HHMM.db" by the studio's clock."""
    if not isinstance(database.obj, SqliteDatabase):
        return pg_dump_studio(dest, folder)
    return copy_studio(_target(dest, folder, studio_file().stem, "db"))


def _target(dest: Path, folder: bool, stem: str, suffix: str) -> Path:
    """The file a backup goes to: ``dest``, or a file named by the studio's clock in the folder ``dest``."""
    if folder and not dest.exists():
        try:
            make_folders(dest)
        except OSError as error:
            raise BackupFailed(f"cannot make the folder {dest}: {one_line(error)}") from error
    if dest.is_dir():
        return dest / f"{stem}-{clock.now():%Y-%m-%d-%H%M}.{suffix}"
    if folder:
        raise BackupFailed(f"{dest} is a file, not a folder.")
    if not dest.parent.is_dir():
        raise BackupFailed(f"there is no folder {dest.parent} to write the backup in.")
    return dest


def copy_studio(dest: Path) -> Backup:
    try:
        path = Path(backup_sqlite(database.obj, str(dest)))
    except (OSError, sqlite3.Error) as error:
        raise BackupFailed(f"the backup to {dest} failed: {one_line(error)}") from error
    try:
        verify_copy(path)
    except BackupFailed:
        path.unlink(missing_ok=True)
        raise
    return Backup(path, path.stat().st_size)


def verify_copy(path: Path) -> None:
    """PRAGMA integrity_check on the copy, opened read-only; BackupFailed unless "ok"."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise BackupFailed(f"the copy {path} cannot be read back: {one_line(error)}") from error
    if rows != [("ok",)]:
        raise BackupFailed(f"the copy {path} fails SQLite's integrity check: {rows[0][0]}")


def pg_dump_studio(dest: Path, folder: bool = False) -> Backup:
    """pg_dump -Fc of the bound PostgreSQL studio into ``dest`` (a file, or a
    folder: "<database>-YYYY-MM-DD-HHMM.dump"), 0600, never overwriting."""
    db = database.obj
    params = dict(getattr(db, "connect_params", {}) or {})
    dest = _target(dest, folder, db.database, "dump")
    program = shutil.which("pg_dump")
    options = pg_options(db.database, params)
    if program is None:
        raise BackupFailed(
            f"this studio is on PostgreSQL and pg_dump is not installed here: back it up with "
            f"PGPASSWORD=... pg_dump -Fc -f {shlex.quote(str(dest))} {shlex.join(options)}"
        )
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    fd, scratch = tempfile.mkstemp(prefix=".spectra-backup-", suffix=".tmp", dir=dest.parent)  # 0600
    os.close(fd)
    try:
        done = subprocess.run([program, "-Fc", "-f", scratch, *options], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupFailed(f"pg_dump failed: {one_line(RuntimeError(done.stderr or done.stdout))}")
        path = Path(link_unused(scratch, str(dest)))
    finally:
        os.unlink(scratch)
    return Backup(path, path.stat().st_size)


def pg_options(name: str, params: dict) -> list[str]:
    """pg_dump's (and pg_restore's) options naming the database from peewee's
    connect parameters, never the password (it goes in PGPASSWORD)."""
    options = ["--dbname", name]
    for option, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if params.get(key):
            options += [option, str(params[key])]
    return options


# Daily backups.


def daily_folder() -> Path:
    return studio_file().parent / DAILY_FOLDER


def daily_pattern(stem: str, suffix: str = "db") -> re.Pattern[str]:
    return re.compile(re.escape(stem) + r"-\d{4}-\d{2}-\d{2}\." + suffix)


def daily_backup(folder: Path | None = None) -> Backup | None:
    """Today's backup (the studio's date) when it is not made yet, then the
    oldest beyond ``backups_kept`` removed; None when there was nothing to
    do (made already, another terminal making it, or backups_kept is 0).
    ``folder``: where the daily backups are kept (default: "backups" beside
    a SQLite studio; a PostgreSQL studio has no such place: without a folder
    nothing is done, as when the app starts). Runs in any thread: it uses
    that thread's own connection."""
    kept = settings.get("backups_kept")
    on_sqlite = isinstance(database.obj, SqliteDatabase)
    if not kept or (folder is None and not on_sqlite):
        return None
    folder = folder or daily_folder()
    stem, suffix = (studio_file().stem, "db") if on_sqlite else (database.obj.database, "dump")
    try:
        make_folders(folder)
        lock = os.open(folder / DAILY_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise BackupFailed(f"the daily backup cannot be written in {folder}: {one_line(error)}") from error
    try:
        if fcntl is not None:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None  # another terminal is making it
        dest = folder / f"{stem}-{clock.today():%Y-%m-%d}.{suffix}"
        made = None if dest.exists() else copy_studio(dest) if on_sqlite else pg_dump_studio(dest)
        rotate(folder, stem, kept, suffix)
        return made
    finally:
        os.close(lock)  # also releases the flock


def rotate(folder: Path, stem: str, kept: int, suffix: str = "db") -> list[Path]:
    """Remove the oldest daily backups beyond ``kept`` (only files named
    like them: "<stem>-YYYY-MM-DD.db", or ".dump" on PostgreSQL); returns what was removed."""
    pattern = daily_pattern(stem, suffix)
    daily = sorted(path for path in folder.iterdir() if pattern.fullmatch(path.name) and path.is_file())
    removed = daily[: max(len(daily) - kept, 0)]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def log_path() -> Path:
    from platformdirs import user_log_path

    return user_log_path("spectra-tui", appauthor=False) / "backup.log"


def run_daily_backup() -> str:
    """The app's daily backup, from a worker thread: "" when all went well
    (or there was nothing to do), else the one line to show, also appended
    to the backup log. Never raises: a failed backup must not end the app.
    This thread's connection is closed after."""
    try:
        daily_backup()
        return ""
    except Exception as error:  # disk full, folder not writable, a damaged copy...
        text = str(error) if isinstance(error, DomainError) else f"{type(error).__name__}: {one_line(error)}"
        return f"The daily backup failed: {text}{_logged(text)}"
    finally:
        if database.obj is not None:
            database.close()  # this thread's connection only


def _logged(text: str) -> str:
    path = log_path()
    try:
        make_folders(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            log.write(f"{clock.utc_now().isoformat(timespec='seconds')}Z daily backup failed: {text}\n")
    except OSError:
        return ""
    return f" (noted in {path})"
