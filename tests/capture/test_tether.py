"""TetherSession over the FakeCamera: capture, shutter button, errors, reconnect."""

import threading
import time

import pytest

from spectra_tui.capture import (
    CameraBusy,
    CameraClaimed,
    CameraDisconnected,
    CameraSettingError,
    FakeCamera,
    NoCameraFound,
    TetherSession,
    TetherStopped,
)

FAST_RETRY = (0.05, 0.05, 0.1)


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


class Recorder:
    def __init__(self):
        self.images = []
        self.statuses = []
        self.errors = []
        self.lock = threading.Lock()

    def image(self, record):
        with self.lock:
            self.images.append(record)

    def status(self, status):
        with self.lock:
            self.statuses.append(status)

    def error(self, error):
        with self.lock:
            self.errors.append(error)


@pytest.fixture
def camera():
    return FakeCamera("Fake EOS R6", battery_level="75%", shots_left=420)


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def tether(camera, store, recorder):
    session = TetherSession(
        camera.connect, store, on_image=recorder.image, on_status=recorder.status,
        on_error=recorder.error, retry_delays=FAST_RETRY,
    )
    session.start()
    assert wait_until(lambda: session.status.connected)
    yield session
    session.stop()


def test_connects_and_reports_the_camera(tether, recorder):
    status = tether.status
    assert status.connected and status.message == "Fake EOS R6 connected"
    assert status.camera.battery_level == "75%"
    assert status.camera.shots_left == 420
    assert recorder.statuses[0] is status or recorder.statuses[0].connected


def test_capture_stores_the_picture_with_previews(tether, recorder, store):
    record = tether.capture().result(timeout=5)
    assert record.number == 1 and record.original_name == "IMG_0001.JPG"
    assert record.original_path.parent == store.originals_dir
    assert record.preview_path.exists() and record.thumb_path.exists()
    assert record.source == "camera:/store_00010001/DCIM/100FAKE/IMG_0001.JPG"
    assert wait_until(lambda: recorder.images == [record])


def test_pictures_from_the_cameras_own_shutter_button_arrive(tether, camera, recorder):
    camera.press_shutter_button(3)
    assert wait_until(lambda: len(recorder.images) == 3)
    assert [image.number for image in recorder.images] == [1, 2, 3]
    assert [image.original_name for image in recorder.images] == ["IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG"]
    assert all(image.thumb_path.exists() for image in recorder.images)


def test_trigger_returns_at_once_and_the_file_follows(tether, recorder):
    tether.trigger().result(timeout=5)
    assert wait_until(lambda: len(recorder.images) == 1)


def test_raw_plus_jpeg_both_files_are_downloaded(store, recorder):
    camera = FakeCamera(raw_plus_jpeg=True)
    with TetherSession(camera.connect, store, on_image=recorder.image) as session:
        record = session.capture().result(timeout=5)
        assert wait_until(lambda: len(recorder.images) == 2)
    assert record.original_name == "IMG_0001.JPG"
    assert sorted(image.stored_name for image in recorder.images) == ["0001.jpg", "0002.nef"]


def test_busy_camera_fails_that_capture_only(tether, camera):
    camera.fail_next("capture", -110)
    with pytest.raises(CameraBusy, match="Camera busy, try again"):
        tether.capture().result(timeout=5)
    assert tether.status.connected
    assert tether.capture().result(timeout=5).number == 1


def test_unplugged_camera_is_reported_then_reconnected_when_back(tether, camera, recorder):
    camera.unplug()
    assert wait_until(lambda: tether.status.message.startswith("No camera found"))  # retries go on
    assert not tether.status.connected
    assert isinstance(tether.status.error, NoCameraFound)
    lost = [status for status in recorder.statuses if isinstance(status.error, CameraDisconnected)]
    assert lost and lost[0].message.startswith("Camera disconnected: check the USB cable")

    camera.plug_in()
    assert wait_until(lambda: tether.status.connected)
    assert camera.connections == 2
    assert tether.capture().result(timeout=5).number == 1
    messages = [status.message for status in recorder.statuses]
    assert messages[0] == "Fake EOS R6 connected" and messages[-1] == "Fake EOS R6 connected"


def test_capture_while_unplugged_fails_with_a_readable_error(tether, camera):
    camera.unplug()
    assert wait_until(lambda: not tether.status.connected)
    with pytest.raises((NoCameraFound, CameraDisconnected)) as raised:
        tether.capture().result(timeout=5)
    assert "check the USB cable" in str(raised.value)


def test_camera_claimed_by_another_program_says_how_to_free_it(store, recorder):
    camera = FakeCamera()
    camera.claim_by_other_program()
    session = TetherSession(camera.connect, store, on_status=recorder.status, retry_delays=(30.0,))
    with session:
        assert wait_until(lambda: session.status.error is not None)
        assert isinstance(session.status.error, CameraClaimed)
        assert "pkill -f gvfs-gphoto2-volume-monitor" in session.status.message
        assert session.status.next_retry_in == 30.0
        # The photographer closes gvfs and presses Reconnect: no 30 s wait.
        camera.claim_by_other_program(False)
        session.reconnect()
        assert wait_until(lambda: session.status.connected, timeout=3)


