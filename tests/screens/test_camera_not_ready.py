"""The camera not ready: the capture pane's status line and r (FakeCamera),
and the same with libgphoto2's virtual camera on an empty folder, in a
process of its own (vcam_not_ready_pilot.py)."""

from spectra_tui.capture import CameraNotReady, FakeCamera

from capture.isolated import run_pytest_alone
from .test_workflow import at_status, open_capture, text_of, wait_for

SIZE = (120, 40)


def test_the_capture_pane_with_an_empty_virtual_camera():
    run_pytest_alone("tests/screens/vcam_not_ready_pilot.py")


async def test_r_on_a_camera_not_ready_connects_afresh(app, tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTRA_IMAGE_ROOT", str(tmp_path / "images"))
    camera = FakeCamera("Fake EOS R6")
    app.camera_connector = camera.connect
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        await wait_for(pilot, lambda: "● Fake EOS R6" in text_of(screen, "#cap-status"), what="camera")
        camera.fail_next("capture", CameraNotReady("Check the camera."))
        await pilot.press("space")
        await wait_for(pilot, lambda: "not ready" in text_of(screen, "#cap-status"), what="not ready")
        connections = camera.connections
        await pilot.press("r")
        await wait_for(pilot, lambda: camera.connections == connections + 1, what="a fresh connection")
        await wait_for(pilot, lambda: "● Fake EOS R6" in text_of(screen, "#cap-status"), what="ready again")
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.new_images == 1, what="a picture")
