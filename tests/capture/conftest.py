"""Fixtures for the capture tests: pictures made with Pillow, libgphoto2's virtual camera.

The virtual camera ("vcam", libgphoto2's vusb port driver) is switched on per
test, in-process, as python-gphoto2's own tests/vcamera.py does: VCAMERADIR
names a folder of JPEGs and IOLIBS points at the vusb drivers instead of the
real ones. monkeypatch puts both back afterwards, so other tests in the same
pytest process see the real USB drivers again.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from PIL import Image

from spectra_tui.capture import InMemoryRegistry, SessionImageStore

EXIF_ORIENTATION = 0x0112


def make_jpeg(path: Path, size=(1200, 800), seed: int = 0, orientation: int | None = None) -> Path:
    """A JPEG with some gradient and noise, different for each ``seed``."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    colour = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    image = Image.blend(image, colour, 0.5)
    for _ in range(50):
        image.putpixel((rng.randrange(size[0]), rng.randrange(size[1])), (255, 255, 255))
    options = {"quality": 90}
    if orientation is not None:
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = orientation
        options["exif"] = exif.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", **options)
    return path


@pytest.fixture
def store(tmp_path) -> SessionImageStore:
    return SessionImageStore(tmp_path / "images", 1042, InMemoryRegistry())


@pytest.fixture(scope="session")
def vcam_pictures(tmp_path_factory) -> Path:
    """The virtual camera's card: one JPEG, made with Pillow."""
    folder = tmp_path_factory.mktemp("vcam")
    make_jpeg(folder / "studio-test.jpg", size=(640, 480), seed=7)
    return folder


def _vusb_drivers() -> str | None:
    gphoto2 = pytest.importorskip("gphoto2")  # sets IOLIBS to its bundled drivers
    iolibs = os.environ.get("IOLIBS", "")
    vusb = iolibs.replace("iolibs", "vusb")
    if not os.path.isdir(vusb):
        return None
    version = tuple(int(part) for part in gphoto2.gp_library_version(gphoto2.GP_VERSION_SHORT)[0].split("."))
    return vusb if version > (2, 5, 30) else None


@pytest.fixture
def virtual_camera(vcam_pictures, monkeypatch) -> Path:
    """Switch libgphoto2 to its virtual Nikon D750 for one test."""
    vusb = _vusb_drivers()
    if vusb is None:
        pytest.skip("this gphoto2 build has no virtual camera (vusb)")
    monkeypatch.setenv("VCAMERADIR", str(vcam_pictures))
    monkeypatch.setenv("IOLIBS", vusb)
    return vcam_pictures


@pytest.fixture
def real_usb_only(monkeypatch) -> None:
    """The real USB drivers, with no virtual camera; skip if a camera is plugged in."""
    pytest.importorskip("gphoto2")
    monkeypatch.delenv("VCAMERADIR", raising=False)
    monkeypatch.setenv("IOLIBS", os.environ["IOLIBS"].replace("vusb", "iolibs"))
    from spectra_tui.capture import detect_cameras

    if detect_cameras():
        pytest.skip("a real camera is connected")
