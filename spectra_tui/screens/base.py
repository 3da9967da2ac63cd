"""Base screens: a hub (one per F-key) and a record (a form with Save & Close).

A record tracks unsaved changes; leaving it with changes asks first. Domain
errors from the data layer are shown as readable messages, never tracebacks.
"""
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets import Header, Static

from peewee import DatabaseError

from ..data.errors import DomainError
from .dialogs import ConfirmDialog, readable
from .hubs import HUBS


def forget_closed_watchers(node) -> None:
    """Drop the watchers that closed widgets left on ``node``.

    Textual drops a closed widget's watcher only when the watched value next
    changes, and two never do: the app's title (every Header watches it) and
    a Footer's ``compact`` (every key of the footer watches it, and a footer
    rebuilds its keys each time the focus moves). Without this every record
    opened and every focus change kept dead widgets alive: memory grew all
    day and each garbage collection took longer (pauses of 100+ ms)."""
    for entries in getattr(node, "__watchers", {}).values():
        entries[:] = [(reactable, callback) for reactable, callback in entries if not reactable._closing]


def release_closed_widgets(app) -> None:
    """After a screen closed: let its widgets go (called when a screen resumes).

    Besides the app's watchers (see ``forget_closed_watchers``), Textual 8's
    ``StylesCache.get_inner_outer`` is an lru_cache keyed by the widget's own
    styles cache, so it holds up to 1,024 closed widgets with their drawn
    lines; garbage collection then takes longer with every record opened.
    Emptying it costs nothing (it caches two small Style objects)."""
    forget_closed_watchers(app)
    try:
        from textual._styles_cache import StylesCache

        StylesCache.get_inner_outer.cache_clear()
    except (ImportError, AttributeError):  # a Textual without that cache
        pass


class Footer(TextualFooter):
    """Textual's Footer that does not keep its replaced keys alive."""

    def compose(self) -> ComposeResult:
        forget_closed_watchers(self)  # the previous keys are closed by now
        yield from super().compose()


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
        """Every hub with a space each side; on a narrow terminal (80 columns)
        one space between hubs, so the whole row still fits."""
        wide = sum(len(hub.key) + len(hub.title) + 3 for hub in HUBS) <= width
        parts = []
        for hub in HUBS:
            label = f" {hub.key} {hub.title} " if wide or hub.id == self.current else f"{hub.key} {hub.title}"
            parts.append(f"[reverse b]{label}[/]" if hub.id == self.current else label)
        self.update(("" if wide else " ").join(parts))


class HubScreen(Screen):
    """A hub: header, the hub bar, the hub's body, footer."""

    HUB_ID = ""
    HUB_TITLE = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield HubBar(self.HUB_ID)
        with Vertical(id="hub-body"):
            yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.title = f"Spectra · {self.HUB_TITLE}"

    def on_screen_resume(self) -> None:
        self.call_after_refresh(release_closed_widgets, self.app)  # what a screen just closed left behind
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload what the hub shows (after a record elsewhere changed)."""


class RecordScreen(Screen):
    """A record or form. Subclasses implement ``save()`` (raise DomainError on
    a broken rule) and set ``self.dirty = True`` when the user changes something."""

    # Ctrl+W itself is the app's priority binding (it works inside any field
    # and calls action_save_close); this entry shows it in the record's footer.
    BINDINGS = [Binding("escape", "close", "Close"), Binding("ctrl+w", "save_close", "Save & Close")]
    dirty = False

    def compose_header(self) -> ComposeResult:
        yield Header()

    def on_screen_resume(self) -> None:
        self.call_after_refresh(release_closed_widgets, self.app)  # what a screen just closed left behind

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
        except DatabaseError as error:  # e.g. locked by another terminal for too long: nothing typed is lost
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

        self.app.push_screen(ConfirmDialog("You have unsaved changes. Leave without saving?", "Leave", "Stay"), answered)
