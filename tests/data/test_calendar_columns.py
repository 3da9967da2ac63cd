"""What booking or dropping a booking in a calendar column means (the queries
and the photographer rule the calendar screen used to hold itself)."""
import pytest

from staff import add_user
from spectra_tui.data import booking, calendar, sessions, users
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import Session

from .conftest_booking import MONDAY, at, bk  # noqa: F401  (bk is a fixture)


def rows_of(*items):
    keys = {("session" if isinstance(i, Session) else "appointment", i.id) for i in items}
    rows = calendar.bookings_between(MONDAY, at(7, "0:00"))
    return {r.key: r for r in rows if r.key in keys}


def test_booking_in_a_column(bk):
    assert calendar.booking_in_column(person_id=bk.ava.id) == calendar.ColumnBooking("session", person=bk.ava)
    assert calendar.booking_in_column(person_id=bk.admin.id) == calendar.ColumnBooking("appointment", person=bk.admin)
    assert calendar.booking_in_column(studio=True) == calendar.ColumnBooking("appointment")  # the Studio column
    assert calendar.booking_in_column(room_id=bk.studio_b.id) == calendar.ColumnBooking("session", room=bk.studio_b)
    assert calendar.booking_in_column() == calendar.ColumnBooking("session")
    assert calendar.booking_in_column(person_id=9999) == calendar.ColumnBooking("session")  # gone meanwhile


def test_move_changes_name_only_what_changes(bk):
    session = sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"), room=bk.studio_a)
    meeting = sessions.create_appointment("Staff meeting", at(0, "9:00"), 30, staff=bk.admin)
    rows = rows_of(session, meeting)
    s, m = rows[("session", session.id)], rows[("appointment", meeting.id)]
    assert calendar.move_changes(s) == {}
    assert calendar.move_changes(s, person_id=bk.ava.id) == {}
    assert calendar.move_changes(s, person_id=bk.ben.id) == {"photographer": bk.ben}
    assert calendar.move_changes(s, studio=True) == {"photographer": None}
    assert calendar.move_changes(s, room_id=bk.studio_a.id) == {}
    assert calendar.move_changes(s, room_id=bk.studio_b.id) == {"room": bk.studio_b}
    assert calendar.move_changes(m, person_id=bk.ben.id) == {"staff": bk.ben}
    assert calendar.move_changes(m, studio=True) == {"staff": None}


def test_a_session_needs_an_active_photographer(bk):
    assert sessions.check_photographer(bk.ava) == bk.ava
    assert sessions.can_photograph(bk.ben) and not sessions.can_photograph(bk.admin)
    assert not sessions.can_photograph(None)
    with pytest.raises(ValidationError, match="always involves the camera"):
        sessions.check_photographer(None)
    with pytest.raises(ValidationError, match="Studio Admin is not an active photographer"):
        sessions.check_photographer(bk.admin)
    gone = add_user("dan", "Dan Old", "photographer")
    gone.active = False
    gone.save()
    with pytest.raises(ValidationError, match="not an active photographer"):
        sessions.check_photographer(gone)


def test_dropping_a_session_on_staff_is_refused_by_the_same_rule(bk):
    session = sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))
    changes = calendar.move_changes(rows_of(session)[("session", session.id)], person_id=bk.admin.id)
    with pytest.raises(ValidationError, match="Studio Admin is not an active photographer"):
        booking.reschedule(session, at(1, "10:00"), **changes)


def test_whoever_photographs_has_a_column_whatever_their_role(bk):
    """A small studio's owner who is also its photographer."""
    owner = add_user("dana", "Dana Cole", "owner", photographs=True)
    week = calendar.calendar_week(MONDAY)
    assert owner.id in [column.id for column in week.columns]
    assert owner.id in [user.id for user in users.photographers()]
