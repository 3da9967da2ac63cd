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
    screen: str  # "module:Class" under spectra_tui.screens
    short: str = ""  # a shorter name for the hub bar on a narrow terminal (the title otherwise)

    @property
    def action_id(self) -> str:
        """Its key is the registry's (screens/keymap.py), which the user may remap."""
        return f"hub_{self.id}"


HUBS: list[Hub] = [
    Hub("help", "Help", "help:HelpHub"),
    Hub("home", "Home", "home:HomeHub"),
    Hub("workflow", "Workflow", "workflow:WorkflowHub", "Flow"),
    Hub("calendar", "Calendar", "calendar:CalendarHub", "Cal"),
    Hub("clients", "Clients", "clients:ClientsHub"),
    Hub("sessions", "Sessions", "sessions:SessionsHub", "Sess"),
    Hub("invoices", "Invoices", "invoices:InvoicesHub", "Inv"),
    Hub("phone_calls", "Phone Calls", "phone_calls_hub:PhoneCallsHub", "Calls"),
    Hub("messages", "Messages", "messages:MessagesHub", "Msg"),
    Hub("tasks", "Tasks", "tasks_hub:TasksHub"),
    Hub("production", "Production", "production:ProductionHub", "Prod"),
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
