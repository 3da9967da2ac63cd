"""The Reports screen: opened from Home with its key, a report chosen, its
period typed, built in a worker and shown as tables, saved as CSV; a front-desk
user sees the manager's reports dimmed with the reason; it fits 80x24 and 120x40."""
import csv

import pytest
from textual.widgets import DataTable, Input, OptionList, Static

from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.data.models import TimeEntry, User
from spectra_tui.screens.dialogs import SmallForm
from spectra_tui.screens.reports import ReportsScreen

from .conftest import FIXED_NOW
from .layout import assert_fits

import datetime as dt


async def open_reports(app, pilot) -> ReportsScreen:
    await pilot.press("f2", "r")
    await pilot.pause()
    assert isinstance(app.screen, ReportsScreen)
    return app.screen


async def run(app, pilot) -> None:
    await pilot.press("ctrl+r")
    await app.workers.wait_for_complete()
    await pilot.pause()


def status(screen) -> str:
    return str(screen.query_one("#report-status", Static).render())


async def test_a_front_desk_user_sees_the_manager_s_reports_dimmed_with_the_reason(app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        options = screen.query_one("#report-list", OptionList)
        by_id = {options.get_option_at_index(i).id: options.get_option_at_index(i) for i in range(options.option_count)}
        sheet = by_id["time-sheet"]
        assert sheet.disabled and "Only a manager or the owner may read another person's time sheet" in str(sheet.prompt)
        assert not by_id["production-overdue"].disabled
        options.highlighted = list(by_id).index("production-overdue")
        await pilot.pause()
        await run(app, pilot)
        assert "Production overdue ·" in status(screen)
        assert screen.query(DataTable)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_manager_runs_the_time_sheet_over_a_period_and_saves_it_as_csv(app, as_admin, tmp_path, size):
    rita = User.get(User.username == "rita")
    start = to_utc(dt.datetime(2026, 11, 2, 9, 0))
    TimeEntry.create(user=rita.id, code="regular", started_at=start, ended_at=start + dt.timedelta(hours=7, minutes=30))
    set_clock(lambda: to_utc(FIXED_NOW))
    async with app.run_test(size=size) as pilot:
        screen = await open_reports(app, pilot)
        options = screen.query_one("#report-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("time-sheet")
        await pilot.pause()
        assert screen.query_one("#from", Input).value  # the report's default period
        screen.query_one("#from", Input).value = "11/1/2026"
        screen.query_one("#to", Input).value = "11/7/2026"
        await run(app, pilot)
        assert "Time sheet · 11/01/2026 – 11/07/2026" in status(screen)
        (table,) = screen.query(DataTable)
        cells = [[str(c).strip() for c in table.get_row_at(r)] for r in range(table.row_count)]
        assert ["11/01/2026", "Rita Gomez", "7.50", "0.00"] in cells
        assert_fits(screen)
        await pilot.press("alt+c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SmallForm)
        default = dialog.query_one("#f-path", Input)
        assert default.value.endswith("time-sheet-11-01-2026-11-07-2026.csv")
        default.value = str(tmp_path / "week.csv")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen and f"saved to {tmp_path / 'week.csv'}" in status(screen)
        rows = list(csv.reader((tmp_path / "week.csv").read_text(encoding="utf-8-sig").splitlines()))
        assert ["2026-11-01", "Rita Gomez", "7.50", "0.00"] in rows


async def test_a_backwards_period_is_refused_on_the_screen(app, as_admin):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        screen.query_one("#report-list", OptionList).highlighted = 0
        await pilot.pause()
        screen.query_one("#from", Input).value = "11/20/2026"
        screen.query_one("#to", Input).value = "11/10/2026"
        await run(app, pilot)
        assert "is after To" in status(screen)
        screen.query_one("#to", Input).value = "11/30/2026"
        await run(app, pilot)
        await pilot.press("alt+p")
        await pilot.pause()
        app.screen.query_one("#f-path", Input).value = "  "
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SmallForm)  # refused, said under the field
        assert "Give the PDF file to write." in str(app.screen.query_one("#err-path", Static).render())


async def test_a_total_row_s_figures_stand_under_the_figures_above_them(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(app, pilot)
        options = screen.query_one("#report-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("sales")
        await pilot.pause()
        await run(app, pilot)
        table = screen.query(DataTable).first()
        last = table.row_count - 1
        for column in range(1, len(table.columns)):  # the figures: right-aligned, the total too
            assert table.get_cell_at((0, column)).justify == table.get_cell_at((last, column)).justify == "right"
        assert table.get_cell_at((last, 1)).style == "bold" or "bold" in str(table.get_cell_at((last, 1)).spans)
