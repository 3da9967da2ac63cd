"""Two terminals book the same photographer at the same time, at the same
moment: exactly one succeeds, the other gets a clear conflict message.

Each terminal is a real separate process (its own SQLite connection to the
same file, as two `spectra` terminals would be). The processes are released
together by a "go" file. To make the race window wide and the test
deterministic, a worker can be told to sleep between the conflict check and
the insert; a control test shows that a check made outside the booking's
transaction really does double-book under this harness, so the main test
proves something.
"""
import textwrap
from pathlib import Path

import terminals

from spectra_tui.data import settings
from spectra_tui.data.check import run_checks
from spectra_tui.data.models import Invoice, Session

from .conftest_booking import at, bk  # noqa: F401  (bk is a fixture)

WORKER = textwrap.dedent('''
    import datetime as dt, json, os, sys, time
    db_path, go_file, start_iso, mode, delay, user, client_last = sys.argv[1:8]
    from spectra_tui.data.db import open_database
    from spectra_tui.data import booking, sessions, users
    from spectra_tui.data.errors import ConflictError, DomainError
    from spectra_tui.data.models import Client, SessionType

    open_database(db_path)
    users.sign_in(users.find_user(user))
    photographer = users.find_user("ava")
    client = Client.get(Client.last_name == client_last)
    family = SessionType.get(SessionType.name == "Family")
    start = dt.datetime.fromisoformat(start_iso)
    if float(delay):
        checked = booking.find_conflicts
        def slow_check(*args, **kwargs):  # widen the window between the check and the insert
            found = checked(*args, **kwargs)
            time.sleep(float(delay))
            return found
        booking.find_conflicts = slow_check
    print("ready", flush=True)
    while not os.path.exists(go_file):
        time.sleep(0.0005)
    try:
        if mode == "book":
            result = booking.book(booking.BookingRequest(client=client, session_type=family,
                                                         photographer=photographer, start=start, fee_invoice=True))
            number = result.session.number
        else:  # "naive": check, then insert in a separate transaction (what book() must NOT do)
            found = booking.find_conflicts(start, 90, photographer=photographer)
            if found:
                raise ConflictError(found[0].message, found)
            number = sessions.create_session(client, photographer, family, start).number
        out = {"ok": True, "number": number}
    except ConflictError as error:
        out = {"ok": False, "conflict": True, "message": str(error), "can_override": error.can_override}
    except DomainError as error:
        out = {"ok": False, "conflict": False, "message": str(error)}
    print(json.dumps(out), flush=True)
''')


def race(tmp_path: Path, db_path: str, start, people, mode: str = "book", delay: float = 0.0) -> list[dict]:
    """Start one process per (user, client last name), release them together,
    return what each reported."""
    return terminals.race(
        tmp_path, WORKER, db_path, [[start.isoformat(), mode, str(delay), user, client] for user, client in people]
    )


def sessions_at(start) -> list[Session]:
    return list(Session.select().where((Session.start == start) & (Session.status != "Cancelled")))


def test_two_terminals_same_photographer_same_moment_exactly_one_wins(bk, db_target, tmp_path):
    start = at(1, "10:00")
    results = race(tmp_path, db_target, start, [("rita", "Lee"), ("admin", "Diaz")], delay=0.3)
    winners = [r for r in results if r["ok"]]
    losers = [r for r in results if not r["ok"]]
    assert len(winners) == 1 and len(losers) == 1, results
    loser = losers[0]
    assert loser["conflict"] and loser["can_override"]  # policy "ask": the wizard may ask and retry
    assert f"Ava Reyes is already booked Tue 06/04/2030 10:00 AM – 11:30 AM: Session {winners[0]['number']}" \
        in loser["message"]
    booked = sessions_at(start)
    assert [s.number for s in booked] == [winners[0]["number"]] == [1001]
    # the loser's session and fee invoice numbers were given back: no gaps, books whole
    assert [i.number for i in Invoice.select()] == [1001]
    assert run_checks() == []


def test_many_terminals_many_rounds_one_winner_each(bk, db_target, tmp_path):
    settings.put("conflict_policy", "never")
    people = [("rita", "Lee"), ("admin", "Diaz"), ("rita", "Diaz")]
    for round_number, start in enumerate([at(1, "10:00"), at(1, "13:00"), at(2, "10:00"), at(3, "15:00")]):
        results = race(tmp_path, db_target, start, people)
        assert sum(r["ok"] for r in results) == 1, (round_number, results)
        for loser in (r for r in results if not r["ok"]):
            assert loser["conflict"] and not loser["can_override"]
            assert "does not allow double bookings" in loser["message"]
        assert len(sessions_at(start)) == 1
    assert sorted(s.number for s in Session.select()) == [1001, 1002, 1003, 1004]
    assert run_checks() == []


def test_control_a_check_outside_the_transaction_would_double_book(bk, db_target, tmp_path):
    """Proves the harness really races: the naive way (check, then insert in
    another transaction) lets both terminals book the same photographer."""
    start = at(4, "10:00")
    results = race(tmp_path, db_target, start, [("rita", "Lee"), ("admin", "Diaz")], mode="naive", delay=0.3)
    assert [r["ok"] for r in results] == [True, True], results
    assert len(sessions_at(start)) == 2
