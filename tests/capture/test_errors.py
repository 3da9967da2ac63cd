import pytest

from spectra_tui.capture import (
    CameraBusy,
    CameraClaimed,
    CameraDisconnected,
    CameraError,
    NoCameraFound,
    camera_error_from_code,
)


def test_claimed_usb_device_names_gvfs_and_the_fix():
    error = camera_error_from_code(-53, "connecting to the camera")
    assert isinstance(error, CameraClaimed)
    assert error.code == -53
    message = str(error)
    assert message.startswith("Could not claim the USB device")
    assert "gvfs" in message
    assert "pkill -f gvfs-gphoto2-volume-monitor" in message


@pytest.mark.parametrize(
    ("code", "kind", "words"),
    [
        (-105, NoCameraFound, "No camera found: check the USB cable and that the camera is on"),
        (-110, CameraBusy, "Camera busy, try again"),
        (-7, CameraDisconnected, "Camera disconnected"),
        (-52, CameraDisconnected, "Camera disconnected"),
        (-60, CameraClaimed, "another program is using it"),
        (-115, CameraError, "memory card is full"),
        (-4, CameraError, "reinstall the gphoto2 Python package"),
    ],
)
def test_codes_become_errors_a_photographer_can_act_on(code, kind, words):
    error = camera_error_from_code(code, "taking a picture")
    assert type(error) is kind
    assert words in str(error)


def test_unknown_code_keeps_the_library_text_and_the_action():
    error = camera_error_from_code(-999, "taking a picture", "Something odd")
    assert str(error) == "The camera reported an error while taking a picture: Something odd (-999)."
