"""The studio's clock: the one source of "now" and "today".

Two kinds of time, never mixed:

- INSTANTS (when something happened: audit ``at``, ledger ``created_at``,
  every ``created_at`` / ``updated_at`` / ``status_changed_at`` / ``done_at``
  / ``imported_at``) are stored as naive UTC, from ``utc_now()``, and shown
  with ``to_local()``.
- WALL TIMES and dates (bookings' ``start``, a phone call's ``at``, invoice
  and due dates) are calendar facts in the studio's time zone (the
  ``timezone`` setting), from ``now()`` / ``today()``.

The process's own TZ plays no part: a terminal on a UTC server and one in
Tokyo see the same studio day and write the same stamps.

Daylight saving time, in wall times typed or booked:

- a wall time that does not exist (02:30 on the spring-forward night) is
  refused by ``checked_wall_time`` with a readable message;
- an ambiguous one (01:30 on the fall-back night, which happens twice) means
  the FIRST occurrence (``fold=0``, the earlier instant), everywhere;
- lengths are real minutes: ``wall_end`` goes through UTC, so a 120-minute
  session starting 01:00 on the spring-forward day ends at 04:00.
"""

import datetime as dt
import time
from collections.abc import Callable
from typing import overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import DomainError, ValidationError

UTC = dt.UTC
ZONE_TTL_SECONDS = 10.0  # another terminal's change of the studio's zone is seen within this

_source: Callable[[], dt.datetime] | None = None
_zone_cache: tuple[object, float, ZoneInfo] | None = None  # (database, read at, zone)


def set_clock(source: Callable[[], dt.datetime] | None = None) -> None:
    """Replace the source of the current instant (the demo writes history at
    past dates; tests freeze time). ``source()`` returns an aware datetime
    (any zone) or a naive one meaning UTC. ``None`` restores the real clock."""
    global _source
    _source = source


def utc_now() -> dt.datetime:
    """The current instant, naive UTC, to the second: the stamp of everything stored as an instant."""
    moment = _source() if _source is not None else dt.datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def studio_zone() -> ZoneInfo:
    """The studio's time zone (setting ``timezone``). Read again at most every
    ZONE_TTL_SECONDS, at once after ``forget_zone()`` (settings.put calls it)
    or when another database is opened."""
    global _zone_cache
    from . import settings  # settings -> models -> clock: imported when first needed
    from .models import database

    current = database.obj
    cached = _zone_cache
    if cached is not None and cached[0] is current and time.monotonic() - cached[1] < ZONE_TTL_SECONDS:
        return cached[2]
    name = settings.get("timezone") or "UTC"
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(
            f"The studio time zone '{name}' is not a known time zone "
            "(use a name such as America/Chicago); fix it in the studio settings."
        ) from None
    _zone_cache = (current, time.monotonic(), zone)
    return zone


def forget_zone() -> None:
    """The zone setting changed: read it again on the next call."""
    global _zone_cache
    _zone_cache = None


@overload
def to_local(instant: dt.datetime) -> dt.datetime: ...
@overload
def to_local(instant: None) -> None: ...
def to_local(instant: dt.datetime | None) -> dt.datetime | None:
    """A stored instant (naive UTC) as the studio's wall time (naive); None stays None."""
    if instant is None:
        return None
    return instant.replace(tzinfo=UTC).astimezone(studio_zone()).replace(tzinfo=None)


def to_utc(wall: dt.datetime) -> dt.datetime:
    """A studio wall time (naive) as a naive UTC instant; an ambiguous wall
    time is its first occurrence. Does not check that ``wall`` exists (see
    ``checked_wall_time``)."""
    return wall.replace(tzinfo=studio_zone(), fold=0).astimezone(UTC).replace(tzinfo=None)


def now() -> dt.datetime:
    """The studio's wall time now (naive, to the second)."""
    return to_local(utc_now())


def today() -> dt.date:
    """The studio's date now."""
    return now().date()


def wall_end(start: dt.datetime, minutes: int) -> dt.datetime:
    """The wall time ``minutes`` real minutes after the wall time ``start``."""
    return to_local(to_utc(start) + dt.timedelta(minutes=minutes))


def checked_wall_time(wall: dt.datetime, field: str = "start") -> dt.datetime:
    """``wall`` when it exists in the studio's zone (its first occurrence when
    it happens twice); a ValidationError when the clocks skip it.

    zoneinfo accepts a skipped time silently, so the test is a round trip
    through UTC: a time that exists comes back unchanged."""
    wall = wall.replace(fold=0)
    if to_local(to_utc(wall)) == wall:
        return wall
    zone = studio_zone()
    before = wall.replace(tzinfo=zone, fold=0).utcoffset()
    after = wall.replace(tzinfo=zone, fold=1).utcoffset()
    assert before is not None and after is not None  # a time with a zone has an offset
    jump = abs(before - after)
    amount = "an hour" if jump == dt.timedelta(hours=1) else f"{int(jump.total_seconds() // 60)} minutes"
    hour = wall.hour % 12 or 12
    raise ValidationError(
        f"{hour}:{wall.minute:02d} {'AM' if wall.hour < 12 else 'PM'} on "
        f"{wall:%a} {wall.day} {wall:%b %Y} does not exist in {zone.key}: "
        f"the clocks go forward {amount}. Choose another time.",
        field,
    )
