"""One registry of the app's actions: id, description, default keys, fallback keys.

The bindings, the footer, the command palette and the Help hub's key map are
all made from ``ACTIONS``. A user remaps keys in a TOML file::

    # ~/.config/spectra-tui/keys.toml
    [keys]
    client_search = "ctrl+l,f6"
    hub_tasks = "alt+t"

Terminal reality: ordinary terminals send Ctrl+M as Enter and Ctrl+I as Tab,
so such shortcuts carry a fallback that every terminal can send.
"""

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding

HUBS_GROUP = "Hubs"
SHORTCUTS_GROUP = "Shortcuts"
GENERAL_GROUP = "General"


@dataclass(frozen=True)
class AppAction:
    id: str
    description: str
    keys: str  # default keys, comma separated (the seed's key first)
    action: str  # Textual action string run on the app
    group: str = SHORTCUTS_GROUP
    fallback: str = ""  # keys for terminals that cannot send the default
    show: bool = True  # shown in the footer
    label: str = ""  # a shorter name for the footer and the key panel (the description otherwise)

    @property
    def default_keys(self) -> str:
        return ",".join(k for k in (self.keys, self.fallback) if k)


def _hub(hub_id: str, title: str, key: str) -> AppAction:
    # The hub bar names every hub and its key, so the footer leaves them out.
    return AppAction(f"hub_{hub_id}", title, key, f"open_hub('{hub_id}')", HUBS_GROUP, show=False)


# Hubs whose screens exist. A later issue adds its hub here and in hubs.HUBS.
ACTIONS: list[AppAction] = [
    _hub("help", "Help", "f1"),
    _hub("home", "Home", "f2"),
    _hub("workflow", "Workflow", "f3"),
    _hub("calendar", "Calendar", "f4"),
    _hub("clients", "Clients", "f5"),
    _hub("sessions", "Sessions", "f6"),
    _hub("invoices", "Invoices", "f7"),
    AppAction("client_search", "Client Search", "ctrl+l", "client_search"),
    AppAction("new_client", "New Client", "ctrl+n", "new_client"),
    AppAction("session_search", "Session Search", "ctrl+s", "session_search"),
    AppAction("new_booking", "New Appointment/Session", "ctrl+p", "new_booking", label="Schedule"),
    AppAction("new_task", "New Task", "ctrl+d", "new_task", show=False),  # Home says so; Help and Ctrl+O list it
    # Shown and run only on screens that save (SpectraApp.check_action).
    AppAction("save_close", "Save & Close", "ctrl+w", "save_close"),
    AppAction("settings", "Studio Settings", "f10", "open_settings", GENERAL_GROUP, show=False),
    AppAction("shortcuts", "Shortcuts of this screen", "ctrl+o", "toggle_shortcuts", GENERAL_GROUP, label="Keys"),
    AppAction("palette", "Command palette", "ctrl+k", "command_palette", GENERAL_GROUP, show=False, label="Commands"),
    AppAction("quit", "Quit", "ctrl+q", "quit", GENERAL_GROUP, show=False),
]


def config_path() -> Path:
    if os.environ.get("SPECTRA_KEYS"):
        return Path(os.environ["SPECTRA_KEYS"])
    from platformdirs import user_config_path

    return user_config_path("spectra-tui", appauthor=False) / "keys.toml"


class KeymapError(Exception):
    pass


def load_user_keys(path: Path | None = None) -> dict[str, str]:
    """Overrides from the TOML file: action id -> keys. Unknown ids are refused."""
    path = path or config_path()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise KeymapError(f"The key file {path} cannot be read: {exc}") from exc
    keys = data.get("keys", {})
    known = {a.id for a in ACTIONS}
    if not isinstance(keys, dict):
        raise KeymapError(f'{path}: [keys] must be a table of action = "key,key".')
    bad = [k for k in keys if k not in known]
    if bad:
        raise KeymapError(f"{path}: unknown action(s) {', '.join(sorted(bad))}. Known: {', '.join(sorted(known))}.")
    wrong = [k for k, v in keys.items() if not isinstance(v, str) or not v.strip()]
    if wrong:
        raise KeymapError(f'{path}: the keys of {", ".join(wrong)} must be text such as "ctrl+l".')
    return {k: v.replace(" ", "") for k, v in keys.items()}


def bindings() -> list[Binding]:
    """App bindings from the registry (priority: they work inside forms too)."""
    return [
        Binding(
            a.default_keys,
            a.action,
            a.label or a.description,
            show=a.show,
            priority=True,
            id=a.id,
            tooltip=a.description,
        )
        for a in ACTIONS
    ]


def effective_keys(overrides: dict[str, str]) -> dict[str, str]:
    return {a.id: overrides.get(a.id, a.default_keys) for a in ACTIONS}


def display_keys(keys: str) -> str:
    """'ctrl+l,f6' -> 'Ctrl+L / F6'."""

    def one(key: str) -> str:
        return "+".join(part.capitalize() if len(part) > 1 else part.upper() for part in key.split("+"))

    return " / ".join(one(k) for k in keys.split(",") if k)
