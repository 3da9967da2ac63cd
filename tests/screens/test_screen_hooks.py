"""The app asks the screen on top through ScreenHooks (screens/base.py): a
screen that misspells a hook would silently lose a feature (F3 in client
fields, Ctrl+D's client, ...), so a near miss of a hook name fails here."""
import ast
import importlib
import pkgutil
from pathlib import Path

from textual.screen import Screen

import spectra_tui.app
import spectra_tui.screens
from spectra_tui.screens.base import SpectraScreen
from spectra_tui.screens.hooks import HOOK_NAMES, ScreenHooks, hooks_of


def all_screen_classes() -> list[type]:
    for module in pkgutil.walk_packages(spectra_tui.screens.__path__, "spectra_tui.screens."):
        importlib.import_module(module.name)
    found, todo = [], [Screen]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("spectra_tui."):
                found.append(sub)
    return found


def edits(a: str, b: str) -> int:
    """Levenshtein distance: letters to insert, delete or change to turn a into b."""
    row = list(range(len(b) + 1))
    for i, letter in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (letter != other))
    return row[-1]


def near_miss(name: str) -> str | None:
    """The hook ``name`` looks like a misspelling of (two letters off, any
    case, underscores around it), or None."""
    if name in HOOK_NAMES or name.startswith("__"):
        return None
    for hook in HOOK_NAMES:
        if edits(name.lower().strip("_"), hook.lower()) <= 2:
            return hook
    return None


def test_the_scan_sees_the_screens():
    names = {cls.__name__ for cls in all_screen_classes()}
    assert {"ClientRecord", "SessionRecord", "InvoiceRecord", "HomeHub", "ClientSearchDialog"} <= names


def test_no_screen_defines_a_near_miss_of_a_hook():
    misses = [f"{cls.__module__}.{cls.__name__}.{name} (meant {near_miss(name)}?)"
              for cls in all_screen_classes() for name in vars(cls) if near_miss(name)]
    assert misses == []


def test_the_screens_that_define_hooks_are_built_on_the_base_classes():
    outside = {cls.__name__ for cls in all_screen_classes()
               if not issubclass(cls, ScreenHooks) and HOOK_NAMES & set(vars(cls))}
    assert outside == set()


def test_the_near_miss_check_catches_misspellings():
    assert near_miss("CAPTURE_F3") == "CAPTURES_F3"
    assert near_miss("captures_f3") == "CAPTURES_F3"
    assert near_miss("task_clients") == "task_client"
    assert near_miss("show_first_date") == "show_first_data"
    assert near_miss("action_open_client") is None and near_miss("refresh_data") is None


def test_hooks_default_to_asking_for_nothing():
    class Plain(Screen):
        pass

    class NotOnTheBase(Screen):  # such a screen in the app fails the test above
        CAPTURES_F3 = True

    for hooks in (hooks_of(Plain()), hooks_of(SpectraScreen())):
        assert hooks.CAPTURES_F3 is False and hooks.task_client is None and hooks.action_new_client is None
        assert hooks.action_save_close is None  # saves nothing: Ctrl+W is left to the field
        assert hooks.show_first_data() is None and hooks.show_booking(None) is None
    assert hooks_of(NotOnTheBase()).CAPTURES_F3 is False  # the app asks it nothing


def test_the_app_reads_no_screen_hook_by_name():
    """app.py asks screens through hooks_of, not getattr/hasattr (Save &
    Close too: ``action_save_close`` is a hook)."""
    probes = []
    for node in ast.walk(ast.parse(Path(spectra_tui.app.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("getattr", "hasattr"):
            target = ast.unparse(node.args[0])
            name = node.args[1].value if isinstance(node.args[1], ast.Constant) else "?"
            if "screen" in target:
                probes.append(f"{node.func.id}({target}, {name!r})")
    assert probes == []
