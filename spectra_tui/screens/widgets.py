"""Shared widgets: a table that pages its rows from SQL as the cursor moves."""
from collections.abc import Callable, Sequence
from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

PAGE_SIZE = 60


class PagedTable(DataTable):
    """A DataTable fed one page at a time.

    ``fetch(after, limit)`` returns the next rows after the row ``after``
    (None for the first page): keyset pagination, so the hub stays fast at
    100,000 records. ``cells(row)`` makes a row's cells, ``key(row)`` its key.
    When the cursor comes near the last loaded row, the next page is loaded.
    Enter posts ``PagedTable.Chosen`` with the row object.
    """

    BINDINGS = [Binding("enter", "choose", "Open", show=True)]

    class Chosen(Message):
        def __init__(self, table: "PagedTable", row: Any):
            super().__init__()
            self.table, self.row = table, row

        @property
        def control(self) -> "PagedTable":
            return self.table

    def __init__(self, columns: Sequence[tuple[str, int | None]], cells: Callable[[Any], Sequence],
                 key: Callable[[Any], Any], **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._column_specs = columns
        self._cells = cells
        self._key = key
        self._fetch: Callable[[Any, int], list] | None = None
        self._rows: list = []
        self._exhausted = True

    def on_mount(self) -> None:
        for label, width in self._column_specs:
            self.add_column(label, width=width)

    def load(self, fetch: Callable[[Any, int], list]) -> None:
        """Start over with a new query."""
        self._fetch = fetch
        self._rows = []
        self._exhausted = False
        self.clear()
        self._load_more()
        if self.row_count:
            self.move_cursor(row=0)

    def _load_more(self) -> None:
        if self._exhausted or self._fetch is None:
            return
        page = self._fetch(self._rows[-1] if self._rows else None, PAGE_SIZE)
        if len(page) < PAGE_SIZE:
            self._exhausted = True
        for row in page:
            self._rows.append(row)
            self.add_row(*self._cells(row), key=str(self._key(row)))

    @property
    def loaded_rows(self) -> list:
        return list(self._rows)

    @property
    def selected(self) -> Any | None:
        if not self._rows or self.cursor_row < 0 or self.cursor_row >= len(self._rows):
            return None
        return self._rows[self.cursor_row]

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if new.row >= len(self._rows) - 10:
            self._load_more()

    def action_choose(self) -> None:
        row = self.selected
        if row is not None:
            self.post_message(self.Chosen(self, row))
