"""Issue 4: studio hours and holidays, conflicts under the studio's policy,
the Scheduling Wizard's book() in one transaction, reschedule / cancel / no-show."""
import datetime as dt

import pytest

from spectra_tui.data import audit, booking, invoices, ledger, sessions, settings
from spectra_tui.data.booking import BookingRequest, FollowUp, PaymentNow
from spectra_tui.data.check import run_checks
from spectra_tui.data.clients import DuplicateClient
from spectra_tui.data.errors import ConflictError, DomainError, ValidationError
from spectra_tui.data.models import (Appointment, AuditLog, Client, Holiday, Invoice, LedgerEntry, Session,
                                     SessionStatusChange)

from .conftest_booking import MONDAY, at, bk, counts  # noqa: F401  (bk is a fixture)


def session_request(bk, **overrides) -> BookingRequest:
    args = dict(kind=booking.SESSION, client=bk.ann, session_type=bk.family, photographer=bk.ava, start=at(1, "10:00"))
    args.update(overrides)
    return BookingRequest(**args)


def quick_session(bk, start, photographer=None, room=None, client=None, session_type=None):
    return sessions.create_session(client or bk.bob, photographer or bk.ava, session_type or bk.family, start,
                                   room=room)


# ================================================================ hours and holidays

def test_default_studio_hours_closed_sunday_and_long_thursday(bk):
    hours = booking.studio_hours()
    assert hours[0] == (dt.time(9), dt.time(18))
    assert hours[3] == (dt.time(9), dt.time(20))
    assert hours[6] is None
    days = booking.day_infos(MONDAY, 7)
    assert [d.is_open for d in days] == [True] * 6 + [False]
    assert days[6].label == "Closed" and days[0].label == "9:00 AM – 6:00 PM"


def test_holiday_closes_the_day_and_shows_its_name(bk):
    booking.set_holiday(MONDAY + dt.timedelta(days=2), "Staff retreat")
    info = booking.day_info(MONDAY + dt.timedelta(days=2))
    assert not info.is_open and info.holiday == "Staff retreat" and info.label == "Closed: Staff retreat"
    assert booking.holiday_on(MONDAY) is None
    conflicts = booking.find_conflicts(at(2, "10:00"), 60)
    assert [c.reason for c in conflicts] == ["holiday"]
    assert "Staff retreat" in conflicts[0].message
    booking.remove_holiday(MONDAY + dt.timedelta(days=2))
    assert booking.day_info(MONDAY + dt.timedelta(days=2)).is_open
    assert Holiday.select().count() == 0
    assert [a.action for a in AuditLog.select().where(AuditLog.entity == "holiday")] == ["holiday.set", "holiday.remove"]


def test_changed_studio_hours_are_used_and_bad_hours_refused(bk):
    booking.save_studio_hours({0: ("10:00", "14:00"), 1: None, 2: ["9:00", "17:00"], 3: None, 4: None, 5: None, 6: None})
    assert booking.hours_on(MONDAY) == (dt.time(10), dt.time(14))
    assert not booking.day_info(MONDAY + dt.timedelta(days=1)).is_open
    assert [c.reason for c in booking.find_conflicts(at(0, "13:30"), 60)] == ["hours"]
    assert booking.find_conflicts(at(0, "13:00"), 60) == []
    with pytest.raises(ValidationError, match="open before it closes"):
        booking.save_studio_hours({0: ("18:00", "09:00")})
    with pytest.raises(ValidationError, match="not a time"):
        booking.save_studio_hours({0: ("nine", "18:00")})
    assert booking.hours_on(MONDAY) == (dt.time(10), dt.time(14))  # unchanged by the refused saves


def test_a_damaged_hours_setting_is_a_readable_error(bk):
    settings.put("studio_hours", {"0": ["9am", "18:00"]})
    with pytest.raises(DomainError, match="studio hours for Monday are not valid"):
        booking.studio_hours()


@pytest.mark.parametrize("start, length, reason", [
    (at(0, "8:30"), 60, "hours"),      # before opening
    (at(0, "17:30"), 60, "hours"),     # runs past closing
    (at(0, "23:30"), 60, "hours"),     # over midnight
    (at(5, "9:30"), 30, "hours"),      # Saturday opens at 10
    (at(6, "11:00"), 60, "closed"),    # Sunday
])
def test_outside_hours_and_closed_days_are_conflicts(bk, start, length, reason):
    assert [c.reason for c in booking.find_conflicts(start, length)] == [reason]


