"""What the app asks of the screen on top (ScreenHooks); kept out of base.py
so that the dialogs, which base.py imports, are built on it too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.screen import Screen

from ..data.models import Client, Session


class ScreenHooks:
    """What the app asks of the screen on top, with the answers of a screen
    that asks for nothing. A screen overrides the ones it needs; the app
    reads them only through ``hooks_of``. tests/screens/test_screen_hooks.py
    fails when a screen class defines a near miss of these names (e.g.
    ``CAPTURE_F3``), so a rename cannot silently switch a feature off."""

    @property
    def CAPTURES_F3(self) -> bool:
        """True while the screen wants F3 for itself (in client fields F3 means
        "next field, as typed"): the app's Workflow-hub key then steps aside."""
        return False

    action_new_client: Callable[[], None] | None = None
    """Ctrl+N answered by the screen itself (e.g. in Client Search the new
    client becomes the search's answer): a method. None: the app opens New Client."""

    action_save_close: Callable[[], None] | None = None
    """Ctrl+W (Save & Close) on a screen that saves (a record, a form, a
    dialog): a method. None (a hub): Ctrl+W is left to the field."""

    @property
    def task_client(self) -> Client | None:
        """The client a task made here (Ctrl+D) is about; None: no client."""
        return None

    @property
    def message_session(self) -> Session | None:
        """The session a message written here (Ctrl+E, Ctrl+M) fills its
        session merge fields from ({session_date}...); None: no session."""
        return None

    @property
    def has_unsaved_changes(self) -> bool:
        """Something typed here is not saved yet (the window switcher says so)."""
        return False

    def show_first_data(self) -> None:
        """The first screen loads its data here, after the app's first frame is out."""

    def show_booking(self, start: dt.datetime, photographer_id: int | None = None) -> None:
        """A booking was just made (Scheduling Wizard) starting at ``start``: show it."""


HOOK_NAMES = frozenset(name for name in vars(ScreenHooks) if not name.startswith("_"))
_NO_HOOKS = ScreenHooks()


def hooks_of(screen: Screen) -> ScreenHooks:
    """The app's one way to read a screen's hooks; a screen not built on
    ScreenHooks (Textual's own, such as the command palette) asks for nothing."""
    return screen if isinstance(screen, ScreenHooks) else _NO_HOOKS
