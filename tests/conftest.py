"""Shared fixtures: a fresh studio database per test, and a minimal studio in it.

``db`` opens a new SQLite file through the real ``open_database`` (WAL,
foreign keys, migrations) and puts the process-wide state back afterwards
(signed-in user, frozen clock). ``studio`` builds a photographer, a session
type, a price item and a client through the services, as the app would.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from spectra_tui.data import catalog, clients, db as dbmod, models, users


@pytest.fixture
def db(tmp_path):
    database = dbmod.open_database(tmp_path / "t.db")
    try:
        yield database
    finally:
        dbmod.close_database()
        users.sign_in(None)
        models.set_clock(None)


@pytest.fixture
def studio(db):
    front = users.create_user("rita", "Rita Gomez", "receptionist")
    photographer = users.create_user("ava", "Ava Reyes", "photographer")
    session_type = catalog.create_session_type("Family", 90, 15000)
    print_8x10 = catalog.create_price_item("P8X10", "Print 8x10", 4500)
    client = clients.save_client(None, {"first_name": "ann", "last_name": "lee",
                                        "phone_mobile": "(512) 867-5309", "email": "ann.lee@example.com",
                                        "city": "Austin"})
    users.sign_in(front)
    return SimpleNamespace(db=db, front=front, photographer=photographer, session_type=session_type,
                           item=print_8x10, client=client)
