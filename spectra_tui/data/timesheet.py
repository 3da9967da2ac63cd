"""Weekly time sheets: a user's hours per day and time code, the week's paid
total, and the overtime past the studio's threshold.

A week starts on the studio's ``week_starts_on`` day; its days are the
studio's days in its time zone. An entry across midnight is split at the
studio's midnight, and elapsed time is measured between UTC instants, so the
spring-forward night is an hour shorter and the fall-back one an hour longer.
An entry still running counts up to now. Hours are whole seconds until they
are shown (``hours``: two decimals, rounded half up).

The overtime of a week is what its paid time exceeds the threshold by; a day
carries the part of it worked after the threshold was reached that week.
Reading one's own sheet is open to everyone; another person's is for a
manager or the owner (``require_sheet_access``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import clock, settings
from .errors import PermissionDenied
from .models import TimeEntry, User
from .permissions import Permission, allowed
from .timeclock import PAID_CODES, TIME_CODES
from .users import current_user

DAYS_IN_WEEK = 7


def week_start(day: dt.date) -> dt.date:
    """The first day of the studio's week that holds ``day``."""
    return day - dt.timedelta(days=(day.weekday() - settings.week_start_weekday()) % DAYS_IN_WEEK)


def hours(seconds: int) -> Decimal:
    """Seconds as hours to two decimals (8.25), rounded half up."""
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def hours_text(seconds: int) -> str:
    """'8.25' (blank for none), for the sheet's cells."""
    return f"{hours(seconds)}" if seconds else ""


@dataclass
class SheetDay:
    day: dt.date
    seconds: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TIME_CODES, 0))  # code -> seconds
    overtime: int = 0  # seconds of this day past the week's threshold

    @property
    def paid(self) -> int:
        return sum(self.seconds[code] for code in PAID_CODES)


@dataclass
class TimeSheet:
    user: User
    start: dt.date  # the week's first day
    days: list[SheetDay]
    entries: list[TimeEntry]  # the entries that touch the week, oldest first
    threshold: int  # paid seconds a week before overtime

    @property
    def end(self) -> dt.date:
        """The week's last day."""
        return self.start + dt.timedelta(days=DAYS_IN_WEEK - 1)

    def total(self, code: str) -> int:
        return sum(day.seconds[code] for day in self.days)

    @property
    def paid(self) -> int:
        return sum(day.paid for day in self.days)

    @property
    def overtime(self) -> int:
        return max(0, self.paid - self.threshold)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The studio day ``day`` as UTC instants [its midnight, the next midnight)."""
    midnight = dt.datetime.combine(day, dt.time(0))
    return clock.to_utc(midnight), clock.to_utc(midnight + dt.timedelta(days=1))


def entries_between(user: User, start: dt.datetime, end: dt.datetime) -> list[TimeEntry]:
    """The user's entries that overlap the UTC instants [start, end), oldest first."""
    return list(
        TimeEntry.select()
        .where(
            (TimeEntry.user == user.id)
            & (TimeEntry.started_at < end)
            & (TimeEntry.ended_at.is_null() | (TimeEntry.ended_at > start))
        )
        .order_by(TimeEntry.started_at, TimeEntry.id)
    )


def time_sheet(user: User, day: dt.date) -> TimeSheet:
    """The time sheet of the week holding ``day``, for ``user`` (who must be
    the signed-in user, or the signed-in user a manager)."""
    require_sheet_access(user)
    first = week_start(day)
    bounds = [_day_bounds(first + dt.timedelta(days=n)) for n in range(DAYS_IN_WEEK)]
    now = clock.utc_now()
    entries = entries_between(user, bounds[0][0], bounds[-1][1])
    days = [SheetDay(first + dt.timedelta(days=n)) for n in range(DAYS_IN_WEEK)]
    for entry in entries:
        ends = entry.ended_at if entry.ended_at is not None else max(now, entry.started_at)
        for sheet_day, (day_start, day_end) in zip(days, bounds, strict=True):
            overlap = (min(ends, day_end) - max(entry.started_at, day_start)).total_seconds()
            if overlap > 0:
                sheet_day.seconds[entry.code] = sheet_day.seconds.get(entry.code, 0) + int(overlap)
    threshold = int(settings.overtime_hours_per_week() * 3600)
    _spread_overtime(days, threshold)
    return TimeSheet(user, first, days, entries, threshold)


def _spread_overtime(days: Iterable[SheetDay], threshold: int) -> None:
    worked = 0
    for day in days:
        before, worked = worked, worked + day.paid
        day.overtime = max(0, worked - threshold) - max(0, before - threshold)


def require_sheet_access(user: User) -> None:
    """Everyone reads their own time sheet; another person's is for a manager or the owner."""
    viewer = current_user()
    refusal = others_refusal()
    if refusal and (viewer is None or viewer.id != user.id):
        raise PermissionDenied(refusal)


def others_refusal() -> str:
    """Why the signed-in user may not read other people's time sheets ("" when they may)."""
    viewer = current_user()
    if allowed(Permission.EDIT_TIME_CLOCK, viewer):
        return ""
    if viewer is None:
        return "Sign in as a manager or the owner to read the staff's time sheets."
    return (
        f"Only a manager or the owner may read another person's time sheet; "
        f"{viewer.full_name} is signed in as {viewer.role_label.lower()}."
    )


def sheet_users(day: dt.date) -> list[User]:
    """Whose sheets a week's report holds: the active staff, and anyone
    disabled since who has time in that week; by name."""
    first = week_start(day)
    start, _ = _day_bounds(first)
    _, end = _day_bounds(first + dt.timedelta(days=DAYS_IN_WEEK - 1))
    with_time = (
        TimeEntry.select(TimeEntry.user)
        .where((TimeEntry.started_at < end) & (TimeEntry.ended_at.is_null() | (TimeEntry.ended_at > start)))
        .distinct()
    )
    return list(
        User.select().where((User.active == True) | User.id.in_(with_time)).order_by(User.full_name)  # noqa: E712
    )
