"""What the calendar screens read (data/calendar.py): bookings in a range as
rows, the week view, open days, slots and free time; and that it stays a
handful of queries however full the calendar is."""
import datetime as dt
import random
import time

import pytest

from staff import add_user
from spectra_tui.data import booking, calendar, sessions, settings
from spectra_tui.data.calendar import APPOINTMENT_COLOR, CalendarRow

from .conftest_booking import MONDAY, at, bk  # noqa: F401  (bk is a fixture)


class QueryCounter:
    def __init__(self, db, monkeypatch):
        self.sql: list[str] = []
        original = db.execute_sql

        def counting(sql, params=None, *args, **kwargs):
            self.sql.append(sql)
            return original(sql, params, *args, **kwargs)

        monkeypatch.setattr(db, "execute_sql", counting)

    def reset(self):
        self.sql.clear()

    @property
    def selects(self) -> int:
        return sum(1 for s in self.sql if s.lstrip().upper().startswith("SELECT"))


@pytest.fixture
def queries(bk, monkeypatch):
    return QueryCounter(bk.db, monkeypatch)


def week():
    return MONDAY, MONDAY + dt.timedelta(days=7)


def test_rows_carry_what_the_calendar_shows(bk):
    session = sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"), room=bk.studio_a)
    presentation = sessions.create_appointment("Sales presentation", at(3, "11:00"), 60, session=session)
    meeting = sessions.create_appointment("Staff meeting", at(0, "9:00"), 30, staff=bk.admin)
    rows = calendar.bookings_between(*week())
    assert [r.key for r in rows] == [("appointment", meeting.id), ("session", session.id),
                                     ("appointment", presentation.id)]
    s = rows[1]
    assert (s.start, s.end, s.length_minutes) == (at(1, "10:00"), at(1, "11:30"), 90)
    assert (s.photographer_id, s.photographer_name, s.photographer_color) == (bk.ava.id, "Ava Reyes", "#d75f5f")
    assert (s.room_id, s.room_name, s.client_id, s.client_name) == (bk.studio_a.id, "Studio A", bk.ann.id, "Ann Lee")
    assert (s.type_name, s.color, s.status) == ("Family", "#87afd7", "Session Pending")
    assert (s.session_id, s.session_number, s.title, s.is_session) == (session.id, session.number, "Ann Lee · Family", True)
    p = rows[2]
    assert (p.kind, p.type_name, p.color, p.client_name) == ("appointment", "Sales presentation", APPOINTMENT_COLOR, "Ann Lee")
    assert (p.session_id, p.session_number, p.photographer_id) == (session.id, session.number, bk.ava.id)
    assert p.title == "Sales presentation · Ann Lee"
    m = rows[0]
    assert (m.client_id, m.client_name, m.title, m.photographer_name, m.room_name) == (
        None, "", "Staff meeting", "Studio Admin", "")


def test_range_edges_and_bookings_running_into_the_range(bk):
    sessions.create_session(bk.ann, bk.ava, bk.family, dt.datetime(2030, 6, 2, 23, 0))  # Sunday 23:00-00:30
    sessions.create_session(bk.bob, bk.ava, bk.family, at(7, "0:00"))  # next Monday midnight: outside
    sessions.create_session(bk.bob, bk.ben, bk.family, at(6, "22:00"))  # inside
    rows = calendar.bookings_between(*week())
    assert [r.start for r in rows] == [dt.datetime(2030, 6, 2, 23, 0), at(6, "22:00")]  # the first ends inside


def test_cancelled_and_no_show_only_on_request(bk):
    one = sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))
    two = sessions.create_session(bk.bob, bk.ava, bk.family, at(1, "12:00"))
    three = sessions.create_appointment("Consult", at(1, "15:00"), 30, client=bk.bob, staff=bk.ben)
    sessions.cancel_session(one, "ill")
    sessions.mark_no_show(two)
    sessions.set_appointment_status(three, "Cancelled", "not needed")
    assert calendar.bookings_between(*week()) == []
    rows = calendar.bookings_between(*week(), include_cancelled=True)
    assert [(r.status, r.is_closed) for r in rows] == [("Cancelled", True), ("No-Show", True), ("Cancelled", True)]


