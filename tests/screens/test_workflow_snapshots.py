"""Snapshots of the Workflow hub's stages, Check In, the capture screen (a
FakeCamera: connected after a shot, and unplugged), the Import Images result
and the presentation, at 120x40 and 80x24. Deterministic: the demo studio
(seed 1, today fixed), the clock frozen, the camera and its pictures fake.
Each is also checked for nothing cut off."""
import datetime as dt
import io
import time
from pathlib import Path

import pytest
from PIL import Image
from textual.widgets import Input

from spectra_tui.capture import FakeCamera, ImportedImage, ImportProgress, ImportResult
from spectra_tui.data import images as image_data
from spectra_tui.data.models import Session
from spectra_tui.screens.capture_pane import CaptureScreen
from spectra_tui.screens.import_images import ImportImagesDialog
from spectra_tui.screens.presentation import PresentationScreen

from .layout import SIZE_IDS, SIZES, assert_fits



async def settle(pilot, condition, timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not condition():
        await pilot.pause(0.03)
    assert condition()
    await pilot.pause(0.1)


def first_at(status: str) -> Session:
    return Session.select().where(Session.status == status).order_by(Session.start, Session.id).first()


def jpeg(seed: int) -> bytes:
    image = Image.linear_gradient("L").resize((240, 160)).convert("RGB")
    image = Image.blend(image, Image.new("RGB", (240, 160), (seed * 70 % 256, 90, 160)), 0.5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def image_root(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTRA_IMAGE_ROOT", str(tmp_path / "images"))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return tmp_path / "images"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("stage", ["1", "2", "3"], ids=["check-in", "capture", "present"])
def test_workflow_stage(snap_compare, app, size, stage):
    async def run_before(pilot):
        await pilot.press("f3", stage)
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_check_in_dialog(snap_compare, app, size):
    async def run_before(pilot):
        await pilot.press("f3", "enter")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_capture_screen_after_a_shot(snap_compare, app, image_root, size):
    camera = FakeCamera("Fake EOS R6", battery_level="80%", shots_left=500)
    app.camera_connector = camera.connect

    async def run_before(pilot):
        pilot.app.push_screen(CaptureScreen(first_at("Capture Images Pending")))
        await pilot.pause()
        screen = pilot.app.screen
        await settle(pilot, lambda: screen.query_one("#cap-aperture").value == "f/8")
        await pilot.press("space")
        await settle(pilot, lambda: "499 shots left" in str(screen.query_one("#cap-status").render()))
        assert_fits(screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_capture_screen_camera_unplugged(snap_compare, app, image_root, size):
    camera = FakeCamera("Fake EOS R6")
    camera.unplug()
    app.camera_connector = camera.connect
    app.camera_retry_delays = (600.0,)

    async def run_before(pilot):
        pilot.app.push_screen(CaptureScreen(first_at("Capture Images Pending")))
        await pilot.pause()
        screen = pilot.app.screen
        await settle(pilot, lambda: screen.last_status is not None)
        assert_fits(screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_import_result_with_a_corrupt_file(snap_compare, app, image_root, size, monkeypatch):
    """The end of an import (timings fixed): the summary, the corrupt file, the offer to advance."""
    import spectra_tui.capture as capture

    import spectra_tui.screens.import_images as import_screen

    session = first_at("Capture Images Pending")
    card = "/media/rita/EOS_DIGITAL"  # shown in the dialog: the same on every run
    monkeypatch.setattr(import_screen, "folder_problem", lambda text: None)

    def fixed_import(source, store, progress=None, cancel=None, workers=None):
        imported = [ImportedImage(str(session.number), n, f"IMG_000{n}.JPG", f"000{n}.jpg", f"{n}" * 64, 240, 160,
                                  1000, dt.datetime(2026, 11, 26, 10, 30), Path(f"originals/000{n}.jpg"),
                                  Path(f"previews/000{n}.jpg"), Path(f"thumbs/000{n}.jpg"))
                    for n in (1, 2, 3)]
        progress(ImportProgress(4, 4, 4000, 4000, 2.0, 2.0, 0.0, "IMG_0004.JPG"))
        return ImportResult(source=Path(source), imported=imported, failed=[
            capture.FailedFile(Path(source) / "IMG_0004.JPG",
                               "the JPG picture is damaged or incomplete (Truncated File Read)")])

    monkeypatch.setattr(capture, "import_folder", fixed_import)

    async def run_before(pilot):
        dialog = ImportImagesDialog(session)
        pilot.app.push_screen(dialog)
        await pilot.pause()
        dialog.query_one("#imp-path", Input).value = card
        await pilot.press("enter")
        await settle(pilot, lambda: dialog.phase == "done")
        assert_fits(dialog)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_presentation(snap_compare, app, image_root, size):
    session = first_at("Sales Presentation Pending")
    store = image_data.session_store(session)
    for seed in (1, 2, 3):
        store.add_bytes(jpeg(seed), f"IMG_000{seed}.JPG")

    async def run_before(pilot):
        pilot.app.push_screen(PresentationScreen(session, image_data.session_image_files(session)))
        await pilot.pause()
        await pilot.press("right")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
