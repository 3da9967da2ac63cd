"""The report chart widget (screens/report_chart.py): the demo studio's sales by
month and by session type drawn as bars that fit 80 columns, each label with
its exact figure, the longest bar the largest figure; redrawn wider at 120."""

import datetime as dt

import pytest

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList

from spectra_tui.data import report_sales
from spectra_tui.data.money import format_money
from spectra_tui.data.reports import Chart
from spectra_tui.screens.report_chart import FULL, ReportChart, bar, chart_lines
from spectra_tui.screens.reports import ReportsScreen

from .conftest import FIXED_DAY
from .layout import assert_fits, screen_lines


def sales_charts() -> list[Chart]:
    return report_sales.build(FIXED_DAY - dt.timedelta(days=364), FIXED_DAY).charts


class ChartsScreen(Screen):
    def __init__(self, charts: list[Chart]) -> None:
        super().__init__()
        self.charts = charts

    def compose(self) -> ComposeResult:
        for chart in self.charts:
            yield ReportChart(chart)


def bar_cells(line: str) -> int:
    return sum(1 for ch in line if ch in FULL + "▏▎▍▌▋▊▉▒")


async def test_the_sales_charts_fit_80_columns_with_their_exact_figures(make_app):
    charts = sales_charts()
    assert [chart.title for chart in charts] == ["Sales by month (before tax)", "Sales by session type (before tax)"]
    by_month = charts[0]
    assert len(by_month.labels) >= 6 and all(value > 0 for value in by_month.values)
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:
        await app.push_screen(ChartsScreen(charts))
        await pilot.pause()
        assert_fits(app.screen)
        lines = [line.rstrip() for line in screen_lines(app)]
        assert all(len(line) <= 80 for line in lines)
        for chart in charts:
            title = lines.index(" " + chart.title)
            rows = lines[title + 1 : title + 1 + len(chart.labels)]
            for label, value, row in zip(chart.labels, chart.values, rows, strict=True):
                assert row.split()[0] == label.split()[0] and row.endswith(format_money(value))
            largest = max(range(len(chart.values)), key=lambda i: chart.values[i])
            assert bar_cells(rows[largest]) == max(bar_cells(row) for row in rows) >= 40
        widths_80 = [bar_cells(line) for line in lines]
    async with make_app().run_test(size=(120, 40)) as pilot:
        await pilot.app.push_screen(ChartsScreen(charts))
        await pilot.pause()
        widths_120 = [bar_cells(line) for line in screen_lines(pilot.app)]
    assert max(widths_120) > max(widths_80) + 30


def test_bars_in_eighths_of_a_cell():
    assert bar(100, 100, 10) == FULL * 10
    assert bar(55, 100, 10) == FULL * 5 + "▌"  # 5.5 cells
    assert bar(1, 100_000, 10) == "▏"  # anything but nothing shows
    assert bar(0, 100, 10) == ""
    assert bar(-50, 100, 10) == "▒" * 5  # a credit
    lines = chart_lines("Mixed", ["A label far too long for the chart", "none"], [123456, 0], 40, money=True)
    assert lines == ["Mixed", "A label far too l… " + FULL * 11 + " $1,234.56", "none" + " " * 27 + "    $0.00"]
    assert all(len(line) == 40 for line in lines[1:])


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_reports_screen_shows_the_sales_charts_under_the_tables(app, size):
    async with app.run_test(size=size) as pilot:
        await pilot.press("f2", "r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        options = screen.query_one("#report-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("sales")
        await pilot.pause()
        screen.query_one("#from", Input).value = "6/1/2026"
        screen.query_one("#to", Input).value = "11/26/2026"
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        body = list(screen.query_one("#report-body").children)
        charts = [widget for widget in body if isinstance(widget, ReportChart)]
        assert [chart.chart.title for chart in charts] == [
            "Sales by month (before tax)",
            "Sales by session type (before tax)",
        ]
        tables = [index for index, widget in enumerate(body) if isinstance(widget, DataTable)]
        assert len(tables) == 4 and body.index(charts[0]) > tables[-1]  # under the tables, not instead
        for _ in range(10):  # the keyboard reaches the charts: Tab through the tables to them
            await pilot.press("tab")
            if app.focused is charts[0]:
                break
        assert app.focused is charts[0]
        await pilot.pause()
        assert_fits(screen)
        lines = screen_lines(app)
        assert any(line.strip().startswith("Jun 2026 █") for line in lines)
        assert all(len(line.rstrip()) <= size[0] for line in lines)
