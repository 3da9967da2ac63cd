"""Studio settings, stored in the database so every terminal shares them.

Each key has a default; ``get`` returns the stored value or the default.
"""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from . import clock
from .errors import ValidationError
from .models import Setting
from .money import DEFAULT_LOCALE, check_locale
from .text import strip_controls

DEFAULT_STATUSES = [
    "Session Pending",
    "Capture Images Pending",
    "Sales Presentation Pending",
    "Order Pending",
    "In Production",
    "Ready for Pickup",  # every production order of the session is ready (data/production.py)
    "Picked Up",  # ... and picked up
    "Complete",
]
CONFLICT_POLICIES = ("never", "ask", "always")  # allow overlapping bookings?
MAX_IDLE_MINUTES = 720  # idle sign-out: at most half a day

# Studio hours per weekday (0 = Monday); None = closed that day.
DEFAULT_HOURS = {
    "0": ["09:00", "18:00"],
    "1": ["09:00", "18:00"],
    "2": ["09:00", "18:00"],
    "3": ["09:00", "20:00"],
    "4": ["09:00", "18:00"],
    "5": ["10:00", "16:00"],
    "6": None,
}

DEFAULTS: dict[str, Any] = {
    "studio_name": "Spectra Portrait Studio",
    "studio_address": "",  # several lines (street, city...): heads invoices and calendars sent to clients
    "studio_phone": "",  # the {studio_phone} of messages to clients (data/messages.py)
    "tax_rate": "0.0825",
    "tax_included": False,
    "currency_symbol": "$",
    "session_statuses": DEFAULT_STATUSES,
    "conflict_policy": "ask",
    "idle_sign_out_minutes": 0,  # a terminal left this long without a key or a click signs out; 0: never
    "slot_minutes": 30,
    "studio_hours": DEFAULT_HOURS,
    "timezone": "America/Chicago",
    "image_root": "",
    "locale": DEFAULT_LOCALE,  # how amounts are typed: "en_US" reads 1,234.50; "de_DE" reads 1.234,50
    # A refund above this (integer cents) needs a manager or the owner (permissions.LARGE_REFUND).
    "refund_limit_cents": 10000,
    # The time clock (timeclock.py): the first day of a time sheet's week, and
    # the paid hours of a week past which the rest is overtime.
    "week_starts_on": "sunday",
    "overtime_hours_per_week": "40",
    # The documents (data/documents.py): the logo heading them (an image file;
    # "": none) and the folder they are saved in ("": Spectra in the documents folder).
    "studio_logo": "",
    "documents_folder": "",
    # Production (data/production.py): each vendor (lab) with its lead time in
    # days; a price item made by a vendor names it (an item made in house: none).
    "vendors": {},
    # Daily backups (data/backup.py): how many are kept in the folder "backups"
    # beside the database; 0: no automatic backups.
    "backups_kept": 14,
}
MAX_BACKUPS_KEPT = 3660
MAX_LEAD_DAYS = 365
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # date.weekday() order


def get(key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = Setting.get_or_none(Setting.key == key)
    return _without_controls(json.loads(row.value), key in MULTILINE_SETTINGS) if row else DEFAULTS[key]


MULTILINE_SETTINGS = ("studio_address",)
MAX_ADDRESS_LINES = 6
MAX_ADDRESS_CHARACTERS = 300


def _without_controls(value: Any, multiline: bool = False) -> Any:
    """Each text of a setting's value (a name, the statuses, the hours) without
    control characters: JSON would store an ESC escaped, past the column's rule.
    A ``multiline`` text (the address) keeps its line breaks."""
    if isinstance(value, str):
        return strip_controls(value, multiline=multiline)
    if isinstance(value, list):
        return [_without_controls(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_controls(item) for key, item in value.items()}
    return value


def put(key: str, value: Any) -> None:
    if key not in DEFAULTS:
        raise ValidationError(f"There is no setting called '{key}'.")
    value = validate(key, _without_controls(value, key in MULTILINE_SETTINGS))
    text = json.dumps(value)
    # An upsert both SQLite and PostgreSQL know (REPLACE is SQLite's alone).
    Setting.insert(key=key, value=text).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: text}
    ).execute()
    if key == "timezone":
        clock.forget_zone()


def _address(value: Any) -> str:
    """The studio's address: a few lines, each trimmed, no empty lines."""
    if not isinstance(value, str):
        raise ValidationError("The studio's address is text (a few lines).")
    lines = [" ".join(line.split()) for line in value.splitlines()]
    address = "\n".join(line for line in lines if line)
    if address.count("\n") >= MAX_ADDRESS_LINES:
        raise ValidationError(f"Keep the studio's address to {MAX_ADDRESS_LINES} lines.")
    if len(address) > MAX_ADDRESS_CHARACTERS:
        raise ValidationError(f"The studio's address is too long (at most {MAX_ADDRESS_CHARACTERS} characters).")
    return address


