"""The pieces of the client record: its tab strip, the New ribbon, the lists
with their own keys, and the small Add family member dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from ...data import clients as client_data
from ...data.models import Client, FamilyMember
from .. import keymap
from ..dialogs import SmallForm
from ..widgets import PagedTable

if TYPE_CHECKING:
    from .record import ClientRecord

# ---------------------------------------------------------------- small dialogs of the record


class FamilyMemberDialog(SmallForm):
    TITLE_TEXT = "Add a family member"
    FIELDS = [
        ("first_name", "First name", ""),
        ("last_name", "Last name", ""),
        ("relationship", "Relationship", "Spouse, Child..."),
        ("birthday", "Birthday", "MM/DD/YYYY"),
    ]

    def __init__(self, client: Client):
        super().__init__()
        self.client = client

    def initial(self, field: str) -> str:
        return self.client.last_name if field == "last_name" else ""

    def perform(self, values: dict[str, Any]) -> FamilyMember:
        return client_data.add_family_member(
            self.client, values["first_name"], values["last_name"], values["relationship"], values["birthday"] or None
        )


# ---------------------------------------------------------------- the record's tab strip, ribbon and lists


class Separated:
    """Parts on one line with a separator between them, as many lines as the
    width needs, broken only between parts ("Unapplied deposits $0.00" is
    never cut from its amount)."""

    SEPARATOR = "  ·  "

    def __init__(self, parts: list[Text]):
        self.parts = parts

    def __str__(self) -> str:
        return self.SEPARATOR.join(part.plain for part in self.parts)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines: list[Text] = []
        for part in self.parts:
            if lines and lines[-1].cell_len + len(self.SEPARATOR) + part.cell_len <= options.max_width:
                lines[-1] = Text.assemble(lines[-1], self.SEPARATOR, part)
            else:
                lines.append(part.copy())
        yield Text("\n").join(lines)


class KeyRibbon(Static):
    """A ribbon group: 'New  Alt+A Appointment  Alt+S Session ...', wrapped
    between entries (never inside one) to the width it has."""

    def __init__(self, title: str, entries: list[tuple[str, str]], width: int = 0, **kwargs):
        self.ribbon_title, self.entries = title, entries
        self._width = width
        text = self.flow(width) if width else None
        super().__init__("" if text is None else text, **kwargs)
        if text is not None:
            self.styles.height = text.plain.count("\n") + 1

    def on_resize(self, event) -> None:
        if event.size.width == self._width:
            return  # laid out for this width already
        self._width = event.size.width
        text = self.flow(event.size.width)
        self.styles.height = text.plain.count("\n") + 1
        self.update(text)

    def flow(self, width: int) -> Text:
        parts = [Text.assemble((key, "bold"), " ", label) for key, label in self.entries]
        lines: list[Text] = []
        line = Text.assemble((self.ribbon_title, "bold"), ":")
        for part in parts:
            if line.cell_len + 2 + part.cell_len > max(width, 20) and line.cell_len > 0:
                lines.append(line)
                line = Text("  ") + part
            else:
                line = line + Text("  ") + part
        lines.append(line)
        return Text("\n").join(lines)


def record_of(widget: Widget) -> ClientRecord:
    """The client record a list or the tab strip below is part of (they are
    shown only there)."""
    return cast("ClientRecord", widget.screen)


class FamilyTable(PagedTable):
    """The Family list: a (or Insert) adds a member, Delete removes the selected one."""

    BINDINGS = keymap.bindings("family")

    def action_add_member(self) -> None:
        record_of(self).action_add_family()

    def action_remove_member(self) -> None:
        record_of(self).action_remove_family()


def tab_label(name: str) -> str:
    """'phone_calls' -> 'Phone Calls'."""
    return name.replace("_", " ").title()


class CallsTable(PagedTable):
    """The Phone Calls list: l logs a call with the client."""

    BINDINGS = keymap.bindings("calls")

    def action_log_call(self) -> None:
        record_of(self).action_log_call()


class TabStrip(Static, can_focus=True):
    """The record's tab names on one line, the current one highlighted.

    Left/Right (when it has the focus), Ctrl+PgUp/PgDn, Alt+1..7 or a click
    choose a tab; the screen's ``action_show_tab`` does the switching. Down
    goes into the tab, Enter too, opening a list's highlighted line.
    (Alt+digit reaches the app only in terminals with the kitty keyboard
    protocol: elsewhere Textual reads ESC+digit as macOS Option characters,
    so Ctrl+PgUp/PgDn, which every terminal sends, are the keys to rely on.) (A light stand-in for
    TabbedContent, whose fifteen widgets made a record slower to open.)"""

    DEFAULT_CSS = """
    TabStrip { height: 1; padding: 0 1; background: $panel; }
    TabStrip:focus { background: $boost; }
    """
    BINDINGS = keymap.bindings("tab_strip")

    def __init__(self, tabs: tuple[str, ...], active: str, **kwargs):
        super().__init__("", **kwargs)
        self.tabs, self.active = tabs, active

    def on_mount(self) -> None:
        self.show(self.active)

    def show(self, tab: str) -> None:
        """Highlight ``tab``; a space each side of every name when the line
        has room (120 columns), one space between names when not (80)."""
        self.active = tab
        steps = f"{keymap.key('client_record.previous_tab')}/{keymap.key('client_record.next_tab')}"
        hint = f"{keymap.key('client_record.tab_general')}…{len(self.tabs)} · {steps}"
        roomy = sum(len(tab_label(name)) + 3 for name in self.tabs) + len(hint) + 2 <= self.app.size.width - 2
        if not roomy:  # the names close together, then as many keys as fit
            room = self.app.size.width - 2 - sum(len(tab_label(name)) + 1 for name in self.tabs) - 2
            hint = next((h for h in (steps, keymap.key("client_record.next_tab")) if len(h) <= room), "")
        parts = []
        for name in self.tabs:
            label = f" {tab_label(name)} " if roomy or name == tab else tab_label(name)
            if name == tab:
                parts.append(f"[b reverse]{label}[/]")
            else:
                parts.append(f"[@click=screen.show_tab('{name}')]{label}[/]")
        self.update(" ".join(parts) + f"  [dim]{hint}[/]")

    async def action_step(self, step: int) -> None:
        index = (self.tabs.index(self.active) + step) % len(self.tabs)
        await record_of(self).action_show_tab(self.tabs[index], focus_content=False)

    def action_into(self, open_line: bool) -> None:
        """Down: into the tab's list or fields. Enter: the same, and a list's
        highlighted line opens (no Tab needed first)."""
        record_of(self).enter_tab(open_line)
