"""Snapshots of the Sessions hub and the session record at 120x40 and 80x24
(fixed demo data and clock), each also checked for nothing cut off: no
widget runs past its parent's right edge, no table is wider than its view."""
import pytest

from spectra_tui.data.models import Invoice, Session
from spectra_tui.screens.sessions import SessionRecord

from .layout import SIZE_IDS, SIZES, assert_fits


def shown_session() -> Session:
    """A completed session with invoices (the record's tabs have something to show)."""
    return (Session.select().join(Invoice, on=(Invoice.session == Session.id))
            .where(Session.status == "Complete").order_by(Session.number).first())


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_sessions_hub(snap_compare, app, size):
    async def run_before(pilot):
        await pilot.press("f6")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_session_search_dialog(snap_compare, app, size):
    async def run_before(pilot):
        await pilot.press("ctrl+s")
        await pilot.pause()
        pilot.app.screen.query_one("#ss-client").value = "san"
        await pilot.pause(0.4)
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("tab", ["general", "invoices"])
def test_session_record(snap_compare, app, size, tab):
    async def run_before(pilot):
        pilot.app.push_screen(SessionRecord(shown_session(), tab))
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
