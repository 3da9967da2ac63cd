"""The session image store: one folder a session under the studio image root.

Layout::

    <root>/<session_number>/originals/0001.jpg   the file as shot, never changed
                            previews/0001.jpg    longest side 1600, for the screen
                            thumbs/0001.jpg      longest side 320, for lists
                            images.jsonl         (ManifestRegistry only)

Every image gets the next number of its session, never reused, and every file
is written under a hidden ``.incoming-*.tmp`` name first and renamed into place
(``os.replace`` is atomic), so a half-written file never carries a number.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from .checksums import ChecksumMismatch, sync_and_verify, write_and_hash
from .errors import StoreError
from .previews import PREVIEW_LONGEST_SIDE, THUMB_LONGEST_SIDE, is_previewable, make_previews
from .records import ImportedImage
from .registry import ImageRegistry, ManifestRegistry

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # not on POSIX: the in-process lock still serialises threads
    fcntl = None

IMAGE_ROOT_ENV = "SPECTRA_IMAGE_ROOT"
STAGING_PREFIX = ".incoming-"
STAGING_SUFFIX = ".tmp"
STALE_STAGING_AGE_SECONDS = 12 * 3600
LAST_NUMBER_FILE = ".last-number"
LOCK_FILE = ".lock"
NUMBERED_NAME = re.compile(r"^(\d+)\.[^.]+$")


def default_image_root() -> Path:
    """``$SPECTRA_IMAGE_ROOT``, else the user's Pictures folder / "Spectra"."""
    configured = os.environ.get(IMAGE_ROOT_ENV)
    if configured:
        return Path(configured).expanduser()
    try:
        from platformdirs import user_pictures_path

        return user_pictures_path() / "Spectra"
    except ImportError:
        return Path.home() / "Pictures" / "Spectra"


@dataclass(frozen=True)
class StagingPaths:
    original: Path
    preview: Path
    thumb: Path

    def remove_all(self) -> None:
        for path in (self.original, self.preview, self.thumb):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


@dataclass(frozen=True)
class StagedImage:
    """A verified copy waiting under a temporary name for its number."""

    paths: StagingPaths
    original_name: str
    sha256: str
    size_bytes: int
    source: str = ""
    width: int | None = None
    height: int | None = None
    previews_made: bool = False

    @property
    def suffix(self) -> str:
        return Path(self.original_name).suffix.lower()


def stored_name_for(number: int, original_name: str) -> str:
    return f"{number:04d}{Path(original_name).suffix.lower()}"