def test_inside_hours_to_the_minute_is_fine(bk):
    assert booking.find_conflicts(at(0, "9:00"), 540) == []  # 9:00 to 18:00 exactly
    assert booking.find_conflicts(at(3, "18:30"), 90) == []  # Thursday late


# ================================================================ conflicts

def test_overlap_with_the_photographers_session_is_a_conflict(bk):
    existing = quick_session(bk, at(1, "10:00"))  # 10:00-11:30
    conflicts = booking.find_conflicts(at(1, "11:00"), 60, photographer=bk.ava)
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert (conflict.reason, conflict.kind, conflict.id, conflict.number) == ("photographer", "session", existing.id,
                                                                              existing.number)
    assert (conflict.start, conflict.end) == (at(1, "10:00"), at(1, "11:30"))
    assert "Ava Reyes is already booked" in conflict.message and f"Session {existing.number}" in conflict.message
    assert "Bob Diaz" in conflict.message and "Family" in conflict.message


def test_back_to_back_bookings_and_other_photographers_do_not_conflict(bk):
    quick_session(bk, at(1, "10:00"))
    assert booking.find_conflicts(at(1, "11:30"), 60, photographer=bk.ava) == []  # starts as the other ends
    assert booking.find_conflicts(at(1, "9:00"), 60, photographer=bk.ava) == []  # ends as the other starts
    assert booking.find_conflicts(at(1, "10:00"), 90, photographer=bk.ben) == []


def test_a_long_booking_that_started_earlier_still_conflicts(bk):
    quick_session(bk, at(3, "9:00"), session_type=booking.SessionType.get_by_id(bk.family.id))
    sessions.create_session(bk.bob, bk.ben, bk.family, at(3, "9:00"), length_minutes=600)  # 9:00-19:00
    assert [c.reason for c in booking.find_conflicts(at(3, "18:00"), 30, photographer=bk.ben)] == ["photographer"]


def test_the_photographers_appointments_count_and_rooms_are_checked(bk):
    meeting = sessions.create_appointment("Planning", at(1, "14:00"), 60, staff=bk.ava)
    assert [c.kind for c in booking.find_conflicts(at(1, "14:30"), 30, photographer=bk.ava)] == ["appointment"]
    other = quick_session(bk, at(1, "14:00"), photographer=bk.ben, room=bk.studio_a)
    conflicts = booking.find_conflicts(at(1, "14:30"), 30, photographer=bk.ava, room=bk.studio_a)
    assert sorted((c.reason, c.id) for c in conflicts) == [("photographer", meeting.id), ("room", other.id)]
    assert any("Studio A is taken" in c.message for c in conflicts)


def test_cancelled_and_no_show_bookings_free_the_time(bk):
    first = quick_session(bk, at(1, "10:00"))
    second = quick_session(bk, at(1, "12:00"))
    meeting = sessions.create_appointment("Planning", at(1, "15:00"), 60, staff=bk.ava)
    sessions.cancel_session(first, "Client is ill")
    sessions.mark_no_show(second)
    sessions.set_appointment_status(meeting, "Cancelled", "Not needed")
    for start in (at(1, "10:00"), at(1, "12:00"), at(1, "15:00")):
        assert booking.find_conflicts(start, 60, photographer=bk.ava) == []


def test_check_slot_reports_the_policy_without_writing(bk):
    quick_session(bk, at(1, "10:00"))
    before = counts()
    for policy, blocked, ask in (("never", True, False), ("ask", False, True), ("always", False, False)):
        settings.put("conflict_policy", policy)
        check = booking.check_slot(at(1, "10:30"), 60, bk.ava)
        assert (check.ok, check.blocked, check.needs_confirmation) == (False, blocked, ask)
        assert "Ava Reyes is already booked" in check.message
    assert "does not allow" in booking.conflict_message(check.conflicts, "never")
    assert "book it anyway" in booking.conflict_message(check.conflicts, "ask")
    assert booking.check_slot(at(1, "12:00"), 60, bk.ava).ok
    assert counts() == before


