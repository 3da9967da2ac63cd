"""The record of one image stored in a session folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class ImportedImage:
    """One image in a session: what the session-images table stores, plus paths.

    ``number`` is the image's number within its session, the one printed on
    invoice lines and shown in the presentation. ``width``/``height`` are the
    picture as it is shown (EXIF orientation applied); both are ``None`` for RAW
    files, which are stored without previews.
    """

    session_number: str
    number: int
    original_name: str
    stored_name: str
    sha256: str
    width: int | None
    height: int | None
    size_bytes: int
    imported_at: datetime
    original_path: Path
    preview_path: Path | None
    thumb_path: Path | None
    source: str = ""

    @property
    def has_previews(self) -> bool:
        return self.preview_path is not None and self.thumb_path is not None
