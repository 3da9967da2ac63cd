"""The Sessions and Invoices hubs show the date filter they apply: an empty
From/To field reads "any day" (it once read "From 11/1/2026 To today" while
the list held every day, 2027 included); a typed day is the day applied."""
import datetime as dt

import pytest
from textual.widgets import Input

from spectra_tui.data.errors import ValidationError
from spectra_tui.data.when import parse_day
from spectra_tui.screens.invoices import InvoicesHub
from spectra_tui.screens.sessions import SessionSearchPanel, SessionsHub

HUBS = [("f6", SessionsHub, "ss"), ("f7", InvoicesHub, "inv")]


def shown_day(box: Input) -> dt.date | None:
    """The day a reader takes from the field: its text, or else its placeholder."""
    try:
        return parse_day(box.value or box.placeholder)
    except ValidationError:
        return None


def applied(screen, prefix: str):
    if prefix == "ss":
        return screen.query_one(SessionSearchPanel).build_query()
    return screen.build_query()


@pytest.mark.parametrize(("key", "hub", "prefix"), HUBS, ids=["sessions", "invoices"])
async def test_the_date_filter_shown_is_the_filter_applied(app, key, hub, prefix):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(key)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, hub)
        date_from, date_to = screen.query_one(f"#{prefix}-from", Input), screen.query_one(f"#{prefix}-to", Input)
        query = applied(screen, prefix)
        assert (shown_day(date_from), shown_day(date_to)) == (query.date_from, query.date_to) == (None, None)
        assert date_from.placeholder == date_to.placeholder == "any day"
        date_from.value, date_to.value = "11/1/2026", "11/30/2026"
        query = applied(screen, prefix)
        assert (shown_day(date_from), shown_day(date_to)) == (query.date_from, query.date_to)
        assert query.date_from == dt.date(2026, 11, 1) and query.date_to == dt.date(2026, 11, 30)