# ================================================================ the conflict policy on book()

def test_policy_never_refuses_and_cannot_be_overridden(bk):
    settings.put("conflict_policy", "never")
    quick_session(bk, at(1, "10:00"))
    before = counts()
    for allow in (False, True):
        with pytest.raises(ConflictError) as info:
            booking.book(session_request(bk, start=at(1, "10:30"), allow_conflict=allow))
        assert info.value.can_override is False
        assert "does not allow double bookings" in str(info.value)
        assert [c.reason for c in info.value.conflicts] == ["photographer"]
    assert counts() == before


def test_policy_ask_refuses_then_books_when_told_to_override(bk):
    quick_session(bk, at(1, "10:00"))
    before = counts()
    request = session_request(bk, start=at(1, "10:30"))
    with pytest.raises(ConflictError) as info:
        booking.book(request)
    assert info.value.can_override is True and "book it anyway" in str(info.value)
    assert counts() == before
    request.allow_conflict = True
    result = booking.book(request)
    assert result.session.start == at(1, "10:30")
    assert [c.reason for c in result.overridden] == ["photographer"]
    assert any(line.startswith("Booked despite: Ava Reyes is already booked") for line in result.summary)


def test_override_covers_only_the_conflicts_the_user_was_shown(bk):
    quick_session(bk, at(1, "10:00"))
    request = session_request(bk, start=at(1, "10:30"))
    with pytest.raises(ConflictError) as first:
        booking.book(request)
    shown = first.value.conflicts
    newcomer = quick_session(bk, at(1, "11:00"), photographer=bk.ava, client=bk.ann)  # another terminal, meanwhile
    request.allow_conflict = shown
    with pytest.raises(ConflictError) as second:
        booking.book(request)
    assert second.value.can_override and "Something changed" in str(second.value)
    assert f"Session {newcomer.number}" in str(second.value) and Session.select().count() == 2
    request.allow_conflict = second.value.conflicts
    result = booking.book(request)
    assert len(result.overridden) == 2 and Session.select().count() == 3


def test_policy_always_books_and_reports_the_conflict(bk):
    settings.put("conflict_policy", "always")
    result = booking.book(session_request(bk, start=at(6, "10:00")))  # a Sunday
    assert Session.select().count() == 1
    assert [c.reason for c in result.overridden] == ["closed"]


def test_outside_hours_follows_the_same_policy(bk):
    settings.put("conflict_policy", "never")
    with pytest.raises(ConflictError, match="outside studio hours"):
        booking.book(session_request(bk, start=at(1, "17:00")))  # 90 min: past 18:00
    assert Session.select().count() == 0


# ================================================================ the Scheduling Wizard

