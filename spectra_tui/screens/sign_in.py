"""The sign-in screen: who is at this terminal.

The app opens on it when nobody is signed in, and Change User (and the idle
sign-out) puts it over everything. A user name or initials, then the
password or PIN (masked); Enter signs in through data/accounts.py, which
counts the wrong tries and locks the account. A refusal is said under the
fields, the password cleared, the name kept. While it is shown nobody is
signed in, and the app lets no hub, shortcut, palette or window through
(SpectraApp.check_action); the quit key still quits.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from ..data import settings
from ..data.accounts import sign_in_as
from ..data.db import StorageError
from ..data.errors import DomainError
from ..data.models import User
from . import keymap
from .dialogs import NO_VALIDATION, readable
from .hooks import ScreenHooks


class SignInScreen(ScreenHooks, Screen[User]):
    """Dismisses with the user signed in (never with None: only quitting leaves it)."""

    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen > Vertical { width: 64; max-width: 100%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2; }
    SignInScreen #studio-name { text-style: bold; color: $accent; text-align: center; width: 100%; }
    SignInScreen #sign-in-why { color: $text-muted; text-align: center; width: 100%; margin-bottom: 1; }
    SignInScreen Label { color: $text-muted; margin-top: 1; }
    SignInScreen Input { background: $boost; }
    SignInScreen Input:focus { background: $panel; }
    SignInScreen #sign-in-error { color: $error; height: auto; margin-top: 1; }
    SignInScreen #sign-in-keys { color: $text-muted; margin-top: 1; }
    """

    refused_keys: set[str] = set()

    def __init__(self, name: str = "", why: str = "") -> None:
        super().__init__()
        self.typed_name = name
        self.why = why or "Sign in to use Spectra."

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(settings.get("studio_name"), id="studio-name")
            yield Static(self.why, id="sign-in-why")
            yield Label("User name or initials")
            yield Input(
                self.typed_name,
                placeholder="e.g. rita, or RG",
                id="sign-in-name",
                validate_on=set(NO_VALIDATION),
                compact=True,
            )
            yield Label("Password or PIN")
            yield Input(
                placeholder="typed, never shown",
                id="sign-in-secret",
                password=True,
                validate_on=set(NO_VALIDATION),
                compact=True,
            )
            yield Static("", id="sign-in-error")
            yield Static(f"{keymap.widget_key('submit')} signs in · {keymap.key('quit')} quits", id="sign-in-keys")

    def on_mount(self) -> None:
        self.title = "Spectra · Sign in"
        self.refused_keys = _refused_keys()  # (once: not on every key typed)
        self.query_one("#sign-in-secret" if self.typed_name else "#sign-in-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = self.query_one("#sign-in-name", Input)
        if event.input is name and name.value.strip():
            self.query_one("#sign-in-secret", Input).focus()
            return
        self.sign_in()

    def sign_in(self) -> None:
        name = self.query_one("#sign-in-name", Input)
        secret = self.query_one("#sign-in-secret", Input)
        if not name.value.strip():
            self.refused("Type your user name or initials first.", name)
            return
        try:
            user = sign_in_as(name.value, secret.value)
        except (DomainError, StorageError) as error:
            secret.value = ""  # (the name stays as typed)
            self.refused(readable(error), secret)
            return
        self.dismiss(user)

    def refused(self, message: str, field: Input) -> None:
        self.query_one("#sign-in-error", Static).update(message)
        field.focus()

    def on_key(self, event: events.Key) -> None:
        """A shortcut of the app pressed here (the app refuses it while
        nobody is signed in) is answered, not silently dropped; the keys a
        field uses itself (Ctrl+U, Ctrl+E...) stay the field's."""
        if event.key in self.refused_keys:
            event.stop()
            self.query_one("#sign-in-error", Static).update("Sign in first.")


def _refused_keys() -> set[str]:
    """The app's keys, less quitting and what a field does with a key."""
    keys = keymap.active()
    app_keys = {key for action in keymap.APP_ACTIONS for key in keys.keys(action.id).split(",") if key}
    field_keys = {key for binding in Input.BINDINGS if isinstance(binding, Binding) for key in binding.key.split(",")}
    return app_keys - field_keys - set(keys.keys("quit").split(","))
