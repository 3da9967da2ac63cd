"""Fixtures for the calendar / Scheduling Wizard tests (imported by those test
modules; the shared ``db`` fixture comes from tests/conftest.py).

The studio week used everywhere is Monday 3 June 2030 (studio hours: the
defaults, Mon-Fri 9-18 (Thu 9-20), Sat 10-16, Sunday closed); the wall clock
is frozen at Saturday 1 June 2030, 09:00.
"""
import datetime as dt
from types import SimpleNamespace

import pytest

from staff import add_user  # tests/ is on sys.path
from spectra_tui.data import catalog, clients, clock, models, settings, users
from spectra_tui.data.models import Appointment, AuditLog, Client, Counter, Invoice, LedgerEntry, Session

MONDAY = dt.date(2030, 6, 3)
NOW = dt.datetime(2030, 6, 1, 9, 0)


def at(day_offset: int, hhmm: str) -> dt.datetime:
    """A time in the test week: at(1, "10:30") is Tuesday 4 June 2030 10:30."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day_offset), dt.time(hour, minute))


def counts() -> dict:
    """Rows of every table a booking may touch, and the sequences."""
    return {
        "clients": Client.select().count(),
        "sessions": Session.select().count(),
        "appointments": Appointment.select().count(),
        "invoices": Invoice.select().count(),
        "ledger": LedgerEntry.select().count(),
        "audit": AuditLog.select().count(),
        "counters": {c.name: c.value for c in Counter.select() if c.name in ("session", "invoice")},
        "history": models.SessionStatusChange.select().count(),
    }


@pytest.fixture
def bk(db):
    """A small studio: two photographers, an admin, two session types, two
    rooms, two clients; signed in as the receptionist; policy 'ask'."""
    frozen = clock.to_utc(NOW)  # the studio's wall clock shows NOW
    clock.set_clock(lambda: frozen)
    front = add_user("rita", "Rita Gomez", "front_desk")
    admin = add_user("admin", "Studio Admin", "owner")
    ava = add_user("ava", "Ava Reyes", "photographer", "#d75f5f")
    ben = add_user("ben", "Ben Carter", "photographer", "#5f87d7")
    family = catalog.create_session_type("Family", 90, 15000, "#87afd7")
    headshot = catalog.create_session_type("Headshot", 30, 7500, "#87d7af")
    studio_a = catalog.create_room("Studio A")
    studio_b = catalog.create_room("Studio B")
    ann = clients.save_client(None, {"first_name": "ann", "last_name": "lee", "phone_mobile": "(512) 867-5309",
                                     "email": "ann.lee@example.com"})
    bob = clients.save_client(None, {"first_name": "bob", "last_name": "diaz", "phone_mobile": "(512) 555-0199"})
    settings.put("conflict_policy", "ask")
    users.sign_in(front)
    return SimpleNamespace(db=db, front=front, admin=admin, ava=ava, ben=ben, family=family, headshot=headshot,
                           studio_a=studio_a, studio_b=studio_b, ann=ann, bob=bob)
