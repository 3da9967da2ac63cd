"""Studio Settings (F10): the owner changes the tax rate and the hours with
the keyboard and saves with Ctrl+W; a mistake shows under its field with
nothing lost; the front desk is told only a manager or the owner saves; Escape with
changes asks first. Snapshots at 120x40 and 80x24."""
import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import Input

from spectra_tui.data import booking, settings
from spectra_tui.screens.dialogs import ConfirmDialog
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.studio_settings import StudioSettingsScreen

from .layout import SIZE_IDS, SIZES, assert_fits


async def replace(pilot, field: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#s-{field}", Input)
    pilot.app.screen.set_focus(box)
    await pilot.press("home", "shift+end", "backspace", *text)


async def test_an_admin_changes_the_tax_and_the_hours(as_admin, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, StudioSettingsScreen)
        await replace(pilot, "tax_percent", "7.25")
        await replace(pilot, "hours_6", "11-15")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)
    assert settings.tax_rate() == Decimal("0.0725")
    assert booking.studio_hours()[6] == (dt.time(11), dt.time(15))


async def test_a_mistake_shows_at_its_field_and_nothing_is_lost(as_admin, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        await replace(pilot, "tax_percent", "6")
        await replace(pilot, "hours_2", "18-9")
        await pilot.press("ctrl+w")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudioSettingsScreen)
        assert "Wednesday the studio must open before it closes" in str(screen.query_one("#err-hours_2").render())
        assert app.focused is screen.query_one("#s-hours_2")
        assert screen.query_one("#s-tax_percent", Input).value == "6"
        assert settings.tax_rate() == Decimal("0.0825")
        await pilot.press("home", "shift+end", "backspace", *"9-18", "ctrl+w")
        await pilot.pause()
        assert settings.tax_rate() == Decimal("0.06")


async def test_the_front_desk_is_told_only_a_manager_or_the_owner_saves(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        await replace(pilot, "tax_percent", "5")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, StudioSettingsScreen)
        head = str(app.screen.query_one("#settings-head").render())
        assert "Only a manager or the owner may change the studio's settings; Rita Gomez is signed in" in head
        assert any("Only a manager or the owner may" in str(n.message) for n in app._notifications)
        assert settings.tax_rate() == Decimal("0.0825")
        await pilot.press("escape")  # changes typed: it asks before leaving
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_studio_settings_snapshot(snap_compare, as_admin, make_app, size):
    async def run_before(pilot):
        await pilot.press("f10")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


async def test_the_address_is_typed_on_several_lines_and_staff_is_a_key_away(as_admin, make_app):
    from textual.widgets import TextArea

    from spectra_tui.screens.staff import StaffScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        screen.set_focus(screen.query_one("#s-studio_address", TextArea))
        await pilot.press(*"12 Elm St", "enter", *"Austin")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)
        assert settings.get("studio_address") == "12 Elm St\nAustin"
        await pilot.press("f10")
        await pilot.pause()
        assert app.screen.query_one("#s-studio_address", TextArea).text == "12 Elm St\nAustin"
        await pilot.press("ctrl+f9")  # the staff's accounts, from the settings
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)


async def test_the_documents_logo_and_folder_are_typed_here(as_admin, make_app, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), "white").save(logo)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        await replace(pilot, "studio_logo", str(tmp_path / "nothing.png"))
        await replace(pilot, "documents_folder", str(tmp_path / "pdf"))
        await pilot.press("ctrl+w")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudioSettingsScreen)  # refused, at its field
        assert "There is no image file" in str(screen.query_one("#err-studio_logo").render())
        assert app.focused is screen.query_one("#s-studio_logo")
        await replace(pilot, "studio_logo", str(logo))
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)
    assert (settings.get("studio_logo"), settings.get("documents_folder")) == (str(logo), str(tmp_path / "pdf"))