def test_filters_by_photographer_room_and_unassigned(bk):
    a = sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))
    b = sessions.create_session(bk.bob, bk.ben, bk.family, at(1, "10:00"), room=bk.studio_b)
    free = sessions.create_appointment("Open house", at(2, "10:00"), 60)  # nobody assigned
    admin = sessions.create_appointment("Staff meeting", at(0, "9:00"), 30, staff=bk.admin)
    keys = lambda rows: {r.key for r in rows}  # noqa: E731
    assert keys(calendar.bookings_between(*week(), photographer_ids=[bk.ava.id])) == {("session", a.id),
                                                                                        ("appointment", free.id)}
    assert keys(calendar.bookings_between(*week(), photographer_ids=[bk.ava.id], include_unassigned=False)) == {
        ("session", a.id)}
    assert keys(calendar.bookings_between(*week(), room_ids=[bk.studio_b.id])) == {("session", b.id)}
    assert keys(calendar.bookings_between(*week(), photographer_ids=[bk.ava.id], room_ids=[bk.studio_b.id],
                                          include_unassigned=False)) == {("session", a.id), ("session", b.id)}
    assert calendar.bookings_between(*week(), photographer_ids=[], include_unassigned=False) == []
    assert len(calendar.bookings_between(*week())) == 4 and ("appointment", admin.id) in keys(
        calendar.bookings_between(*week()))


def test_the_week_view(bk):
    settings.put("conflict_policy", "always")
    booking.set_holiday(MONDAY + dt.timedelta(days=4), "Studio party")
    s1 = sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))
    s2 = sessions.create_session(bk.bob, bk.ava, bk.headshot, at(1, "10:30"))  # overlaps s1 (policy always)
    s3 = sessions.create_session(bk.bob, bk.ava, bk.headshot, at(1, "11:00"))  # overlaps s1, after s2
    s4 = sessions.create_session(bk.bob, bk.ben, bk.headshot, at(3, "19:30"))  # Thursday evening
    open_house = sessions.create_appointment("Open house", at(2, "10:00"), 60)
    view = calendar.calendar_week(MONDAY)
    assert [c.name for c in view.columns] == ["Ava Reyes", "Ben Carter", "Studio"]
    assert [c.id for c in view.columns] == [bk.ava.id, bk.ben.id, None]
    assert [d.label for d in view.days][3:6] == ["9:00 AM – 8:00 PM", "Closed: Studio party", "10:00 AM – 4:00 PM"]
    assert [r.id for r in view.cell(MONDAY + dt.timedelta(days=1), bk.ava.id)] == [s1.id, s2.id, s3.id]
    assert [r.id for r in view.cell(MONDAY + dt.timedelta(days=2), None)] == [open_house.id]
    assert view.lanes[("session", s1.id)] == (0, 2)
    assert view.lanes[("session", s2.id)] == (1, 2)
    assert view.lanes[("session", s3.id)] == (1, 2)  # s2 has ended: its lane is free again
    assert view.lanes[("session", s4.id)] == (0, 1)
    assert view.slot_minutes == 30
    assert view.times[0] == dt.time(9, 0) and view.times[-1] == dt.time(19, 30) and len(view.times) == 22
    assert [r.id for r in view.rows_on(MONDAY + dt.timedelta(days=3))] == [s4.id]
    only_ben = calendar.calendar_week(MONDAY, photographer_ids=[bk.ben.id], include_unassigned=False)
    assert [c.name for c in only_ben.columns] == ["Ben Carter"] and [r.id for r in only_ben.rows] == [s4.id]


