"""Records and forms left open: windows, and the window switcher.

Each hub is a Textual mode with its own stack of screens: a record or form
opened from a hub sits on that hub's stack. A hub key shows the HUB: what
was open above it is lifted off the stack, alive (typed fields, unsaved
changes and all), and kept as a window. The window switcher (its key, or
the command palette) lists every open window with its title and whether it
has unsaved changes; choosing one puts it back over its hub and shows it.
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


class Windows:
    """The app's windows left open and put aside (one list per app)."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._aside: list[Window] = []

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