def test_the_whole_wizard_in_one_booking(bk):
    request = BookingRequest(
        kind=booking.SESSION,
        new_client={"first_name": "carla", "last_name": "mendez", "phone_mobile": "512 555 0142"},
        session_type=bk.family, photographer=bk.ava, room=bk.studio_a, start=at(1, "10:00"),
        fee_invoice=True,
        payment=PaymentNow(amount_cents=5000, method="card"),
        follow_ups=[FollowUp("Sales presentation", at(8, "11:00"), 60)],
    )
    result = booking.book(request)
    # step 1: the client created on the fly (auto-capitalised by the client rules)
    assert result.client.full_name == "Carla Mendez" and Client.select().count() == 3
    # steps 2-3: a session with the type's length, the first status, booked in history
    session = Session.get_by_id(result.session.id)
    assert (session.client_id, session.photographer_id, session.room_id) == (result.client.id, bk.ava.id, bk.studio_a.id)
    assert session.length_minutes == 90 and session.status == "Session Pending"
    assert [(h.to_status, h.note) for h in sessions.history(session)] == [("Session Pending", "Booked")]
    # step 5: the session fee invoice, one line with the type's fee, taxed by the invoice rules
    fee = Invoice.get_by_id(result.fee_invoice.id)
    assert (fee.kind, fee.basis, fee.session_id) == (Invoice.SESSION_FEE, "session", session.id)
    lines = invoices.lines_of(fee)
    assert [(l.description, l.quantity, l.unit_price_cents) for l in lines] == [("Family session fee", 1, 15000)]
    assert (fee.subtotal_cents, fee.tax_cents, fee.total_cents) == (15000, 1238, 16238)
    assert booking.fee_totals(bk.family) == (15000, 1238, 16238)
    # step 6: the payment, in the ledger, on the fee invoice
    entry = LedgerEntry.get_by_id(result.payment.id)
    assert (entry.kind, entry.amount_cents, entry.invoice_id, entry.method) == ("payment", 5000, fee.id, "card")
    assert ledger.invoice_money(fee).due == 11238
    # step 7: the follow-up, linked to the session, with its photographer
    follow = Appointment.get_by_id(result.follow_ups[0].id)
    assert (follow.session_id, follow.client_id, follow.staff_id) == (session.id, result.client.id, bk.ava.id)
    assert (follow.title, follow.start, follow.length_minutes) == ("Sales presentation", at(8, "11:00"), 60)
    # step 8: the summary says it all, with the real numbers
    text = "\n".join(result.summary)
    assert "Client: Carla Mendez (new client)" in text
    assert f"Session {session.number}: Family with Ava Reyes in Studio A" in text
    assert "When: Tuesday, June 4, 2030, 10:00 AM – 11:30 AM (90 minutes, in 3 days)" in text
    assert f"Session fee invoice {fee.number}: $150.00 + tax $12.38 = $162.38" in text
    assert "Payment now: $50.00 card on the fee invoice; balance due $112.38" in text
    assert ("Follow-up: Sales presentation, Tuesday, June 11, 2030, 11:00 AM – 12:00 PM (60 minutes, in 10 days) "
            "with Ava Reyes") in text
    assert [line.split(":")[0] for line in result.summary] == [
        "Client", f"Session {session.number}", "When", f"Session fee invoice {fee.number}", "Payment now", "Follow-up"]
    assert run_checks() == []


def test_an_error_at_any_step_leaves_nothing_and_gives_the_numbers_back(bk):
    first = booking.book(session_request(bk, fee_invoice=True))  # draws session 1001, invoice 1001
    before = counts()
    bad = session_request(bk, start=at(2, "10:00"), client=None, new_client={"first_name": "dora", "last_name": "kim"},
                          fee_invoice=True, follow_ups=[FollowUp("Sales presentation", at(9, "10:00"))],
                          payment=PaymentNow(amount_cents=2000, method="check"))  # a check needs its number
    with pytest.raises(ValidationError, match="check number"):
        booking.book(bad)
    assert counts() == before  # no client, session, invoice, appointment, ledger, audit or history row
    bad.payment.reference = "4411"
    result = booking.book(bad)
    assert result.session.number == first.session.number + 1  # no gap: 1002 was given back
    assert result.fee_invoice.number == first.fee_invoice.number + 1
    assert run_checks() == []


def test_a_follow_up_that_conflicts_refuses_the_whole_booking(bk):
    blocker = sessions.create_session(bk.bob, bk.ava, bk.headshot, at(8, "11:15"))
    before = counts()
    request = session_request(bk, fee_invoice=True, follow_ups=[FollowUp("Sales presentation", at(8, "11:00"), 60)])
    with pytest.raises(ConflictError) as info:
        booking.book(request)
    conflict, = info.value.conflicts
    assert (conflict.item, conflict.id) == (1, blocker.id)
    assert conflict.message.startswith("Sales presentation: Ava Reyes is already booked")
    assert counts() == before


def test_a_follow_up_that_overlaps_its_own_session_is_a_conflict(bk):
    request = session_request(bk, follow_ups=[FollowUp("Sales presentation", at(1, "11:00"), 60)])
    with pytest.raises(ConflictError) as info:
        booking.book(request)
    assert info.value.conflicts[0].kind == "session" and info.value.conflicts[0].item == 1
    assert Session.select().count() == 0


