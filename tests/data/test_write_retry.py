"""One lock order and retried transactions (issue 9 §4).

On PostgreSQL every transaction takes the studio's writer lock first, so
writers queue instead of deadlocking; and a service call the server aborts
anyway (deadlock 40P01, serialization failure 40001) runs again whole, at
the outermost call only, so no user ever sees one."""
import threading
import time

import pytest
from peewee import IntegrityError, OperationalError

from pg_cluster import ON_POSTGRES
from spectra_tui.data import db as dbmod
from spectra_tui.data.db import aborted_by_server, write_transaction
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import Client, Counter, database

pg_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's deadlocks and locks")


class DriverError(Exception):
    """Stands for psycopg2's error, which carries the SQLSTATE as ``pgcode``."""

    def __init__(self, pgcode):
        super().__init__(f"server aborted: {pgcode}")
        self.pgcode = pgcode


def aborted(code="40P01"):
    driver = DriverError(code)
    return OperationalError(driver, *driver.args)  # as peewee wraps a driver error


def test_the_server_s_abort_codes_are_recognised():
    assert aborted_by_server(aborted("40P01")) == "deadlock"
    assert aborted_by_server(aborted("40001")) == "serialization failure"
    assert aborted_by_server(aborted("23505")) is None
    assert aborted_by_server(OperationalError("database is locked")) is None


def test_an_aborted_call_runs_again_whole_and_its_first_try_leaves_nothing(db):
    tries = []

    @write_transaction
    def write():
        Counter.create(name=f"try{len(tries)}", value=1)
        tries.append(1)
        if len(tries) == 1:
            raise aborted()
        return "done"

    before = dbmod.retries_taken
    assert write() == "done" and len(tries) == 2
    assert dbmod.retries_taken == before + 1
    assert [c.name for c in Counter.select().where(Counter.name.startswith("try"))] == ["try1"]


def test_only_the_outermost_call_retries(db):
    inner_tries, outer_tries = [], []

    @write_transaction
    def inner():
        inner_tries.append(1)
        if len(inner_tries) == 1:
            raise aborted("40001")

    @write_transaction
    def outer():
        outer_tries.append(1)
        assert database.in_transaction()
        inner()

    outer()
    assert len(outer_tries) == 2 and len(inner_tries) == 2


def test_other_errors_are_not_retried(db):
    tries = []

    @write_transaction
    def refused():
        tries.append(1)
        raise ValidationError("No.")

    @write_transaction
    def duplicate():
        tries.append(1)
        raise IntegrityError("UNIQUE constraint failed")

    with pytest.raises(ValidationError):
        refused()
    with pytest.raises(IntegrityError):
        duplicate()
    assert len(tries) == 2


def test_a_call_that_keeps_being_aborted_gives_up(db, monkeypatch):
    monkeypatch.setattr(dbmod, "MAX_ATTEMPTS", 3)
    tries = []

    @write_transaction
    def hopeless():
        tries.append(1)
        raise aborted()

    with pytest.raises(OperationalError):
        hopeless()
    assert len(tries) == 3


def test_a_retry_starts_from_the_records_as_they_were_passed_in(studio):
    client = studio.client
    seen = []

    @write_transaction
    def rename(record):
        seen.append(record.first_name)
        record.first_name = record.first_name + "!"
        record.save()
        if len(seen) == 1:
            raise aborted()

    rename(client)
    assert seen == ["Ann", "Ann"]
    assert Client.get_by_id(client.id).first_name == "Ann!"


@pg_only
def test_a_real_deadlock_is_retried_and_nobody_sees_it(db, db_target):
    """A writer that does not take the studio's lock (here a bare connection)
    deadlocks with a service call; the server aborts the call's transaction,
    which runs again and succeeds."""
    from playhouse.db_url import connect

    Counter.create(name="x", value=0)
    Counter.create(name="y", value=0)
    other = connect(db_target)  # plain PostgresqlDatabase: no writer lock
    holding_x, holding_y = threading.Event(), threading.Event()
    tries = []

    def bump(conn, name):
        conn.execute_sql("UPDATE counter SET value = value + 1 WHERE name = %s", (name,))

    def stranger():
        with other.atomic():
            other.execute_sql("SET LOCAL deadlock_timeout = '10s'")  # the service call is the one aborted
            holding_x.wait(10)
            bump(other, "y")
            holding_y.set()
            bump(other, "x")  # waits for the service call: a cycle

    @write_transaction
    def service():
        tries.append(1)
        database.execute_sql("SET LOCAL deadlock_timeout = '50ms'")
        bump(database, "x")
        if len(tries) == 1:
            holding_x.set()
            holding_y.wait(10)
        bump(database, "y")

    thread = threading.Thread(target=stranger)
    thread.start()
    try:
        service()
    finally:
        thread.join(20)
        other.close()
    assert len(tries) == 2
    assert {c.name: c.value for c in Counter.select().where(Counter.name.in_(["x", "y"]))} == {"x": 2, "y": 2}


@pg_only
def test_writers_queue_on_the_studio_lock_but_snapshot_readers_do_not(db):
    first_in, log = threading.Event(), []

    def first():
        with database.atomic():
            first_in.set()
            time.sleep(0.5)
            log.append(("first leaves", time.monotonic()))
        database.close()

    def second():
        first_in.wait(5)
        with database.atomic():
            log.append(("second enters", time.monotonic()))
        database.close()

    def reader():
        first_in.wait(5)
        with database.atomic(isolation_level="REPEATABLE READ"):
            Counter.select().count()
            log.append(("reader reads", time.monotonic()))
        database.close()

    threads = [threading.Thread(target=f) for f in (first, second, reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    order = [what for what, _ in sorted(log, key=lambda item: item[1])]
    assert order == ["reader reads", "first leaves", "second enters"]


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's writers")
def test_a_sqlite_writer_waits_its_turn_beyond_the_busy_timeout(db):
    """The writer flock queues writers: one that waits longer than SQLite's
    busy timeout still gets its turn instead of "database is locked"."""
    first_in, waited, errors = threading.Event(), [], []

    def first():
        with database.atomic():
            Counter.create(name="first", value=1)
            first_in.set()
            time.sleep(0.6)
        database.close()

    def second():
        first_in.wait(5)
        database.connect(reuse_if_open=True)
        database.execute_sql("PRAGMA busy_timeout = 100")  # much less than the first one holds
        began = time.monotonic()
        try:
            with database.atomic():
                waited.append(time.monotonic() - began)
                Counter.create(name="second", value=1)
        except Exception as error:  # noqa: BLE001 - what a user would have seen
            errors.append(error)
        database.close()

    threads = [threading.Thread(target=f) for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert waited and waited[0] > 0.3  # it really waited for the first one, past its busy timeout
    assert Counter.select().where(Counter.name.in_(["first", "second"])).count() == 2
