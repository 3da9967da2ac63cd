"""What the calendar shows: bookings in a date range as light rows, a week
laid out for the screen, the studio's open / closed days and free slots.

``calendar_week()`` is THE function the calendar screen calls (and the one
benchmarks/bench_calendar.py times): two SQL queries for the bookings (one
for sessions, one for appointments, each joined to what it shows), plus a few
tiny ones (photographers, settings, holidays). No N+1, whatever the size of
the week. Rows are plain frozen dataclasses, safe to hand to a worker thread
or the UI.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from peewee import JOIN

from . import settings
from .booking import (
    APPOINTMENT,
    APPOINTMENT_CLOSED,
    DST_MARGIN,
    MAX_LENGTH,
    SESSION,
    SESSION_CLOSED,
    DayInfo,
    _as_datetime,
    _id,
    _name_of,
    day_info,
    day_infos,
)
from .clock import wall_end
from .errors import NotFound
from .models import Appointment, Client, Room, Session, SessionType, User, tuples
from .sessions import can_photograph
from .text import strip_controls

APPOINTMENT_COLOR = "#8a8a8a"  # appointments have no session type: a neutral block
UNASSIGNED_COLOR = "#6c6c6c"


@dataclass(frozen=True, slots=True)
class CalendarRow:
    """One booking as the calendar draws it."""

    kind: str  # "session" or "appointment"
    id: int  # Session.id or Appointment.id
    start: dt.datetime
    end: dt.datetime
    status: str
    photographer_id: int | None  # session photographer / appointment staff
    photographer_name: str
    photographer_color: str
    room_id: int | None
    room_name: str
    client_id: int | None
    client_name: str
    type_name: str  # the session type; for an appointment its title
    color: str  # the session type's colour; APPOINTMENT_COLOR for appointments
    session_id: int | None  # the session, or the session the appointment belongs to
    session_number: int | None

    def __post_init__(self) -> None:
        # Read straight from SQL, past the models' rule: a studio's old data may
        # still hold control characters, which must not reach a screen or a file.
        for name in ("status", "photographer_name", "room_name", "client_name", "type_name"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, strip_controls(value))

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)

    @property
    def is_session(self) -> bool:
        return self.kind == SESSION

    @property
    def is_closed(self) -> bool:
        """Cancelled or No-Show (shown greyed, if shown at all)."""
        return self.status in (SESSION_CLOSED if self.kind == SESSION else APPOINTMENT_CLOSED)

    @property
    def length_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def title(self) -> str:
        """'Jane Smith · Family', 'Sales presentation · Jane Smith', 'Staff meeting'."""
        if self.kind == SESSION:
            return f"{self.client_name} · {self.type_name}"
        return f"{self.type_name} · {self.client_name}" if self.client_name else self.type_name

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.start < end and self.end > start


def _range(start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time())
    if not isinstance(end, dt.datetime):
        end = dt.datetime.combine(end, dt.time())
    return start, end


def bookings_between(
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    *,
    photographer_ids=None,
    room_ids=None,
    include_cancelled: bool = False,
    include_unassigned: bool = True,
) -> list[CalendarRow]:
    """Sessions and appointments overlapping [start, end) (a date means its
    midnight: ``bookings_between(monday, monday + 7 days)`` is the week).

    ``photographer_ids`` / ``room_ids``: None = no filter on that; when both
    are given a booking matches either (the photographer OR the room).
    ``include_unassigned``: with a photographer filter, also appointments with
    no staff member (shown in a studio column). Cancelled and No-Show bookings
    only with ``include_cancelled``. Sorted by start. Two queries.
    """
    start, end = _range(start, end)
    earliest = start - MAX_LENGTH - DST_MARGIN  # index range on start; exact overlap checked below
    people = list(photographer_ids) if photographer_ids is not None else None
    rooms = list(room_ids) if room_ids is not None else None
    rows: list[CalendarRow] = []

    photographer = User.alias()
    sessions_in_range = (
        Session.select(
            Session.id,
            Session.number,
            Session.start,
            Session.length_minutes,
            Session.status,
            Session.photographer,
            photographer.full_name,
            photographer.color,
            Session.room,
            Room.name,
            SessionType.name,
            SessionType.color,
            Client.first_name,
            Client.middle_name,
            Client.last_name,
            Client.company,
            Client.id,
        )
        .join(SessionType, on=(Session.session_type == SessionType.id))
        .switch(Session)
        .join(photographer, on=(Session.photographer == photographer.id))
        .switch(Session)
        .join(Client, on=(Session.client == Client.id))
        .switch(Session)
        .join(Room, JOIN.LEFT_OUTER, on=(Session.room == Room.id))
        .where((Session.start < end) & (Session.start > earliest))
    )
    if not include_cancelled:
        sessions_in_range = sessions_in_range.where(Session.status.not_in(SESSION_CLOSED))
    who = _filter(Session.photographer, Session.room, people, rooms, unassigned=False)
    if who is not None:
        sessions_in_range = sessions_in_range.where(who)
    for (
        sid,
        number,
        s_start,
        length,
        status,
        p_id,
        p_name,
        p_color,
        r_id,
        r_name,
        t_name,
        t_color,
        *client,
    ) in tuples(sessions_in_range):
        s_start = _as_datetime(s_start)
        s_end = wall_end(s_start, length)
        if s_end <= start:
            continue
        rows.append(
            CalendarRow(
                SESSION,
                sid,
                s_start,
                s_end,
                status,
                p_id,
                p_name,
                p_color,
                r_id,
                r_name or "",
                client[-1],
                _name_of(tuple(client)),
                t_name,
                t_color,
                sid,
                number,
            )
        )

    staff = User.alias()
    appointments_in_range = (
        Appointment.select(
            Appointment.id,
            Appointment.title,
            Appointment.start,
            Appointment.length_minutes,
            Appointment.status,
            Appointment.staff,
            staff.full_name,
            staff.color,
            Appointment.room,
            Room.name,
            Appointment.session,
            Session.number,
            Client.first_name,
            Client.middle_name,
            Client.last_name,
            Client.company,
            Client.id,
        )
        .join(staff, JOIN.LEFT_OUTER, on=(Appointment.staff == staff.id))
        .switch(Appointment)
        .join(Client, JOIN.LEFT_OUTER, on=(Appointment.client == Client.id))
        .switch(Appointment)
        .join(Room, JOIN.LEFT_OUTER, on=(Appointment.room == Room.id))
        .switch(Appointment)
        .join(Session, JOIN.LEFT_OUTER, on=(Appointment.session == Session.id))
        .where((Appointment.start < end) & (Appointment.start > earliest))
    )
    if not include_cancelled:
        appointments_in_range = appointments_in_range.where(Appointment.status.not_in(APPOINTMENT_CLOSED))
    who = _filter(Appointment.staff, Appointment.room, people, rooms, unassigned=include_unassigned)
    if who is not None:
        appointments_in_range = appointments_in_range.where(who)
    for (
        aid,
        title,
        a_start,
        length,
        status,
        st_id,
        st_name,
        st_color,
        r_id,
        r_name,
        s_id,
        s_number,
        *client,
    ) in tuples(appointments_in_range):
        a_start = _as_datetime(a_start)
        a_end = wall_end(a_start, length)
        if a_end <= start:
            continue
        client_name = _name_of(tuple(client)) if client[-1] else ""
        rows.append(
            CalendarRow(
                APPOINTMENT,
                aid,
                a_start,
                a_end,
                status,
                st_id,
                st_name or "",
                st_color or UNASSIGNED_COLOR,
                r_id,
                r_name or "",
                client[-1],
                client_name,
                title,
                APPOINTMENT_COLOR,
                s_id,
                s_number,
            )
        )
    rows.sort(key=lambda r: (r.start, r.kind != SESSION, r.id))
    return rows


def _filter(person_field, room_field, people, rooms, unassigned: bool):
    parts = []
    if people is not None:
        parts.append(person_field.in_(people) if people else None)
        if unassigned:
            parts.append(person_field.is_null(True))
    if rooms is not None:
        parts.append(room_field.in_(rooms) if rooms else None)
    conditions = [p for p in parts if p is not None]
    if people is None and rooms is None:
        return None
    if not conditions:
        return person_field.is_null(True) & person_field.is_null(False)  # matches nothing
    condition = conditions[0]
    for part in conditions[1:]:
        condition = condition | part
    return condition


# ---------------------------------------------------------------- the week the screen renders


@dataclass(frozen=True, slots=True)
class Column:
    """A photographer's column (``id`` None: appointments with no staff member)."""

    id: int | None
    name: str
    color: str


