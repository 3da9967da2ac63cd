"""A camera that will not take a picture (libgphoto2's bare -1, "Unspecified
error") says what to check and shows as connected but not ready, until it
takes one again. libgphoto2's virtual camera gives that -1 when its folder is
empty or gone: those tests (vcam_not_ready_checks.py) run in a process of
their own, as the virtual camera keeps state in the process after a failed
capture that makes the other virtual-camera tests fail."""
import time

import pytest

from spectra_tui.capture import CameraNotReady, FakeCamera, TetherSession
from spectra_tui.capture.errors import not_ready_message

from .isolated import run_pytest_alone


def test_the_virtual_camera_on_an_empty_or_vanished_folder():
    run_pytest_alone("tests/capture/vcam_not_ready_checks.py")


def test_without_the_virtual_camera_the_message_lists_what_to_check():
    message = not_ready_message({})
    for check in ("on and awake", "memory card is in and has room", "menu", "focus"):
        assert check in message


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_not_ready_until_a_picture_is_taken_and_r_connects_afresh(store):
    camera = FakeCamera("Fake EOS R6")
    statuses = []
    with TetherSession(camera.connect, store, on_status=statuses.append) as tether:
        assert wait_until(lambda: tether.status.connected)
        camera.fail_next("capture", CameraNotReady(not_ready_message({})))
        with pytest.raises(CameraNotReady):
            tether.capture().result(timeout=10)
        assert wait_until(lambda: not tether.status.ready) and tether.status.connected
        connections = camera.connections
        tether.reconnect()  # r: a camera asleep is let go and connected again
        assert wait_until(lambda: camera.connections == connections + 1)
        camera.fail_next("capture", CameraNotReady(not_ready_message({})))
        with pytest.raises(CameraNotReady):
            tether.capture().result(timeout=10)
        assert tether.capture().result(timeout=10).number == 1  # it took one: ready again
        assert tether.status.ready and tether.status.message == "Fake EOS R6 connected"
    assert [status.ready for status in statuses if status.connected] == [True, False, True, False, True]
