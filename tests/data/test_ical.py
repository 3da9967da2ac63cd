"""`spectra ical`: the exported calendar, parsed back with icalendar and
matched against the database."""
import datetime as dt

import icalendar
import pytest

from spectra_tui.cli import main as cli_main
from spectra_tui.data import booking, settings, sessions
from spectra_tui.data.errors import DomainError
from spectra_tui.data.ical import build_calendar, export_ical
from spectra_tui.data.models import Appointment, Session

from .conftest_booking import NOW, at, bk  # noqa: F401  (bk is a fixture)

CLOSED = ("Cancelled", "No-Show")


@pytest.fixture
def cal_db(bk):
    """Bookings before, inside and after the 60 days from today (1 June 2030)."""
    s = bk
    s.ava_session = sessions.create_session(bk.ann, bk.ava, bk.family, at(1, "10:00"), room=bk.studio_a)
    s.ben_session = sessions.create_session(bk.bob, bk.ben, bk.headshot, at(2, "15:00"))
    s.cancelled = sessions.create_session(bk.bob, bk.ava, bk.headshot, at(3, "10:00"))
    sessions.cancel_session(s.cancelled, "ill")
    s.presentation = sessions.create_appointment("Sales presentation", at(8, "11:00"), 60, session=s.ava_session)
    s.meeting = sessions.create_appointment("Staff meeting", at(0, "9:00"), 30, staff=bk.admin)
    s.far = sessions.create_session(bk.ann, bk.ben, bk.family, dt.datetime(2030, 8, 20, 10, 0))  # day 80
    s.past = sessions.create_session(bk.ann, bk.ava, bk.family, dt.datetime(2030, 5, 28, 10, 0))
    return s


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def expected_bookings(first: dt.datetime, last: dt.datetime, person=None, include_cancelled=False):
    """Straight from the tables, independently of the export's own query."""
    out = {}
    query = Session.select().where((Session.start >= first) & (Session.start < last))
    for s in query:
        if (include_cancelled or s.status not in CLOSED) and (person is None or s.photographer_id == person.id):
            out[f"session-{s.number}@spectra"] = s
    for a in Appointment.select().where((Appointment.start >= first) & (Appointment.start < last)):
        if (include_cancelled or a.status not in CLOSED) and (person is None or a.staff_id == person.id):
            out[f"appointment-{a.id}@spectra"] = a
    return out


def test_export_matches_the_database(cal_db):
    cal = parse(export_ical(days=60))
    assert cal["VERSION"] == "2.0" and "Spectra" in str(cal["PRODID"])
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    expected = expected_bookings(dt.datetime(2030, 6, 1), dt.datetime(2030, 7, 31))
    assert set(events) == set(expected)
    assert f"session-{cal_db.cancelled.number}@spectra" not in events  # cancelled: left out
    assert f"session-{cal_db.far.number}@spectra" not in events and f"session-{cal_db.past.number}@spectra" not in events
    zone = "America/Chicago"
    for uid, row in expected.items():
        event = events[uid]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo is not None and str(start.tzinfo) == zone
        assert start.utcoffset() == dt.timedelta(hours=-5)  # June: Central Daylight Time
        assert start.replace(tzinfo=None) == row.start and end.replace(tzinfo=None) == row.end
        summary, description = str(event["SUMMARY"]), str(event["DESCRIPTION"])
        assert f"Status: {row.status}" in description and str(event["STATUS"]) == "CONFIRMED"
        if isinstance(row, Session):
            assert summary == f"{row.client.full_name} – {row.session_type.name} session"
            assert description.startswith(f"Session {row.number}\n")
            assert f"Photographer: {row.photographer.full_name}" in description
        else:
            assert summary.startswith(row.title)
            if row.client_id:
                assert row.client.full_name in summary
            if row.session_id:
                assert f"session {row.session.number}" in description
    ava = events[f"session-{cal_db.ava_session.number}@spectra"]
    assert str(ava["LOCATION"]) == "Studio A" and "Room: Studio A" in str(ava["DESCRIPTION"])
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == [zone]


def test_cancelled_can_be_sent_as_status_cancelled(cal_db):
    cal = parse(export_ical(days=60, include_cancelled=True))
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == set(expected_bookings(dt.datetime(2030, 6, 1), dt.datetime(2030, 7, 31),
                                                include_cancelled=True))
    cancelled = events[f"session-{cal_db.cancelled.number}@spectra"]
    assert str(cancelled["STATUS"]) == "CANCELLED" and "Status: Cancelled" in str(cancelled["DESCRIPTION"])


