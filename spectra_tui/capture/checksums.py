"""Copy a file while hashing it, and verify the copy against the disk."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

CHUNK_SIZE = 1024 * 1024


class ChecksumMismatch(Exception):
    pass


def copy_and_hash(source: Path, target: Path) -> tuple[str, int]:
    """Copy ``source`` to a new file ``target``; return (sha256 hex, size).

    The source is read once: the hash is computed from the bytes as they pass.
    The target is not yet flushed to disk; see :func:`sync_and_verify`.
    """
    digest = hashlib.sha256()
    size = 0
    with open(source, "rb") as reader, open(target, "xb") as writer:
        while chunk := reader.read(CHUNK_SIZE):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def write_and_hash(data: bytes | memoryview, target: Path) -> str:
    with open(target, "xb") as writer:
        writer.write(data)
    return hashlib.sha256(data).hexdigest()


def sync_and_verify(path: Path, expected_sha256: str) -> None:
    """Flush ``path`` to the disk, then hash it as read back from the disk.

    The page cache is dropped for the file between the two, so the check reads
    what the disk holds, not the bytes still sitting in memory.
    """
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
        _drop_cached_pages(handle.fileno())
    if sha256_of_file(path) != expected_sha256:
        raise ChecksumMismatch(path)


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as reader:
        while chunk := reader.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def _drop_cached_pages(fd: int) -> None:
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        # Some filesystems don't take advice; the check still runs.
        with contextlib.suppress(OSError):
            advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