def test_the_time_axis_follows_the_slot_setting_and_bookings_outside_hours(bk):
    settings.put("slot_minutes", 60)
    settings.put("conflict_policy", "always")
    sessions.create_session(bk.ann, bk.ava, bk.headshot, at(0, "7:45"))
    view = calendar.calendar_week(MONDAY)
    assert view.times[0] == dt.time(7, 0) and view.times[-1] == dt.time(19, 0)
    assert calendar.time_axis(booking.day_infos(MONDAY + dt.timedelta(days=6), 1)) == [
        dt.time(h) for h in range(9, 18)]  # a closed day still gets a default axis


def test_day_slots_and_free_time(bk):
    tuesday = MONDAY + dt.timedelta(days=1)
    slots = calendar.day_slots(tuesday)
    assert slots[0] == at(1, "9:00") and slots[-1] == at(1, "17:30") and len(slots) == 18
    assert calendar.day_slots(MONDAY + dt.timedelta(days=6)) == []  # Sunday
    assert len(calendar.day_slots(tuesday, slot=60)) == 9
    sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))  # 10:00-11:30
    sessions.create_appointment("Planning", at(1, "14:00"), 60, staff=bk.ava)
    sessions.create_session(bk.bob, bk.ben, bk.family, at(1, "16:00"), room=bk.studio_a)
    assert calendar.free_ranges(bk.ava, tuesday) == [(at(1, "9:00"), at(1, "10:00")), (at(1, "11:30"), at(1, "14:00")),
                                                      (at(1, "15:00"), at(1, "18:00"))]
    assert calendar.free_ranges(bk.ava, tuesday, room=bk.studio_a)[-1] == (at(1, "17:30"), at(1, "18:00"))
    starts = calendar.free_slots(bk.ava, tuesday, 90)
    assert starts == [at(1, "11:30"), at(1, "12:00"), at(1, "12:30"), at(1, "15:00"), at(1, "15:30"),
                      at(1, "16:00"), at(1, "16:30")]
    assert calendar.free_slots(bk.ava, tuesday, 90, not_before=at(1, "16:00")) == [at(1, "16:00"), at(1, "16:30")]
    assert calendar.free_slots(bk.ava, MONDAY + dt.timedelta(days=6), 30) == []
    for start in starts:  # every free slot really is bookable
        assert booking.check_slot(start, 90, bk.ava).ok


def test_next_free_slots_skip_busy_time_and_closed_days(bk):
    sessions.create_session(bk.ann, bk.ava, bk.family, at(5, "10:00"), length_minutes=360)  # Saturday 10-16: full
    offered = calendar.next_free_slots(bk.ava, at(4, "17:30"), 60, count=3)
    assert offered == [at(7, "9:00"), at(7, "9:30"), at(7, "10:00")]  # Fri too late, Sat full, Sun closed
    assert calendar.next_free_slots(bk.ava, at(4, "16:00"), 60, count=2) == [at(4, "16:00"), at(4, "16:30")]


def test_day_counts_and_rooms(bk):
    sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))
    sessions.create_session(bk.bob, bk.ben, bk.family, at(1, "12:00"))
    sessions.create_appointment("Consult", at(3, "12:00"), 30, client=bk.bob)
    counts = calendar.day_counts(MONDAY, 7)
    assert [counts[MONDAY + dt.timedelta(days=i)] for i in range(7)] == [0, 2, 0, 1, 0, 0, 0]
    assert calendar.day_counts(MONDAY, 7, photographer_ids=[bk.ben.id])[MONDAY + dt.timedelta(days=1)] == 1
    assert [r.name for r in calendar.rooms()] == ["Studio A", "Studio B"]


def test_a_holiday_has_no_slots(bk):
    booking.set_holiday(MONDAY, "Memorial Day")
    assert calendar.day_slots(MONDAY) == [] and calendar.free_ranges(bk.ava, MONDAY) == []
    assert calendar.day_info(MONDAY).label == "Closed: Memorial Day"


