"""Opening the database: owner-only file, WAL and foreign keys, schema
migrations with a backup kept before pending migrations run on an existing
file, readable errors for files that are not a studio database."""
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time

import pytest
from peewee import IntegrityError

from pg_cluster import sqlite_only
from spectra_tui.data import clients, db as dbmod, invoices
from spectra_tui.data.db import DatabaseError, close_database, open_database, pending_migrations
from spectra_tui.data.models import Client, Invoice

ADD_COLUMN = '''
from peewee import CharField
def up(migrator, db):
    migrator.migrate(migrator.add_column("client", "nickname", CharField(default="")))
'''
BROKEN = '''
def up(migrator, db):
    db.execute_sql("CREATE TABLE half_done (id INTEGER)")
    raise RuntimeError("bug in migration")
'''


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@sqlite_only
def test_a_new_database_file_is_owner_only(db, tmp_path):
    clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})  # the WAL file now exists
    assert mode(tmp_path / "t.db") == 0o600
    for extra in ("t.db-wal", "t.db-shm", "t.db-writer"):
        if (tmp_path / extra).exists():
            assert mode(tmp_path / extra) == 0o600


def test_owner_only_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        open_database(tmp_path / "sub" / "new.db", create=True)
        assert mode(tmp_path / "sub" / "new.db") == 0o600
    finally:
        os.umask(old)
        close_database()


@sqlite_only
def test_wal_foreign_keys_and_busy_timeout(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db._lock_type == "IMMEDIATE"


def test_foreign_keys_are_enforced(studio):
    invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    with pytest.raises(IntegrityError):
        Client.delete().where(Client.id == studio.client.id).execute()
    assert Client.get_by_id(studio.client.id)


def test_the_schema_is_versioned(db, db_target, tmp_path):
    applied = [name for (name,) in db.execute_sql("SELECT name FROM schema_migration ORDER BY id").fetchall()]
    shipped = sorted(p.stem for p in dbmod.MIGRATIONS_DIR.glob("[0-9]*.py"))
    assert applied[0] == "0001_initial" and applied == shipped and pending_migrations(db) == []
    close_database()
    open_database(db_target)  # nothing pending: no backup made
    assert not list(tmp_path.glob("t.db.before-*"))


def shipped(folder) -> list[tuple[str]]:
    """The history rows of the migrations that come with the program (a test adds 9001_...)."""
    return [(path.stem,) for path in sorted(folder.glob("[0-8]*.py"))]


@pytest.fixture
def migrations(tmp_path, monkeypatch):
    """A copy of the real migrations folder the test may add to (as 9001_...)."""
    folder = tmp_path / "migrations"
    shutil.copytree(dbmod.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(dbmod, "MIGRATIONS_DIR", folder)
    return folder


@sqlite_only
def test_a_backup_is_kept_before_pending_migrations_run(db, tmp_path, migrations):
    client = clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})
    close_database()
    (migrations / "9001_nickname.py").write_text(ADD_COLUMN)
    upgraded = open_database(tmp_path / "t.db")
    backup = tmp_path / "t.db.before-9001_nickname"
    assert backup.exists() and mode(backup) == 0o600
    columns = [row[1] for row in upgraded.execute_sql("PRAGMA table_info(client)").fetchall()]
    assert "nickname" in columns
    assert Client.get_by_id(client.id).last_name == "Lee"  # nothing lost
    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("SELECT last_name FROM client").fetchall() == [("Lee",)]
        assert "nickname" not in [row[1] for row in copy.execute("PRAGMA table_info(client)")]
        assert copy.execute("SELECT name FROM schema_migration").fetchall() == shipped(migrations)
    finally:
        copy.close()


@sqlite_only
def test_an_earlier_backup_is_never_overwritten(db, tmp_path, migrations):
    close_database()
    (tmp_path / "t.db.before-9001_nickname").write_bytes(b"older backup")
    (migrations / "9001_nickname.py").write_text(ADD_COLUMN)
    open_database(tmp_path / "t.db")
    assert (tmp_path / "t.db.before-9001_nickname").read_bytes() == b"older backup"
    assert (tmp_path / "t.db.before-9001_nickname.2").exists()


