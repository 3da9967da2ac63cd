"""Camera to session folder, without threads: what ``spectra capture`` runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .camera import Camera, CameraFileRef
from .records import ImportedImage
from .store import SessionImageStore

# After a shot, how long to keep listening for a second file (RAW + JPEG).
PARTNER_FILE_WAIT_MS = 300
POLL_MS = 50


def save_camera_file(camera: Camera, ref: CameraFileRef, store: SessionImageStore) -> ImportedImage | None:
    """Download one file and store it under the session's next number.

    ``None`` when the session already holds the same picture.
    """
    return store.add_bytes(camera.download(ref), ref.name, source=f"camera:{ref.path}")


def files_still_arriving(camera: Camera, quiet_ms: int = PARTNER_FILE_WAIT_MS) -> list[CameraFileRef]:
    """Poll until the camera has announced no new file for ``quiet_ms``."""
    arrived: list[CameraFileRef] = []
    quiet_until = time.monotonic() + quiet_ms / 1000
    while time.monotonic() < quiet_until:
        started = time.monotonic()
        new = camera.poll_events(POLL_MS)
        if new:
            arrived.extend(new)
            quiet_until = time.monotonic() + quiet_ms / 1000
        else:
            # Some drivers answer "no event" at once; don't spin on them.
            time.sleep(max(0.0, POLL_MS / 1000 - (time.monotonic() - started)))
    return arrived


def capture_to_session(
    camera: Camera,
    store: SessionImageStore,
    count: int,
    *,
    on_image: Callable[[ImportedImage], None] | None = None,
) -> list[Path]:
    """Take ``count`` pictures and store each (and a RAW+JPEG partner file).

    Returns the paths of the stored originals, in number order. A file whose
    content the session already holds is not stored again (libgphoto2's virtual
    camera sends the same JPEG every time), so the list can be shorter than
    ``count``. Raises the camera's or the store's errors (all
    :class:`CaptureError`); the pictures stored before an error stay stored.
    """
    stored: list[Path] = []
    for _ in range(count):
        shot = camera.capture()
        refs = [shot] + [ref for ref in files_still_arriving(camera) if ref != shot]
        for ref in refs:
            record = save_camera_file(camera, ref, store)
            if record is not None:
                stored.append(record.original_path)
                if on_image is not None:
                    on_image(record)
    return stored
