"""Logging a phone call with a client (the client record's Phone Calls tab).
The rules are in data/phone_calls.py."""

from typing import Any

from ..data import phone_calls as call_data
from ..data.models import Client, PhoneCall
from .dialogs import SmallForm


class PhoneCallDialog(SmallForm):
    """Dismisses with the logged PhoneCall (None on Escape)."""

    FIELDS = [
        ("subject", "About", "what the call was about"),
        ("direction", "Call", "in (they called) or out"),
        ("at", "When", "empty for now, or 9:15am, yesterday 4pm"),
        ("notes", "Notes", ""),
        ("follow_up", "Call back", "a day for a call-back task, or empty"),
    ]

    def __init__(self, client: Client):
        super().__init__()
        self.client = client
        self.TITLE_TEXT = f"Log a phone call · {client.full_name}"

    def initial(self, field: str) -> str:
        return "in" if field == "direction" else ""

    def perform(self, values: dict[str, Any]) -> PhoneCall:
        return call_data.log_call(self.client, **values)
