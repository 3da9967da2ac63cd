"""Terminal reality: what a plain xterm, tmux or an SSH session
sends for our keys, read by Textual's own parser. A Pilot test presses key
NAMES, which proves nothing about what a terminal can deliver; these tests
start from the bytes."""
import string

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from spectra_tui.screens import keymap

# The bytes an xterm sends (no kitty keyboard protocol).
F_KEYS = {"f1": "\x1bOP", "f2": "\x1bOQ", "f3": "\x1bOR", "f4": "\x1bOS", "f5": "\x1b[15~", "f6": "\x1b[17~",
          "f7": "\x1b[18~", "f8": "\x1b[19~", "f9": "\x1b[20~", "f10": "\x1b[21~", "f11": "\x1b[23~",
          "f12": "\x1b[24~"}
# Ctrl+M is Enter, Ctrl+I is Tab, Ctrl+H is Backspace: those three never arrive as themselves.
CTRL_LETTERS = {f"ctrl+{c}": chr(ord(c) - 96) for c in string.ascii_lowercase if c not in "mih"}


def keys_read(data: str) -> list[str]:
    return [event.key for event in XTermParser().feed(data) if isinstance(event, events.Key)]


def deliverable(key: str) -> bool:
    """Can a plain xterm send this key so that Textual reads it by this name?"""
    if key in F_KEYS or key in CTRL_LETTERS:
        return True
    modifiers, _, name = key.rpartition("+")
    # Alt+letter arrives as ESC then the letter; Alt+digit does not (Textual
    # reads ESC+digit as a macOS Option character, e.g. Alt+1 as '¡').
    return modifiers == "alt" and name in string.ascii_lowercase


@pytest.mark.parametrize("key", sorted({*F_KEYS, *CTRL_LETTERS}))
def test_the_bytes_of_an_xterm_reach_the_app_as_the_key_we_bind(key):
    sent = F_KEYS.get(key) or CTRL_LETTERS[key]
    assert keys_read(sent) == [key]


def test_enter_and_tab_are_never_ctrl_m_or_ctrl_i():
    assert keys_read("\r") == ["enter"] and keys_read("\t") == ["tab"]


def test_every_action_has_a_key_every_terminal_can_send():
    """An action bound only to Ctrl+M, Ctrl+I or an Alt+digit would be out of
    reach in a plain xterm: it needs a fallback (AppAction.fallback)."""
    unreachable = [action.id for action in keymap.ACTIONS
                   if not any(deliverable(key) for key in action.default_keys.split(","))]
    assert unreachable == []


def test_a_ctrl_m_action_with_its_fallback_is_reachable():
    sms = keymap.AppAction("new_sms", "New SMS Text Message", "ctrl+m", "new_sms", fallback="alt+m")
    assert sms.default_keys == "ctrl+m,alt+m"
    assert not deliverable("ctrl+m") and deliverable("alt+m")
    binding = keymap.Binding(sms.default_keys, sms.action)
    assert {b.key for b in keymap.Binding.make_bindings([binding])} == {"ctrl+m", "alt+m"}


def test_record_tabs_step_with_keys_every_terminal_sends():
    assert keys_read("\x1b[5;5~") == ["ctrl+pageup"] and keys_read("\x1b[6;5~") == ["ctrl+pagedown"]
    assert keys_read("\x1b1") != ["alt+1"]  # why the client record does not rely on Alt+1..7
