"""Restoring (data/restore.py) beyond what the CLI tests show: a backup made
before this program's newest migration is brought up to date on the scratch
copy and restored; the replaced database is never overwritten; two terminals
making the day's backup at once make one file (issue 16)."""
import datetime as dt
import shutil
import subprocess
import sys

import pytest

from pg_cluster import sqlite_only
from spectra_tui.data import backup, clients, clock, db as dbmod, restore
from spectra_tui.data.check import run_checks
from spectra_tui.data.models import Client

pytestmark = sqlite_only

ADD_COLUMN = '''
from peewee import CharField
def up(migrator, db):
    migrator.migrate(migrator.add_column("client", "nickname", CharField(default="")))
'''


@pytest.fixture
def migrations(tmp_path, monkeypatch):
    """A copy of the real migrations folder the test may add to (as 9001_...)."""
    folder = tmp_path / "migrations"
    shutil.copytree(dbmod.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(dbmod, "MIGRATIONS_DIR", folder)
    return folder


def test_a_backup_older_than_the_program_is_upgraded_then_restored(db, db_target, tmp_path, migrations):
    clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})
    older = backup.backup_studio(tmp_path / "older.db").path
    clients.save_client(None, {"first_name": "Bob", "last_name": "After"})
    (migrations / "9001_nickname.py").write_text(ADD_COLUMN)
    dbmod.open_database(db_target)  # this program's schema now has the new column
    done = restore.restore(restore.check_backup(older))
    assert dbmod.pending_migrations(dbmod.database.obj) == []
    assert [c.last_name for c in Client.select().order_by(Client.id)] == ["Lee"]
    assert "nickname" in [row[1] for row in dbmod.database.execute_sql("PRAGMA table_info(client)").fetchall()]
    assert run_checks() == []
    assert done.kept.exists()
    assert not list(tmp_path.glob("*.restoring-*"))


def test_the_replaced_database_is_never_overwritten(db, tmp_path):
    clock.set_clock(lambda: dt.datetime(2026, 5, 4, 15, 0, tzinfo=dt.UTC))
    source = backup.backup_studio(tmp_path / "b.db").path
    first = restore.restore(restore.check_backup(source))
    second = restore.restore(restore.check_backup(source))
    assert first.kept.name == "t.db.replaced-2026-05-04-1000"
    assert second.kept.name == "t.db.replaced-2026-05-04-1000.2"
    assert run_checks() == []


DAILY = r"""
import sys
from spectra_tui.data import backup, db
db.open_database(sys.argv[1], read_only=True)
made = backup.daily_backup()
print(made.path.name if made else "-")
"""


def test_two_terminals_making_the_days_backup_at_once_make_one_file(db, db_target, tmp_path):
    for i in range(200):
        clients.save_client(None, {"first_name": f"Many{i}", "last_name": "Clients", "notes": "z" * 400})
    runs = [subprocess.Popen([sys.executable, "-c", DAILY, db_target], stdout=subprocess.PIPE, text=True)
            for _ in range(4)]
    printed = sorted(run.communicate(timeout=120)[0].strip() for run in runs)
    assert all(run.returncode == 0 for run in runs)
    made = [name for name in printed if name != "-"]
    assert len(made) == 1, printed
    folder = tmp_path / "backups"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == made
