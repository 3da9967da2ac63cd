"""The time-sheet report: every staff member's paid hours and overtime, by week
(data/timesheet.py's sheets: its rules, nothing new)."""

from __future__ import annotations

import datetime as dt

from .permissions import Permission
from .reports import Column, Report, ReportSpec, Section, period_text, register
from .timesheet import DAYS_IN_WEEK, others_refusal, sheet_users, time_sheet, week_start

COLUMNS = (
    Column("Week of", "date", 10),
    Column("Staff", "text", 34),
    Column("Paid hours", "hours", 10),
    Column("Overtime", "hours", 10),
)


def weeks(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the weeks that touch [start, end]."""
    first = week_start(start)
    return [first + dt.timedelta(days=n) for n in range(0, (end - first).days + 1, DAYS_IN_WEEK)]


def build(start: dt.date, end: dt.date) -> Report:
    rows: list[tuple] = []
    for week in weeks(start, end):
        for user in sheet_users(week):
            sheet = time_sheet(user, week)
            rows.append((week, user.full_name, sheet.paid, sheet.overtime))
    section = Section(
        title="Paid hours by week",
        columns=COLUMNS,
        rows=rows,
        totals=("", "Total", sum(r[2] for r in rows), sum(r[3] for r in rows)),
    )
    first, last = weeks(start, end)[0], weeks(start, end)[-1] + dt.timedelta(days=DAYS_IN_WEEK - 1)
    return Report(
        name="time-sheet",
        title="Time sheet",
        period=period_text(start, end),
        sections=[section],
        notes=[
            f"Whole weeks: {period_text(first, last)}. Paid hours are the time clock's paid codes; "
            "overtime is the paid time past the studio's weekly threshold, as on each person's time sheet. "
            "The active staff, and anyone disabled since who has time in the week.",
        ],
    )


register(
    ReportSpec(
        "time-sheet",
        "Time sheet",
        build,
        permission=Permission.EDIT_TIME_CLOCK,
        default_period="month",
        why_not=others_refusal,
    )
)
