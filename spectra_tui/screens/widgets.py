"""Shared widgets: a table that pages its rows from SQL as the cursor moves
(fetched in a worker thread), and a line of notes under a form."""

from collections.abc import Callable, Sequence
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.css.styles import RenderStyles
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from ..data.images import thread_connection
from . import keymap
from .typeahead import hold_keys

PAGE_SIZE = 60
PAGE_LOADS = "page-loads"  # the worker group of every PagedTable fetch (tests wait on it)


class PagedTable(DataTable):
    """A DataTable fed one page at a time.

    ``fetch(after, limit)`` returns the next rows after the row ``after``
    (None for the first page): keyset pagination, so the hub stays fast at
    100,000 records. ``cells(row)`` makes a row's cells, ``key(row)`` its key.
    When the cursor comes near the last loaded row, the next page is loaded.
    Enter posts ``PagedTable.Chosen`` with the row object. Home and End go to
    the first and the last row (End loads the pages still to come first).

    Every page is fetched in a thread worker (its own database connection),
    so a slow database never holds up typing; the rows shown stay until the
    new ones arrive. A newer ``load`` cancels an older one, and a page that
    arrives for a load since replaced is dropped.

    ``narrow_columns`` (optional): the columns to show, as (index into
    ``columns``, width) or (index, width, label), when the table is narrower
    than ``narrow_below`` cells (an 80-column terminal), so nothing is cut off.
    """

    BINDINGS = keymap.bindings("table")

    class Chosen(Message):
        def __init__(self, table: "PagedTable", row: Any):
            super().__init__()
            self.table, self.row = table, row

        @property
        def control(self) -> "PagedTable":
            return self.table

    def __init__(
        self,
        columns: Sequence[tuple[str, int | None]],
        cells: Callable[[Any], Sequence],
        key: Callable[[Any], Any],
        narrow_columns: Sequence[tuple] | None = None,
        narrow_below: int = 100,
        **kwargs,
    ):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._column_specs = columns
        self._cells = cells
        self._key = key
        self._fetch: Callable[[Any, int], list] | None = None
        self._rows: list = []
        self._exhausted = True
        self._loading = False  # a page is being fetched
        self._generation = 0  # which load() the pages in flight belong to
        self._first_page_due = False
        self._when_loaded: list[Callable[[], None]] = []
        self._to_last_row = False  # End pressed: each page that arrives moves on to the last row
        self._at_last_row: list[Callable[[], None]] = []  # keys typed after End, waiting for the last row
        self._narrow_columns = narrow_columns
        self._narrow_below = narrow_below
        self._layout: list[tuple[int, str | Text, int | None]] = []

    def _wanted_layout(self, width: int) -> list[tuple[int, str | Text, int | None]]:
        if self._narrow_columns and 0 < width < self._narrow_below:
            return [
                (spec[0], spec[2] if len(spec) > 2 else self._column_specs[spec[0]][0], spec[1])
                for spec in self._narrow_columns
            ]
        return [(index, label, w) for index, (label, w) in enumerate(self._column_specs)]

    def _row_cells(self, row: Any) -> list:
        cells = list(self._cells(row))
        return [cells[index] for index, _label, _width in self._layout]

    def _apply_layout(self, width: int) -> None:
        layout = self._wanted_layout(width)
        if layout == self._layout:
            return
        self._layout = layout
        cursor = self.cursor_row
        self.clear(columns=True)
        for _index, label, column_width in layout:
            self.add_column(label, width=column_width)
        for row in self._rows:
            self.add_row(*self._row_cells(row), key=str(self._key(row)))
        if self.row_count:
            self.move_cursor(row=min(max(cursor, 0), self.row_count - 1))

    def on_mount(self) -> None:
        self._apply_layout(self.app.size.width)

    def on_resize(self, event) -> None:
        self._apply_layout(event.size.width)

    def load(
        self,
        fetch: Callable[[Any, int], list],
        then: Callable[[Any], None] | None = None,
        describe: Callable[[list], Any] = len,
    ) -> None:
        """Start over with a new query, fetched in a worker thread.

        ``describe(first_page)`` runs in the worker too (a count for the
        screen's message reads the database); ``then(description)`` runs here
        once the first page is shown, unless a newer load replaced this one.
        """
        if not self._layout:  # load() may come before this table's own on_mount
            self._apply_layout(self.app.size.width)
        self._fetch = fetch
        self._generation += 1
        self._first_page_due = True
        hold_keys(self, self._after_first_page)  # keys typed after the one that loaded it are for the rows
        self._loading = True
        self._fetch_page(self._generation, fetch, None, describe, then)

    def when_loaded(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the newest load's first page is shown (now
        if it is); keys typed meanwhile wait for it (they may be meant for
        the rows: Enter, then Enter on the first result)."""
        if self._first_page_due:
            self._when_loaded.append(callback)
            hold_keys(self, self._after_first_page)
        else:
            callback()

    def _after_first_page(self, release: Callable[[], None]) -> None:
        """Let the held keys go once the first page is shown: at once when it
        already is (it may come before the key that loaded it is done with;
        put in the list then, the keys would wait for the watchdog)."""
        if self._first_page_due:
            self._when_loaded.append(release)
        else:
            release()

    def focus_when_loaded(self) -> None:
        """Take the focus once the newest results are in, if there are any
        (at once, not after keys already typed: they belong to the search)."""

        def focus() -> None:
            if self.row_count:
                self.screen.set_focus(self)

        self.when_loaded(focus)

    def _load_more(self) -> None:
        # Adding a row can move the cursor, whose watcher asks for more rows:
        # without this guard the same page would be fetched (and added) twice.
        if self._exhausted or self._fetch is None or self._loading:
            return
        self._loading = True
        limit = PAGE_SIZE * 10 if self._to_last_row else PAGE_SIZE  # on the way to End: bigger steps
        self._fetch_page(self._generation, self._fetch, self._rows[-1] if self._rows else None, None, None, limit)

    @work(thread=True, exclusive=True, group=PAGE_LOADS)
    def _fetch_page(
        self,
        generation: int,
        fetch: Callable[[Any, int], list],
        after: Any,
        describe: Callable[[list], Any] | None,
        then: Callable[[Any], None] | None,
        limit: int = PAGE_SIZE,
    ) -> None:
        worker = get_current_worker()
        with thread_connection():
            if worker.is_cancelled:  # a newer load came before this one started
                return
            page = fetch(after, limit)
            described = describe(page) if describe is not None and not worker.is_cancelled else None
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_page, generation, after is None, page, described, then, limit)

    def _show_page(
        self,
        generation: int,
        first: bool,
        page: list,
        described: Any,
        then: Callable[[Any], None] | None,
        limit: int = PAGE_SIZE,
    ) -> None:
        if generation != self._generation:
            return  # stale: a newer load is on its way
        if first:
            self._rows = []
            self._to_last_row = False  # a new list: End is pressed again for its end
            self._release_keys()
            self.clear()  # resets the cursor; its watcher asks for no page while _loading
            self._exhausted = False
        if len(page) < limit:
            self._exhausted = True
        for row in page:
            self._rows.append(row)
            self.add_row(*self._row_cells(row), key=str(self._key(row)))
        if first and self.row_count:
            self.move_cursor(row=0)
        self._loading = False
        if self._to_last_row:
            self.action_last_row()
        if not first:
            return
        self._first_page_due = False
        if then is not None:
            then(described)
        while self._when_loaded and not self._first_page_due:  # a callback may start a newer load
            self._when_loaded.pop(0)()

    # ---------------------------------------------------------------- drawing
    # DataTable works out its styles again for every line it draws (three
    # walks up the DOM a line: the table's style, the header's, the row's),
    # a third of the time a new page of results takes to draw. Nothing they
    # depend on changes while the table draws one frame: each is worked out
    # once per frame.

    _frame_styles: dict | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_styles = {}
        try:
            return super().render_lines(crop)
        finally:
            self._frame_styles = None

    @property
    def rich_style(self) -> Style:
        if self._frame_styles is None:
            return super().rich_style
        if None not in self._frame_styles:
            self._frame_styles[None] = super().rich_style
        return self._frame_styles[None]

    def get_component_styles(self, *names: str) -> RenderStyles:
        if self._frame_styles is None:
            return super().get_component_styles(*names)
        if names not in self._frame_styles:
            self._frame_styles[names] = _FrameStyles(super().get_component_styles(*names))
        return self._frame_styles[names]

    @property
    def loaded_rows(self) -> list:
        return list(self._rows)

    @property
    def selected_key(self) -> Any | None:
        """The key of the row under the cursor (to find it again after a reload)."""
        row = self.selected
        return None if row is None else self._key(row)

    def move_to_key(self, key: Any) -> None:
        """Put the cursor on the loaded row with this key, if there is one."""
        for index, row in enumerate(self._rows):
            if self._key(row) == key:
                self.move_cursor(row=index)
                return

    @property
    def selected(self) -> Any | None:
        if not self._rows or self.cursor_row < 0 or self.cursor_row >= len(self._rows):
            return None
        return self._rows[self.cursor_row]

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if new.row >= len(self._rows) - 10:
            self._load_more()

    def action_first_row(self) -> None:
        self._to_last_row = False
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        """End: the last row of the whole list, once every page has come (the
        cursor goes down with each page meanwhile). Keys typed after End
        wait for it: End then Enter opens the last row."""
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
        self._to_last_row = not self._exhausted and self._fetch is not None
        if self._to_last_row:
            hold_keys(self, self._at_last_row.append)  # (not held when called as a page comes)
            self._load_more()
            return
        self._release_keys()

    def _release_keys(self) -> None:
        waiting, self._at_last_row = self._at_last_row, []
        for then in waiting:
            then()

    def action_choose(self) -> None:
        row = self.selected
        if row is not None:
            self.post_message(self.Chosen(self, row))


class FieldTable(PagedTable):
    """A PagedTable drawn as ONE cell per row, its fields laid out at fixed widths.

    A DataTable renders every cell on its own; with one cell a row, a page of
    results draws about three times faster, which keeps search-as-you-type
    lists quick (the Clients hub at 100,000 clients). ``fields`` are
    (label, width) or (label, width, "right"); ``values(row)`` returns the
    field texts in that order; ``narrow_fields`` lists (index into
    ``fields``, width) for tables narrower than ``narrow_below`` cells.
    """

    GAP = 2
    EDGE = 4  # the scrollbar and the cell padding around the one column

    def __init__(
        self,
        fields: Sequence[tuple],
        values: Callable[[Any], Sequence[str]],
        key: Callable[[Any], Any],
        narrow_fields: Sequence[tuple[int, int]] | None = None,
        narrow_below: int = 100,
        **kwargs,
    ):
        self._fields = [(f[0], f[1], f[2] if len(f) > 2 else "left") for f in fields]
        self._narrow_fields = narrow_fields
        self._values = values
        self._shown: list[tuple[int, int, str]] = [(i, w, j) for i, (_l, w, j) in enumerate(self._fields)]
        super().__init__([("", None)], cells=self._line, key=key, narrow_below=narrow_below, **kwargs)

    def _fit(self, texts: Sequence[str]) -> str:
        parts = []
        for index, width, justify in self._shown:
            text = str(texts[index] or "")
            size = cell_len(text)
            if size > width:
                text = set_cell_size(text, width - 1) + "…"
            elif justify == "right":
                text = " " * (width - size) + text
            else:
                text = text + " " * (width - size)
            parts.append(text)
        return (" " * self.GAP).join(parts)

    def _wanted_layout(self, width: int) -> list[tuple[int, str | Text, int | None]]:
        if self._narrow_fields and 0 < width < self._narrow_below:
            self._shown = [(i, w, self._fields[i][2]) for i, w in self._narrow_fields]
            # The last field takes the room left (an e-mail is not cut off with columns to spare).
            *first, (last, last_width, justify) = self._shown
            room = width - self.EDGE - sum(w + self.GAP for _i, w, _j in first)
            self._shown = [*first, (last, max(last_width, room), justify)]
        else:
            self._shown = [(i, w, j) for i, (_l, w, j) in enumerate(self._fields)]
        total = sum(w for _i, w, _j in self._shown) + self.GAP * (len(self._shown) - 1)
        return [(0, Text(self._fit([label for label, _w, _j in self._fields])), total)]

    def _line(self, row: Any) -> tuple:
        return (Text(self._fit(self._values(row)), no_wrap=True, overflow="ellipsis"),)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """A row's one cell as DataTable draws it (its padding, the row's and
        the cursor's styles, where it is), without Rich laying its text out
        again: _fit has made it exactly as wide as the column already. (The
        header, and any other cell, are DataTable's.) About a third off the
        time a new page of results takes to draw."""
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if (
            row_key is None
            or column_key is None
            or self.fixed_rows
            or self.fixed_columns
            or self.rows[row_key].height != 1
        ):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )  # as DataTable keys it
        lines = self._cell_render_cache.get(cache_key)
        if lines is not None:
            return lines
        cell = self._get_row_renderables(row_index)[1][column_index]
        text = cell.plain if isinstance(cell, Text) else str(cell)
        if cell_len(text) != width - 2 * self.cell_padding:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style + post_style
        padding = Segment(" " * self.cell_padding, style)
        lines = self._cell_render_cache[cache_key] = [[padding, Segment(text, style), padding]]
        return lines


class _FrameStyles:
    """A component's styles during one frame: its Rich style worked out once."""

    def __init__(self, styles: RenderStyles):
        self._styles = styles
        self.rich_style = styles.rich_style

    def __getattr__(self, name: str) -> Any:
        return getattr(self._styles, name)


class Note(Static):
    """A line that says how a form stands: a hint, a count, or (``-error``) what is wrong."""

    def say(self, text: str, error: bool = False) -> None:
        self.update(text)
        self.set_class(error, "-error")
