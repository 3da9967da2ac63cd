"""The Scheduling Wizard, driven by a receptionist's keystrokes (Ctrl+P, the
calendar, a session record), with the database checked afterwards: one
transaction on Confirm, nothing at all on Cancel or on an error, and the
studio's conflict policy (never / ask / always)."""
import datetime as dt

import pytest

from spectra_tui.data import booking, ledger, settings
from spectra_tui.data import sessions as session_data
from spectra_tui.data.when import clock
from spectra_tui.data.models import Appointment, AuditLog, Client, Invoice, LedgerEntry, Session, SessionType, User
from spectra_tui.screens.dialogs import ChoiceDialog, ConfirmDialog
from spectra_tui.screens.wizard import ChoiceField, NewClientDialog, SchedulingWizard

SIZE = (120, 40)
FREE = dt.datetime(2026, 12, 1, 10, 0)  # Tuesday: Ava Reyes is free for a Family session (90 min)
BUSY = dt.datetime(2026, 11, 30, 10, 0)  # Monday: Ava Reyes has a Newborn session 9:30-11:30


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if char == " " else char for char in text])


def user(username: str) -> User:
    return User.get(User.username == username)


def counts() -> dict:
    return {"clients": Client.select().count(), "sessions": Session.select().count(),
            "appointments": Appointment.select().count(), "invoices": Invoice.select().count(),
            "ledger": LedgerEntry.select().count(), "audit": AuditLog.select().count()}


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def open_wizard(app, pilot, **kwargs) -> SchedulingWizard:
    app.open_scheduling_wizard(**kwargs)
    await pilot.pause()
    wizard = app.screen
    assert isinstance(wizard, SchedulingWizard)
    return wizard


async def to_check(app, pilot, start: dt.datetime, client_id: int = 3) -> SchedulingWizard:
    """A Family session for Ava Reyes at ``start``, up to the conflict check."""
    wizard = await open_wizard(app, pilot, client=Client.get_by_id(client_id), start=start, photographer=user("ava"))
    await pilot.press("enter")  # 1: continue with the client
    assert wizard.step == "kind"
    await pilot.press("enter")  # 2: a session
    await pilot.press("enter")  # 3: as filled in
    assert wizard.step == "check"
    return wizard


# ---------------------------------------------------------------- Ctrl+P and a client made on the fly

async def test_ctrl_p_books_a_session_with_a_new_client_made_on_the_fly(app):
    assert booking.check_slot(FREE, 90, user("ava")).ok
    before = counts()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        wizard = app.screen_stack[-2]
        assert isinstance(wizard, SchedulingWizard)  # the client search is open over it
        await pilot.press("ctrl+n")  # a new client: the wizard takes the fields, nothing saved yet
        await pilot.pause()
        assert isinstance(app.screen, NewClientDialog)
        await type_text(pilot, "carla")
        await pilot.press("tab", "tab")
        await type_text(pilot, "mendez")
        await pilot.press("tab", "tab")
        await type_text(pilot, "5125550142")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is wizard and wizard.step == "kind"
        assert wizard.state.new_client.name == "Carla Mendez"
        assert counts() == before  # not created before Confirm
        await pilot.press("enter")  # a session
        assert wizard.step == "details"
        await pilot.press("enter")  # no date yet: refused, the date field gets the focus
        assert wizard.step == "details" and "Type the date and time" in text_of(wizard, "#wz-error")
        assert app.screen.focused.id == "wz-when"
        await type_text(pilot, "12/1 10am")
        await pilot.pause()
        assert "Tuesday, December 1, 2026 at 10:00 AM" in text_of(wizard, "#wz-when-back")  # shown back
        await pilot.press("enter")
        assert wizard.step == "check" and "✓" in text_of(wizard, "#wz-check-result")
        await pilot.press("enter")  # 5: fee invoice, yes
        assert wizard.step == "fee"
        await pilot.press("enter")
        assert wizard.step == "payment"
        await pilot.press("right")  # a payment on the fee invoice
        assert app.screen.query_one("#wz-pay-amount").value == "162.38"
        await pilot.press("tab")
        app.screen.query_one("#wz-pay-amount").value = ""
        await type_text(pilot, "50")
        await pilot.press("enter")
        assert wizard.step == "followups"
        await type_text(pilot, "+1w 4pm")  # a week after the session
        await pilot.pause()
        assert "Tuesday, December 8, 2026 at 4:00 PM" in text_of(wizard, "#wz-fu-back")
        await pilot.press("enter")  # added
        assert len(wizard.state.follow_ups) == 1 and wizard.step == "followups"
        await pilot.press("enter")  # nothing more: the summary
        assert wizard.step == "summary"
        summary = text_of(wizard, "#wz-summary")
        assert "Client: Carla Mendez (new client)" in summary and "Follow-up: Sales presentation" in summary
        assert "Payment now: $50.00 card" in summary
        assert counts() == before
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, SchedulingWizard)
    client = Client.select().order_by(Client.id.desc()).first()
    assert client.full_name == "Carla Mendez" and client.phone_mobile
    session = Session.get(Session.client == client)
    assert (session.start, session.photographer.username, session.session_type.name) == (FREE, "ava", "Family")
    fee = Invoice.get(Invoice.session == session)
    assert fee.kind == "Session Fee" and ledger.invoice_money(fee).paid == 5000
    follow = Appointment.get(Appointment.session == session)
    assert (follow.title, follow.start, follow.staff.username) == ("Sales presentation",
                                                                   dt.datetime(2026, 12, 8, 16, 0), "ava")
    after = counts()
    assert (after["clients"], after["sessions"], after["appointments"], after["invoices"], after["ledger"]) == (
        before["clients"] + 1, before["sessions"] + 1, before["appointments"] + 1, before["invoices"] + 1,
        before["ledger"] + 1)


