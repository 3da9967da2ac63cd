"""The month view's lines: six weeks of days, each with its bookings as far
as they fit (mixed into CalendarGrid, which owns the data and the styles)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size

from ...data.calendar import SESSION, CalendarRow
from ...data.clock import now
from .labels import fit_center, fit_left
from .view import MONTH_WEEKS, CalendarData


class MonthGrid(Protocol):
    """What MonthLines draws with: the CalendarGrid it is mixed into."""

    @property
    def size(self) -> Size: ...
    @property
    def view_data(self) -> CalendarData: ...

    cursor_day: dt.date | None

    def _style(self, name: str) -> Style: ...
    def _block(self, row: CalendarRow, text: str, width: int, is_cursor: bool) -> list[Segment]: ...
    def month_geometry(self) -> tuple[list[tuple[int, int]], int]: ...
    def _month_cell(self, day: dt.date, sub: int, lines: int, width: int) -> list[Segment]: ...


class MonthLines:
    """Drawing of the month view, for CalendarGrid (``self`` is a MonthGrid)."""

    def month_geometry(self: MonthGrid) -> tuple[list[tuple[int, int]], int]:
        """(x, width) of the 7 day columns, and the lines per week."""
        width = self.size.width
        base, extra = divmod(max(7, width - 6), 7)
        columns, x = [], 0
        for index in range(7):
            w = base + (1 if index < extra else 0)
            columns.append((x, w))
            x += w + 1
        return columns, max(2, (self.size.height - 1) // MONTH_WEEKS)

    def _month_line(self: MonthGrid, y: int) -> list[Segment]:
        data = self.view_data
        columns, per_week = self.month_geometry()
        if y == 0:
            segments = []
            for index, (_x, w) in enumerate(columns):
                name = dt.date(2024, 1, 1 + index)  # a Monday
                text = f"{name:%A}" if w >= 10 else f"{name:%a}"
                if index:
                    segments.append(Segment("│", self._style("sep") + Style(bgcolor=self._style("head").bgcolor)))
                segments.append(Segment(fit_center(text, w), self._style("head")))
            return segments
        week, sub = divmod(y - 1, per_week)
        if week >= MONTH_WEEKS:
            return []
        segments = []
        for index, (_x, w) in enumerate(columns):
            day = data.first + dt.timedelta(days=week * 7 + index)
            if index:
                segments.append(Segment("│", self._style("sep")))
            segments.extend(self._month_cell(day, sub, per_week, w))
        return segments

    def _month_cell(self: MonthGrid, day: dt.date, sub: int, lines: int, width: int) -> list[Segment]:
        data = self.view_data
        info = data.days[(day - data.first).days]
        in_month = (day.year, day.month) == data.month
        is_cursor = day == self.cursor_day
        rows = data.month_rows.get(day, [])
        base = self._style("open") if info.is_open else self._style("closed")
        if not in_month:
            base = self._style("month-other")
        if sub == 0:
            number = f"{day.day:>2}"
            if day == now().date():
                number = f"•{day.day}"
            note = ""
            if info.holiday:
                note = info.holiday
            elif info.opens is None:
                note = "Closed"
            elif rows and lines <= 2:
                booked = sum(1 for r in rows if not r.is_closed)
                note = next(
                    (t for t in (f"· {booked} booked", f"· {booked}") if len(number) + 1 + len(t) <= width),
                    f"· {booked}",
                )
            text = fit_left(f"{number} {note}".rstrip(), width)
            if is_cursor:
                style = self._style("cursor")
            elif not in_month:
                style = self._style("month-other") + Style(bold=True)
            elif day == now().date():
                style = self._style("head-today")
            else:
                style = self._style("month-day")
            if info.holiday and not is_cursor:
                style = style + Style(color=self._style("sub-closed").color, italic=True)
            return [Segment(text, style)]
        capacity = lines - 1
        if not rows:
            return [Segment(" " * width, base)]
        if lines <= 2:
            shown, more = rows[:1], 0
        else:
            more = max(0, len(rows) - capacity)
            shown = rows[: capacity - 1] if more else rows[:capacity]
            more = len(rows) - len(shown)
        position = sub - 1
        if position < len(shown):
            row = shown[position]
            text = (
                f"{row.start:%H:%M} {row.client_name or row.title}"
                if row.kind == SESSION
                else f"{row.start:%H:%M} {row.title}"
            )
            return self._block(row, text, width, False)
        if position == len(shown) and more:
            return [Segment(fit_left(f"+{more} more", width), base + Style(italic=True, bold=True))]
        return [Segment(" " * width, base)]
