"""PostgreSQL connections are pooled: a screen's worker threads (one per
query) reuse the server connections already open instead of opening one per
keystroke, and closing the studio closes every one of them."""
from __future__ import annotations

import threading
import time

import pytest

from pg_cluster import ON_POSTGRES
from spectra_tui.data import db as dbmod
from spectra_tui.data.db import StudioPostgresqlDatabase
from spectra_tui.data.images import thread_connection
from spectra_tui.data.models import database

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs the PostgreSQL test server (SPECTRA_TEST_PG)")


def _backend_in_a_new_thread() -> int:
    """The server process that answered a query run as a screen's worker runs it."""
    answer: list[int] = []

    def work() -> None:
        with thread_connection():
            answer.append(database.execute_sql("SELECT pg_backend_pid()").fetchone()[0])

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return answer[0]


def _studio_connections(expected: int) -> int:
    """Server connections to the studio's database, waiting up to 3 s for
    ``expected`` (the server drops a closed one from its list a moment later)."""
    for _ in range(60):
        count = database.execute_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        ).fetchone()[0]
        if count == expected:
            break
        time.sleep(0.05)
    return count


def test_worker_threads_reuse_one_server_connection(db):
    first = _backend_in_a_new_thread()
    assert [_backend_in_a_new_thread() for _ in range(5)] == [first] * 5
    assert first != database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]  # the UI thread keeps its own
    assert _studio_connections(2) == 2


def test_only_a_few_idle_connections_are_kept(db):
    """Lists loading at once take a connection each; given back, only
    IDLE_KEPT stay open (the server's connection slots serve every terminal)."""
    all_in = threading.Barrier(5)

    def load() -> None:
        with thread_connection():
            database.execute_sql("SELECT 1")
            all_in.wait(timeout=10)  # five connections handed out at once

    threads = [threading.Thread(target=load) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = 1 + StudioPostgresqlDatabase.IDLE_KEPT  # the UI thread's, and the idle ones
    assert _studio_connections(kept) == kept


def test_a_thread_that_ended_without_closing_gives_its_connection_back(db):
    """A worker that queried outside ``thread_connection`` (and so never closed
    its connection) does not leave a server connection behind for good."""

    def query_and_end() -> None:
        database.execute_sql("SELECT 1")  # peewee connects on first use; nothing closes it

    for _ in range(5):
        thread = threading.Thread(target=query_and_end)
        thread.start()
        thread.join()
    _backend_in_a_new_thread()  # the pool hands out a connection: the ended threads' are closed then
    assert _studio_connections(2) == 2  # the UI thread's, and the one pooled


def test_closing_the_studio_closes_the_pooled_connections(db):
    worker_backend = _backend_in_a_new_thread()
    studio = database.obj
    dbmod.close_connections(studio)
    database.connect()
    try:
        alive = database.execute_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (worker_backend,)
        ).fetchone()[0]
        assert alive == 0
        assert _studio_connections(1) == 1
    finally:
        database.close()
