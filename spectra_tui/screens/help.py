"""Help hub (F1): the HOW DO I pages (help_pages.py), found by a search
field, then the full key map, generated from the action registry with the
user's remaps, and the id of each action for the key file."""

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from . import keymap
from .base import HubScreen
from .help_pages import HelpPage, matching


def tips(keys_file) -> str:
    key = keymap.key
    return (
        "[b]Terminal notes[/b]\n"
        f"• {key('palette')} opens the command palette: every hub and action by name, so a terminal that keeps "
        "some function keys for itself (GNOME Terminal) or an SSH session loses nothing.\n"
        f"• {key('shortcuts')} shows the shortcuts of the screen you are on (the desktop program's ALT).\n"
        f"• Keys can be remapped in {keys_file}: a \\[keys] section of id = keys, with the ids listed above, "
        'e.g. client_search = "ctrl+l,f6" or calendar.today = "h".\n'
        f"• While adding a client, {key('client_fields.next_as_typed')} leaves a field WITHOUT auto-capitalising it."
    )


def key_map() -> Group:
    """One table per group (the app's hubs and shortcuts, then each screen's keys)."""
    keys = keymap.active()
    groups: dict[str, list[keymap.Action]] = {}
    for action in keymap.ACTIONS:
        groups.setdefault(action.group, []).append(action)
    tables = []
    for group, actions in groups.items():
        table = Table(title=Text(group, style="bold"), title_justify="left", expand=True, show_header=False, box=None)
        table.add_column("Action", ratio=3)
        table.add_column("Keys", style="bold", no_wrap=True)
        table.add_column("Id", style="dim", ratio=2, overflow="fold")
        for action in actions:
            table.add_row(action.description, keys.all_keys(action.id), action.id)
        tables.append(table)
    return Group(*tables)


class HelpPageScreen(ModalScreen[None]):
    """One help page, over the Help hub; Esc or Enter goes back."""

    DEFAULT_CSS = """
    HelpPageScreen { align: center middle; }
    HelpPageScreen > VerticalScroll { width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    HelpPageScreen #page-title { text-style: bold; margin-bottom: 1; }
    """
    BINDINGS = keymap.bindings("dialog.close")

    def __init__(self, page: HelpPage):
        super().__init__()
        self.page = page

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.page.title, id="page-title")
            yield Static(self.page.text(), id="page-text")
            yield Static(f"[dim]{keymap.key('dialog.close')} back to Help[/dim]")

    def action_close(self) -> None:
        self.dismiss(None)


class HelpHub(HubScreen):
    HUB_ID = "help"
    HUB_TITLE = "Help"

    DEFAULT_CSS = """
    HelpHub #help-search-row { height: 1; margin: 1 1 0 1; }
    HelpHub #help-search-label { width: auto; }
    HelpHub #help-search { width: 1fr; }
    HelpHub #help-pages { height: auto; max-height: 40%; margin: 0 1; }
    HelpHub #help-scroll { height: 1fr; }
    """
    BINDINGS = keymap.bindings("help")

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="help-search-row"):
            yield Static("[b]How do I…?[/b] ", id="help-search-label")
            yield Input(
                id="help-search",
                compact=True,
                placeholder=f"type words (payment, new client); {keymap.widget_key('submit')} opens the page",
            )
        yield OptionList(id="help-pages")
        with VerticalScroll(id="help-scroll"):
            yield Static(key_map(), id="keymap-table")
            yield Static(tips(keymap.active().source or keymap.config_path()), id="help-tips")

    def on_mount(self) -> None:
        super().on_mount()
        self._list("")
        self.query_one("#help-search", Input).focus()

    def _list(self, query: str) -> None:
        pages = self.query_one("#help-pages", OptionList)
        pages.clear_options()
        found = matching(query)
        pages.add_options(
            [Option(page.title, id=page.title) for page in found] or [Option("No page has those words.", disabled=True)]
        )
        pages.highlighted = 0 if found else None

    @on(Input.Changed, "#help-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._list(event.value)

    @on(Input.Submitted, "#help-search")
    def _open_highlighted(self, event: Input.Submitted) -> None:
        event.stop()
        pages = self.query_one("#help-pages", OptionList)
        if pages.highlighted is not None and not pages.get_option_at_index(pages.highlighted).disabled:
            self.open_page(pages.get_option_at_index(pages.highlighted).id or "")

    def action_to_pages(self) -> None:
        self.query_one("#help-pages", OptionList).focus()

    @on(OptionList.OptionSelected, "#help-pages")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.open_page(event.option.id or "")

    def open_page(self, title: str) -> None:
        page = next(page for page in matching("") if page.title == title)
        self.app.push_screen(HelpPageScreen(page))
