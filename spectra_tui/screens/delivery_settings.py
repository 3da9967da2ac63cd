"""Delivery settings (the Messages hub's key; Studio Settings names it): how
this machine sends emails (SMTP: host, port, security, login, the From
address) and text messages (an HTTP gateway, or an email-to-SMS address).
A manager or the owner saves them (data/delivery_settings.py keeps them in
a 0600 file of this machine, never in the database). A password or token is
never shown: its field stays empty, typed characters are masked, and an
empty field keeps the saved one."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.widget import Widget
from textual.widgets import Input

from ..data import delivery
from ..data import delivery_settings as settings_data
from ..data.errors import ValidationError
from ..data.permissions import Permission, why_not
from . import keymap
from .dialogs import NO_VALIDATION, WRITE_ERRORS, SmallForm, readable
from .wizard.fields import ChoiceField

SECURITY_CHOICES = [("starttls", "STARTTLS (port 587)"), ("tls", "TLS (port 465)"), ("none", "none (this network)")]
SMS_CHOICES = [("none", "no SMS"), ("gateway", "HTTP gateway"), ("email", "email-to-SMS address")]
CHOICES = {"smtp_security": SECURITY_CHOICES, "sms_method": SMS_CHOICES}


class DeliverySettingsDialog(SmallForm):
    """Dismisses with the saved DeliverySettings (None on Escape)."""

    DEFAULT_CSS = """
    DeliverySettingsDialog > Vertical { width: 90; }
    DeliverySettingsDialog .field-label { width: 16; }
    DeliverySettingsDialog ChoiceField { background: $boost; }
    DeliverySettingsDialog ChoiceField:focus { background: $accent 30%; }
    """
    TITLE_TEXT = "Delivery settings of this machine (emails and text messages)"
    FIELDS = [
        ("smtp_host", "Mail server", "e.g. smtp.example.com"),
        ("smtp_port", "Port", "587"),
        ("smtp_security", "Security", ""),
        ("smtp_username", "User name", ""),
        ("smtp_password", "Password", ""),
        ("from_address", "From", "studio@example.com"),
        ("sms_method", "SMS by", ""),
        ("sms_gateway_url", "Gateway URL", "https://sms.example.com/send"),
        ("sms_gateway_username", "Gateway user", ""),
        ("sms_gateway_token", "Gateway token", ""),
        ("sms_gateway_body", "Gateway body", "to={to}&text={text}"),
        ("sms_email_address", "SMS address", "{number}@sms.example.com"),
    ]

    def __init__(self, settings: settings_data.DeliverySettings):
        self.settings = settings
        super().__init__()

    def initial(self, field: str) -> str:
        if field in settings_data.SECRETS:
            return ""  # never shown: an empty field keeps the saved one
        return str(getattr(self.settings, field))

    def field_widget(self, field: str, placeholder: str) -> Widget:
        if field in CHOICES:
            return ChoiceField(CHOICES[field], getattr(self.settings, field), id=f"f-{field}")
        if field in settings_data.SECRETS:
            saved = bool(getattr(self.settings, field))
            return Input(
                "",
                placeholder="saved: empty keeps it" if saved else "",
                password=True,
                id=f"f-{field}",
                compact=True,
                validate_on=NO_VALIDATION,
            )
        return super().field_widget(field, placeholder)

    def keys_hint(self) -> str:
        return super().keys_hint() + f" · {keymap.widget_key('choice')} a choice"

    def values(self) -> dict[str, Any]:
        return {
            field: (
                self.query_one(f"#f-{field}", ChoiceField).value
                if field in CHOICES
                else self.query_one(f"#f-{field}", Input).value
            )
            for field, _label, _placeholder in self.FIELDS
        }

    def perform(self, values: dict[str, Any]) -> settings_data.DeliverySettings:
        port = values["smtp_port"].strip()
        if not port.isdigit():
            raise ValidationError("The port is a number (587 for STARTTLS, 465 for TLS).", "smtp_port")
        typed = replace(self.settings, **{**values, "smtp_port": int(port)})
        return settings_data.save_delivery_settings(typed, keep_secrets=True)


def open_delivery_settings(app) -> None:
    """The form, for a manager or the owner (anyone else is told why not)."""
    refused = why_not(Permission.CHANGE_SETTINGS)
    if refused:
        app.notify(refused, title="Delivery settings", severity="error", timeout=8)
        return
    try:
        settings = settings_data.read_delivery_settings()
    except WRITE_ERRORS as error:
        app.notify(readable(error), title="Delivery settings", severity="error", timeout=8)
        settings = settings_data.DeliverySettings()

    def saved(result) -> None:
        if result is not None:
            ready = [name for name, on in (("email", result.email_ready), ("SMS", result.sms_ready)) if on]
            sending = f"sends {' and '.join(ready)}" if ready else "sends nothing yet"
            app.notify(f"Delivery settings saved: this machine {sending}.", timeout=6)
            delivery.wake_sender()

    app.push_screen(DeliverySettingsDialog(settings), saved)
