"""Backups (data/backup.py) and the studio held open (data/db.py): a copy
taken while another process writes is consistent and passes every check;
copies are owner-only, checked, never overwrite; daily backups keep the
newest N; a second process holding the studio open is seen, even after it
is killed the hard way (issue 16, backup and restore)."""
import datetime as dt
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest

from spectra_tui.data import backup, clock, db as dbmod, settings
from spectra_tui.data.check import run_checks
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import database
from pg_cluster import sqlite_only
from staff import add_user

pytestmark = sqlite_only

WRITER = r"""
import sys, time
from pathlib import Path
from spectra_tui.data import clients, invoices, ledger
from spectra_tui.data.db import open_database
from spectra_tui.data.models import Invoice
from spectra_tui.data.users import find_user, sign_in

db_path, seconds, ready = sys.argv[1], float(sys.argv[2]), Path(sys.argv[3])
open_database(db_path)
sign_in(find_user("rita"))
ready.touch()
end, done = time.monotonic() + seconds, 0
while time.monotonic() < end:
    client = clients.save_client(None, {"first_name": f"Writer{done}", "last_name": "Loop", "notes": "x" * 500})
    invoice = invoices.create_invoice(Invoice.GENERIC, client=client)
    invoices.add_line(invoice, description="Frame", unit_price_cents=6000, taxable=True)
    payment = ledger.take_payment(invoice, 3000, "cash")
    if done % 3 == 0:
        ledger.void_entry(payment, "wrong amount")
    done += 1
print(done)
"""

HOLDER = r"""
import sys, time
from spectra_tui.data.db import open_database
open_database(sys.argv[1])
print("open", flush=True)
time.sleep(600)
"""


@pytest.fixture
def studio_path(db, tmp_path):
    """The test's studio (the owner signed in) with Rita, a manager, and a few clients."""
    add_user("rita", "Rita Gomez", "manager")
    from spectra_tui.data import clients

    for i in range(30):
        clients.save_client(None, {"first_name": f"Client{i}", "last_name": "Many", "notes": "y" * 300})
    return backup.studio_file()


def checks_of(path):
    """run_checks on the file at ``path`` opened read-only on its own; the
    studio bound before is bound again after."""
    before = database.obj
    copy = dbmod.make_database(str(path), read_only=True)
    database.initialize(copy)
    try:
        return run_checks()
    finally:
        copy.close()
        database.initialize(before)


def test_a_backup_taken_while_another_process_writes_is_consistent(studio_path, tmp_path):
    ready = tmp_path / "writer-ready"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(studio_path), "4", str(ready)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert writer.poll() is None and time.monotonic() < deadline, writer.communicate()
        time.sleep(0.01)
    copies = []
    while writer.poll() is None:
        copies.append(backup.backup_studio(tmp_path).path)
        time.sleep(0.2)
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert int(out) > 0 and len(copies) >= 2
    invoices_seen = set()
    for path in copies:
        assert checks_of(path) == [], path
        with sqlite3.connect(path) as conn:
            invoices_seen.add(conn.execute("SELECT count(*) FROM invoice").fetchone()[0])
    assert len(invoices_seen) >= 2  # the copies were taken at different moments of the writing


def test_a_backup_is_owner_only_checked_and_named_by_the_studio_clock(studio_path, tmp_path):
    clock.set_clock(lambda: dt.datetime(2026, 3, 9, 15, 4, tzinfo=dt.UTC))  # 10:04 in Chicago (CDT)
    old_umask = os.umask(0)
    try:
        made = backup.backup_studio(tmp_path)
    finally:
        os.umask(old_umask)
    assert made.path == tmp_path / f"{studio_path.stem}-2026-03-09-1004.db"
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert made.size == made.path.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(studio_path.stem + "-")) == [made.path.name]


def test_a_backup_never_overwrites_a_file(studio_path, tmp_path):
    dest = tmp_path / "mine.db"
    dest.write_bytes(b"precious")
    made = backup.backup_studio(dest)
    assert made.path == tmp_path / "mine.db.2"
    assert dest.read_bytes() == b"precious"
    assert backup.backup_studio(dest).path == tmp_path / "mine.db.3"


def test_a_backup_into_a_missing_folder_is_refused_in_one_line(studio_path, tmp_path):
    with pytest.raises(backup.BackupFailed, match="there is no folder .*nowhere to write the backup in"):
        backup.backup_studio(tmp_path / "nowhere" / "copy.db")


def test_a_damaged_copy_does_not_verify(tmp_path):
    bad = tmp_path / "bad.db"
    with sqlite3.connect(bad) as conn:
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [("z" * 500,)] * 200)
    raw = bytearray(bad.read_bytes())
    raw[4096:4096 + 64] = b"\xff" * 64  # the head of the second page: its b-tree header and cell pointers
    bad.write_bytes(bytes(raw))
    with pytest.raises(backup.BackupFailed, match="bad.db"):
        backup.verify_copy(bad)