class SessionImageStore:
    def __init__(
        self,
        root: Path | str,
        session_number: int | str,
        registry: ImageRegistry | None = None,
        *,
        preview_side: int = PREVIEW_LONGEST_SIDE,
        thumb_side: int = THUMB_LONGEST_SIDE,
    ) -> None:
        self.root = Path(root).expanduser()
        self.session_number = _checked_session_folder_name(session_number)
        self.session_dir = self.root / self.session_number
        self.originals_dir = self.session_dir / "originals"
        self.previews_dir = self.session_dir / "previews"
        self.thumbs_dir = self.session_dir / "thumbs"
        self.registry: ImageRegistry = registry or ManifestRegistry(self.session_dir)
        self.preview_side = preview_side
        self.thumb_side = thumb_side
        self._thread_lock = threading.Lock()
        self._folders_ready = False

    def __repr__(self) -> str:
        return f"SessionImageStore({str(self.session_dir)!r})"

    # -- folders ---------------------------------------------------------------

    def prepare_folders(self) -> None:
        """Create the session's folders; clear temp files left by a crash."""
        if self._folders_ready and self.originals_dir.is_dir():
            return
        try:
            for folder in (self.originals_dir, self.previews_dir, self.thumbs_dir):
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"Cannot create the session image folder {self.session_dir}: "
                f"{error.strerror or error}. Check the studio image folder setting "
                "and that its disk is mounted and writable."
            ) from error
        self.remove_stale_staging_files()
        self._folders_ready = True

    def remove_stale_staging_files(self, older_than: float = STALE_STAGING_AGE_SECONDS) -> int:
        """Delete ``.incoming-*.tmp`` files older than ``older_than`` seconds.

        Younger ones may belong to an import running in another terminal.
        """
        removed = 0
        limit = time.time() - older_than
        for path in self.staging_files():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
        return removed

    def staging_files(self, tag: str = "") -> list[Path]:
        pattern = f"{STAGING_PREFIX}{tag}*{STAGING_SUFFIX}"
        found: list[Path] = []
        for folder in (self.originals_dir, self.previews_dir, self.thumbs_dir):
            if folder.is_dir():
                found.extend(folder.glob(pattern))
        return found

    def staging_paths(self, tag: str, original_name: str) -> StagingPaths:
        suffix = Path(original_name).suffix.lower()
        name = f"{STAGING_PREFIX}{tag}"
        return StagingPaths(
            original=self.originals_dir / f"{name}{suffix}{STAGING_SUFFIX}",
            preview=self.previews_dir / f"{name}.jpg{STAGING_SUFFIX}",
            thumb=self.thumbs_dir / f"{name}.jpg{STAGING_SUFFIX}",
        )

    def preview_path(self, number: int) -> Path:
        return self.previews_dir / f"{number:04d}.jpg"

    def thumb_path(self, number: int) -> Path:
        return self.thumbs_dir / f"{number:04d}.jpg"

    def highest_number_on_disk(self) -> int:
        highest = 0
        if self.originals_dir.is_dir():
            for entry in os.scandir(self.originals_dir):
                match = NUMBERED_NAME.match(entry.name)
                if match:
                    highest = max(highest, int(match.group(1)))
        return highest

    def known_hashes(self) -> set[str]:
        return set(self.registry.known_hashes())

    def number_of(self, sha256: str) -> int | None:
        """The number of the session's image with this content (a duplicate's match)."""
        return self.registry.number_of(sha256)

    # -- adding images ---------------------------------------------------------

    def stage_bytes(self, data: bytes | memoryview, original_name: str, source: str = "") -> StagedImage:
        """Write downloaded bytes under a temporary name, flushed and verified."""
        self.prepare_folders()
        paths = self.staging_paths(uuid.uuid4().hex, original_name)
        try:
            sha256 = write_and_hash(data, paths.original)
            sync_and_verify(paths.original, sha256)
        except ChecksumMismatch as error:
            paths.remove_all()
            raise StoreError(
                f"{original_name} did not verify after saving (checksum mismatch): "
                f"the disk holding {self.root} may be failing."
            ) from error
        except OSError as error:
            paths.remove_all()
            raise StoreError(
                f"Could not save {original_name} into {self.originals_dir}: {error.strerror or error}."
            ) from error
        return StagedImage(paths, original_name, sha256, len(data), source)

    def finish(self, staged: StagedImage) -> ImportedImage | None:
        """Make previews if still missing, then :meth:`commit`.

        A picture whose previews fail is still kept: a camera's shot may be the
        only copy there is. Its record simply has no preview paths.
        """
        if not staged.previews_made and is_previewable(staged.original_name):
            try:
                width, height = make_previews(
                    staged.paths.original,
                    staged.paths.preview,
                    staged.paths.thumb,
                    self.preview_side,
                    self.thumb_side,
                )
                staged = replace(staged, width=width, height=height, previews_made=True)
            except Exception:
                staged.paths.preview.unlink(missing_ok=True)
                staged.paths.thumb.unlink(missing_ok=True)
        return self.commit(staged)

    def add_bytes(self, data: bytes | memoryview, original_name: str, source: str = "") -> ImportedImage | None:
        """Store one downloaded file; ``None`` if the session already has it."""
        return self.finish(self.stage_bytes(data, original_name, source))

    def commit(self, staged: StagedImage) -> ImportedImage | None:
        """Give a staged image the session's next number and record it.

        Returns ``None`` (and removes the staged files) when an image with the
        same content is already recorded. Raises :class:`StoreError` if the
        registry refuses the record; the files are then removed again.
        """
        with self._session_lock():
            if staged.sha256 in self.registry.known_hashes():
                staged.paths.remove_all()
                return None
            number = self._claim_next_number()
            record = self._place(staged, number)
            try:
                self.registry.register(record)
            except Exception as error:
                for path in (record.original_path, record.preview_path, record.thumb_path):
                    if path is not None:
                        path.unlink(missing_ok=True)
                raise StoreError(
                    f"Could not record image {number} of session {self.session_number}: {error}"
                ) from error
            return record

    def _place(self, staged: StagedImage, number: int) -> ImportedImage:
        stored_name = stored_name_for(number, staged.original_name)
        original_path = self.originals_dir / stored_name
        preview_path = thumb_path = None
        if staged.previews_made:
            preview_path, thumb_path = self.preview_path(number), self.thumb_path(number)
            os.replace(staged.paths.preview, preview_path)
            os.replace(staged.paths.thumb, thumb_path)
        # The original goes last: once it carries a number, its previews exist.
        os.replace(staged.paths.original, original_path)
        return ImportedImage(
            session_number=self.session_number,
            number=number,
            original_name=staged.original_name,
            stored_name=stored_name,
            sha256=staged.sha256,
            width=staged.width,
            height=staged.height,
            size_bytes=staged.size_bytes,
            imported_at=datetime.now(UTC),
            original_path=original_path,
            preview_path=preview_path,
            thumb_path=thumb_path,
            source=staged.source,
        )

    def _claim_next_number(self) -> int:
        """Next number after the highest ever used; call with the lock held.

        ``.last-number`` remembers numbers whose files were deleted since, so a
        number printed on an invoice never comes back for another picture.
        """
        marker = self.session_dir / LAST_NUMBER_FILE
        try:
            last_used = int(marker.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            last_used = 0
        number = max(last_used, self.registry.highest_number(), self.highest_number_on_disk()) + 1
        temporary = marker.with_name(f"{LAST_NUMBER_FILE}{STAGING_SUFFIX}")
        temporary.write_text(f"{number}\n")
        os.replace(temporary, marker)
        return number

    @contextlib.contextmanager
    def _session_lock(self) -> Iterator[None]:
        """Serialise numbering across threads, and across processes via flock."""
        self.prepare_folders()
        with self._thread_lock:
            if fcntl is None:
                yield
                return
            with open(self.session_dir / LOCK_FILE, "a+") as lock_file:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def _checked_session_folder_name(session_number: int | str) -> str:
    name = str(session_number).strip()
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise StoreError(f"{session_number!r} is not a usable session number for a folder name.")
    return name
