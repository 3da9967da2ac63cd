"""How this machine delivers messages: the mail server (SMTP) and the SMS
route, with their credentials.

They are kept in a file of this machine's user, never in the database, so no
password or token is ever in the studio's data, its backups or the audit log:
``delivery/<studio id>.json`` in the user's config folder (platformdirs:
$XDG_CONFIG_HOME/spectra-tui, else ~/.config/spectra-tui), folder 0700, file
0600, written whole and renamed into place. A machine without the file sends
nothing: its queued messages wait for a machine that has it.

SMS go either through an HTTP gateway (a POST to its URL; the body template
holds {to} and {text}: JSON when it starts with "{", else form-encoded; HTTP
Basic with a user name, a bearer token without) or as an email to an
address made from the number ("{number}@sms.example.com").
"""

import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import audit
from .errors import FieldErrors, ValidationError
from .models import database
from .permissions import Permission, require
from .text import one_line

SECURITIES = ("starttls", "tls", "none")
SMS_METHODS = ("none", "gateway", "email")
SECRETS = ("smtp_password", "sms_gateway_token")
ONE_LINE_FIELDS = (
    "smtp_host",
    "smtp_security",
    "smtp_username",
    "from_address",
    "sms_method",
    "sms_gateway_url",
    "sms_gateway_username",
    "sms_email_address",
)


@dataclass(frozen=True)
class DeliverySettings:
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"  # "starttls" (587), "tls" (465) or "none" (a server on this network)
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)  # never in a traceback or a log
    from_address: str = ""
    sms_method: str = "none"  # "none", "gateway" or "email"
    sms_gateway_url: str = ""
    sms_gateway_username: str = ""
    sms_gateway_token: str = field(default="", repr=False)  # the gateway's password or token
    sms_gateway_body: str = "to={to}&text={text}"
    sms_email_address: str = ""  # e.g. "{number}@sms.example.com"

    @property
    def email_ready(self) -> bool:
        return bool(self.smtp_host and self.from_address)

    @property
    def sms_ready(self) -> bool:
        if self.sms_method == "gateway":
            return bool(self.sms_gateway_url)
        return self.sms_method == "email" and self.email_ready and bool(self.sms_email_address)

    def shown(self) -> dict[str, object]:
        """The settings as they may be shown or audited: each secret as 'set' or ''."""
        out: dict[str, object] = asdict(self)
        for name in SECRETS:
            out[name] = "(set)" if out[name] else ""
        return out


def settings_path() -> Path:
    from platformdirs import user_config_path

    from .studio_key import StudioIdentity

    identity = StudioIdentity.select().first()
    name = identity.studio_id if identity is not None else "studio"
    return user_config_path("spectra-tui", appauthor=False) / "delivery" / f"{name}.json"


def read_delivery_settings() -> DeliverySettings:
    """This machine's delivery settings for the open studio (the defaults when none were saved)."""
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DeliverySettings()
    except (OSError, ValueError) as error:
        raise ValidationError(f"The delivery settings in {path} cannot be read ({error}); save them again.") from None
    known = {f.name for f in fields(DeliverySettings)}
    return DeliverySettings(**{name: value for name, value in data.items() if name in known})


def check(settings: DeliverySettings) -> DeliverySettings:
    """The settings trimmed, or a FieldErrors naming each wrong field."""
    errors: dict[str, str] = {}
    lines: dict[str, Any] = {name: one_line(getattr(settings, name)) for name in ONE_LINE_FIELDS}
    clean = replace(settings, sms_gateway_body=settings.sms_gateway_body.strip(), **lines)
    from_address = clean.from_address
    if clean.smtp_host and (" " in clean.smtp_host or "/" in clean.smtp_host):
        errors["smtp_host"] = f"'{clean.smtp_host}' is not a server's name: type e.g. smtp.example.com."
    if isinstance(clean.smtp_port, bool) or not isinstance(clean.smtp_port, int) or not 0 < clean.smtp_port < 65536:
        errors["smtp_port"] = "The port is a number from 1 to 65535 (587 for STARTTLS, 465 for TLS)."
    if clean.smtp_security not in SECURITIES:
        errors["smtp_security"] = "The connection's security is starttls, tls or none."
    if clean.smtp_host and not clean.from_address:
        errors["from_address"] = "Give the address the studio's email comes from."
    if clean.from_address:
        from .clients import normalize_email

        try:
            from_address = normalize_email(clean.from_address)
        except ValidationError as error:
            errors["from_address"] = str(error)
    if clean.smtp_password and not clean.smtp_username:
        errors["smtp_username"] = "A password needs the user name it belongs to."
    if clean.sms_method not in SMS_METHODS:
        errors["sms_method"] = "SMS go through a gateway, by email, or not at all (gateway, email, none)."
    if clean.sms_method == "gateway":
        url = urlsplit(clean.sms_gateway_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            errors["sms_gateway_url"] = "Give the gateway's address, e.g. https://sms.example.com/send."
        missing = [name for name in ("{to}", "{text}") if name not in clean.sms_gateway_body]
        if missing:
            errors["sms_gateway_body"] = (
                f"The gateway's body needs {' and '.join(missing)} (e.g. to={{to}}&text={{text}})."
            )
    if clean.sms_method == "email":
        if "{number}" not in clean.sms_email_address or "@" not in clean.sms_email_address:
            errors["sms_email_address"] = "Write the SMS address with {number}, e.g. {number}@sms.example.com."
        if not clean.email_ready:
            errors.setdefault("smtp_host", "SMS by email go through the mail server: set it up first.")
    if errors:
        raise FieldErrors(errors)
    return replace(clean, from_address=from_address)


def save_delivery_settings(settings: DeliverySettings, keep_secrets: bool = True) -> DeliverySettings:
    """Check and save this machine's delivery settings (a manager or the
    owner). With ``keep_secrets`` an empty password or token keeps the saved
    one (a form never shows them); the change is audited without them."""
    require(Permission.CHANGE_SETTINGS)
    before = read_delivery_settings()
    if keep_secrets:
        kept = {name: getattr(before, name) for name in SECRETS if not getattr(settings, name)}
        settings = replace(settings, **kept)
    clean = check(settings)
    _write(settings_path(), json.dumps(asdict(clean), indent=2))
    with database.atomic():
        audit.record("settings.delivery", "setting", None, before.shown(), clean.shown())
    return clean


def _write(path: Path, text: str) -> None:
    """Owner-only from the first byte, replaced whole."""
    from .db import make_folders

    make_folders(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
