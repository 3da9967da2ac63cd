"""`spectra` in a real pseudo-terminal, for tests that must start from the
bytes a terminal sends: a burst typed ahead arrives in ONE read, which
Pilot (it paces its keys) never does."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from textual import events

ROOT = Path(__file__).resolve().parents[2]
ESCAPES = re.compile(r"\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])")

# The bytes an xterm sends for the keys the tests type.
CTRL_N, CTRL_W, TAB, ENTER, ESCAPE, F5 = "\x0e", "\x17", "\t", "\r", "\x1b", "\x1b[15~"


class Terminal:
    """The app on a pseudo-terminal of ``size``; ``send`` writes keys in one write."""

    def __init__(self, db: Path, size: tuple[int, int] = (120, 40), user: str = "rita") -> None:
        self._master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "PYTHONPATH": str(ROOT),
            "SPECTRA_KEYS": str(db.parent / "no-user-keys.toml"),
            "SPECTRA_USER": user,
        }
        env.pop("TEXTUAL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "spectra_tui", "--db", str(db)],
            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, cwd=db.parent,
        )
        os.close(slave)
        self._output: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            self._output.append(data)

    def text(self) -> str:
        """Everything drawn so far, without the escape sequences."""
        return ESCAPES.sub("", b"".join(self._output).decode("utf-8", "replace"))

    def wait_for(self, words: str, timeout: float = 30.0) -> None:
        """Until ``words`` have been drawn."""
        deadline = time.monotonic() + timeout
        while words not in self.text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{words!r} never shown; last drawn: {self.text()[-600:]!r}")
            time.sleep(0.05)

    def sign_in(self, pin: str = "1234") -> None:
        """The app opens on the sign-in, the name (--user) filled in: the PIN, then Enter."""
        self.wait_for("Password or PIN")
        self.send(pin + ENTER)

    def send(self, keys: str) -> None:
        """The keys as one burst: one write, read by the app in one go."""
        os.write(self._master, keys.encode())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self._master)
        self._reader.join(5)


def post_burst(app, keys: list[str]) -> None:
    """Keys posted to the app all at once, as a terminal's one read gives
    them (Pilot's press waits between keys)."""
    for key in keys:
        character = {"tab": "\t", "enter": "\r"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))
