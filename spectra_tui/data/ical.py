"""Export the studio's bookings as an RFC 5545 calendar (``spectra ical``).

One VEVENT per session or appointment overlapping [today, today + days):

- times in the studio's time zone (setting ``timezone``), with its VTIMEZONE;
- stable UIDs: ``session-<number>@spectra`` and ``appointment-<id>@spectra``,
  so a calendar app that subscribes to the file updates events instead of
  duplicating them;
- SUMMARY: client name and session type (or the appointment's title and its
  client); DESCRIPTION: session number, status, photographer, room;
  LOCATION: the room; CATEGORIES: Session or Appointment.

Cancelled and No-Show bookings are LEFT OUT by default (a subscribed calendar
then simply drops them). With ``include_cancelled=True`` they are written with
``STATUS:CANCELLED`` instead, for calendar apps that imported the file once and
need to be told the event is off. Everything else is ``STATUS:CONFIRMED``.
"""

import datetime as dt

import icalendar

from . import settings
from .calendar import CalendarRow, bookings_between
from .clock import studio_zone, to_local, utc_now
from .errors import DomainError
from .models import User

PRODID = "-//Spectra TUI//Studio calendar//EN"
UID_DOMAIN = "spectra"


def uid_for(row: CalendarRow) -> str:
    if row.kind == "session":
        return f"session-{row.session_number}@{UID_DOMAIN}"
    return f"appointment-{row.id}@{UID_DOMAIN}"


def summary_for(row: CalendarRow) -> str:
    if row.kind == "session":
        return f"{row.client_name} – {row.type_name} session"
    return f"{row.type_name} – {row.client_name}" if row.client_name else row.type_name


def description_for(row: CalendarRow) -> str:
    lines = []
    if row.kind == "session":
        lines.append(f"Session {row.session_number}")
    elif row.session_number:
        lines.append(f"Appointment for session {row.session_number}")
    else:
        lines.append("Appointment")
    lines.append(f"Status: {row.status}")
    if row.photographer_name:
        lines.append(f"{'Photographer' if row.kind == 'session' else 'Staff'}: {row.photographer_name}")
    if row.room_name:
        lines.append(f"Room: {row.room_name}")
    return "\n".join(lines)


def build_calendar(
    days: int = 60, photographer: User | None = None, start_day: dt.date | None = None, include_cancelled: bool = False
) -> tuple[icalendar.Calendar, int]:
    """The calendar object and how many events it holds (from the studio's today, unless ``start_day``)."""
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3660:
        raise DomainError("The number of days must be from 1 to 3660.")
    zone = studio_zone()
    moment = utc_now()
    first = start_day or to_local(moment).date()
    start = dt.datetime.combine(first, dt.time())
    end = start + dt.timedelta(days=days)
    rows = bookings_between(
        start,
        end,
        photographer_ids=[photographer.id] if photographer else None,
        include_cancelled=include_cancelled,
        include_unassigned=photographer is None,
    )
    stamp = moment.replace(tzinfo=dt.UTC)  # DTSTAMP: the real instant, in UTC

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = settings.get("studio_name")
    cal.add("x-wr-calname", f"{name} – {photographer.full_name}" if photographer else name)
    cal.add("x-wr-timezone", zone.key)
    for row in rows:
        event = icalendar.Event()
        event.add("uid", uid_for(row))
        event.add("dtstamp", stamp)
        event.add("dtstart", row.start.replace(tzinfo=zone))
        event.add("dtend", row.end.replace(tzinfo=zone))
        event.add("summary", summary_for(row))
        event.add("description", description_for(row))
        if row.room_name:
            event.add("location", row.room_name)
        event.add("categories", ["Session" if row.kind == "session" else "Appointment"])
        event.add("status", "CANCELLED" if row.is_closed else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if row.is_closed else "OPAQUE")
        cal.add_component(event)
    cal.add_missing_timezones(first_date=first - dt.timedelta(days=366), last_date=end.date() + dt.timedelta(days=366))
    return cal, len(rows)


def export_ical(
    days: int = 60, photographer: User | None = None, start_day: dt.date | None = None, include_cancelled: bool = False
) -> bytes:
    """The .ics file's bytes (CRLF line endings, folded lines, UTF-8)."""
    cal, _count = build_calendar(days, photographer, start_day, include_cancelled)
    return cal.to_ical()
