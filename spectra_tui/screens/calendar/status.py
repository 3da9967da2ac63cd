"""The hub's title line (the period shown, whose bookings) and its two-line
status bar (what is under the cursor, or where a booking being moved goes)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from ...data import booking
from ...data.calendar import SESSION, CalendarRow
from ...data.when import clock, long_date
from .. import keymap
from .labels import describe_row, span
from .view import DAY, VIEW_NAMES, WEEK, CalendarData, GridColumn


def title_text(data: CalendarData, people: set[int] | None, include_cancelled: bool, width: int) -> Text:
    """The period in bold; the view and whose bookings dimmed at the right when they fit."""
    if data.view == DAY:
        info = data.days[0]
        period = f"{long_date(data.day)} · {info.label if not info.is_open else 'open ' + info.label}"
    elif data.view == WEEK:
        last = data.first + dt.timedelta(days=6)
        period = f"Week of {data.first:%B} {data.first.day} – " + (
            f"{last.day}, {last.year}" if last.month == data.first.month else f"{last:%B} {last.day}, {last.year}"
        )
    else:
        period = f"{data.day:%B %Y}"
    who = "everyone" if people is None else f"{len(people)} selected"
    extra = f"{VIEW_NAMES[data.view]} view · {who}" + (" · with cancelled" if include_cancelled else "")
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(period, "bold")
    room = width - len(period) - 3
    if room >= len(extra):
        text.append(" " * (room - len(extra) + 3))
        text.append(extra, "dim")
    return text


def moving_status(row: CalendarRow, target: tuple[dt.datetime, dict] | None) -> Text:
    """Where the booking being moved would go (``target``: start and changes), and the keys."""
    text = Text(no_wrap=True, overflow="ellipsis")
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
    text.append(
        f"\nnow {row.start:%a %b} {row.start.day}, {span(row)} · arrows choose · "
        + keymap.hint(("calendar.activate", "move here"), ("calendar.stop_moving", "stop")),
        "dim",
    )
    return text


def month_status(data: CalendarData, day: dt.date) -> Text:
    """The month view's cursor day: its hours and how many bookings."""
    text = Text(no_wrap=True, overflow="ellipsis")
    info = data.days[(day - data.first).days] if 0 <= (day - data.first).days < len(data.days) else None
    rows = data.month_rows.get(day, [])
    text.append(f"{long_date(day)}", "bold")
    if info is not None:
        text.append(f" · {info.label if not info.is_open else 'open ' + info.label}")
    text.append(f" · {len(rows)} booking{'s' if len(rows) != 1 else ''}")
    keys = keymap.key
    text.append(
        f"\n{keys('calendar.activate')}: the day view of this day · arrows move · "
        f"{keys('calendar.previous_period')}/{keys('calendar.next_period')} month",
        "dim",
    )
    return text


def slot_status(
    rows: list[CalendarRow], start: dt.datetime, column: GridColumn | None, view: str, day: dt.date
) -> Text:
    """The day or week view's cursor slot: the booking there, or the free time and how to book it."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if rows:
        text.append(describe_row(rows[0]), "bold")
        if len(rows) > 1:
            text.append(f"  (+{len(rows) - 1} more here)")
        hint = keymap.hint(
            ("calendar.activate", "open"),
            ("calendar.move", "move"),
            ("calendar.new_time", "new time"),
            ("calendar.cancel_booking", "cancel"),
            ("calendar.no_show", "no-show"),
        )
        text.append("\n" + hint, "dim")
        return text
    where = ""
    if column is not None and column.kind in ("person", "room", "studio") and view == DAY:
        where = f" · {column.title}"
    text.append(f"{start:%A %b} {start.day}, {clock(start)}{where}", "bold")
    info = booking.day_info(day) if column is None else column.info
    opening, closing = info.opening(), info.closing()  # None on a closed day
    if opening is None or closing is None:
        text.append(f" · {info.label}", "italic")
    elif not (opening <= start < closing):
        text.append(f" · outside studio hours ({info.label})", "italic")
    else:
        text.append(" · free")
    hint = keymap.hint(
        ("calendar.activate", "book here (Scheduling Wizard)"),
        ("calendar.view", "view"),
        ("calendar.go_to", "go to"),
        ("calendar.people", "people"),
        ("calendar.today", "today"),
    )
    text.append("\n" + hint, "dim")
    return text
