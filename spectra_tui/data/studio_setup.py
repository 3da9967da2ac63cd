"""The studio's settings as the Studio Settings screen edits them.

What a person types (tax as a percentage, hours as "09:00-18:00" or
"closed") is read and checked here, all of it before anything is written;
then every changed setting is stored in one transaction with one audit
entry. Only a manager or the owner changes the studio's settings.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import audit, settings
from .booking import DAY_NAMES, clean_studio_hours
from .db import write_transaction
from .errors import ValidationError
from .models import database
from .money import check_locale, parse_money, typed_amount
from .permissions import Permission, require
from .text import one_line

MAX_NAME = 100
CLOSED = "closed"


@dataclass(frozen=True)
class StudioSetup:
    """The settings as text, the way the screen shows and takes them."""

    studio_name: str
    studio_address: str  # several lines
    tax_percent: str  # "8.25" for 8.25 %
    tax_included: bool
    conflict_policy: str  # settings.CONFLICT_POLICIES
    slot_minutes: str
    timezone: str
    image_root: str  # empty: the default folder
    idle_sign_out_minutes: str  # "0" (or empty): never
    locale: str  # how amounts are typed: "en_US" reads 1,234.50, "de_DE" 1.234,50
    refund_limit: str  # an amount as typed: a refund above it needs a manager or the owner
    hours: tuple[str, ...]  # Monday..Sunday: "09:00-18:00" or "closed"
    week_starts_on: str  # the time sheets' week (settings.WEEKDAY_NAMES)
    overtime_hours_per_week: str  # a week's paid hours past which the rest is overtime
    studio_logo: str  # the documents' logo: an image file; empty: none
    documents_folder: str  # where documents (PDF) are saved; empty: Spectra in the documents folder
    vendors: str  # the labs with their lead times: "Miller's Lab: 7; Canvas Works: 14"
    backups_kept: str  # how many daily backups are kept (data/backup.py); "0": none made


def current() -> StudioSetup:
    rate = Decimal(str(settings.get("tax_rate"))) * 100
    stored_hours = settings.get("studio_hours") or {}
    return StudioSetup(
        studio_name=settings.get("studio_name"),
        studio_address=settings.get("studio_address"),
        tax_percent=format(rate.normalize(), "f"),  # 0.0825 -> '8.25'
        tax_included=bool(settings.get("tax_included")),
        conflict_policy=settings.get("conflict_policy"),
        slot_minutes=str(settings.get("slot_minutes")),
        timezone=settings.get("timezone") or "",
        image_root=settings.get("image_root") or "",
        idle_sign_out_minutes=str(settings.get("idle_sign_out_minutes")),
        locale=settings.get("locale"),
        refund_limit=typed_amount(settings.get("refund_limit_cents"), settings.get("locale")),
        hours=tuple("-".join(stored_hours[str(day)]) if stored_hours.get(str(day)) else CLOSED for day in range(7)),
        week_starts_on=settings.get("week_starts_on"),
        overtime_hours_per_week=settings.get("overtime_hours_per_week"),
        studio_logo=settings.get("studio_logo"),
        documents_folder=settings.get("documents_folder"),
        vendors=vendors_text(settings.vendors()),
        backups_kept=str(settings.get("backups_kept")),
    )


def read(setup: StudioSetup) -> dict:
    """The stored values for ``setup``; a ValidationError (naming the field) for the first thing wrong."""
    name = one_line(setup.studio_name)
    if not name:
        raise ValidationError("Give the studio's name (it heads calendars sent to clients).", "studio_name")
    if len(name) > MAX_NAME:
        raise ValidationError(
            f"The studio's name is {len(name)} characters long; keep it under {MAX_NAME}.", "studio_name"
        )
    try:
        percent = Decimal((setup.tax_percent or "").strip().rstrip("%").strip())
        if not percent.is_finite() or not 0 <= percent < 100:
            raise InvalidOperation
    except InvalidOperation:
        raise ValidationError(
            f"'{setup.tax_percent}' is not a tax rate: type the percentage, e.g. 8.25 (0 for no tax).", "tax_percent"
        ) from None
    if setup.conflict_policy not in settings.CONFLICT_POLICIES:
        raise ValidationError(
            "Choose whether overlapping bookings are refused, asked about or allowed.", "conflict_policy"
        )
    try:
        slot = int(setup.slot_minutes)
    except (TypeError, ValueError):
        slot = 0
    zone = (setup.timezone or "").strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"'{zone}' is not a time zone: use a name such as America/Chicago or Europe/London.", "timezone"
        ) from None
    return {
        "studio_name": name,
        "studio_address": _checked("studio_address", setup.studio_address or ""),
        "tax_rate": str(percent / 100),
        "tax_included": bool(setup.tax_included),
        "conflict_policy": setup.conflict_policy,
        "slot_minutes": _checked("slot_minutes", slot),
        "timezone": zone,
        "image_root": _image_root(setup.image_root),
        "idle_sign_out_minutes": _idle_minutes(setup.idle_sign_out_minutes),
        "locale": check_locale(setup.locale),
        "refund_limit_cents": _refund_limit(setup.refund_limit, check_locale(setup.locale)),
        "studio_hours": _hours(setup.hours),
        "week_starts_on": _checked("week_starts_on", setup.week_starts_on),
        "overtime_hours_per_week": _checked("overtime_hours_per_week", (setup.overtime_hours_per_week or "").strip()),
        "studio_logo": _checked("studio_logo", setup.studio_logo or ""),
        "documents_folder": _checked("documents_folder", setup.documents_folder or ""),
        "vendors": _checked("vendors", read_vendors(setup.vendors)),
        "backups_kept": _backups_kept(setup.backups_kept),
    }


def vendors_text(vendors: dict[str, int]) -> str:
    """The vendors as they are typed: "Miller's Lab: 7; Canvas Works: 14"."""
    return "; ".join(f"{name}: {days}" for name, days in vendors.items())


def read_vendors(text: str) -> dict[str, int]:
    """What was typed as the vendors ("Miller's Lab: 7; Canvas Works: 14", days
    of lead time after each name) as name -> days; the message names the field."""
    vendors: dict[str, int] = {}
    for entry in (text or "").split(";"):
        if not entry.strip():
            continue
        name, colon, days = entry.rpartition(":")
        days = days.strip()
        if not colon or not name.strip() or not (days.isascii() and days.isdigit()):
            raise ValidationError(
                f"Type each vendor as its name, a colon and its lead time in days, e.g. Miller's Lab: 7 "
                f"(not '{one_line(entry)[:40]}').",
                "vendors",
            )
        vendors[name.strip()] = int(days)
    return vendors


def _refund_limit(text: str, locale: str) -> int:
    """The limit typed, read in the locale being saved; left as it was shown, it
    stays (it was shown in the stored locale, which this save may change)."""
    stored = settings.get("refund_limit_cents")
    if text.strip() == typed_amount(stored, settings.get("locale")):
        return stored
    try:
        cents = parse_money(text, "refund limit", locale=locale)
    except ValidationError as error:
        raise ValidationError(str(error), "refund_limit") from None
    return _checked("refund_limit_cents", cents)


def _checked(key: str, value):
    """The settings module's own rule for ``key``, its message at the field."""
    try:
        return settings.validate(key, value)
    except ValidationError as error:
        raise ValidationError(str(error), key) from None


