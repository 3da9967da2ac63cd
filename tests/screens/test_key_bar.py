"""The key bar at the bottom of every screen: the keys of the screen and of
the focused widget, whole keys only, Save & Close / Keys / Commands always in
sight where they apply, a click presses the key."""
import pytest

from spectra_tui.data.models import Client
from spectra_tui.screens.base import KeyBar
from spectra_tui.screens.clients import ClientRecord, ClientSearchDialog

from .layout import SIZE_IDS, SIZES


def bar_text(app) -> str:
    bar = app.screen.query_one(KeyBar)
    return bar.render().plain


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_a_record_always_shows_save_close_keys_and_commands(app, size):
    async with app.run_test(size=size) as pilot:
        await app.push_screen(ClientRecord(Client.get_by_id(3)))
        await pilot.pause()
        text = bar_text(app)
        assert len(text) == size[0]
        for shown in ("Esc Close", "Ctrl+W Save & Close", "Ctrl+O Keys", "Ctrl+K Commands"):
            assert shown in text
        # The record's New keys that fit are whole: each shown key has its name.
        for key, name in (("alt+a", "Appointment"), ("alt+s", "Session"), ("alt+g", "Generic invoice")):
            if key in text:
                assert f"{key} {name}" in text


async def test_a_hub_has_no_save_close_and_lists_its_shortcuts(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        text = bar_text(app)
        assert "Save & Close" not in text
        assert "Ctrl+L Client Search" in text and "Ctrl+N New Client" in text and text.rstrip().endswith("Ctrl+K Commands")


async def test_the_keys_follow_the_focus(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()  # Home focuses its schedule after the first frame
        assert "Enter Open" in bar_text(app)  # the table's Enter
        await pilot.press("f5")
        await pilot.pause()
        assert "Enter Open" not in bar_text(app)  # the search field's Enter opens nothing


async def test_a_click_on_a_key_presses_it(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        text = bar_text(app)
        await pilot.click(KeyBar, offset=(text.index("Client Search"), 0))
        await pilot.pause()
        assert isinstance(app.screen, ClientSearchDialog)


async def test_ctrl_k_is_commands_even_in_a_plain_text_field(as_admin, app):
    """A plain Input binds Ctrl+K (delete to the right) too; the palette's
    priority binding wins when pressed, and the bar says so."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f10")  # the setup: its first step's fields are plain Inputs
        await pilot.pause()
        assert type(app.focused).__name__ == "Input"
        text = bar_text(app)
        assert "Ctrl+K Commands" in text and "Delete all" not in text
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"