def test_open_booking_returns_the_model(bk):
    session = sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"))
    row, = calendar.bookings_between(*week())
    assert calendar.open_booking(row).number == session.number


def _fill(bk, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    people = [bk.ava, bk.ben]
    for i in range(count):
        day = rng.randrange(0, 6)
        start = at(day, f"{rng.randint(9, 15)}:{rng.choice(['00', '30'])}")
        if i % 4 == 0:
            sessions.create_appointment("Consult", start, 30, client=bk.bob, staff=rng.choice(people), room=bk.studio_a)
        else:
            sessions.create_session(rng.choice([bk.ann, bk.bob]), rng.choice(people), bk.headshot, start,
                                    room=rng.choice([None, bk.studio_a, bk.studio_b]))


def test_no_n_plus_one_two_queries_for_the_bookings(bk, queries):
    _fill(bk, 8)
    queries.reset()
    few = calendar.bookings_between(*week())
    assert queries.selects == 2
    _fill(bk, 120, seed=8)
    queries.reset()
    many = calendar.bookings_between(*week())
    assert queries.selects == 2 and len(many) == len(few) + 120
    queries.reset()
    view = calendar.calendar_week(MONDAY)
    small_count = queries.selects
    assert small_count <= 7  # photographers, 2 settings, holidays, sessions, appointments
    assert len(view.rows) == 128
    for row in view.rows:  # everything is already there: reading rows costs no query
        _ = (row.title, row.client_name, row.room_name, row.photographer_name, row.color, row.is_closed)
    assert queries.selects == small_count


def test_conflict_check_is_a_constant_number_of_queries(bk, queries):
    _fill(bk, 60)
    queries.reset()
    booking.find_conflicts(at(1, "10:00"), 90, photographer=bk.ava, room=bk.studio_a)
    assert queries.selects <= 4  # settings + holidays + sessions + appointments


def test_the_week_renders_fast_with_a_thousand_bookings_a_month(bk):
    """The calendar budget is 100 ms for a week of 5 photographers with 1,000
    bookings in the month (benchmarks/bench_calendar.py measures p50/p95)."""
    from spectra_tui.data.models import Appointment, Session

    settings.put("conflict_policy", "always")
    people = [bk.ava, bk.ben] + [add_user(f"p{i}", f"Photographer {i}", "photographer") for i in range(3)]
    rng = random.Random(3)
    first = MONDAY - dt.timedelta(days=7)
    session_rows, appointment_rows = [], []
    for i in range(1000):
        start = dt.datetime.combine(first + dt.timedelta(days=rng.randrange(30)), dt.time(rng.randint(9, 16), 0))
        person = rng.choice(people)
        if i % 5 == 0:
            appointment_rows.append(dict(title="Sales presentation", client=bk.ann, staff=person, start=start,
                                         length_minutes=60, status="Scheduled"))
        else:
            session_rows.append(dict(number=5000 + i, client=bk.bob, photographer=person, session_type=bk.headshot,
                                     start=start, length_minutes=60, status="Session Pending"))
    Session.insert_many(session_rows).execute()
    Appointment.insert_many(appointment_rows).execute()
    timings = []
    for _ in range(5):
        began = time.perf_counter()
        view = calendar.calendar_week(MONDAY, photographer_ids=[p.id for p in people])
        timings.append(time.perf_counter() - began)
    assert 150 < len(view.rows) < 350
    assert min(timings) < 0.100, f"best of 5: {min(timings) * 1000:.1f} ms"


def test_rows_are_light_frozen_values():
    row = CalendarRow("session", 1, at(0, "9:00"), at(0, "10:00"), "Session Pending", 1, "A", "#fff", None, "", 1,
                      "Ann", "Family", "#000", 1, 1001)
    with pytest.raises(Exception):
        row.status = "x"  # type: ignore[misc]
    assert not hasattr(row, "__dict__")  # slots: cheap to build a thousand of
