"""Help hub (F1): the full key map, generated from the action registry with
the user's remaps, and the id of each action for the key file."""

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from . import keymap
from .base import HubScreen


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
            table.add_row(action.listed, keys.all_keys(action.id), action.id)
        tables.append(table)
    return Group(*tables)


class HelpHub(HubScreen):
    HUB_ID = "help"
    HUB_TITLE = "Help"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="help-scroll"):
            yield Static(key_map(), id="keymap-table")
            yield Static(tips(keymap.active().source or keymap.config_path()), id="help-tips")
