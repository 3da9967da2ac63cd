"""The rooms stay apart: data/ and capture/ never import Textual."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "spectra_tui"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("room", ["data", "capture"])
def test_room_never_imports_textual(room):
    offenders = []
    for path in sorted((PACKAGE / room).rglob("*.py")):
        bad = {m for m in imported_modules(path) if m.split(".")[0] in ("textual", "textual_image", "rich")}
        if bad:
            offenders.append(f"{path.relative_to(PACKAGE)}: {', '.join(sorted(bad))}")
    assert offenders == []


def test_architecture_scan_sees_the_modules():
    # Guard against the test above passing because it found no files.
    assert len(list((PACKAGE / "data").glob("*.py"))) >= 10
