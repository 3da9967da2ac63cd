"""Camera tethering, the session image store and the image import pipeline.

Never imports textual (a test enforces it) and never imports data/: the
database plugs in through :class:`ImageRegistry`. gphoto2 is imported only
when a real camera is first used.

What the UI and CLI use::

    store = SessionImageStore(image_root, session_number, registry)   # registry: see registry.py
    result = import_folder(card_dir, store, progress=..., cancel=event)
    print(result.summary())

    with TetherSession(GPhotoCamera.open, store, on_image=..., on_status=...) as tether:
        tether.capture()            # a Future; the picture also comes to on_image

    with GPhotoCamera.open() as camera:
        capture_to_session(camera, store, count)

``FakeCamera().connect`` stands in for ``GPhotoCamera.open`` in UI tests.
Every expected failure is a :class:`CaptureError` whose message is for people.
"""

from .camera import (
    APERTURE,
    IMAGE_FORMAT,
    ISO,
    SETTING_NAMES,
    SHUTTER_SPEED,
    Camera,
    CameraConnector,
    CameraFileRef,
    CameraInfo,
    CameraSetting,
    DetectedCamera,
)
from .errors import (
    CameraBusy,
    CameraClaimed,
    CameraDisconnected,
    CameraError,
    CameraNotReady,
    CameraSettingError,
    CaptureError,
    ImportSourceError,
    NoCameraFound,
    StoreError,
    camera_error_from_code,
)
from .fake import FakeCamera
from .gphoto import GPhotoCamera, detect_cameras
from .importer import (
    Duplicate,
    FailedFile,
    ImportProgress,
    ImportResult,
    find_importable_files,
    import_folder,
    prepare_worker_processes,
)
from .records import ImportedImage
from .registry import ImageRegistry, InMemoryRegistry, ManifestRegistry
from .shooting import capture_to_session, save_camera_file
from .store import SessionImageStore, default_image_root
from .tether import TetherSession, TetherStatus, TetherStopped

__all__ = [
    "prepare_worker_processes",
    "APERTURE",
    "IMAGE_FORMAT",
    "ISO",
    "SETTING_NAMES",
    "SHUTTER_SPEED",
    "Camera",
    "CameraBusy",
    "CameraClaimed",
    "CameraConnector",
    "CameraDisconnected",
    "CameraError",
    "CameraFileRef",
    "CameraInfo",
    "CameraNotReady",
    "CameraSetting",
    "CameraSettingError",
    "CaptureError",
    "DetectedCamera",
    "FailedFile",
    "FakeCamera",
    "GPhotoCamera",
    "ImageRegistry",
    "ImportProgress",
    "Duplicate",
    "ImportResult",
    "ImportSourceError",
    "ImportedImage",
    "InMemoryRegistry",
    "ManifestRegistry",
    "NoCameraFound",
    "SessionImageStore",
    "StoreError",
    "TetherSession",
    "TetherStatus",
    "TetherStopped",
    "camera_error_from_code",
    "capture_to_session",
    "default_image_root",
    "detect_cameras",
    "find_importable_files",
    "import_folder",
    "save_camera_file",
]
