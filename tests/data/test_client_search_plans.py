"""Client search at scale: every query it runs is served by an index (the
database's own plan says so: EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on
SQLite), and its results are in code point order on both databases.

On PostgreSQL the studio's database is made with an ICU collation that orders
text otherwise (en-US, punctuation ignored: what glibc's en_US.UTF-8 does), so
the tests fail unless the search keys compare by code point (migration 0018).
"""
from __future__ import annotations

import random
import re
import uuid
from urllib.parse import urlsplit

import pytest
from peewee import PostgresqlDatabase

from pg_cluster import ON_POSTGRES
from spectra_tui.data import clients
from spectra_tui.data.clients import ClientQuery, count_clients, search_clients
from spectra_tui.data.models import Client, database

# Like glibc's en_US.UTF-8: "a-c" sorts between "ab" and "ac", emoji before letters.
UNLIKE_CODE_POINTS = "en-US-u-ka-shifted"
MANY = 20_000


@pytest.fixture
def db_target(tmp_path, request):
    """A new SQLite file; on PostgreSQL a database with the en-US ICU collation
    (the server's default one when it was built without ICU)."""
    if not ON_POSTGRES:
        yield str(tmp_path / "t.db")
        return
    from conftest import _pg_admin

    server = request.getfixturevalue("pg_server")
    name = f"spectra_test_{uuid.uuid4().hex[:12]}"
    try:
        _pg_admin(server, f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu "
                          f"ICU_LOCALE '{UNLIKE_CODE_POINTS}' LOCALE 'C.UTF-8'")
    except Exception:  # no ICU in this server's build
        _pg_admin(server, f"CREATE DATABASE {name}")
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        from spectra_tui.data import db as dbmod

        dbmod.close_database()
        _pg_admin(server, f"DROP DATABASE {name} WITH (FORCE)")


def on_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


# ---------------------------------------------------------------- plans

LAST = ["smith", "garcia", "nguyen", "o'brien", "mcdonald", "patel", "lee", "johnson", "martinez", "wilson",
        "zook", "brown", "davis", "miller", "moore", "taylor", "anderson", "thomas", "jackson", "white"]
FIRST = ["mary", "john", "jose", "linda", "james", "maria", "robert", "ann", "zoe", "wei", "olga", "peter"]
CITIES = ["austin", "dallas", "houston", "el paso", "waco", "round rock", "plano", "irving"]


def fill(count: int) -> None:
    """``count`` clients with search keys as save_client makes them (inserted in bulk), then the statistics."""
    rng = random.Random(18)
    rows = []
    for i in range(count):
        last = f"{rng.choice(LAST)}{rng.randrange(500)}"
        first = "quentin" if i % 100 == 0 else rng.choice(FIRST)  # fewer than clients.FEW_MATCHES
        rows.append({"first_name": first, "last_name": last, "first_key": first, "last_key": last,
                     "email_key": f"{first}.{last}{i}@example.com", "city_key": rng.choice(CITIES),
                     "phone_key": f"512{i:07d}", "phone2_key": f"737{i:07d}" if i % 3 == 0 else ""})
    with database.atomic():
        for start in range(0, count, 1000):
            Client.insert_many(rows[start:start + 1000]).execute()
    database.execute_sql("VACUUM ANALYZE" if on_postgres() else "ANALYZE")  # PostgreSQL: what autovacuum does


def statements(action) -> list[tuple[str, tuple]]:
    """The SELECTs ``action`` runs, with their parameters."""
    ran: list[tuple[str, tuple]] = []
    original = database.obj.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        ran.append((sql, tuple(params or ())))
        return original(sql, params, *args, **kwargs)

    database.obj.execute_sql = recording
    try:
        action()
    finally:
        del database.obj.execute_sql
    return [(sql, params) for sql, params in ran if sql.lstrip().upper().startswith("SELECT")]


def plan(sql: str, params: tuple) -> str:
    explain = "EXPLAIN " if on_postgres() else "EXPLAIN QUERY PLAN "
    return "\n".join(str(row[-1]) for row in database.execute_sql(explain + sql, params).fetchall())


