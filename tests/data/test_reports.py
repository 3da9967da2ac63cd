"""Reports (data/reports.py): the period, the three formats (money exact in
CSV, the PDF read back, every report within 80 columns on the demo studio),
and the time-sheet and production-overdue figures against sums made here."""
import csv
import datetime as dt
from decimal import Decimal

import pytest
from pypdf import PdfReader

from spectra_tui.data import clock, production, reports, users
from spectra_tui.data.demo import fill_demo
from spectra_tui.data.errors import PermissionDenied, ValidationError
from spectra_tui.data.models import ProductionOrder, TimeEntry, User
from spectra_tui.data.production import LATE_STATUSES
from spectra_tui.data.reports import Column, Report, Section
from spectra_tui.data.timeclock import PAID_CODES

from staff import add_user

TODAY = dt.date(2026, 11, 30)
H = 3600
LATER = TODAY + dt.timedelta(days=20)


@pytest.fixture
def today(db):
    clock.set_clock(lambda: clock.to_utc(dt.datetime.combine(TODAY, dt.time(15, 0))))
    return TODAY


def sample() -> Report:
    columns = (Column("What", "text", 20), Column("Amount", "money", 12), Column("Count", "count", 6))
    rows = [("Prints and a very long name that is cut", 123450, 3), ("Café crème", -5, 1), ("Frames", 1000001, 12)]
    section = Section("Sales", columns, rows, totals=("Total", 1123446, 16), note="Voids are left out.")
    paged_rows = [(n, f"row {n}") for n in range(1, 1201)]
    paged = Section(
        "Long", (Column("No.", "count", 6), Column("Name", "text", 20)),
        page=lambda after, limit: [r for r in paged_rows if after is None or r[0] > after[0]][:limit],
    )
    return Report("sample", "Sample report", "11/01/2026 – 11/30/2026", [section, paged], notes=["What it counts."])


# ---------------------------------------------------------------- the period

def test_the_period_reads_what_the_hubs_accept_and_refuses_backwards_or_over_five_years(today):
    assert reports.parse_period("11/1", "today") == (dt.date(2026, 11, 1), TODAY)
    assert reports.parse_period("2026-10-05", "2026-10-09") == (dt.date(2026, 10, 5), dt.date(2026, 10, 9))
    assert reports.parse_period("", "", "month") == (dt.date(2026, 11, 1), TODAY)
    assert reports.parse_period("", "", "week") == (dt.date(2026, 11, 30), TODAY)  # a Monday
    assert reports.parse_period("", "", "today") == (TODAY, TODAY)
    with pytest.raises(ValidationError, match="after To"):
        reports.parse_period("11/20", "11/10")
    with pytest.raises(ValidationError, match="longer than five years"):
        reports.parse_period("2020-01-01", "2026-11-30")
    with pytest.raises(ValidationError, match="^From: "):
        reports.parse_period("someday", "")


def test_an_unknown_report_names_the_reports(db):
    with pytest.raises(ValidationError, match="The reports: .*production-overdue, .*time-sheet"):
        reports.get_spec("nope")


# ---------------------------------------------------------------- the formats

def test_text_is_80_columns_money_right_cut_with_ellipsis_totals_and_notes():
    text = reports.to_text(sample())
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Prints and a very l… " in text  # cut to its 20 cells
    assert "Café crème" + " " * 17 + "-$0.05" + " " * 6 + "1" in lines
    assert "Total" + " " * 18 + "$11,234.46" + " " * 5 + "16" in lines
    assert "Voids are left out." in lines and lines[-1] == "What it counts."
    assert "row 1200" in text and "row 1201" not in text  # every page read, once


def test_csv_has_a_bom_a_header_per_section_blank_lines_between_and_exact_money(tmp_path):
    path = reports.to_csv(sample(), tmp_path / "sample.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["Sample report", "11/01/2026 – 11/30/2026"]
    assert rows[1:5] == [[], ["Sales"], ["What", "Amount", "Count"], ["Prints and a very long name that is cut", "1234.50", "3"]]
    assert ["Café crème", "-0.05", "1"] in rows and ["Total", "11234.46", "16"] in rows
    long_at = rows.index(["Long"])
    assert rows[long_at - 1] == [] and rows[long_at + 1] == ["No.", "Name"]
    assert rows[long_at + 2 : long_at + 1202] == [[str(n), f"row {n}"] for n in range(1, 1201)]
    sums = sum(Decimal(r[1]) for r in rows[4:7])
    assert sums == Decimal("11234.46")  # exact decimals, no float on the way


def test_pdf_has_the_studio_the_period_the_tables_and_page_numbers(today, tmp_path):
    path = reports.to_pdf(sample(), tmp_path / "sample.pdf")
    pdf = PdfReader(path)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) > 1
    assert "Sample report" in text and "11/01/2026 – 11/30/2026" in text
    assert "$11,234.46" in text and "row 1200" in text and "What it counts." in text
    assert f"Page {len(pdf.pages)} of {len(pdf.pages)}" in text


