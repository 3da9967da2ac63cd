"""The Staff screen (palette "Staff", Studio Settings): a manager or the owner
adds, edits, sets a password or PIN, disables and enables, and unlocks
accounts, each through data/accounts.py; a front-desk user sees why not."""
import datetime as dt

from spectra_tui.data import clock, users
from spectra_tui.data.models import User
from spectra_tui.screens.dialogs import ConfirmDialog
from spectra_tui.screens.staff import AccountDialog, SecretDialog, StaffScreen

SIZE = (120, 40)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if char == " " else char for char in text])


def user(username: str) -> User:
    return User.get(User.username == username)


async def open_staff(app, pilot) -> StaffScreen:
    app.action_staff()
    await pilot.pause()
    assert isinstance(app.screen, StaffScreen)
    return app.screen


async def to_row(pilot, screen, username: str) -> None:
    table = screen.query_one("#staff-table")
    table.focus()
    table.move_to_key(user(username).id)
    await pilot.pause()


async def test_a_front_desk_user_sees_why_not(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff(app, pilot)
        note = str(screen.query_one("#staff-note").render())
        assert "Only a manager or the owner may manage the staff's accounts; Rita Gomez is signed in as front desk" \
            in note
        assert not screen.query_one("#staff-table").display
        await pilot.press("a")  # the keys do nothing but say it again
        assert app.screen is screen


async def test_the_owner_edits_sets_a_pin_disables_and_unlocks(app):
    users.sign_in(user("admin"))
    sam = user("sam")
    User.update(failed_sign_ins=6, locked_until=clock.utc_now() + dt.timedelta(minutes=15)).where(
        User.id == sam.id).execute()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff(app, pilot)
        rows = screen.query_one("#staff-table").loaded_rows
        assert {u.username for u in rows} >= {"admin", "rita", "sam", "ava", "ben", "cleo"}
        # edit: Enter on the line
        await to_row(pilot, screen, "ben")
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, AccountDialog)
        dialog.query_one("#f-initials").value = ""
        dialog.query_one("#f-initials").focus()
        await type_text(pilot, "BX")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is screen and user("ben").initials == "BX"
        # a new PIN, typed twice (a mismatch is said at the field)
        await pilot.press("p")
        assert isinstance(app.screen, SecretDialog)
        await type_text(pilot, "9876")
        await pilot.press("enter")
        await type_text(pilot, "9875")
        await pilot.press("enter")
        assert "not the same" in str(app.screen.query_one("#err-again").render())
        app.screen.query_one("#f-again").value = "9876"
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is screen
        from spectra_tui.data import accounts

        assert accounts.authenticate("ben", "9876").username == "ben"
        # disable (asked), then enable
        await to_row(pilot, screen, "cleo")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert not user("cleo").active
        assert "disabled" in str(screen.query_one("#staff-table").get_row(str(user("cleo").id))[0])
        await to_row(pilot, screen, "cleo")
        await pilot.press("d")
        assert user("cleo").active
        # unlock a locked account
        await to_row(pilot, screen, "sam")
        assert "locked" in str(screen.query_one("#staff-table").get_row(str(sam.id))[0])
        await pilot.press("u")
        assert user("sam").locked_until is None and user("sam").failed_sign_ins == 0


async def test_the_owner_adds_a_person_and_a_bad_field_is_said_there(app):
    users.sign_in(user("admin"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff(app, pilot)
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, AccountDialog)
        await type_text(pilot, "Dana Cho")
        await pilot.press("enter")
        await type_text(pilot, "rita")  # taken
        dialog.query_one("#f-password").value = dialog.query_one("#f-again").value = "4321"
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is dialog and "is taken" in str(dialog.query_one("#err-username").render())
        dialog.query_one("#f-username").value = "dana"
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is screen
        dana = user("dana")
        assert (dana.full_name, dana.role, dana.initials, dana.photographs) == ("Dana Cho", "front_desk", "DC", False)
        assert screen.query_one("#staff-table").selected.id == dana.id


async def test_the_palette_opens_staff_and_the_setup(app):
    from spectra_tui.screens.first_start import FirstStartScreen

    users.sign_in(user("admin"))
    async with app.run_test(size=SIZE) as pilot:
        for words, screen_class in (("Staff", StaffScreen), ("Set up the studio", FirstStartScreen)):
            await pilot.press("ctrl+k")
            await pilot.pause()
            await type_text(pilot, words)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, screen_class), words
            await pilot.press("escape")
            await pilot.pause()
