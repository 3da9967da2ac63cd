"""Terminal reality: what a plain xterm, tmux or an SSH session
sends for our keys, read by Textual's own parser. A Pilot test presses key
NAMES, which proves nothing about what a terminal can deliver; these tests
start from the bytes."""
import string

import pytest
from textual import events
from textual.binding import Binding
from textual._xterm_parser import XTermParser

from spectra_tui.screens import keymap

# The bytes an xterm sends (no kitty keyboard protocol).
F_KEYS = {"f1": "\x1bOP", "f2": "\x1bOQ", "f3": "\x1bOR", "f4": "\x1bOS", "f5": "\x1b[15~", "f6": "\x1b[17~",
          "f7": "\x1b[18~", "f8": "\x1b[19~", "f9": "\x1b[20~", "f10": "\x1b[21~", "f11": "\x1b[23~",
          "f12": "\x1b[24~"}
# Ctrl+M is Enter, Ctrl+I is Tab, Ctrl+H is Backspace: those three never arrive as themselves.
CTRL_LETTERS = {f"ctrl+{c}": chr(ord(c) - 96) for c in string.ascii_lowercase if c not in "mih"}


def keys_read(data: str) -> list[str]:
    parser = XTermParser()
    read = [*parser.feed(data), *parser.feed("")]  # "": the end of the input (a lone Esc is then Escape)
    return [event.key for event in read if isinstance(event, events.Key)]


# The bytes of the named keys our screens bind.
NAMED_KEYS = {"escape": "\x1b", "enter": "\r", "tab": "\t", "delete": "\x1b[3~", "insert": "\x1b[2~",
              "home": "\x1b[H", "end": "\x1b[F", "pageup": "\x1b[5~", "pagedown": "\x1b[6~",
              "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D", "space": " ",
              "slash": "/", "ctrl+pageup": "\x1b[5;5~", "ctrl+pagedown": "\x1b[6;5~",
              "ctrl+f9": "\x1b[20;5~", "ctrl+f10": "\x1b[21;5~",  # Staff, the setup (also in the palette)
              "ctrl+f7": "\x1b[18;5~", "ctrl+f8": "\x1b[19;5~",  # Session types, Price lists (and the palette)
              "ctrl+f6": "\x1b[17;5~",  # End of Day (also Home's key and the palette)
              "plus": "+", "minus": "-", "equals_sign": "=",  # Order info's quantities
              "left_square_bracket": "[", "right_square_bracket": "]"}  # Order info moves the presentation


def deliverable(key: str) -> bool:
    """Can a plain xterm send this key so that Textual reads it by this name?"""
    if key in F_KEYS or key in CTRL_LETTERS or key in NAMED_KEYS:
        return True
    if len(key) == 1:
        return key.isalnum()  # a letter (an upper-case one is Shift+letter) or a digit
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


@pytest.mark.parametrize("key", sorted(NAMED_KEYS))
def test_the_named_keys_we_bind_arrive_by_their_name(key):
    assert keys_read(NAMED_KEYS[key]) == [key]


def test_every_action_has_a_key_every_terminal_can_send():
    """An action bound only to Ctrl+M, Ctrl+I or an Alt+digit would be out of
    reach in a plain xterm: it needs a fallback (Action.fallback). The client
    record's Alt+1..7 tabs are extras for kitty-protocol terminals: every
    terminal steps the tabs with Ctrl+PgUp/PgDn (client_record.next_tab)."""
    extras = {a.id for a in keymap.actions_in("client_record") if a.id.startswith("client_record.tab_")}
    unreachable = [action.id for action in keymap.ACTIONS
                   if action.id not in extras and not any(deliverable(key) for key in action.default_keys.split(","))]
    assert unreachable == []
    assert all(deliverable(key) for key in keymap.action_of("client_record.next_tab").keys.split(","))


def test_a_ctrl_m_action_with_its_fallback_is_reachable():
    sms = keymap.Action("new_sms", "New SMS Text Message", "ctrl+m", "new_sms", fallback="alt+m")
    assert sms.default_keys == "ctrl+m,alt+m"
    assert not deliverable("ctrl+m") and deliverable("alt+m")
    binding = Binding(sms.default_keys, sms.action)
    assert {b.key for b in Binding.make_bindings([binding])} == {"ctrl+m", "alt+m"}


def test_record_tabs_step_with_keys_every_terminal_sends():
    assert keys_read("\x1b[5;5~") == ["ctrl+pageup"] and keys_read("\x1b[6;5~") == ["ctrl+pagedown"]
    assert keys_read("\x1b1") != ["alt+1"]  # why the client record does not rely on Alt+1..7
