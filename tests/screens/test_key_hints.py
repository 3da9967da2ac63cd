"""No key is typed into a hint: every text on screen that names a key gets
it from the registry (keymap.key), so it follows the user's remaps."""
import ast
import re
from pathlib import Path

import spectra_tui.screens as screens_package

SCREENS = Path(screens_package.__file__).parent
# What a key looks like in a sentence: Ctrl+X, Alt+X, Shift+X, F1..F12, Esc,
# Enter, Tab, Space, Del, Ins, PgUp/PgDn, the arrows in pairs ("←/→"; a lone
# arrow is a pointer: "→ Fri 12/4"), and a letter in parentheses or after "press".
KEY_WORDS = re.compile(
    r"\b(Ctrl|Alt|Shift)\+|\bF([1-9]|1[0-2])\b|\b(Esc|Escape|Enter|Tab|Space|Del|Ins|PgUp|PgDn)\b|[←→↑↓] ?/? ?[←→↑↓]"
    r"|(?<!\w)\([a-zA-Z]\)|\bpress [a-zA-Z]\b"  # a letter key: "Skip (s)", "press a to add"
)


def docstrings(tree: ast.AST) -> set[int]:
    """ids of the strings that stand alone as statements: docstrings, also of
    attributes (they explain code; no screen shows them)."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def typed_keys() -> list[str]:
    found = []
    for path in sorted(SCREENS.rglob("*.py")):
        if path.name == "keymap.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                if KEY_WORDS.search(node.value):
                    found.append(f"{path.relative_to(SCREENS)}:{node.lineno}: {node.value!r}")
    return found


def test_no_screen_text_types_a_key_name():
    assert typed_keys() == []
