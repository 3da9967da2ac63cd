"""A camera in memory, for UI tests, demos and error injection.

The test drives the "physical world": :meth:`FakeCamera.unplug`,
:meth:`~FakeCamera.plug_in`, :meth:`~FakeCamera.claim_by_other_program`,
:meth:`~FakeCamera.press_shutter_button`, and :meth:`~FakeCamera.fail_next` to
make one operation fail with a libgphoto2 code (-53, -110, ...), which goes
through the same error mapping as the real camera.
"""

from __future__ import annotations

import io
import threading
from collections import deque
from dataclasses import replace

from PIL import Image

from .camera import (
    APERTURE,
    IMAGE_FORMAT,
    ISO,
    SETTING_LABELS,
    SHUTTER_SPEED,
    CameraFileRef,
    CameraInfo,
    CameraSetting,
    check_setting_value,
)
from .errors import (
    GP_ERROR_IO,
    GP_ERROR_IO_USB_CLAIM,
    GP_ERROR_MODEL_NOT_FOUND,
    CameraSettingError,
    CaptureError,
    camera_error_from_code,
)

FAKE_FOLDER = "/store_00010001/DCIM/100FAKE"

DEFAULT_SETTINGS = {
    ISO: ("100", ("100", "200", "400", "800", "1600", "3200", "6400")),
    APERTURE: ("f/8", ("f/2.8", "f/4", "f/5.6", "f/8", "f/11", "f/16")),
    SHUTTER_SPEED: ("1/125", ("1/60", "1/125", "1/160", "1/200", "1/250")),
    IMAGE_FORMAT: ("JPEG Fine", ("JPEG Fine", "JPEG Normal", "RAW", "RAW + JPEG Fine")),
}


