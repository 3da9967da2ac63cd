"""Pictures that cannot be read never close the app: a truncated capture from
libgphoto2's virtual camera, and truncated, empty (0 bytes) and non-picture
files in the capture pane, its strip, the presentation and the import dialog
each show "Image N cannot be shown: why" and the app goes on."""
import io
import os

import pytest
from PIL import Image
from textual.widgets import Input, Static

from spectra_tui.capture import FakeCamera
from spectra_tui.data import images as image_data
from spectra_tui.data.models import Session
from spectra_tui.screens.capture_pane import CaptureScreen, ShotStrip
from spectra_tui.screens.dialogs import ConfirmDialog
from spectra_tui.screens.import_images import ImportImagesDialog
from spectra_tui.screens.presentation import PresentationScreen

from .test_workflow import at_status, images_of, open_capture, open_workflow, text_of, wait_for

SIZE = (120, 40)


def noisy_jpeg(seed: int = 1, size=(480, 360)) -> bytes:
    """A JPEG whose second half really holds picture data (cut, it is truncated)."""
    image = Image.effect_noise(size, 40 + seed).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    data = noisy_jpeg(2)
    return data[: len(data) // 2]


BAD_FILES = {
    "truncated": (truncated_jpeg(), "the file is cut short (truncated)"),
    "zero-byte": (b"", "the file is empty (0 bytes)"),
    "not a picture": (b"Order notes: 2 x 8x10 of image 3\n", "the file is not a picture"),
}


@pytest.fixture
def image_root(tmp_path, monkeypatch):
    root = tmp_path / "images"
    monkeypatch.setenv("SPECTRA_IMAGE_ROOT", str(root))
    return root


def with_a_bad_second_image(session: Session, data: bytes) -> None:
    """Image 1 fine, image 2 the bad file (no preview could be made: the original is what is shown)."""
    store = image_data.session_store(session)
    store.add_bytes(noisy_jpeg(1), "IMG_0001.JPG")
    store.add_bytes(data, "IMG_0002.JPG")
    assert [image.number for image in images_of(session)] == [1, 2]


def unplugged_camera() -> FakeCamera:
    camera = FakeCamera()
    camera.unplug()
    return camera


def strip_slot_text(screen) -> list[str]:
    strip = screen.query_one(ShotStrip)
    return [str(slot.query_one(".shot-raw", Static).render()) for slot in strip.query(".shot.-used")]


# ---------------------------------------------------------------- the capture pane and its strip


@pytest.mark.parametrize("kind", list(BAD_FILES))
async def test_capture_pane_and_strip_show_a_placeholder_for_a_bad_image(app, image_root, kind):
    data, why = BAD_FILES[kind]
    session = at_status("Capture Images Pending")[0]
    with_a_bad_second_image(session, data)
    app.camera_connector = unplugged_camera().connect
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2):  # open, close, reopen: the bad image is the last one both times
            screen = await open_capture(pilot, session)
            await pilot.pause(0.1)
            assert text_of(screen, "#cap-empty") == f"Image 2 cannot be shown: {why}."
            assert screen.query_one("#cap-preview").has_class("-hidden")
            assert strip_slot_text(screen)[1] == "cannot be shown"
            assert screen.query_one(ShotStrip).query(".shot.-used").last().query_one(".shot-raw").tooltip == (
                f"Image 2 cannot be shown: {why}.")
            await pilot.press("left")  # nothing bound: the app is still there
            screen.action_close()
            await pilot.pause()
        assert app.is_running


def _vusb_drivers():
    pytest.importorskip("gphoto2")  # sets IOLIBS to its bundled drivers
    vusb = os.environ.get("IOLIBS", "").replace("iolibs", "vusb")
    return vusb if os.path.isdir(vusb) else None


@pytest.fixture
def truncated_virtual_camera(tmp_path, monkeypatch):
    """libgphoto2's virtual camera whose card holds a truncated JPEG."""
    vusb = _vusb_drivers()
    if vusb is None:
        pytest.skip("this gphoto2 build has no virtual camera (vusb)")
    card = tmp_path / "vcam"
    card.mkdir()
    (card / "cut-short.jpg").write_bytes(truncated_jpeg())
    monkeypatch.setenv("VCAMERADIR", str(card))
    monkeypatch.setenv("IOLIBS", vusb)
    monkeypatch.delenv("SPECTRA_CAMERA_PORT", raising=False)
    return card


