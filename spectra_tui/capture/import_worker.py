"""The per-file work of an import, run in a worker process.

Copy with checksum, verify against the disk, make previews: all under
temporary names chosen by the importer, which later numbers the image (or
throws the files away) in the main process.
"""

from __future__ import annotations

import errno
import os
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .checksums import ChecksumMismatch, copy_and_hash, sync_and_verify
from .previews import is_previewable, make_previews
from .store import StagedImage, StagingPaths


@dataclass(frozen=True)
class PrepareJob:
    source: Path
    paths: StagingPaths
    preview_side: int
    thumb_side: int


@dataclass(frozen=True)
class PrepareOutcome:
    source: Path
    size_bytes: int
    staged: StagedImage | None = None
    duplicate: bool = False
    sha256: str = ""
    failure: str | None = None
    disk_full: bool = False


_known_hashes: frozenset[str] = frozenset()
_disk: ThreadPoolExecutor | None = None


def _disk_thread() -> ThreadPoolExecutor:
    """This process's one thread for flushing and verifying copies."""
    global _disk
    if _disk is None:
        _disk = ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify")
    return _disk


def init_worker(known_hashes: frozenset[str]) -> None:
    """Process-pool initializer: the session's hashes, sent once per worker."""
    global _known_hashes
    _known_hashes = known_hashes
    # Ctrl+C at a shell reaches every process of the command: the importer
    # stops the batch and cleans up; a worker killed mid-file would not.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Medium-format backs exceed Pillow's decompression-bomb warning size.
    Image.MAX_IMAGE_PIXELS = 400_000_000


def prepare_file(job: PrepareJob) -> PrepareOutcome:
    source, paths = job.source, job.paths
    try:
        sha256, size = copy_and_hash(source, paths.original)
        if sha256 in _known_hashes:
            paths.remove_all()  # dropped before any fsync: a re-import stays cheap
            return PrepareOutcome(source, size, duplicate=True, sha256=sha256)
        # The disk work (flush the copy, read it back, hash it) runs beside
        # the previews' decoding, which reads the source the copy was made
        # from: both wait on other things than the CPU of this process. A
        # copy that does not verify throws the previews away with it.
        verifying = _disk_thread().submit(sync_and_verify, paths.original, sha256)
        try:
            width = height = None
            previews_made = False
            if is_previewable(source.name):
                width, height = make_previews(source, paths.preview, paths.thumb, job.preview_side, job.thumb_side)
                previews_made = True
        finally:
            verifying.result()  # re-raises a checksum mismatch or a disk error
    except Exception as error:  # every failure becomes a readable line in the result
        paths.remove_all()
        return PrepareOutcome(
            source,
            _size_or_zero(source),
            failure=describe_failure(error, source),
            disk_full=isinstance(error, OSError) and error.errno == errno.ENOSPC,
        )
    staged = StagedImage(paths, source.name, sha256, size, str(source), width, height, previews_made)
    return PrepareOutcome(source, size, staged=staged)


def describe_failure(error: BaseException, source: Path) -> str:
    kind = source.suffix.lstrip(".").upper() or "image"
    if isinstance(error, UnidentifiedImageError):
        return f"not a readable {kind} picture (the file is damaged or is not really an image)"
    if isinstance(error, Image.DecompressionBombError):
        return "the picture is too large to make previews of"
    if isinstance(error, ChecksumMismatch):
        return (
            "the copy did not match the original (checksum mismatch): the card, "
            "reader or disk may be failing; try again"
        )
    if isinstance(error, PermissionError):
        return f"permission denied: {error.filename or source}"
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return "the disk holding the studio image folder is full"
        if error.errno is None:  # Pillow's decoding errors are bare OSErrors
            return f"the {kind} picture is damaged or incomplete ({error})"
        return f"could not read or copy the file: {error.strerror or error}"
    if isinstance(error, (SyntaxError, ValueError)):  # Pillow reports bad headers so
        return f"the {kind} picture is damaged ({error})"
    return f"unexpected error: {error}"


def _size_or_zero(path: Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
