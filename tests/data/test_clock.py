"""The studio's clock (data/clock.py): instants in UTC, "today" in the
studio's zone whatever TZ the terminal runs in, and the DST rules."""
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from spectra_tui.data import booking, clock, invoices, phone_calls, sessions, settings
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import AuditLog, Invoice, LedgerEntry

CHICAGO = ZoneInfo("America/Chicago")  # the default studio zone
SPRING_FORWARD = dt.date(2026, 3, 8)  # 2:00 AM -> 3:00 AM in Chicago
FALL_BACK = dt.date(2026, 11, 1)  # 2:00 AM -> 1:00 AM in Chicago
# 04:46 UTC on Friday 27 November is 22:46 on Thursday 26 November in Chicago.
LATE_EVENING = dt.datetime(2026, 11, 27, 4, 46, tzinfo=dt.timezone.utc)
SPECTRA = Path(sys.executable).with_name("spectra")


def wall(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


# ---------------------------------------------------------------- the clock itself

def test_instants_are_utc_and_today_is_the_studio_s_day(db):
    clock.set_clock(lambda: LATE_EVENING)
    assert clock.utc_now() == dt.datetime(2026, 11, 27, 4, 46)
    assert clock.now() == dt.datetime(2026, 11, 26, 22, 46) and clock.today() == dt.date(2026, 11, 26)
    # an instant given in any zone is the same instant; a naive one is UTC
    clock.set_clock(lambda: LATE_EVENING.astimezone(ZoneInfo("Asia/Tokyo")))
    assert clock.utc_now() == dt.datetime(2026, 11, 27, 4, 46)
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 4, 46, 30, 999))
    assert clock.utc_now() == dt.datetime(2026, 11, 27, 4, 46, 30)  # to the second
    assert clock.to_local(clock.to_utc(dt.datetime(2026, 7, 1, 9, 0))) == dt.datetime(2026, 7, 1, 9, 0)
    assert clock.to_utc(dt.datetime(2026, 7, 1, 9, 0)) == dt.datetime(2026, 7, 1, 14, 0)  # CDT, UTC-5


def test_a_change_of_the_studio_s_zone_takes_effect_at_once(db):
    clock.set_clock(lambda: LATE_EVENING)
    assert clock.today() == dt.date(2026, 11, 26)
    settings.put("timezone", "Asia/Tokyo")
    assert clock.now() == dt.datetime(2026, 11, 27, 13, 46) and clock.today() == dt.date(2026, 11, 27)
    settings.put("timezone", "America/Chicago")
    assert clock.today() == dt.date(2026, 11, 26)


# ---------------------------------------------------------------- DST

def test_a_wall_time_the_clocks_skip_is_refused_readably(db):
    with pytest.raises(ValidationError) as refused:
        clock.checked_wall_time(wall(SPRING_FORWARD, 2, 30))
    assert str(refused.value) == ("2:30 AM on Sun 8 Mar 2026 does not exist in America/Chicago: "
                                  "the clocks go forward an hour. Choose another time.")
    assert refused.value.field == "start"
    assert clock.checked_wall_time(wall(SPRING_FORWARD, 3, 0)) == wall(SPRING_FORWARD, 3, 0)
    assert clock.checked_wall_time(wall(SPRING_FORWARD, 1, 59)) == wall(SPRING_FORWARD, 1, 59)


def test_an_ambiguous_wall_time_is_its_first_occurrence(db):
    twice = wall(FALL_BACK, 1, 30)  # 1:30 CDT (06:30 UTC), then 1:30 CST (07:30 UTC)
    assert clock.checked_wall_time(twice) == twice
    assert clock.to_utc(twice) == dt.datetime(2026, 11, 1, 6, 30)
    assert clock.wall_end(twice, 60) == twice  # an hour later the wall shows 1:30 again


