"""Several terminals (processes) on one studio, released at the same moment,
for the tests of what two terminals doing the same thing at once make."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def race(tmp_path: Path, worker_source: str, db_path: str, args_each: list[list[str]]) -> list[dict]:
    """Run ``worker_source`` once per item of ``args_each`` (its argv: the
    database, a "go" file, then those arguments). Each worker prints "ready",
    waits for the go file, does its work and prints one JSON line last; the
    JSON of each, in order."""
    worker = tmp_path / "terminal.py"
    worker.write_text(worker_source)
    go = tmp_path / f"go-{uuid.uuid4().hex}"
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    procs = [
        subprocess.Popen(
            [sys.executable, str(worker), db_path, str(go), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=str(REPO),
        )
        for args in args_each
    ]
    try:
        for proc in procs:
            line = proc.stdout.readline().strip()
            if line != "ready":
                raise AssertionError(f"a terminal failed to start: {line} {proc.stderr.read()}")
        go.touch()
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
