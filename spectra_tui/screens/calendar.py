"""Calendar hub (F4): the studio's bookings by day, week and month.

- Day view: one column per photographer (plus staff who have appointments
  that day, the "Studio" column for appointments with nobody assigned, and
  one column per room), one line per time slot (setting ``slot_minutes``).
- Week view: one column per day; overlapping bookings side by side.
- Month view: six weeks, each day with its bookings as far as they fit.

Sessions are solid blocks in their session type's colour (``▌`` edge);
appointments are italic on the plain background with a dotted ``┆`` edge.
Studio hours, closed weekdays and holidays are shaded and labelled. When the
terminal is narrow (80 columns), fewer days or columns are shown and the
window follows the cursor (◀ ▶ say there is more); names end in … rather
than being cut.

The grid is ONE widget drawn with the Line API from the rows of
``data.calendar.calendar_week`` / ``bookings_between`` (a handful of
queries per view), never a widget per booking.

Keys: arrows move between slots (day/week) or days (month), PgUp/PgDn a
period, t today, g go to a date typed naturally, v cycles the views, p
chooses whose bookings are shown, c shows cancelled ones. Enter (or a
double click) on an empty slot opens the Scheduling Wizard for that
photographer and time; on a booking it opens it (a session's record, an
appointment's dialog). m moves a booking with the arrows (Enter drops it
there), r gives it a new time typed naturally, x cancels it with a reason, o
marks a no-show. Every change goes through data.booking under the studio's
conflict policy (never / ask / always).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from ..data import booking, users
from ..data import calendar as cal
from ..data.booking import DayInfo
from ..data.calendar import SESSION, CalendarRow
from ..data.errors import ConflictError, DomainError
from ..data.clock import now
from ..data.models import Appointment, Room, Session, User
from ..data.versions import reloaded
from ..data.when import clock, describe, how_far, long_date, parse_day, parse_when
from .base import HubScreen
from .dialogs import WRITE_ERRORS, ConfirmDialog, ReasonDialog, readable

DAY, WEEK, MONTH = "day", "week", "month"
VIEWS = (DAY, WEEK, MONTH)
VIEW_NAMES = {DAY: "Day", WEEK: "Week", MONTH: "Month"}
AXIS = 9  # "10:30 AM " left of the grid
HEADER = 2  # column title + hours / note
MIN_COLUMN = {DAY: 15, WEEK: 13}  # narrower than this: fewer columns, the window follows the cursor
MONTH_WEEKS = 6


# ================================================================ what a view shows

@dataclass
class GridColumn:
    """One column of the day or week view."""

    kind: str  # "person", "studio" (nobody assigned), "room", "day"
    title: str
    short: str  # when the full title does not fit
    day: dt.date
    info: DayInfo
    person_id: int | None = None
    room_id: int | None = None
    color: str = ""
    is_photographer: bool = False
    subtitle: str = ""
    rows: list[CalendarRow] = field(default_factory=list)
    lanes: dict = field(default_factory=dict)

    def rows_between(self, start: dt.datetime, end: dt.datetime) -> list[CalendarRow]:
        return [r for r in self.rows if r.start < end and r.end > start]


@dataclass
class CalendarData:
    """A loaded view: columns and time axis (day, week) or the month's days."""

    view: str
    day: dt.date  # the day the view was asked for
    first: dt.date  # first day shown
    days: list[DayInfo]
    slot: int
    times: list[dt.time] = field(default_factory=list)
    columns: list[GridColumn] = field(default_factory=list)
    month_rows: dict[dt.date, list[CalendarRow]] = field(default_factory=dict)

    @property
    def month(self) -> tuple[int, int]:
        return (self.day.year, self.day.month)

    def slot_range(self, day: dt.date, index: int) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, self.times[index])
        return start, start + dt.timedelta(minutes=self.slot)

    def slot_index(self, time: dt.time) -> int:
        """The slot holding ``time`` (clamped to the axis)."""
        if not self.times:
            return 0
        minutes = time.hour * 60 + time.minute
        best = 0
        for index, slot_time in enumerate(self.times):
            if slot_time.hour * 60 + slot_time.minute <= minutes:
                best = index
        return best


def _overlapping(rows: list[CalendarRow], day: dt.date) -> list[CalendarRow]:
    start = dt.datetime.combine(day, dt.time())
    end = start + dt.timedelta(days=1)
    return [r for r in rows if r.start < end and r.end > start]


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_start(day: dt.date) -> dt.date:
    """The Monday on or before the 1st of ``day``'s month (the month grid's first cell)."""
    return week_start(day.replace(day=1))


def load_view(view: str, day: dt.date, people: set[int] | None = None, include_cancelled: bool = False,
              include_unassigned: bool = True) -> CalendarData:
    """Everything one view draws, from data.calendar (a handful of queries).

    ``people``: the user ids whose bookings are shown (None: everyone: the
    photographers, and other staff on the days they have appointments)."""
    staff = users.active_users()
    ids = [u.id for u in staff if people is None or u.id in people]
    slot = cal.slot_minutes()
    if view == MONTH:
        first = month_start(day)
        count = MONTH_WEEKS * 7
        start = dt.datetime.combine(first, dt.time())
        rows = cal.bookings_between(start, start + dt.timedelta(days=count), photographer_ids=ids,
                                    include_cancelled=include_cancelled, include_unassigned=include_unassigned)
        by_day: dict[dt.date, list[CalendarRow]] = {}
        for row in rows:
            by_day.setdefault(row.start.date(), []).append(row)
        return CalendarData(MONTH, day, first, booking.day_infos(first, count), slot, month_rows=by_day)
    if view == WEEK:
        first = week_start(day)
        week = cal.calendar_week(first, photographer_ids=ids, days=7, include_cancelled=include_cancelled,
                                 include_unassigned=include_unassigned)
        columns = []
        today = now().date()
        for info in week.days:
            rows = _overlapping(week.rows, info.day)
            columns.append(GridColumn("day", f"{info.day:%a %b} {info.day.day}", f"{info.day:%a} {info.day.day}",
                                      info.day, info, rows=rows, lanes=cal.assign_lanes(rows),
                                      subtitle="today" if info.day == today else ""))
        return CalendarData(WEEK, day, first, week.days, week.slot_minutes, week.times, columns)
    week = cal.calendar_week(day, photographer_ids=ids, days=1, include_cancelled=include_cancelled,
                             include_unassigned=include_unassigned)
    info = week.days[0]
    photographers = {u.id for u in staff if u.is_photographer}
    columns = []
    for column in week.columns:
        rows = [r for r in week.rows if r.photographer_id == column.id]
        if column.id is None:
            columns.append(GridColumn("studio", "Studio (no staff)", "Studio", day, info, color=column.color,
                                      subtitle="appointments", rows=rows, lanes=cal.assign_lanes(rows)))
        elif column.id in photographers or rows:
            first_name = column.name.split()[0] if column.name else column.name
            columns.append(GridColumn("person", column.name, first_name, day, info, person_id=column.id,
                                      color=column.color, is_photographer=column.id in photographers,
                                      subtitle=_booked(rows) if column.id in photographers else "staff",
                                      rows=rows, lanes=cal.assign_lanes(rows)))
    for room in cal.rooms():
        rows = [r for r in week.rows if r.room_id == room.id]
        columns.append(GridColumn("room", f"Room: {room.name}", room.name, day, info, room_id=room.id,
                                  subtitle=_booked(rows, "room"), rows=rows, lanes=cal.assign_lanes(rows)))
    return CalendarData(DAY, day, day, week.days, week.slot_minutes, week.times, columns)


