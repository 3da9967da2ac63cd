"""The key registry: user remaps from the TOML file reach the bindings and the
Help hub (F1); a broken key file is a readable message and the defaults stay."""
from pathlib import Path

import pytest
from spectra_tui.screens import keymap
from spectra_tui.screens.clients import ClientSearchDialog
from spectra_tui.screens.help import HelpHub


def write_keys(tmp_path, text: str):
    path = tmp_path / "keys.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_keys_are_read_and_unknown_actions_refused(tmp_path):
    assert keymap.load_user_keys(write_keys(tmp_path, '[keys]\nclient_search = "ctrl+l, f9"\n')) == {
        "client_search": "ctrl+l,f9"}
    with pytest.raises(keymap.KeymapError, match="unknown action"):
        keymap.load_user_keys(write_keys(tmp_path, '[keys]\nlaunch_rockets = "f9"\n'))
    with pytest.raises(keymap.KeymapError, match="cannot be read"):
        keymap.load_user_keys(write_keys(tmp_path, "[keys\n"))
    assert keymap.load_user_keys(tmp_path / "missing.toml") == {}


def test_every_action_has_a_unique_id_and_keys():
    ids = [action.id for action in keymap.ACTIONS]
    assert len(ids) == len(set(ids))
    assert all(action.keys for action in keymap.ACTIONS)


async def test_a_remapped_key_opens_client_search_and_help_shows_it(make_app, tmp_path):
    app = make_app(keys_file=write_keys(tmp_path, '[keys]\nclient_search = "f9"\n'))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, ClientSearchDialog)
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpHub)
        screen_text = app.export_screenshot()
        assert "Client&#160;Search" in screen_text and "F9" in screen_text


async def test_a_broken_key_file_is_said_and_the_defaults_work(make_app, tmp_path):
    app = make_app(keys_file=write_keys(tmp_path, '[keys]\nlaunch_rockets = "f9"\n'))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert any("unknown action" in n.message for n in app._notifications)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, ClientSearchDialog)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_help_snapshot(snap_compare, make_app, size):
    app = make_app(keys_file=Path("/etc/spectra-tui/keys.toml"))  # the same path on every machine
    assert snap_compare(app, press=["f1"], terminal_size=size)
