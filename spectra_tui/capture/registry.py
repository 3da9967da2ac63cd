"""Where a session's image records live: the boundary to the database.

capture/ never imports data/. The database side implements :class:`ImageRegistry`
for one session (a table of session, number, original_name, stored_name, sha256,
width, height, imported_at); :class:`ManifestRegistry` keeps the same facts in a
JSON-lines file in the session folder, for the CLI without a database;
:class:`InMemoryRegistry` serves tests.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

from .records import ImportedImage


@runtime_checkable
class ImageRegistry(Protocol):
    """The images already recorded for ONE session.

    ``register`` is called while the store holds the session's lock, once per
    image, after its files are in place. If it raises, the store removes the
    files again and the image counts as failed.
    """

    def known_hashes(self) -> set[str]:
        """SHA-256 (hex) of every image recorded for the session."""
        ...

    def highest_number(self) -> int:
        """The highest image number ever recorded for the session, 0 if none."""
        ...

    def number_of(self, sha256: str) -> int | None:
        """The number of the session's image with this content, None if none."""
        ...

    def register(self, image: ImportedImage) -> None: ...


class InMemoryRegistry:
    def __init__(self, images: list[ImportedImage] | None = None) -> None:
        self.images: list[ImportedImage] = list(images or [])

    def known_hashes(self) -> set[str]:
        return {image.sha256 for image in self.images}

    def highest_number(self) -> int:
        return max((image.number for image in self.images), default=0)

    def number_of(self, sha256: str) -> int | None:
        return next((image.number for image in self.images if image.sha256 == sha256), None)

    def register(self, image: ImportedImage) -> None:
        self.images.append(image)


MANIFEST_NAME = "images.jsonl"


class ManifestRegistry:
    """Records kept as one JSON object a line in ``<session>/images.jsonl``."""

    def __init__(self, session_dir: Path) -> None:
        self.path = Path(session_dir) / MANIFEST_NAME

    def entries(self) -> list[dict]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        entries = []
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut short by a crash; the rest is still good
        return entries

    def known_hashes(self) -> set[str]:
        return {entry["sha256"] for entry in self.entries() if "sha256" in entry}

    def highest_number(self) -> int:
        return max((int(entry.get("number", 0)) for entry in self.entries()), default=0)

    def number_of(self, sha256: str) -> int | None:
        return next((int(entry["number"]) for entry in self.entries() if entry.get("sha256") == sha256), None)

    def register(self, image: ImportedImage) -> None:
        line = json.dumps(manifest_entry(image), ensure_ascii=False) + "\n"
        with open(self.path, "a", encoding="utf-8") as manifest:
            manifest.write(line)
            manifest.flush()
            os.fsync(manifest.fileno())


def manifest_entry(image: ImportedImage) -> dict:
    return {
        "session": image.session_number,
        "number": image.number,
        "original_name": image.original_name,
        "stored_name": image.stored_name,
        "sha256": image.sha256,
        "width": image.width,
        "height": image.height,
        "size_bytes": image.size_bytes,
        "imported_at": image.imported_at.isoformat(),
        "source": image.source,
    }
