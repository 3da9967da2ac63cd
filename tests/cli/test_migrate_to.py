"""`spectra migrate-to URL` as an admin meets it: each table copied, the
verification table, the check's verdict, what to do next, exit 0; a copy
that differs says what differs and exits 1; a refusal is one line, exit 2.
(Needs the PostgreSQL test server: SPECTRA_TEST_PG=auto pytest tests/cli/test_migrate_to.py.)"""
import pytest

from pg_cluster import ON_POSTGRES
from spectra_tui.data import migrate_to as migrate_module
from spectra_tui.data.db import shown

from .backup_fixtures import fresh_process_state, query, studio, template  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs the PostgreSQL test server (SPECTRA_TEST_PG)")


def test_the_studio_moves_and_the_copy_is_verified(run, studio, empty_pg_database):
    code, out, err = run("--db", studio, "migrate-to", empty_pg_database)
    assert (code, err) == (0, ""), out + err
    lines = out.splitlines()
    assert lines[0] == f"Moving {studio} to {shown(empty_pg_database)}, with no other terminal open..."
    assert "  invoice                          1 rows copied" in lines
    assert lines.index("Table                        SQLite   PostgreSQL") > lines.index(
        "  ledger_entry                     1 rows copied"
    )
    assert "ledger_entry                      1            1" in lines
    assert "user                              3            3" in lines
    assert "Ledger totals per client: equal (1 clients with ledger entries)." in lines
    assert lines[-4].startswith("spectra check on PostgreSQL: OK")
    assert lines[-3].startswith("Other machines need the studio key: copy ") and "SPECTRA_STUDIO_KEY" in lines[-3]
    assert lines[-2] == f"{studio} is left as it was: keep it as the backup of the day of the move."
    assert lines[-1] == f"Next: every terminal opens the studio with `spectra --db {empty_pg_database}` " \
                        "(or sets SPECTRA_DB to that URL)."

    code, out, err = run("--db", empty_pg_database, "check")
    assert code == 0 and out.startswith("OK: database intact"), out + err
    assert query(studio, "SELECT count(*) FROM ledger_entry") == [(1,)]


def test_a_refusal_is_one_line(run, studio, empty_pg_database):
    assert run("--db", studio, "migrate-to", empty_pg_database)[0] == 0
    code, out, err = run("--db", studio, "migrate-to", empty_pg_database)
    assert code == 2
    assert err.startswith(f"spectra: {empty_pg_database} is not empty (a Spectra studio): it holds ")
    assert err.count("\n") == 1
    code, out, err = run("--db", studio, "migrate-to", "mysql://ann@host/studio")
    assert code == 2 and err.startswith("spectra: mysql://ann@host/studio is neither a SQLite file")


def test_a_copy_that_differs_exits_1_saying_what(run, studio, empty_pg_database, monkeypatch):
    batches = migrate_module._batches

    def without_ledger_rows(db, sql):
        if '"ledger_entry"' not in sql:
            yield from batches(db, sql)

    monkeypatch.setattr(migrate_module, "_batches", without_ledger_rows)
    code, out, err = run("--db", studio, "migrate-to", empty_pg_database)
    assert code == 1, out + err
    assert "ledger_entry                      1            0  differs" in out
    assert "table ledger_entry: 1 rows in SQLite, 0 in PostgreSQL" in out
    assert "check on PostgreSQL: " in out
    assert out.splitlines()[-1].startswith(f"The copy differs from {studio}: do not use it.")