def test_lengths_are_real_minutes_across_a_dst_change(db):
    assert clock.wall_end(wall(SPRING_FORWARD, 1, 0), 120) == wall(SPRING_FORWARD, 4, 0)
    assert clock.wall_end(wall(FALL_BACK, 0, 30), 150) == wall(FALL_BACK, 2, 0)
    assert clock.wall_end(wall(SPRING_FORWARD + dt.timedelta(days=1), 1, 0), 120) == wall(
        SPRING_FORWARD + dt.timedelta(days=1), 3, 0)


def test_booking_refuses_a_time_the_clocks_skip(studio):
    skipped = wall(SPRING_FORWARD, 2, 30)
    with pytest.raises(ValidationError, match="does not exist in America/Chicago"):
        sessions.create_session(studio.client, studio.photographer, studio.session_type, skipped)
    with pytest.raises(ValidationError, match="does not exist"):
        booking.book(booking.BookingRequest(kind=booking.SESSION, start=skipped, client=studio.client,
                                            session_type=studio.session_type, photographer=studio.photographer,
                                            allow_conflict=True))
    with pytest.raises(ValidationError, match="does not exist"):
        booking.check_slot(skipped, 60, studio.photographer)
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                      wall(SPRING_FORWARD, 1, 0), 60)
    with pytest.raises(ValidationError, match="does not exist"):
        booking.reschedule(session, skipped, allow_conflict=True)
    with pytest.raises(ValidationError, match="does not exist") as refused:
        phone_calls.log_call(studio.client, "Early call", at=skipped)
    assert refused.value.field == "at"


def test_a_120_minute_session_on_spring_forward_day_ends_at_4_and_conflicts_say_so(studio):
    early = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                    wall(SPRING_FORWARD, 1, 0), 120)
    assert early.end == wall(SPRING_FORWARD, 4, 0)

    def clashes(hour, minute=0):
        return booking.find_conflicts(wall(SPRING_FORWARD, hour, minute), 30, photographer=studio.photographer,
                                      check_hours=False)

    assert [c.id for c in clashes(3, 30)] == [early.id]  # 3:30 is within its 120 real minutes
    assert clashes(3, 30)[0].end == wall(SPRING_FORWARD, 4, 0)
    assert clashes(4, 0) == []


def test_conflicts_on_the_fall_back_night_are_compared_in_real_time(studio):
    # 0:30 CDT + 90 real minutes = 1:00 CST (the second 1:00); 1:15 means 1:15 CDT, inside it.
    night = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                    wall(FALL_BACK, 0, 30), 90)
    assert night.end == wall(FALL_BACK, 1, 0)
    found = booking.find_conflicts(wall(FALL_BACK, 1, 15), 30, photographer=studio.photographer, check_hours=False)
    assert [c.id for c in found] == [night.id]
    assert booking.find_conflicts(wall(FALL_BACK, 2, 0), 30, photographer=studio.photographer,
                                  check_hours=False) == []


# ---------------------------------------------------------------- the time-zone matrix

TERMINAL = r"""
import contextlib, datetime as dt, io, json, sys, time
from spectra_tui.cli import main
from spectra_tui.data import clock, db, ledger, users
from spectra_tui.data.ical import export_ical
from spectra_tui.data.models import AuditLog, Invoice, LedgerEntry

target, invoice_id, frozen = sys.argv[1], int(sys.argv[2]), dt.datetime.fromisoformat(sys.argv[3])
db.open_database(target)
users.sign_in(users.find_user("rita"))
out = {"offset": time.strftime("%z")}
clock.set_clock(lambda: frozen)
out["today"], out["now"] = clock.today().isoformat(), clock.now().isoformat()
entry = ledger.take_payment(Invoice.get_by_id(invoice_id), 100, "cash")
out["stamps"] = [str(entry.created_at), str(AuditLog.select().order_by(AuditLog.id.desc()).get().at)]
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    main(["--db", target, "sessions"])
out["sessions"] = printed.getvalue()
clock.set_clock(None)
users.sign_in(users.find_user("rita"))
ledger.take_payment(Invoice.get_by_id(invoice_id), 100, "card")  # on the real clock
out["ical"] = export_ical(days=3).decode()
print(json.dumps(out))
"""


def run_in(zone: str, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "TZ": zone, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120, env=env)