async def test_a_truncated_capture_from_the_virtual_camera_shows_a_placeholder(app, image_root,
                                                                                truncated_virtual_camera):
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        await wait_for(pilot, lambda: screen.last_status is not None and screen.last_status.connected,
                       timeout=20, what="the virtual camera")
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.new_images == 1, timeout=20, what="the capture")
        await pilot.pause(0.1)
        assert text_of(screen, "#cap-empty") == "Image 1 cannot be shown: the file is cut short (truncated)."
        assert "size unknown" in text_of(screen, "#cap-image-info")  # a JPEG, not a RAW file
        assert strip_slot_text(screen) == ["cannot be shown"]
        screen.action_close()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # advance the session? not now
        app.screen.dismiss(False)
        await pilot.pause()
        screen = await open_capture(pilot, session)  # reopening shows the same placeholder
        await pilot.pause(0.1)
        assert "Image 1 cannot be shown" in text_of(screen, "#cap-empty")
        screen.action_close()
        await pilot.pause()
        assert app.is_running
    assert [(row.number, row.source) for row in images_of(session)] == [(1, "capture")]  # the shot is kept


# ---------------------------------------------------------------- the presentation


@pytest.mark.parametrize("kind", list(BAD_FILES))
async def test_presentation_shows_a_placeholder_and_moves_on(app, image_root, monkeypatch, kind):
    data, why = BAD_FILES[kind]
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    session = at_status("Sales Presentation Pending")[0]
    with_a_bad_second_image(session, data)
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot, "3")
        hub.table.move_cursor(row=[s.id for s in hub.table.loaded_rows].index(session.id))
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PresentationScreen)
        assert text_of(screen, "#pres-missing") == ""
        await pilot.press("right")
        await pilot.pause()
        assert str(screen.query_one("#pres-number").value) == "2"
        assert text_of(screen, "#pres-missing") == f"Image 2 cannot be shown: {why}."
        await pilot.press("right")  # round to image 1, which shows again
        await pilot.pause()
        assert str(screen.query_one("#pres-number").value) == "1"
        assert text_of(screen, "#pres-missing") == ""
        assert screen.query_one("#pres-image").image is not None


async def test_a_zero_byte_preview_is_a_placeholder_in_the_presentation(app, image_root, monkeypatch):
    """The issue's case: the original is fine, its preview file was left empty."""
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    session = at_status("Sales Presentation Pending")[0]
    store = image_data.session_store(session)
    store.add_bytes(noisy_jpeg(1), "IMG_0001.JPG")
    store.preview_path(1).write_bytes(b"")
    async with app.run_test(size=SIZE) as pilot:
        screen = PresentationScreen(session, image_data.session_image_files(session))
        app.push_screen(screen)
        await pilot.pause()
        assert text_of(screen, "#pres-missing") == "Image 1 cannot be shown: the file is empty (0 bytes)."
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


# ---------------------------------------------------------------- the import dialog


async def test_importing_bad_files_lists_them_and_the_capture_pane_goes_on(app, image_root, tmp_path):
    card = tmp_path / "card" / "DCIM" / "100CANON"
    card.mkdir(parents=True)
    (card / "IMG_0001.JPG").write_bytes(noisy_jpeg(1))
    for number, (data, _) in enumerate(BAD_FILES.values(), start=2):
        (card / f"IMG_000{number}.JPG").write_bytes(data)
    session = at_status("Capture Images Pending")[0]
    app.camera_connector = unplugged_camera().connect
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        assert isinstance(screen, CaptureScreen)
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportImagesDialog)
        dialog.import_workers = 1
        dialog.query_one("#imp-path", Input).value = str(tmp_path / "card")
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.phase == "done", timeout=60, what="import")
        failed = text_of(dialog, "#imp-failed-list")
        assert all(f"IMG_000{number}.JPG" in failed for number in (2, 3, 4))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.pause(0.1)
        assert [shot.number for shot in screen.query_one(ShotStrip).shots] == [1]
        assert screen.query_one("#cap-empty").has_class("-hidden")  # image 1 is drawn
        assert screen.query_one("#cap-preview").image is not None
        assert app.is_running
