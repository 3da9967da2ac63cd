"""Screen previews and thumbnails, made with Pillow.

The order matters for speed: ``draft`` lets libjpeg decode at 1/2, 1/4 or 1/8
scale, ``thumbnail`` shrinks that, and only then ``exif_transpose`` rotates the
small image (rotating the full 24 MP image first costs about four times as much).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

PREVIEWABLE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff"})
RAW_SUFFIXES = frozenset(
    {
        ".nef",
        ".nrw",
        ".cr2",
        ".cr3",
        ".crw",
        ".arw",
        ".srf",
        ".sr2",
        ".dng",
        ".raf",
        ".orf",
        ".rw2",
        ".pef",
        ".srw",
        ".3fr",
        ".iiq",
        ".erf",
        ".kdc",
        ".mos",
        ".x3f",
    }
)
IMPORTABLE_SUFFIXES = PREVIEWABLE_SUFFIXES | RAW_SUFFIXES

PREVIEW_LONGEST_SIDE = 1600
THUMB_LONGEST_SIDE = 320
PREVIEW_QUALITY = 85
THUMB_QUALITY = 80

EXIF_ORIENTATION_TAG = 0x0112
ORIENTATIONS_THAT_SWAP_SIDES = frozenset({5, 6, 7, 8})


def is_previewable(name: str | os.PathLike) -> bool:
    return Path(name).suffix.lower() in PREVIEWABLE_SUFFIXES


def is_importable(name: str | os.PathLike) -> bool:
    return Path(name).suffix.lower() in IMPORTABLE_SUFFIXES


class UnreadablePicture(Exception):
    """A picture file that cannot be shown; the message says why, in words."""


def picture_for_screen(path: Path, longest_side: int = PREVIEW_LONGEST_SIDE) -> Image.Image:
    """``path`` decoded in full, ready to draw: a screen never draws a file itself.

    Drawing a file that turns out truncated, empty or not a picture raised
    inside the terminal's rendering and closed the app; decoding here first
    turns every such file into an :class:`UnreadablePicture` with the reason.
    """
    try:
        with Image.open(path) as image:
            image.draft("RGB", (longest_side, longest_side))
            image.load()
            image.thumbnail((longest_side, longest_side))
            return _as_rgb(ImageOps.exif_transpose(image))
    except Exception as error:  # Pillow raises many kinds for a bad file
        raise UnreadablePicture(_why_unreadable(path, error)) from error


def _why_unreadable(path: Path, error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "the file is missing"
    if isinstance(error, PermissionError):
        return "the file cannot be read (permission denied)"
    try:
        if os.path.getsize(path) == 0:
            return "the file is empty (0 bytes)"
    except OSError:
        pass
    if isinstance(error, UnidentifiedImageError):
        return "the file is not a picture"
    if "truncated" in str(error):
        return "the file is cut short (truncated)"
    return f"the picture is damaged ({error})"


def make_previews(
    image_path: Path,
    preview_path: Path,
    thumb_path: Path,
    preview_side: int = PREVIEW_LONGEST_SIDE,
    thumb_side: int = THUMB_LONGEST_SIDE,
) -> tuple[int, int]:
    """Write a JPEG preview and thumbnail of ``image_path``.

    Returns the original's size as shown (width, height after EXIF rotation).
    Raises Pillow's errors (``UnidentifiedImageError``, ``OSError``) for files
    that are not readable pictures; the caller words them for people.
    """
    with Image.open(image_path) as image:
        shown_size = _shown_size(image)
        image.draft("RGB", (preview_side, preview_side))
        image.thumbnail((preview_side, preview_side))
        preview = _as_rgb(ImageOps.exif_transpose(image))
        icc_profile = image.info.get("icc_profile")
    _save_jpeg(preview, preview_path, PREVIEW_QUALITY, icc_profile)
    thumb = preview.copy()
    thumb.thumbnail((thumb_side, thumb_side))
    _save_jpeg(thumb, thumb_path, THUMB_QUALITY, icc_profile)
    return shown_size


def _shown_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    orientation = image.getexif().get(EXIF_ORIENTATION_TAG, 1)
    if orientation in ORIENTATIONS_THAT_SWAP_SIDES:
        return height, width
    return width, height


def _as_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode.startswith("I;16") or image.mode == "I":
        # 16-bit greyscale (scanner or export TIFFs): scale to 8 bits, don't clip.
        return image.point(lambda value: value / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def _save_jpeg(image: Image.Image, path: Path, quality: int, icc_profile: bytes | None) -> None:
    options: dict[str, Any] = {"quality": quality}
    if icc_profile:
        options["icc_profile"] = icc_profile
    with open(path, "wb") as target:
        image.save(target, "JPEG", **options)
