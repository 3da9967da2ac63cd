"""`spectra demo` and `spectra check` as a user runs them: exit codes,
readable messages (never a traceback), and check naming what was tampered with."""
import os
import sqlite3
import stat
import subprocess
import sys

import pytest
from shell import spectra



@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    result = spectra("--db", path, "demo", "--clients", 60)
    assert result.returncode == 0, result.stderr
    assert "Demo studio ready: 60 clients" in result.stdout
    return path


@pytest.fixture
def copy_of_demo(demo_db, tmp_path):
    path = tmp_path / "copy.db"
    source = sqlite3.connect(demo_db)
    dest = sqlite3.connect(path)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    return path


def make_studio(path):
    """A new, empty studio file (check opens a studio read-only, never makes one)."""
    from spectra_tui.data.db import close_database, open_database
    open_database(path, create=True)
    close_database()
    return path


def query(path, sql, *params):
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(sql, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def test_check_passes_on_a_fresh_demo(demo_db):
    result = spectra("--db", demo_db, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: database intact, ledger consistent")
    assert stat.S_IMODE(os.stat(demo_db).st_mode) == 0o600


def test_check_fails_naming_the_invoice_of_a_payment_changed_with_sql(copy_of_demo):
    entry_id, invoice_id, amount = query(
        copy_of_demo, "SELECT id, invoice_id, amount_cents FROM ledger_entry WHERE kind = 'payment' "
                      "ORDER BY id LIMIT 1")[0]
    (number,) = query(copy_of_demo, "SELECT number FROM invoice WHERE id = ?", invoice_id)[0]
    query(copy_of_demo, "UPDATE ledger_entry SET amount_cents = ? WHERE id = ?", amount + 100, entry_id)
    result = spectra("--db", copy_of_demo, "check")
    assert result.returncode == 1
    assert f"ledger row {entry_id} (payment on invoice {number}): was changed after it was written" in result.stdout
    assert "problem(s) found" in result.stdout


def test_check_fails_when_a_payment_is_deleted_with_sql(copy_of_demo):
    entry_id, invoice_id = query(copy_of_demo, "SELECT id, invoice_id FROM ledger_entry WHERE kind = 'payment' "
                                               "AND id NOT IN (SELECT related_id FROM ledger_entry "
                                               "WHERE related_id IS NOT NULL) ORDER BY id DESC LIMIT 1")[0]
    (number,) = query(copy_of_demo, "SELECT number FROM invoice WHERE id = ?", invoice_id)[0]
    query(copy_of_demo, "DELETE FROM ledger_entry WHERE id = ?", entry_id)
    result = spectra("--db", copy_of_demo, "check")
    assert result.returncode == 1
    assert f"ledger row {entry_id} (payment on invoice {number}): was deleted" in result.stdout


def test_demo_refuses_a_database_with_data(demo_db):
    before = query(demo_db, "SELECT count(*) FROM client")
    result = spectra("--db", demo_db, "demo", "--clients", 5)
    assert result.returncode != 0
    assert "already holds data" in result.stderr and result.stderr.startswith("spectra: ")
    assert query(demo_db, "SELECT count(*) FROM client") == before


def test_demo_is_deterministic(demo_db, tmp_path):
    again = tmp_path / "again.db"
    assert spectra("--db", again, "demo", "--clients", 60).returncode == 0
    other = tmp_path / "other.db"
    assert spectra("--db", other, "demo", "--clients", 60, "--seed", 2).returncode == 0
    names = "SELECT first_name, last_name, email FROM client ORDER BY id"
    totals = "SELECT series, number, kind, total_cents FROM invoice ORDER BY series, number"
    money = "SELECT kind, amount_cents FROM ledger_entry ORDER BY id"
    for sql in (names, totals, money):
        assert query(again, sql) == query(demo_db, sql)
    assert query(other, names) != query(demo_db, names)
    assert query(other, totals) != query(demo_db, totals)


@pytest.mark.parametrize("args, message", [
    (["demo", "--clients", "0"], "from 1 to 1,000,000"),
    (["--user", "nobody", "--credentials", "/nowhere/credentials", "user", "list"],
     "There is no credentials file at /nowhere/credentials."),
])
def test_bad_arguments_get_a_readable_message(demo_db, args, message):
    result = spectra("--db", demo_db, *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_file_that_is_not_a_database_gets_a_readable_message(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n" * 100)
    result = spectra("--db", junk, "check")
    assert result.returncode == 2 and "not a database" in result.stderr
    assert junk.read_text() == "not a database\n" * 100
    folder = spectra("--db", tmp_path, "check")
    assert folder.returncode == 2 and "is a folder" in folder.stderr


def test_check_on_a_new_empty_studio(tmp_path):
    assert spectra("init", "--db", tmp_path / "new.db").returncode == 0
    result = spectra("--db", tmp_path / "new.db", "check")
    assert result.returncode == 0 and result.stdout.startswith("OK")


def test_check_never_makes_a_studio(tmp_path):
    result = spectra("--db", tmp_path / "typo.db", "check")
    assert result.returncode == 2 and "no studio at" in result.stderr
    assert not (tmp_path / "typo.db").exists()


def test_spectra_db_environment_variable(demo_db):
    result = spectra("check", env={"SPECTRA_DB": str(demo_db)})
    assert result.returncode == 0 and result.stdout.startswith("OK")


DRIVER_PROBE = """
import sys
from spectra_tui.cli import main
code = main(sys.argv[1:])
driver = sys.modules.get("psycopg2", "not loaded")
print(code, "blocked" if driver is None else "not loaded" if driver == "not loaded" else "loaded")
"""


def test_a_sqlite_studio_starts_without_loading_the_postgresql_driver(tmp_path):
    pytest.importorskip("psycopg2")  # installed with the test extras; a SQLite-only install has none to skip
    run = subprocess.run([sys.executable, "-c", DRIVER_PROBE, "--db", str(tmp_path / "s.db"), "init"],
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.split()[-2:] == ["0", "blocked"], run.stderr
    url = f"postgresql://nobody@/nothing?host={tmp_path}"  # no server there: refused readably, driver loaded
    run = subprocess.run([sys.executable, "-c", DRIVER_PROBE, "--db", url, "check"],
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.split()[-2:] == ["2", "loaded"], run.stderr
    assert "Cannot open the database" in run.stderr and "Traceback" not in run.stderr
