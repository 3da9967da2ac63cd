"""Moving a SQLite studio to PostgreSQL (data/migrate_to.py): the demo
studio arrives whole (every table's rows, the ledger totals per client, a
clean `spectra check`, rows equal field by field, the app's queries giving
the same answers, new ids after the copied ones), the SQLite file is left
as it was; a target that is not empty or not PostgreSQL, a source that is
no studio or needs upgrading, or held open by another terminal is refused;
a failure leaves the target empty; a copy that differs is reported."""
import datetime as dt
import hashlib
import sqlite3
import subprocess
import sys

import pytest
from peewee import PostgresqlDatabase
from playhouse.db_url import connect

from pg_cluster import ON_POSTGRES
from spectra_tui.data import calendar, clients, clock, ledger, migrate_to as migrate_module, studio_key, users
from spectra_tui.data.check import run_checks
from spectra_tui.data.db import DatabaseError, NoStudio, StudioInUse, close_database, open_database
from spectra_tui.data.demo import fill_demo
from spectra_tui.data.migrate_to import MigrateRefused, TargetNotEmpty, migrate_to
from spectra_tui.data.models import Client, Invoice, LedgerEntry, User

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs the PostgreSQL test server (SPECTRA_TEST_PG)")

TODAY = dt.date(2030, 5, 15)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("migrate") / "demo.db"
    open_database(str(path), create=True)
    try:
        fill_demo(clients=20, seed=5, today=TODAY)
    finally:
        close_database()
    return path


def query(path, sql):
    conn = sqlite3.connect(path)
    try:
        with conn:
            return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def source(demo_template, tmp_path):
    path = tmp_path / "studio.db"
    path.write_bytes(demo_template.read_bytes())  # closed: its WAL is checkpointed into the file
    yield path
    close_database()
    users.sign_in(None)
    clock.set_clock(None)


def answers() -> dict:
    """What the app shows, from the bound studio."""
    debtors = sorted({e.client_id for e in LedgerEntry.select(LedgerEntry.client)})
    payment = LedgerEntry.select().where(LedgerEntry.kind == LedgerEntry.PAYMENT).order_by(LedgerEntry.id).first()
    return {
        "balances": {client: ledger.client_money(client) for client in debtors},
        "calendar": calendar.bookings_between(TODAY - dt.timedelta(days=14), TODAY + dt.timedelta(days=14)),
        "search": [c.id for c in clients.search_clients(clients.ClientQuery(name="a"))],
        "client": Client.get_by_id(debtors[0]).__data__,
        "invoice": Invoice.select().order_by(Invoice.id.desc()).first().__data__,
        "payment": payment.__data__,
    }


