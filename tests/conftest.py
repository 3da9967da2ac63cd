"""Shared fixtures: a fresh studio database per test, and a minimal studio in it.

``db`` opens a new SQLite file through the real ``open_database`` (WAL,
foreign keys, migrations) and puts the process-wide state back afterwards
(signed-in user, frozen clock). With SPECTRA_TEST_PG set, the same tests run
on PostgreSQL instead (``db_target``); tests about the SQLite file itself are
marked ``sqlite_only``. ``studio`` builds a photographer, a session
type, a price item and a client through the services, as the app would.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

# Studio keys and chain anchors (data/studio_key.py) live in the user's config
# folder: the tests' go to a folder of their own (CLI subprocesses inherit it).
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="spectra-test-config-")
atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], True)

from pg_cluster import ON_POSTGRES  # tests/ is on sys.path (the rootdir conftest's folder)
from spectra_tui.data import accounts, catalog, clients, clock, db as dbmod, users


@pytest.fixture(scope="session")
def pg_server():
    """The PostgreSQL server the tests run on: $SPECTRA_TEST_PG (a URL of a
    server's `postgres` database), or with SPECTRA_TEST_PG=auto one started
    for this test process (tests/pg_cluster.py)."""
    server = os.environ.get("SPECTRA_TEST_PG")
    if server != "auto":
        yield server
        return
    from pg_cluster import Cluster

    cluster = Cluster()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def db_target(tmp_path, request):
    """Where a test's studio database lives: a new SQLite file, or on
    PostgreSQL (see pg_server) a database made for the test, dropped after."""
    if not ON_POSTGRES:
        yield str(tmp_path / "t.db")
        return
    server = request.getfixturevalue("pg_server")
    name = f"spectra_test_{uuid.uuid4().hex[:12]}"
    _pg_admin(server, f"CREATE DATABASE {name}")
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        dbmod.close_database()
        _pg_admin(server, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def empty_pg_database(request):
    """The URL of a new, empty database on the PostgreSQL test server (dropped
    after), for tests that need one beside a SQLite studio (spectra migrate-to)."""
    server = request.getfixturevalue("pg_server")
    name = f"spectra_empty_{uuid.uuid4().hex[:12]}"
    _pg_admin(server, f"CREATE DATABASE {name}")
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        dbmod.close_database()
        _pg_admin(server, f"DROP DATABASE {name} WITH (FORCE)")


def _pg_admin(server: str, statement: str) -> None:
    from playhouse.db_url import connect

    admin = connect(server)
    admin.connect()
    try:
        admin.connection().autocommit = True
        admin.execute_sql(statement)
    finally:
        admin.close()


@pytest.fixture
def empty_db(db_target):
    """A fresh studio database opened through the real ``open_database``, with nothing in it."""
    database = dbmod.open_database(db_target, create=True)
    try:
        yield database
    finally:
        dbmod.close_database()
        users.sign_in(None)
        clock.set_clock(None)


@pytest.fixture
def db(empty_db):
    """A fresh studio database with its owner's account, the owner signed in
    (the first account of a studio is its owner's; only an owner or a manager
    adds the others: see tests/staff.py)."""
    users.sign_in(accounts.create_user("owner", "Studio Owner", "owner"))
    return empty_db


@pytest.fixture
def studio(db):
    # Rita runs the desk as a manager here: the money tests void and refund.
    # What front desk and photographers may not do: tests/data/test_permissions.py.
    front = accounts.create_user("rita", "Rita Gomez", "manager")
    photographer = accounts.create_user("ava", "Ava Reyes", "photographer")
    session_type = catalog.create_session_type("Family", 90, 15000)
    print_8x10 = catalog.create_price_item("P8X10", "Print 8x10", 4500)
    client = clients.save_client(None, {"first_name": "ann", "last_name": "lee",
                                        "phone_mobile": "(512) 867-5309", "email": "ann.lee@example.com",
                                        "city": "Austin"})
    users.sign_in(front)
    return SimpleNamespace(db=db, front=front, photographer=photographer, session_type=session_type,
                           item=print_8x10, client=client)
