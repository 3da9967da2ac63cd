"""The first start of a new studio, from an EMPTY database: the setup's steps
(the studio, the owner, a photographer, a room, a session type), then the
first session booked with the Scheduling Wizard; the setup opened again later.

The first test starts the app as `spectra --db new.db` does: nobody signed
in, a studio that needs its first start, so the app opens on the setup; the
others push FirstStartScreen as the app does (from Home, the palette...)."""
import datetime as dt

import pytest

from spectra_tui.data import settings, users
from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.data.db import close_database, open_database
from spectra_tui.data.models import Room, Session, SessionType, User
from spectra_tui.screens.first_start import FirstStartScreen
from spectra_tui.screens.staff import AccountDialog
from spectra_tui.screens.wizard import NewClientDialog, SchedulingWizard

SIZE = (120, 40)
NOW = dt.datetime(2026, 11, 26, 10, 30)  # a Thursday; the session is booked for Tuesday Dec 1, 10am


@pytest.fixture
def new_studio(tmp_path):
    """A database with nothing in it (as `spectra init` makes), nobody signed in."""
    open_database(tmp_path / "new.db", create=True)
    set_clock(lambda: to_utc(NOW))
    yield
    set_clock(None)
    users.sign_in(None)
    close_database()


@pytest.fixture
def new_app(new_studio, tmp_path):
    from spectra_tui.app import SpectraApp

    return SpectraApp(keys_file=tmp_path / "no-user-keys.toml", cursor_blink=False)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if char == " " else char for char in text])


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def open_setup(app, pilot, **kwargs) -> FirstStartScreen:
    setup = FirstStartScreen(**kwargs)
    answers = []
    app.push_screen(setup, answers.append)
    await pilot.pause()
    setup.answers = answers
    return setup