def fake_picture(number: int, size: tuple[int, int] = (96, 64)) -> bytes:
    """A small JPEG whose content differs with ``number`` (so hashes differ)."""
    colour = ((number * 53) % 256, (number * 97) % 256, (number * 151) % 256)
    image = Image.new("RGB", size, colour)
    image.putpixel((number % size[0], (number // size[0]) % size[1]), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


class FakeCamera:
    def __init__(
        self,
        model: str = "Fake Camera",
        *,
        port: str = "usb:fake",
        battery_level: str | None = "80%",
        shots_left: int | None = 500,
        first_number: int = 1,
        raw_plus_jpeg: bool = False,
    ) -> None:
        self.model = model
        self.port = port
        self.battery_level = battery_level
        self.shots_left = shots_left
        self.raw_plus_jpeg = raw_plus_jpeg
        self.plugged_in = True
        self.claimed_by_other_program = False
        self.connected = False
        self.connections = 0
        self.calls: list[str] = []
        self.files: dict[CameraFileRef, bytes] = {}
        self._next_number = first_number
        self._settings = {
            name: CameraSetting(name, SETTING_LABELS[name], value, choices)
            for name, (value, choices) in DEFAULT_SETTINGS.items()
        }
        self._failures: dict[str, deque[CaptureError]] = {}
        self._events: deque[CameraFileRef] = deque()
        self._partners: list[CameraFileRef] = []
        self._event_ready = threading.Event()
        self._lock = threading.RLock()

    # -- the physical world (test side) ----------------------------------------

    def unplug(self) -> None:
        with self._lock:
            self.plugged_in = False
            self.connected = False

    def plug_in(self) -> None:
        with self._lock:
            self.plugged_in = True

    def claim_by_other_program(self, claimed: bool = True) -> None:
        with self._lock:
            self.claimed_by_other_program = claimed

    def press_shutter_button(self, count: int = 1) -> list[CameraFileRef]:
        """Take pictures on the camera itself: they arrive as FILE_ADDED events."""
        with self._lock:
            refs = [self._shoot() for _ in range(count)]
            self._events.extend(refs)
            self._events.extend(self._pop_partner_events())
            self._event_ready.set()
            return refs

    def announce_file(self, ref: CameraFileRef) -> None:
        """Send a FILE_ADDED event for a file again, as cameras sometimes do."""
        with self._lock:
            self._events.append(ref)
            self._event_ready.set()

    def fail_next(self, operation: str, error: int | CaptureError, times: int = 1) -> None:
        """Make the next ``times`` calls of ``operation`` fail.

        ``operation`` is a method name ("capture", "download", "poll_events", ...
        or "connect"); ``error`` is a libgphoto2 code such as -110 or an error.
        """
        if isinstance(error, int):
            error = camera_error_from_code(error, f"{operation} (simulated)", "simulated failure")
        with self._lock:
            self._failures.setdefault(operation, deque()).extend([error] * times)

    def set_read_only(self, name: str, read_only: bool = True) -> None:
        with self._lock:
            self._settings[name] = replace(self._settings[name], read_only=read_only)

    # -- connecting: a CameraConnector -------------------------------------------

    def connect(self) -> FakeCamera:
        with self._lock:
            self.calls.append("connect")
            self._raise_injected("connect")
            if not self.plugged_in:
                raise camera_error_from_code(GP_ERROR_MODEL_NOT_FOUND, "connecting to the camera")
            if self.claimed_by_other_program:
                raise camera_error_from_code(GP_ERROR_IO_USB_CLAIM, "connecting to the camera")
            self.connected = True
            self.connections += 1
            return self

    # -- the Camera protocol ------------------------------------------------------

    def info(self) -> CameraInfo:
        self._enter("info")
        return CameraInfo(self.model, self.port, self.battery_level, self.shots_left)

    def capture(self) -> CameraFileRef:
        self._enter("capture")
        with self._lock:
            shot = self._shoot()
            # RAW + JPEG: the capture names one file, the other comes as an event.
            self._events.extend(self._pop_partner_events())
            if self._events:
                self._event_ready.set()
            return shot

    def trigger(self) -> None:
        self._enter("trigger")
        self.press_shutter_button()

    def poll_events(self, timeout_ms: int) -> list[CameraFileRef]:
        self._enter("poll_events")
        self._event_ready.wait(timeout_ms / 1000)
        with self._lock:
            self._require_connection()
            added = list(self._events)
            self._events.clear()
            self._event_ready.clear()
            return added

    def download(self, ref: CameraFileRef) -> bytes:
        self._enter("download")
        with self._lock:
            try:
                return self.files[ref]
            except KeyError:
                raise camera_error_from_code(-108, f"downloading {ref.name}") from None

    def settings(self) -> list[CameraSetting]:
        self._enter("settings")
        with self._lock:
            return list(self._settings.values())

    def set_setting(self, name: str, value: str) -> CameraSetting:
        self._enter("set_setting")
        with self._lock:
            if name not in self._settings:
                label = SETTING_LABELS.get(name, name)
                raise CameraSettingError(f"This camera does not let the computer change {label}.")
            check_setting_value(self._settings[name], value)
            self._settings[name] = replace(self._settings[name], value=value)
            return self._settings[name]

    def close(self) -> None:
        with self._lock:
            self.calls.append("close")
            self.connected = False

    # -- internals -------------------------------------------------------------

    def _enter(self, operation: str) -> None:
        with self._lock:
            self.calls.append(operation)
            self._require_connection()
            self._raise_injected(operation)

    def _require_connection(self) -> None:
        if not self.connected:
            raise camera_error_from_code(GP_ERROR_IO, "talking to the camera")

    def _raise_injected(self, operation: str) -> None:
        pending = self._failures.get(operation)
        if pending:
            raise pending.popleft()

    def _shoot(self) -> CameraFileRef:
        number = self._next_number
        self._next_number += 1
        ref = CameraFileRef(FAKE_FOLDER, f"IMG_{number:04d}.JPG")
        self.files[ref] = fake_picture(number)
        if self.raw_plus_jpeg:
            raw = CameraFileRef(FAKE_FOLDER, f"IMG_{number:04d}.NEF")
            self.files[raw] = b"FAKE-RAW" + number.to_bytes(4, "big") + bytes(256)
            self._partners.append(raw)
        if self.shots_left is not None:
            self.shots_left -= 1
        return ref

    def _pop_partner_events(self) -> list[CameraFileRef]:
        partners, self._partners = self._partners, []
        return partners
