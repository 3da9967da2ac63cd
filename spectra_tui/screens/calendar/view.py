"""What one calendar view shows: its columns, time axis or month days,
loaded from data.calendar in a handful of queries (``load_view``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ...data import booking, users
from ...data import calendar as cal
from ...data.booking import DayInfo
from ...data.calendar import CalendarRow
from ...data.clock import now

DAY, WEEK, MONTH = "day", "week", "month"
VIEWS = (DAY, WEEK, MONTH)
VIEW_NAMES = {DAY: "Day", WEEK: "Week", MONTH: "Month"}
MONTH_WEEKS = 6


@dataclass
class GridColumn:
    """One column of the day or week view."""

    kind: str  # "person", "studio" (nobody assigned), "room", "day"
    title: str
    short: str  # when the full title does not fit
    day: dt.date
    info: DayInfo
    person_id: int | None = None
    room_id: int | None = None
    color: str = ""
    is_photographer: bool = False
    subtitle: str = ""
    rows: list[CalendarRow] = field(default_factory=list)
    lanes: dict = field(default_factory=dict)

    def rows_between(self, start: dt.datetime, end: dt.datetime) -> list[CalendarRow]:
        return [r for r in self.rows if r.start < end and r.end > start]

    def target(self) -> dict:
        """Who or where a booking put in this column goes to, as the
        arguments of data.calendar's booking_in_column and move_changes (a
        day column: nothing changes)."""
        if self.kind == "person":
            return {"person_id": self.person_id}
        if self.kind == "studio":
            return {"studio": True}
        if self.kind == "room":
            return {"room_id": self.room_id}
        return {}


@dataclass
class CalendarData:
    """A loaded view: columns and time axis (day, week) or the month's days."""

    view: str
    day: dt.date  # the day the view was asked for
    first: dt.date  # first day shown
    days: list[DayInfo]
    slot: int
    times: list[dt.time] = field(default_factory=list)
    columns: list[GridColumn] = field(default_factory=list)
    month_rows: dict[dt.date, list[CalendarRow]] = field(default_factory=dict)

    @property
    def month(self) -> tuple[int, int]:
        return (self.day.year, self.day.month)

    def slot_range(self, day: dt.date, index: int) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, self.times[index])
        return start, start + dt.timedelta(minutes=self.slot)

    def slot_index(self, time: dt.time) -> int:
        """The slot holding ``time`` (clamped to the axis)."""
        if not self.times:
            return 0
        minutes = time.hour * 60 + time.minute
        best = 0
        for index, slot_time in enumerate(self.times):
            if slot_time.hour * 60 + slot_time.minute <= minutes:
                best = index
        return best


def _overlapping(rows: list[CalendarRow], day: dt.date) -> list[CalendarRow]:
    start = dt.datetime.combine(day, dt.time())
    end = start + dt.timedelta(days=1)
    return [r for r in rows if r.start < end and r.end > start]


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_start(day: dt.date) -> dt.date:
    """The Monday on or before the 1st of ``day``'s month (the month grid's first cell)."""
    return week_start(day.replace(day=1))


def load_view(
    view: str,
    day: dt.date,
    people: set[int] | None = None,
    include_cancelled: bool = False,
    include_unassigned: bool = True,
) -> CalendarData:
    """Everything one view draws, from data.calendar (a handful of queries).

    ``people``: the user ids whose bookings are shown (None: everyone: the
    photographers, and other staff on the days they have appointments)."""
    staff = users.active_users()
    ids = [u.id for u in staff if people is None or u.id in people]
    slot = cal.slot_minutes()
    if view == MONTH:
        first = month_start(day)
        count = MONTH_WEEKS * 7
        start = dt.datetime.combine(first, dt.time())
        rows = cal.bookings_between(
            start,
            start + dt.timedelta(days=count),
            photographer_ids=ids,
            include_cancelled=include_cancelled,
            include_unassigned=include_unassigned,
        )
        by_day: dict[dt.date, list[CalendarRow]] = {}
        for row in rows:
            by_day.setdefault(row.start.date(), []).append(row)
        return CalendarData(MONTH, day, first, booking.day_infos(first, count), slot, month_rows=by_day)
    if view == WEEK:
        first = week_start(day)
        week = cal.calendar_week(
            first,
            photographer_ids=ids,
            days=7,
            include_cancelled=include_cancelled,
            include_unassigned=include_unassigned,
        )
        columns = []
        today = now().date()
        for info in week.days:
            rows = _overlapping(week.rows, info.day)
            columns.append(
                GridColumn(
                    "day",
                    f"{info.day:%a %b} {info.day.day}",
                    f"{info.day:%a} {info.day.day}",
                    info.day,
                    info,
                    rows=rows,
                    lanes=cal.assign_lanes(rows),
                    subtitle="today" if info.day == today else "",
                )
            )
        return CalendarData(WEEK, day, first, week.days, week.slot_minutes, week.times, columns)
    week = cal.calendar_week(
        day, photographer_ids=ids, days=1, include_cancelled=include_cancelled, include_unassigned=include_unassigned
    )
    info = week.days[0]
    photographers = {u.id for u in staff if u.is_photographer}
    columns = []
    for column in week.columns:
        rows = [r for r in week.rows if r.photographer_id == column.id]
        if column.id is None:
            columns.append(
                GridColumn(
                    "studio",
                    "Studio (no staff)",
                    "Studio",
                    day,
                    info,
                    color=column.color,
                    subtitle="appointments",
                    rows=rows,
                    lanes=cal.assign_lanes(rows),
                )
            )
        elif column.id in photographers or rows:
            first_name = column.name.split()[0] if column.name else column.name
            columns.append(
                GridColumn(
                    "person",
                    column.name,
                    first_name,
                    day,
                    info,
                    person_id=column.id,
                    color=column.color,
                    is_photographer=column.id in photographers,
                    subtitle=_booked(rows) if column.id in photographers else "staff",
                    rows=rows,
                    lanes=cal.assign_lanes(rows),
                )
            )
    for room in cal.rooms():
        rows = [r for r in week.rows if r.room_id == room.id]
        columns.append(
            GridColumn(
                "room",
                f"Room: {room.name}",
                room.name,
                day,
                info,
                room_id=room.id,
                subtitle=_booked(rows, "room"),
                rows=rows,
                lanes=cal.assign_lanes(rows),
            )
        )
    return CalendarData(DAY, day, day, week.days, week.slot_minutes, week.times, columns)


def _booked(rows: list[CalendarRow], empty: str = "free") -> str:
    count = sum(1 for r in rows if not r.is_closed)
    return f"{count} booked" if count else empty
