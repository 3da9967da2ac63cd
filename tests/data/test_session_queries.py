"""Session search for the Sessions hub (F6) and Session Search (Ctrl+S):
every filter, keyset paging, and the small record queries."""
import datetime as dt

import pytest

from spectra_tui.data import booking, clients, sessions
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import Session, SessionImage
from spectra_tui.data.sessions import SessionQuery, search_sessions
from staff import add_user

DAY = dt.datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def booked(studio):
    """Six sessions over six days: Ann Lee's and Bob Kim's, two photographers."""
    bob = clients.save_client(None, {"first_name": "Bob", "last_name": "Kim", "phone_mobile": "(512) 555-0199"})
    cleo = add_user("cleo", "Cleo Park", "photographer")
    made = []
    for day in range(6):
        client = studio.client if day % 2 == 0 else bob
        photographer = studio.photographer if day < 3 else cleo
        made.append(sessions.create_session(client, photographer, studio.session_type, DAY + dt.timedelta(days=day)))
    return made, bob, cleo


def test_latest_first_and_keyset_pages_cover_everything_once(booked):
    made, _bob, _cleo = booked
    first = search_sessions(SessionQuery(), limit=4)
    assert [s.number for s in first] == [s.number for s in reversed(made)][:4]
    second = search_sessions(SessionQuery(), limit=4, after=first[-1])
    assert [s.number for s in first + second] == [s.number for s in reversed(made)]
    assert search_sessions(SessionQuery(), limit=4, after=second[-1]) == []


def test_same_start_pages_by_id(studio):
    one = sessions.create_session(studio.client, studio.photographer, studio.session_type, DAY)
    two = sessions.create_session(studio.client, studio.photographer, studio.session_type, DAY)
    page = search_sessions(SessionQuery(), limit=1)
    assert page == [two]
    assert search_sessions(SessionQuery(), limit=1, after=page[0]) == [one]


def test_by_number(booked):
    made, _bob, _cleo = booked
    assert search_sessions(SessionQuery(number=made[2].number)) == [made[2]]
    assert search_sessions(SessionQuery(number=999999)) == []


def test_by_client_name_prefix_any_accent_and_order(booked):
    made, _bob, _cleo = booked
    ann = [s.number for s in search_sessions(SessionQuery(client="le"))]
    assert ann == [made[4].number, made[2].number, made[0].number]
    assert [s.number for s in search_sessions(SessionQuery(client="KIM b"))] == [made[5].number, made[3].number, made[1].number]
    assert search_sessions(SessionQuery(client="zzz")) == []


def test_by_date_range_inclusive(booked):
    made, _bob, _cleo = booked
    found = search_sessions(SessionQuery(date_from=dt.date(2026, 3, 3), date_to=dt.date(2026, 3, 4)))
    assert [s.number for s in found] == [made[2].number, made[1].number]
    assert sessions.count_sessions(SessionQuery(date_from=dt.date(2026, 3, 5))) == 3
    with pytest.raises(ValidationError, match="after"):
        search_sessions(SessionQuery(date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 1)))


def test_by_photographer_and_status(booked):
    made, _bob, cleo = booked
    assert [s.number for s in search_sessions(SessionQuery(photographer_id=cleo.id))] == [m.number for m in reversed(made[3:])]
    sessions.advance_status(made[1])
    sessions.cancel_session(made[2], "Moved away")
    assert search_sessions(SessionQuery(status="Capture Images Pending")) == [made[1]]
    assert search_sessions(SessionQuery(status=sessions.CANCELLED)) == [made[2]]
    assert search_sessions(SessionQuery(status=sessions.CANCELLED, photographer_id=cleo.id)) == []
    assert sessions.count_sessions(SessionQuery(client="kim", photographer_id=cleo.id)) == 2


def test_page_joins_client_photographer_type_without_more_queries(booked, studio):
    page = search_sessions(SessionQuery(), limit=10)
    queries = []
    original = studio.db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        queries.append(sql)
        return original(sql, params, *args, **kwargs)

    studio.db.execute_sql = counting
    try:
        names = [(s.client.full_name, s.photographer.full_name, s.session_type.name, s.room) for s in page]
    finally:
        del studio.db.execute_sql
    assert len(names) == 6 and queries == []


def test_statuses_for_search_lists_workflow_then_closed(db):
    statuses = sessions.statuses_for_search()
    assert statuses[0] == "Session Pending"
    assert statuses[-2:] == ["Cancelled", "No-Show"]


def test_appointments_images_and_details(studio):
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type, DAY)
    later = sessions.create_appointment("Sales presentation", DAY + dt.timedelta(days=7), 60, session=session)
    sooner = sessions.create_appointment("Consultation", DAY - dt.timedelta(days=2), 30, session=session)
    sessions.create_appointment("Other", DAY, 30, client=studio.client)
    assert sessions.session_appointments(session) == [sooner, later]
    for number in (2, 1):
        SessionImage.create(session=session, number=number, stored_name=f"{number}.jpg", sha256=str(number))
    assert [i.number for i in sessions.session_images(session)] == [1, 2]
    booking.save_session_details(session, notes="  Bring the dog  ")
    assert Session.get_by_id(session.id).notes == "Bring the dog"
    with pytest.raises(ValidationError, match="too long"):
        booking.save_session_details(session, notes="x" * 20001)
    assert Session.get_by_id(session.id).notes == "Bring the dog"


def test_by_client_name_prefix_going_on_beyond_u_ffff(studio):
    kanji = clients.save_client(None, {"first_name": "Kim", "last_name": "山𠮷"})
    emoji = clients.save_client(None, {"first_name": "Ab😀cd", "last_name": "Zed"})
    first = sessions.create_session(kanji, studio.photographer, studio.session_type, DAY)
    second = sessions.create_session(emoji, studio.photographer, studio.session_type, DAY + dt.timedelta(days=1))
    assert [s.number for s in search_sessions(SessionQuery(client="山"))] == [first.number]
    assert [s.number for s in search_sessions(SessionQuery(client="ab"))] == [second.number]
