"""The price lists (the palette's "Price lists", its key, Studio Settings):
every list with whether it is in use, how many items it has and which
session types sell from it. A manager or the owner adds, renames and takes a
list out of use, and opens a list's items (screens/price_items.py); anyone
else is told why not before any form. The rules are data/catalog.py's.

``CatalogScreen`` is what the manager's three lists share: a line that says
how things stand (or why not), the table, each change saved as it is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from ..data import catalog
from ..data.catalog import ListOverview
from ..data.models import PriceList
from ..data.permissions import Permission, why_not
from . import keymap
from .base import KeyBar, RecordScreen
from .dialogs import WRITE_ERRORS, ConfirmDialog, SmallForm, readable
from .spectra_app import spectra_app
from .widgets import FieldTable, Note


class CatalogScreen(RecordScreen):
    """A full-screen list of the catalog for a manager or the owner; anyone
    else sees why not in its place, and its keys only say it again."""

    DEFAULT_CSS = """
    CatalogScreen .catalog-head { height: auto; padding: 0 1; color: $text-muted; }
    CatalogScreen .catalog-note { height: auto; padding: 0 1; }
    CatalogScreen .catalog-note.-error { color: $error; }
    CatalogScreen FieldTable { height: 1fr; }
    """
    SCREEN_TITLE = ""
    HEAD = ""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static(self.HEAD + " " + keymap.hint(("record.close", "closes")), classes="catalog-head")
        yield from self.compose_above()
        yield Note("", classes="catalog-note", id="catalog-note")
        yield self.make_table()
        yield KeyBar()

    def compose_above(self) -> ComposeResult:
        yield from ()

    def make_table(self) -> FieldTable:
        raise NotImplementedError

    def rows(self) -> Sequence[Any]:
        """The rows shown (read in the table's worker thread)."""
        raise NotImplementedError

    def keys_hint(self) -> str:
        raise NotImplementedError

    @property
    def table(self) -> FieldTable:
        return self.query_one(FieldTable)

    def on_mount(self) -> None:
        self.title = f"Spectra · {self.SCREEN_TITLE}"
        self.reload()
        self.focus_first()

    def focus_first(self) -> None:
        self.table.focus()

    def refused(self) -> str:
        """Why the signed-in user may not change the catalog ("" when they may); shown if so."""
        why = why_not(Permission.CHANGE_SETTINGS)
        self.table.display = not why
        if why:
            self.say(why, error=True)
        return why

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#catalog-note", Note).say(text, error)

    def reload(self, then_select: Any = None) -> None:
        if self.refused():
            return
        self.say(self.keys_hint())
        key = self.table.selected_key if then_select is None else then_select

        def loaded(count: int) -> None:
            if key is not None:
                self.table.move_to_key(key)
            self.loaded(count)

        self.table.load(lambda after, limit: list(self.rows()) if after is None else [], loaded)

    def loaded(self, count: int) -> None:
        """The rows are shown (``count`` of them)."""

    def selected(self) -> Any | None:
        if self.refused():
            return None
        row = self.table.selected
        if row is None:
            self.notify("Choose a line in the list first.", timeout=3)
        return row

    def run(self, perform: Callable[[], Any], message: str, key: Any = None) -> None:
        """Make a change now; its rule's message is shown in the note line."""
        try:
            perform()
        except WRITE_ERRORS as error:
            self.reload(then_select=key)
            self.say(readable(error), error=True)
            return
        self.notify(message, timeout=4)
        self.reload(then_select=key)

    def after_dialog(self, message: str) -> Callable[[Any], None]:
        """What a dialog's answer does: nothing on Esc, else the message and the list again."""

        def done(saved: Any) -> None:
            if saved is None:
                return
            self.notify(message, timeout=4)
            self.reload(then_select=getattr(saved, "id", None))
            self.table.focus()

        return done


def _in_use(row: ListOverview) -> str:
    return "in use" if row.price_list.active else "out of use"


class PriceListsScreen(CatalogScreen):
    """Every price list; Enter opens its items and packages."""

    BINDINGS = keymap.bindings("catalog_lists")
    SCREEN_TITLE = "Price lists"
    HEAD = "What the studio sells, list by list; each session type sells from one."

    def make_table(self) -> FieldTable:
        return FieldTable(
            [("Price list", 26), ("In use", 10), ("Items", 6, "right"), ("Sold by session types", 60)],
            values=lambda row: (
                row.price_list.name,
                _in_use(row),
                str(row.items),
                ", ".join(row.session_types) or "none",
            ),
            key=lambda row: row.price_list.id,
            narrow_fields=[(0, 22), (1, 10), (2, 6), (3, 26)],
        )

    def rows(self) -> list[ListOverview]:
        return catalog.price_list_overview()

    def keys_hint(self) -> str:
        return keymap.hint(
            ("table.open", "its items"),
            ("catalog_lists.new", "new list"),
            ("catalog_lists.rename", "renames"),
            ("catalog_lists.in_use", "in/out of use"),
            ("catalog_lists.session_types", "session types"),
        )

    def loaded(self, count: int) -> None:
        if not count:
            self.say("The studio has no price list yet. " + keymap.hint(("catalog_lists.new", "makes the first one")))

    @on(FieldTable.Chosen)
    def _chosen(self, event: FieldTable.Chosen) -> None:
        event.stop()
        if self.refused():
            return
        from .price_items import PriceItemsScreen

        row: ListOverview = event.row
        self.app.push_screen(PriceItemsScreen(row.price_list), lambda _closed: self.reload())

    def action_new_list(self) -> None:
        if not self.refused():
            self.app.push_screen(ListNameDialog(None), self.after_dialog("Price list added."))

    def action_rename(self) -> None:
        row: ListOverview | None = self.selected()
        if row is not None:
            self.app.push_screen(ListNameDialog(row.price_list), self.after_dialog("Renamed."))

    def action_toggle_in_use(self) -> None:
        row: ListOverview | None = self.selected()
        if row is None:
            return
        listed = row.price_list
        if not listed.active:
            self.run(lambda: catalog.update_price_list(listed, active=True), f"{listed.name} is in use again.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run(
                    lambda: catalog.update_price_list(listed, active=False),
                    f"{listed.name} is out of use.",
                    key=listed.id,
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Take {listed.name} out of use? Its items stay on invoices already made; no new order sells from it.",
                "Out of use",
                "Keep",
            ),
            answered,
        )

    def action_session_types(self) -> None:
        spectra_app(self).action_session_types()


class ListNameDialog(SmallForm):
    """A new price list, or a list's new name. Dismisses with the saved PriceList."""

    FIELDS = [("name", "Name", "e.g. Schools 2027")]

    def __init__(self, price_list: PriceList | None):
        self.price_list = price_list
        self.TITLE_TEXT = f"Rename {price_list.name}" if price_list else "A new price list"
        super().__init__()

    def initial(self, field: str) -> str:
        return self.price_list.name if self.price_list else ""

    def perform(self, values: dict[str, Any]) -> PriceList:
        if self.price_list is None:
            return catalog.create_price_list(values["name"])
        return catalog.update_price_list(self.price_list, name=values["name"])

    def reload_record(self) -> None:
        if self.price_list is not None:
            self.price_list = catalog.get_price_list(self.price_list.id)
