"""The calendar's grid: ONE widget drawn with the Line API from the rows of a
loaded view, never a widget per booking. The day and week views are drawn
here, the month view by ``MonthLines``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from ...data.calendar import SESSION, CalendarRow
from ...data.clock import now
from ...data.when import clock, long_date
from .labels import contrast, describe_row, fit, fit_center, fit_left, short_hours, span
from .month import MonthLines
from .view import DAY, MONTH, MONTH_WEEKS, WEEK, CalendarData

AXIS = 9  # "10:30 AM " left of the grid
HEADER = 2  # column title + hours / note
MIN_COLUMN = {DAY: 15, WEEK: 13}  # narrower than this: fewer columns, the window follows the cursor

ColumnIndex = tuple[dict[int, list[CalendarRow]], dict[tuple[str, int], tuple[int, int]], list[bool]]
"""A column's rows in each slot, each row's (first slot, slots), and which slots are within studio hours."""


class CalendarGrid(MonthLines, Widget, can_focus=True):
    """The calendar's day / week / month grid, drawn line by line.

    The hub owns the cursor; the grid only keeps the window (first column,
    first slot) so that the cursor stays in view, and turns clicks into
    ``Clicked`` messages."""

    DEFAULT_CSS = """
    CalendarGrid { height: 1fr; width: 1fr; }
    """

    class Clicked(Message):
        def __init__(self, column: int, slot: int, day: dt.date | None, double: bool):
            super().__init__()
            self.column, self.slot, self.day, self.double = column, slot, day, double

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data: CalendarData | None = None
        self.cursor_column = 0
        self.cursor_slot = 0
        self.cursor_day: dt.date | None = None
        self.ghost: tuple[int, int, int, CalendarRow] | None = None  # column, first slot, slots, row moved
        self.first_column = 0
        self.top = 0
        self._styles: dict[str, Style] = {}
        self._index: dict[int, ColumnIndex] = {}
        self._lines: dict[tuple[tuple[str, int], int], list[str]] = {}
        self._block_cache: dict[tuple[str, str, str, bool, bool], tuple[Style, Style, str]] = {}
        self._agenda: tuple[CalendarData, dt.date, list[CalendarRow]] | None = None

    # -- the hub tells the grid what to show

    def show(
        self,
        data: CalendarData,
        column: int = 0,
        slot: int = 0,
        day: dt.date | None = None,
        ghost: tuple[int, int, int, CalendarRow] | None = None,
    ) -> None:
        if data is not self.data:
            self._index.clear()
            self._lines.clear()
        self.data = data
        self.cursor_column, self.cursor_slot, self.cursor_day, self.ghost = column, slot, day, ghost
        self._follow_cursor()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._follow_cursor()

    @property
    def view_data(self) -> CalendarData:
        """The view being drawn: the drawing runs only once ``show`` gave one."""
        if self.data is None:
            raise RuntimeError("The calendar grid was asked to draw before it was shown a view.")
        return self.data

    # -- geometry

    @property
    def lines_per_slot(self) -> int:
        data = self.data
        if data is None or not data.times:
            return 1
        body = max(1, self.size.height - HEADER)
        return max(1, min(3, body // len(data.times)))

    def visible_slots(self) -> int:
        return max(1, (self.size.height - HEADER) // self.lines_per_slot)

    def column_layout(self) -> list[tuple[int, int, int]]:
        """Visible columns as (column index, x, width); a 1-cell separator precedes each."""
        data = self.data
        if data is None or not data.columns:
            return []
        available = max(1, self.size.width - AXIS)
        fits = max(1, available // (MIN_COLUMN[data.view] + 1))
        count = min(len(data.columns), fits)
        base, extra = divmod(available - count, count)
        out, x = [], AXIS
        for offset in range(count):
            width = base + (1 if offset < extra else 0)
            out.append((self.first_column + offset, x + 1, width))
            x += width + 1
        return out

    def _follow_cursor(self) -> None:
        data = self.data
        if data is None or data.view == MONTH or not data.columns:
            return
        available = max(1, self.size.width - AXIS)
        count = min(len(data.columns), max(1, available // (MIN_COLUMN[data.view] + 1)))
        if self.cursor_column < self.first_column:
            self.first_column = self.cursor_column
        elif self.cursor_column >= self.first_column + count:
            self.first_column = self.cursor_column - count + 1
        self.first_column = max(0, min(self.first_column, len(data.columns) - count))
        visible = self.visible_slots()
        wanted = [self.cursor_slot]
        if self.ghost is not None:
            wanted.append(min(len(data.times) - 1, self.ghost[1] + self.ghost[2] - 1))
            wanted.append(self.ghost[1])
        for slot in wanted:
            if slot < self.top:
                self.top = slot
            elif slot >= self.top + visible:
                self.top = slot - visible + 1
        self.top = max(0, min(self.top, max(0, len(data.times) - visible)))

    # -- styles (from the theme, so light themes stay readable)

    def _style(self, name: str) -> Style:
        if not self._styles:
            v = self.app.get_css_variables()
            background = v.get("background", "#121212")
            panel = v.get("panel", "#242f38")
            accent = v.get("accent", "#fea62b")
            primary = v.get("primary", "#0178d4")
            foreground = v.get("foreground", "#e0e0e0")
            warning = v.get("warning", "#fea62b")
            self._styles = {
                "open": Style(bgcolor=background, color=foreground),
                "closed": Style(bgcolor=v.get("surface", "#1e1e1e"), color="#6c6c6c"),
                "sep": Style(bgcolor=background, color="#444444"),
                "axis": Style(bgcolor=background, color="#8a8a8a"),
                "axis-now": Style(bgcolor=background, color=accent, bold=True),
                "axis-cursor": Style(bgcolor=primary, color="#ffffff", bold=True),
                "head": Style(bgcolor=panel, color=foreground, bold=True),
                "head-cursor": Style(bgcolor=primary, color="#ffffff", bold=True),
                "head-today": Style(bgcolor=panel, color=accent, bold=True),
                "sub": Style(bgcolor=panel, color="#9a9a9a"),
                "sub-closed": Style(bgcolor=panel, color=warning, italic=True),
                "cursor": Style(bgcolor=primary, color="#ffffff", bold=True),
                "appointment": Style(bgcolor=v.get("background-lighten-1", "#212121"), color=foreground, italic=True),
                "more": Style(bgcolor=panel, color=accent, bold=True),
                "month-day": Style(bgcolor=panel, color=foreground, bold=True),
                "month-other": Style(bgcolor=background, color="#6c6c6c"),
            }
        return self._styles[name]

    def on_theme_change(self) -> None:  # pragma: no cover - theme switching is a nicety
        self._styles.clear()
        self._block_cache.clear()

    # -- rendering

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        data = self.data
        if data is None or width <= 0:
            return Strip.blank(width)
        used = self.used_lines()
        if y >= used:
            segments = self._agenda_line(y - used - 1) if y > used else []
        elif data.view == MONTH:
            segments = self._month_line(y)
        elif y < HEADER:
            segments = self._header_line(y)
        else:
            segments = self._body_line(y - HEADER)
        return Strip(segments).adjust_cell_length(width, self._style("open")).crop(0, width)

    def used_lines(self) -> int:
        """Lines the grid itself takes; below them the cursor day's bookings are listed."""
        data = self.view_data
        if data.view == MONTH:
            return 1 + MONTH_WEEKS * self.month_geometry()[1]
        return HEADER + min(len(data.times) * self.lines_per_slot, max(0, self.size.height - HEADER))

    def agenda_rows(self) -> list[CalendarRow]:
        """The cursor day's bookings (each once), by start."""
        data = self.view_data
        day = self.cursor_day
        if day is None:
            return []
        if data.view == MONTH:
            return list(data.month_rows.get(day, []))
        cached = self._agenda
        if cached is not None and cached[0] is data and cached[1] == day:
            return cached[2]
        seen, out = set(), []
        for column in data.columns:
            for row in column.rows:
                if row.key not in seen and row.start.date() <= day <= row.end.date():
                    seen.add(row.key)
                    out.append(row)
        out.sort(key=lambda r: (r.start, r.kind != SESSION, r.id))
        self._agenda = (data, day, out)
        return out

    def _agenda_line(self, index: int) -> list[Segment]:
        """Spare lines under the grid: the cursor day's bookings in full."""
        day = self.cursor_day
        if day is None:
            return []
        rows = self.agenda_rows()
        room = self.size.height - self.used_lines() - 1
        width = self.size.width
        if index == 0:
            count = f"{len(rows)} booking{'s' if len(rows) != 1 else ''}" if rows else "nothing booked"
            title = f" {long_date(day)}: {count} "
            return [Segment("──" + title + "─" * max(0, width - cell_len(title) - 2), self._style("axis"))]
        position = index - 1
        capacity = room - 1
        if position >= len(rows) or position >= capacity:
            return []
        if position == capacity - 1 and len(rows) > capacity:
            return [Segment(f"   … and {len(rows) - capacity + 1} more (open the day view)", self._style("axis"))]
        row = rows[position]
        times = span(row).rjust(16) + "  "
        return [Segment(times, self._style("axis"))] + self._block(
            row, describe_row(row, when=False), max(2, width - len(times)), False
        )

    def _header_line(self, y: int) -> list[Segment]:
        data = self.view_data
        layout = self.column_layout()
        head = self._style("head")
        left = "◀" if self.first_column > 0 else " "
        if y == 0:
            label = {DAY: f"{data.day:%a} {data.day.day}", WEEK: f"Wk {data.first:%-m/%-d}"}.get(data.view, "")
            segments = [Segment(fit_left(label, AXIS - 1) + left, head)]
        else:
            segments = [Segment(" " * (AXIS - 1) + left, self._style("sub"))]
        last = layout[-1][0] if layout else 0
        today = now().date()
        for index, _x, width in layout:
            column = data.columns[index]
            right_more = index == last and last < len(data.columns) - 1
            inner = width - (1 if right_more else 0)
            if y == 0:
                title = column.title if cell_len(column.title) <= inner else column.short
                if column.kind == "day" and column.day == today:
                    title = ("• " + title) if cell_len(title) + 2 <= inner else title
                style = head
                if index == self.cursor_column:
                    style = self._style("head-cursor")
                elif column.kind == "day" and column.day == today:
                    style = self._style("head-today")
                elif column.kind == "person" and column.color:
                    style = head + Style(color=column.color)
                segments.append(Segment("│", self._style("sep") + Style(bgcolor=head.bgcolor)))
                segments.append(Segment(fit_center(title, inner), style))
            else:
                if column.kind == "day":
                    text = short_hours(column.info, inner)
                    closed = not column.info.is_open
                else:
                    text = fit(column.subtitle, inner)
                    closed = False
                style = self._style("sub-closed") if closed else self._style("sub")
                segments.append(Segment("│", self._style("sep") + Style(bgcolor=head.bgcolor)))
                segments.append(Segment(fit_center(text, inner), style))
            if right_more:
                segments.append(Segment("▶", self._style("more")))
        return segments

    def _body_line(self, line: int) -> list[Segment]:
        data = self.view_data
        per = self.lines_per_slot
        slot = self.top + line // per
        sub = line % per
        if slot >= len(data.times):
            return []
        time = data.times[slot]
        current = now()
        slot_start = dt.datetime.combine(current.date(), time)
        is_now = data.first <= current.date() < data.first + dt.timedelta(
            days=len(data.days)
        ) and slot_start <= current < slot_start + dt.timedelta(minutes=data.slot)
        if sub == 0:
            label = clock(time).rjust(AXIS - 1) + " "
            style = (
                self._style("axis-cursor")
                if slot == self.cursor_slot
                else (self._style("axis-now") if is_now else self._style("axis"))
            )
            if is_now and slot != self.cursor_slot:
                label = "▸" + label[1:]
        else:
            label, style = " " * AXIS, self._style("axis")
        segments = [Segment(label, style)]
        for index, _x, width in self.column_layout():
            segments.append(Segment("│", self._style("sep")))
            segments.extend(self._cell(index, slot, sub, width))
        return segments

    def _column_index(self, index: int) -> ColumnIndex:
        """Per column, once per view (see ColumnIndex). Plain minute
        arithmetic: a week of 250 bookings indexes in about a millisecond."""
        cached = self._index.get(index)
        if cached is not None:
            return cached
        data = self.view_data
        column = data.columns[index]
        count, slot = len(data.times), data.slot
        first_minute = data.times[0].hour * 60 + data.times[0].minute if data.times else 0
        midnight = dt.datetime.combine(column.day, dt.time())
        by_slot: dict[int, list[CalendarRow]] = {}
        spans: dict[tuple[str, int], tuple[int, int]] = {}
        for row in column.rows:
            start = (row.start - midnight).total_seconds() / 60 - first_minute
            end = (row.end - midnight).total_seconds() / 60 - first_minute
            first = max(0, int(start // slot))
            last = min(count - 1, int(-(-end // slot)) - 1)
            if last < first:
                continue
            spans[row.key] = (first, last - first + 1)
            for s in range(first, last + 1):
                by_slot.setdefault(s, []).append(row)
        info = column.info
        inside = []
        for s in range(count):
            minute = first_minute + s * slot
            ok = (
                info.is_open
                and info.opens is not None
                and info.closes is not None
                and (info.opens.hour * 60 + info.opens.minute) <= minute
                and minute + slot <= (info.closes.hour * 60 + info.closes.minute)
            )
            inside.append(ok)
        cached = (by_slot, spans, inside)
        self._index[index] = cached
        return cached

    def _row_lines(self, row: CalendarRow, total: int) -> list[str]:
        """What a booking's block says, line by line."""
        key = (row.key, total)
        cached = self._lines.get(key)
        if cached is not None:
            return cached
        cancelled = "✕ " if row.is_closed else ""
        week = self.view_data.view == WEEK
        if row.kind == SESSION:
            first = row.client_name
            second = (
                f"{row.type_name} · {row.photographer_name.split()[0]}"
                if week and row.photographer_name
                else row.type_name
            )
        else:
            first = row.type_name
            second = row.client_name or (row.photographer_name if week else "")
        if total <= 1:
            lines = [cancelled + (f"{first} · {second}" if second else first)]
        else:
            lines = [cancelled + first, second, span(row)]
        self._lines[key] = lines
        return lines

    def _cell(self, index: int, slot: int, sub: int, width: int) -> list[Segment]:
        data = self.view_data
        column = data.columns[index]
        by_slot, spans, inside_hours = self._column_index(index)
        info = column.info
        inside = inside_hours[slot]
        base = self._style("open") if inside else self._style("closed")
        is_cursor = index == self.cursor_column and slot == self.cursor_slot
        ghost = self.ghost
        if ghost is not None and ghost[0] == index and ghost[1] <= slot < ghost[1] + ghost[2]:
            row = ghost[3]
            text = ""
            if slot == ghost[1] and sub == 0:
                text = f"» {row.client_name or row.title}"
            elif slot == ghost[1] and sub == 1 or (self.lines_per_slot == 1 and slot == ghost[1] + 1 and sub == 0):
                text = "  move here"
            style = Style(bgcolor=row.color, color=contrast(row.color), bold=True, reverse=is_cursor)
            return [Segment(fit_left(text, width), style)]
        rows = by_slot.get(slot)
        if not rows:
            if is_cursor:
                hint = "+ book" if inside and sub == 0 and width >= 8 else ""
                return [Segment(hint.ljust(width), self._style("cursor"))]
            if not info.is_open and slot == 0 and sub == 0:
                return [Segment(fit_center(info.label, width), base + Style(italic=True))]
            return [Segment(" " * width, base)]
        lanes_of = column.lanes
        lanes = max(lanes_of.get(r.key, (0, 1))[1] for r in rows)
        lane_width = max(1, width // lanes)
        out: list[Segment] = []
        x = 0
        by_lane = {lanes_of.get(r.key, (0, 1))[0]: r for r in rows}
        per = self.lines_per_slot
        for lane in range(lanes):
            w = lane_width if lane < lanes - 1 else width - x
            if w <= 0:
                continue
            in_lane = by_lane.get(lane)
            if in_lane is None:
                out.append(Segment(" " * w, self._style("cursor") if is_cursor else base))
            else:
                first, slots = spans[in_lane.key]
                lines = self._row_lines(in_lane, slots * per)
                k = (slot - first) * per + sub
                out.extend(self._block(in_lane, lines[k] if k < len(lines) else "", w, is_cursor))
            x += w
        return out

    def _block(self, row: CalendarRow, text: str, width: int, is_cursor: bool) -> list[Segment]:
        """One line of a booking: sessions solid in the type's colour with ▌,
        appointments italic with a dotted ┆ edge."""
        edge, body, glyph = self._block_styles(row, is_cursor)
        if width == 1:
            return [Segment(glyph, edge)]
        return [Segment(glyph, edge), Segment(fit_left(text, width - 1), body)]

    def _block_styles(self, row: CalendarRow, is_cursor: bool) -> tuple[Style, Style, str]:
        key = (row.kind, row.color, row.photographer_color, row.is_closed, is_cursor)
        cached = self._block_cache.get(key)
        if cached is not None:
            return cached
        if row.kind == SESSION:
            body = Style(bgcolor=row.color, color=contrast(row.color))
            edge = Style(bgcolor=row.color, color=row.photographer_color or "#000000", bold=True)
            glyph = "▌"
        else:
            body = self._style("appointment")
            edge = body + Style(color=row.photographer_color or row.color, italic=False)
            glyph = "┆"
        if row.is_closed:
            body = body + Style(strike=True, dim=True)
        if is_cursor:
            body = body + Style(reverse=True, bold=True)
            edge = edge + Style(reverse=True)
        cached = self._block_cache[key] = (edge, body, glyph)
        return cached

    # -- mouse

    def on_click(self, event: events.Click) -> None:
        data = self.data
        if data is None:
            return
        double = event.chain >= 2
        if data.view == MONTH:
            columns, per_week = self.month_geometry()
            if event.y < 1:
                return
            week = (event.y - 1) // per_week
            for index, (x, w) in enumerate(columns):
                if x <= event.x < x + w + 1 and week < MONTH_WEEKS:
                    day = data.first + dt.timedelta(days=week * 7 + index)
                    self.post_message(self.Clicked(0, 0, day, double))
                    return
            return
        if event.y < HEADER:
            return
        slot = self.top + (event.y - HEADER) // self.lines_per_slot
        if slot >= len(data.times):
            return
        for index, x, width in self.column_layout():
            if x <= event.x < x + width:
                self.post_message(self.Clicked(index, slot, None, double))
                return
