"""Text in the calendar is measured in terminal cells, not characters: a CJK
name takes two cells a character, is cut to fit its block, and never pushes
the columns to its right (issue 10 §7). Block text colours follow Textual's
contrast rule."""
import datetime as dt

import pytest
from rich.cells import cell_len
from textual.color import Color

from spectra_tui.data import clients, sessions
from spectra_tui.data.models import SessionType, User
from spectra_tui.screens.calendar import DAY, WEEK, CalendarHub, fit
from spectra_tui.screens.calendar.labels import contrast, fit_center, fit_left

from .conftest import FIXED_DAY

CJK_TITLE = "山田美咲 家族写真"  # 8 wide characters and a space: 17 cells


def test_fit_counts_cells_not_characters():
    assert cell_len(CJK_TITLE) == 17
    assert fit(CJK_TITLE, 17) == CJK_TITLE
    assert fit(CJK_TITLE, 10) == "山田美咲…"  # the space before the cut is dropped, as for Latin text
    assert fit("山田美咲", 6) == "山田…"  # a wide character across the edge is left out, not halved
    for width in range(25):
        assert cell_len(fit(CJK_TITLE, width)) <= width
        assert cell_len(fit_left(CJK_TITLE, width)) == width
        assert cell_len(fit_center(CJK_TITLE, width)) == width


def test_padding_of_latin_text_is_unchanged():
    for text in ("ab", "Ava Reyes", "Matthew Ramirez"):
        for width in range(1, 18):
            assert fit_left(text, width) == fit(text, width).ljust(width)
            assert fit_center(text, width) == fit(text, width).center(width)


def test_contrast_is_textuals():
    for color in ("#87afd7", "#d75f5f", "#5f87af", "#8a8a8a", "#202020", "#ffffff"):
        assert contrast(color) == Color.parse(color).get_contrast_text(alpha=1.0).hex
    assert contrast("not a colour") == "#000000"


def separators(strip) -> list[int]:
    """The cells at which the grid's column separators are drawn on one line."""
    found, x = [], 0
    for segment in strip:
        for char in segment.text:
            if char == "│":
                found.append(x)
            x += cell_len(char)
    return found


@pytest.mark.parametrize("view", [WEEK, DAY])
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_cjk_client_stays_inside_its_block(app, view, size):
    client = clients.save_client(None, {"first_name": "美咲子", "last_name": "山田", "phone_mobile": "(512) 555-0142"})
    ava = User.get(User.username == "ava")
    start = dt.datetime.combine(FIXED_DAY, dt.time(12, 0))
    sessions.create_session(client, ava, SessionType.get(SessionType.name == "Family"), start)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        hub = app.screen
        assert isinstance(hub, CalendarHub)
        while hub.view != view:
            await pilot.press("v")
        hub.show_booking(start, ava.id)
        await pilot.pause()
        grid = hub.grid
        expected = [x - 1 for _index, x, _width in grid.column_layout()]
        lines = range(2, min(grid.size.height, grid.used_lines()))
        drawn = ["".join(segment.text for segment in grid.render_line(y)) for y in lines]
        assert any("山田" in line for line in drawn)  # the booking is on screen
        for y in lines:
            strip = grid.render_line(y)
            assert strip.cell_length == grid.size.width
            assert separators(strip) == expected, f"line {y}"
