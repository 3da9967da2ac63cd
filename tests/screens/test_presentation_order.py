"""The presentation's Order Info carries the image on screen into the invoice
line's Image # (and Image # is checked against the session's images); with a
display but no viewer, the fallback names the viewers that would give fullscreen."""
import pytest
from textual.widgets import Input, Static

from spectra_tui.data import images as image_data
from spectra_tui.data.models import InvoiceLine
from spectra_tui.screens.invoices import InvoiceRecord
from spectra_tui.screens.invoices.line_dialog import LineDialog
from spectra_tui.capture.viewer import PLAIN_VIEWERS
from spectra_tui.screens.presentation import PresentationScreen

from .test_workflow import at_status, jpeg_bytes, notified, open_workflow

SIZE = (120, 40)


@pytest.fixture
def presented(tmp_path, monkeypatch):
    """A session at Sales Presentation Pending with images 1-4."""
    monkeypatch.setenv("SPECTRA_IMAGE_ROOT", str(tmp_path / "images"))
    session = at_status("Sales Presentation Pending")[0]
    store = image_data.session_store(session)
    for seed in (1, 2, 3, 4):
        store.add_bytes(jpeg_bytes(seed), f"IMG_000{seed}.JPG")
    return session


async def present(pilot, session, key: str = "v") -> PresentationScreen:
    hub = await open_workflow(pilot, "3")
    hub.table.move_cursor(row=[s.id for s in hub.table.loaded_rows].index(session.id))
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PresentationScreen)
    return screen


async def test_order_info_puts_the_image_on_screen_into_the_new_line(app, presented):
    async with app.run_test(size=SIZE) as pilot:
        await present(pilot, presented)
        await pilot.press("right", "right", "o")  # image 3 on screen
        await pilot.pause()
        record = app.screen
        assert isinstance(record, InvoiceRecord)
        assert notified(app, "Image 3 was on screen")
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LineDialog)
        assert dialog.query_one("#image", Input).value == "3"
        dialog.query_one("#code", Input).value = "P8X10"
        await pilot.press("enter")  # the code is looked up
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
        assert [line.image_number for line in InvoiceLine.select().where(InvoiceLine.invoice == record.invoice)] == [3]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("right", "o", "enter")  # image 4; Order Info again opens the open invoice
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord) and app.screen.invoice.id == record.invoice.id
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one("#image", Input).value == "4"


async def test_image_number_the_session_does_not_have_is_refused_in_the_line_dialog(app, presented):
    async with app.run_test(size=SIZE) as pilot:
        await present(pilot, presented)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#code", Input).value = "P8X10"
        await pilot.press("enter")
        await pilot.pause()
        dialog.query_one("#image", Input).value = "99"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        error = str(dialog.query_one("#error", Static).render())
        assert error == f"Session {presented.number} has no image 99: its images are 1–4."
        assert app.focused is dialog.query_one("#image", Input)


async def test_a_display_without_a_viewer_names_the_viewers_and_what_to_install(
        app, presented, tmp_path, monkeypatch):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    monkeypatch.setenv("DISPLAY", ":0")
    async with app.run_test(size=SIZE) as pilot:
        await present(pilot, presented, "p")
        message = next(n.message for n in app._notifications if "viewer" in n.message)
        assert type(app.screen) is PresentationScreen
        assert "No image viewer is installed" in message and "The presentation is in the terminal" in message
        assert all(program in message for program in ("mpv", "imv", *(name for name, _ in PLAIN_VIEWERS)))
        assert "sudo apt install mpv" in message


async def test_no_display_and_in_the_terminal_on_purpose_say_nothing_about_viewers(app, presented, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    async with app.run_test(size=SIZE) as pilot:
        await present(pilot, presented, "p")
        assert not notified(app, "viewer")
        await pilot.press("escape")
        await pilot.pause()
        monkeypatch.setenv("DISPLAY", ":0")
        monkeypatch.setenv("PATH", "/nonexistent")
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, PresentationScreen)
        assert not notified(app, "viewer")


async def test_the_presentation_shows_the_images_as_prepared(app, presented, monkeypatch):
    """Image 3 moved first, image 2 hidden (data/prepare.py): the show is 3, 1, 4."""
    from spectra_tui.data import prepare
    from spectra_tui.data.models import SessionImage

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    shots = {image.number: image for image in SessionImage.select().where(SessionImage.session == presented.id)}
    prepare.move_to(presented, shots[3], 1)
    prepare.set_hidden(presented, shots[2], True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await present(pilot, presented)
        assert [image.number for image in screen.images] == [3, 1, 4]
