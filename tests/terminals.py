"""Several terminals (processes) on one studio, released at the same moment,
for the tests of what two terminals doing the same thing at once make, and
for the soak (tests/soak.py)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class TerminalFailed(AssertionError):
    """A terminal ended before it was ready."""


def environment() -> dict[str, str]:
    """The environment of a terminal: this one's, with this checkout's spectra_tui first."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}


def release(commands: list[list[str]], go: Path) -> list[subprocess.Popen]:
    """Start each command (a terminal: it prints "ready", waits for the file
    ``go``, does its work), wait until every one is ready, then make ``go``:
    they start at the same moment. Their stdout and stderr are pipes."""
    env = environment()
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(REPO))
        for command in commands
    ]
    try:
        for proc in procs:
            line = proc.stdout.readline().strip()
            if line != "ready":
                raise TerminalFailed(f"a terminal failed to start: {line} {proc.stderr.read()}")
    except BaseException:
        for proc in procs:
            proc.kill()
        raise
    go.touch()
    return procs


def race(tmp_path: Path, worker_source: str, db_path: str, args_each: list[list[str]]) -> list[dict]:
    """Run ``worker_source`` once per item of ``args_each`` (its argv: the
    database, a "go" file, then those arguments). Each worker prints "ready",
    waits for the go file, does its work and prints one JSON line last; the
    JSON of each, in order."""
    worker = tmp_path / "terminal.py"
    worker.write_text(worker_source)
    go = tmp_path / f"go-{uuid.uuid4().hex}"
    procs = release([[sys.executable, str(worker), db_path, str(go), *args] for args in args_each], go)
    try:
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
