"""Import Images: copy pictures from a folder or memory card into a session.

Originals are copied, never moved, and kept only once their copy's SHA-256,
read back from the disk, matches the source's. A file whose content the session
already has is skipped. JPEG, PNG and TIFF get a preview and a thumbnail; RAW
files (.nef, .cr2, .arw, .dng, ...) are copied and numbered like the others but
get no previews, since Pillow cannot decode them (``ImportResult.without_previews``
lists them). Other files (.xmp sidecars, .txt, videos) and hidden files
(``._IMG_0001.JPG`` from macOS) are left alone and listed in
``ImportResult.ignored``; each duplicate is listed with the number of the image
it matched (``ImportResult.duplicates``).

The per-file work runs in a process pool on every core; numbering happens here,
in the calling thread, in the order of the files' paths, so numbers follow the
order the camera wrote the pictures.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CaptureError, ImportSourceError
from .import_worker import PrepareJob, PrepareOutcome, init_worker, prepare_file
from .previews import is_importable
from .records import ImportedImage
from .store import SessionImageStore


@dataclass(frozen=True)
class ImportProgress:
    done: int
    total: int
    bytes_done: int
    bytes_total: int
    elapsed: float
    images_per_second: float
    eta_seconds: float | None
    current: str = ""

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


ProgressCallback = Callable[[ImportProgress], None]


@dataclass(frozen=True)
class FailedFile:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


@dataclass(frozen=True)
class Duplicate:
    """A file whose content the session already has, as image ``number``."""

    path: Path
    number: int | None  # None: the session's record of it could not be found

    def __str__(self) -> str:
        image = f"image {self.number}" if self.number is not None else "an image of the session"
        return f"{self.path.name} is already {image}"


@dataclass
class ImportResult:
    source: Path
    imported: list[ImportedImage] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    failed: list[FailedFile] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)
    cancelled: bool = False
    stopped_reason: str | None = None
    elapsed: float = 0.0

    @property
    def found_no_pictures(self) -> bool:
        """The source held no picture (nor an unreadable folder) to import."""
        return not (self.imported or self.duplicates or self.failed or self.cancelled or self.stopped_reason)

    @property
    def without_previews(self) -> list[ImportedImage]:
        return [image for image in self.imported if not image.has_previews]

    def summary(self) -> str:
        if self.found_no_pictures:
            return f"No pictures found in {self.source}" + (f"; {self._ignored_text()}." if self.ignored else ".")
        parts = [f"Imported {_count(len(self.imported), 'image')}"]
        if self.imported:
            first, last = self.imported[0].number, self.imported[-1].number
            parts[0] += f" (numbers {first}–{last})" if first != last else f" (number {first})"
        if self.without_previews:
            parts.append(f"{_count(len(self.without_previews), 'RAW file')} without previews")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} already in the session (skipped)")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.ignored:
            parts.append(self._ignored_text())
        text = ", ".join(parts) + "."
        if self.stopped_reason:
            text += f" Stopped: {self.stopped_reason}."
        elif self.cancelled:
            text += " Cancelled before the end."
        return text

    def _ignored_text(self) -> str:
        kind = "not a picture, or hidden" if len(self.ignored) == 1 else "not pictures, or hidden"
        return f"{_count(len(self.ignored), 'other file')} ignored ({kind})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def find_importable_files(source: Path, skip: Path | None = None) -> tuple[list[Path], list[Path], list[FailedFile]]:
    """Walk ``source``: (pictures to import, other files ignored, unreadable folders).

    Hidden files (``._IMG_0001.JPG`` from macOS) are ignored like other
    non-pictures; hidden folders (``.Trashes``) are not walked, nor is ``skip``
    (the image root, when it lies inside the source).
    """
    importable: list[Path] = []
    ignored: list[Path] = []
    unreadable: list[FailedFile] = []
    skip_resolved = skip.resolve() if skip is not None else None

    def note_unreadable(error: OSError) -> None:
        path = Path(error.filename or source)
        unreadable.append(FailedFile(path, f"cannot read this folder: {error.strerror or error}"))

    for folder, subfolders, names in os.walk(source, onerror=note_unreadable):
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith(".") and (Path(folder, name).resolve() != skip_resolved)
        )
        for name in sorted(names):
            path = Path(folder, name)
            (importable if is_importable(name) and not name.startswith(".") else ignored).append(path)
    return importable, ignored, unreadable


def default_worker_count() -> int:
    """One process a core, plus one to keep cores busy while others wait on the disk."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return cores + 1


def process_start_context() -> multiprocessing.context.BaseContext:
    """Start worker processes safely from a threaded program (the TUI runs workers in threads).

    ``fork`` from a threaded process can deadlock a child on a lock some other
    thread held; the forkserver starts children from a clean single-threaded one.
    """
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def prepare_worker_processes() -> None:
    """Start multiprocessing's resource tracker with a real stderr (call on the UI thread
    of a full-screen app before an import).

    The import runs a process pool. Inside a running Textual app ``sys.stderr``
    is Textual's capture, whose ``fileno()`` is -1, and the resource tracker
    refuses to start with it ("bad value(s) in fds_to_keep"): start it once
    here with /dev/null as its stderr, so it never writes over the screen.
    """
    from multiprocessing import resource_tracker

    saved = sys.stderr
    try:
        with open(os.devnull, "w") as devnull:
            sys.stderr = devnull
            resource_tracker.ensure_running()
    finally:
        sys.stderr = saved