def validate(key: str, value: Any) -> Any:
    """Raise a ValidationError for a bad value; return the value to store."""
    if key == "studio_address":
        return _address(value)
    if key == "conflict_policy" and value not in CONFLICT_POLICIES:
        raise ValidationError(f"The conflict policy must be one of: {', '.join(CONFLICT_POLICIES)}.")
    if key == "session_statuses":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValidationError("The session statuses must be a non-empty list of names.")
        if len(set(value)) != len(value):
            raise ValidationError("Each session status may appear only once.")
    if key == "slot_minutes" and (not isinstance(value, int) or value not in (5, 10, 15, 20, 30, 60)):
        raise ValidationError("The calendar slot must be 5, 10, 15, 20, 30 or 60 minutes.")
    if key == "idle_sign_out_minutes" and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_IDLE_MINUTES
    ):
        raise ValidationError(
            f"Idle sign-out is a whole number of minutes from 1 to {MAX_IDLE_MINUTES}, or 0 to never sign out."
        )
    if key == "tax_rate":
        # A Decimal or its text (no float: money is exact); stored as text.
        try:
            if isinstance(value, (bool, float)) or not isinstance(value, (str, int, Decimal)):
                raise InvalidOperation
            rate = Decimal(str(value).strip())
            if not rate.is_finite() or rate < 0 or rate >= 1:
                raise InvalidOperation
        except InvalidOperation:
            raise ValidationError("The tax rate is stored as a fraction between 0 and 1 (0.0825 for 8.25%).") from None
        return str(rate)
    if key == "locale":
        return check_locale(value)
    if key == "refund_limit_cents" and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000_000
    ):
        raise ValidationError("The refund limit is an amount in cents, from 0 to 1,000,000.00.")
    if key == "week_starts_on":
        if not isinstance(value, str) or value.strip().lower() not in WEEKDAY_NAMES:
            raise ValidationError("The week starts on a day of the week: sunday, monday ... saturday.")
        return value.strip().lower()
    if key == "overtime_hours_per_week":
        return str(_overtime_hours(value))
    if key == "studio_logo":
        return _logo(value)
    if key == "documents_folder":
        return _documents_folder(value)
    if key == "vendors":
        return _vendors(value)
    if key == "backups_kept" and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_BACKUPS_KEPT
    ):
        raise ValidationError(
            f"Backups kept is a whole number of daily backups from 1 to {MAX_BACKUPS_KEPT}, or 0 for none."
        )
    if key == "tax_included" and not isinstance(value, bool):
        raise ValidationError("'Tax included' is either on or off (True or False).")
    return value


def _logo(value: Any) -> str:
    """The logo's path ("" for none): a file Pillow can open (PNG, JPEG...)."""
    if not isinstance(value, str):
        raise ValidationError("The studio's logo is the path of an image file (or empty for none).")
    text = value.strip()
    if not text:
        return ""
    from PIL import Image, UnidentifiedImageError

    path = Path(text).expanduser()
    if not path.is_file():
        raise ValidationError(f"There is no image file {path}: give the path of the logo (a PNG or JPEG file).")
    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(f"{path} is not an image the documents can show: use a PNG or JPEG file.") from None
    return text


def _documents_folder(value: Any) -> str:
    """Where documents are saved ("" for the default): a folder, made when missing; not a file."""
    if not isinstance(value, str):
        raise ValidationError("The documents folder is the path of a folder (or empty for the default).")
    text = value.strip()
    if text and Path(text).expanduser().exists() and not Path(text).expanduser().is_dir():
        raise ValidationError(f"{Path(text).expanduser()} is a file, not a folder: give a folder for the documents.")
    return text


def _overtime_hours(value: Any) -> Decimal:
    """Hours as a whole number or text ("40", "37.5"), more than 0 and at most a week's 168."""
    try:
        if isinstance(value, (bool, float)) or not isinstance(value, (str, int, Decimal)):
            raise InvalidOperation
        hours = Decimal(str(value).strip())
        if not hours.is_finite() or hours <= 0 or hours > 168 or hours != hours.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        raise ValidationError(
            "Overtime starts after a number of hours in a week, more than 0 and at most 168 (e.g. 40 or 37.5)."
        ) from None
    return hours.quantize(Decimal(1)) if hours == hours.to_integral() else hours.normalize()


def _vendors(value: Any) -> dict[str, int]:
    """Vendor name -> lead time in whole days (0 to MAX_LEAD_DAYS); names trimmed, each once."""
    if not isinstance(value, dict):
        raise ValidationError("The vendors are names, each with a lead time in days (e.g. Miller's Lab: 7).")
    vendors: dict[str, int] = {}
    for name, days in value.items():
        clean = " ".join(str(name).split())
        if not clean:
            raise ValidationError("A vendor needs a name.")
        if clean.casefold() in (known.casefold() for known in vendors):
            raise ValidationError(f"The vendor '{clean}' is listed twice.")
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_LEAD_DAYS:
            raise ValidationError(f"The lead time of '{clean}' is a whole number of days, from 0 to {MAX_LEAD_DAYS}.")
        vendors[clean] = days
    return vendors


def vendors() -> dict[str, int]:
    """The studio's vendors (labs): name -> lead time in days."""
    return dict(get("vendors"))


def overtime_hours_per_week() -> Decimal:
    return Decimal(str(get("overtime_hours_per_week")))


def week_start_weekday() -> int:
    """The weekday (0 = Monday, as date.weekday()) a time sheet's week starts on."""
    return WEEKDAY_NAMES.index(get("week_starts_on"))


def tax_rate() -> Decimal:
    return Decimal(str(get("tax_rate")))


def session_statuses() -> list[str]:
    return list(get("session_statuses"))
