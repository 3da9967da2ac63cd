"""Benchmark: the calendar's week view with 1,000 bookings in the month.

Builds a temporary studio database (5 photographers, 300 clients, 6 session
types, 3 rooms) with 1,000 bookings in one month (80% sessions, 20%
appointments, half of those linked to a session, a few cancelled), then times
``spectra_tui.data.calendar.calendar_week`` for the busiest week: the very
function the calendar screen calls, i.e. the SQL queries plus building the
rows, columns, cells and lanes the screen renders. Target: p95 under 100 ms.
Also reported: the number of SQL queries per week view, and the conflict
check (``booking.find_conflicts``) the wizard runs on every booking.

The screen itself is timed too, in the real app under Textual's Pilot
(120x40, headless): the Calendar hub reloads that week (its SQL, the columns
and lanes) and the time runs until the compositor has painted the frame with
the new week in it ("paint"); and the grid's own Line-API render of every
line of the week ("render", no SQL). Target for the paint: p95 under 100 ms.

    python benchmarks/bench_calendar.py              # 200 runs
    python benchmarks/bench_calendar.py --runs 20    # quick check
    python benchmarks/bench_calendar.py --database postgresql   # the same studio on PostgreSQL
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `benchmarks` and `spectra_tui` from this checkout
    sys.path.insert(0, str(ROOT))

from benchmarks._common import add_database_argument, percentile, results_file, run_as_script, write_result

from spectra_tui.data import accounts, booking, calendar, catalog, settings, users
from spectra_tui.data.db import close_database, open_database
from spectra_tui.data.models import Appointment, Client, Session, database

NAME = "calendar"
ON_POSTGRESQL = True  # `make bench` runs it on PostgreSQL too (benchmarks/__main__.py)
TARGET_MS = 100.0
PHOTOGRAPHERS = 5
BOOKINGS = 1000
CLIENTS = 300
MONTH_START = dt.date(2031, 3, 1)  # a fixed month: same data every run


def build_studio(seed: int = 1) -> dict:
    """The studio and its month of bookings (bulk inserts: the benchmark times reading)."""
    rng = random.Random(seed)
    settings.put("conflict_policy", "always")
    users.sign_in(accounts.create_user("owner", "Studio Owner", "owner"))  # who adds the staff
    people = [accounts.create_user(f"photo{i}", f"Photographer {i}", "photographer", f"#{rng.randrange(0xffffff):06x}")
              for i in range(PHOTOGRAPHERS)]
    types = [catalog.create_session_type(name, length, fee, color) for name, length, fee, color in (
        ("Family", 90, 15000, "#87afd7"), ("Newborn", 120, 20000, "#d7afd7"), ("Senior", 90, 12500, "#d7af5f"),
        ("Headshot", 30, 7500, "#87d7af"), ("Maternity", 60, 12500, "#d78787"), ("Pet", 60, 9500, "#afaf87"))]
    rooms = [catalog.create_room(name) for name in ("Studio A", "Studio B", "Outdoor")]
    with database.atomic():
        Client.insert_many([{"first_name": f"First{i}", "last_name": f"Last{i}", "first_key": f"first{i}",
                             "last_key": f"last{i}"} for i in range(CLIENTS)]).execute()
    client_ids = [c for (c,) in Client.select(Client.id).tuples()]
    days = [MONTH_START + dt.timedelta(days=d) for d in range(31)]
    open_days = [d for d in days if booking.day_info(d).is_open]
    session_rows, appointment_rows = [], []
    appointments = BOOKINGS // 5
    for i in range(BOOKINGS - appointments):
        day = rng.choice(open_days)
        kind = rng.choice(types)
        session_rows.append({
            "number": 1001 + i, "client": rng.choice(client_ids), "photographer": rng.choice(people).id,
            "session_type": kind.id, "room": rng.choice([None] + [r.id for r in rooms]),
            "start": dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice([0, 30]))),
            "length_minutes": kind.length_minutes,
            "status": "Cancelled" if rng.random() < 0.05 else "Session Pending"})
    with database.atomic():
        for chunk in range(0, len(session_rows), 200):
            Session.insert_many(session_rows[chunk:chunk + 200]).execute()
    sessions = list(Session.select(Session.id, Session.client, Session.photographer).tuples())
    for i in range(appointments):
        day = rng.choice(open_days)
        start = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice([0, 30])))
        if i % 2:
            session_id, client_id, staff_id = rng.choice(sessions)
            appointment_rows.append({"title": "Sales presentation", "session": session_id, "client": client_id,
                                     "staff": staff_id, "start": start, "length_minutes": 60, "status": "Scheduled"})
        else:
            appointment_rows.append({"title": "Consultation", "client": rng.choice(client_ids),
                                     "staff": rng.choice(people).id, "start": start, "length_minutes": 30,
                                     "status": "Scheduled"})
    with database.atomic():
        Appointment.insert_many(appointment_rows).execute()
    return {"people": [p.id for p in people], "rooms": [r.id for r in rooms], "days": days}


def busiest_week(days: list[dt.date]) -> dt.date:
    mondays = [d for d in days if d.weekday() == 0 and d + dt.timedelta(days=6) <= days[-1]]
    counts = {m: Session.select().where((Session.start >= m) & (Session.start < m + dt.timedelta(days=7))).count()
              for m in mondays}
    return max(counts, key=counts.get)


async def time_screen(monday: dt.date, runs: int, scratch: Path, size: tuple[int, int] = (120, 40)) -> dict:
    """The Calendar hub in the real app (Pilot, headless): reload the week and
    wait until the compositor has painted it; and the grid's render alone."""
    from spectra_tui.app import SpectraApp
    from spectra_tui.screens.calendar import WEEK, CalendarHub, load_view

    app = SpectraApp(keys_file=scratch / "no-keys.toml")
    painted = asyncio.Event()
    shown = {"data": None}
    original = app._display

    def display(screen, renderable) -> None:  # called with each frame the compositor renders
        original(screen, renderable)
        hub = app.screen
        if renderable is not None and isinstance(hub, CalendarHub) and hub.grid.data is shown["data"] is not None:
            painted.set()

    app._display = display
    paint, render, lines = [], [], 0
    async with app.run_test(size=size) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        hub = app.screen
        assert isinstance(hub, CalendarHub) and hub.view == WEEK
        hub.day = monday
        hub.refresh_data()
        await pilot.pause()
        for _ in range(5 + runs):  # 5 warm-up runs
            painted.clear()
            began = time.perf_counter()
            hub.refresh_data()  # what a key (PgUp/PgDn, t, g...) does: SQL, columns, lanes, redraw
            shown["data"] = hub.data
            await asyncio.wait_for(painted.wait(), 5)
            paint.append((time.perf_counter() - began) * 1000)
        grid = hub.grid
        data = load_view(WEEK, monday)
        bookings = len({r.key for column in data.columns for r in column.rows})
        for _ in range(5 + runs):
            grid.show(data, grid.cursor_column, grid.cursor_slot, grid.cursor_day)
            grid._index.clear()
            grid._lines.clear()
            began = time.perf_counter()
            for y in range(grid.size.height):
                grid.render_line(y)
            render.append((time.perf_counter() - began) * 1000)
            lines = grid.size.height
    paint, render = paint[5:], render[5:]
    return {"paint": paint, "render": render, "lines": lines, "bookings": bookings, "size": size}


