"""Rule 1 (sessions always involve the camera; any other meeting is an
appointment) and rule 8 (session status workflow with history)."""
import datetime as dt

import pytest

from spectra_tui.data import audit, sessions, settings, users
from spectra_tui.data.errors import NotFound, ValidationError
from spectra_tui.data.models import Appointment, Session, SessionStatusChange

START = dt.datetime(2030, 3, 4, 10, 0)
DEFAULTS = ["Session Pending", "Capture Images Pending", "Sales Presentation Pending", "Order Pending",
            "In Production", "Ready for Pickup", "Picked Up", "Complete"]


def book(studio, **overrides):
    args = dict(client=studio.client, photographer=studio.photographer, session_type=studio.session_type, start=START)
    args.update(overrides)
    return sessions.create_session(**args)


# ---------------------------------------------------------------- rule 1: sessions

def test_a_session_has_a_photographer_a_session_type_and_a_number(studio):
    session = book(studio, start=dt.datetime(2030, 3, 4, 10, 0, 42))
    assert (session.photographer.id, session.session_type.id, session.client.id) == (
        studio.photographer.id, studio.session_type.id, studio.client.id)
    assert session.number == 1001 and book(studio).number == 1002
    assert session.length_minutes == 90 and session.start == START  # type length; seconds dropped
    assert sessions.get_session(1001).id == session.id


@pytest.mark.parametrize("missing, message", [("photographer", "camera"), ("session_type", "camera"),
                                              ("client", "client")])
def test_a_session_without_the_camera_is_refused(studio, missing, message):
    with pytest.raises(ValidationError, match=message) as info:
        book(studio, **{missing: None})
    assert info.value.field == missing
    assert Session.select().count() == 0


def test_only_an_active_photographer_can_shoot_a_session(studio):
    with pytest.raises(ValidationError, match="not an active photographer"):
        book(studio, photographer=studio.front)
    studio.photographer.active = False
    studio.photographer.save()
    with pytest.raises(ValidationError, match="not an active photographer"):
        book(studio)


@pytest.mark.parametrize("bad", [0, 4, 721, "60", 1.5, True])
def test_session_length_is_checked(studio, bad):
    with pytest.raises(ValidationError, match="length"):
        book(studio, length_minutes=bad)


def test_a_bad_start_is_refused_and_costs_no_number(studio):
    with pytest.raises(ValidationError, match="date and time"):
        book(studio, start="tomorrow")
    assert book(studio).number == 1001  # the refused booking gave its number back


def test_get_session_not_found(db):
    with pytest.raises(NotFound):
        sessions.get_session(42)


# ---------------------------------------------------------------- rule 1: appointments

def test_an_unlinked_appointment_is_a_staff_meeting(studio):
    meeting = sessions.create_appointment("  Staff   meeting ", START, 30, staff=studio.front)
    assert (meeting.title, meeting.client, meeting.session) == ("Staff meeting", None, None)
    with pytest.raises(ValidationError, match="needs a title"):
        sessions.create_appointment("", START)


def test_an_appointment_linked_to_a_client(studio):
    appointment = sessions.create_appointment("", START, 45, client=studio.client)
    assert (appointment.title, appointment.client.id, appointment.session) == ("Appointment", studio.client.id, None)


def test_an_appointment_linked_to_a_session_follows_its_client_and_photographer(studio):
    session = book(studio)
    appointment = sessions.create_appointment("Sales presentation", START + dt.timedelta(days=7), 60, session=session)
    assert appointment.client.id == studio.client.id and appointment.staff.id == studio.photographer.id
    assert [a.id for a in session.appointments] == [appointment.id]


def test_appointment_rules(studio):
    from spectra_tui.data import clients
    other = clients.save_client(None, {"first_name": "Bo", "last_name": "Park"})
    session = book(studio)
    with pytest.raises(ValidationError, match="another client"):
        sessions.create_appointment("Viewing", START, 30, client=other, session=session)
    with pytest.raises(ValidationError, match="length"):
        sessions.create_appointment("Viewing", START, 0, client=other)
    with pytest.raises(ValidationError, match="too long"):
        sessions.create_appointment("x" * 201, START)
    with pytest.raises(ValidationError, match="date and time"):
        sessions.create_appointment("Viewing", "noon", client=other)
    sessions.cancel_session(session, "Moved away")
    with pytest.raises(ValidationError, match="cancelled"):
        sessions.create_appointment("Viewing", START, 30, session=session)
    assert Appointment.select().count() == 0


