"""Change User (Ctrl+U) and the idle sign-out: the leaving user's windows are
never lost nor handed to the next user; asked first when some are unsaved
(save them / put them aside / cancel); the same user gets them back."""
import datetime as dt

from textual.widgets import Input

from spectra_tui.data import clock, settings, users
from spectra_tui.data.models import Client
from spectra_tui.screens.base import TitleBar
from spectra_tui.screens.change_user import TerminalUser, UnsavedQuestion
from spectra_tui.screens.clients import ClientForm
from spectra_tui.screens.dialogs import ConfirmDialog
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.sign_in import SignInScreen

from .conftest import FIXED_NOW
from .test_windows import switcher_lines


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def sign_in(pilot, name: str, secret: str = "1234") -> None:
    await pilot.press(*name, "enter", *secret, "enter")
    await pilot.pause()


async def new_client_left_open(pilot, first: str, last: str = "") -> ClientForm:
    await pilot.press("ctrl+n", *first)
    if last:
        await pilot.press("tab", "tab", *last)
    form = pilot.app.screen
    assert isinstance(form, ClientForm)
    return form


async def test_put_aside_hides_the_form_from_the_next_user_and_gives_it_back(app):
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_left_open(pilot, "Una")
        await pilot.press("ctrl+u")  # from the form's field, as from anywhere
        assert isinstance(app.screen, UnsavedQuestion)
        assert "New Client" in app.screen.title_text
        await pilot.press("down", "enter")  # Put them aside
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and users.current_user() is None and app.sub_title == ""
        await sign_in(pilot, "sam")
        assert isinstance(app.screen, HomeHub) and app.sub_title == "Sam Okafor"
        assert str(app.screen.query_one(TitleBar).render()) == "Spectra · Home — Sam Okafor"  # Home names him
        assert app.windows.open_windows() == []
        await pilot.press("ctrl+g")  # Rita's form is not Sam's to see
        assert "No record or form is open." in said(app)
        await pilot.press("ctrl+u")  # Sam leaves nothing open: no question
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "rita")
        assert app.sub_title == "Rita Gomez"
        await pilot.press("ctrl+g")
        assert switcher_lines(app) == ["New Client  (Home · unsaved changes · shown now)"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and form.query_one("#f-first_name", Input).value == "Una"


async def test_the_window_shown_at_change_user_is_shown_again_to_the_same_user(app):
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_left_open(pilot, "Ivy", "Kept")
        await app.run_action("change_user")  # (the palette's Change User, from inside the field)
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "rita")
        assert app.screen is form
        assert form.query_one("#f-last_name", Input).value == "Kept" and form.has_unsaved_changes


async def test_cancel_changes_nothing(app):
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_left_open(pilot, "Una")
        await pilot.press("f2", "ctrl+u")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub) and users.current_user().username == "rita"
        await pilot.press("ctrl+u", "down", "down", "enter")  # Cancel: stay signed in
        await pilot.pause()
        assert isinstance(app.screen, HomeHub) and users.current_user().username == "rita"
        assert [window.screens for window, _shown in app.windows.open_windows()] == [[form]]


async def test_save_them_saves_each_form_before_the_next_user_signs_in(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await new_client_left_open(pilot, "Sav", "Edbeforeleaving")
        await pilot.press("f2", "ctrl+u", "enter")  # Save them
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert Client.select().where(Client.last_name == "Edbeforeleaving").count() == 1
        assert isinstance(app.screen, SignInScreen) and users.current_user() is None
        await sign_in(pilot, "rita")
        assert isinstance(app.screen, HomeHub) and app.windows.open_windows() == []


async def test_a_form_that_does_not_save_stays_open_and_change_user_stops(app):
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_left_open(pilot, "Una")
        form.query_one("#f-email", Input).value = "not an address"
        await pilot.press("f2", "ctrl+u", "enter")  # Save them
        await pilot.pause()
        assert app.screen is form and users.current_user().username == "rita"
        assert any("New Client is not saved: nobody was signed out" in m for m in said(app))
        assert Client.select().where(Client.first_name == "Una").count() == 0


async def test_idle_sign_out_puts_every_window_aside(app):
    settings.put("idle_sign_out_minutes", 5)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_left_open(pilot, "Idle", "Kept")
        start = clock.to_utc(FIXED_NOW)
        clock.set_clock(lambda: start + dt.timedelta(minutes=4))
        app.terminal_user.check_idle()
        await pilot.pause()
        assert app.screen is form  # 4 minutes: still in use
        await pilot.press("x")  # a key: in use again, from minute 4
        clock.set_clock(lambda: start + dt.timedelta(minutes=8))
        app.terminal_user.check_idle()
        await pilot.pause()
        assert app.screen is form
        clock.set_clock(lambda: start + dt.timedelta(minutes=9, seconds=1))
        app.terminal_user.check_idle()
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and users.current_user() is None
        assert "Rita Gomez was signed out after 5 minutes without use" in str(app.screen.why)
        await sign_in(pilot, "rita")
        assert app.screen is form and form.query_one("#f-last_name", Input).value == "Keptx"


async def test_idle_sign_out_is_off_by_default_and_runs_on_its_own_timer(make_app, monkeypatch):
    monkeypatch.setattr(TerminalUser, "IDLE_CHECK_SECONDS", 0.05)
    app = make_app()
    start = clock.to_utc(FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        clock.set_clock(lambda: start + dt.timedelta(hours=3))
        await pilot.pause(0.2)
        assert isinstance(app.screen, HomeHub)  # 0: never
        settings.put("idle_sign_out_minutes", 1)
        await pilot.pause(0.2)
        assert isinstance(app.screen, SignInScreen)


async def test_quitting_at_the_sign_in_asks_when_forms_are_put_aside(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await new_client_left_open(pilot, "Una")
        await pilot.press("f2", "ctrl+u", "down", "enter")  # put aside
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == "Unsaved changes in: 1 put aside at Change User. Quit anyway?"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.is_running
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert not app.is_running


async def test_the_palette_changes_user_from_inside_a_form(app):
    """Ctrl+U, and the palette's Change User, from a field of a form."""
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_left_open(pilot, "Una")
        await pilot.press("ctrl+k", *"Change User")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedQuestion)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "rita")
        assert app.screen is form and form.query_one("#f-first_name", Input).value == "Una"


async def test_save_them_never_answers_a_dialog_left_open_over_a_form(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await new_client_left_open(pilot, "Una")
        await pilot.press("escape")  # "Leave without saving?" over the form
        await pilot.pause()
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        await pilot.press("f2", "ctrl+u", "enter")  # Save them
        await pilot.pause()
        assert app.screen is question and users.current_user().username == "rita"
        assert any("is not saved: nobody was signed out" in m for m in said(app))
        assert Client.select().where(Client.first_name == "Una").count() == 0