def scans_the_table(text: str) -> bool:
    """A read of every row of client: PostgreSQL's Seq Scan, SQLite's SCAN without an index."""
    if on_postgres():
        return "Seq Scan on client" in text
    return re.search(r"\bSCAN client\b(?! USING)", text) is not None


SHAPES = {
    "last-name prefix": ClientQuery(name="smi"),
    "first-name prefix": ClientQuery(name="ma"),
    "rare first-name prefix": ClientQuery(name="quen"),
    "two words": ClientQuery(name="mary smith"),
    "last, first": ClientQuery(name="garcia12, jo"),
    "phone": ClientQuery(phone="(512) 000-12"),
    "email": ClientQuery(email="zoe.zook"),
    "city": ClientQuery(city="round"),
    "name and city": ClientQuery(name="lee", city="aus"),
    "everyone": ClientQuery(),
}


def test_every_search_shape_is_served_by_an_index(db):
    fill(MANY)
    later = search_clients(ClientQuery(), 60)[-1]
    actions = {}
    for shape, query in SHAPES.items():
        actions[f"{shape}: first page"] = lambda query=query: search_clients(query, 60)
        actions[f"{shape}: count"] = lambda query=query: count_clients(query)
    actions["everyone: a later page"] = lambda: search_clients(ClientQuery(), 60, after=later)
    actions["a name: a later page"] = lambda: search_clients(ClientQuery(name="m"), 60, after=later)
    scans = []
    for shape, action in actions.items():
        ran = statements(action)
        assert ran, shape
        for sql, params in ran:
            if shape == "everyone: count" and "COUNT" in sql.upper() and "WHERE" not in sql.upper():
                continue  # every client counted: every row is read, whatever serves it (clients.total_clients)
            text = plan(sql, params)
            if scans_the_table(text):
                scans.append(f"{shape}: {sql} {params}\n{text}")
    assert not scans, "\n\n".join(scans)


# ---------------------------------------------------------------- order

NAMES = [
    ("Ann", "Ab"), ("Ann", "A-c"), ("Ann", "Ac"), ("Ann", "A_b"), ("Ann", "A1"), ("Ann", "A~"),
    ("Sean", "O'Brien"), ("Sean", "Obrien"), ("Sean", "Oc"), ("Ronan", "O'Neil"),
    ("Élodie", "Ábel"), ("Zoë", "ZÖLLNER"), ("MARY", "MCDONALD"), ("Mary", "Mcdonald"), ("Mary", "McDonald-Smith"),
    ("Kenji", "山𠮷"), ("Kenji", "山田"), ("Smile", "😀smile"), ("Ann", "Ab😀"), ("Ann", "Abc"), ("Bob", "Ab c"),
]


def code_point_order(found: list[Client]) -> list[int]:
    """Ids sorted as SQLite's BINARY collation sorts: by code point (Python's str order)."""
    return [c.id for c in sorted(found, key=lambda c: (c.last_key, c.first_key, c.id))]


@pytest.mark.parametrize("typed", ["", "a", "a-", "ab", "a_", "o", "o'", "ob", "mc", "mcdonald-", "山", "😀", "ann",
                                   "ab c", "ann a"])
def test_results_are_in_code_point_order_as_on_sqlite(db, typed):
    """The same clients in the same order on both databases: each prefix's
    matches are exactly the names whose keys start with it, sorted by code
    point (what SQLite's BINARY collation does), page after page."""
    for first, last in NAMES:
        clients.save_client(None, {"first_name": first, "last_name": last}, allow_duplicate=True)
    everyone = list(Client.select().where(clients.LISTED))
    words = clients.search_key(typed).replace(",", " ").split()
    wanted = [c for c in everyone
              if all(c.last_key.startswith(w) or c.first_key.startswith(w) for w in words)]
    paged, after = [], None
    while page := search_clients(ClientQuery(name=typed), 4, after=after):
        paged += page
        after = page[-1]
    assert [c.id for c in paged] == code_point_order(wanted), [(c.last_key, c.first_key) for c in paged]
    assert count_clients(ClientQuery(name=typed)) == len(wanted)
