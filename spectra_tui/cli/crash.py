"""An unexpected error: one short line for the person at the terminal, the
full traceback (never local variables) appended to a log file in the user's
log directory (platformdirs: ~/.local/state/spectra-tui/log on Linux)."""

import datetime as dt
import os
import traceback
from pathlib import Path


def log_path() -> Path:
    from platformdirs import user_log_path

    return user_log_path("spectra-tui", appauthor=False) / "crash.log"


def report_crash(error: BaseException) -> str:
    """Log ``error``'s traceback; return the line to show."""
    what = damage(error) or f"unexpected error ({type(error).__name__})"
    path = log_path()
    try:
        from ..data.db import make_folders

        make_folders(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            log.write(f"--- {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} pid {os.getpid()}\n")
            log.write("".join(traceback.format_exception(error)))
    except OSError as log_error:
        return f"{what}; the details could not be written to {path} ({log_error.strerror})."
    return f"{what}; the details are in {path}"


def damage(error: BaseException) -> str | None:
    from ..data.db import one_line, sqlite_damage

    found = sqlite_damage(error)
    return f"the database file is damaged (SQLite says: {one_line(found)})" if found else None
