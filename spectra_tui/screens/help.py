"""Help hub (F1): the key map, generated from the action registry."""

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from . import keymap
from .base import HubScreen

TIPS = (
    "[b]Terminal notes[/b]\n"
    "• Ctrl+K opens the command palette: every hub and action by name, so a terminal that takes "
    "F10/F11 (GNOME Terminal) or an SSH session loses nothing.\n"
    "• Ctrl+O shows the shortcuts of the screen you are on (the desktop program's ALT).\n"
    '• Keys can be remapped in {path} (a \\[keys] section, e.g. client_search = "ctrl+l,f6").\n'
    "• While adding a client, F3 leaves a field WITHOUT auto-capitalising it."
)


class HelpHub(HubScreen):
    HUB_ID = "help"
    HUB_TITLE = "Help"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="help-scroll"):
            yield Static(id="keymap-table")
            yield Static(TIPS.format(path=getattr(self.app, "keys_file", keymap.config_path())), id="help-tips")

    def on_mount(self) -> None:
        keys = getattr(self.app, "effective_keys", keymap.effective_keys({}))
        table = Table(title="Keys", expand=True, show_lines=False)
        table.add_column("Group", style="dim", no_wrap=True)
        table.add_column("Action")
        table.add_column("Keys", style="bold", no_wrap=True)
        for action in keymap.ACTIONS:
            table.add_row(action.group, action.description, keymap.display_keys(keys[action.id]))
        self.query_one("#keymap-table", Static).update(table)