def test_deposit_held_or_applied_to_the_fee(bk):
    held = booking.book(session_request(bk, payment=PaymentNow(10000, "cash", kind=booking.DEPOSIT)))
    assert held.payment.kind == "deposit" and held.deposit_applied is None
    assert [left for _d, left in ledger.outstanding_deposits(bk.ann)] == [10000]
    applied = booking.book(session_request(bk, start=at(2, "10:00"), fee_invoice=True,
                                           payment=PaymentNow(20000, "card", kind=booking.DEPOSIT, apply_to_fee=True)))
    assert applied.deposit_applied.amount_cents == 16238  # what the fee invoice was due
    assert ledger.invoice_money(applied.fee_invoice).due == 0
    assert "Deposit now: $200.00 card, $162.38 applied to the fee invoice" in applied.summary
    assert run_checks() == []


def test_payment_needs_the_fee_invoice(bk):
    with pytest.raises(ValidationError, match="fee invoice"):
        booking.book(session_request(bk, payment=PaymentNow(5000, "card")))
    assert Session.select().count() == 0


def test_fee_can_be_changed_for_this_booking(bk):
    result = booking.book(session_request(bk, fee_invoice=True, fee_cents=9900))
    assert invoices.lines_of(result.fee_invoice)[0].unit_price_cents == 9900


def test_length_defaults_to_the_session_type_and_can_be_changed(bk):
    assert session_request(bk).length == 90
    result = booking.book(session_request(bk, length_minutes=45))
    assert result.session.length_minutes == 45


def test_new_client_duplicate_is_asked_then_allowed(bk):
    twin = {"first_name": "Ann", "last_name": "Lee", "phone_mobile": "(512) 867-5309"}
    with pytest.raises(DuplicateClient):
        booking.book(session_request(bk, client=None, new_client=twin))
    assert Client.select().count() == 2 and Session.select().count() == 0
    result = booking.book(session_request(bk, client=None, new_client=twin, allow_duplicate_client=True))
    assert Client.select().count() == 3 and result.client.id != bk.ann.id


@pytest.mark.parametrize("overrides, field", [
    (dict(client=None), "client"),
    (dict(photographer=None), "photographer"),
    (dict(session_type=None), "session_type"),
    (dict(start=None), "start"),
    (dict(new_client={"first_name": "x"}), "client"),  # both an existing and a new client
])
def test_missing_wizard_answers_are_named(bk, overrides, field):
    with pytest.raises(ValidationError) as info:
        booking.book(session_request(bk, **overrides))
    assert info.value.field == field


def test_bad_lengths_are_named_before_anything_is_written(bk):
    with pytest.raises(ValidationError, match="between 5 minutes and 12 hours") as info:
        booking.book(session_request(bk, length_minutes=0))
    assert info.value.field == "length"
    with pytest.raises(ValidationError, match="Follow-up appointment 1: The length must be a whole number"):
        booking.book(session_request(bk, follow_ups=[FollowUp("Sales presentation", at(8, "10:00"), None)]))
    assert Session.select().count() == 0


def test_appointments_unlinked_linked_to_a_client_or_to_a_session(bk):
    meeting = booking.book(BookingRequest(kind=booking.APPOINTMENT, title="Staff meeting", staff=bk.admin,
                                          start=at(0, "9:00"), length_minutes=30))
    assert meeting.appointment.client_id is None and meeting.appointment.staff_id == bk.admin.id
    with pytest.raises(ValidationError, match="title"):
        booking.book(BookingRequest(kind=booking.APPOINTMENT, start=at(0, "10:00")))
    consult = booking.book(BookingRequest(kind=booking.APPOINTMENT, client=bk.bob, title="Consultation",
                                          start=at(0, "11:00"), payment=PaymentNow(2500, "cash", kind=booking.DEPOSIT)))
    assert consult.appointment.client_id == bk.bob.id and consult.payment.client_id == bk.bob.id
    session = booking.book(session_request(bk)).session
    linked = booking.book(BookingRequest(kind=booking.APPOINTMENT, session=session, title="Proofing",
                                         start=at(3, "15:00"), length_minutes=60))
    appointment = linked.appointment
    assert (appointment.session_id, appointment.client_id, appointment.staff_id) == (session.id, bk.ann.id, bk.ava.id)
    assert f"Appointment: Proofing for session {session.number}, Ava Reyes" in linked.summary
    with pytest.raises(ValidationError, match="belongs to a session"):
        booking.book(BookingRequest(kind=booking.APPOINTMENT, client=bk.bob, title="x", start=at(0, "12:00"),
                                    fee_invoice=True))


