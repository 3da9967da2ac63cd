"""A 60-column terminal: the hub bar names every hub's key, and Home's stage
table breaks no stage name inside a word."""
import pytest
from rich.console import Console
from rich.text import Text

from spectra_tui.screens import keymap
from spectra_tui.screens.base import HubBar
from spectra_tui.screens.home import StageTable
from spectra_tui.screens.hubs import HUBS

from .layout import screen_lines


@pytest.mark.parametrize("width", [120, 80, 60, 44])
@pytest.mark.parametrize("current", [hub.id for hub in HUBS])
def test_the_hub_bar_shows_every_hub_key_at_any_width(current, width):
    row = Text.from_markup(HubBar(current).row(width)).plain
    assert len(row) <= width
    for hub in HUBS:
        assert keymap.key(hub.action_id) in row.split(), (current, width, row)
    title = next(hub for hub in HUBS if hub.id == current)
    assert title.short in row or title.title in row


def test_the_hub_bar_keeps_the_full_titles_where_they_fit():
    assert "F3 Workflow" in Text.from_markup(HubBar("home").row(130)).plain
    assert "F3 Flow" in Text.from_markup(HubBar("home").row(100)).plain  # eleven hubs since F8, F9, F11
    narrow = Text.from_markup(HubBar("home").row(80)).plain  # names from F1 on while they fit
    assert "F5 Clients" in narrow and "F12 Prod" not in narrow and narrow.endswith("F11 F12")
    assert "F12 Prod" in Text.from_markup(HubBar("production").row(80)).plain  # the open hub always named


async def test_at_60_columns_the_hub_bar_and_home_show_every_hub_and_whole_words(app):
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert all(key in lines[1].split() for key in ("F1", "F2", "F3", "F4", "F5", "F6", "F7")), lines[1]
        stage_text = "\n".join(lines)
        assert "Presentation" in stage_text and "Presentati\n" not in stage_text


@pytest.mark.parametrize("width", [118, 78, 58, 40])
def test_the_stage_table_never_breaks_a_word(width):
    statuses = ["Session Pending", "Capture Images Pending", "Sales Presentation Pending", "Order Pending",
                "In Production"]
    table = StageTable([(status, Text("3 · 2d")) for status in statuses])
    console = Console(width=width, record=True)
    console.print(table)
    words = console.export_text().split()
    for status in statuses:
        for word in status.split():
            assert word in words, (width, word)