def count_queries(fn) -> int:
    db = database.obj
    original = db.execute_sql
    seen = []

    def counting(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting
    try:
        fn()
    finally:
        del db.execute_sql
    return len(seen)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="timed week views (default 200)")
    parser.add_argument("--results", type=Path, help="JSON file to write (default results/calendar[-DATABASE].json)")
    add_database_argument(parser)
    args = parser.parse_args(argv)
    from benchmarks._postgres import POSTGRESQL, new_database

    scratch = Path(tempfile.mkdtemp(prefix="spectra-bench-calendar-"))
    try:
        target = new_database(f"bench_{NAME}") if args.database == POSTGRESQL else str(scratch / "bench.db")
        open_database(target, create=True)
        began = time.perf_counter()
        env = build_studio()
        build_seconds = time.perf_counter() - began
        monday = busiest_week(env["days"])
        people = env["people"]
        in_month = Session.select().count() + Appointment.select().count()

        for _ in range(5):  # warm-up: page cache, prepared statements
            calendar.calendar_week(monday, photographer_ids=people)
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            view = calendar.calendar_week(monday, photographer_ids=people)
            timings.append((time.perf_counter() - start) * 1000)
        queries = count_queries(lambda: calendar.calendar_week(monday, photographer_ids=people))

        probe = dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(11, 0))
        conflict_timings = []
        for _ in range(max(20, args.runs // 4)):
            start = time.perf_counter()
            booking.find_conflicts(probe, 90, photographer=people[0], room=env["rooms"][0])
            conflict_timings.append((time.perf_counter() - start) * 1000)

        screen = asyncio.run(time_screen(monday, max(20, args.runs // 2), scratch))
    finally:
        close_database()
        shutil.rmtree(scratch, ignore_errors=True)

    p50, p95 = statistics.median(timings), percentile(timings, 0.95)
    paint_p50, paint_p95 = statistics.median(screen["paint"]), percentile(screen["paint"], 0.95)
    render_p50, render_p95 = statistics.median(screen["render"]), percentile(screen["render"], 0.95)
    passed = p95 < TARGET_MS and paint_p95 < TARGET_MS
    result = {
        "name": NAME,
        "database": args.database,
        "pass": passed,
        "figures": {"week view": [p50, p95], "calendar widget painted": [paint_p50, paint_p95]},
        "summary": (f"week view ({PHOTOGRAPHERS} photographers, {len(view.rows)} bookings shown, "
                    f"{in_month} in the month): p50 {p50:.2f} ms, p95 {p95:.2f} ms "
                    f"(target < {TARGET_MS:.0f} ms), {queries} SQL queries; calendar widget painted "
                    f"(Pilot {screen['size'][0]}x{screen['size'][1]}): p50 {paint_p50:.2f} ms, p95 {paint_p95:.2f} ms; "
                    f"grid render alone p50 {render_p50:.2f} ms"),
        "p50_ms": round(p50, 3),
        "p95_ms": round(p95, 3),
        "max_ms": round(max(timings), 3),
        "mean_ms": round(statistics.fmean(timings), 3),
        "target_ms": TARGET_MS,
        "runs": args.runs,
        "photographers": PHOTOGRAPHERS,
        "bookings_in_month": in_month,
        "rows_in_week": len(view.rows),
        "week_of": monday.isoformat(),
        "queries_per_week_view": queries,
        "widget_paint_p50_ms": round(paint_p50, 3),
        "widget_paint_p95_ms": round(paint_p95, 3),
        "widget_paint_max_ms": round(max(screen["paint"]), 3),
        "widget_render_p50_ms": round(render_p50, 3),
        "widget_render_p95_ms": round(render_p95, 3),
        "widget_runs": len(screen["paint"]),
        "widget_size": f"{screen['size'][0]}x{screen['size'][1]}",
        "widget_lines": screen["lines"],
        "widget_bookings_in_week": screen["bookings"],
        "conflict_check_p50_ms": round(statistics.median(conflict_timings), 3),
        "conflict_check_p95_ms": round(percentile(conflict_timings, 0.95), 3),
        "build_seconds": round(build_seconds, 2),
        "python": sys.version.split()[0],
    }
    return write_result(args.results or results_file(NAME, args.database), result)


if __name__ == "__main__":
    run_as_script(main)