@sqlite_only
def test_a_failing_migration_is_reported_and_changes_nothing(db, tmp_path, migrations):
    clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})
    close_database()
    (migrations / "9001_broken.py").write_text(BROKEN)
    with pytest.raises(DatabaseError, match="Cannot upgrade the database .*9001_broken.*bug in migration"):
        open_database(tmp_path / "t.db")
    close_database()
    raw = sqlite3.connect(tmp_path / "t.db")
    try:
        assert raw.execute("SELECT name FROM schema_migration").fetchall() == shipped(migrations)
        assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name='half_done'").fetchone() == (0,)
        assert raw.execute("SELECT last_name FROM client").fetchall() == [("Lee",)]
    finally:
        raw.close()
    assert (tmp_path / "t.db.before-9001_broken").exists()


def test_a_file_that_is_not_a_database(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"These are my notes, not a database. " * 200)
    with pytest.raises(DatabaseError, match="not a database"):
        open_database(junk)
    close_database()
    assert junk.read_bytes() == b"These are my notes, not a database. " * 200  # untouched


def test_another_programs_database_is_not_touched(tmp_path):
    other = tmp_path / "places.sqlite"
    raw = sqlite3.connect(other)
    raw.execute("CREATE TABLE bookmarks (url TEXT)")
    raw.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    raw.commit()
    raw.close()
    with pytest.raises(DatabaseError, match="database of another program.*bookmarks"):
        open_database(other)
    close_database()
    raw = sqlite3.connect(other)
    try:
        assert [t for (t,) in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["bookmarks"]
        assert raw.execute("SELECT url FROM bookmarks").fetchall() == [("https://example.org",)]
    finally:
        raw.close()


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(DatabaseError, match="is a folder"):
        open_database(tmp_path)


OPEN_AT_ONCE = r"""
import sys, time
from pathlib import Path
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.002)
from spectra_tui.data.db import open_database
from spectra_tui.data.models import Client
open_database(sys.argv[1], create=True)
print(Client.select().count())
"""


def test_two_terminals_opening_a_new_file_at_once(tmp_path):
    """Both see the first migration pending; the one that loses the race must
    still open the database (it used to crash with an IntegrityError)."""
    for round_ in range(3):
        path, go = tmp_path / f"new{round_}.db", tmp_path / f"go{round_}"
        procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, str(path), str(go)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        time.sleep(0.5)  # let both import and wait at the line
        go.touch()
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            assert out.strip() == "0"


def test_the_migrations_build_every_model_s_table_and_columns(db):
    """The schema the migrations make is the one the models describe (a
    field added to a model without its migration fails here)."""
    from spectra_tui.data.models import ALL_MODELS

    tables = set(db.get_tables())
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert table in tables, f"no migration creates {table}"
        columns = {column.name for column in db.get_columns(table)}
        assert columns == {field.column_name for field in model._meta.sorted_fields}, table


OPEN_WITH_MIGRATIONS = """
import sys, time
from pathlib import Path
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.002)
from spectra_tui.data import db as dbmod
dbmod.MIGRATIONS_DIR = Path(sys.argv[3])
from spectra_tui.data.models import Client
dbmod.open_database(sys.argv[1], create=True)
print(Client.select().count())
"""
SLOW = '''
import time
def up(migrator, db):
    time.sleep(1.0)  # a long first step, in its transaction: the other terminal waits, then fails on it
'''


def test_a_terminal_waits_for_another_one_that_is_upgrading(tmp_path, migrations):
    """The second terminal fails on a migration the first has just applied,
    while the first still has the later ones to run: it waits, then opens."""
    (migrations / "0000_slow.py").write_text(SLOW)
    path, go = tmp_path / "new.db", tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_WITH_MIGRATIONS, str(path), str(go), str(migrations)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(0.5)
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.strip() == "0"


def test_after_a_failed_run_wait_only_while_another_terminal_makes_progress(monkeypatch):
    """The decision behind the test above, step by step: some of what we
    meant to apply was applied by someone else -> wait until nothing is
    pending; nothing moved -> the migration itself failed: say so at once."""
    seen = iter([["0002_b", "0003_c"], ["0003_c"], []])
    monkeypatch.setattr(dbmod, "pending_migrations", lambda db: next(seen))
    assert dbmod._another_terminal_upgrades(None, ["0001_a", "0002_b", "0003_c"]) is True
    monkeypatch.setattr(dbmod, "pending_migrations", lambda db: ["9001_broken"])
    began = time.monotonic()
    assert dbmod._another_terminal_upgrades(None, ["9001_broken"]) is False
    assert time.monotonic() - began < 1  # no waiting when nothing moved
    monkeypatch.setattr(dbmod, "pending_migrations", lambda db: ["0003_c"])  # the other terminal died half-way
    assert dbmod._another_terminal_upgrades(None, ["0001_a", "0003_c"], patience=0.2) is False
