"""The hubs (one Textual mode each), in the order of their F-keys.

A hub's screen class is imported when the hub is first opened, so start-up
only pays for the Home hub.
"""

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Hub:
    id: str
    title: str
    key: str
    screen: str  # "module:Class" under spectra_tui.screens


HUBS: list[Hub] = [
    Hub("help", "Help", "F1", "help:HelpHub"),
    Hub("home", "Home", "F2", "home:HomeHub"),
    Hub("workflow", "Workflow", "F3", "workflow:WorkflowHub"),
    Hub("calendar", "Calendar", "F4", "calendar:CalendarHub"),
    Hub("clients", "Clients", "F5", "clients:ClientsHub"),
    Hub("sessions", "Sessions", "F6", "sessions:SessionsHub"),
    Hub("invoices", "Invoices", "F7", "invoices:InvoicesHub"),
]


def screen_factory(hub: Hub):
    module_name, class_name = hub.screen.split(":")

    def make():
        module = importlib.import_module(f"spectra_tui.screens.{module_name}")
        return getattr(module, class_name)()

    return make


def hub_by_id(hub_id: str) -> Hub:
    for hub in HUBS:
        if hub.id == hub_id:
            return hub
    raise KeyError(hub_id)
