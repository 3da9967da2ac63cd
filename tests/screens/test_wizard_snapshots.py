"""Snapshots of the Scheduling Wizard's steps at 120x40 and 80x24 (fixed
demo studio and clock): the client, the details with the date shown back,
the conflict check under policy "ask", the payment, the follow-ups and the
summary. Each is also checked for nothing cut off."""
import datetime as dt

import pytest

from spectra_tui.data import settings
from spectra_tui.data.models import Client, User
from spectra_tui.screens.wizard import SchedulingWizard

from .layout import SIZE_IDS, SIZES

BUSY = dt.datetime(2026, 11, 30, 10, 0)  # Ava Reyes has a Newborn session 9:30-11:30
FREE = dt.datetime(2026, 12, 1, 10, 0)


def assert_fits(wizard: SchedulingWizard) -> None:
    box = wizard.query_one("#wizard").region
    for widget in wizard.query(f"#step-{wizard.step} *"):
        if widget.display and widget.region.width:
            assert widget.region.right <= box.right and widget.region.bottom <= box.bottom, widget


async def open_at(pilot, start: dt.datetime, steps: tuple = ()) -> SchedulingWizard:
    app = pilot.app
    app.open_scheduling_wizard(client=Client.get_by_id(3), start=start, photographer=User.get(User.username == "ava"))
    await pilot.pause()
    wizard = app.screen
    for key in steps:
        await pilot.press(key)
    await pilot.pause()
    assert_fits(wizard)
    return wizard


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_wizard_client_step(snap_compare, app, size):
    async def run_before(pilot):
        wizard = await open_at(pilot, FREE)
        assert wizard.step == "client"

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_wizard_details_step(snap_compare, app, size):
    async def run_before(pilot):
        wizard = await open_at(pilot, FREE, ("enter", "enter"))
        assert wizard.step == "details"

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_wizard_conflict_check_step(snap_compare, app, size):
    settings.put("conflict_policy", "ask")

    async def run_before(pilot):
        wizard = await open_at(pilot, BUSY, ("enter", "enter", "enter"))
        assert wizard.step == "check" and not wizard._check.ok

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_wizard_payment_step(snap_compare, app, size):
    async def run_before(pilot):
        wizard = await open_at(pilot, FREE, ("enter", "enter", "enter", "enter", "enter", "right"))
        assert wizard.step == "payment"

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_wizard_follow_ups_step(snap_compare, app, size):
    async def run_before(pilot):
        wizard = await open_at(pilot, FREE, ("enter", "enter", "enter", "enter", "enter", "enter",
                                             "plus", "1", "w", "space", "4", "p", "m", "enter", "plus", "2", "w"))
        assert wizard.step == "followups" and len(wizard.state.follow_ups) == 1

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_wizard_summary_step(snap_compare, app, size):
    async def run_before(pilot):
        wizard = await open_at(pilot, FREE, ("enter", "enter", "enter", "enter", "enter", "right", "enter",
                                             "plus", "1", "w", "space", "4", "p", "m", "enter", "enter"))
        assert wizard.step == "summary"

    assert snap_compare(app, terminal_size=size, run_before=run_before)
