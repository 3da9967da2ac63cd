"""Records and forms left open: windows, and the window switcher.

Each hub is a Textual mode with its own stack of screens: a record or form
opened from a hub sits on that hub's stack. A hub key shows the HUB: what
was open above it is lifted off the stack, alive (typed fields, unsaved
changes and all), and kept as a window. The window switcher (its key, or
the command palette) lists every open window with its title and whether it
has unsaved changes; choosing one puts it back over its hub and shows it.

At Change User every window of the user leaving is put away in their
desk: hidden from the next user (not listed, not reachable), given back
when the same user signs in again on this terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from textual.app import App
from textual.screen import Screen

from . import keymap
from .compat import lift_screens, put_back_screens, screens_of_mode
from .dialogs import ChoiceDialog
from .hooks import hooks_of
from .hubs import HUBS, hub_by_id


@dataclass(eq=False)
class Window:
    """Screens opened over a hub, in order (a record, maybe a dialog over it)."""

    mode: str
    screens: list[Screen] = field(default_factory=list)

    @property
    def title(self) -> str:
        return " › ".join(screen_title(screen) for screen in self.screens)

    @property
    def unsaved(self) -> bool:
        return any(hooks_of(screen).has_unsaved_changes for screen in self.screens)

    def label(self, shown: bool = False) -> str:
        hub = hub_by_id(self.mode).title
        state = "unsaved changes" if self.unsaved else "no unsaved changes"
        return f"{self.title}  ({hub} · {state}{' · shown now' if shown else ''})"


def screen_title(screen: Screen) -> str:
    """'Spectra · Client #78' -> 'Client #78'; a dialog without a title is
    named by its class ('CheckInDialog' -> 'Check In')."""
    title = (screen.title or "").removeprefix("Spectra · ").strip()
    if title and title != "Spectra":
        return title
    name = re.sub(r"(Dialog|Screen)$", "", type(screen).__name__)
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)


class WindowSwitcher(ChoiceDialog):
    """The list of open windows (Ctrl+G)."""


@dataclass(eq=False)
class Desk:
    """A signed-out user's windows, and what they were looking at."""

    windows: list[Window]
    mode: str
    shown: Window | None = None


class Windows:
    """The app's windows left open and put aside (one list per app)."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._aside: list[Window] = []
        self._desks: dict[int, Desk] = {}  # user id -> their windows, while someone else is signed in

    def _lift(self, mode: str) -> None:
        screens = lift_screens(self._app, mode)
        if screens:
            self._aside.append(Window(mode, screens))

    def show_hub(self, hub_id: str) -> None:
        """A hub key: the hub itself, whatever was open over it kept as a window."""
        self._lift(hub_id)
        self._app.switch_mode(hub_id)

    def open_windows(self) -> list[tuple[Window, bool]]:
        """Every open window, with whether it is the one shown: those over a
        hub (the shown hub's first), then those put aside (latest first)."""
        app = self._app
        current = app.current_mode
        found: list[tuple[Window, bool]] = []
        for mode in [current, *(hub.id for hub in HUBS if hub.id != current)]:
            above = screens_of_mode(app, mode)[1:]
            if above:
                found.append((Window(mode, above), mode == current))
        found.extend((window, False) for window in reversed(self._aside))
        return found

    def bring_back(self, window: Window) -> None:
        """Show ``window`` again over its hub (what is open over that hub now is put aside)."""
        app = self._app
        if window in self._aside:
            self._aside.remove(window)
            self._lift(window.mode)
            put_back_screens(app, window.mode, window.screens)
        app.switch_mode(window.mode)

    def put_desk_away(self, user_id: int) -> None:
        """Every open window of the user leaving, hidden until they sign in again (Change User)."""
        current = self._app.current_mode
        shown = None
        for hub in HUBS:
            before = len(self._aside)
            self._lift(hub.id)
            if hub.id == current and len(self._aside) > before:
                shown = self._aside[-1]
        desk = self._desks.setdefault(user_id, Desk([], current))
        desk.windows.extend(self._aside)
        desk.mode, desk.shown = current, shown
        self._aside = []

    def give_desk_back(self, user_id: int) -> bool:
        """The windows the user left at Change User, the one they were looking at shown again."""
        desk = self._desks.pop(user_id, None)
        if desk is None:
            return False
        self._aside.extend(window for window in desk.windows if window is not desk.shown)
        if desk.shown is not None:
            self._aside.append(desk.shown)
            self.bring_back(desk.shown)
        else:
            self._app.switch_mode(desk.mode)
        return True

    def unsaved_put_away(self) -> int:
        """How many windows put away at Change User have unsaved changes (quitting loses them)."""
        return sum(window.unsaved for desk in self._desks.values() for window in desk.windows)

    def find(self, screen_type: type[Screen]) -> Window | None:
        """The open window holding a screen of this type (e.g. the Scheduling Wizard)."""
        for window, _shown in self.open_windows():
            if any(isinstance(screen, screen_type) for screen in window.screens):
                return window
        return None

    def choose(self) -> None:
        """The window switcher: every open record and form; Enter brings one
        back. Its key again closes it (the switcher is not a window)."""
        if isinstance(self._app.screen, WindowSwitcher):
            self._app.screen.dismiss(None)
            return
        found = self.open_windows()
        if not found:
            self._app.notify("No record or form is open.", timeout=4)
            return
        options = [(str(index), window.label(shown)) for index, (window, shown) in enumerate(found)]

        def chosen(answer: str | None) -> None:
            if answer is not None:
                self.bring_back(found[int(answer)][0])

        self._app.push_screen(
            WindowSwitcher(f"Open windows ({keymap.key('windows')} shows or closes this list)", options), chosen
        )
