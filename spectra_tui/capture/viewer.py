"""The external image viewer of a sales presentation, run beside the app.

The viewer is a child process on the client-facing display (the DISPLAY /
WAYLAND_DISPLAY the app has) showing the given image files in order. The
app keeps running and drives it:

- mpv through its JSON IPC (``--input-ipc-server``): next, previous, go to
  image N, and it is asked which image it shows (so keys pressed in mpv's
  own window are seen too);
- imv through ``imv-msg PID COMMAND``: next, previous, go to; imv cannot be
  asked, so the position is the one Spectra sent;
- else a plain fullscreen viewer (feh, nsxiv, pqiv), moved with its own keys:
  ``Viewer.drivable`` is False, and ``INSTALL_HINT`` says what to install.

The viewer never outlives the presentation or the app: ``close()`` ends its
process group; every viewer still running is closed at exit (``atexit``);
and on Linux the kernel ends it if the app dies without running atexit
(``PR_SET_PDEATHSIG``). Start viewers from the main thread: the kernel's
signal follows the thread that started the child.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

INSTALL_HINT = "install mpv (sudo apt install mpv) to drive the viewer from Spectra and see which image it shows"
PLAIN_VIEWERS: list[tuple[str, list[str]]] = [
    ("feh", ["-F", "-Z", "--auto-rotate", "-d"]),  # -d draws the file name
    ("nsxiv", ["-f", "-b"]),
    ("pqiv", ["-f"]),
]
MPV_OPTIONS = [
    "--fs",
    "--image-display-duration=inf",
    "--loop-playlist=inf",  # next after the last image shows the first, as in the terminal
    "--force-window=yes",
    "--no-terminal",  # never reads or writes the app's terminal
]
IPC_TIMEOUT = 2.0  # seconds: mpv answers a local socket in well under that
START_TIMEOUT = 10.0  # seconds for mpv to open its IPC socket

_running: set[Viewer] = set()
_running_lock = threading.Lock()


class ViewerError(Exception):
    """The viewer could not start, or stopped answering: a message for people."""


def has_display(environ: dict[str, str] | None = None) -> bool:
    """A graphical display to open a viewer on (none over SSH)."""
    env = os.environ if environ is None else environ
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


PR_SET_PDEATHSIG = 1
# Looked up before any fork: the child only calls it (no dlopen between fork and exec).
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    """In the child before exec: the kernel sends SIGTERM when the app dies (Linux)."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Viewer:
    """A running viewer process showing ``count`` images; the base is a plain
    viewer that cannot be driven (its own keys move it)."""

    drivable = False

    def __init__(self, name: str, argv: list[str], count: int):
        self.name = name
        self.argv = argv
        self.count = count
        self.position = 0  # index of the image shown, as far as Spectra knows
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the viewer in its own process group, its output thrown away."""
        try:
            self.process = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        except OSError as error:
            raise ViewerError(f"The viewer {self.name} could not start ({error.strerror or error}).") from error
        with _running_lock:
            _running.add(self)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def current(self) -> int:
        """The index of the image on the viewer."""
        return self.position

    def next(self) -> int:
        raise ViewerError(f"{self.name} is moved with its own keys: {INSTALL_HINT}.")

    def previous(self) -> int:
        raise ViewerError(f"{self.name} is moved with its own keys: {INSTALL_HINT}.")

    def go_to(self, index: int) -> int:
        raise ViewerError(f"{self.name} is moved with its own keys: {INSTALL_HINT}.")

    def close(self) -> None:
        """End the viewer and everything it started (its process group)."""
        with _running_lock:
            _running.discard(self)
        process = self.process
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue


class MpvViewer(Viewer):
    """mpv driven through its JSON IPC socket (one JSON object a line)."""

    drivable = True

    def __init__(self, program: str, paths: Sequence[Path | str], count: int):
        self.folder = Path(tempfile.mkdtemp(prefix="spectra-viewer-"))
        self.socket_path = self.folder / "mpv.sock"
        argv = [program, *MPV_OPTIONS, f"--input-ipc-server={self.socket_path}", "--", *map(str, paths)]
        super().__init__("mpv", argv, count)
        self._socket: socket.socket | None = None
        self._buffer = b""
        self._request_id = 0
        self._lock = threading.Lock()

    def _connect(self) -> socket.socket:
        if self._socket is not None:
            return self._socket
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if not self.running:
                raise ViewerError("mpv stopped.")
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(IPC_TIMEOUT)
            try:
                connection.connect(str(self.socket_path))
            except OSError:
                connection.close()
                if time.monotonic() > deadline:
                    raise ViewerError("mpv did not open its command socket.") from None
                time.sleep(0.05)
                continue
            self._socket = connection
            return connection

    def command(self, *args: object) -> object:
        """Send one command and return its answer's data (events in between are skipped)."""
        with self._lock:
            connection = self._connect()
            self._request_id += 1
            request = {"command": list(args), "request_id": self._request_id}
            try:
                connection.sendall(json.dumps(request).encode() + b"\n")
                while True:
                    while b"\n" not in self._buffer:
                        chunk = connection.recv(65536)
                        if not chunk:
                            raise ViewerError("mpv closed its command socket.")
                        self._buffer += chunk
                    line, self._buffer = self._buffer.split(b"\n", 1)
                    reply = json.loads(line)
                    if reply.get("request_id") == self._request_id and "error" in reply:
                        break
            except (OSError, ValueError) as error:
                self._drop_socket()
                raise ViewerError(f"mpv did not answer ({error}).") from error
        if reply["error"] != "success":
            raise ViewerError(f"mpv refused {args[0]}: {reply['error']}.")
        return reply.get("data")

    def current(self) -> int:
        position = self.command("get_property", "playlist-pos")
        if isinstance(position, int) and position >= 0:
            self.position = position
        return self.position

    def next(self) -> int:
        self.command("playlist-next", "weak")
        return self.current()

    def previous(self) -> int:
        self.command("playlist-prev", "weak")
        return self.current()

    def go_to(self, index: int) -> int:
        self.command("set_property", "playlist-pos", index % self.count)
        return self.current()

    def _drop_socket(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self._buffer = b""

    def close(self) -> None:
        self._drop_socket()
        super().close()
        shutil.rmtree(self.folder, ignore_errors=True)


class ImvViewer(Viewer):
    """imv driven with ``imv-msg PID COMMAND``; the position is the one sent."""

    drivable = True

    def __init__(self, program: str, imv_msg: str, paths: Sequence[Path | str], count: int):
        super().__init__("imv", [program, "-f", "--", *map(str, paths)], count)
        self.imv_msg = imv_msg

    def _send(self, *words: str) -> None:
        if self.process is None or not self.running:
            raise ViewerError("imv stopped.")
        try:
            done = subprocess.run(
                [self.imv_msg, str(self.process.pid), *words],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=IPC_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ViewerError(f"imv-msg did not answer ({error}).") from error
        if done.returncode != 0:
            raise ViewerError(f"imv-msg failed: {done.stderr.decode(errors='replace').strip()}")

    def go_to(self, index: int) -> int:
        self.position = index % self.count
        self._send("goto", str(self.position + 1))  # imv counts from 1
        return self.position

    def next(self) -> int:
        return self.go_to(self.position + 1)

    def previous(self) -> int:
        return self.go_to(self.position - 1)


def imv_programs(environ: dict[str, str] | None = None) -> list[str]:
    """imv's programs that can open a window here (Debian ships imv-x11 and
    imv-wayland; the Wayland one only under Wayland)."""
    env = os.environ if environ is None else environ
    return ["imv", "imv-wayland", "imv-x11"] if env.get("WAYLAND_DISPLAY") else ["imv", "imv-x11"]


def find_viewer(
    which: Callable[[str], str | None] = shutil.which, environ: dict[str, str] | None = None
) -> tuple[str, str | None]:
    """The best viewer installed: (kind, program) with kind "mpv", "imv" or a
    plain viewer's name; ("", None) when none is."""
    mpv = which("mpv")
    if mpv:
        return "mpv", mpv
    imv_msg = which("imv-msg")
    for name in imv_programs(environ):
        program = which(name)
        if program and imv_msg:
            return "imv", program
    for name, _ in PLAIN_VIEWERS:
        program = which(name)
        if program:
            return name, program
    return "", None


def start_viewer(paths: Sequence[Path | str]) -> Viewer:
    """Start the best installed viewer on ``paths`` (in that order) and return it.

    Raises ViewerError when no viewer is installed or it cannot start.
    """
    if not paths:
        raise ViewerError("There are no images to show.")
    kind, program = find_viewer()
    viewer: Viewer
    if program is None:
        names = ["mpv", "imv", *(name for name, _ in PLAIN_VIEWERS)]
        raise ViewerError(f"No image viewer is installed ({', '.join(names)}): {INSTALL_HINT}.")
    if kind == "mpv":
        viewer = MpvViewer(program, paths, len(paths))
    elif kind == "imv":
        viewer = ImvViewer(program, shutil.which("imv-msg") or "imv-msg", paths, len(paths))
    else:
        options = dict(PLAIN_VIEWERS)[kind]
        viewer = Viewer(kind, [program, *options, "--", *map(str, paths)], len(paths))
    viewer.start()
    return viewer


def close_all_viewers() -> None:
    """End every viewer still running (at the app's exit, normal or not)."""
    with _running_lock:
        viewers = list(_running)
    for viewer in viewers:
        viewer.close()


atexit.register(close_all_viewers)
