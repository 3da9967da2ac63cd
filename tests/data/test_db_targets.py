"""Where a studio may be opened (issue 9 §5, §7): a new one only when asked,
owner-only folders and backups, sqlite:/// URLs treated like paths, unknown
targets and newer schemas refused, damaged files named."""
import os
import sqlite3
import stat

import pytest
from peewee import SqliteDatabase

from pg_cluster import sqlite_only
from spectra_tui.data import db as dbmod
from spectra_tui.data.db import DatabaseError, NoStudio, close_database, open_database


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_missing_file_is_refused_and_nothing_is_made(tmp_path):
    target = tmp_path / "typo" / "studio.db"
    with pytest.raises(NoStudio, match=r"no studio at .*typo/studio.db; `spectra init --db .*` makes a new one"):
        open_database(target)
    assert not (tmp_path / "typo").exists()


def test_an_empty_file_is_no_studio_either(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(NoStudio):
        open_database(empty)
    close_database()
    assert empty.stat().st_size == 0


def test_folders_made_for_a_new_studio_are_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        open_database(tmp_path / "a" / "b" / "new.db", create=True)
    finally:
        os.umask(old)
        close_database()
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "b") == 0o700
    assert mode(tmp_path / "a" / "b" / "new.db") == 0o600


def test_an_existing_folder_keeps_its_mode(tmp_path):
    tmp_path.chmod(0o755)
    open_database(tmp_path / "new.db", create=True)
    close_database()
    assert mode(tmp_path) == 0o755


def test_init_refuses_an_existing_studio(tmp_path):
    open_database(tmp_path / "s.db", create=True)
    close_database()
    with pytest.raises(DatabaseError, match="there is already a studio at"):
        open_database(tmp_path / "s.db", create=True, must_be_new=True)
    close_database()


def test_a_sqlite_url_is_opened_like_a_path(tmp_path):
    path = tmp_path / "url.db"
    old = os.umask(0)
    try:
        db = open_database(f"sqlite:///{path}", create=True)  # peewee's form: sqlite:/// + the path
    finally:
        os.umask(old)
    try:
        assert isinstance(db, SqliteDatabase) and db.database == str(path)
        assert db._lock_type == "IMMEDIATE"
        assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        close_database()
    assert mode(path) == 0o600


@pytest.mark.parametrize("target, message", [
    ("foo://bar", "neither a SQLite file"),
    ("mysql://me@host/studio", "neither a SQLite file"),
    ("postgresql://", "names no database"),
    ("postgresql://me@host/", "names no database"),
    ("sqlite://", "names no file"),
    ("", "no studio at"),  # (an empty --db falls back to the default path; here resolve_target gets "")
])
def test_targets_that_name_no_studio_are_refused_in_one_line(target, message, monkeypatch, tmp_path):
    monkeypatch.setattr(dbmod, "default_db_path", lambda: tmp_path / "default" / "studio.db")
    monkeypatch.delenv("SPECTRA_DB", raising=False)
    with pytest.raises(DatabaseError, match=message) as caught:
        open_database(target)
    assert "\n" not in str(caught.value)


def test_a_password_never_shows_in_a_message(tmp_path):
    with pytest.raises(DatabaseError) as caught:
        open_database(f"postgresql://me:s3cret@/studio?host={tmp_path}")
    close_database()
    assert "s3cret" not in str(caught.value) and "me:***@" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_studio_upgraded_by_a_newer_program_is_refused(db, db_target):
    db.execute_sql("INSERT INTO schema_migration (name, applied) VALUES ('0099_from_the_future', '2031-01-01')")
    close_database()
    with pytest.raises(DatabaseError, match=r"this studio was upgraded by a newer Spectra \(0099_from_the_future\): "
                                            r"upgrade this terminal"):
        open_database(db_target)
    close_database()
    with pytest.raises(DatabaseError, match="newer Spectra"):
        open_database(db_target, migrate=False)  # a read-only opener (check) is refused the same way


@sqlite_only
def test_a_damaged_file_is_named_damaged(db, db_target):
    close_database()
    with open(db_target, "r+b") as raw:
        raw.write(b"\x00" * 100)  # the header page's first bytes
    with pytest.raises(DatabaseError, match="is damaged or is not a database"):
        open_database(db_target)
    close_database()


@sqlite_only
def test_the_backup_is_owner_only_from_its_first_byte(db, tmp_path, monkeypatch):
    seen = []
    real_connect = sqlite3.connect

    def watching(path, *args, **kwargs):  # the moment the copy is opened to be written
        seen.append((os.path.basename(path), mode(path)))
        return real_connect(path, *args, **kwargs)

    monkeypatch.setattr(dbmod.sqlite3, "connect", watching)
    old = os.umask(0)
    try:
        made = dbmod.backup_sqlite(db, str(tmp_path / "t.db.before-x"))
    finally:
        os.umask(old)
    assert seen and all(m == 0o600 for _, m in seen)
    assert made == str(tmp_path / "t.db.before-x") and mode(made) == 0o600
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]  # the temporary name is gone


@sqlite_only
def test_a_half_written_backup_is_removed(db, tmp_path):
    class Failing:
        def connection(self):
            class Conn:
                def backup(self, dest):
                    dest.execute("CREATE TABLE half (x)")
                    raise sqlite3.OperationalError("disk full")
            return Conn()

    before = set(os.listdir(tmp_path))
    with pytest.raises(sqlite3.OperationalError, match="disk full"):
        dbmod.backup_sqlite(Failing(), str(tmp_path / "t.db.before-x"))
    assert set(os.listdir(tmp_path)) == before
