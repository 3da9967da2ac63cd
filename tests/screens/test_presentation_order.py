"""The presentation's Order Info: its Image # is the image on screen and
follows the presentation (and is checked against the session's images), an
order is recorded as the Initial Order then a Re-Order; with a
display but no viewer, the fallback names the viewers that would give fullscreen."""
import pytest
from textual.widgets import DataTable, Input

from spectra_tui.data import images as image_data
from spectra_tui.data.models import Invoice, InvoiceLine
from spectra_tui.screens.dialogs import ConfirmDialog
from spectra_tui.screens.invoices import InvoiceRecord
from spectra_tui.screens.money import DepositOfferDialog, PaymentDialog
from spectra_tui.screens.order_info import OrderInfoScreen, PiecesDialog
from spectra_tui.capture.viewer import PLAIN_VIEWERS
from spectra_tui.screens.presentation import PresentationScreen

from .test_workflow import at_status, jpeg_bytes, notified, open_workflow, text_of, wait_for

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


async def add(pilot, screen: OrderInfoScreen, code: str) -> None:
    """Enter on the price list's row of ``code``."""
    table = screen.query_one("#order-prices", DataTable)
    table.focus()
    table.move_cursor(row=[item.code for item in screen.items].index(code))
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_order_info_takes_the_image_on_screen_and_follows_the_presentation(app, presented):
    invoices_before = Invoice.select().count()
    async with app.run_test(size=SIZE) as pilot:
        presentation = await present(pilot, presented)
        await pilot.press("right", "right", "o")  # image 3 on screen
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OrderInfoScreen) and screen.order.kind == "Initial Order"
        assert screen.query_one("#order-image", Input).value == "3"
        await add(pilot, screen, "P8X10")
        await add(pilot, screen, "P8X10")  # the same item for the same image: one entry, 2 of it
        await pilot.press("right_square_bracket")  # the presentation moves on, the order stays
        await wait_for(pilot, lambda: screen.query_one("#order-image", Input).value == "4", what="Image # to follow")
        assert app.screen is screen and presentation.current.number == 4
        await add(pilot, screen, "P5X7")
        assert [(e.item.code, e.image_number, e.quantity) for e in screen.order.entries] == [
            ("P8X10", 3, 2), ("P5X7", 4, 1)]
        assert "Tax $9.49 · Total $124.49" in text_of(screen, "#order-totals")  # 115.00 + 8.25%
        await pilot.press("escape")  # a half-built order: asked first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and len(screen.order.entries) == 2  # kept, nothing lost
        await pilot.press("escape", "y")
        await pilot.pause()
        assert app.screen is presentation
    assert Invoice.select().count() == invoices_before  # nothing was recorded


async def test_an_image_the_session_does_not_have_is_refused(app, presented):
    async with app.run_test(size=SIZE) as pilot:
        await present(pilot, presented)
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        await pilot.press("i", *"99", "enter")  # typed fast: they replace the Image # (1)
        await pilot.pause()
        assert screen.query_one("#order-image", Input).value == "99"
        await add(pilot, screen, "P8X10")
        assert notified(app, f"Session {presented.number} has no image 99.") and screen.order.entries == []


async def test_recording_a_package_opens_its_invoice_with_the_payment_then_a_re_order(app, presented):
    async with app.run_test(size=SIZE) as pilot:
        presentation = await present(pilot, presented)
        await pilot.press("right", "o")  # image 2
        await pilot.pause()
        screen = app.screen
        await add(pilot, screen, "PKGB")
        lines = screen.query_one("#order-lines", DataTable)
        lines.focus()
        await pilot.press("p")  # the image of each piece
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PiecesDialog) and len(dialog.FIELDS) == 7
        dialog.query_one("#f-piece1", Input).value = "4"  # a 5x7 from image 4: one pose past the first
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is screen and "+1 pose" in str(lines.get_row_at(0)[2])
        await pilot.press("ctrl+w")  # record
        await pilot.pause()
        await pilot.pause()
        record = next(s for s in app.screen_stack if isinstance(s, InvoiceRecord))
        invoice = record.invoice
        assert invoice.kind == "Initial Order" and invoice.session_id == presented.id
        rows = [(line.description, line.image_number, line.unit_price_cents)
                for line in InvoiceLine.select().where(InvoiceLine.invoice == invoice).order_by(InvoiceLine.position)]
        assert rows[0] == ("Bronze package", None, 29900) and rows[-1] == ("Additional pose (Bronze package)", 4, 1500)
        assert isinstance(app.screen, (PaymentDialog, DepositOfferDialog))  # offered at once
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is record
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is presentation  # Order Info closed with the recording
        await pilot.press("o")
        await pilot.pause()
        assert app.screen.order.kind == "Re-Order"  # the session has its Initial Order now


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
