"""The real camera: python-gphoto2 (libgphoto2) over USB.

gphoto2 is imported on first use, not when this module is imported, so the
environment (``VCAMERADIR`` for libgphoto2's virtual camera) can still be set
by the time a camera is opened.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from .camera import (
    APERTURE,
    IMAGE_FORMAT,
    ISO,
    SETTING_LABELS,
    SETTING_NAMES,
    SHUTTER_SPEED,
    CameraFileRef,
    CameraInfo,
    CameraSetting,
    DetectedCamera,
    check_setting_value,
)
from .errors import (
    GP_ERROR,
    NO_CAMERA_MESSAGE,
    CameraDisconnected,
    CameraError,
    CameraNotReady,
    CameraSettingError,
    NoCameraFound,
    camera_error_from_code,
    not_ready_message,
)

# libgphoto2 config names for our settings, by brand: Canon, Nikon, Sony, Fuji...
SETTING_CONFIG_NAMES: dict[str, tuple[str, ...]] = {
    ISO: ("iso", "isospeed"),
    APERTURE: ("aperture", "f-number", "fnumber"),
    SHUTTER_SPEED: ("shutterspeed", "shutterspeed2", "eosshutterspeed"),
    IMAGE_FORMAT: ("imageformat", "imagequality", "imageformatsd", "imageformatcf"),
}
BATTERY_CONFIG_NAME = "batterylevel"
MAX_EVENTS_PER_POLL = 64


def gphoto2_module() -> ModuleType:
    try:
        import gphoto2
    except ImportError as error:  # pragma: no cover - gphoto2 is a dependency
        raise CameraError(
            "Camera support is not installed: install the Python package gphoto2 (pip install gphoto2)."
        ) from error
    return gphoto2


@contextlib.contextmanager
def translated_errors(doing: str) -> Iterator[None]:
    """Raise our readable errors in place of gphoto2's ``GPhoto2Error``."""
    gp = gphoto2_module()
    try:
        yield
    except gp.GPhoto2Error as error:
        raise camera_error_from_code(error.code, doing, error.string) from error


def detect_cameras() -> list[DetectedCamera]:
    gp = gphoto2_module()
    with translated_errors("looking for cameras"):
        found = gp.Camera.autodetect()
    return [DetectedCamera(found.get_name(index), found.get_value(index)) for index in range(found.count())]