async def test_an_empty_studio_is_set_up_then_its_first_session_booked(new_app):
    app = new_app
    assert User.select().count() == 0 and users.needs_first_start()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        setup = app.screen  # the app opened on the setup by itself
        assert isinstance(setup, FirstStartScreen)
        assert "Step 1 of 6: The studio" in shown(setup, "#setup-progress")
        # (a) the studio: name, address (two lines), time zone, tax
        setup.query_one("#f-studio_name").value = ""
        await type_text(pilot, "Lumen Portraits")
        await pilot.press("tab")
        await type_text(pilot, "12 Elm Street")
        await pilot.press("enter")
        await type_text(pilot, "Austin, TX")
        await pilot.press("tab")
        assert app.focused.id == "f-timezone"
        await pilot.press("tab")
        app.focused.value = ""
        await type_text(pilot, "7.5")
        await pilot.press("enter")  # the last field: checked, kept for the owner's account
        assert "Step 2 of 6: The owner" in shown(setup, "#setup-progress")
        assert settings.get("studio_name") != "Lumen Portraits"  # nobody may store settings before the owner
        # (b) the owner: cannot be skipped
        await pilot.press("pagedown")
        assert setup.current.step_id == "owner" and "owner's account" in shown(setup, "#setup-error")
        await type_text(pilot, "Olivia Stone")
        await pilot.press("tab")
        await type_text(pilot, "olivia")
        await pilot.press("tab", "tab")
        await type_text(pilot, "2468")
        await pilot.press("tab")
        await type_text(pilot, "2469")
        await pilot.press("enter")  # not the same twice: said at the field, both typed again
        assert "not the same" in shown(setup, "#err-again") and User.select().count() == 0
        assert setup.query_one("#f-password").value == "" and app.focused.id == "f-again"
        setup.query_one("#f-password").focus()
        await type_text(pilot, "2468")
        await pilot.press("tab")
        await type_text(pilot, "2468")
        await pilot.press("enter")
        assert "Step 3 of 6: Staff" in shown(setup, "#setup-progress")
        owner = users.current_user()
        assert owner.username == "olivia" and owner.role == "owner" and app.sub_title == "Olivia Stone"
        assert settings.get("studio_name") == "Lumen Portraits" and settings.get("tax_rate") == "0.075"
        assert settings.get("studio_address") == "12 Elm Street\nAustin, TX"
        # (c) the staff: a photographer with a PIN
        await pilot.press("a")
        assert isinstance(app.screen, AccountDialog)
        await type_text(pilot, "Ava Reyes")
        await pilot.press("enter")
        await type_text(pilot, "ava")
        await pilot.press("enter", "enter")  # initials: from the name
        assert app.focused.id == "f-role"
        await pilot.press("right")  # front desk -> photographer (ticks "photographs")
        await pilot.press("enter", "enter", "enter")  # photographs, colour
        await type_text(pilot, "1357")
        await pilot.press("enter")
        await type_text(pilot, "1357")
        await pilot.press("enter")
        assert app.screen is setup
        ava = User.get(User.username == "ava")
        assert (ava.role, ava.photographs, ava.initials) == ("photographer", True, "AR") and ava.password_hash
        assert [u.username for u in setup.query_one("#staff-table").loaded_rows] == ["ava", "olivia"]
        await pilot.press("ctrl+w")  # nothing to save: on
        # (d) a room
        assert "Step 4 of 6: Rooms" in shown(setup, "#setup-progress")
        await type_text(pilot, "Studio A")
        await pilot.press("enter")
        assert [room.name for room in Room.select()] == ["Studio A"]
        assert "Studio A" in shown(setup, "#rooms-list")
        await pilot.press("ctrl+w")
        # (e) a session type
        assert "Step 5 of 6: Session types" in shown(setup, "#setup-progress")
        await type_text(pilot, "Family")
        await pilot.press("enter")
        await type_text(pilot, "90")
        await pilot.press("enter")
        await type_text(pilot, "150")
        await pilot.press("enter")
        family = SessionType.get(SessionType.name == "Family")
        assert (family.length_minutes, family.fee_cents) == (90, 15000)
        await pilot.press("ctrl+w")
        assert "Step 6 of 6: Price list (may be skipped)" in shown(setup, "#setup-progress")
        await pilot.press("pagedown")  # skipped, the last step: done
        await pilot.pause()
        assert app.screen is not setup and users.current_user() == owner
        assert app.current_mode == "home" and app.sub_title == "Olivia Stone"

        # The first session, for a new client, with the Scheduling Wizard (Ctrl+P)
        await pilot.press("ctrl+p")
        await pilot.pause()
        wizard = app.screen_stack[-2]
        assert isinstance(wizard, SchedulingWizard)
        await pilot.press("ctrl+n")
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
        await pilot.press("enter")  # a session
        assert wizard.step == "details"
        assert "Family" in shown(wizard, "#wz-type") and "Ava Reyes" in shown(wizard, "#wz-photographer")
        await pilot.press("enter")  # no date yet: the date field gets the focus
        await type_text(pilot, "12/1 10am")
        await pilot.press("enter")
        assert wizard.step == "check", shown(wizard, "#wz-error")
        await pilot.press("ctrl+w")  # to the summary
        assert wizard.step == "summary"
        await pilot.press("ctrl+w")  # confirm
        await pilot.pause()
        assert not isinstance(app.screen, SchedulingWizard)
    session = Session.get()
    assert session.client.full_name == "Carla Mendez"
    assert (session.start, session.photographer.username, session.session_type.name) == (
        dt.datetime(2026, 12, 1, 10, 0), "ava", "Family")


# ---------------------------------------------------------------- what an empty studio's screens say


@pytest.fixture
def owner_app(new_app):
    """The new studio with only its owner (signed in): no staff, rooms or session types."""
    from spectra_tui.data import accounts, clients

    users.sign_in(accounts.create_user("olivia", "Olivia Stone", "owner", password="2468"))
    new_app.client = clients.save_client(None, {"first_name": "ann", "last_name": "lee"})
    return new_app


async def test_the_wizard_says_what_is_missing_and_its_key_sets_it_up(owner_app):
    from spectra_tui.data import accounts

    app = owner_app
    async with app.run_test(size=SIZE) as pilot:
        app.open_scheduling_wizard(client=app.client)
        await pilot.pause()
        wizard = app.screen
        await pilot.press("enter", "enter")  # the client, a session
        assert wizard.step == "details"
        missing = shown(wizard, "#wz-missing")
        assert "No session types yet: Alt+S sets them up." in missing
        assert "No photographer yet: Alt+S adds the staff" in missing
        await pilot.press("alt+s")  # the setup, at its staff step
        setup = app.screen
        assert isinstance(setup, FirstStartScreen) and setup.current.step_id == "staff"
        accounts.create_user("ava", "Ava Reyes", "photographer")  # (as the staff step's Add would)
        await pilot.press("pagedown", "pagedown")  # past the rooms
        assert setup.current.step_id == "session_types"
        await type_text(pilot, "Family")
        await pilot.press("tab")
        await type_text(pilot, "90")
        await pilot.press("tab")
        await type_text(pilot, "150")
        await pilot.press("ctrl+w")  # adds it
        assert setup.current.step_id == "price_list"
        await pilot.press("escape")  # leaves the setup
        await pilot.pause()
        assert app.screen is wizard and wizard.step == "details"
        assert not wizard.query_one("#wz-missing").display  # the choices were read again
        assert "Family" in shown(wizard, "#wz-type") and "Ava Reyes" in shown(wizard, "#wz-photographer")


