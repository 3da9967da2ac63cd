"""How dates, times, money and menu entries are written on the session and
invoice screens (and the workflow's check-in)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from ..data.money import format_money
from . import keymap


def fmt_day(day: dt.date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else ""


def fmt_short(when: dt.datetime | None) -> str:
    """'11/26/26 10:30' (lists)."""
    return when.strftime("%m/%d/%y %H:%M") if when else ""


def fmt_clock(when: dt.datetime) -> str:
    hour = when.hour % 12 or 12
    return f"{hour}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"


def fmt_long(when: dt.datetime) -> str:
    """'Thu 11/26/2026 10:30 AM'."""
    return f"{when.strftime('%a %m/%d/%Y')} {fmt_clock(when)}"


def money_cell(cents: int, style: str = "") -> Text:
    return Text(format_money(cents), justify="right", style=style)


def balance_cell(balance: int) -> Text:
    if balance < 0:
        return Text(f"{format_money(-balance)} CR", justify="right", style="green")
    return Text(format_money(balance), justify="right", style="bold yellow" if balance else "")


GAP = "   "


def labelled(*fields: tuple[str, str | tuple[str, str]]) -> Text:
    """'Client Mary King   Bill-To Ann Lee': each (label, value) with its label
    dimmed; value may be (text, style). The gap is written after each value,
    never at the start of a dimmed label, so no label runs into the value before it."""
    line = Text()
    for n, (label, value) in enumerate(fields):
        text, style = value if isinstance(value, tuple) else (value, "")
        line.append(f"{label} ", "dim")
        line.append(text + (GAP if n < len(fields) - 1 else ""), style)
    return line


def menu_entry(label: str, action_id: str) -> str:
    """A File/New menu line: the action, its key (from the registry) at the right."""
    return f"{label:<38} {keymap.key(action_id):>9}"


def first_name(full_name: str) -> str:
    return (full_name or "").split(" ")[0]
