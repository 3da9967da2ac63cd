"""The capture pane with libgphoto2's virtual camera on an empty folder: Space
gives what to check (not "Unspecified error (-1)") and the status line shows
the camera as not ready, not connected.

Run in a process of its own by test_camera_not_ready.py: after a failed
capture the virtual camera keeps state inside libgphoto2 that makes the other
virtual-camera tests of the same process fail.
"""
import pytest

from .test_unreadable_images import _vusb_drivers
from .test_workflow import at_status, notified, open_capture, text_of, wait_for

SIZE = (120, 40)


@pytest.fixture
def empty_virtual_camera(tmp_path, monkeypatch):
    vusb = _vusb_drivers()
    if vusb is None:
        pytest.skip("this gphoto2 build has no virtual camera (vusb)")
    folder = tmp_path / "vcam"
    folder.mkdir()
    monkeypatch.setenv("VCAMERADIR", str(folder))
    monkeypatch.setenv("IOLIBS", vusb)
    monkeypatch.delenv("SPECTRA_CAMERA_PORT", raising=False)
    monkeypatch.setenv("SPECTRA_IMAGE_ROOT", str(tmp_path / "images"))
    return folder


async def test_an_empty_virtual_camera_says_what_to_check_and_shows_not_ready(app, empty_virtual_camera):
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        await wait_for(pilot, lambda: "● Nikon DSC D750" in text_of(screen, "#cap-status"), timeout=20,
                       what="the virtual camera")
        assert not screen.query_one("#cap-status").has_class("-problem")
        await pilot.press("space")
        await wait_for(pilot, lambda: "not ready" in text_of(screen, "#cap-status"), timeout=20, what="not ready")
        status = text_of(screen, "#cap-status")
        assert status.startswith("○ Nikon DSC D750: not ready. The virtual test camera took no picture: ")
        assert f"its folder {empty_virtual_camera} (VCAMERADIR) must exist and hold at least one JPEG" in status
        assert screen.query_one("#cap-status").has_class("-problem")
        await wait_for(pilot, lambda: notified(app, "must exist and hold at least one JPEG"), what="notification")
        assert not notified(app, "Unspecified error") and not notified(app, "(-1)")
        assert screen.new_images == 0
