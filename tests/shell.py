"""`spectra ARGS` run for the CLI's tests, the one way: as a shell runs it (a
new process: `spectra`), or in this process (`run_here`: faster, and
monkeypatch reaches into it).

Neither passes on this process's SPECTRA_USER, SPECTRA_PASSWORD or
VCAMERADIR: a test says whom a command runs as, and which camera it sees,
in ``env``. Standard input is empty unless a test gives one (a command that
would ask at a terminal must say so, not wait). Output never holds a
traceback.
"""
import io
import os
import subprocess
import sys
from pathlib import Path

from spectra_tui.cli import main
from spectra_tui.data import db as dbmod, users

SCRIPT = Path(sys.executable).with_name("spectra")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "spectra_tui"]
NOT_PASSED_ON = ("SPECTRA_USER", "SPECTRA_PASSWORD", "VCAMERADIR")


def spectra(*args, env: dict | None = None, timeout: float = 300, umask: int | None = None
            ) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in NOT_PASSED_ON}
    environment.update(env or {})
    result = subprocess.run(COMMAND + [str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                            env=environment, stdin=subprocess.DEVNULL,
                            preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def run_here(capsys, monkeypatch, *args, env: dict | None = None, stdin=None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `spectra ARGS` run in this process."""
    for name in NOT_PASSED_ON:
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdin", io.StringIO("") if stdin is None else stdin)
    try:
        code = main([str(arg) for arg in args])
    finally:
        dbmod.close_database()
        users.sign_in(None)
        for name in env or {}:
            monkeypatch.delenv(name, raising=False)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


class Terminal(io.StringIO):
    """Standard input that is a terminal."""

    def isatty(self):
        return True

