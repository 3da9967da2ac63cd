"""Many terminals writing money at once (issue 9, "What must hold"), with the
soak's own workers and verdicts (tests/soak.py, `make soak`) at a short length.

8 processes on SQLite (4 on PostgreSQL) run the soak's mix through the data
services for SPECTRA_STRESS_SECONDS (default 6 s; `make soak` runs 60 s): new
invoices and lines, payments (some paying too much), deposits, their use and
their refunds, refunds of credit, credit transfers, voids of payments and of
invoices, sessions booked with a fee invoice, appointments, pictures imported
into shared sessions. `spectra check` runs again and again meanwhile.
"""
import os
import uuid
from urllib.parse import urlsplit

import pytest
from pg_cluster import ON_POSTGRES, admin_sql
from soak import soak  # tests/soak.py

from spectra_tui.data.db import close_database

SECONDS = float(os.environ.get("SPECTRA_STRESS_SECONDS", "6"))
WORKERS = 4 if ON_POSTGRES else 8


@pytest.fixture(scope="module")
def stress_target(tmp_path_factory, request):
    """An empty database for this run (SQLite file, or a database on the test server)."""
    if not ON_POSTGRES:
        yield str(tmp_path_factory.mktemp("stress") / "studio.db")
        return
    server = request.getfixturevalue("pg_server")
    name = f"spectra_stress_{uuid.uuid4().hex[:12]}"
    admin_sql(server, f"CREATE DATABASE {name}")
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        close_database()
        admin_sql(server, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def figures(stress_target, tmp_path_factory):
    return soak(stress_target, WORKERS, SECONDS, tmp_path_factory.mktemp("stress-run"))


def test_figures(figures, capsys):
    """The soak's line for this run (pytest -s shows it); every worker worked."""
    with capsys.disabled():
        print("\n" + "\n".join([figures.line("PostgreSQL" if ON_POSTGRES else "SQLite"), *figures.details()]))
    assert figures.crashed == []
    assert figures.operations > 0


def test_no_worker_saw_an_error(figures):
    assert (figures.locked, figures.deadlocks, figures.errors) == (0, 0, [])


def test_numbers_are_unique_and_gap_free(figures):
    assert figures.gaps == []


def test_the_books_hold_exactly_the_workers_money(figures):
    assert figures.money == []


def test_check_stays_clean_while_they_write_and_after(figures):
    assert figures.checks_clean > 0
    assert figures.checks_failed == []
    assert figures.after == ""
