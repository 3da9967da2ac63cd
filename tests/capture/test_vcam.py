"""GPhotoCamera against libgphoto2's real virtual camera (a Nikon D750 over ptp2).

No hardware: the ``virtual_camera`` fixture points libgphoto2 at its vusb driver
and at a folder holding one JPEG made with Pillow.
"""

import hashlib
import os
import time

import pytest
from PIL import Image

from spectra_tui.capture import (
    CameraClaimed,
    CameraDisconnected,
    CameraSettingError,
    GPhotoCamera,
    NoCameraFound,
    TetherSession,
    capture_to_session,
    detect_cameras,
)
from spectra_tui.capture.gphoto import translated_errors

VCAM_MODEL = "Nikon DSC D750"


@pytest.fixture
def vcam(virtual_camera):
    camera = GPhotoCamera.open()
    yield camera
    camera.close()


def poll_for_files(camera, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = camera.poll_events(30)
        if files:
            return files
        time.sleep(0.01)
    return []


def test_detects_the_virtual_camera(virtual_camera):
    detected = detect_cameras()
    assert [camera.model for camera in detected] == [VCAM_MODEL]
    assert detected[0].port.startswith("usb:")


def test_info_reports_model_battery_and_shots_left(vcam):
    info = vcam.info()
    assert info.model == VCAM_MODEL
    assert info.battery_level == "50%"
    assert info.shots_left == 150


def test_open_by_port_and_unknown_port(virtual_camera):
    port = detect_cameras()[0].port
    camera = GPhotoCamera.open(port)
    try:
        assert camera.info().port == port
    finally:
        camera.close()
    with pytest.raises(NoCameraFound, match="No camera found on usb:099,099"):
        GPhotoCamera.open("usb:099,099")


def test_capture_and_download_give_the_cards_jpeg(vcam, virtual_camera):
    ref = vcam.capture()
    assert ref.name.endswith(".JPG") and ref.folder.startswith("/store_")
    data = vcam.download(ref)
    expected = (virtual_camera / "studio-test.jpg").read_bytes()
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(expected).hexdigest()


def test_shutter_release_arrives_as_file_added_event(vcam):
    vcam.trigger()
    files = poll_for_files(vcam)
    assert len(files) == 1
    assert files[0].name.startswith("GPH_") and files[0].name.endswith(".JPG")
    assert vcam.download(files[0])[:2] == b"\xff\xd8"  # a JPEG


def test_settings_read_and_change(vcam):
    settings = {setting.name: setting for setting in vcam.settings()}
    assert settings["aperture"].value == "f/2.8"
    assert "f/8" in settings["aperture"].choices
    assert settings["shutter_speed"].choices
    assert vcam.set_setting("aperture", "f/8").value == "f/8"
    assert {s.name: s.value for s in vcam.settings()}["aperture"] == "f/8"
    with pytest.raises(CameraSettingError, match="Aperture f/99 is not offered by this camera"):
        vcam.set_setting("aperture", "f/99")
    with pytest.raises(CameraSettingError, match="does not let the computer change ISO"):
        vcam.set_setting("iso", "100")  # the virtual D750 has no ISO setting


def test_closed_camera_refuses_calls_in_words(vcam):
    vcam.close()
    vcam.close()  # twice is harmless
    with pytest.raises(CameraDisconnected, match="connection is closed"):
        vcam.capture()


def test_camera_closes_as_a_context_manager(virtual_camera):
    with GPhotoCamera.open() as camera:
        assert camera.info().model == VCAM_MODEL
    with pytest.raises(CameraDisconnected):
        camera.info()


def test_capture_to_session_with_the_virtual_camera(vcam, store):
    paths = capture_to_session(vcam, store, 1)
    assert paths == [store.originals_dir / "0001.jpg"]
    assert Image.open(store.thumb_path(1)).size == (320, 240)
    # The virtual camera returns the same JPEG every time: stored once only.
    assert capture_to_session(vcam, store, 1) == []


def test_tether_session_downloads_shutter_button_pictures(virtual_camera, store):
    images = []
    with TetherSession(GPhotoCamera.open, store, on_image=images.append) as session:
        deadline = time.monotonic() + 5
        while not session.status.connected and time.monotonic() < deadline:
            time.sleep(0.01)
        assert session.status.camera.model == VCAM_MODEL
        session.trigger().result(timeout=5)
        while not images and time.monotonic() < deadline:
            time.sleep(0.02)
    assert [image.number for image in images] == [1]
    assert images[0].original_name.startswith("GPH_")
    assert images[0].preview_path.exists()


def test_no_camera_on_the_real_usb_bus(real_usb_only):
    assert detect_cameras() == []
    with pytest.raises(NoCameraFound, match="No camera found: check the USB cable"):
        GPhotoCamera.open()


def test_tether_session_connects_when_the_camera_appears(real_usb_only, vcam_pictures, monkeypatch, store):
    with TetherSession(GPhotoCamera.open, store, retry_delays=(60.0,)) as session:
        deadline = time.monotonic() + 5
        while session.status.error is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert isinstance(session.status.error, NoCameraFound)
        # The camera is switched on: the photographer presses Reconnect.
        monkeypatch.setenv("VCAMERADIR", str(vcam_pictures))
        monkeypatch.setenv("IOLIBS", os.environ["IOLIBS"].replace("iolibs", "vusb"))
        session.reconnect()
        while not session.status.connected and time.monotonic() < deadline:
            time.sleep(0.01)
        assert session.status.connected


def test_gphoto2_errors_are_translated(virtual_camera):
    import gphoto2

    with pytest.raises(CameraClaimed, match="gvfs"), translated_errors("connecting to the camera"):
        raise gphoto2.GPhoto2Error(-53)