def daily_names(folder):
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_the_daily_backup_is_made_once_a_day_and_keeps_the_newest_n(studio_path):
    folder = studio_path.parent / "backups"
    folder.mkdir()
    stem = studio_path.stem
    for day in range(1, 6):
        (folder / f"{stem}-2026-01-0{day}.db").write_bytes(b"old")
    (folder / "notes.txt").write_text("mine")
    (folder / f"{stem}-2026-01-01.db.2").write_bytes(b"not the pattern")
    (folder / f"other-2026-01-01.db").write_bytes(b"another studio")
    settings.put("backups_kept", 3)
    clock.set_clock(lambda: dt.datetime(2026, 1, 9, 18, 0, tzinfo=dt.UTC))
    made = backup.daily_backup()
    assert made is not None and made.path == folder / f"{stem}-2026-01-09.db"
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert daily_names(folder) == sorted([
        f"{stem}-2026-01-04.db", f"{stem}-2026-01-05.db", f"{stem}-2026-01-09.db",
        "notes.txt", f"{stem}-2026-01-01.db.2", "other-2026-01-01.db"])
    assert backup.daily_backup() is None  # made already today
    clock.set_clock(lambda: dt.datetime(2026, 1, 10, 18, 0, tzinfo=dt.UTC))
    assert backup.daily_backup().path.name == f"{stem}-2026-01-10.db"
    assert [n for n in daily_names(folder) if n.endswith("0.db") or n.endswith("9.db") or n.endswith("5.db")] == [
        f"{stem}-2026-01-05.db", f"{stem}-2026-01-09.db", f"{stem}-2026-01-10.db"]


def test_no_daily_backup_when_backups_kept_is_zero(studio_path):
    settings.put("backups_kept", 0)
    assert backup.daily_backup() is None
    assert not (studio_path.parent / "backups").exists()


def test_a_terminal_finding_the_daily_backup_being_made_skips_it(studio_path):
    import fcntl

    folder = studio_path.parent / "backups"
    folder.mkdir()
    fd = os.open(folder / ".daily.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another terminal making it now
        assert backup.daily_backup() is None
        assert daily_names(folder) == []
    finally:
        os.close(fd)
    assert backup.daily_backup() is not None


def test_a_daily_backup_into_a_folder_it_cannot_write_is_a_clear_error(studio_path):
    folder = studio_path.parent / "backups"
    folder.write_text("a file where the folder should be")
    with pytest.raises(backup.BackupFailed, match="the daily backup cannot be written in"):
        backup.daily_backup()


@pytest.mark.parametrize("value", [-1, 1.5, "7", True, 100_000])
def test_backups_kept_is_a_whole_number_from_0(db, value):
    with pytest.raises(ValidationError, match="Backups kept is a whole number"):
        settings.put("backups_kept", value)


def test_backups_kept_defaults_to_14(db):
    assert settings.get("backups_kept") == 14
    settings.put("backups_kept", 30)
    assert settings.get("backups_kept") == 30


def start_holder(path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    return holder


def test_another_process_holding_the_studio_open_is_counted_and_its_kill_frees_it(studio_path):
    lock = dbmod.open_lock_path(studio_path)
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    holders = [start_holder(studio_path), start_holder(studio_path)]
    try:
        with pytest.raises(dbmod.StudioInUse, match="^2 other terminals have the studio open; close them first"):
            dbmod.use_studio_alone()
        holders[0].send_signal(signal.SIGKILL)
        holders[0].wait()
        with pytest.raises(dbmod.StudioInUse, match="^1 other terminal has the studio open"):
            dbmod.use_studio_alone()
    finally:
        for holder in holders:
            holder.kill()
            holder.wait()
    dbmod.use_studio_alone()  # nobody else: taken (SIGKILL left no stale mark)
    assert lock.exists()


def test_opening_waits_for_a_studio_held_alone(studio_path):
    dbmod.use_studio_alone()
    opener = subprocess.run([sys.executable, "-c", "import sys; from spectra_tui.data import db; "
                             "db.OPEN_LOCK_PATIENCE = 0.3\n"
                             "try:\n db.open_database(sys.argv[1])\nexcept db.DatabaseError as e: print(e)",
                             str(studio_path)], capture_output=True, text=True, timeout=60)
    assert "is being restored from a backup; try again in a moment." in opener.stdout, opener.stderr


FAKE_PG_DUMP = """#!/bin/sh
# a stand-in for pg_dump: writes what it was given into the file of -f
printf 'argv: %s\\n' "$*" > "$3"
printf 'PGPASSWORD=%s\\n' "$PGPASSWORD" >> "$3"
"""


@pytest.fixture
def postgres_studio(tmp_path):
    """A PostgreSQL studio bound (never connected: pg_dump is a stand-in)."""
    before = database.obj
    database.initialize(dbmod.StudioPostgresqlDatabase(
        "studio", user="rita", password="s3cret word", host="db.example", port=5433))
    yield
    database.initialize(before)


def test_a_postgresql_studio_is_dumped_with_the_password_in_the_environment(postgres_studio, tmp_path, monkeypatch):
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "pg_dump").write_text(FAKE_PG_DUMP)
    (bin_folder / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_folder))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setattr(clock, "studio_zone", lambda: ZoneInfo("America/Chicago"))  # (no server to read it from)
    clock.set_clock(lambda: dt.datetime(2026, 3, 9, 15, 4, tzinfo=dt.UTC))
    try:
        made = backup.backup_studio(tmp_path)
    finally:
        clock.set_clock(None)
    assert made.path == tmp_path / "studio-2026-03-09-1004.dump"
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    argv, password = made.path.read_text().splitlines()
    assert argv.startswith("argv: -Fc -f ")
    assert argv.endswith(" --dbname studio --host db.example --port 5433 --username rita")
    assert "s3cret" not in argv
    assert password == "PGPASSWORD=s3cret word"
    assert backup.backup_studio(made.path).path == tmp_path / "studio-2026-03-09-1004.dump.2"  # never overwrites


def test_without_pg_dump_a_postgresql_studio_is_told_how(postgres_studio, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backup.BackupFailed) as refused:
        backup.backup_studio(tmp_path / "tonight.dump")
    assert str(refused.value) == (
        "this studio is on PostgreSQL and pg_dump is not installed here: back it up with "
        f"PGPASSWORD=... pg_dump -Fc -f {tmp_path / 'tonight.dump'} "
        "--dbname studio --host db.example --port 5433 --username rita")