def test_an_appointment_for_a_busy_photographer_is_a_conflict(bk):
    session = booking.book(session_request(bk)).session
    with pytest.raises(ConflictError):
        booking.book(BookingRequest(kind=booking.APPOINTMENT, session=session, title="Proofing", start=at(1, "11:00")))
    assert Appointment.select().count() == 0


def test_preview_is_the_summary_and_writes_nothing(bk):
    quick_session(bk, at(1, "10:00"), photographer=bk.ava)
    before = counts()
    request = session_request(bk, start=at(1, "11:00"), client=None, new_client={"first_name": "eve", "last_name": "moss"},
                              fee_invoice=True, payment=PaymentNow(5000, "card"),
                              follow_ups=[FollowUp("Sales presentation", at(8, "10:00"))])
    shown = booking.preview(request)
    assert counts() == before
    assert shown.check.needs_confirmation and [c.reason for c in shown.check.conflicts] == ["photographer"]
    assert shown.fee_total_cents == 16238
    text = "\n".join(shown.summary)
    assert "Client: Eve Moss (new client)" in text and "New session: Family with Ava Reyes" in text
    assert "Session fee invoice: $150.00 + tax $12.38 = $162.38" in text and "Follow-up: Sales presentation" in text
    assert "Conflict: Ava Reyes is already booked" in text
    # Confirm after agreeing to the override gives the same picture, with numbers
    request.allow_conflict = True
    result = booking.book(request)
    assert f"Session {result.session.number}: Family with Ava Reyes" in result.summary
    assert len(result.summary) == len(shown.summary)


def test_preview_still_raises_for_bad_answers(bk):
    with pytest.raises(ValidationError):
        booking.preview(session_request(bk, photographer=None))


# ================================================================ reschedule, cancel, no-show

def test_reschedule_moves_keeps_the_status_and_notes_the_history(bk):
    session = booking.book(session_request(bk)).session
    sessions.advance_status(session)
    result = booking.reschedule_session(session, at(2, "14:00"), reason="client asked")
    moved = Session.get_by_id(session.id)
    assert moved.start == at(2, "14:00") and moved.status == "Capture Images Pending"
    assert result.note == "Rescheduled from Tue 06/04 10:00 to Wed 06/05 14:00: client asked"
    last = sessions.history(moved)[-1]
    assert (last.from_status, last.to_status, last.note, last.user_name) == (
        "Capture Images Pending", "Capture Images Pending", result.note, "rita")
    entry = audit.history("session", session.id)[-1]
    assert entry.action == "session.reschedule" and '"start":"2030-06-05T14:00:00"' in entry.after
    assert '"start":"2030-06-04T10:00:00"' in entry.before


def test_reschedule_to_another_photographer_room_and_length(bk):
    session = booking.book(session_request(bk, room=bk.studio_a)).session
    result = booking.reschedule_session(session, at(1, "10:00"), photographer=bk.ben, room=bk.studio_b,
                                        length_minutes=60)
    moved = result.item
    assert (moved.photographer_id, moved.room_id, moved.length_minutes) == (bk.ben.id, bk.studio_b.id, 60)
    assert result.note == ("Changed; photographer Ava Reyes → Ben Carter; room Studio A → Studio B; "
                           "90 → 60 minutes")
    assert booking.reschedule_session(moved, at(1, "10:00"), room=None).item.room_id is None


def test_reschedule_over_its_own_old_time_is_not_a_conflict_but_others_are(bk):
    settings.put("conflict_policy", "never")
    session = booking.book(session_request(bk)).session
    booking.reschedule_session(session, at(1, "10:30"))  # overlaps where it was: fine
    other = quick_session(bk, at(1, "14:00"))
    with pytest.raises(ConflictError) as info:
        booking.reschedule_session(session, at(1, "13:00"))
    assert info.value.conflicts[0].id == other.id and not info.value.can_override
    assert Session.get_by_id(session.id).start == at(1, "10:30")  # unchanged
    assert len(sessions.history(session)) == 2  # Booked + one reschedule


