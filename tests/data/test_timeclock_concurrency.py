"""Two terminals clock the same person in at the same moment: one entry is
open afterwards, never two.

Each terminal is a separate process with its own connection to the studio,
released together by a "go" file; a worker sleeps between reading whether
the user is in and writing the entry, to hold the race window open. A control
shows the window is real: checked outside the write transaction, both
terminals see the user out, and only the database's own rule (one open entry
per user) stops the second entry.
"""
import textwrap
from pathlib import Path

import pytest
import terminals
from staff import add_user

from spectra_tui.data import clock
from spectra_tui.data.models import TimeEntry

WORKER = textwrap.dedent('''
    import json, os, sys, time
    db_path, go_file, mode, code = sys.argv[1:5]
    from peewee import IntegrityError
    from spectra_tui.data.db import open_database
    from spectra_tui.data import timeclock, users
    from spectra_tui.data.errors import DomainError
    from spectra_tui.data.models import TimeEntry

    open_database(db_path)
    users.sign_in(users.find_user("rita"))
    checked = timeclock.open_entry
    def slow_check(user):  # widen the window between the check and the insert
        found = checked(user)
        time.sleep(0.3)
        return found
    timeclock.open_entry = slow_check
    print("ready", flush=True)
    while not os.path.exists(go_file):
        time.sleep(0.0005)
    try:
        if mode == "service":
            timeclock.clock_in(code)
        else:  # "naive": the check outside the write transaction (what clock_in must NOT do)
            if timeclock.open_entry(users.current_user()) is None:
                TimeEntry.create(user=users.current_user().id, code=code, started_at=timeclock.clock.utc_now())
        out = {"ok": True}
    except DomainError as error:
        out = {"ok": False, "message": str(error)}
    except IntegrityError:
        out = {"ok": False, "message": "refused by the database"}
    print(json.dumps(out), flush=True)
''')


def race(tmp_path: Path, db_path: str, mode: str, codes: list[str]) -> list[dict]:
    return terminals.race(tmp_path, WORKER, db_path, [[mode, code] for code in codes])


@pytest.fixture
def rita(db):
    return add_user("rita", "Rita Gomez", "front_desk")


def open_entries() -> int:
    return TimeEntry.select().where(TimeEntry.ended_at.is_null()).count()


def test_two_terminals_clock_in_at_once_one_entry_opens(rita, db_target, tmp_path):
    results = race(tmp_path, db_target, "service", ["regular", "regular"])
    assert sorted(r["ok"] for r in results) == [False, True], results
    (loser,) = [r for r in results if not r["ok"]]
    assert "Rita Gomez is already clocked in (Regular) since" in loser["message"]
    assert open_entries() == 1 and TimeEntry.select().count() == 1


def test_two_terminals_clock_in_with_two_codes_the_later_switches(rita, db_target, tmp_path):
    results = race(tmp_path, db_target, "service", ["regular", "break"])
    assert all(r["ok"] for r in results), results
    first, second = TimeEntry.select().order_by(TimeEntry.id)
    assert open_entries() == 1 and first.ended_at == second.started_at and second.ended_at is None


def test_control_a_check_outside_the_transaction_sees_the_user_out_twice(rita, db_target, tmp_path):
    clock.set_clock(None)
    results = race(tmp_path, db_target, "naive", ["regular", "regular"])
    assert sorted(r["ok"] for r in results) == [False, True], results
    assert [r["message"] for r in results if not r["ok"]] == ["refused by the database"]
    assert open_entries() == 1
