"""The presentation's external viewer (capture/viewer.py) with a fake mpv on
PATH: the files in order, next / previous / go to, which image is shown, and
that the viewer never outlives its close(), nor the app (exit, crash, kill)."""
import os
import subprocess
import sys
import textwrap
import time

import pytest

from spectra_tui.capture import viewer as viewer_module
from spectra_tui.capture.viewer import ImvViewer, MpvViewer, ViewerError, find_viewer, has_display, start_viewer
from viewers import install_fake_viewer, viewer_log


def gone(pid: int, timeout: float = 5.0) -> bool:
    """The process ``pid`` has ended (reaped, or a zombie no one waited for)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(") ", 1)[1].startswith("Z"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def paths(tmp_path):
    return [tmp_path / f"{n:04d}.jpg" for n in (1, 2, 4)]


def test_mpv_shows_the_files_in_order_and_is_driven(tmp_path, paths, monkeypatch):
    log = install_fake_viewer(tmp_path / "bin", "mpv", monkeypatch)
    viewer = start_viewer(paths)
    try:
        assert isinstance(viewer, MpvViewer) and viewer.drivable
        assert viewer.current() == 0
        argv = viewer_log(log)[0]["argv"]
        assert argv[argv.index("--") + 1:] == [str(p) for p in paths]
        assert "--fs" in argv and f"--input-ipc-server={viewer.socket_path}" in argv
        assert viewer.next() == 1
        assert viewer.previous() == 0
        assert viewer.previous() == 2  # loops to the last
        assert viewer.go_to(1) == 1
        commands = [entry["command"] for entry in viewer_log(log)[1:] if entry["command"][0] != "get_property"]
        assert commands == [
            ["playlist-next", "weak"],
            ["playlist-prev", "weak"],
            ["playlist-prev", "weak"],
            ["set_property", "playlist-pos", 1],
        ]
        with pytest.raises(ViewerError, match="mpv refused"):
            viewer.command("no-such-command")
        pid = viewer.process.pid
        assert viewer_log(log)[0]["pgid"] == pid  # its own process group
    finally:
        viewer.close()
    assert gone(pid) and not viewer.running and not viewer.folder.exists()


def test_the_viewer_never_outlives_the_app(tmp_path, monkeypatch):
    """A Python process starts a viewer then ends: normally, on an uncaught
    error (atexit), or killed outright (the kernel's parent-death signal)."""
    log = install_fake_viewer(tmp_path / "bin", "mpv", monkeypatch)
    for ending in ("pass", "raise RuntimeError('crash')", "os.kill(os.getpid(), signal.SIGKILL)"):
        log.unlink(missing_ok=True)
        script = textwrap.dedent(f"""
            import os, signal
            from spectra_tui.capture.viewer import start_viewer
            viewer = start_viewer(['a.jpg', 'b.jpg'])
            viewer.current()  # wait until it answers
            {ending}
        """)
        subprocess.run([sys.executable, "-c", script],
                       env=os.environ | {"PYTHONPATH": os.getcwd(), "TMPDIR": str(tmp_path)},  # its socket folder
                       capture_output=True, timeout=20, check=False)
        assert gone(viewer_log(log)[0]["pid"]), ending


def test_imv_is_driven_with_imv_msg(tmp_path, paths, monkeypatch):
    log = install_fake_viewer(tmp_path / "bin", "imv", monkeypatch)
    msg = tmp_path / "bin" / "imv-msg"
    msg.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                   "open(os.environ['SPECTRA_FAKE_VIEWER_LOG'], 'a').write(json.dumps({'msg': sys.argv[1:]}) + '\\n')\n")
    msg.chmod(0o755)
    viewer = start_viewer(paths)
    try:
        assert isinstance(viewer, ImvViewer)
        assert (viewer.next(), viewer.next(), viewer.next(), viewer.previous(), viewer.go_to(1)) == (1, 2, 0, 2, 1)
        pid = str(viewer.process.pid)
        assert [entry["msg"] for entry in viewer_log(log) if "msg" in entry] == [
            [pid, "goto", "2"], [pid, "goto", "3"], [pid, "goto", "1"], [pid, "goto", "3"], [pid, "goto", "2"]]
    finally:
        viewer.close()


def test_which_viewer_best_first_and_the_plain_ones_cannot_be_driven(tmp_path, paths, monkeypatch):
    installed = {"feh", "nsxiv", "imv", "mpv"}
    which = lambda name: f"/usr/bin/{name}" if name in installed else None  # noqa: E731
    assert find_viewer(which) == ("mpv", "/usr/bin/mpv")
    installed.discard("mpv")
    assert find_viewer(which) == ("feh", "/usr/bin/feh")  # imv without imv-msg cannot be driven
    installed.add("imv-msg")
    assert find_viewer(which) == ("imv", "/usr/bin/imv")
    installed.discard("imv")
    installed.update({"imv-x11", "imv-wayland"})  # Debian's imv package
    assert find_viewer(which, {"DISPLAY": ":0"}) == ("imv", "/usr/bin/imv-x11")
    assert find_viewer(which, {"WAYLAND_DISPLAY": "wayland-0"}) == ("imv", "/usr/bin/imv-wayland")
    installed.discard("imv-x11")
    assert find_viewer(which, {"DISPLAY": ":0"}) == ("feh", "/usr/bin/feh")  # imv-wayland needs Wayland
    installed.clear()
    assert find_viewer(which) == ("", None)

    install_fake_viewer(tmp_path / "bin", "feh", monkeypatch)
    viewer = start_viewer(paths)
    try:
        assert not viewer.drivable and viewer.argv[1:3] == ["-F", "-Z"]
        with pytest.raises(ViewerError, match="install mpv"):
            viewer.next()
    finally:
        viewer.close()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ViewerError, match="No image viewer is installed"):
        start_viewer(paths)
    assert viewer_module._running == set()


def test_a_display_is_x11_or_wayland():
    assert has_display({"DISPLAY": ":0"}) and has_display({"WAYLAND_DISPLAY": "wayland-0"})
    assert not has_display({}) and not has_display({"DISPLAY": ""})