async def test_cancel_after_entering_a_new_client_asks_and_leaves_nothing(app):
    before = counts()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_text(pilot, "dora")
        await pilot.press("tab", "tab")
        await type_text(pilot, "quinn")
        await pilot.press("ctrl+w")
        await pilot.pause()
        wizard = app.screen
        assert wizard.step == "kind"
        await pilot.press("escape")  # back to step 1
        assert wizard.step == "client"
        await pilot.press("escape")  # cancel: something was entered, so it asks
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen is wizard
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, SchedulingWizard)
    assert counts() == before


async def test_a_bad_new_client_field_is_shown_at_the_field_and_kept(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        dialog = app.screen
        await pilot.press("tab", "tab", "tab", "tab")  # mobile phone
        await type_text(pilot, "12")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is dialog
        from spectra_tui.screens.clients import ClientFields

        assert dialog.query_one(ClientFields).error_of("phone_mobile")  # the rule's message at its field
        assert dialog.query_one("#f-phone_mobile").value == "12"


async def test_a_possible_duplicate_offers_the_existing_client(app):
    existing = Client.get_by_id(3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        wizard = app.screen_stack[-2]
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_text(pilot, existing.first_name.lower())
        await pilot.press("tab", "tab")
        await type_text(pilot, existing.last_name.lower())
        await pilot.press("tab", "tab")
        await type_text(pilot, existing.phone_mobile)
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # use the existing client
        await pilot.pause()
        assert app.screen is wizard and wizard.state.client.id == existing.id and wizard.state.new_client is None


async def test_ctrl_p_twice_opens_one_wizard(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("escape")  # the search
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert sum(isinstance(s, SchedulingWizard) for s in app.screen_stack) == 1


# ---------------------------------------------------------------- the conflict policy

async def test_policy_never_refuses_with_the_message(app):
    settings.put("conflict_policy", "never")
    before = counts()
    async with app.run_test(size=SIZE) as pilot:
        wizard = await to_check(app, pilot, BUSY)
        result = text_of(wizard, "#wz-check-result")
        assert "Ava Reyes is already booked" in result and "does not allow" in result
        assert "keep" not in [o.id for o in wizard.query_one("#wz-check-options").options]
        await pilot.press("ctrl+w")  # trying to go on anyway
        await pilot.pause()
        assert wizard.step == "check" and "Not possible" in text_of(wizard, "#wz-error")
        await pilot.press("enter")  # the first free time offered instead
        await pilot.pause()
        assert wizard.state.start != BUSY and "✓" in text_of(wizard, "#wz-check-result")
        assert booking.check_slot(wizard.state.start, 90, user("ava")).ok
        await pilot.press("escape", "escape", "escape", "escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, SchedulingWizard)
    assert counts() == before


async def test_policy_ask_no_books_nothing(app):
    settings.put("conflict_policy", "ask")
    before = counts()
    async with app.run_test(size=SIZE) as pilot:
        wizard = await to_check(app, pilot, BUSY)
        await pilot.press("enter")  # keep this time
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Book it anyway?" in text_of(app.screen, "#question")
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is wizard and wizard.step == "check"
    assert counts() == before


async def test_policy_ask_yes_books_it_anyway(app):
    settings.put("conflict_policy", "ask")
    before = counts()
    async with app.run_test(size=SIZE) as pilot:
        wizard = await to_check(app, pilot, BUSY)
        await pilot.press("enter", "y")
        await pilot.pause()
        assert wizard.step == "fee"
        await pilot.press("ctrl+w")  # straight to the summary
        await pilot.pause()
        assert wizard.step == "summary"
        assert "Conflict: Ava Reyes is already booked" in text_of(wizard, "#wz-summary")
        await pilot.press("ctrl+w")  # confirm: agreed already, not asked again
        await pilot.pause()
        assert not isinstance(app.screen, (SchedulingWizard, ConfirmDialog))
    assert counts()["sessions"] == before["sessions"] + 1
    assert Session.select().where((Session.start == BUSY) & (Session.client == 3)).exists()


async def test_policy_always_books_and_reports(app):
    settings.put("conflict_policy", "always")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await to_check(app, pilot, BUSY)
        assert "Booked despite" in text_of(wizard, "#wz-check-result")
        await pilot.press("enter")  # keep this time: no question
        await pilot.pause()
        assert wizard.step == "fee"
        await pilot.press("ctrl+w", "ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, SchedulingWizard)
    assert Session.select().where((Session.start == BUSY) & (Session.client == 3)).exists()


async def test_a_booking_made_meanwhile_is_refused_on_confirm_and_nothing_is_left(app):
    settings.put("conflict_policy", "never")
    before = counts()
    async with app.run_test(size=SIZE) as pilot:
        wizard = await to_check(app, pilot, FREE)
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert wizard.step == "summary"
        # another terminal books Ava Reyes at that very time
        session_data.create_session(Client.get_by_id(9), user("ava"), SessionType.get(SessionType.name == "Headshot"),
                                    FREE)
        middle = counts()
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is wizard and "Not booked" in text_of(wizard, "#wz-error")
        assert counts() == middle
    assert counts()["sessions"] == before["sessions"] + 1  # only the other terminal's


# ---------------------------------------------------------------- appointments

async def test_appointment_for_a_session_from_its_record(app):
    session = Session.select().where((Session.start >= dt.datetime(2026, 11, 30))
                                     & (Session.status == "Session Pending")).order_by(Session.start).first()
    start = dt.datetime(2026, 12, 8, 16, 0)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(app, pilot, session=session, kind="appointment")
        assert wizard.state.link == f"session:{session.id}"
        await pilot.press("enter")  # continue with the session's client
        assert wizard.step == "kind"
        assert wizard.query_one("#wz-kind", ChoiceField).value == "appointment"
        assert wizard.query_one("#wz-link", ChoiceField).value == f"session:{session.id}"
        await pilot.press("tab", "tab")  # the title
        await type_text(pilot, "Sales presentation")
        await pilot.press("enter")
        assert wizard.step == "details"
        assert wizard.query_one("#wz-staff", ChoiceField).value == session.photographer_id
        assert wizard.query_one("#wz-length").value == "60"
        wizard.query_one("#wz-when").focus()
        await type_text(pilot, "12/8 4pm")
        await pilot.press("enter")
        assert wizard.step == "check"
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert wizard.step == "summary" and "Appointment: Sales presentation for session" in text_of(
            wizard, "#wz-summary")
        await pilot.press("enter")  # Enter confirms on the summary too
        await pilot.pause()
        assert not isinstance(app.screen, SchedulingWizard)
    appointment = Appointment.select().order_by(Appointment.id.desc()).first()
    assert (appointment.session_id, appointment.client_id, appointment.staff_id, appointment.start) == (
        session.id, session.client_id, session.photographer_id, start)


async def test_an_unlinked_staff_meeting(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("escape")  # no client search
        await pilot.pause()
        wizard = app.screen
        await pilot.press("down", "down", "enter")  # "No client"
        assert wizard.step == "kind" and wizard.query_one("#wz-kind", ChoiceField).value == "appointment"
        await pilot.press("enter")
        assert "needs a title" in text_of(wizard, "#wz-error")
        assert app.screen.focused.id == "wz-title-input"
        await type_text(pilot, "Staff meeting")
        await pilot.press("enter")
        assert wizard.step == "details"
        await pilot.press("right")  # With: the first staff member after "nobody"
        wizard.query_one("#wz-when").focus()
        await type_text(pilot, "12/2 9am")
        await pilot.press("enter")
        assert wizard.step == "check"
        await pilot.press("enter")
        assert wizard.step == "summary"  # no fee, no money, no follow-ups for an unlinked meeting
        await pilot.press("ctrl+w")
        await pilot.pause()
    meeting = Appointment.select().order_by(Appointment.id.desc()).first()
    assert (meeting.title, meeting.client_id, meeting.session_id) == ("Staff meeting", None, None)
    assert meeting.start == dt.datetime(2026, 12, 2, 9, 0) and meeting.length_minutes == 30


async def test_deposit_applied_to_the_fee_invoice(app):
    async with app.run_test(size=SIZE) as pilot:
        wizard = await to_check(app, pilot, FREE)
        await pilot.press("enter", "enter")  # check ok, fee yes
        assert wizard.step == "payment"
        await pilot.press("right", "right")  # a deposit
        assert wizard.query_one("#wz-pay-kind", ChoiceField).value == "deposit"
        await pilot.press("tab")
        await type_text(pilot, "75")
        await pilot.press("tab", "tab", "right")  # method, then apply to fee: yes
        assert wizard.query_one("#wz-pay-apply", ChoiceField).value is True
        await pilot.press("enter", "enter")
        assert wizard.step == "summary"
        assert "Deposit now: $75.00 card, $75.00 applied to the fee invoice" in text_of(wizard, "#wz-summary")
        await pilot.press("ctrl+w")
        await pilot.pause()
    session = Session.get((Session.start == FREE) & (Session.client == 3))
    fee = Invoice.get(Invoice.session == session)
    assert ledger.invoice_money(fee).paid == 7500


async def test_escape_goes_back_and_keeps_what_was_typed(app):
    async with app.run_test(size=SIZE) as pilot:
        wizard = await to_check(app, pilot, FREE)
        await pilot.press("escape")
        assert wizard.step == "details"
        assert wizard.query_one("#wz-when").value == "12/1/2026 10:00am"
        await pilot.press("escape", "escape")
        assert wizard.step == "client"
        await pilot.press("escape")  # only what the caller filled in: closes without asking
        await pilot.pause()
        assert not isinstance(app.screen, SchedulingWizard)


@pytest.mark.parametrize("size", [(80, 24)])
async def test_the_whole_wizard_fits_80x24(app, size):
    async with app.run_test(size=size) as pilot:
        wizard = await to_check(app, pilot, FREE)
        box = wizard.query_one("#wizard")
        assert box.region.width <= 80 and box.region.height <= 24
        for step in ("check", "fee", "payment", "followups", "summary"):
            assert wizard.step == step
            for widget in wizard.query(f"#step-{step} *"):
                if widget.display and widget.region.width:
                    assert widget.region.right <= box.region.right, widget
                    assert widget.region.bottom <= box.region.bottom, widget
            if step != "summary":
                await pilot.press("enter")


async def test_a_suggested_time_chosen_shows_in_the_wizards_header(app):
    """The line under the step bar (what is decided so far) follows the
    free time chosen at the check, not the time typed before."""
    settings.put("conflict_policy", "never")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await to_check(app, pilot, BUSY)
        assert clock(BUSY) in text_of(wizard, "#wz-sofar")
        await pilot.press("enter")  # the first free time offered
        await pilot.pause()
        chosen = wizard.state.start
        assert chosen != BUSY
        header = text_of(wizard, "#wz-sofar")
        assert f"{chosen:%a %b} {chosen.day} {clock(chosen)}" in header and clock(BUSY) not in header
