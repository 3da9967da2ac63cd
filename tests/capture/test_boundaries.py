"""capture/ stays free of the UI, of data/, and of gphoto2 until a camera is used."""

import ast
import subprocess
import sys
from pathlib import Path

import spectra_tui.capture

PACKAGE = Path(spectra_tui.capture.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level >= 2:
            names.add(f"spectra_tui.{node.module or ''}")
    return names


def test_no_module_imports_textual_or_the_data_layer():
    for path in PACKAGE.glob("*.py"):
        for name in imported_modules(path):
            assert not name.startswith("textual"), f"{path.name} imports {name}"
            assert not name.startswith("spectra_tui.data"), f"{path.name} imports {name}"
            assert not name.startswith("spectra_tui.screens"), f"{path.name} imports {name}"


def test_importing_the_package_loads_neither_textual_nor_gphoto2():
    code = (
        "import sys, spectra_tui.capture, spectra_tui.capture.importer, spectra_tui.capture.tether;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'gphoto2')))"
    )
    checkout = PACKAGE.parent.parent
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=checkout)
    assert output.stdout.strip() == "[]"
