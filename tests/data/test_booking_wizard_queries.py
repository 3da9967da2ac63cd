"""What the Scheduling Wizard asks the data layer while a booking is built
(issue 10: the screen no longer builds these queries or restates the
photographer rules): who a booking takes up, which photographer is proposed,
the sessions an appointment can be linked to, a session by id, the length check."""
import pytest

from spectra_tui.data import booking, sessions
from spectra_tui.data.booking import APPOINTMENT, SESSION, BookingRequest
from spectra_tui.data.errors import NotFound, ValidationError

from .conftest_booking import at, bk  # noqa: F401  (bk is a fixture)


def test_who_is_booked_a_sessions_photographer_an_appointments_staff_or_its_sessions_photographer(bk):
    linked = sessions.create_session(bk.ann, bk.ben, bk.family, at(1, "10:00"))
    assert booking.who_is_booked(SESSION, photographer=bk.ava, staff=bk.front) == bk.ava
    assert booking.who_is_booked(APPOINTMENT, photographer=bk.ava, staff=bk.front, session=linked) == bk.front
    assert booking.who_is_booked(APPOINTMENT, session=linked) == bk.ben
    assert booking.who_is_booked(APPOINTMENT) is None


def test_an_appointment_linked_to_a_session_is_checked_against_who_is_booked(bk):
    linked = sessions.create_session(bk.ann, bk.ben, bk.family, at(1, "10:00"))
    sessions.create_session(bk.bob, bk.ben, bk.headshot, at(2, "10:00"))
    request = BookingRequest(kind=APPOINTMENT, title="Sales presentation", session=linked, start=at(2, "10:00"))
    assert "Ben Carter" in booking.preview(request).check.message


def test_first_free_photographer_by_name_and_none_when_all_are_busy(bk):
    assert booking.first_free_photographer(at(1, "10:00"), 90) == bk.ava  # Ava Reyes before Ben Carter
    sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))
    assert booking.first_free_photographer(at(1, "10:00"), 90) == bk.ben
    sessions.create_session(bk.bob, bk.ben, bk.family, at(1, "10:00"))
    assert booking.first_free_photographer(at(1, "10:00"), 90) is None
    assert booking.first_free_photographer(at(6, "10:00"), 90) is None  # Sunday: the studio is closed


def test_proposed_photographer_is_the_given_photographer_else_the_first_free(bk):
    sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))
    assert booking.proposed_photographer(bk.ava, at(1, "10:00"), 90) == bk.ava  # given: kept even when busy
    assert booking.proposed_photographer(bk.front, at(1, "10:00"), 90) == bk.ben  # not a photographer
    assert booking.proposed_photographer(None, at(1, "10:00"), 90) == bk.ben
    assert booking.proposed_photographer(None, None, 90) is None


def test_linkable_sessions_are_the_clients_open_sessions_latest_first(bk):
    first = sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))
    second = sessions.create_session(bk.ann, bk.ben, bk.headshot, at(2, "10:00"))
    cancelled = sessions.create_session(bk.ann, bk.ava, bk.headshot, at(3, "10:00"))
    sessions.cancel_session(cancelled, "moved away")
    sessions.create_session(bk.bob, bk.ava, bk.headshot, at(4, "10:00"))
    assert [s.id for s in booking.linkable_sessions(bk.ann)] == [second.id, first.id]
    # of the client's latest ``limit`` sessions (the latest is the cancelled one)
    assert booking.linkable_sessions(bk.ann, limit=1) == []
    assert booking.linkable_sessions(bk.ann, limit=2) == [second]


def test_session_by_id(bk):
    session = sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))
    assert sessions.session_by_id(session.id) == session
    with pytest.raises(NotFound, match=f"There is no session #{session.id + 1000}"):
        sessions.session_by_id(session.id + 1000)


def test_check_length_is_the_booking_rule(bk):
    assert booking.check_length(90) == 90
    for bad in (4, 12 * 60 + 1, "90", True):
        with pytest.raises(ValidationError):
            booking.check_length(bad)
