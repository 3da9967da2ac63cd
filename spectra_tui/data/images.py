"""A session's images in the database: the ImageRegistry the capture package needs.

capture/ stores the files (``<image root>/<session number>/originals|previews|thumbs``)
and numbers them; this module records each stored image as a ``SessionImage``
row, in one transaction with its audit entry. If the row cannot be written the
store removes the files again, so a file with a number always has its row.

The studio image root is the ``image_root`` setting (shared by every
terminal), else ``capture.default_image_root()`` ($SPECTRA_IMAGE_ROOT, else
~/Pictures/Spectra).

Registry calls may come from a worker thread (an import, the tether's store
thread): each opens the thread's own connection when it has none and closes
it again afterwards (``thread_connection``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from peewee import IntegrityError, fn

from . import audit, clock, settings
from .errors import ValidationError
from .models import Session, SessionImage, database, tuples

IMAGE_ROOT_SETTING = "image_root"
CAPTURE_SOURCE = "capture"
IMPORT_SOURCE = "import"
PREVIEWABLE = (".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff")


@contextlib.contextmanager
def thread_connection() -> Iterator[None]:
    """A database connection for the calling thread for the duration of the block.

    Opens one only when the thread has none, and then closes it at the end; a
    thread that already holds a connection (the UI thread, a worker that opened
    its own) keeps it open. peewee connections are per thread.
    """
    opened = database.is_closed()
    if opened:
        database.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened:
            database.close()


def image_root() -> Path:
    """Where the studio's session folders live."""
    configured = (settings.get(IMAGE_ROOT_SETTING) or "").strip()
    if configured:
        return Path(configured).expanduser()
    from ..capture import default_image_root

    return default_image_root()


def source_kind(source: str) -> str:
    """ "capture" for a picture downloaded from a camera, else "import"."""
    return CAPTURE_SOURCE if (source or "").startswith("camera:") else IMPORT_SOURCE


class SessionImageRegistry:
    """The images recorded for one session (capture's ImageRegistry protocol)."""

    def __init__(self, session: Session) -> None:
        self.session_id = session.id
        self.session_number = session.number

    def known_hashes(self) -> set[str]:
        with thread_connection():
            return {
                sha
                for (sha,) in tuples(
                    SessionImage.select(SessionImage.sha256).where(SessionImage.session == self.session_id)
                )
            }

    def highest_number(self) -> int:
        with thread_connection():
            highest = (
                SessionImage.select(fn.MAX(SessionImage.number)).where(SessionImage.session == self.session_id).scalar()
            )
        return int(highest or 0)

    def number_of(self, sha256: str) -> int | None:
        with thread_connection():
            return (
                SessionImage.select(fn.MIN(SessionImage.number))
                .where((SessionImage.session == self.session_id) & (SessionImage.sha256 == sha256))
                .scalar()
            )

    def register(self, image) -> None:
        """Record one stored image (an ``ImportedImage``) with an audit entry."""
        if str(image.session_number) != str(self.session_number):
            raise ValidationError(
                f"Image {image.number} belongs to session {image.session_number}, not to session {self.session_number}."
            )
        with thread_connection():
            try:
                with database.atomic():
                    row = SessionImage.create(
                        session=self.session_id,
                        number=image.number,
                        original_name=(image.original_name or "")[:255],
                        stored_name=image.stored_name,
                        sha256=image.sha256,
                        width=image.width,
                        height=image.height,
                        source=source_kind(image.source),
                        imported_at=clock.utc_now(),
                    )
                    audit.record("image.add", "session_image", row.id, None, row)
            except IntegrityError:
                raise ValidationError(
                    f"Session {self.session_number} already has an image numbered {image.number} "
                    "or the same picture (recorded from another terminal meanwhile)."
                ) from None


def session_store(session: Session, root: Path | str | None = None):
    """The session's image store (``capture.SessionImageStore``) recording into the database."""
    from ..capture import SessionImageStore

    return SessionImageStore(root if root is not None else image_root(), session.number, SessionImageRegistry(session))


@dataclass(frozen=True)
class ImageFile:
    """One recorded image of a session with the paths of its files."""

    number: int
    original_name: str
    source: str
    width: int | None
    height: int | None
    original: Path
    preview: Path | None  # None when missing (a RAW file, or deleted from disk)
    thumb: Path | None

    @property
    def shown(self) -> Path | None:
        """The file to show on a screen: the preview, else a previewable original."""
        if self.preview is not None:
            return self.preview
        if self.original.suffix.lower() in PREVIEWABLE and self.original.exists():
            return self.original
        return None

    @property
    def for_viewer(self) -> Path | None:
        """The file to give an external fullscreen viewer: the original where it can show it."""
        if self.original.suffix.lower() in PREVIEWABLE and self.original.exists():
            return self.original
        return self.preview


def session_images(session: Session) -> list[SessionImage]:
    """The session's image rows, by number."""
    return list(SessionImage.select().where(SessionImage.session == session.id).order_by(SessionImage.number))


def image_count(session: Session) -> int:
    return SessionImage.select().where(SessionImage.session == session.id).count()


def session_image_files(session: Session, root: Path | str | None = None) -> list[ImageFile]:
    """The session's images by number, with their files under the image root."""
    return image_files(session, session_images(session), root)


def image_files(session: Session, rows: list[SessionImage], root: Path | str | None = None) -> list[ImageFile]:
    """``rows`` (images of ``session``), in their order, with their files under the image root."""
    folder = Path(root if root is not None else image_root()).expanduser() / str(session.number)
    files = []
    for row in rows:
        stem = f"{row.number:04d}.jpg"
        preview, thumb = folder / "previews" / stem, folder / "thumbs" / stem
        files.append(
            ImageFile(
                number=row.number,
                original_name=row.original_name,
                source=row.source,
                width=row.width,
                height=row.height,
                original=folder / "originals" / row.stored_name,
                preview=preview if preview.exists() else None,
                thumb=thumb if thumb.exists() else None,
            )
        )
    return files


def format_duration(seconds: float | None) -> str:
    """'0:07', '3:25', '1:02:09'; '…' when not known yet."""
    if seconds is None or seconds != seconds or seconds < 0:  # None or NaN
        return "…"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_line(progress) -> str:
    """One line about an import in progress (an ``ImportProgress``): count, speed, time left."""
    text = f"{progress.done:,} of {progress.total:,} images"
    if progress.done and progress.images_per_second:
        text += f" · {progress.images_per_second:.1f} images/s"
    if progress.done < progress.total:
        text += f" · {format_duration(progress.eta_seconds)} left"
    else:
        text += f" · {format_duration(progress.elapsed)}"
    return text