def _booked(rows: list[CalendarRow], empty: str = "free") -> str:
    count = sum(1 for r in rows if not r.is_closed)
    return f"{count} booked" if count else empty


# ================================================================ drawing helpers

def fit(text: str, width: int) -> str:
    """``text`` in ``width`` cells: cut at a word with … (never silently mid-word)."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    if width == 1:
        return "…"
    return text[: width - 1].rstrip() + "…"


@lru_cache(maxsize=256)
def contrast(color: str) -> str:
    """Black or white text, whichever reads on ``color`` (#rrggbb)."""
    try:
        r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    except (ValueError, IndexError, TypeError):
        return "#000000"
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) > 140 else "#ffffff"


def short_hours(info: DayInfo, width: int) -> str:
    """The day's hours in ``width`` cells: '9:00 AM – 6:00 PM', '9 AM–6 PM', '9a–6p'."""
    if info.holiday:
        return fit(info.label, width)
    if info.opens is None:
        return "Closed"
    for text in (info.label, f"{_hour(info.opens)}–{_hour(info.closes)}",
                 f"{_hour(info.opens, True)}–{_hour(info.closes, True)}"):
        if len(text) <= width:
            return text
    return fit(info.label, width)


def _hour(time: dt.time, tiny: bool = False) -> str:
    hour = time.hour % 12 or 12
    text = f"{hour}" if not time.minute else f"{hour}:{time.minute:02d}"
    if tiny:
        return text + ("a" if time.hour < 12 else "p")
    return text + (" AM" if time.hour < 12 else " PM")


def span(row: CalendarRow) -> str:
    """'10:00–11:30 AM'."""
    start, end = clock(row.start), clock(row.end)
    if start[-2:] == end[-2:]:
        start = start[:-3]
    return f"{start}–{end}"


def describe_row(row: CalendarRow, when: bool = True) -> str:
    """The booking in one line (the status bar, choices, the day's list)."""
    if row.kind == SESSION:
        parts = [f"Session {row.session_number}", row.client_name, row.type_name]
    else:
        parts = [row.type_name, row.client_name]
        if row.session_number:
            parts.append(f"for session {row.session_number}")
    parts.append(row.photographer_name or "nobody assigned")
    if when:
        parts.append(f"{row.start:%a %b} {row.start.day}, {span(row)}")
    if row.room_name:
        parts.append(row.room_name)
    parts.append(row.status)
    return " · ".join(p for p in parts if p)


# ================================================================ the grid (Line API)

