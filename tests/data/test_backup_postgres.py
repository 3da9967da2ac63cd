"""`spectra backup` and `spectra restore` on a PostgreSQL studio (run with
SPECTRA_TEST_PG, e.g. SPECTRA_TEST_PG=auto): the backup is a real pg_dump
archive pg_restore reads; restore checks it in a scratch database, then
puts it in the studio's place, keeping the replaced database."""
import datetime as dt
import stat
import subprocess
import uuid
from urllib.parse import urlsplit

import pytest
from peewee import PostgresqlDatabase

from pg_cluster import ON_POSTGRES
from spectra_tui.cli import main
from spectra_tui.data import backup, clients, clock, db as dbmod, models, restore_postgres, settings, users
from spectra_tui.data.check import run_checks
from spectra_tui.data.models import AuditLog, Client
from spectra_tui.data.restore import BackupRejected
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


def test_daily_dumps_go_to_the_folder_named_the_oldest_beyond_backups_kept_removed(db, tmp_path):
    assert backup.daily_backup() is None  # the app's start: no folder beside a PostgreSQL studio, nothing done
    folder = tmp_path / "nightly"
    settings.put("backups_kept", 2)
    name = models.database.obj.database
    folder.mkdir()
    for day in (8, 9):
        (folder / f"{name}-2026-01-0{day}.dump").write_bytes(b"PGDMP older")
    clock.set_clock(lambda: dt.datetime(2026, 1, 10, 18, 0, tzinfo=dt.UTC))
    made = backup.daily_backup(folder)
    assert made.path.name == f"{name}-2026-01-10.dump" and made.path.read_bytes().startswith(b"PGDMP")
    assert sorted(p.name for p in folder.glob("*.dump")) == [f"{name}-2026-01-09.dump", f"{name}-2026-01-10.dump"]
    assert backup.daily_backup(folder) is None  # made already today


def _databases(like: str) -> list[str]:
    server = restore_postgres.Server(models.database.obj)
    return [row[0] for row in server.execute(f"SELECT datname FROM pg_database WHERE datname LIKE '{like}'")]


def _run_as_owner(db_target, tmp_path, monkeypatch, *argv: str) -> int:
    add_user("boss", "Bo Boss", "owner", password="boss-secret-7")
    users.sign_in(None)
    dbmod.close_database()
    monkeypatch.setenv("SPECTRA_USER", "boss")
    monkeypatch.setenv("SPECTRA_PASSWORD", "boss-secret-7")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return main(["--db", db_target, *argv])


def test_a_postgresql_studio_is_restored_from_its_dump_keeping_the_replaced_database(db, db_target, tmp_path,
                                                                                      monkeypatch, capsys):
    clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})
    made = backup.backup_studio(tmp_path)
    clients.save_client(None, {"first_name": "Bob", "last_name": "After"})  # after the backup: not in it
    code = _run_as_owner(db_target, tmp_path, monkeypatch, "restore", str(made.path), "--yes")
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "is a sound backup: pg_restore reads it whole, and it passes `spectra check`" in out
    kept = out.strip().splitlines()[-1].split("kept as ")[1].rstrip(".")
    assert kept.startswith(urlsplit(db_target).path.strip("/") + "_replaced_")
    try:
        dbmod.open_database(db_target)
        assert [c.full_name for c in Client.select().where(Client.walk_in == False)] == ["Ann Lee"]  # noqa: E712
        assert run_checks() == []
        assert AuditLog.select().where(AuditLog.action == "studio.restore").count() == 1
        assert _databases("%_restoring_%") == []
        kept_db = PostgresqlDatabase(kept, **models.database.obj.connect_params)
        try:  # the replaced studio is kept whole, Bob with it
            assert kept_db.execute_sql("SELECT count(*) FROM client WHERE first_name = 'Bob'").fetchone()[0] == 1
        finally:
            kept_db.close()
    finally:
        restore_postgres.Server(models.database.obj).execute(f'DROP DATABASE IF EXISTS "{kept}" WITH (FORCE)')


def test_a_file_that_is_no_dump_is_refused_and_nothing_is_made(db, tmp_path):
    not_a_dump = tmp_path / "studio.dump"
    not_a_dump.write_bytes(b"SQLite format 3\x00 or anything else")
    with pytest.raises(BackupRejected, match="is not a backup of a PostgreSQL studio: it is not a pg_dump archive"):
        restore_postgres.check_dump(not_a_dump)
    assert _databases("%_restoring_%") == []


def test_a_dump_of_another_database_is_refused_and_its_scratch_dropped(db, tmp_path):
    server = restore_postgres.Server(models.database.obj)
    other = f"other_{uuid.uuid4().hex[:8]}"
    server.execute(f"CREATE DATABASE {other}")
    try:
        dump = tmp_path / "other.dump"
        options = backup.pg_options(other, server.params)
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), *options], check=True, capture_output=True)
        with pytest.raises(BackupRejected, match="is not a Spectra backup: it is an empty database"):
            restore_postgres.check_dump(dump)
    finally:
        server.execute(f"DROP DATABASE {other}")
    assert _databases("%_restoring_%") == []


def test_restore_is_refused_while_another_connection_is_on_the_studio(db, tmp_path):
    clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})
    made = backup.backup_studio(tmp_path)
    clients.save_client(None, {"first_name": "Bob", "last_name": "After"})
    checked = restore_postgres.check_dump(made.path)
    other_terminal = PostgresqlDatabase(models.database.obj.database, **models.database.obj.connect_params)
    other_terminal.connect()
    try:
        with pytest.raises(dbmod.StudioInUse, match="1 other connection is open on the studio's database"):
            restore_postgres.restore_dump(checked)
    finally:
        other_terminal.close()
    assert Client.select().where(Client.first_name == "Bob").count() == 1  # the studio as it was
    assert _databases("%_restoring_%") == []


def test_the_daily_backup_of_a_postgresql_studio_asks_for_its_folder(db, db_target, capsys):
    dbmod.close_database()
    assert main(["--db", db_target, "backup", "--daily"]) == 2
    assert capsys.readouterr().err == ("spectra: on PostgreSQL the daily backups go to a folder you name: "
                                       "backup --daily FOLDER.\n")
