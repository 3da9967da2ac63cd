"""Demo databases for the benchmarks, built once and kept in benchmarks/.cache/.

A cached file is keyed by the schema (the migrations), the demo generator and
the client search keys, so a change to any of them builds a fresh one. Each
benchmark works on a copy, so the cached file never changes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

try:
    import spectra_tui  # noqa: F401
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import spectra_tui.data as data_package

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
DEMO_DAY = dt.date(2026, 11, 26)  # a fixed day: the same studio every run


def schema_key() -> str:
    """A short hash of what shapes a demo database: migrations, models, demo, client keys."""
    root = Path(data_package.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted((root / "migrations").glob("*.py")) + [root / "models.py", root / "demo.py", root / "clients.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def demo_database(clients: int, progress=None) -> Path:
    """The cached demo database with ``clients`` clients (built on first use)."""
    from spectra_tui.data.db import close_database, open_database
    from spectra_tui.data.demo import fill_demo

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    target = CACHE_DIR / f"demo-{clients}-{schema_key()}.db"
    if target.exists():
        return target
    for stale in CACHE_DIR.glob(f"demo-{clients}-*.db"):
        stale.unlink()
    fd, scratch = tempfile.mkstemp(prefix=f"demo-{clients}-", suffix=".db", dir=CACHE_DIR)
    os.close(fd)
    os.unlink(scratch)
    try:
        open_database(scratch, create=True)
        fill_demo(clients=clients, seed=1, today=DEMO_DAY, progress=progress)
    finally:
        close_database()  # the last connection folds the WAL into the file
    os.replace(scratch, target)
    return target


def working_copy(source: Path, directory: Path) -> Path:
    """A copy of a cached database to work on."""
    copy = directory / source.name
    shutil.copyfile(source, copy)
    return copy