@dataclass
class CalendarWeek:
    """Everything the week view draws, ready to render.

    ``cells[(day, photographer_id)]`` are the rows of one column on one day
    (photographer_id None: unassigned appointments), by start. ``lanes[row.key]``
    is (lane, lanes) for drawing overlapping bookings side by side. ``times``
    is the common time axis of the week (slot starts from the earliest opening
    to the latest closing, widened to show any booking outside hours).
    """

    first_day: dt.date
    days: list[DayInfo]
    columns: list[Column]
    rows: list[CalendarRow]
    slot_minutes: int
    times: list[dt.time]
    cells: dict[tuple[dt.date, int | None], list[CalendarRow]] = field(default_factory=dict)
    lanes: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)

    def cell(self, day: dt.date, photographer_id: int | None) -> list[CalendarRow]:
        return self.cells.get((day, photographer_id), [])

    def rows_on(self, day: dt.date) -> list[CalendarRow]:
        return [r for r in self.rows if r.start.date() == day]


def calendar_week(
    first_day: dt.date,
    photographer_ids=None,
    days: int = 7,
    include_cancelled: bool = False,
    include_unassigned: bool = True,
) -> CalendarWeek:
    """The calendar screen's week (or ``days``-day) view from ``first_day``.

    ``photographer_ids`` None = every active photographer. Pass staff user ids
    too (e.g. the admin) to show their appointments (staff meetings)."""
    if photographer_ids is None:
        people = list(
            tuples(
                User.select(User.id, User.full_name, User.color)
                .where((User.photographs == True) & (User.active == True))  # noqa: E712
                .order_by(User.full_name)
            )
        )
    else:
        ids = list(photographer_ids)
        found = {u[0]: u for u in tuples(User.select(User.id, User.full_name, User.color).where(User.id.in_(ids)))}
        people = [found[i] for i in ids if i in found]
    columns = [Column(i, strip_controls(name), color) for i, name, color in people]
    ids = [c.id for c in columns]
    infos = day_infos(first_day, days)
    start = dt.datetime.combine(first_day, dt.time())
    rows = bookings_between(
        start,
        start + dt.timedelta(days=days),
        photographer_ids=ids,
        include_cancelled=include_cancelled,
        include_unassigned=include_unassigned,
    )
    if include_unassigned and any(r.photographer_id is None for r in rows):
        columns.append(Column(None, "Studio", UNASSIGNED_COLOR))
    slot = slot_minutes()
    cells: dict[tuple[dt.date, int | None], list[CalendarRow]] = defaultdict(list)
    for row in rows:
        cells[(row.start.date(), row.photographer_id)].append(row)
    lanes: dict[tuple[str, int], tuple[int, int]] = {}
    for cell_rows in cells.values():
        lanes.update(assign_lanes(cell_rows))
    return CalendarWeek(first_day, infos, columns, rows, slot, time_axis(infos, slot, rows), dict(cells), lanes)


