"""Keys of the desktop program whose screens are not built yet (keymap's
``_not_built`` entries): pressed, each says what it will open, so a key
never does nothing. The issue that builds a screen replaces its action in
the registry and drops its line here."""

from . import keymap

WILL_OPEN = {
    "hub_phone_calls": "the Phone Calls hub: the calls logged with every client and the call-backs due",
    "hub_tasks": "the Tasks hub: every open task, whoever it is for (Home lists those due)",
}


def message(action_id: str) -> str:
    """'F8 (Phone Calls) will open the Phone Calls hub: ... It is not built yet.'
    Every key of the action is named: most terminals send Ctrl+M as Enter, so
    there Alt+M is the one pressed."""
    keys = keymap.active().all_keys(action_id)
    description = keymap.action_of(action_id).description
    return f"{keys} ({description}) will open {WILL_OPEN[action_id]}. It is not built yet."