def test_appointment_status(studio):
    appointment = sessions.create_appointment("Consultation", START, client=studio.client)
    with pytest.raises(ValidationError):
        sessions.set_appointment_status(appointment, "Done")
    with pytest.raises(ValidationError, match="reason"):
        sessions.set_appointment_status(appointment, "Cancelled")
    sessions.set_appointment_status(appointment, "Cancelled", "Sick")
    stored = Appointment.get_by_id(appointment.id)
    assert stored.status == "Cancelled" and "Cancelled: Sick" in stored.notes


# ---------------------------------------------------------------- rule 8: status workflow

def test_default_statuses():
    assert settings.DEFAULT_STATUSES == DEFAULTS


def test_status_walks_the_default_list_and_keeps_history(studio):
    session = book(studio)
    assert session.status == "Session Pending"
    for expected in DEFAULTS[1:]:
        assert sessions.next_status(session) == expected
        sessions.advance_status(session, note=f"to {expected}")
        assert Session.get_by_id(session.id).status == expected
    assert sessions.next_status(session) is None
    with pytest.raises(ValidationError, match="no next step"):
        sessions.advance_status(session)
    history = sessions.history(session)
    assert [(h.from_status, h.to_status) for h in history] == [("", DEFAULTS[0])] + list(zip(DEFAULTS, DEFAULTS[1:]))
    assert all(h.user_name == "rita" for h in history)
    assert [r.action for r in audit.history("session", session.id)].count("session.status") == len(DEFAULTS) - 1


def test_status_can_be_set_to_any_step_but_not_to_nonsense(studio):
    session = book(studio)
    sessions.set_status(session, "In Production")
    sessions.set_status(session, "Capture Images Pending")  # back a step: allowed, and recorded
    with pytest.raises(ValidationError, match="not a session status"):
        sessions.set_status(session, "Shooting")
    with pytest.raises(ValidationError, match="already"):
        sessions.set_status(session, "Capture Images Pending")
    assert [h.to_status for h in sessions.history(session)] == ["Session Pending", "In Production",
                                                                 "Capture Images Pending"]


def test_cancel_and_no_show_end_a_session(studio):
    session = book(studio)
    with pytest.raises(ValidationError, match="reason"):
        sessions.cancel_session(session, " ")
    sessions.cancel_session(session, "Rescheduled")
    assert sessions.next_status(session) is None
    with pytest.raises(ValidationError, match="already cancelled"):
        sessions.cancel_session(session, "again")
    with pytest.raises(ValidationError, match="already cancelled"):
        sessions.mark_no_show(session)
    other = sessions.mark_no_show(book(studio))
    assert other.status == "No-Show" and sessions.history(other)[-1].note == "Client did not come"


def test_the_status_list_is_configurable(studio):
    settings.put("session_statuses", ["Booked", "Shot", "Delivered"])
    session = book(studio)
    assert session.status == "Booked"
    sessions.advance_status(session)
    sessions.advance_status(session)
    assert session.status == "Delivered" and sessions.next_status(session) is None
    with pytest.raises(ValidationError):
        sessions.set_status(session, "Order Pending")  # not on this studio's list
    assert SessionStatusChange.select().where(SessionStatusChange.session == session).count() == 3


def test_a_session_on_a_removed_status_moves_to_the_first_one(studio):
    session = book(studio)
    settings.put("session_statuses", ["Booked", "Done"])
    assert sessions.next_status(session) == "Booked"


@pytest.mark.parametrize("bad", [[], ["A", "A"], ["A", ""], "A,B", [1, 2], None])
def test_a_bad_status_list_is_refused(db, bad):
    with pytest.raises(ValidationError):
        settings.put("session_statuses", bad)
    assert settings.session_statuses() == DEFAULTS


def test_days_in_status(studio):
    session = book(studio)
    assert sessions.days_in_status(session, session.status_changed_at + dt.timedelta(days=3, hours=1)) == 3


def test_who_is_recorded(studio):
    users.sign_in(None)
    session = book(studio)
    assert sessions.history(session)[0].user_name == "system"


def test_a_stale_screen_records_the_true_from_status(studio):
    """Another terminal advanced the session after this one loaded it."""
    session = book(studio)
    elsewhere = Session.get_by_id(session.id)
    sessions.advance_status(session)  # -> Capture Images Pending
    with pytest.raises(ValidationError, match="already at"):
        sessions.set_status(elsewhere, "Capture Images Pending")
    sessions.set_status(elsewhere, "Order Pending")
    last = sessions.history(session)[-1]
    assert (last.from_status, last.to_status) == ("Capture Images Pending", "Order Pending")