class GPhotoCamera:
    """One open camera. Every call takes a lock, but one thread should own it."""

    def __init__(self, camera: Any, detected: DetectedCamera) -> None:
        self._camera: Any | None = camera
        self.detected = detected
        self._lock = threading.RLock()
        self._gp = gphoto2_module()

    @classmethod
    def open(cls, port: str | None = None) -> GPhotoCamera:
        """Connect to the camera on ``port`` (e.g. ``usb:001,007``), or the first one found."""
        gp = gphoto2_module()
        detected = detect_cameras()
        if port is not None:
            detected = [camera for camera in detected if camera.port == port]
        if not detected:
            if port is None:
                raise NoCameraFound(NO_CAMERA_MESSAGE)
            raise NoCameraFound(f"No camera found on {port}: check the USB cable and that the camera is on.")
        chosen = detected[0]
        camera = gp.Camera()
        with translated_errors("connecting to the camera"):
            abilities = gp.CameraAbilitiesList()
            abilities.load()
            camera.set_abilities(abilities[abilities.lookup_model(chosen.model)])
            ports = gp.PortInfoList()
            ports.load()
            camera.set_port_info(ports[ports.lookup_path(chosen.port)])
            camera.init()
        return cls(camera, chosen)

    def __repr__(self) -> str:
        return f"GPhotoCamera({self.detected.model!r} on {self.detected.port})"

    def __enter__(self) -> GPhotoCamera:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _call(self, doing: str) -> Iterator[Any]:
        with self._lock:
            self._require_open()
            with translated_errors(doing):
                yield self._camera

    def _require_open(self) -> None:
        if self._camera is None:
            raise CameraDisconnected("The camera connection is closed: connect again.")

    def info(self) -> CameraInfo:
        self._require_open()
        return CameraInfo(
            model=self.detected.model,
            port=self.detected.port,
            battery_level=self._battery_level(),
            shots_left=self._shots_left(),
        )

    def _battery_level(self) -> str | None:
        try:
            with self._call("reading the battery level") as camera:
                return str(camera.get_single_config(BATTERY_CONFIG_NAME).get_value())
        except CameraDisconnected:
            raise
        except CameraError:  # not every camera reports it
            return None

    def _shots_left(self) -> int | None:
        try:
            with self._call("reading the memory card") as camera:
                storages = camera.get_storageinfo()
        except CameraDisconnected:
            raise
        except CameraError:  # not every camera reports it
            return None
        counts = [
            storage.freeimages for storage in storages if storage.fields & self._gp.GP_STORAGEINFO_FREESPACEIMAGES
        ]
        return sum(counts) if counts else None

    def capture(self) -> CameraFileRef:
        with self._shutter("taking a picture") as camera:
            path = camera.capture(self._gp.GP_CAPTURE_IMAGE)
        return CameraFileRef(path.folder, path.name)

    def trigger(self) -> None:
        with self._shutter("releasing the shutter") as camera:
            camera.trigger_capture()

    @contextlib.contextmanager
    def _shutter(self, doing: str) -> Iterator[Any]:
        """``_call`` for a picture: a bare -1 ("Unspecified error") means the camera is not ready."""
        try:
            with self._call(doing) as camera:
                yield camera
        except CameraError as error:
            if error.code == GP_ERROR:
                raise CameraNotReady(not_ready_message(), error.code) from error
            raise

    def poll_events(self, timeout_ms: int) -> list[CameraFileRef]:
        gp = self._gp
        added: list[CameraFileRef] = []
        wait = timeout_ms
        with self._call("waiting for the camera") as camera:
            for _ in range(MAX_EVENTS_PER_POLL):
                event_type, data = camera.wait_for_event(wait)
                if event_type == gp.GP_EVENT_TIMEOUT:
                    break
                if event_type == gp.GP_EVENT_FILE_ADDED:
                    added.append(CameraFileRef(data.folder, data.name))
                wait = 1  # an event came: collect the rest without waiting
        return added

    def download(self, ref: CameraFileRef) -> bytes:
        with self._call(f"downloading {ref.name}") as camera:
            camera_file = camera.file_get(ref.folder, ref.name, self._gp.GP_FILE_TYPE_NORMAL)
            return bytes(camera_file.get_data_and_size())

    def settings(self) -> list[CameraSetting]:
        with self._call("reading the camera settings") as camera:
            config = camera.get_config()
            offered = []
            for name in SETTING_NAMES:
                _, widget = self._find_widget(config, name)
                if widget is not None:
                    offered.append(self._setting(name, widget))
            return offered

    def set_setting(self, name: str, value: str) -> CameraSetting:
        label = SETTING_LABELS.get(name, name)
        with self._call(f"changing {label}") as camera:
            config_name, widget = self._find_widget(camera.get_config(), name)
            if widget is None:
                raise CameraSettingError(f"This camera does not let the computer change {label}.")
            current = self._setting(name, widget)
            check_setting_value(current, value)
            widget.set_value(value)
            camera.set_single_config(config_name, widget)
            _, changed = self._find_widget(camera.get_config(), name)
            return self._setting(name, changed)

    def close(self) -> None:
        with self._lock:
            camera, self._camera = self._camera, None
            if camera is not None:
                with contextlib.suppress(Exception):
                    camera.exit()

    def _find_widget(self, config: Any, name: str) -> tuple[str, Any]:
        for config_name in SETTING_CONFIG_NAMES.get(name, (name,)):
            try:
                return config_name, config.get_child_by_name(config_name)
            except self._gp.GPhoto2Error:
                continue
        return "", None

    def _setting(self, name: str, widget: Any) -> CameraSetting:
        gp = self._gp
        choices: tuple[str, ...] = ()
        if widget.get_type() in (gp.GP_WIDGET_RADIO, gp.GP_WIDGET_MENU):
            choices = tuple(str(choice) for choice in widget.get_choices())
        return CameraSetting(
            name=name,
            label=SETTING_LABELS.get(name, str(widget.get_label())),
            value=str(widget.get_value()),
            choices=choices,
            read_only=bool(widget.get_readonly()),
        )
