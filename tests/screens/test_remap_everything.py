"""Every action remapped at once (keys.toml): the bindings, the hub bar, the
key bar, Help and the hints all follow; nothing still shows a default key."""
import importlib
import itertools
import pkgutil
import string

from rich.console import Console
from textual.dom import DOMNode
from textual.widgets import Static

import spectra_tui.screens as screens_package
from spectra_tui.screens import keymap
from spectra_tui.screens.base import HubBar, KeyBar
from spectra_tui.screens.calendar import CalendarHub
from spectra_tui.screens.clients import ClientForm
from spectra_tui.screens.help import HelpHub
from spectra_tui.screens.workflow import WorkflowHub

MODIFIERS = ["ctrl+alt", "ctrl+shift", "alt+shift", "ctrl+alt+shift", "ctrl+super", "alt+super", "shift+super",
             "ctrl+alt+super", "ctrl+shift+super"]


def everything_remapped() -> dict[str, str]:
    """A key of its own for every action, none of them a default key."""
    keys = (f"{m}+{c}" for m, c in itertools.product(MODIFIERS, string.ascii_lowercase + string.digits))
    return {action.id: key for action, key in zip(keymap.ACTIONS, keys, strict=False)}


def write_keys(tmp_path, remap: dict[str, str]):
    path = tmp_path / "keys.toml"
    lines = ["[keys]"] + [f'"{action_id}" = "{key}"' for action_id, key in remap.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def screen_classes() -> list[type]:
    for module in pkgutil.walk_packages(screens_package.__path__, "spectra_tui.screens."):
        importlib.import_module(module.name)
    return [
        cls
        for cls in _subclasses(DOMNode)
        if cls.__module__.startswith("spectra_tui.") and "BINDINGS" in vars(cls)
    ]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_binding_of_every_screen_and_widget_comes_from_the_registry():
    classes = screen_classes()
    assert len(classes) > 30
    for cls in classes:
        for binding in cls.BINDINGS:
            assert binding.id is not None, f"{cls.__name__}: {binding.key} has no id"
            action = keymap.action_of(binding.id)
            assert (binding.key, binding.action) == (action.default_keys, action.action), cls.__name__


def test_every_action_has_enough_unique_keys_for_the_remap():
    remap = everything_remapped()
    assert len(remap) == len(keymap.ACTIONS) and len(set(remap.values())) == len(remap)


def shown(key: str) -> str:
    return keymap.key_display(key)


async def test_with_every_action_remapped_the_screens_show_and_obey_the_new_keys(make_app, tmp_path):
    remap = everything_remapped()
    app = make_app(keys_file=write_keys(tmp_path, remap))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        assert not any(n.severity == "error" for n in app._notifications)  # the file was taken
        bar = str(app.screen.query_one(HubBar).render())
        for hub in ("help", "home", "workflow", "calendar", "clients", "sessions", "invoices"):
            assert shown(remap[f"hub_{hub}"]) in bar
        assert "F2" not in bar

        # A hub opens with its new key; its old one does nothing.
        await pilot.press("f4")
        await pilot.pause()
        assert not isinstance(app.screen, CalendarHub)
        await pilot.press(remap["hub_calendar"])
        await pilot.pause()
        calendar = app.screen
        assert isinstance(calendar, CalendarHub)
        key_bar = str(calendar.query_one(KeyBar).render())
        assert shown(remap["calendar.view"]) in key_bar and shown(remap["calendar.today"]) in key_bar
        status = str(calendar.query_one("#cal-status").render())
        assert shown(remap["calendar.activate"]) in status
        view = calendar.view
        await pilot.press("v")  # the old key
        await pilot.pause()
        assert calendar.view == view
        await pilot.press(remap["calendar.view"])
        await pilot.pause()
        assert calendar.view != view

        # The workflow's hint line names the new keys.
        await pilot.press(remap["hub_workflow"])
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)
        hint = str(app.screen.query_one("#wf-hint").render())
        assert shown(remap["stage_list.go"]) in hint and shown(remap["workflow.advance"]) in hint

        # New Client: the form's hint.
        await pilot.press(remap["new_client"])
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)
        hint = str(app.screen.query_one("#form-keys").render())
        for action_id in ("save_close", "record.close", "client_fields.next_as_typed"):
            assert shown(remap[action_id]) in hint
        await pilot.press(remap["record.close"])
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)

        # Help lists every action with its new key.
        await pilot.press(remap["hub_help"])
        await pilot.pause()
        assert isinstance(app.screen, HelpHub)
        console = Console(width=160, record=True, file=open("/dev/null", "w"))
        console.print(app.screen.query_one("#keymap-table", Static).content)
        help_text = console.export_text()
        for action in keymap.ACTIONS:
            assert shown(remap[action.id]) in help_text, action.id
            assert action.id in help_text
        tips = str(app.screen.query_one("#help-tips").render())
        assert shown(remap["palette"]) in tips and shown(remap["shortcuts"]) in tips


def test_a_screen_action_can_be_remapped_from_a_table_of_its_scope(tmp_path):
    path = tmp_path / "keys.toml"
    path.write_text('[keys]\nclient_search = "f9"\n\n[keys.calendar]\ntoday = "h"\n', encoding="utf-8")
    assert keymap.load_user_keys(path) == {"client_search": "f9", "calendar.today": "h"}


def test_keys_are_written_one_way():
    assert [keymap.key_display(k) for k in ("ctrl+l", "f2", "escape", "a", "X", "ctrl+pagedown", "slash")] == [
        "Ctrl+L", "F2", "Esc", "a", "Shift+X", "Ctrl+PgDn", "/"]


def test_no_scope_is_named_like_an_app_action():
    """In keys.toml `client_search = "f9"` and `client_search.open = "x"`
    could not both be written (TOML: one name is a value or a table)."""
    assert not set(keymap.SCOPES) & {action.id for action in keymap.APP_ACTIONS}
    assert all(action.scope in keymap.SCOPES for action in keymap.SCREEN_ACTIONS)