def test_days_and_photographer_filters(cal_db, bk):
    longer = parse(export_ical(days=90))
    assert f"session-{cal_db.far.number}@spectra" in {str(e["UID"]) for e in longer.walk("VEVENT")}
    one_day = parse(export_ical(days=3))
    assert {str(e["UID"]) for e in one_day.walk("VEVENT")} == {f"appointment-{cal_db.meeting.id}@spectra"}
    ben = parse(export_ical(days=60, photographer=bk.ben))
    assert {str(e["UID"]) for e in ben.walk("VEVENT")} == set(
        expected_bookings(dt.datetime(2030, 6, 1), dt.datetime(2030, 7, 31), person=bk.ben))
    assert "Ben Carter" in str(ben["X-WR-CALNAME"])
    with pytest.raises(DomainError, match="days"):
        export_ical(days=0)


def test_uids_are_stable_and_follow_a_reschedule(cal_db):
    first = {str(e["UID"]): e.decoded("DTSTART") for e in parse(export_ical()).walk("VEVENT")}
    booking.reschedule_session(cal_db.ava_session, at(1, "14:00"))
    second = {str(e["UID"]): e.decoded("DTSTART") for e in parse(export_ical()).walk("VEVENT")}
    uid = f"session-{cal_db.ava_session.number}@spectra"
    assert set(first) == set(second)
    assert second[uid].replace(tzinfo=None) == at(1, "14:00") != first[uid].replace(tzinfo=None)


def test_the_studio_time_zone_is_used(cal_db):
    settings.put("timezone", "Europe/Paris")
    cal, count = build_calendar(days=60)
    event = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == f"session-{cal_db.ava_session.number}@spectra")
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Paris" and start.utcoffset() == dt.timedelta(hours=2)
    assert start.replace(tzinfo=None) == cal_db.ava_session.start  # the wall-clock time is kept
    assert count == len(cal.walk("VEVENT"))
    settings.put("timezone", "Mars/Olympus")
    with pytest.raises(DomainError, match="time zone"):
        build_calendar()


def test_cli_writes_a_file_or_standard_output(cal_db, bk, db_target, tmp_path, capsysbinary):
    db_path = db_target
    out = tmp_path / "studio.ics"
    assert cli_main(["--db", db_path, "ical", "--photographer", "Ava Reyes", "--days", "30", "--out", str(out)]) == 0
    written = parse(out.read_bytes())
    assert {str(e["UID"]) for e in written.walk("VEVENT")} == set(
        expected_bookings(dt.datetime(2030, 6, 1), dt.datetime(2030, 7, 1), person=bk.ava))
    assert b"Wrote 2 booking(s)" in capsysbinary.readouterr().err
    assert cli_main(["--db", db_path, "ical", "--days", "60"]) == 0
    printed = capsysbinary.readouterr().out
    assert printed.startswith(b"BEGIN:VCALENDAR\r\n") and printed.rstrip().endswith(b"END:VCALENDAR")
    assert len(parse(printed).walk("VEVENT")) == 4
    assert cli_main(["--db", db_path, "ical", "--photographer", "nobody"]) == 2
    assert b"No active user named 'nobody'" in capsysbinary.readouterr().err
    assert cli_main(["--db", db_path, "ical", "--out", str(tmp_path)]) == 2
    assert b"is a folder" in capsysbinary.readouterr().err


def test_old_data_with_control_characters_is_written_without_them(cal_db, bk):
    """A studio's rows stored before control characters were stripped on the
    way in: SUMMARY, DESCRIPTION and the calendar's name come out clean."""
    from spectra_tui.data.models import database

    trap = "\x1b]0;pwned\x07"

    def behind_the_app(statement, *params):
        database.execute_sql(statement.replace("?", database.param), params)

    behind_the_app('UPDATE "client" SET first_name = ? WHERE id = ?', f"Ann{trap}\x7f", bk.ann.id)
    behind_the_app('UPDATE "session_type" SET name = ? WHERE id = ?', f"Family\x9b{trap}", bk.family.id)
    behind_the_app('UPDATE "appointment" SET title = ? WHERE id = ?', f"Sales{trap}", cal_db.presentation.id)
    behind_the_app('UPDATE "user" SET full_name = ? WHERE id = ?', f"Ava{trap} Reyes", bk.ava.id)
    settings.put("studio_name", "Bright Studio")
    behind_the_app("UPDATE \"setting\" SET value = ? WHERE key = 'studio_name'", '"Bright\\u001b Studio"')
    data = export_ical(days=60)
    assert not set(data.decode()) & {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} - {"\r", "\n"}
    events = {str(e["UID"]): e for e in parse(data).walk("VEVENT")}
    ann = events[f"session-{cal_db.ava_session.number}@spectra"]
    assert str(ann["SUMMARY"]) == f"Ann]0;pwned {bk.ann.last_name} – Family]0;pwned session"
    assert "Photographer: Ava]0;pwned Reyes" in str(ann["DESCRIPTION"])
    assert str(events[f"appointment-{cal_db.presentation.id}@spectra"]["SUMMARY"]).startswith("Sales]0;pwned")
    assert str(parse(data)["X-WR-CALNAME"]) == "Bright Studio"
