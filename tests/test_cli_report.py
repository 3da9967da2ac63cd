"""`spectra report NAME` as a shell runs it: the table, CSV and PDF files,
the documents folder by default, a manager's report needs a manager signed in,
and every refusal in one line with exit code 2."""
import csv
import datetime as dt

import pytest
from pypdf import PdfReader

from spectra_tui.data import clock, settings
from spectra_tui.data.models import TimeEntry

from staff import add_user
import shell

PIN = "2468"


def spectra(*args, env_extra=None):
    return shell.spectra(*args, env={**({"SPECTRA_PASSWORD": PIN} if "--user" in args else {}), **(env_extra or {})})


@pytest.fixture
def studio(db, db_target, tmp_path):
    rita = add_user("rita", "Rita Gomez", "front_desk", password=PIN)
    add_user("mia", "Mia Chen", "manager", password=PIN)
    settings.put("documents_folder", str(tmp_path / "docs"))
    for day in (23, 24):  # Monday and Tuesday, 30 November 2026's week before
        TimeEntry.create(user=rita.id, code="regular",
                         started_at=clock.to_utc(dt.datetime(2026, 11, day, 9, 0)),
                         ended_at=clock.to_utc(dt.datetime(2026, 11, day, 17, 30)))
    return db_target


def test_the_table_goes_to_the_terminal_within_80_columns(studio):
    result = spectra("--db", studio, "--user", "mia", "report", "time-sheet", "--from", "2026-11-22", "--to", "11/28/2026")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Time sheet", "11/22/2026 – 11/28/2026"]
    assert max(len(line) for line in lines) <= 80
    assert any(line.startswith("11/22/2026 Rita Gomez") and line.endswith("17.00       0.00") for line in lines)


def test_csv_and_pdf_to_a_file_or_the_documents_folder(studio, tmp_path):
    out = tmp_path / "ts.csv"
    made = spectra("--db", studio, "--user", "mia", "report", "time-sheet", "--from", "2026-11-22", "--to",
                   "2026-11-28", "--format", "csv", "--out", out)
    assert made.returncode == 0, made.stderr
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert ["2026-11-22", "Rita Gomez", "17.00", "0.00"] in rows
    default = spectra("--db", studio, "--user", "mia", "report", "time-sheet", "--from", "2026-11-22", "--to",
                      "2026-11-28", "--format", "pdf")
    assert default.returncode == 0, default.stderr
    written = tmp_path / "docs" / "time-sheet-11-22-2026-11-28-2026.pdf"
    assert f"written to {written}." in default.stdout
    assert "Rita Gomez" in PdfReader(written).pages[0].extract_text()


def test_a_report_for_everyone_runs_without_a_user(studio):
    result = spectra("--db", studio, "report", "production-overdue")
    assert result.returncode == 0, result.stderr
    assert "Production overdue" in result.stdout and "0 orders" in result.stdout


@pytest.mark.parametrize("args, words", [
    (["report", "nope"], "There is no report 'nope'. The reports: aging, end-of-day, production-overdue, sales, sales-tax, "
                         "time-sheet."),
    (["--user", "rita", "report", "time-sheet"],
     "Only a manager or the owner may read another person's time sheet; Rita Gomez is signed in as front desk."),
    (["report", "production-overdue", "--from", "11/20/2026", "--to", "11/10/2026"],
     "From (11/20/2026) is after To (11/10/2026): swap them."),
    (["report", "production-overdue", "--from", "2020-01-01", "--to", "2026-11-30"],
     "01/01/2020 – 11/30/2026 is longer than five years: choose a shorter period."),
    (["report", "production-overdue", "--from", "someday"], "From: I could not read 'someday' as a day."),
    (["report", "production-overdue", "--out", "x.csv"], "--out is for --format csv or pdf"),
])
def test_refusals_are_one_line_and_exit_2(studio, args, words):
    result = spectra("--db", studio, *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr


def test_a_manager_s_report_needs_a_user(studio):
    result = spectra("--db", studio, "report", "time-sheet")
    assert result.returncode == 2 and "This command runs as a staff user" in result.stderr
