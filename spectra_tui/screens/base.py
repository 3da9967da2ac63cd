"""Base screens: a hub (one per F-key) and a record (a form with Save & Close),
and the lines around them: the title bar and the key bar.

A record tracks unsaved changes; leaving it with changes asks first. Domain
errors from the data layer are shown as readable messages, never tracebacks.
"""

from collections.abc import Callable

from rich.markup import escape
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from ..data.db import StorageError
from ..data.errors import DomainError
from . import keymap
from .compat import release_closed_widgets
from .dialogs import ConfirmDialog, readable
from .hooks import ScreenHooks
from .hubs import HUBS, Hub


class TitleBar(Static):
    """The top line: the screen's title and who is signed in.

    What Textual's Header shows, in one widget that watches its own screen
    (the Header takes four and watches the app's title, which kept every
    closed screen's header alive)."""

    DEFAULT_CSS = """
    TitleBar { dock: top; height: 1; background: $panel; color: $foreground; text-align: center; }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "title", self._show_title)

    def _show_title(self, title: str | None) -> None:
        signed_in = self.app.sub_title
        self.update((title or self.app.title) + (f" — {signed_in}" if signed_in else ""))


class KeyBar(Widget):
    """The bottom line: the keys of the screen (and of the focused widget).

    What Textual's Footer shows, drawn by one widget: the Footer mounts a
    widget per key and mounts them all again whenever the focus moves, which
    took a third of the time to show the first screen. Keys that do not fit
    are left out whole; then Save & Close and "Shortcuts of this screen"
    (Ctrl+O, which lists them all) move to the right beside the command
    palette, so that they always show. A click on a key presses it."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        .keybar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        .keybar--description { color: $footer-description-foreground; background: $footer-description-background; }
    }
    """
    ALWAYS_SHOWN = ("save_close", "toggle_shortcuts")  # actions kept in sight when keys are left out

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen) -> None:
        self.refresh()

    def _keys(self) -> tuple[list[tuple[str, Text]], list[Text]]:
        """The shown keys: (action, Text) in binding order, and the palette's Text."""
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        palette_key = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else None
        keys: list[tuple[str, Text]] = []
        palette: list[Text] = []
        seen: set[str] = set()
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if binding.action in seen or not (binding.show or key == palette_key):
                continue
            seen.add(binding.action)
            click = Style.from_meta({"@click": f"app.simulate_key({key!r})"})
            # (the palette's key is a priority binding: a field's own binding of it never runs)
            description = keymap.action_of("palette").label if key == palette_key else binding.description
            entry = Text.assemble(
                (f" {self.app.get_key_display(binding)} ", key_style + click),
                (f"{description} ", description_style + click),
            )
            if not enabled:
                entry.stylize("dim")
            if key == palette_key:
                palette.append(entry)
            else:
                keys.append((binding.action, entry))
        return keys, palette

    def render(self) -> Text:
        keys, right = self._keys()
        width = self.size.width
        if sum(entry.cell_len for _action, entry in keys) + sum(entry.cell_len for entry in right) > width:
            right = [entry for action, entry in keys if action in self.ALWAYS_SHOWN] + right
            keys = [(action, entry) for action, entry in keys if action not in self.ALWAYS_SHOWN]
        room = width - sum(entry.cell_len for entry in right)
        shown = Text()
        for _action, entry in keys:
            if shown.cell_len + entry.cell_len > room:
                break
            shown.append_text(entry)
        shown.pad_right(max(0, room - shown.cell_len))
        for entry in right:
            shown.append_text(entry)
        shown.truncate(width)
        return shown


class HubBar(Static):
    """One line naming every hub and its key; the open hub highlighted."""

    DEFAULT_CSS = """
    HubBar { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: str):
        super().__init__(id="hub-bar")
        self.current = current

    def on_mount(self) -> None:
        self._draw(self.app.size.width)

    def on_resize(self, event) -> None:
        self._draw(event.size.width)

    def _draw(self, width: int) -> None:
        self.update(self.row(width))

    def row(self, width: int) -> str:
        """Every hub and its key, in the first way that fits: the titles with
        a space each side; one space between them; the short names; the short
        names of as many hubs as fit from F1 on, the others' keys alone (80
        columns); the keys alone. The open hub is always named."""

        def named_up_to(count: int) -> Callable[[Hub], str]:
            named = {hub.id for hub in HUBS[:count]} | {self.current}
            return lambda hub: hub.short or hub.title if hub.id in named else ""

        ways: list[tuple[bool, Callable[[Hub], str]]] = [
            (True, lambda hub: hub.title),
            (False, lambda hub: hub.title),
            *[(False, named_up_to(count)) for count in range(len(HUBS), -1, -1)],
        ]
        rows = [self._row(spaced, name) for spaced, name in ways]
        return next((row for row in rows if Text.from_markup(row).cell_len <= width), rows[-1])

    def _row(self, spaced: bool, name: Callable[[Hub], str]) -> str:
        """The hubs' keys and names; the open hub highlighted, a space each side."""
        parts = []
        for hub in HUBS:
            label = " ".join(x for x in (keymap.key(hub.action_id), name(hub)) if x)
            if hub.id == self.current:
                parts.append(f"[reverse b] {escape(label)} [/]")
            else:
                parts.append(f" {escape(label)} " if spaced else escape(label))
        return ("" if spaced else " ").join(parts)


class SpectraScreen(ScreenHooks, Screen):
    """A hub or a record: when it comes back because a screen above it
    closed, what that screen left behind is let go (release_closed_widgets)."""

    _shown_before = False

    def on_screen_resume(self) -> None:
        if self._shown_before:
            self.call_after_refresh(release_closed_widgets, self.app)
        self._shown_before = True


class HubScreen(SpectraScreen):
    """A hub: header, the hub bar, the hub's body, footer."""

    HUB_ID = ""
    HUB_TITLE = ""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield HubBar(self.HUB_ID)
        with Vertical(id="hub-body"):
            yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.title = f"Spectra · {self.HUB_TITLE}"

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload what the hub shows (after a record elsewhere changed)."""


class RecordScreen(SpectraScreen):
    """A record or form. Subclasses implement ``save()`` (raise DomainError on
    a broken rule) and set ``self.dirty = True`` when the user changes something."""

    # Ctrl+W (Save & Close) is the app's priority binding: it works inside any
    # field and calls this screen's action_save_close.
    BINDINGS = keymap.bindings("record")
    dirty = False

    @property
    def has_unsaved_changes(self) -> bool:
        return bool(self.dirty)

    def compose_header(self) -> ComposeResult:
        yield TitleBar()

    def save(self) -> bool:
        """Save; return True when saved. Default: nothing to save."""
        return True

    def show_error(self, error: DomainError) -> None:
        self.notify(str(error), title="Not saved", severity="error", timeout=8)

    def try_save(self) -> bool:
        try:
            saved = self.save()
        except DomainError as error:
            self.show_error(error)
            return False
        except StorageError as error:  # e.g. locked by another terminal for too long: nothing typed is lost
            self.notify(readable(error), title="Not saved", severity="error", timeout=8)
            return False
        if saved:
            self.dirty = False
        return saved

    def action_save_close(self) -> None:
        if self.try_save():
            self.dismiss(True)

    def action_close(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dirty = False
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog("You have unsaved changes. Leave without saving?", "Leave", "Stay"), answered
        )
