"""Finding a session: the search panel, the Sessions hub (F6) and Session Search (Ctrl+S)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static

from ...data import sessions as session_data
from ...data.errors import DomainError
from ...data.models import Session
from ...data.users import photographers
from ...data.when import parse_day_range
from .. import keymap
from ..base import HubScreen
from ..exports import start_export
from ..formats import first_name, fmt_day, fmt_short
from ..list_hub import counted
from ..open_record import open_session
from ..palette import ScreenCommands
from ..widgets import Note, PagedTable


class SessionSearchPanel(Vertical):
    """The session search form and its paged results. Posts ``Chosen``."""

    DEFAULT_CSS = """
    SessionSearchPanel { height: 1fr; }
    SessionSearchPanel .search-row { height: 1; margin-bottom: 1; }
    SessionSearchPanel .search-row Label { width: auto; padding: 0 1 0 1; color: $text-muted; }
    SessionSearchPanel #ss-number { width: 8; }
    SessionSearchPanel #ss-client { width: 1fr; min-width: 10; }
    SessionSearchPanel #ss-from, SessionSearchPanel #ss-to { width: 12; }
    SessionSearchPanel #ss-photographer { width: 18; }
    SessionSearchPanel #ss-status { width: 30; }
    SessionSearchPanel #ss-message { height: 1; padding: 0 1; color: $text-muted; }
    SessionSearchPanel #ss-message.-error { color: $error; }
    SessionSearchPanel PagedTable { height: 1fr; }
    """
    BINDINGS = keymap.bindings("search_sessions")

    class Chosen(Message):
        def __init__(self, session: Session):
            super().__init__()
            self.session = session

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._query: session_data.SessionQuery | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="search-row"):
            yield Label("Session #")
            yield Input(id="ss-number", type="integer", compact=True, placeholder="1042", max_length=9)
            yield Label("Client")
            yield Input(id="ss-client", compact=True, placeholder="last or first name", max_length=100)
            yield Label("From")
            yield Input(id="ss-from", compact=True, placeholder="any day", max_length=30)
            yield Label("To")
            yield Input(id="ss-to", compact=True, placeholder="any day", max_length=30)
        with Horizontal(classes="search-row"):
            yield Label("Photographer")
            yield Select(
                [(p.full_name, p.id) for p in photographers()], prompt="Any", compact=True, id="ss-photographer"
            )
            yield Label("Status")
            yield Select(
                [(s, s) for s in session_data.statuses_for_search()], prompt="Any", compact=True, id="ss-status"
            )
        yield Note("", id="ss-message")
        yield PagedTable(
            [
                ("Session", 7),
                ("Start", 14),
                ("Client", 24),
                ("Type", 10),
                ("Photographer", 12),
                ("Room", 9),
                ("Status", 26),
            ],
            self._cells,
            key=lambda s: s.id,
            id="ss-results",
            narrow_columns=[(0, 5, "No."), (1, 14), (2, 16), (4, 5, "Phot."), (6, 26)],
            narrow_below=100,
        )

    @staticmethod
    def _cells(session: Session) -> tuple:
        status_style = "dim" if session.status in session_data.CLOSED_STATUSES else ""
        return (
            str(session.number),
            fmt_short(session.start),
            session.client.full_name,
            session.session_type.name,
            first_name(session.photographer.full_name),
            session.room.name if session.room is not None else "",
            Text(session.status, style=status_style),
        )

    def on_mount(self) -> None:
        self.search()

    @property
    def table(self) -> PagedTable:
        return self.query_one("#ss-results", PagedTable)

    def _message(self, text: str, error: bool = False) -> None:
        self.query_one("#ss-message", Note).say(text, error)

    def build_query(self) -> session_data.SessionQuery:
        """The query from the form; a field that cannot be read raises ValidationError."""
        number_text = self.query_one("#ss-number", Input).value.strip()
        date_from, date_to = parse_day_range(
            self.query_one("#ss-from", Input).value, self.query_one("#ss-to", Input).value
        )
        return session_data.SessionQuery(
            number=int(number_text) if number_text.isdigit() else None,
            client=self.query_one("#ss-client", Input).value.strip(),
            date_from=date_from,
            date_to=date_to,
            photographer_id=self.query_one("#ss-photographer", Select).selection,
            status=self.query_one("#ss-status", Select).selection or "",
        )

    def search(self, force: bool = False) -> bool:
        """Run the form's query (again when ``force``) and show the first page;
        False when a field cannot be read (its message is shown)."""
        try:
            query = self.build_query()
            if query == self._query and not force:
                return True
            keep = self.table.selected_key if force else None
        except DomainError as error:
            self._message(str(error), error=True)
            return False
        self._query = query

        def show(count: int) -> None:
            if keep is not None:
                self.table.move_to_key(keep)
            described = []
            if query.date_from or query.date_to:
                described.append(f"{fmt_day(query.date_from) or '…'} – {fmt_day(query.date_to) or '…'}")
            hint = (
                f"{keymap.key('table.open')} opens the session"
                if count
                else "No session matches; clear a field to see more"
            )
            self._message(counted(count, "session") + (f" ({described[0]})" if described else "") + f" · {hint}")

        self.table.load(
            lambda after, limit: session_data.search_sessions(query, limit, after),
            show,
            lambda page: session_data.count_sessions(query),
        )
        return True

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.25, self.search)

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        self.search()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.search():
            return  # the field stays focused, its text kept, the message shown
        self.table.when_loaded(self._open_or_focus_results)

    def _open_or_focus_results(self) -> None:
        rows = self.table.loaded_rows
        if len(rows) == 1:
            self.post_message(self.Chosen(rows[0]))
        elif rows:
            self.table.focus()

    @on(PagedTable.Chosen)
    def _chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        self.post_message(self.Chosen(event.row))

    def action_focus_results(self) -> None:
        self.table.focus_when_loaded()


class SessionsHub(HubScreen):
    HUB_ID = "sessions"
    HUB_TITLE = "Sessions"
    BINDINGS = keymap.bindings("export.sessions")
    COMMANDS = {ScreenCommands}
    PALETTE_ACTIONS = ("export.sessions",)

    def compose_body(self) -> ComposeResult:
        yield Static(
            "[b]Sessions[/b]  [dim]search by any field · "
            + keymap.hint(("table.open", "opens"), ("session_search", "searches from anywhere"))
            + "[/dim]",
            classes="section-title",
        )
        yield SessionSearchPanel(id="sessions-search")

    def on_mount(self) -> None:
        self.query_one("#ss-client", Input).focus()

    def refresh_data(self) -> None:
        self.query_one(SessionSearchPanel).search(force=True)

    @on(SessionSearchPanel.Chosen)
    def _open(self, event: SessionSearchPanel.Chosen) -> None:
        open_session(self.app, event.session)

    def action_export(self, choices: tuple[str, ...]) -> None:
        start_export(self, choices)


class SessionSearchDialog(ModalScreen[Session | None]):
    """Ctrl+S: find a session; dismisses with it (None on Escape)."""

    DEFAULT_CSS = """
    SessionSearchDialog { align: center middle; }
    SessionSearchDialog > Vertical { width: 100%; max-width: 124; height: 100%; max-height: 34;
        border: thick $primary; background: $surface; padding: 0 1; }
    SessionSearchDialog #ssd-title { height: 1; margin-bottom: 1; }
    """
    BINDINGS = keymap.bindings("dialog.cancel")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "[b]Session Search[/b]  [dim]"
                + keymap.hint(("table.open", "opens the session"), ("dialog.cancel", "cancels"))
                + "[/dim]",
                id="ssd-title",
            )
            yield SessionSearchPanel()

    def on_mount(self) -> None:
        self.query_one("#ss-number", Input).focus()

    @on(SessionSearchPanel.Chosen)
    def _chosen(self, event: SessionSearchPanel.Chosen) -> None:
        self.dismiss(event.session)

    def action_cancel(self) -> None:
        self.dismiss(None)
