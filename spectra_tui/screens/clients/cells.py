"""Cells and small helpers the client lists share."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from ...data.money import format_money


def fit(text: str) -> Text:
    """A cell that ends in … when its column is too narrow (nothing silently cut)."""
    return Text(text or "", overflow="ellipsis", no_wrap=True)


def money_cell(cents: int) -> Text:
    return Text(format_money(cents), justify="right", no_wrap=True)


def date_text(value: dt.date | dt.datetime | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def time_text(value: dt.datetime | None) -> str:
    return value.strftime("%H:%M") if value else ""


def all_at_once(rows: list):
    """A PagedTable fetch for a short list that is already in memory."""
    return lambda after, limit: list(rows) if after is None else []