def assign_lanes(rows: list[CalendarRow]) -> dict[tuple[str, int], tuple[int, int]]:
    """Side-by-side lanes for overlapping rows of one column (rows by start):
    {row.key: (lane, number of lanes in its overlapping group)}."""
    out: dict[tuple[str, int], tuple[int, int]] = {}
    group: list[tuple[CalendarRow, int]] = []
    lane_ends: list[dt.datetime] = []
    group_end = None

    def flush():
        for member, lane in group:
            out[member.key] = (lane, len(lane_ends))

    for row in sorted(rows, key=lambda r: (r.start, r.end)):
        if group_end is not None and row.start >= group_end:
            flush()
            group, lane_ends, group_end = [], [], None
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= row.start:
                lane_ends[lane] = row.end
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(row.end)
        group.append((row, lane))
        group_end = row.end if group_end is None else max(group_end, row.end)
    flush()
    return out


# ---------------------------------------------------------------- days, slots, free time


def slot_minutes() -> int:
    value = settings.get("slot_minutes")
    return value if isinstance(value, int) and value in (5, 10, 15, 20, 30, 60) else 30


def _floor(time: dt.time, slot: int) -> dt.time:
    minutes = (time.hour * 60 + time.minute) // slot * slot
    return dt.time(minutes // 60, minutes % 60)


def time_axis(days: list[DayInfo], slot: int | None = None, rows: Sequence[CalendarRow] = ()) -> list[dt.time]:
    """Slot start times shared by several days: earliest opening to latest
    closing (9:00 to 18:00 if every day is closed), widened for any row."""
    slot = slot or slot_minutes()
    hours = [d.hours for d in days]
    opens = [h[0] for h in hours if h is not None]
    closes = [h[1] for h in hours if h is not None]
    first = min(opens) if opens else dt.time(9, 0)
    last = max(closes) if closes else dt.time(18, 0)
    for row in rows:
        first = min(first, row.start.time())
        if row.end.date() > row.start.date():
            last = dt.time(23, 59)
        else:
            last = max(last, row.end.time())
    minute = _floor(first, slot)
    current = minute.hour * 60 + minute.minute
    stop = last.hour * 60 + last.minute
    out = []
    while current < stop:
        out.append(dt.time(current // 60, current % 60))
        current += slot
    return out


def day_slots(day: dt.date, slot: int | None = None) -> list[dt.datetime]:
    """The slot start times of a day the studio is open (empty when closed)."""
    info = day_info(day)
    current, closing = info.opening(), info.closing()
    if current is None or closing is None:
        return []
    slot = slot or slot_minutes()
    out = []
    while current + dt.timedelta(minutes=slot) <= closing:
        out.append(current)
        current += dt.timedelta(minutes=slot)
    return out


def _busy(photographer_id: int, day: dt.date, room_id: int | None) -> list[tuple[dt.datetime, dt.datetime]]:
    start = dt.datetime.combine(day, dt.time())
    rows = bookings_between(
        start,
        start + dt.timedelta(days=1),
        photographer_ids=[photographer_id],
        room_ids=[room_id] if room_id else None,
        include_unassigned=False,
    )
    return [(r.start, r.end) for r in rows]


def free_ranges(
    photographer: User | int, day: dt.date, room: Room | int | None = None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The photographer's free time within studio hours that day (and the
    room's, when given), as (start, end) ranges. Empty when closed."""
    info = day_info(day)
    cursor, closing = info.opening(), info.closing()
    if cursor is None or closing is None:
        return []
    busy = sorted(_busy(_id(photographer), day, _id(room)))
    free = []
    for b_start, b_end in busy:
        if b_start > cursor:
            free.append((cursor, min(b_start, closing)))
        cursor = max(cursor, b_end)
        if cursor >= closing:
            break
    if cursor < closing:
        free.append((cursor, closing))
    return [(a, b) for a, b in free if b > a]


def free_slots(
    photographer: User | int,
    day: dt.date,
    length_minutes: int,
    room: Room | int | None = None,
    slot: int | None = None,
    not_before: dt.datetime | None = None,
) -> list[dt.datetime]:
    """Start times on the slot grid where a booking of ``length_minutes`` fits
    the photographer's (and room's) free time within studio hours."""
    slot = slot or slot_minutes()
    length = dt.timedelta(minutes=length_minutes)
    out = []
    for start in day_slots(day, slot):
        if not_before is not None and start < not_before:
            continue
        out.append(start)
    if not out:
        return []
    busy = _busy(_id(photographer), day, _id(room))
    closing = day_info(day).closing()
    if closing is None:  # not so: day_slots found slots, so the studio is open that day
        return []
    return [s for s in out if s + length <= closing and all(s + length <= b or s >= e for b, e in busy)]


def next_free_slots(
    photographer: User | int,
    after: dt.datetime,
    length_minutes: int,
    count: int = 5,
    room: Room | int | None = None,
    days: int = 14,
) -> list[dt.datetime]:
    """The first ``count`` free starts from ``after`` on (within ``days`` days):
    what the wizard offers when the time asked for is taken."""
    found: list[dt.datetime] = []
    for offset in range(days):
        day = after.date() + dt.timedelta(days=offset)
        found += free_slots(photographer, day, length_minutes, room=room, not_before=after)
        if len(found) >= count:
            break
    return found[:count]


def day_counts(first_day: dt.date, days: int, photographer_ids=None) -> dict[dt.date, int]:
    """Bookings per day (cancelled ones left out), for a month view."""
    start = dt.datetime.combine(first_day, dt.time())
    counts = {first_day + dt.timedelta(days=i): 0 for i in range(days)}
    for row in bookings_between(start, start + dt.timedelta(days=days), photographer_ids=photographer_ids):
        if row.start.date() in counts:
            counts[row.start.date()] += 1
    return counts


def rooms() -> list[Room]:
    """The rooms a booking can take (the wizard's room choice)."""
    return list(Room.select().where(Room.active == True).order_by(Room.name))  # noqa: E712


def open_booking(row: CalendarRow) -> Session | Appointment:
    """The model behind a calendar row (to open or change it)."""
    model = Session if row.kind == SESSION else Appointment
    item = model.get_or_none(model.id == row.id)
    if item is None:
        raise NotFound("That booking no longer exists; refresh the calendar.")
    return item


# ---------------------------------------------------------------- booking and moving in a column


@dataclass(frozen=True)
class ColumnBooking:
    """What a new booking made in a calendar column starts with (the
    Scheduling Wizard's kind, person and room)."""

    kind: str = SESSION
    person: User | None = None  # the photographer, or the staff member an appointment is with
    room: Room | None = None


def booking_in_column(person_id: int | None = None, room_id: int | None = None, studio: bool = False) -> ColumnBooking:
    """A new booking in the column of a person, of a room, or the Studio
    column (nobody assigned): a photographer's column books a session with
    them, another staff member's an appointment with them, a room's column a
    session in that room, the Studio column an appointment."""
    if person_id is not None:
        user = User.get_or_none(User.id == person_id)
        if user is None:
            return ColumnBooking(SESSION)
        return ColumnBooking(SESSION if can_photograph(user) else APPOINTMENT, person=user)
    if room_id is not None:
        return ColumnBooking(SESSION, room=Room.get_or_none(Room.id == room_id))
    return ColumnBooking(APPOINTMENT if studio else SESSION)


def move_changes(
    row: CalendarRow, person_id: int | None = None, room_id: int | None = None, studio: bool = False
) -> dict:
    """What moving ``row`` into the column of a person, of a room, or the
    Studio column (nobody assigned) changes, as booking.reschedule's keyword
    arguments: a session's person is its photographer, an appointment's its
    staff member. Nothing for what stays the same. Whether a session may go
    there is ``sessions.check_photographer``'s to say."""
    changes: dict = {}
    key = "photographer" if row.kind == SESSION else "staff"
    if person_id is not None and person_id != row.photographer_id:
        changes[key] = User.get_or_none(User.id == person_id)
    elif studio and row.photographer_id is not None:
        changes[key] = None
    if room_id is not None and room_id != row.room_id:
        changes["room"] = Room.get_or_none(Room.id == room_id)
    return changes
