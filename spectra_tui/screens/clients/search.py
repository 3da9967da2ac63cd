"""Finding a client: the search panel, the Clients hub (F5) and Client Search (Ctrl+L)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...data import clients as client_data
from ...data.clients import ClientQuery
from ...data.models import Client
from .. import keymap
from ..base import HubScreen
from ..dialogs import NO_VALIDATION
from ..exports import start_export
from ..hooks import ScreenHooks
from ..open_record import open_client
from ..palette import ScreenCommands
from ..widgets import PAGE_SIZE, FieldTable, PagedTable
from .form import ClientForm
from .import_clients import import_clients_from_a_file


class ClientSearch(Vertical):
    """The Search group (name, phone, email, city, in any combination) and the
    results, paged from SQL (keyset) so it stays fast at 100,000 clients.

    Results follow every keystroke. Enter or Down in a search field moves to
    the results; Enter on a result posts ``PagedTable.Chosen`` (the client)."""

    DEFAULT_CSS = """
    ClientSearch { height: 1fr; }
    ClientSearch #search-group { height: 3; }
    ClientSearch #search-group Input { width: 1fr; }
    ClientSearch #search-group #q-name { width: 2fr; }
    ClientSearch #search-count { height: 1; padding: 0 1; color: $text-muted; }
    ClientSearch PagedTable { height: 1fr; }
    """
    # Enter is handled here, before the field or the list sees it, and the
    # focus moves at once: "smith", Enter, Enter typed fast opens the first
    # Smith (the second Enter must not reach the search field again).
    BINDINGS = keymap.bindings("search_clients")

    SEARCH_FIELDS = (
        ("name", "Name", "last or first name"),
        ("phone", "Phone", "digits"),
        ("email", "Email", ""),
        ("city", "City", ""),
    )

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-group"):
            for field, title, placeholder in self.SEARCH_FIELDS:
                box = Input(placeholder=placeholder, id=f"q-{field}", select_on_focus=False, validate_on=NO_VALIDATION)
                box.border_title = title
                yield box
        yield Static("", id="search-count")
        yield FieldTable(  # one cell a row: results redraw fast enough to follow every keystroke
            [("Name", 28), ("Phone", 14), ("Email", 32), ("City", 14), ("Client", 7, "right")],
            values=lambda c: (c.sort_name, c.main_phone, c.email, c.city, f"#{c.id}"),
            key=lambda c: c.id,
            narrow_fields=[(0, 24), (1, 14), (3, 12), (2, 17)],
            narrow_below=110,  # the five fields need 103 cells, the scrollbar and padding 4 more
            id="client-results",
        )

    def on_mount(self) -> None:
        self.run_search()

    @property
    def query_value(self) -> ClientQuery:
        def value(field: str) -> str:
            return self.query_one(f"#q-{field}", Input).value

        return ClientQuery(name=value("name"), phone=value("phone"), email=value("email"), city=value("city"))

    @property
    def table(self) -> PagedTable:
        return self.query_one("#client-results", PagedTable)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.query_value != self._shown_query:  # not already shown (Enter may have run it)
            self.run_search()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        """Enter in a search field goes to the results; it never opens anything."""
        event.stop()
        self.action_to_results()

    def action_to_results(self) -> None:
        if self.query_value != self._shown_query:  # keys typed faster than the results followed
            self.run_search()
        self.table.focus_when_loaded()

    def action_enter(self) -> None:
        """Enter in a search field goes to the results (never opens anything);
        Enter on a result opens it."""
        self.table.when_loaded(self._enter_after_typing)  # (the keys typed before are in the field)

    def _enter_after_typing(self) -> None:
        if self.screen.focused is self.table:
            self.table.action_choose()
        else:
            self.action_to_results()

    _total: int | None = None  # all clients, counted when the search opens (or is refreshed)

    _shown_query: ClientQuery | None = None

    def run_search(self, recount: bool = False) -> None:
        query = self._shown_query = self.query_value
        total = None if recount else self._total

        def describe(page: list) -> tuple[str, int | None]:  # in the worker thread, with the first page
            shown, counted = len(page), total
            if query.is_empty:
                counted = counted if counted is not None else client_data.total_clients()
                text = f"{counted:,} clients — type to search"
            else:
                cap = 1000
                found = shown if shown < PAGE_SIZE else client_data.count_clients(query, cap=cap)
                text = (
                    "No client matches."
                    if not found
                    else (
                        f"{cap:,}+ clients match"
                        if found >= cap
                        else f"{found:,} client{'s' if found != 1 else ''} match"
                    )
                )
            to_list = f"{keymap.key('search_clients.open')}/{keymap.key('search_clients.results')}"
            return text + (f"  ·  {to_list} to the list, {keymap.key('table.open')} opens" if shown else ""), counted

        def show(described: tuple[str, int | None]) -> None:
            text, self._total = described
            # One line of a fixed size (its CSS): no layout of the screen again for it, only its repaint.
            self.query_one("#search-count", Static).update(text, layout=False)

        self.table.load(lambda after, limit: client_data.search_clients(query, limit, after), show, describe)


class ClientsHub(HubScreen):
    """F5: find a client as you type; Enter opens the client record. Its own
    keys (import clients) have a modifier: the search field takes letters."""

    HUB_ID = "clients"
    HUB_TITLE = "Clients"
    BINDINGS = keymap.bindings("clients_hub", "export.clients")
    COMMANDS = {ScreenCommands}
    PALETTE_ACTIONS = ("clients_hub.import", "export.clients")

    def compose_body(self) -> ComposeResult:
        yield ClientSearch(id="clients-search")

    def refresh_data(self) -> None:
        search = self.query_one(ClientSearch)
        cursor = search.table.cursor_row
        search.run_search(recount=True)

        def keep_line() -> None:
            if 0 < cursor < search.table.row_count:
                search.table.move_cursor(row=cursor)

        search.table.when_loaded(keep_line)

    def on_paged_table_chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        open_client(self.app, event.row)

    def action_export(self, choices: tuple[str, ...]) -> None:
        start_export(self, choices)

    def action_import_clients(self) -> None:
        import_clients_from_a_file(self)


class ClientSearchDialog(ScreenHooks, ModalScreen[Client | None]):
    """Ctrl+L from anywhere: the same search in a dialog; returns the chosen
    client (None on Escape). With ``allow_new``, Ctrl+N (or the button) opens
    the New Client form and returns the client it saves."""

    DEFAULT_CSS = """
    ClientSearchDialog { align: center middle; }
    ClientSearchDialog > #search-dialog { width: 116; max-width: 100%; height: 30; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    ClientSearchDialog #search-dialog-bar { height: 1; }
    ClientSearchDialog #search-dialog-title { width: 1fr; text-style: bold; }
    ClientSearchDialog #search-dialog-keys { width: auto; color: $text-muted; }
    """
    BINDINGS = keymap.bindings("dialog.cancel")

    def __init__(self, allow_new: bool = True):
        super().__init__()
        self.allow_new = allow_new

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog"):
            with Horizontal(id="search-dialog-bar"):
                yield Label("Client Search", id="search-dialog-title")
                keys = keymap.hint(
                    ("search_clients.open", "choose"),
                    *([("new_client", "new client")] if self.allow_new else []),
                    ("dialog.cancel", "cancel"),
                )
                yield Label(keys, id="search-dialog-keys")
            yield ClientSearch(id="dialog-search")

    def on_paged_table_chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        self.dismiss(event.row)

    def action_new_client(self) -> None:
        """Ctrl+N here: New Client, and the new client is the answer."""
        if not self.allow_new:
            self.notify("Choose an existing client here.", timeout=4)
            return

        def saved(client: Client | None) -> None:
            if client is not None:
                self.dismiss(client)

        self.app.push_screen(ClientForm(), saved)

    def action_cancel(self) -> None:
        self.dismiss(None)
