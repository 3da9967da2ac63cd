"""Running a test file in a fresh Python process (libgphoto2's virtual camera
keeps state in the process after a failed capture)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_pytest_alone(path: str) -> None:
    """Run the tests of ``path`` (a file pytest does not collect by itself) in a new process."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", path],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    if result.returncode == 0 and " skipped" in result.stdout and " passed" not in result.stdout:
        pytest.skip(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
