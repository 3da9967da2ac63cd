"""`spectra backup` and `spectra restore` on a PostgreSQL studio (run with
SPECTRA_TEST_PG, e.g. SPECTRA_TEST_PG=auto): the backup is a real pg_dump
archive pg_restore reads; restore says plainly how to restore with
pg_restore, as one line."""
import stat
import subprocess

import pytest

from pg_cluster import ON_POSTGRES
from spectra_tui.cli import main
from spectra_tui.data import backup, clients, db as dbmod, users
from staff import add_user

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs the PostgreSQL test server (SPECTRA_TEST_PG)")


def test_a_postgresql_studio_is_backed_up_with_pg_dump(db, tmp_path):
    clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})
    made = backup.backup_studio(tmp_path)
    assert made.path.suffix == ".dump" and made.size == made.path.stat().st_size > 0
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    listing = subprocess.run(["pg_restore", "--list", str(made.path)], capture_output=True, text=True)
    assert listing.returncode == 0, listing.stderr
    assert "TABLE DATA public client " in listing.stdout


def test_restore_on_postgresql_says_how_with_pg_restore(db, db_target, tmp_path, monkeypatch, capsys):
    add_user("boss", "Bo Boss", "owner", password="boss-secret-7")
    users.sign_in(None)
    dbmod.close_database()
    monkeypatch.setenv("SPECTRA_USER", "boss")
    monkeypatch.setenv("SPECTRA_PASSWORD", "boss-secret-7")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    code = main(["--db", db_target, "restore", str(tmp_path / "studio.dump"), "--yes"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("spectra: this studio is on PostgreSQL: with no terminal open, restore a pg_dump "
                          "backup with PGPASSWORD=... pg_restore --clean --if-exists --no-owner --dbname spectra_test_")
    assert err.endswith(f" {tmp_path / 'studio.dump'}\n") and err.count("\n") == 1
