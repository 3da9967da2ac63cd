"""Who is at this terminal: the sign-in at start, Change User, idle sign-out.

- At start, nobody signed in: the first-start setup when the studio has no
  owner who can sign in yet, else the sign-in screen.
- Change User (its key, from anywhere): the windows of the user leaving
  are put away in their desk (screens/windows.py), never handed to the
  next user; when some have unsaved changes, they are asked first: save
  them, put them aside, or cancel. The same user signing in again gets
  their desk back as they left it.
- Idle sign-out: after the studio's ``idle_sign_out_minutes`` without a key
  or a mouse event, the terminal does Change User by itself, putting every
  window aside (nothing is lost), and waits on the sign-in screen.

While nobody is signed in the app refuses its shortcuts (``refused``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
from typing import TYPE_CHECKING

from textual.command import CommandPalette

from ..data import clock, settings
from ..data.db import StorageError
from ..data.models import User
from ..data.users import current_user, needs_first_start, sign_in
from . import keymap
from .base import TitleBar
from .compat import screens_of_mode
from .dialogs import ChoiceDialog
from .hooks import hooks_of
from .hubs import HUBS
from .sign_in import SignInScreen
from .windows import Window, WindowSwitcher

if TYPE_CHECKING:
    from ..app import SpectraApp

# What still works while nobody is signed in: quitting, and what only acts
# on the screen shown (the sign-in screen, the first start).
OPEN_SIGNED_OUT = frozenset({"quit", "help_quit", "save_close", "toggle_shortcuts"})
SIGN_IN_FIRST = (
    frozenset({action.action.partition("(")[0] for action in keymap.APP_ACTIONS} | {"command_palette"})
    - OPEN_SIGNED_OUT
)


def refused(action: str) -> bool:
    """True for an app action that waits until someone signs in."""
    return current_user() is None and action in SIGN_IN_FIRST


class UnsavedQuestion(ChoiceDialog):
    """Change User with unsaved windows: save them, put them aside, or cancel."""

    def __init__(self, unsaved: list[Window]) -> None:
        titles = ", ".join(window.title for window in unsaved)
        super().__init__(
            f"Change User: unsaved changes in {titles}.",
            [
                ("save", "Save them"),
                ("aside", "Put them aside (they come back when you sign in again)"),
                ("cancel", "Cancel: stay signed in"),
            ],
        )


class TerminalUser:
    """The app's sign-in, Change User and idle sign-out (one per app)."""

    IDLE_CHECK_SECONDS = 15.0
    SETTLED_AFTER = 0.02  # seconds without a screen opened or closed: a save's follow-ups are done

    def __init__(self, app: SpectraApp, name: str = "") -> None:
        self.app = app
        self.name = name  # the name filled in on the sign-in at start (--user, $SPECTRA_USER)
        self.last_input = clock.utc_now()

    # ------------------------------------------------------------ start

    def start(self) -> None:
        """Nobody signed in at start: the first start, or the sign-in screen."""
        if current_user() is not None:
            return
        if needs_first_start():
            # (imported by name: the setup is its own module, loaded only for a new studio)
            first_start = importlib.import_module(f"{__package__}.first_start")
            self.app.push_screen(first_start.FirstStartScreen(), self._first_start_done)
        else:
            self.app.push_screen(SignInScreen(self.name), self.signed_in)

    def _first_start_done(self, owner: User | None) -> None:
        if owner is None:  # the user quit the setup
            self.app.exit()
            return
        sign_in(owner)
        self.signed_in(owner)

    # ------------------------------------------------------------ Change User

    def change_user(self) -> None:
        """Change User: asked first when a window has unsaved changes."""
        if current_user() is None or isinstance(self.app.screen, UnsavedQuestion):
            return
        self._close_passing_screens()
        unsaved = [window for window, _shown in self.app.windows.open_windows() if window.unsaved]
        if not unsaved:
            self.sign_out()
            return

        def answered(choice: str | None) -> None:
            if choice == "aside":
                self.sign_out()
            elif choice == "save":
                self._save(unsaved)

        self.app.push_screen(UnsavedQuestion(unsaved), answered)

    def _save(self, unsaved: list[Window]) -> None:
        """Each window's own Save & Close, in turn; the first that does not
        save (a rule broken, a dialog open over the form) stays shown, its
        message with it, and Change User stops."""
        app = self.app
        for window in unsaved:
            app.windows.bring_back(window)
            top = hooks_of(app.screen)
            if top.has_unsaved_changes and top.action_save_close is not None:  # (never a dialog's action over it)
                top.action_save_close()
            stack = screens_of_mode(app, window.mode)
            if any(screen in stack and hooks_of(screen).has_unsaved_changes for screen in window.screens):
                app.notify(
                    f"{window.title} is not saved: nobody was signed out. Correct it or close it, "
                    f"then {keymap.key('change_user')} again.",
                    title="Change User stopped",
                    severity="warning",
                    timeout=8,
                )
                return
        app.run_worker(self._sign_out_when_settled(), group="change-user", exclusive=True)

    async def _sign_out_when_settled(self) -> None:
        """A save's follow-ups (a record opened after New Client...) run as
        messages: the windows are put away once no screen opens or closes."""
        seen: tuple = ()
        for _ in range(50):
            await asyncio.sleep(self.SETTLED_AFTER)
            stacks = tuple(tuple(map(id, screens_of_mode(self.app, hub.id))) for hub in HUBS)
            if stacks == seen:
                break
            seen = stacks
        self.sign_out()

    def sign_out(self, why: str = "") -> None:
        """Put the user's windows away and show the sign-in screen over everything."""
        user = current_user()
        if user is None:
            return
        self._close_passing_screens()
        self.app.windows.put_desk_away(user.id)
        sign_in(None)
        self._name_who_is_signed_in(None)
        self.app.switch_mode("home")
        self.app.push_screen(SignInScreen(why=why), self.signed_in)

    def signed_in(self, user: User | None) -> None:
        if user is None:
            return
        self.last_input = clock.utc_now()
        self._name_who_is_signed_in(user)
        if not self.app.windows.give_desk_back(user.id):
            hooks_of(self.app.screen).show_first_data()  # (Home, loaded for this user, focused)

    def _close_passing_screens(self) -> None:
        """The palette, the window switcher and the question are not windows: closed, not put away."""
        screen = self.app.screen
        if isinstance(screen, CommandPalette | WindowSwitcher | UnsavedQuestion):
            screen.dismiss(None)

    def _name_who_is_signed_in(self, user: User | None) -> None:
        """Every title bar (the hubs' and the records') names who is signed in."""
        app = self.app
        app.sub_title = user.full_name if user is not None else ""
        for hub in HUBS:
            for screen in screens_of_mode(app, hub.id):
                for bar in screen.query(TitleBar):
                    bar._show_title(screen.title)

    # ------------------------------------------------------------ idle sign-out

    def note_input(self) -> None:
        """A key or a mouse event: the terminal is in use."""
        self.last_input = clock.utc_now()

    def check_idle(self) -> None:
        """Sign out a terminal left unused for the studio's idle minutes (its windows put aside)."""
        user = current_user()
        if user is None:
            return
        try:
            minutes = settings.get("idle_sign_out_minutes")
        except StorageError:  # the database away for a moment: the next check (a timer's) tells
            return
        if not minutes or clock.utc_now() - self.last_input < dt.timedelta(minutes=minutes):
            return
        after = "1 minute" if minutes == 1 else f"{minutes} minutes"
        self.sign_out(
            why=f"{user.full_name} was signed out after {after} without use; "
            "what was open comes back when they sign in again."
        )