def test_the_same_instant_is_the_same_day_and_the_same_stamps_under_any_tz(studio, db_target):
    clock.set_clock(lambda: LATE_EVENING)
    thursday = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                       wall(dt.date(2026, 11, 26), 10, 0))
    sessions.create_session(studio.client, studio.photographer, studio.session_type, wall(dt.date(2026, 11, 27), 10))
    invoice = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.add_line(invoice, studio.item, quantity=10)
    clock.set_clock(None)
    days = {f"{dt.datetime.now(CHICAGO).date():%A %m/%d/%Y}"}  # the studio's real today (before and after)
    results = {}
    for zone in ("Asia/Tokyo", "UTC", "America/Chicago"):
        run = run_in(zone, sys.executable, "-c", TERMINAL, db_target, str(invoice.id), LATE_EVENING.isoformat())
        assert run.returncode == 0, run.stderr
        results[zone] = json.loads(run.stdout)
        real = run_in(zone, str(SPECTRA), "--db", db_target, "sessions")
        assert real.returncode == 0, real.stderr
        results[zone]["real_sessions"] = real.stdout

    assert len({r["offset"] for r in results.values()}) == 3  # each terminal did run in its own TZ
    for zone, result in results.items():
        assert result["today"] == "2026-11-26" and result["now"] == "2026-11-26T22:46:00", zone
        assert result["stamps"] == ["2026-11-27 04:46:00", "2026-11-27 04:46:00"], zone
        assert result["sessions"].startswith("Sessions on Thursday 11/26/2026:"), zone
        assert f"{thursday.number}  10:00-11:30" in result["sessions"], zone
    assert len({r["sessions"] for r in results.values()}) == 1
    # on the real clock: today is the studio's day, the DTSTAMP the real UTC now
    days.add(f"{dt.datetime.now(CHICAGO).date():%A %m/%d/%Y}")
    for zone, result in results.items():
        assert any(day in result["real_sessions"] for day in days), (zone, result["real_sessions"])
        stamps = {line for line in result["ical"].splitlines() if line.startswith("DTSTAMP")}
        for line in stamps:
            stamp = dt.datetime.strptime(line, "DTSTAMP:%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
            assert abs((stamp - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 120, (zone, line)

    # payments from terminals in Tokyo, UTC and Chicago, one after another: time never runs backwards
    card = [e.id for e in LedgerEntry.select().where(LedgerEntry.method == "card").order_by(LedgerEntry.id)]
    real = list(AuditLog.select().where((AuditLog.entity == "ledger") & AuditLog.entity_id.in_(card))
                .order_by(AuditLog.id))
    assert len(real) == 3 and [r.at for r in real] == sorted(r.at for r in real)
    assert abs((real[-1].at - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)).total_seconds()) < 120


def test_the_demo_s_today_is_the_studio_s(empty_db):
    from spectra_tui.data.demo import fill_demo
    from spectra_tui.data.models import Holiday

    # 04:46 UTC on New Year's Day 2027 is still New Year's Eve 2026 in Chicago
    clock.set_clock(lambda: dt.datetime(2027, 1, 1, 4, 46, tzinfo=dt.timezone.utc))
    fill_demo(clients=3, seed=1)
    assert {h.day.year for h in Holiday.select()} == {2026, 2027}  # this year's and next year's


# Migration 0004 on a studio of an earlier version: tests/data/test_tamper_evidence.py
# (test_a_studio_of_an_earlier_version_is_upgraded_and_keyed), with 0006 after it.


def test_the_calendar_shows_a_booking_s_real_length_on_a_dst_day(studio):
    from spectra_tui.data.calendar import bookings_between

    early = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                    wall(SPRING_FORWARD, 1, 0), 120)
    rows = bookings_between(wall(SPRING_FORWARD, 3, 30), wall(SPRING_FORWARD, 5, 0))
    assert [(r.id, r.start, r.end) for r in rows] == [(early.id, wall(SPRING_FORWARD, 1, 0), wall(SPRING_FORWARD, 4, 0))]