def _idle_minutes(text: str) -> int:
    """'15' -> 15; empty -> 0 (never sign out); the settings module's rule for the rest."""
    text = (text or "").strip()
    try:
        minutes = int(text) if text else 0
    except ValueError:
        raise ValidationError(
            f"'{text}' is not a number of minutes: type how long a terminal may sit idle, or 0 for never.",
            "idle_sign_out_minutes",
        ) from None
    return _checked("idle_sign_out_minutes", minutes)


def _image_root(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    folder = Path(text).expanduser()
    if not folder.is_dir():
        raise ValidationError(
            f"There is no folder {folder}: create it first, or leave the field empty for the default folder.",
            "image_root",
        )
    return text


def _hours(days: tuple[str, ...]) -> dict:
    if len(days) != 7:
        raise ValidationError("Give the hours of all seven days.", "hours")
    hours: dict[int, tuple[dt.time, dt.time] | None] = {}
    for weekday, text in enumerate(days):
        text = (text or "").strip().lower()
        if text in ("", CLOSED):
            hours[weekday] = None
            continue
        parts = [part.strip() for part in text.replace("–", "-").split("-")]
        if len(parts) != 2:
            raise ValidationError(
                f"{DAY_NAMES[weekday]}: type the hours like 09:00-18:00, or 'closed'.", f"hours_{weekday}"
            )
        try:
            opens, closes = _time(parts[0]), _time(parts[1])
        except ValueError:
            raise ValidationError(
                f"{DAY_NAMES[weekday]}: '{text}' is not opening and closing times (e.g. 09:00-18:00).",
                f"hours_{weekday}",
            ) from None
        if opens >= closes:
            raise ValidationError(f"On {DAY_NAMES[weekday]} the studio must open before it closes.", f"hours_{weekday}")
        hours[weekday] = (opens, closes)
    return clean_studio_hours(hours)


def _time(text: str) -> dt.time:
    """'9', '9:30', '09:30' -> a time."""
    return dt.datetime.strptime(text if ":" in text else f"{text}:00", "%H:%M").time()


@write_transaction
def _backups_kept(text: str) -> int:
    """'14' -> 14; the settings module's rule for the number."""
    text = (text or "").strip()
    try:
        kept = int(text)
    except ValueError:
        raise ValidationError(
            f"'{text}' is not a number: type how many daily backups to keep, or 0 for none.", "backups_kept"
        ) from None
    return _checked("backups_kept", kept)


def save(setup: StudioSetup) -> list[str]:
    """Store what changed (one transaction, one audit entry); the names of the settings changed."""
    require(Permission.CHANGE_SETTINGS)
    wanted = read(setup)
    with database.atomic():
        before = {key: settings.get(key) for key in wanted}
        changed = {key: value for key, value in wanted.items() if value != before[key]}
        for key, value in changed.items():
            settings.put(key, value)
        if changed:
            audit.record("settings.change", "setting", None, {key: before[key] for key in changed}, changed)
    return sorted(changed)
