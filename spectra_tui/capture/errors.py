"""Domain errors of the capture package.

Every message is written for the photographer at the camera: what happened
and what to do about it. Screens and the CLI show ``str(error)`` as it is.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

# libgphoto2 result codes (gphoto2/gphoto2-result.h, gphoto2-port-result.h).
# Kept here as plain numbers so this module never has to import gphoto2.
GP_ERROR = -1
GP_ERROR_BAD_PARAMETERS = -2
GP_ERROR_LIBRARY = -4
GP_ERROR_NOT_SUPPORTED = -6
GP_ERROR_IO = -7
GP_ERROR_TIMEOUT = -10
GP_ERROR_IO_INIT = -31
GP_ERROR_IO_READ = -34
GP_ERROR_IO_WRITE = -35
GP_ERROR_IO_USB_CLEAR_HALT = -51
GP_ERROR_IO_USB_FIND = -52
GP_ERROR_IO_USB_CLAIM = -53
GP_ERROR_IO_LOCK = -60
GP_ERROR_MODEL_NOT_FOUND = -105
GP_ERROR_FILE_NOT_FOUND = -108
GP_ERROR_CAMERA_BUSY = -110
GP_ERROR_NO_SPACE = -115

DISCONNECT_CODES = frozenset(
    {
        GP_ERROR_IO,
        GP_ERROR_TIMEOUT,
        GP_ERROR_IO_INIT,
        GP_ERROR_IO_READ,
        GP_ERROR_IO_WRITE,
        GP_ERROR_IO_USB_CLEAR_HALT,
        GP_ERROR_IO_USB_FIND,
    }
)


class CaptureError(Exception):
    """Base of every expected failure in capture/: the message is for people."""


class CameraError(CaptureError):
    """The camera, or the USB link to it, refused or failed a request."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class NoCameraFound(CameraError):
    pass


class CameraClaimed(CameraError):
    """Another program holds the USB device (-53, or -60 for a lock)."""


class CameraBusy(CameraError):
    """The camera is still working on something; trying again usually works."""


class CameraDisconnected(CameraError):
    pass


class CameraSettingError(CameraError):
    pass


class CameraNotReady(CameraError):
    """Connected, but the camera would not take a picture (libgphoto2's bare -1)."""


class StoreError(CaptureError):
    """The studio image folder cannot be used (missing, read-only, full)."""


class ImportSourceError(CaptureError):
    """The folder or card to import from cannot be read."""


NO_CAMERA_MESSAGE = "No camera found: check the USB cable and that the camera is on."
CLAIMED_MESSAGE = (
    "Could not claim the USB device: another program (often the desktop's gphoto2 "
    "volume monitor, gvfs) holds the camera. Close it, e.g. "
    "`pkill -f gvfs-gphoto2-volume-monitor`, then try again."
)
LOCKED_MESSAGE = (
    "Could not lock the camera: another program is using it. Close other photo or tethering programs, then try again."
)
BUSY_MESSAGE = "Camera busy, try again."
DISCONNECTED_MESSAGE = "Camera disconnected: check the USB cable and that the camera is on."
VIRTUAL_CAMERA_ENV = "VCAMERADIR"


def not_ready_message(environ: Mapping[str, str] = os.environ) -> str:
    """What to check when the camera would not take a picture and gave no reason (-1)."""
    folder = environ.get(VIRTUAL_CAMERA_ENV)
    if folder:
        return (
            f"The virtual test camera took no picture: its folder {folder} (VCAMERADIR) must exist and hold "
            "at least one JPEG. Put one there, then reconnect the camera; if it still takes none, start Spectra again."
        )
    return (
        "The camera did not take the picture and gave no reason. Check that it is on and awake, that its "
        "memory card is in and has room, that it is not showing a menu or playing back pictures, and that "
        "it can focus (or switch the lens to MF); then take the picture again."
    )


def camera_error_from_code(code: int, doing: str, detail: str = "") -> CameraError:
    """Turn a libgphoto2 result code into the domain error a person can act on.

    ``doing`` names the action in a few words ("taking a picture"); ``detail`` is
    libgphoto2's own text, kept for the codes we have no better words for.
    """
    if code == GP_ERROR_MODEL_NOT_FOUND:
        return NoCameraFound(NO_CAMERA_MESSAGE, code)
    if code == GP_ERROR_IO_USB_CLAIM:
        return CameraClaimed(CLAIMED_MESSAGE, code)
    if code == GP_ERROR_IO_LOCK:
        return CameraClaimed(LOCKED_MESSAGE, code)
    if code == GP_ERROR_CAMERA_BUSY:
        return CameraBusy(BUSY_MESSAGE, code)
    if code in DISCONNECT_CODES:
        return CameraDisconnected(DISCONNECTED_MESSAGE, code)
    if code == GP_ERROR_NO_SPACE:
        return CameraError(
            "The camera's memory card is full: download and clear it, or set the "
            "camera to save to its internal memory.",
            code,
        )
    if code == GP_ERROR_LIBRARY:
        return CameraError(
            "Spectra's camera drivers could not be loaded (libgphoto2 could not load a "
            "library): reinstall the gphoto2 Python package.",
            code,
        )
    if code == GP_ERROR_NOT_SUPPORTED:
        return CameraError(f"This camera does not support {doing}.", code)
    if code == GP_ERROR_FILE_NOT_FOUND:
        return CameraError(
            f"The file was no longer on the camera while {doing}; was the card changed or the picture deleted?",
            code,
        )
    reason = detail or "unknown error"
    return CameraError(f"The camera reported an error while {doing}: {reason} ({code}).", code)