def fingerprint(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_demo_studio_arrives_whole(source, empty_pg_database):
    open_database(source)
    expected = answers()
    assert expected["calendar"] and expected["search"] and len(expected["balances"]) > 5
    close_database()
    before, keys = fingerprint(source), set(studio_key.key_folder().glob("*.key"))
    seen = {}

    verification = migrate_to(source, empty_pg_database, lambda table, done, total: seen.update({table: (done, total)}))

    assert verification.ok and verification.lines() == []
    tables = {row[0] for row in query(source, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(verification.counts) == tables - {"sqlite_sequence"}
    assert all(source_rows == target_rows for source_rows, target_rows in verification.counts.values())
    assert verification.counts["client"] == (20, 20)
    assert verification.counts["ledger_entry"][0] > 10 and verification.check_problems == []
    assert verification.ledger_differences == {} and verification.clients_compared > 0
    assert set(seen) == tables - {"sqlite_sequence", "schema_migration"}
    assert all(done == total for done, total in seen.values())
    assert fingerprint(source) == before  # the SQLite file is kept as it was: the backup of the day
    assert set(studio_key.key_folder().glob("*.key")) == keys  # no key made for a studio the copy replaced

    database = open_database(empty_pg_database)
    assert isinstance(database, PostgresqlDatabase)
    assert answers() == expected
    assert run_checks() == []
    identity = studio_key.StudioIdentity.get()
    assert studio_key.read_anchor(identity.studio_id) is not None  # the new place has its anchor
    users.sign_in(User.get(User.username == "rita"))
    added = clients.save_client(None, {"first_name": "Nora", "last_name": "New"})
    assert added.id == max(c.id for c in Client.select().where(Client.id != added.id)) + 1


def test_a_target_that_is_not_empty_is_refused(source, empty_pg_database):
    other = connect(empty_pg_database)
    other.execute_sql("CREATE TABLE stock (id integer)")
    other.close()
    with pytest.raises(TargetNotEmpty, match="not empty: it holds stock"):
        migrate_to(source, empty_pg_database)


def test_a_studio_is_not_moved_twice_onto_the_same_target(source, empty_pg_database):
    assert migrate_to(source, empty_pg_database).ok
    with pytest.raises(TargetNotEmpty, match=r"not empty \(a Spectra studio\)"):
        migrate_to(source, empty_pg_database)


def test_a_source_that_is_no_studio_is_refused(tmp_path, empty_pg_database):
    with pytest.raises(NoStudio, match="no studio at"):
        migrate_to(tmp_path / "missing.db", empty_pg_database)
    query(tmp_path / "other.db", "CREATE TABLE stock (id integer)")
    with pytest.raises(DatabaseError, match="a database of another program"):
        migrate_to(tmp_path / "other.db", empty_pg_database)


def test_a_source_that_needs_upgrading_is_refused(source, empty_pg_database):
    query(source, "DELETE FROM schema_migration WHERE name = '0017_day_posting'")
    with pytest.raises(MigrateRefused, match="needs upgrading first .0017_day_posting.: open it once"):
        migrate_to(source, empty_pg_database)


def test_targets_that_are_not_postgresql_are_refused(source, empty_pg_database):
    with pytest.raises(MigrateRefused, match="is not a PostgreSQL URL"):
        migrate_to(source, "sqlite:///tmp/elsewhere.db")
    with pytest.raises(DatabaseError, match="neither a SQLite file"):
        migrate_to(source, "mysql://ann@host/studio")
    with pytest.raises(MigrateRefused, match="already on PostgreSQL"):
        migrate_to(empty_pg_database, empty_pg_database)
    with pytest.raises(DatabaseError, match="Cannot open the database postgresql://ann:\\*\\*\\*@"):
        migrate_to(source, "postgresql://ann:secret@/studio?host=/nonexistent-folder")


HOLDER = r"""
import sys, time
from spectra_tui.data.db import open_database
open_database(sys.argv[1])
print("open", flush=True)
time.sleep(600)
"""


def test_a_studio_another_terminal_has_open_is_refused(source, empty_pg_database):
    terminal = subprocess.Popen([sys.executable, "-c", HOLDER, str(source)], stdout=subprocess.PIPE, text=True)
    try:
        assert terminal.stdout.readline().strip() == "open"
        with pytest.raises(StudioInUse, match="1 other terminal has the studio open"):
            migrate_to(source, empty_pg_database)
    finally:
        terminal.kill()
        terminal.wait()


def test_a_failure_leaves_the_target_empty(source, empty_pg_database, monkeypatch):
    batches = migrate_module._batches

    def twice_for_holidays(db, sql):
        for rows in batches(db, sql):
            yield rows
            if '"holiday"' in sql:
                yield rows  # the same ids again: the server refuses them

    monkeypatch.setattr(migrate_module, "_batches", twice_for_holidays)
    with pytest.raises(DatabaseError, match="copying table holiday failed, nothing was moved"):
        migrate_to(source, empty_pg_database)
    target = connect(empty_pg_database)
    assert target.get_tables() == []
    target.close()
    monkeypatch.setattr(migrate_module, "_batches", batches)
    assert migrate_to(source, empty_pg_database).ok  # and the move can be made again


def test_a_copy_that_differs_is_reported(source, empty_pg_database, monkeypatch):
    batches = migrate_module._batches

    def without_the_last_ledger_row(db, sql):
        for rows in batches(db, sql):
            yield rows[:-1] if '"ledger_entry"' in sql else rows

    monkeypatch.setattr(migrate_module, "_batches", without_the_last_ledger_row)
    verification = migrate_to(source, empty_pg_database)
    assert not verification.ok
    source_rows, target_rows = verification.counts["ledger_entry"]
    assert target_rows == source_rows - 1
    lines = verification.lines()
    assert f"table ledger_entry: {source_rows} rows in SQLite, {target_rows} in PostgreSQL" in lines
    (client, kind), (was, now) = next(iter(verification.ledger_differences.items()))
    assert f"client #{client}: {kind} entries total {was} cents in SQLite, {now} in PostgreSQL" in lines
    assert any(line.startswith("check on PostgreSQL: ") for line in lines)  # the audit log misses the row
