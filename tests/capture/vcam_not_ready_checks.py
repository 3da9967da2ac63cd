"""libgphoto2's virtual camera on an empty folder, or one gone after connecting:
CameraNotReady with what to check, and the tether shows it as not ready.
Run in a process of its own by test_camera_not_ready.py."""
import shutil
import time

import pytest

from spectra_tui.capture import CameraNotReady, GPhotoCamera, TetherSession

from .conftest import _vusb_drivers, make_jpeg


@pytest.fixture
def card(tmp_path, monkeypatch):
    """The virtual camera on an empty folder."""
    vusb = _vusb_drivers()
    if vusb is None:
        pytest.skip("this gphoto2 build has no virtual camera (vusb)")
    folder = tmp_path / "vcam"
    folder.mkdir()
    monkeypatch.setenv("VCAMERADIR", str(folder))
    monkeypatch.setenv("IOLIBS", vusb)
    return folder


def test_an_empty_virtual_camera_folder_says_to_put_a_jpeg_there(card):
    with GPhotoCamera.open() as camera:
        with pytest.raises(CameraNotReady) as caught:
            camera.capture()
    message = str(caught.value)
    assert "Unspecified error" not in message and "(-1)" not in message
    assert f"its folder {card} (VCAMERADIR) must exist and hold at least one JPEG" in message


def test_a_virtual_camera_folder_gone_after_connecting_is_not_ready(card):
    make_jpeg(card / "one.jpg", size=(64, 48))
    with GPhotoCamera.open() as camera:
        assert camera.capture().name.endswith(".JPG")
        shutil.rmtree(card)
        with pytest.raises(CameraNotReady, match="must exist and hold at least one JPEG"):
            camera.capture()


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_tether_shows_a_virtual_camera_with_no_pictures_as_not_ready(card, store):
    with TetherSession(GPhotoCamera.open, store) as tether:
        assert wait_until(lambda: tether.status.connected)
        assert tether.status.ready
        with pytest.raises(CameraNotReady):
            tether.capture().result(timeout=10)
        assert wait_until(lambda: not tether.status.ready)
        assert tether.status.connected
        assert "must exist and hold at least one JPEG" in tether.status.message
        assert tether.status.camera is not None and tether.status.camera.model == "Nikon DSC D750"
