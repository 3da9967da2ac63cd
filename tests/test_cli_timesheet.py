"""`spectra timesheet --week DAY [--user NAME] --out FILE.csv` as a user runs
it: the CSV's rows and hours, who may read whose sheets, and a refusal in one
line with exit code 2 for a bad day, an unknown user or a file it cannot write."""
import csv
import datetime as dt

import pytest

from spectra_tui.data import clock
from spectra_tui.data.models import TimeEntry

from staff import add_user
import shell



PIN = "2468"  # every account's here: the command runs as a user signed in with a password


def spectra(*args):
    return shell.spectra(*args, env={"SPECTRA_PASSWORD": PIN} if "--user" in args else None)


def work(user, start: str, end: str, code: str = "regular") -> None:
    TimeEntry.create(user=user.id, code=code, started_at=clock.to_utc(dt.datetime.fromisoformat(start)),
                     ended_at=clock.to_utc(dt.datetime.fromisoformat(end)))


@pytest.fixture
def studio_with_time(db, db_target):
    rita = add_user("rita", "Rita Gomez", "front_desk", password=PIN)
    sam = add_user("sam", "Sam Ortiz", "front_desk")
    add_user("mia", "Mia Chen", "manager", password=PIN)
    for day in range(23, 28):  # Monday 23 to Friday 27 November 2026: 8.5 paid hours a day
        work(rita, f"2026-11-{day} 08:00", f"2026-11-{day} 12:00")
        work(rita, f"2026-11-{day} 12:00", f"2026-11-{day} 12:30", "lunch")
        work(rita, f"2026-11-{day} 12:30", f"2026-11-{day} 16:45")
    work(rita, "2026-11-27 16:45", "2026-11-27 17:00", "break")
    work(sam, "2026-11-28 22:00", "2026-11-29 01:30")  # Saturday night into the next week
    return db_target


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_manager_writes_everyone_s_week(studio_with_time, tmp_path):
    out = tmp_path / "week.csv"
    result = spectra("--db", studio_with_time, "--user", "mia", "timesheet", "--week", "11/25/2026", "--out", out)
    assert result.returncode == 0, result.stderr
    assert f"week of Sun 11/22/2026 for 4 people written to {out}" in result.stdout  # the owner, Mia, Rita, Sam
    rows = read(out)
    assert list(rows[0]) == ["user", "name", "date", "regular_hours", "break_hours", "lunch_hours", "paid_hours",
                             "overtime_hours"]
    rita = {row["date"]: row for row in rows if row["user"] == "rita"}
    assert len(rita) == 8 and rita["2026-11-22"]["paid_hours"] == "0.00"
    monday = rita["2026-11-23"]
    assert (monday["regular_hours"], monday["lunch_hours"], monday["paid_hours"]) == ("8.25", "0.50", "8.25")
    friday = rita["2026-11-27"]
    assert (friday["break_hours"], friday["paid_hours"], friday["overtime_hours"]) == ("0.25", "8.50", "1.50")
    total = rita["week total"]
    # 5 x 8.25 regular + 0.25 break = 41.50 paid, 1.50 past 40; 5 x 0.5 lunch unpaid
    assert (total["regular_hours"], total["break_hours"], total["lunch_hours"]) == ("41.25", "0.25", "2.50")
    assert (total["paid_hours"], total["overtime_hours"]) == ("41.50", "1.50")
    last_week = spectra("--db", studio_with_time, "--user", "mia", "timesheet", "--week", "-1w", "--out", out)
    assert last_week.returncode == 0 and "week of Sun" in last_week.stdout  # a dashed day is the option's value
    sam = {row["date"]: row for row in rows if row["user"] == "sam"}
    assert sam["2026-11-28"]["paid_hours"] == "2.00" and sam["week total"]["paid_hours"] == "2.00"


def test_one_person_writes_their_own_sheet_but_not_others(studio_with_time, tmp_path):
    out = tmp_path / "rita.csv"
    mine = spectra("--db", studio_with_time, "--user", "rita", "timesheet", "--week", "2026-11-23", "--user", "rita",
                   "--out", out)
    assert mine.returncode == 0, mine.stderr
    assert {row["user"] for row in read(out)} == {"rita"}
    for others in (["--user", "sam"], []):
        refused = spectra("--db", studio_with_time, "--user", "rita", "timesheet", "--week", "2026-11-23", *others,
                          "--out", tmp_path / "others.csv")
        assert refused.returncode == 2
        assert refused.stderr.strip() == ("spectra: Only a manager or the owner may read another person's time "
                                          "sheet; Rita Gomez is signed in as front desk.")
    nobody = spectra("--db", studio_with_time, "timesheet", "--week", "2026-11-23", "--out", tmp_path / "x.csv")
    assert nobody.returncode == 2 and "This command runs as a staff user" in nobody.stderr  # no credentials, no terminal
    assert not (tmp_path / "others.csv").exists() and not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("args, words", [
    (["--week", "someday"], "'someday'"),
    (["--week", " "], "--week is empty"),
    (["--week", "11/25/2026", "--user", "nobody"], "No user named 'nobody'"),
    (["--week", "11/25/2026", "--out", "/nonexistent-folder/week.csv"], "cannot write /nonexistent-folder/week.csv"),
])
def test_a_bad_day_user_or_file_is_one_line_and_exit_2(studio_with_time, tmp_path, args, words):
    if "--out" not in args:
        args = [*args, "--out", tmp_path / "week.csv"]
    result = spectra("--db", studio_with_time, "--user", "mia", "timesheet", *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr, result.stderr