class CalendarGrid(Widget, can_focus=True):
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

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.data: CalendarData | None = None
        self.cursor_column = 0
        self.cursor_slot = 0
        self.cursor_day: dt.date | None = None
        self.ghost: tuple[int, int, int, CalendarRow] | None = None  # column, first slot, slots, row moved
        self.first_column = 0
        self.top = 0
        self._styles: dict[str, Style] = {}
        self._index: dict[int, dict[int, list[CalendarRow]]] = {}
        self._lines: dict[tuple[str, int], list[str]] = {}
        self._block_cache: dict[tuple, tuple[Style, Style, str]] = {}
        self._agenda: tuple | None = None

    # -- the hub tells the grid what to show

    def show(self, data: CalendarData, column: int = 0, slot: int = 0, day: dt.date | None = None,
             ghost: tuple[int, int, int, CalendarRow] | None = None) -> None:
        if data is not self.data:
            self._index.clear()
            self._lines.clear()
        self.data = data
        self.cursor_column, self.cursor_slot, self.cursor_day, self.ghost = column, slot, day, ghost
        self._follow_cursor()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._follow_cursor()

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

    def month_geometry(self) -> tuple[list[tuple[int, int]], int]:
        """(x, width) of the 7 day columns, and the lines per week."""
        width = self.size.width
        base, extra = divmod(max(7, width - 6), 7)
        columns, x = [], 0
        for index in range(7):
            w = base + (1 if index < extra else 0)
            columns.append((x, w))
            x += w + 1
        return columns, max(2, (self.size.height - 1) // MONTH_WEEKS)

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
        data = self.data
        if data.view == MONTH:
            return 1 + MONTH_WEEKS * self.month_geometry()[1]
        return HEADER + min(len(data.times) * self.lines_per_slot, max(0, self.size.height - HEADER))

    def agenda_rows(self) -> list[CalendarRow]:
        """The cursor day's bookings (each once), by start."""
        data = self.data
        day = self.cursor_day
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
        data = self.data
        day = self.cursor_day
        if day is None:
            return []
        rows = self.agenda_rows()
        room = self.size.height - self.used_lines() - 1
        width = self.size.width
        if index == 0:
            count = f"{len(rows)} booking{'s' if len(rows) != 1 else ''}" if rows else "nothing booked"
            title = f" {long_date(day)}: {count} "
            return [Segment("──" + title + "─" * max(0, width - len(title) - 2), self._style("axis"))]
        position = index - 1
        capacity = room - 1
        if position >= len(rows) or position >= capacity:
            return []
        if position == capacity - 1 and len(rows) > capacity:
            return [Segment(f"   … and {len(rows) - capacity + 1} more (open the day view)", self._style("axis"))]
        row = rows[position]
        times = span(row).rjust(16) + "  "
        return [Segment(times, self._style("axis"))] + self._block(row, describe_row(row, when=False),
                                                                   max(2, width - len(times)), False)

    def _header_line(self, y: int) -> list[Segment]:
        data = self.data
        layout = self.column_layout()
        head = self._style("head")
        left = "◀" if self.first_column > 0 else " "
        if y == 0:
            label = {DAY: f"{data.day:%a} {data.day.day}", WEEK: f"Wk {data.first:%-m/%-d}"}.get(data.view, "")
            segments = [Segment(fit(label, AXIS - 1).ljust(AXIS - 1) + left, head)]
        else:
            segments = [Segment(" " * (AXIS - 1) + left, self._style("sub"))]
        last = layout[-1][0] if layout else 0
        today = now().date()
        for index, _x, width in layout:
            column = data.columns[index]
            right_more = index == last and last < len(data.columns) - 1
            inner = width - (1 if right_more else 0)
            if y == 0:
                title = column.title if len(column.title) <= inner else column.short
                if column.kind == "day" and column.day == today:
                    title = ("• " + title) if len(title) + 2 <= inner else title
                style = head
                if index == self.cursor_column:
                    style = self._style("head-cursor")
                elif column.kind == "day" and column.day == today:
                    style = self._style("head-today")
                elif column.kind == "person" and column.color:
                    style = head + Style(color=column.color)
                segments.append(Segment("│", self._style("sep") + Style(bgcolor=head.bgcolor)))
                segments.append(Segment(fit(title, inner).center(inner), style))
            else:
                if column.kind == "day":
                    text = short_hours(column.info, inner)
                    closed = not column.info.is_open
                else:
                    text = fit(column.subtitle, inner)
                    closed = False
                style = self._style("sub-closed") if closed else self._style("sub")
                segments.append(Segment("│", self._style("sep") + Style(bgcolor=head.bgcolor)))
                segments.append(Segment(fit(text, inner).center(inner), style))
            if right_more:
                segments.append(Segment("▶", self._style("more")))
        return segments

    def _body_line(self, line: int) -> list[Segment]:
        data = self.data
        per = self.lines_per_slot
        slot = self.top + line // per
        sub = line % per
        if slot >= len(data.times):
            return []
        time = data.times[slot]
        current = now()
        slot_start = dt.datetime.combine(current.date(), time)
        is_now = data.first <= current.date() < data.first + dt.timedelta(days=len(data.days)) and \
            slot_start <= current < slot_start + dt.timedelta(minutes=data.slot)
        if sub == 0:
            label = clock(time).rjust(AXIS - 1) + " "
            style = self._style("axis-cursor") if slot == self.cursor_slot else (
                self._style("axis-now") if is_now else self._style("axis"))
            if is_now and slot != self.cursor_slot:
                label = "▸" + label[1:]
        else:
            label, style = " " * AXIS, self._style("axis")
        segments = [Segment(label, style)]
        for index, _x, width in self.column_layout():
            segments.append(Segment("│", self._style("sep")))
            segments.extend(self._cell(index, slot, sub, width))
        return segments

    def _column_index(self, index: int) -> tuple[dict[int, list[CalendarRow]], dict, list[bool]]:
        """Per column, once per view: the rows in each slot, each row's (first
        slot, slots), and which slots are within studio hours. Plain minute
        arithmetic: a week of 250 bookings indexes in about a millisecond."""
        cached = self._index.get(index)
        if cached is not None:
            return cached
        data = self.data
        column = data.columns[index]
        count, slot = len(data.times), data.slot
        first_minute = data.times[0].hour * 60 + data.times[0].minute if data.times else 0
        midnight = dt.datetime.combine(column.day, dt.time())
        by_slot: dict[int, list[CalendarRow]] = {}
        spans: dict = {}
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
            ok = info.is_open and (info.opens.hour * 60 + info.opens.minute) <= minute and \
                minute + slot <= (info.closes.hour * 60 + info.closes.minute)
            inside.append(ok)
        cached = (by_slot, spans, inside)
        self._index[index] = cached
        return cached

    def _slot_rows(self, index: int, slot: int) -> list[CalendarRow]:
        """The rows of a column in a slot."""
        return self._column_index(index)[0].get(slot, [])

    def _row_lines(self, row: CalendarRow, total: int) -> list[str]:
        """What a booking's block says, line by line."""
        key = (row.key, total)
        cached = self._lines.get(key)
        if cached is not None:
            return cached
        cancelled = "✕ " if row.is_closed else ""
        week = self.data.view == WEEK
        if row.kind == SESSION:
            first = row.client_name
            second = f"{row.type_name} · {row.photographer_name.split()[0]}" if week and row.photographer_name \
                else row.type_name
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
        data = self.data
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
            return [Segment(fit(text, width).ljust(width), style)]
        rows = by_slot.get(slot)
        if not rows:
            if is_cursor:
                hint = "+ book" if inside and sub == 0 and width >= 8 else ""
                return [Segment(hint.ljust(width), self._style("cursor"))]
            if not info.is_open and slot == 0 and sub == 0:
                return [Segment(fit(info.label, width).center(width), base + Style(italic=True))]
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
            row = by_lane.get(lane)
            if row is None:
                out.append(Segment(" " * w, self._style("cursor") if is_cursor else base))
            else:
                first, slots = spans[row.key]
                lines = self._row_lines(row, slots * per)
                k = (slot - first) * per + sub
                out.extend(self._block(row, lines[k] if k < len(lines) else "", w, is_cursor))
            x += w
        return out

    def _block(self, row: CalendarRow, text: str, width: int, is_cursor: bool) -> list[Segment]:
        """One line of a booking: sessions solid in the type's colour with ▌,
        appointments italic with a dotted ┆ edge."""
        edge, body, glyph = self._block_styles(row, is_cursor)
        if width == 1:
            return [Segment(glyph, edge)]
        return [Segment(glyph, edge), Segment(fit(text, width - 1).ljust(width - 1), body)]

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

    # -- month

    def _month_line(self, y: int) -> list[Segment]:
        data = self.data
        columns, per_week = self.month_geometry()
        if y == 0:
            segments = []
            for index, (_x, w) in enumerate(columns):
                name = dt.date(2024, 1, 1 + index)  # a Monday
                text = f"{name:%A}" if w >= 10 else f"{name:%a}"
                if index:
                    segments.append(Segment("│", self._style("sep") + Style(bgcolor=self._style("head").bgcolor)))
                segments.append(Segment(fit(text, w).center(w), self._style("head")))
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

    def _month_cell(self, day: dt.date, sub: int, lines: int, width: int) -> list[Segment]:
        data = self.data
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
                note = next((t for t in (f"· {booked} booked", f"· {booked}") if len(number) + 1 + len(t) <= width),
                            f"· {booked}")
            text = fit(f"{number} {note}".rstrip(), width).ljust(width)
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
            shown = rows[:capacity - 1] if more else rows[:capacity]
            more = len(rows) - len(shown)
        position = sub - 1
        if position < len(shown):
            row = shown[position]
            text = f"{row.start:%H:%M} {row.client_name or row.title}" if row.kind == SESSION else \
                f"{row.start:%H:%M} {row.title}"
            return self._block(row, text, width, False)
        if position == len(shown) and more:
            return [Segment(fit(f"+{more} more", width).ljust(width), base + Style(italic=True, bold=True))]
        return [Segment(" " * width, base)]

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


# ================================================================ the policy flow, shared

def run_under_policy(screen, attempt: Callable[[bool | list], object], done: Callable[[object], None],
                     failed: Callable[[str], None] | None = None, question: str = "Book it anyway?") -> None:
    """Run ``attempt(allow_conflict)`` (a booking service) under the studio's
    conflict policy: a ConflictError that may be overridden (policy "ask") is
    shown with "Book it anyway?"; yes retries with exactly the conflicts shown;
    one that may not (policy "never") is reported. ``done(result)`` on success,
    ``failed(message)`` otherwise (default: a notification)."""
    app = screen.app

    def report(message: str) -> None:
        if failed is not None:
            failed(message)
        else:
            app.notify(message, title="Not changed", severity="error", timeout=10)

    def go(allow: bool | list) -> None:
        try:
            result = attempt(allow)
        except ConflictError as error:
            if error.can_override:
                shown = list(error.conflicts)

                def answered(yes: bool | None) -> None:
                    if yes:
                        go(shown)
                    else:
                        report("Nothing was changed.")

                app.push_screen(ConfirmDialog(f"{error}\n\n{question}", "Book anyway", "No"), answered)
            else:
                report(str(error))
            return
        except WRITE_ERRORS as error:
            report(readable(error))
            return
        done(result)

    go(False)


def input_format(when: dt.datetime) -> str:
    """A date and time as typed back into a field, read the same by parse_when: '12/1/2026 10:30am'."""
    hour = when.hour % 12 or 12
    return f"{when.month}/{when.day}/{when.year} {hour}:{when.minute:02d}{'am' if when.hour < 12 else 'pm'}"


# ================================================================ dialogs

class GoToDialog(ModalScreen[dt.date | None]):
    """g: go to a day typed naturally ('tue', '12/3', '+2w', 'next fri'), shown back before it is taken."""

    DEFAULT_CSS = """
    GoToDialog { align: center middle; }
    GoToDialog > Vertical { width: 64; max-width: 100%; height: auto; border: thick $primary; background: $surface; padding: 0 1; }
    GoToDialog #goto-preview { height: auto; color: $success; }
    GoToDialog #goto-preview.-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Go to a day[/b]  (e.g. tue, 12/3, tomorrow, +2w, next fri)")
            yield Input(placeholder="day", id="goto-input", compact=True)
            yield Static("", id="goto-preview")
            yield Static("Enter go · Esc cancel", classes="muted")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _parse(self, text: str) -> dt.date:
        return parse_day(text, today=now().date())

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        preview = self.query_one("#goto-preview", Static)
        if not event.value.strip():
            preview.update("")
            return
        try:
            day = self._parse(event.value)
        except DomainError as error:
            preview.update(str(error))
            preview.add_class("-error")
            return
        preview.remove_class("-error")
        preview.update(f"→ {long_date(day)} ({how_far(day)})")

    @on(Input.Submitted)
    def _go(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            day = self._parse(event.value)
        except DomainError as error:
            preview = self.query_one("#goto-preview", Static)
            preview.update(str(error))
            preview.add_class("-error")
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)


class _PeopleList(SelectionList):
    """Space ticks a person; Enter applies (the dialog's action)."""

    BINDINGS = [Binding("enter", "screen.apply", "Apply", show=False)]


class PeopleFilterDialog(ModalScreen[tuple[set[int] | None, bool] | None]):
    """p: whose bookings the calendar shows. Returns (user ids or None for
    everyone, show the appointments nobody is assigned to)."""

    DEFAULT_CSS = """
    PeopleFilterDialog { align: center middle; }
    PeopleFilterDialog > Vertical { width: 60; max-width: 100%; height: auto; max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    PeopleFilterDialog SelectionList { height: auto; max-height: 14; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("a", "everyone", "Everyone")]
    STUDIO = -1

    def __init__(self, people: set[int] | None, studio: bool):
        super().__init__()
        self.people, self.studio = people, studio

    def compose(self) -> ComposeResult:
        staff = users.active_users()
        staff.sort(key=lambda u: (not u.is_photographer, u.full_name))
        options = [Selection(f"{u.full_name}" + ("" if u.is_photographer else f"  ({u.role})"), u.id,
                             self.people is None or u.id in self.people) for u in staff]
        options.append(Selection("Studio: appointments with nobody assigned", self.STUDIO, self.studio))
        with Vertical():
            yield Label("[b]Show the bookings of[/b]")
            yield _PeopleList(*options, id="people")
            yield Static("Space tick · a everyone · Enter apply · Esc cancel", classes="muted")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_everyone(self) -> None:
        self.dismiss((None, True))

    def action_apply(self) -> None:
        chosen = set(self.query_one(SelectionList).selected)
        studio = self.STUDIO in chosen
        chosen.discard(self.STUDIO)
        everyone = {u.id for u in users.active_users()}
        self.dismiss((None if chosen >= everyone else chosen, studio))

    def action_cancel(self) -> None:
        self.dismiss(None)


class RescheduleDialog(ModalScreen):
    """r: a new time for a booking, typed naturally and shown back, moved
    under the conflict policy. Dismisses with the MoveResult (None on Escape)."""

    DEFAULT_CSS = """
    RescheduleDialog { align: center middle; }
    RescheduleDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $warning; background: $surface; padding: 0 1; }
    RescheduleDialog .row { height: 1; }
    RescheduleDialog .row Label { width: 10; color: $text-muted; }
    RescheduleDialog .row Input { width: 1fr; }
    RescheduleDialog #move-preview { height: auto; color: $success; }
    RescheduleDialog #move-preview.-error, RescheduleDialog #move-error { color: $error; }
    RescheduleDialog #move-error { height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, item: Session | Appointment):
        super().__init__()
        self.item = item

    @property
    def what(self) -> str:
        item = self.item
        if isinstance(item, Session):
            return f"Session {item.number} ({item.client.full_name}, {item.session_type.name})"
        return f"'{item.title}'" + (f" ({item.client.full_name})" if item.client_id else "")

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical():
            yield Label(f"[b]New time for {self.what}[/b]")
            yield Static(f"Now: {long_date(item.start.date())}, {clock(item.start)} – {clock(item.end)}",
                         classes="muted")
            with Horizontal(classes="row"):
                yield Label("New time")
                yield Input(input_format(item.start), id="move-when", compact=True, select_on_focus=True)
            yield Static("", id="move-preview")
            with Horizontal(classes="row"):
                yield Label("Reason")
                yield Input(placeholder="optional, kept in the history", id="move-reason", compact=True)
            yield Static("", id="move-error")
            yield Static("Enter move · Esc cancel  (e.g. tue 3pm, 12/3 10:30, +1w)", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#move-when", Input).focus()
        self._preview(self.query_one("#move-when", Input).value)

    def _parse(self, text: str) -> dt.datetime:
        return parse_when(text, default_time=self.item.start.time())

    def _preview(self, text: str) -> None:
        preview = self.query_one("#move-preview", Static)
        try:
            when = self._parse(text)
        except DomainError as error:
            preview.update(str(error))
            preview.add_class("-error")
            return
        preview.remove_class("-error")
        preview.update(f"→ {describe(when)}")

    @on(Input.Changed, "#move-when")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#move-error", Static).update("")
        self._preview(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save_close()

    def action_save_close(self) -> None:
        error_line = self.query_one("#move-error", Static)
        try:
            when = self._parse(self.query_one("#move-when", Input).value)
        except DomainError as error:
            error_line.update(str(error))
            return
        reason = self.query_one("#move-reason", Input).value

        def failed(message: str) -> None:
            error_line.update(message)
            try:  # a move made meanwhile elsewhere: the next try starts from it
                self.item = reloaded(self.item)
            except DomainError:
                pass

        run_under_policy(self, lambda allow: booking.reschedule(self.item, when, reason=reason, allow_conflict=allow),
                         self.dismiss, failed=failed)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AppointmentDialog(ModalScreen[str | None]):
    """An appointment from the calendar: what, who, when; reschedule, cancel,
    no-show, open its session or client. Dismisses with what was done
    ("move" asks the calendar to move it with the arrows)."""

    DEFAULT_CSS = """
    AppointmentDialog { align: center middle; }
    AppointmentDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    AppointmentDialog .row { height: auto; }
    AppointmentDialog .row .label { width: 10; color: $text-muted; }
    AppointmentDialog .row .value { width: 1fr; }
    AppointmentDialog #appt-keys { margin-top: 1; color: $text-muted; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("m", "choose('move')", "Move"),
        Binding("r", "reschedule", "New time"),
        Binding("x", "cancel_appointment", "Cancel it"),
        Binding("o", "no_show", "No-show"),
        Binding("s", "open_session", "Session"),
        Binding("c", "open_client", "Client"),
    ]

    def __init__(self, appointment: Appointment):
        super().__init__()
        self.appointment = appointment
        self.changed = False

    def compose(self) -> ComposeResult:
        a = self.appointment
        rows = [("Client", a.client.full_name if a.client_id else "none (unlinked)")]
        if a.session_id:
            rows.append(("Session", f"{a.session.number} · {a.session.session_type.name} · {a.session.status}"))
        rows += [("With", a.staff.full_name if a.staff_id else "nobody assigned"),
                 ("Room", a.room.name if a.room_id else "none"),
                 ("When", f"{long_date(a.start.date())}, {clock(a.start)} – {clock(a.end)} "
                          f"({a.length_minutes} minutes, {how_far(a.start)})"),
                 ("Status", a.status)]
        if a.notes:
            rows.append(("Notes", a.notes))
        with Vertical():
            yield Label(f"[b]Appointment: {a.title}[/b]")
            for label, value in rows:
                with Horizontal(classes="row"):
                    yield Static(label, classes="label")
                    yield Static(Text(value), classes="value")
            keys = ["m move on the calendar", "r new time…", "x cancel…", "o no-show"]
            if a.session_id:
                keys.append("s session")
            if a.client_id:
                keys.append("c client")
            keys.append("Esc close")
            yield Static(" · ".join(keys), id="appt-keys")

    def action_choose(self, what: str) -> None:
        self.dismiss(what)

    def action_close(self) -> None:
        self.dismiss("changed" if self.changed else None)

    def action_reschedule(self) -> None:
        def moved(result) -> None:
            if result is not None:
                self.app.notify(result.note, title="Rescheduled", timeout=6)
                _warn_overridden(self.app, result.overridden)
                self.dismiss("changed")

        self.app.push_screen(RescheduleDialog(self.appointment), moved)

    def action_cancel_appointment(self) -> None:
        if self.appointment.status in booking.APPOINTMENT_CLOSED:
            self.notify(f"This appointment is already {self.appointment.status.lower()}.", timeout=4)
            return
        self.app.push_screen(cancel_dialog(self.appointment), lambda done: done and self.dismiss("changed"))

    def action_no_show(self) -> None:
        if self.appointment.status in booking.APPOINTMENT_CLOSED:
            self.notify(f"This appointment is already {self.appointment.status.lower()}.", timeout=4)
            return
        self.app.push_screen(no_show_dialog(self.appointment), lambda done: done and self.dismiss("changed"))

    def action_open_session(self) -> None:
        if not self.appointment.session_id:
            self.notify("This appointment is not linked to a session.", timeout=4)
            return
        from .sessions import SessionRecord

        session = self.appointment.session
        self.dismiss(None)
        self.app.push_screen(SessionRecord(session))

    def action_open_client(self) -> None:
        if not self.appointment.client_id:
            self.notify("This appointment has no client.", timeout=4)
            return
        from .clients import ClientRecord

        client = self.appointment.client
        self.dismiss(None)
        self.app.push_screen(ClientRecord(client))


def _what(item: Session | Appointment) -> str:
    if isinstance(item, Session):
        return f"session {item.number} ({item.client.full_name}, {item.start:%a %b} {item.start.day} {clock(item.start)})"
    return f"'{item.title}' ({item.start:%a %b} {item.start.day} {clock(item.start)})"


def cancel_dialog(item: Session | Appointment) -> ReasonDialog:
    also = " Its appointments still to come are cancelled too." if isinstance(item, Session) else ""
    return ReasonDialog("Cancel booking", f"Cancel {_what(item)}? Give the reason (kept in the history).{also}",
                        lambda reason: booking.cancel_booking(item, reason), confirm="Cancel booking",
                        placeholder="e.g. client is ill")


def no_show_dialog(item: Session | Appointment) -> ReasonDialog:
    return ReasonDialog("No-show", f"Mark {_what(item)} as a no-show? A note if you like:",
                        lambda note: booking.mark_no_show(item, note), confirm="Mark no-show",
                        placeholder="optional")


def _warn_overridden(app, overridden: list) -> None:
    if overridden:
        app.notify("Booked despite: " + " ".join(c.message for c in overridden[:3]), title="Conflict",
                   severity="warning", timeout=10)


# ================================================================ the hub

class CalendarHub(HubScreen):
    HUB_ID = "calendar"
    HUB_TITLE = "Calendar"

    DEFAULT_CSS = """
    CalendarHub #cal-title { height: 1; padding: 0 1; background: $boost; text-wrap: nowrap; text-overflow: ellipsis; }
    CalendarHub #cal-status { height: 2; padding: 0 1; background: $boost; text-wrap: nowrap; text-overflow: ellipsis; }
    CalendarHub #cal-status.-moving { background: $warning 30%; }
    CalendarHub CalendarGrid:focus { background-tint: $foreground 0%; }
    """
    BINDINGS = [
        Binding("enter", "activate", "Open/Book"),
        Binding("up", "move_cursor(0, -1)", "Up", show=False),
        Binding("down", "move_cursor(0, 1)", "Down", show=False),
        Binding("left", "move_cursor(-1, 0)", "Left", show=False),
        Binding("right", "move_cursor(1, 0)", "Right", show=False),
        Binding("home", "edge(-1)", "First slot", show=False),
        Binding("end", "edge(1)", "Last slot", show=False),
        Binding("pageup", "period(-1)", "Previous", show=False),
        Binding("pagedown", "period(1)", "Next", show=False),
        Binding("v", "cycle_view", "View"),
        Binding("t", "today", "Today"),
        Binding("g", "go_to", "Go to"),
        Binding("p", "filter_people", "People"),
        Binding("n", "new_booking", "New", show=False),
        Binding("m", "move", "Move"),
        Binding("r", "reschedule", "New time", show=False),
        Binding("x", "cancel_booking", "Cancel"),
        Binding("o", "no_show", "No-show"),
        Binding("c", "toggle_cancelled", "Show cancelled", show=False),
        Binding("escape", "stop_moving", "Stop", show=False),
    ]

    def __init__(self):
        super().__init__()
        current = now()
        self.view = WEEK
        self.day = current.date()
        self.time = current.time().replace(second=0, microsecond=0)
        self.column = 0  # day view: the column under the cursor
        self.people: set[int] | None = None
        self.studio = True
        self.include_cancelled = False
        self.data: CalendarData | None = None
        self.moving: CalendarRow | None = None
        self._move_offset = dt.timedelta()

    def compose_body(self) -> ComposeResult:
        yield Static("", id="cal-title")
        yield CalendarGrid(id="cal-grid")
        yield Static("", id="cal-status")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(CalendarGrid).focus()
        self.set_interval(60, self._tick)

    def _tick(self) -> None:
        """Bookings made in another terminal show up within a minute."""
        if self.app.screen is self and self.moving is None:
            self.refresh_data()

    @property
    def grid(self) -> CalendarGrid:
        return self.query_one(CalendarGrid)

    # ------------------------------------------------------------ loading and drawing

    def refresh_data(self) -> None:
        try:
            self.data = load_view(self.view, self.day, self.people, self.include_cancelled, self.studio)
        except WRITE_ERRORS as error:
            self.app.notify(readable(error), title="Calendar", severity="error", timeout=8)
            return
        self._redraw()

    def _ensure_loaded(self) -> None:
        """Reload when the cursor's day left the loaded period."""
        data = self.data
        if data is None or data.view != self.view:
            self.refresh_data()
            return
        if self.view == DAY and data.day != self.day:
            self.refresh_data()
        elif self.view == WEEK and week_start(self.day) != data.first:
            self.refresh_data()
        elif self.view == MONTH and (self.day.year, self.day.month) != data.month:
            self.refresh_data()
        else:
            self._redraw()

    @property
    def slot_index(self) -> int:
        return self.data.slot_index(self.time) if self.data else 0

    @property
    def column_index(self) -> int:
        data = self.data
        if data is None or not data.columns:
            return 0
        if self.view == WEEK:
            return (self.day - data.first).days
        return max(0, min(self.column, len(data.columns) - 1))

    def _redraw(self) -> None:
        data = self.data
        if data is None:
            return
        ghost = None
        if self.moving is not None and data.view != MONTH and data.times:
            slot = self.slot_index
            length = self.moving.length_minutes
            slots = max(1, -(-length // data.slot))
            ghost = (self.column_index, slot, min(slots, len(data.times) - slot), self.moving)
        self.grid.show(data, self.column_index, self.slot_index, self.day, ghost)
        self.query_one("#cal-title", Static).update(self._title())
        status = self.query_one("#cal-status", Static)
        status.update(self._status())
        status.set_class(self.moving is not None, "-moving")

    def _title(self) -> Text:
        data = self.data
        if data.view == DAY:
            info = data.days[0]
            period = f"{long_date(data.day)} · {info.label if not info.is_open else 'open ' + info.label}"
        elif data.view == WEEK:
            last = data.first + dt.timedelta(days=6)
            period = f"Week of {data.first:%B} {data.first.day} – " + (
                f"{last.day}, {last.year}" if last.month == data.first.month else f"{last:%B} {last.day}, {last.year}")
        else:
            period = f"{data.day:%B %Y}"
        who = "everyone" if self.people is None else f"{len(self.people)} selected"
        extra = f"{VIEW_NAMES[data.view]} view · {who}" + (" · with cancelled" if self.include_cancelled else "")
        width = max(20, self.size.width - 2)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(period, "bold")
        room = width - len(period) - 3
        if room >= len(extra):
            text.append(" " * (room - len(extra) + 3))
            text.append(extra, "dim")
        return text

    def _status(self) -> Text:
        data = self.data
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.moving is not None:
            row = self.moving
            target = self._move_target()
            what = f"Session {row.session_number}" if row.kind == SESSION else row.type_name
            text.append("Move to ", "bold")
            if target is not None:
                start, changes = target
                who = ""
                for key in ("photographer", "staff"):
                    if key in changes:
                        who = f" with {changes[key].full_name}" if changes[key] else " with nobody assigned"
                if "room" in changes:
                    who += f" in {changes['room'].name}" if changes["room"] else ""
                text.append(f"{start:%a %b} {start.day}, {clock(start)}{who}", "bold reverse")
            text.append(f"  {what}" + (f" ({row.client_name})" if row.client_name else ""))
            text.append(f"\nnow {row.start:%a %b} {row.start.day}, {span(row)} · arrows choose · Enter move here · "
                        "Esc stop", "dim")
            return text
        if data.view == MONTH:
            info = data.days[(self.day - data.first).days] if 0 <= (self.day - data.first).days < len(data.days) else None
            rows = data.month_rows.get(self.day, [])
            text.append(f"{long_date(self.day)}", "bold")
            if info is not None:
                text.append(f" · {info.label if not info.is_open else 'open ' + info.label}")
            text.append(f" · {len(rows)} booking{'s' if len(rows) != 1 else ''}")
            text.append("\nEnter: the day view of this day · arrows move · PgUp/PgDn month", "dim")
            return text
        rows = self.rows_at_cursor()
        column = data.columns[self.column_index] if data.columns else None
        start = dt.datetime.combine(self.day, self.time)
        if data.times:
            start = data.slot_range(self.day, self.slot_index)[0]
        if rows:
            text.append(describe_row(rows[0]), "bold")
            if len(rows) > 1:
                text.append(f"  (+{len(rows) - 1} more here)")
            text.append("\nEnter open · m move · r new time · x cancel · o no-show", "dim")
            return text
        where = ""
        if column is not None and column.kind in ("person", "room", "studio") and self.view == DAY:
            where = f" · {column.title}"
        text.append(f"{start:%A %b} {start.day}, {clock(start)}{where}", "bold")
        info = booking.day_info(self.day) if column is None else column.info
        if not info.is_open:
            text.append(f" · {info.label}", "italic")
        elif not (info.opening() <= start < info.closing()):
            text.append(f" · outside studio hours ({info.label})", "italic")
        else:
            text.append(" · free")
        text.append("\nEnter book here (Scheduling Wizard) · v view · g go to · p people · t today", "dim")
        return text

    # ------------------------------------------------------------ what is under the cursor

    def rows_at_cursor(self) -> list[CalendarRow]:
        data = self.data
        if data is None:
            return []
        if data.view == MONTH:
            return list(data.month_rows.get(self.day, []))
        if not data.columns or not data.times:
            return []
        column = data.columns[self.column_index]
        start, end = data.slot_range(column.day, self.slot_index)
        rows = column.rows_between(start, end)
        rows.sort(key=lambda r: column.lanes.get(r.key, (0, 1))[0])
        return rows

    def _pick(self, rows: list[CalendarRow], then: Callable[[CalendarRow], None], extra: list | None = None,
              title: str = "Which booking?") -> None:
        """One row: act at once; several: ask which."""
        if len(rows) == 1 and not extra:
            then(rows[0])
            return
        from .dialogs import ChoiceDialog

        options = [(f"{r.kind}:{r.id}", fit(describe_row(r), 90)) for r in rows] + (extra or [])

        def chosen(option: str | None) -> None:
            if option is None:
                return
            if option == "new":
                self.action_new_booking()
                return
            for row in rows:
                if f"{row.kind}:{row.id}" == option:
                    then(row)

        self.app.push_screen(ChoiceDialog(title, options), chosen)

    def _booking_at_cursor(self, then: Callable[[CalendarRow], None]) -> None:
        rows = self.rows_at_cursor()
        if self.view == MONTH:
            self.notify("Open the day (Enter) to work on its bookings.", timeout=4)
            return
        if not rows:
            self.notify("There is no booking here.", timeout=3)
            return
        self._pick(rows, then)

    def _open_item(self, row: CalendarRow) -> Session | Appointment | None:
        try:
            return cal.open_booking(row)
        except WRITE_ERRORS as error:
            self.app.notify(readable(error), title="Not possible", severity="error", timeout=8)
            self.refresh_data()
            return None

    # ------------------------------------------------------------ keys: moving around

    def action_move_cursor(self, dx: int, dy: int) -> None:
        data = self.data
        if data is None:
            return
        if data.view == MONTH:
            self.day += dt.timedelta(days=dx + 7 * dy)
            self._ensure_loaded()
            return
        if dy and data.times:
            index = max(0, min(len(data.times) - 1, self.slot_index + dy))
            self.time = data.times[index]
        if dx:
            if self.view == WEEK:
                self.day += dt.timedelta(days=dx)
            else:
                self.column = max(0, min(len(data.columns) - 1, self.column_index + dx))
        self._ensure_loaded()

    def action_edge(self, direction: int) -> None:
        data = self.data
        if data is None or not data.times or data.view == MONTH:
            return
        self.time = data.times[0 if direction < 0 else -1]
        self._redraw()

    def action_period(self, direction: int) -> None:
        if self.view == DAY:
            self.day += dt.timedelta(days=direction)
        elif self.view == WEEK:
            self.day += dt.timedelta(days=7 * direction)
        else:
            index = self.day.year * 12 + self.day.month - 1 + direction
            year, month = divmod(index, 12)
            following = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
            last = (following - dt.timedelta(days=1)).day
            self.day = dt.date(year, month + 1, min(self.day.day, last))
        self._ensure_loaded()

    def action_today(self) -> None:
        current = now()
        self.day = current.date()
        self.time = current.time().replace(second=0, microsecond=0)
        self._ensure_loaded()

    def action_cycle_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self.refresh_data()

    def set_view(self, view: str, day: dt.date | None = None) -> None:
        self.view = view
        if day is not None:
            self.day = day
        self.refresh_data()

    def action_go_to(self) -> None:
        def chosen(day: dt.date | None) -> None:
            if day is not None:
                self.day = day
                self._ensure_loaded()
                self.notify(f"{long_date(day)} ({how_far(day)})", title="Go to", timeout=3)

        self.app.push_screen(GoToDialog(), chosen)

    def action_filter_people(self) -> None:
        def chosen(answer) -> None:
            if answer is not None:
                self.people, self.studio = answer
                self.column = 0
                self.refresh_data()

        self.app.push_screen(PeopleFilterDialog(self.people, self.studio), chosen)

    def action_toggle_cancelled(self) -> None:
        self.include_cancelled = not self.include_cancelled
        self.refresh_data()
        self.notify("Cancelled and no-show bookings are " + ("shown." if self.include_cancelled else "hidden."),
                    timeout=3)

    def on_calendar_grid_clicked(self, event: CalendarGrid.Clicked) -> None:
        event.stop()
        data = self.data
        if data is None:
            return
        if data.view == MONTH:
            self.day = event.day
            if event.double:
                self.set_view(DAY, event.day)
            else:
                self._ensure_loaded()
            return
        self.time = data.times[event.slot]
        if self.view == WEEK:
            self.day = data.first + dt.timedelta(days=event.column)
        else:
            self.column = event.column
        self._redraw()
        if event.double:
            self.action_activate()

    # ------------------------------------------------------------ Enter: open or book

    def action_activate(self) -> None:
        data = self.data
        if data is None:
            return
        if self.moving is not None:
            self._drop()
            return
        if data.view == MONTH:
            self.set_view(DAY, self.day)
            return
        rows = self.rows_at_cursor()
        if not rows:
            self.action_new_booking()
            return
        # One booking: open it. Several side by side: ask which (or book another here; n does that too).
        self._pick(rows, self.open_row, extra=[("new", "New booking at this time…")] if len(rows) > 1 else None)

    def open_row(self, row: CalendarRow) -> None:
        item = self._open_item(row)
        if item is None:
            return
        if isinstance(item, Session):
            from .sessions import SessionRecord

            self.app.push_screen(SessionRecord(item))
            return

        def done(what: str | None) -> None:
            if what == "move":
                self._start_moving(row)
            elif what == "changed":
                self.refresh_data()

        self.app.push_screen(AppointmentDialog(item), done)

    def action_new_booking(self) -> None:
        data = self.data
        if data is None or data.view == MONTH:
            start = dt.datetime.combine(self.day, self.time)
        else:
            start = data.slot_range(self.day, self.slot_index)[0] if data.times else dt.datetime.combine(self.day, self.time)
        photographer = room = None
        kind = "session"
        if data is not None and data.view == DAY and data.columns:
            column = data.columns[self.column_index]
            if column.kind == "person":
                user = User.get_or_none(User.id == column.person_id)
                if user is not None and user.is_photographer:
                    photographer = user
                elif user is not None:
                    photographer, kind = user, "appointment"
            elif column.kind == "room":
                room = Room.get_or_none(Room.id == column.room_id)
            elif column.kind == "studio":
                kind = "appointment"
        elif self.people is not None:
            chosen = [u for u in users.photographers() if u.id in self.people]
            if len(chosen) == 1:
                photographer = chosen[0]
        self.app.open_scheduling_wizard(kind=kind, start=start, photographer=photographer, room=room)

    # ------------------------------------------------------------ move, reschedule, cancel, no-show

    def action_move(self) -> None:
        if self.moving is not None:
            return
        self._booking_at_cursor(self._start_moving)

    def _start_moving(self, row: CalendarRow) -> None:
        if row.is_closed:
            self.notify(f"This booking is {row.status.lower()}; book a new one instead.", timeout=5)
            return
        slot = self.data.slot if self.data is not None else cal.slot_minutes()
        minutes = row.start.hour * 60 + row.start.minute
        floored = minutes // slot * slot
        self.moving = row
        self.day = row.start.date()
        self.time = dt.time(floored // 60, floored % 60)
        self._move_offset = dt.timedelta(minutes=minutes - floored)
        self._ensure_loaded()

    def action_stop_moving(self) -> None:
        if self.moving is not None:
            self.moving = None
            self._redraw()

    def _move_target(self) -> tuple[dt.datetime, dict] | None:
        """Where the booking being moved would go, and what else changes."""
        data = self.data
        row = self.moving
        if data is None or row is None or not data.times or data.view == MONTH:
            return None
        start = data.slot_range(self.day, self.slot_index)[0] + self._move_offset
        changes: dict = {}
        if data.view == DAY and data.columns:
            column = data.columns[self.column_index]
            key = "photographer" if row.kind == SESSION else "staff"
            if column.kind == "person" and column.person_id != row.photographer_id:
                changes[key] = User.get_or_none(User.id == column.person_id)
            elif column.kind == "studio" and row.photographer_id is not None:
                changes[key] = None
            elif column.kind == "room" and column.room_id != row.room_id:
                changes["room"] = Room.get_or_none(Room.id == column.room_id)
        return start, changes

    def _drop(self) -> None:
        row = self.moving
        target = self._move_target()
        if row is None or target is None:
            return
        start, changes = target
        if changes.get("photographer", 1) is None:
            self.app.show_domain_error(DomainError("A session always involves the camera: move it to a "
                                                   "photographer's column."), "Not moved")
            return
        if "photographer" in changes and not changes["photographer"].is_photographer:
            self.app.show_domain_error(DomainError(f"{changes['photographer'].full_name} is not a photographer; "
                                                   "a session needs one."), "Not moved")
            return
        item = self._open_item(row)
        if item is None:
            self.moving = None
            return

        def done(result) -> None:
            self.moving = None
            self.notify(result.note, title="Rescheduled", timeout=6)
            _warn_overridden(self.app, result.overridden)
            self.refresh_data()

        run_under_policy(self, lambda allow: booking.reschedule(item, start, allow_conflict=allow, **changes), done)

    def action_reschedule(self) -> None:
        def chosen(row: CalendarRow) -> None:
            item = self._open_item(row)
            if item is None:
                return

            def moved(result) -> None:
                if result is not None:
                    self.notify(result.note, title="Rescheduled", timeout=6)
                    _warn_overridden(self.app, result.overridden)
                    self.day, self.time = result.item.start.date(), result.item.start.time()
                    self.refresh_data()

            self.app.push_screen(RescheduleDialog(item), moved)

        self._booking_at_cursor(chosen)

    def action_cancel_booking(self) -> None:
        def chosen(row: CalendarRow) -> None:
            if row.is_closed:
                self.notify(f"This booking is already {row.status.lower()}.", timeout=4)
                return
            item = self._open_item(row)
            if item is not None:
                self.app.push_screen(cancel_dialog(item), self._after_change("Cancelled"))

        self._booking_at_cursor(chosen)

    def action_no_show(self) -> None:
        def chosen(row: CalendarRow) -> None:
            if row.is_closed:
                self.notify(f"This booking is already {row.status.lower()}.", timeout=4)
                return
            item = self._open_item(row)
            if item is not None:
                self.app.push_screen(no_show_dialog(item), self._after_change("Marked as a no-show"))

        self._booking_at_cursor(chosen)

    def _after_change(self, what: str):
        def done(result) -> None:
            if result:
                self.notify(what + ".", timeout=4)
                self.refresh_data()

        return done

    def show_booking(self, start: dt.datetime, photographer_id: int | None = None) -> None:
        """Put the cursor on a booking just made (after the wizard)."""
        slot = self.data.slot if self.data is not None else cal.slot_minutes()
        minutes = start.hour * 60 + start.minute
        self.day = start.date()
        self.time = dt.time(minutes // slot * slot // 60, minutes // slot * slot % 60)
        self.refresh_data()
        if self.view == DAY and self.data is not None and photographer_id is not None:
            for index, column in enumerate(self.data.columns):
                if column.person_id == photographer_id:
                    self.column = index
                    self._redraw()
                    break