def test_reschedule_under_ask_needs_the_override(bk):
    quick_session(bk, at(1, "14:00"))
    session = booking.book(session_request(bk)).session
    with pytest.raises(ConflictError) as info:
        booking.reschedule_session(session, at(1, "14:30"))
    assert info.value.can_override
    result = booking.reschedule_session(session, at(1, "14:30"), allow_conflict=True)
    assert result.item.start == at(1, "14:30") and result.overridden


def test_reschedule_refuses_cancelled_and_no_change(bk):
    session = booking.book(session_request(bk)).session
    with pytest.raises(ValidationError, match="already booked then"):
        booking.reschedule_session(session, at(1, "10:00"))
    booking.cancel_booking(session, "Moved away")
    with pytest.raises(ValidationError, match="cancelled"):
        booking.reschedule_session(session, at(2, "10:00"))


def test_reschedule_an_appointment_of_a_session(bk):
    result = booking.book(session_request(bk, follow_ups=[FollowUp("Sales presentation", at(8, "11:00"))]))
    presentation = result.follow_ups[0]
    moved = booking.reschedule(presentation, at(9, "15:00"))
    assert moved.item.start == at(9, "15:00")
    assert "Rescheduled from Tue 06/11 11:00 to Wed 06/12 15:00" in moved.item.notes
    last = sessions.history(result.session)[-1]
    assert last.note == "Sales presentation: Rescheduled from Tue 06/11 11:00 to Wed 06/12 15:00"
    assert last.from_status == last.to_status == "Session Pending"
    assert audit.history("appointment", presentation.id)[-1].action == "appointment.reschedule"
    staff_moved = booking.reschedule_appointment(moved.item, at(9, "15:00"), staff=bk.ben)
    assert staff_moved.item.staff_id == bk.ben.id and "staff Ava Reyes → Ben Carter" in staff_moved.note


def test_cancel_a_session_with_its_upcoming_appointments(bk):
    result = booking.book(session_request(bk, follow_ups=[FollowUp("Sales presentation", at(8, "11:00"))]))
    cancelled = booking.cancel_booking(result.session, "Family emergency")
    assert cancelled.status == "Cancelled"
    assert Appointment.get_by_id(result.follow_ups[0].id).status == "Cancelled"
    notes = [(h.to_status, h.note) for h in sessions.history(cancelled)]
    assert notes[1] == ("Cancelled", "Family emergency")
    assert notes[2] == ("Cancelled", "Also cancelled: Sales presentation Tue 06/11 11:00")
    # the time is free again
    assert booking.book(session_request(bk, client=bk.bob)).session.start == at(1, "10:00")
    with pytest.raises(ValidationError, match="reason"):
        booking.cancel_booking(result.session, "  ")


def test_cancel_can_keep_the_follow_ups(bk):
    result = booking.book(session_request(bk, follow_ups=[FollowUp("Sales presentation", at(8, "11:00"))]))
    booking.cancel_booking(result.session, "Reshoot later", cancel_follow_ups=False)
    assert Appointment.get_by_id(result.follow_ups[0].id).status == "Scheduled"


def test_cancel_or_no_show_an_appointment_notes_its_session(bk):
    result = booking.book(session_request(bk, follow_ups=[FollowUp("Sales presentation", at(8, "11:00")),
                                                          FollowUp("Pick-up", at(15, "11:00"), 30)]))
    first, second = result.follow_ups
    booking.cancel_booking(first, "Will order online")
    assert Appointment.get_by_id(first.id).status == "Cancelled"
    booking.mark_no_show(second)
    assert Appointment.get_by_id(second.id).status == "No-Show"
    notes = [h.note for h in sessions.history(result.session)]
    assert "Sales presentation Tue 06/11 11:00 cancelled: Will order online" in notes
    assert "Pick-up Tue 06/18 11:00: no-show" in notes
    assert Session.get_by_id(result.session.id).status == "Session Pending"
    with pytest.raises(ValidationError, match="already"):
        booking.cancel_booking(first, "again")


def test_no_show_a_session(bk):
    session = booking.book(session_request(bk)).session
    marked = booking.mark_no_show(session)
    assert marked.status == "No-Show"
    assert sessions.history(marked)[-1].note == "Client did not come"
    assert booking.find_conflicts(at(1, "10:00"), 90, photographer=bk.ava) == []
    assert SessionStatusChange.select().count() == 2