def process_pool(workers: int, known_hashes: frozenset[str] = frozenset()) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=process_start_context(),
        initializer=init_worker,
        initargs=(known_hashes,),
    )


def import_folder(
    source: Path | str,
    store: SessionImageStore,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> ImportResult:
    """Import every picture under ``source`` (recursively) into ``store``'s session.

    Blocking: call it from a worker thread. ``progress`` is called from this
    thread after each file; setting ``cancel`` stops the import after the files
    in flight (those already numbered stay). Raises :class:`ImportSourceError`
    or :class:`StoreError` only when nothing can be imported at all; a bad file
    is listed in ``ImportResult.failed`` and the rest go on.
    """
    started = time.monotonic()
    source = Path(source).expanduser()
    if not source.exists():
        raise ImportSourceError(f"The folder {source} does not exist (is the memory card mounted?).")
    if not source.is_dir():
        raise ImportSourceError(f"{source} is not a folder: choose the card or the folder holding the pictures.")
    store.prepare_folders()
    files, ignored, unreadable = find_importable_files(source, skip=store.root)
    result = ImportResult(source=source, ignored=ignored, failed=list(unreadable))
    tracker = _ProgressTracker(files, started, progress)
    tracker.report()
    if files:
        batch = uuid.uuid4().hex[:12]
        try:
            _run_batch(files, batch, store, result, tracker, cancel, workers)
        finally:
            for leftover in store.staging_files(batch):
                leftover.unlink(missing_ok=True)
    result.elapsed = time.monotonic() - started
    return result


def _run_batch(
    files: list[Path],
    batch: str,
    store: SessionImageStore,
    result: ImportResult,
    tracker: _ProgressTracker,
    cancel: threading.Event | None,
    workers: int | None,
) -> None:
    jobs = [
        PrepareJob(path, store.staging_paths(f"{batch}-{index}", path.name), store.preview_side, store.thumb_side)
        for index, path in enumerate(files)
    ]
    pool_size = max(1, min(workers or default_worker_count(), len(jobs)))
    with process_pool(pool_size, frozenset(store.known_hashes())) as pool:
        futures = [pool.submit(prepare_file, job) for job in jobs]
        try:
            for future in futures:
                outcome = _outcome_or_none(future, cancel)
                if outcome is None:
                    result.cancelled = True
                    break
                _settle(outcome, store, result)
                tracker.advance(outcome)
                if outcome.disk_full:
                    result.stopped_reason = "the disk holding the studio image folder is full"
                    break
        except BrokenProcessPool:
            result.stopped_reason = (
                "an image worker process stopped unexpectedly (out of memory?); "
                "run the import again to bring in the rest"
            )
        finally:
            for future in futures:
                future.cancel()


def _outcome_or_none(future: Future, cancel: threading.Event | None) -> PrepareOutcome | None:
    """Wait for one file, watching ``cancel``; ``None`` once it is set."""
    while True:
        if cancel is not None and cancel.is_set():
            return None
        try:
            return future.result(timeout=0.1 if cancel is not None else None)
        except TimeoutError:
            continue


def _settle(outcome: PrepareOutcome, store: SessionImageStore, result: ImportResult) -> None:
    if outcome.duplicate:
        result.duplicates.append(Duplicate(outcome.source, store.number_of(outcome.sha256)))
        return
    if outcome.failure is not None or outcome.staged is None:
        result.failed.append(FailedFile(outcome.source, outcome.failure or "not copied"))
        return
    try:
        record = store.commit(outcome.staged)
    except (CaptureError, OSError) as error:
        outcome.staged.paths.remove_all()
        result.failed.append(FailedFile(outcome.source, str(error)))
        return
    if record is None:
        result.duplicates.append(Duplicate(outcome.source, store.number_of(outcome.staged.sha256)))
    else:
        result.imported.append(record)


class _ProgressTracker:
    def __init__(self, files: list[Path], started: float, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.started = started
        self.total = len(files)
        self.bytes_total = sum(_size_or_zero(path) for path in files) if callback else 0
        self.done = 0
        self.bytes_done = 0

    def advance(self, outcome: PrepareOutcome) -> None:
        self.done += 1
        self.bytes_done += outcome.size_bytes
        self.report(outcome.source.name)

    def report(self, current: str = "") -> None:
        if self.callback is None:
            return
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 and self.done else 0.0
        eta = (self.total - self.done) / rate if rate else None
        self.callback(
            ImportProgress(self.done, self.total, self.bytes_done, self.bytes_total, elapsed, rate, eta, current)
        )


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
