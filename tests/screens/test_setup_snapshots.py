"""Snapshots of the setup (its session types step on the demo studio, opened
again by the owner) and of the Staff screen, at 120x40 and 80x24, with the
check that nothing is cut off."""
import pytest

from spectra_tui.data.models import User
from spectra_tui.data.users import sign_in
from spectra_tui.screens.first_start import FirstStartScreen
from spectra_tui.screens.staff import StaffScreen

from .layout import SIZE_IDS, SIZES, assert_fits


@pytest.fixture
def as_owner(demo_db):
    sign_in(User.get(User.username == "admin"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_setup_snapshot(snap_compare, as_owner, make_app, size):
    async def run_before(pilot):
        pilot.app.push_screen(FirstStartScreen(start_at="session_types"))
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_staff_snapshot(snap_compare, as_owner, make_app, size):
    async def run_before(pilot):
        pilot.app.push_screen(StaffScreen())
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)
