"""Signing in: the app opens on the sign-in screen when nobody is signed in;
refusals (wrong, locked, disabled) are said under the fields; nothing but
quitting gets past it; the first start is opened instead when the studio
has no owner who can sign in yet. Snapshots at 120x40 and 80x24."""
import datetime as dt
import html
import re
import sys
import types

import pytest

from textual.screen import Screen
from textual.widgets import Input, Static

from spectra_tui.data import accounts, clock, users
from spectra_tui.data.models import User
from spectra_tui.screens.base import TitleBar
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.sign_in import SignInScreen

from .conftest import FIXED_NOW
from .layout import SIZE_IDS, SIZES, assert_fits


def signed_out():
    users.sign_in(None)


def error_text(app) -> str:
    return str(app.screen.query_one("#sign-in-error", Static).render())


def field(app, name: str) -> Input:
    return app.screen.query_one(f"#sign-in-{name}", Input)


async def sign_in(pilot, name: str, secret: str) -> None:
    await pilot.press(*name, "enter", *secret, "enter")
    await pilot.pause()


async def test_nobody_signed_in_opens_the_sign_in_and_rita_reaches_home_with_her_pin(make_app):
    signed_out()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert str(app.screen.query_one("#studio-name", Static).render()) == "Spectra Portrait Studio"
        assert app.sub_title == ""
        await sign_in(pilot, "rita", "1234")
        assert isinstance(app.screen, HomeHub)
        assert users.current_user().username == "rita" and app.sub_title == "Rita Gomez"
        assert str(app.screen.query_one(TitleBar).render()) == "Spectra · Home — Rita Gomez"
        assert app.screen.query_one("#balances").row_count > 0  # Home loaded its lists for her


async def test_someone_signed_in_at_start_starts_on_home(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeHub) and app.sub_title == "Rita Gomez"


async def test_the_name_given_at_start_is_filled_in_and_initials_sign_in(make_app):
    signed_out()
    app = make_app(user_name="SO")  # Sam Okafor's initials
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert field(app, "name").value == "SO" and app.focused is field(app, "secret")
        assert field(app, "secret").password  # the PIN is masked
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub) and app.sub_title == "Sam Okafor"


async def test_a_wrong_pin_is_said_under_the_fields_the_pin_cleared_the_name_kept(make_app):
    signed_out()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "rita", "9999")
        assert isinstance(app.screen, SignInScreen) and users.current_user() is None
        assert error_text(app) == "Wrong user name or password (5 tries left before the account locks)."
        assert field(app, "name").value == "rita" and field(app, "secret").value == ""
        assert app.focused is field(app, "secret")
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)


async def test_six_wrong_tries_lock_the_account_until_a_manager_unlocks_it(make_app):
    signed_out()
    app = make_app()
    start = clock.to_utc(FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"rita", "enter")
        for attempt in range(6):
            later = start + dt.timedelta(minutes=attempt)  # past each try's wait (2, 4, 8 s)
            clock.set_clock(lambda later=later: later)
            await pilot.press(*"0000", "enter")
            await pilot.pause()
        assert "account is now locked for 15 minutes" in error_text(app)
        await pilot.press(*"1234", "enter")  # the right PIN: still locked
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert "Rita Gomez's account is locked after 6 wrong tries" in error_text(app)
        users.sign_in(User.get(User.username == "admin"))  # the owner, at another terminal
        accounts.unlock(User.get(User.username == "rita"))
        signed_out()
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub) and app.sub_title == "Rita Gomez"


async def test_a_disabled_account_is_refused(make_app):
    users.sign_in(User.get(User.username == "admin"))
    accounts.set_active(User.get(User.username == "sam"), False)
    signed_out()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "sam", "1234")
        assert isinstance(app.screen, SignInScreen) and users.current_user() is None
        assert error_text(app) == "Sam Okafor's account is disabled: a manager can enable it."


async def test_nothing_gets_past_the_sign_in_but_quitting(make_app):
    signed_out()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        for key in ("f5", "f2", "f10", "ctrl+l", "ctrl+n", "ctrl+s", "ctrl+p", "ctrl+d", "ctrl+g", "ctrl+k", "f8"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
            assert app.current_mode == "home" and len(app.screen_stack) == 2, key
        assert error_text(app) == "Sign in first."
        await pilot.press(*"ritx", "ctrl+u")  # Ctrl+U (Change User when signed in) is the field's here
        assert field(app, "name").value == ""
        assert not any("Not built" in str(n.title) for n in app._notifications)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


class StandInFirstStart(Screen):
    """Stands for the first-start setup (built elsewhere): it answers at once."""

    def __init__(self, answer):
        super().__init__()
        self.answer = answer

    def on_mount(self) -> None:
        self.dismiss(self.answer)


def first_start_module(monkeypatch, answer) -> None:
    module = types.ModuleType("spectra_tui.screens.first_start")
    module.FirstStartScreen = lambda: StandInFirstStart(answer)
    monkeypatch.setitem(sys.modules, "spectra_tui.screens.first_start", module)


async def test_a_studio_without_an_owner_who_can_sign_in_opens_the_first_start(make_app, monkeypatch):
    User.update(password_hash="").where(User.role == "owner").execute()
    owner = User.get(User.username == "admin")
    first_start_module(monkeypatch, owner)
    signed_out()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeHub) and app.sub_title == "Studio Admin"
        assert users.current_user().id == owner.id


async def test_leaving_the_first_start_quits(make_app, monkeypatch):
    User.update(password_hash="").where(User.role == "owner").execute()
    first_start_module(monkeypatch, None)
    signed_out()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.is_running


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_sign_in_snapshot(snap_compare, make_app, size):
    """A wrong PIN typed: the message under the fields, the PIN cleared."""
    signed_out()

    async def run_before(pilot):
        await pilot.press(*"4321", "enter")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(make_app(user_name="rita"), run_before=run_before, terminal_size=size)


async def test_a_pin_typed_never_shows_on_the_screen(make_app):
    """Typed at the sign-in, the PIN is masked: the whole screen's text (as
    a terminal would show it) holds the name and no digit of the PIN."""
    signed_out()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"rita", "enter", *"9753")
        await pilot.pause()
        texts = re.findall(r">([^<]*)</text>", app.export_screenshot())  # what each cell shows
        screen_text = html.unescape("".join(texts)).replace("\xa0", " ")
        assert "rita" in screen_text and "Password or PIN" in screen_text
        assert not any(digit in screen_text for digit in "9753")