def test_no_camera_at_start_keeps_retrying_with_backoff(store):
    camera = FakeCamera()
    camera.unplug()
    session = TetherSession(camera.connect, store, retry_delays=(0.02, 0.05, 0.2))
    with session:
        assert wait_until(lambda: session.status.next_retry_in == 0.2)  # the longest delay, kept
        assert camera.calls.count("connect") >= 3
        assert not session.status.connected
        assert session.status.message == "No camera found: check the USB cable and that the camera is on."


def test_repeated_polling_errors_are_treated_as_a_lost_link(tether, camera, recorder):
    camera.fail_next("poll_events", -1, times=3)
    assert wait_until(lambda: camera.connections == 2)
    assert recorder.errors  # the first failures were reported, not swallowed
    assert any(not status.connected for status in recorder.statuses)


def test_settings_are_listed_and_changed(tether):
    settings = {setting.name: setting for setting in tether.settings().result(timeout=5)}
    assert set(settings) == {"iso", "aperture", "shutter_speed", "image_format"}
    assert "800" in settings["iso"].choices
    changed = tether.set_setting("iso", "800").result(timeout=5)
    assert changed.value == "800"
    with pytest.raises(CameraSettingError, match="ISO 12800 is not offered by this camera"):
        tether.set_setting("iso", "12800").result(timeout=5)


def test_read_only_setting_is_refused_in_words(tether, camera):
    camera.set_read_only("aperture")
    with pytest.raises(CameraSettingError, match="does not let the computer change Aperture right now"):
        tether.set_setting("aperture", "f/4").result(timeout=5)


def test_camera_info_refresh(tether, camera):
    camera.battery_level = "20%"
    info = tether.camera_info().result(timeout=5)
    assert info.battery_level == "20%"
    assert tether.status.camera.battery_level == "20%"


def test_a_failing_ui_callback_does_not_stop_tethering(store, caplog):
    camera = FakeCamera()

    def broken(record):
        raise RuntimeError("UI bug")

    with TetherSession(camera.connect, store, on_image=broken) as session:
        session.capture().result(timeout=5)
        assert session.capture().result(timeout=5).number == 2
    assert "tether callback" in caplog.text


def test_stop_lets_go_of_the_camera_and_refuses_new_jobs(tether, camera):
    tether.stop()
    assert camera.calls[-1] == "close" and not camera.connected
    assert not tether.running
    assert tether.status.message == "Tethering stopped."
    with pytest.raises(TetherStopped):
        tether.capture().result(timeout=1)


def test_same_file_announced_twice_is_stored_once(tether, camera, recorder, store):
    (ref,) = camera.press_shutter_button()
    assert wait_until(lambda: len(recorder.images) == 1)
    camera.announce_file(ref)  # a camera re-announcing a file after a hiccup
    time.sleep(0.2)
    assert len(recorder.images) == 1
    assert len(list(store.originals_dir.iterdir())) == 1


def test_camera_that_fails_right_after_connecting_is_let_go_and_retried(store):
    camera = FakeCamera()
    camera.fail_next("info", -7)
    with TetherSession(camera.connect, store, retry_delays=(0.05,)) as session:
        assert wait_until(lambda: session.status.connected)
        assert camera.connections == 2
        assert camera.calls[:4] == ["connect", "info", "close", "connect"]


def test_unexpected_connector_failure_becomes_a_status_message(store, caplog):
    def broken_connector():
        raise RuntimeError("driver exploded")

    with TetherSession(broken_connector, store, retry_delays=(30.0,)) as session:
        assert wait_until(lambda: session.status.error is not None)
        assert session.status.message == "Could not connect to the camera: driver exploded"
        assert session.running


class LinkLostWhilePolling(FakeCamera):
    """Loses the link in the middle of a poll for events, once, when asked to."""

    def __init__(self):
        super().__init__()
        self.lose_link = False
        self.polling = threading.Event()
        self.go_on = threading.Event()

    def poll_events(self, timeout_ms):
        if self.lose_link:
            self.lose_link = False
            self.polling.set()
            self.go_on.wait(5)
            self.unplug()
            raise CameraDisconnected("Camera disconnected: check the USB cable and that the camera is on.")
        return super().poll_events(timeout_ms)


def test_a_job_queued_while_the_link_is_lost_fails_with_a_readable_error(store):
    # Found by the type checker: the job was run with no camera at all and
    # failed with "'NoneType' object has no attribute 'capture'".
    camera = LinkLostWhilePolling()
    with TetherSession(camera.connect, store, retry_delays=(30.0,)) as session:
        assert wait_until(lambda: session.status.connected)
        camera.lose_link = True
        assert camera.polling.wait(5)
        picture = session.capture()  # queued while the camera thread polls
        camera.go_on.set()
        with pytest.raises(CameraDisconnected) as raised:
            picture.result(timeout=5)
        assert "check the USB cable" in str(raised.value)
