"""`spectra` and its database targets as a user meets them (issue 9 §5, §7):
refusals in one line with exit 2, a new studio only from init or demo, a
crash in one line with the traceback in a log file and never on screen."""
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import shell
from shell import spectra

REPO = Path(__file__).resolve().parents[1]


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("spectra: ")
    return lines[0]


def test_a_mistyped_path_is_refused_and_nothing_is_made(tmp_path):
    typo = tmp_path / "studoi" / "studio.db"
    result = spectra("--db", typo, "sessions")
    assert result.returncode == 2
    assert one_line(result) == (f"spectra: no studio at {typo}; `spectra init --db {typo}` makes a new one, "
                                f"`spectra demo --db {typo}` a demo.")
    assert not (tmp_path / "studoi").exists()


def test_init_makes_an_owner_only_studio_and_refuses_an_existing_one(tmp_path):
    target = tmp_path / "new" / "place" / "studio.db"
    made = spectra("init", "--db", target, umask=0)
    assert made.returncode == 0, made.stderr
    for folder in (tmp_path / "new", tmp_path / "new" / "place"):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("SELECT count(*) FROM schema_migration").fetchone()[0] >= 1
        assert conn.execute("SELECT count(*) FROM client").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM user").fetchone()[0] == 0
    finally:
        conn.close()
    again = spectra("--db", target, "init")
    assert again.returncode == 2 and "already a studio" in one_line(again)
    assert spectra("--db", target, "check").returncode == 0


@pytest.mark.parametrize("target, words", [
    ("foo://bar", "neither a SQLite file"),
    ("postgresql://", "names no database"),
    ("\x01\x02garbage", "no studio at"),
])
def test_targets_that_are_no_studio_get_one_line_and_exit_2(target, words):
    for result in (spectra("--db", target, "check"), spectra("check", env={"SPECTRA_DB": target})):
        assert result.returncode == 2
        assert words in one_line(result)


def test_a_studio_upgraded_by_a_newer_spectra_is_refused(tmp_path):
    target = tmp_path / "studio.db"
    assert spectra("init", "--db", target).returncode == 0
    conn = sqlite3.connect(target)
    conn.execute("INSERT INTO schema_migration (name, applied) VALUES ('0042_newer', '2031-01-01 00:00:00')")
    conn.commit()
    conn.close()
    for args in (["check"], ["sessions"], []):  # [] opens the app
        result = spectra("--db", target, *args)
        assert result.returncode == 2
        assert one_line(result) == ("spectra: this studio was upgraded by a newer Spectra (0042_newer): "
                                    "upgrade this terminal.")


def test_demo_refuses_a_studio_holding_only_settings_or_holidays(tmp_path):
    target = tmp_path / "studio.db"
    assert spectra("init", "--db", target).returncode == 0
    conn = sqlite3.connect(target)
    conn.execute("INSERT INTO holiday (day, name) VALUES ('2031-12-25', 'Christmas')")
    conn.commit()
    conn.close()
    result = spectra("--db", target, "demo", "--clients", 5)
    assert result.returncode == 2 and "already holds data" in one_line(result)


def test_two_demos_at_once_on_one_new_file(tmp_path):
    target = tmp_path / "studio.db"
    procs = [subprocess.Popen(shell.COMMAND + ["--db", str(target), "demo", "--clients", "20"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(proc.wait(300), *proc.communicate()) for proc in procs]
    for _, out, err in results:
        assert "Traceback" not in err, err
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, _, err in results if code == 2)
    assert "already holds data" in refused
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("SELECT count(*) FROM client").fetchone()[0] == 20
    finally:
        conn.close()


CRASHING_COMMAND = """
import sys
from spectra_tui.cli import main, sessions

def run(args):
    card_number = "4111 1111 1111 1111"  # a local variable that must never reach the screen
    raise RuntimeError("forced crash")

sessions.run = run
sys.exit(main(sys.argv[1:]))
"""

CRASHING_APP = """
import sys
from spectra_tui.app import SpectraApp
from spectra_tui.cli import main

def on_ready(self):
    card_number = "4111 1111 1111 1111"  # a local variable that must never reach the screen
    raise RuntimeError("forced crash in the app")

real_run = SpectraApp.run
SpectraApp.on_ready = on_ready
SpectraApp.run = lambda self, **kw: real_run(self, headless=True, **kw)
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("script, args, message", [
    (CRASHING_COMMAND, ["sessions"], "forced crash"),
    (CRASHING_APP, [], "forced crash in the app"),
])
def test_a_crash_exits_non_zero_with_one_line_and_logs_the_traceback(tmp_path, script, args, message):
    target = tmp_path / "studio.db"
    assert spectra("init", "--db", target).returncode == 0
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", script, "--db", str(target), *args],
                            capture_output=True, text=True, timeout=120, env=env)
    log = tmp_path / "state" / "spectra-tui" / "log" / "crash.log"
    assert result.returncode != 0
    assert result.stderr.strip() == f"spectra: unexpected error (RuntimeError); the details are in {log}"
    assert "4111" not in result.stdout + result.stderr
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and f"RuntimeError: {message}" in text
    assert "4111" not in text  # a traceback, not the locals
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