async def test_the_setup_opened_again_shows_what_is_there_and_keeps_to_managers(owner_app):
    from staff import add_user

    app = owner_app
    rita = add_user("rita", "Rita Gomez", "front_desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")  # Home's entry
        setup = app.screen
        assert isinstance(setup, FirstStartScreen)
        await pilot.press("pagedown")
        assert "The studio's owner: Olivia Stone. Nothing to do here." in shown(setup, "#owner-lead")
        users.sign_in(rita)
        await pilot.press("pagedown", "pagedown")
        assert setup.current.step_id == "rooms"
        await type_text(pilot, "Studio A")
        await pilot.press("enter")
        assert "Only a manager or the owner may change the studio's settings" in shown(setup, "#setup-error")
        assert Room.select().count() == 0
        assert setup.has_unsaved_changes  # the room typed stays (Ctrl+Q, Change User ask first)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FirstStartScreen)


async def test_leaving_the_first_start_before_the_owner_exists_asks(new_app):
    from spectra_tui.screens.dialogs import ConfirmDialog

    app = new_app
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(app, pilot)
        await pilot.press("pagedown")  # the studio step skipped
        assert setup.current.step_id == "owner"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert setup.answers == [None] and User.select().count() == 0


async def test_an_upgraded_studio_s_owner_is_asked_only_for_a_password(new_app):
    from spectra_tui.data import accounts

    boss = accounts.create_user("boss", "Old Boss", "owner")  # from before sign-in: no password
    app = new_app
    async with app.run_test(size=SIZE) as pilot:
        setup = await open_setup(app, pilot, start_at="owner")
        assert "Old Boss (user name boss) owns the studio but has no password yet" in shown(setup, "#owner-lead")
        assert not setup.query_one("#row-full_name").display and app.focused.id == "f-password"
        await type_text(pilot, "longpassword")
        await pilot.press("tab")
        await type_text(pilot, "longpassword")
        await pilot.press("enter")
        assert setup.current.step_id == "staff" and users.current_user().id == boss.id
    assert User.select().count() == 1 and accounts.authenticate("boss", "longpassword").id == boss.id


async def test_an_invoice_line_with_an_empty_price_list_leads_to_its_setup(owner_app):
    from spectra_tui.data import invoices
    from spectra_tui.data.models import Invoice
    from spectra_tui.screens.invoices.line_dialog import LineDialog
    from spectra_tui.screens.open_record import open_invoice

    app = owner_app
    invoice = invoices.create_invoice(Invoice.GENERIC, client=app.client)
    async with app.run_test(size=SIZE) as pilot:
        open_invoice(app, invoice)
        await pilot.pause()
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, LineDialog)
        assert "The price list is empty: Alt+S sets it up" in shown(dialog, "#item-hint")
        await pilot.press("enter")  # (would list the price list)
        assert "The price list is empty" in shown(dialog, "#error")
        await pilot.press("alt+s")
        setup = app.screen
        assert isinstance(setup, FirstStartScreen) and setup.current.step_id == "price_list"
        await type_text(pilot, "p8x10")
        await pilot.press("tab")
        await type_text(pilot, "Print 8x10")
        await pilot.press("tab")
        await type_text(pilot, "45")
        await pilot.press("ctrl+w")  # adds it; the last step: done
        await pilot.pause()
        assert app.screen is dialog
        assert "look up or list" in shown(dialog, "#item-hint")
        dialog.query_one("#code").focus()
        await type_text(pilot, "p8x10")
        await pilot.press("enter")
        assert dialog.item is not None and dialog.item.price_cents == 4500
