"""How the calendar writes things into its cells: text fitted to a width in
terminal cells (a CJK character takes two), hours, time spans, a booking in
one line, and the text colour that reads on a block's colour."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from textual.color import Color, ColorParseError

from ...data.booking import DayInfo
from ...data.calendar import SESSION, CalendarRow
from ...data.when import clock


# The grid fits every cell of every line it paints: the fitted texts are
# cached, so measuring in cells costs no more than counting characters did.
@lru_cache(maxsize=4096)
def fit(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal cells: cut at a word with …
    (never silently mid-word)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    if width == 1:
        return "…"
    return set_cell_size(text, width - 1).rstrip() + "…"


@lru_cache(maxsize=4096)
def fit_left(text: str, width: int) -> str:
    """``text`` fitted, then padded with spaces to exactly ``width`` cells."""
    text = fit(text, width)
    return text + " " * (width - cell_len(text))


@lru_cache(maxsize=1024)
def fit_center(text: str, width: int) -> str:
    """``text`` fitted and centred in exactly ``width`` cells (as str.center)."""
    text = fit(text, width)
    return text.center(width - cell_len(text) + len(text))


@lru_cache(maxsize=256)
def contrast(color: str) -> str:
    """Black or white text, whichever reads on ``color`` (Textual's choice)."""
    try:
        return Color.parse(color).get_contrast_text(alpha=1.0).hex
    except ColorParseError:
        return "#000000"


def short_hours(info: DayInfo, width: int) -> str:
    """The day's hours in ``width`` cells: '9:00 AM – 6:00 PM', '9 AM–6 PM', '9a–6p'."""
    if info.holiday:
        return fit(info.label, width)
    if info.opens is None or info.closes is None:  # (a day that opens also closes)
        return "Closed"
    for text in (
        info.label,
        f"{_hour(info.opens)}–{_hour(info.closes)}",
        f"{_hour(info.opens, True)}–{_hour(info.closes, True)}",
    ):
        if cell_len(text) <= width:
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
