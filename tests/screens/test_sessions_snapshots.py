"""Snapshots of the Sessions hub and the session record at 120x40 and 80x24
(fixed demo data and clock), each also checked for nothing cut off: no
widget runs past its parent's right edge, no table is wider than its view."""
import pytest
from textual.containers import ScrollableContainer
from textual.widgets import DataTable, Footer

from spectra_tui.data.models import Invoice, Session
from spectra_tui.screens.sessions import SessionRecord

SIZES = [(120, 40), (80, 24)]


def assert_fits(screen) -> None:
    """Nothing cut off: every widget inside its parent, every table inside its view."""
    problems = []
    for widget in screen.query("*"):
        if not widget.display or widget.region.width == 0 or isinstance(widget, Footer):
            continue
        if any(isinstance(a, (Footer, ScrollableContainer)) for a in widget.ancestors if a is not screen):
            continue  # footer keys scroll; scrolled content is reachable by scrolling
        parent = widget.parent
        if parent is not None and hasattr(parent, "region") and parent.region.width:
            if widget.region.right > parent.region.right or widget.region.x < parent.region.x:
                problems.append(f"{widget!r} {widget.region} outside {parent!r} {parent.region}")
    for table in screen.query(DataTable):
        if table.display and table.region.width:
            if table.virtual_size.width > table.scrollable_content_region.width:
                problems.append(f"{table!r} is {table.virtual_size.width} wide in "
                                f"{table.scrollable_content_region.width} columns")
    assert problems == []


def shown_session() -> Session:
    """A completed session with invoices (the record's tabs have something to show)."""
    return (Session.select().join(Invoice, on=(Invoice.session == Session.id))
            .where(Session.status == "Complete").order_by(Session.number).first())


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_sessions_hub(snap_compare, app, size):
    async def run_before(pilot):
        await pilot.press("f6")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_session_search_dialog(snap_compare, app, size):
    async def run_before(pilot):
        await pilot.press("ctrl+s")
        await pilot.pause()
        pilot.app.screen.query_one("#ss-client").value = "san"
        await pilot.pause(0.4)
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
@pytest.mark.parametrize("tab", ["general", "invoices"])
def test_session_record(snap_compare, app, size, tab):
    async def run_before(pilot):
        pilot.app.push_screen(SessionRecord(shown_session(), tab))
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
