"""The camera boundary: what tethered capture needs from a camera.

Two implementations: :class:`~spectra_tui.capture.gphoto.GPhotoCamera` (any
camera libgphoto2 drives, over USB) and :class:`~spectra_tui.capture.fake.FakeCamera`
(UI tests, error injection). A ``Camera`` is not thread-safe: one thread owns it
(see :class:`~spectra_tui.capture.tether.TetherSession`).

Failures raise the errors of :mod:`spectra_tui.capture.errors`, never a
library's own exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from .errors import CameraSettingError

# The settings a photographer changes from the computer, under our own names;
# each camera brand calls them something else (see gphoto.SETTING_CONFIG_NAMES).
ISO = "iso"
APERTURE = "aperture"
SHUTTER_SPEED = "shutter_speed"
IMAGE_FORMAT = "image_format"
SETTING_NAMES = (ISO, APERTURE, SHUTTER_SPEED, IMAGE_FORMAT)
SETTING_LABELS = {
    ISO: "ISO",
    APERTURE: "Aperture",
    SHUTTER_SPEED: "Shutter speed",
    IMAGE_FORMAT: "Image format",
}


@dataclass(frozen=True)
class DetectedCamera:
    model: str
    port: str


@dataclass(frozen=True)
class CameraInfo:
    model: str
    port: str
    battery_level: str | None = None  # as the camera says it, e.g. "50%"
    shots_left: int | None = None  # free space in pictures, where reported


@dataclass(frozen=True)
class CameraFileRef:
    """A file on the camera: folder and name as the camera reports them."""

    folder: str
    name: str

    @property
    def path(self) -> str:
        return f"{self.folder.rstrip('/')}/{self.name}"


@dataclass(frozen=True)
class CameraSetting:
    name: str  # one of SETTING_NAMES
    label: str
    value: str
    choices: tuple[str, ...]
    read_only: bool = False


@runtime_checkable
class Camera(Protocol):
    def info(self) -> CameraInfo: ...

    def capture(self) -> CameraFileRef:
        """Take a picture and wait until the camera names the new file."""
        ...

    def trigger(self) -> None:
        """Release the shutter without waiting; the file comes as an event."""
        ...

    def poll_events(self, timeout_ms: int) -> list[CameraFileRef]:
        """Drain the camera's events, waiting up to ``timeout_ms`` for the first.

        Returns the files added since the last poll: pictures taken with the
        camera's own shutter button, after :meth:`trigger`, or the second file
        of a RAW+JPEG shot.
        """
        ...

    def download(self, ref: CameraFileRef) -> bytes: ...

    def settings(self) -> list[CameraSetting]:
        """The settings of SETTING_NAMES this camera offers, with their choices."""
        ...

    def set_setting(self, name: str, value: str) -> CameraSetting: ...

    def close(self) -> None:
        """Let go of the USB device; never raises."""
        ...


CameraConnector = Callable[[], Camera]
"""Opens a connection to a camera, raising NoCameraFound and friends."""


def check_setting_value(setting: CameraSetting, value: str) -> None:
    """Refuse, in words, a value the camera would not take."""
    if setting.read_only:
        raise CameraSettingError(
            f"The camera does not let the computer change {setting.label} right now "
            "(check the camera's mode dial: manual mode allows the most)."
        )
    if setting.choices and value not in setting.choices:
        raise CameraSettingError(
            f"{setting.label} {value} is not offered by this camera. Choose one of: {', '.join(setting.choices)}."
        )