@pytest.fixture
def demo(empty_db):
    """The demo studio of TODAY, its owner signed in."""
    fill_demo(clients=60, today=TODAY)
    clock.set_clock(lambda: clock.to_utc(dt.datetime.combine(TODAY, dt.time(15, 0))))
    users.sign_in(User.get(User.username == "admin"))


def test_every_registered_report_fits_80_columns_on_the_demo_studio(demo, tmp_path):
    for spec in reports.REPORTS.values():
        start, end = reports.default_period(spec.default_period)
        report = reports.build(spec, start, end)
        for section in report.sections:
            assert reports.table_width(section.columns) <= reports.TABLE_WIDTH, spec.name
        text = reports.to_text(report)
        assert max(len(line) for line in text.splitlines()) <= 80, spec.name
        assert PdfReader(reports.to_pdf(report, tmp_path / f"{spec.name}.pdf")).pages


# ---------------------------------------------------------------- the two reports

def test_production_overdue_lists_the_late_orders_of_the_demo_studio(demo):
    clock.set_clock(lambda: clock.to_utc(dt.datetime.combine(LATER, dt.time(9, 0))))  # the demo's orders late by now
    start, end = dt.date(2026, 1, 1), LATER
    expected = sorted(
        (o.due_on, o.id, (LATER - o.due_on).days)
        for o in ProductionOrder.select()
        if o.status in LATE_STATUSES and start <= o.due_on < LATER
    )
    assert expected  # the demo's orders still ordered, at the lab or received
    report = reports.build(reports.get_spec("production-overdue"), start, end)
    (section,) = report.sections
    rows = list(section.all_rows(page_rows=1))  # a page per order
    assert [(r[4], r[0], r[5]) for r in rows] == expected
    assert section.totals[1] == f"{len(expected)} order{'' if len(expected) == 1 else 's'}"
    for _, order_id, _ in expected:  # ready for pickup: no longer late
        order = ProductionOrder.get_by_id(order_id)
        while order.status != ProductionOrder.READY:
            order = production.advance(order)
    assert list(reports.build(reports.get_spec("production-overdue"), start, end).sections[0].all_rows()) == []


def work(user, start: str, end: str, code: str = "regular") -> None:
    def instant(text):
        return clock.to_utc(dt.datetime.fromisoformat(text))
    TimeEntry.create(user=user.id, code=code, started_at=instant(start), ended_at=instant(end))


def test_time_sheet_paid_hours_and_overtime_by_week_against_the_entries(today):
    rita = add_user("rita", "Rita Gomez", "front_desk")
    paul = add_user("paul", "Paul Photo", "photographer")
    for day in range(16, 21):  # Monday 16 to Friday 20 November: 9 hours a day, 1 of lunch
        work(rita, f"2026-11-{day} 08:00", f"2026-11-{day} 12:00")
        work(rita, f"2026-11-{day} 12:00", f"2026-11-{day} 13:00", "lunch")
        work(rita, f"2026-11-{day} 13:00", f"2026-11-{day} 18:00")
    work(rita, "2026-11-21 09:00", "2026-11-21 13:30")  # Saturday: 49.5 paid hours in the week
    work(paul, "2026-11-24 10:00", "2026-11-24 16:15")
    report = reports.build(reports.get_spec("time-sheet"), dt.date(2026, 11, 16), dt.date(2026, 11, 28))
    rows = {(r[0], r[1]): (r[2], r[3]) for r in report.sections[0].rows}
    paid = {}
    for entry in TimeEntry.select():
        if entry.code in PAID_CODES:
            week = clock.to_local(entry.started_at).date()
            week -= dt.timedelta(days=(week.weekday() + 1) % 7)  # weeks start on Sunday
            key = (week, entry.user.full_name)
            paid[key] = paid.get(key, 0) + int((entry.ended_at - entry.started_at).total_seconds())
    assert paid == {(dt.date(2026, 11, 15), "Rita Gomez"): 49.5 * H, (dt.date(2026, 11, 22), "Paul Photo"): 6.25 * H}
    for key, seconds in paid.items():
        assert rows[key][0] == seconds
    assert rows[(dt.date(2026, 11, 15), "Rita Gomez")][1] == 9.5 * H  # past 40 hours
    assert rows[(dt.date(2026, 11, 22), "Rita Gomez")] == (0, 0)
    assert report.sections[0].totals == ("", "Total", 55.75 * H, 9.5 * H)
    assert "49.50" in reports.to_text(report)


def test_the_time_sheet_is_a_manager_s_report(today):
    users.sign_in(add_user("rita", "Rita Gomez", "front_desk"))
    spec = reports.get_spec("time-sheet")
    assert spec.refusal() == (
        "Only a manager or the owner may read another person's time sheet; Rita Gomez is signed in as front desk."
    )
    with pytest.raises(PermissionDenied):
        reports.build(spec, TODAY, TODAY)
    assert reports.get_spec("production-overdue").refusal() == ""
