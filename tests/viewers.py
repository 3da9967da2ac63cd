"""Fake viewers on PATH for the presentation tests (see fake_mpv.py)."""
import json
import sys
from pathlib import Path

FAKE_MPV = Path(__file__).with_name("fake_mpv.py")


def install_fake_viewer(folder: Path, name: str, monkeypatch) -> Path:
    """A PATH of one folder holding a fake viewer ``name`` ("mpv": fake_mpv.py;
    any other: a script that records its arguments and waits). Returns the log file."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "viewer.log"
    program = folder / name
    if name == "mpv":
        program.write_text(f"#!{sys.executable}\n" + FAKE_MPV.read_text())
    else:
        program.write_text(
            f"#!{sys.executable}\nimport json, os, sys, time\n"
            f"open(os.environ['SPECTRA_FAKE_VIEWER_LOG'], 'a').write(json.dumps({{'argv': sys.argv}}) + '\\n')\n"
            "time.sleep(60)\n"
        )
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setenv("SPECTRA_FAKE_VIEWER_LOG", str(log))
    return log


def viewer_log(log: Path) -> list[dict]:
    """The lines the fake viewer recorded: its arguments first, then each command."""
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
