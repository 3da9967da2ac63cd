"""The report "end-of-day": for a period, a line per day of the money taken
(payments, deposits, refunds, voids, the net), the net by method, and the
cash drawer (expected, counted, the difference) with who posted the day and
when, or "open"; totals under each.

A day's figures are End of Day's own (data/end_of_day.py: ``day_summary``),
so the report and the End of Day screen always agree; the count is the one
recorded by the day's post in force (an unlocked day is open, its old count
no longer stands).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import clock, end_of_day
from .models import DayPost, LedgerEntry
from .reports import Column, Report, ReportSpec, Section, period_text, register

METHODS = LedgerEntry.METHODS


@dataclass(frozen=True)
class DayLine:
    """One day of the report. Money in cents: refunds and voids negative
    (what they take away), so ``payments + deposits + refunds + voids == net``."""

    day: dt.date
    payments: int
    deposits: int
    refunds: int
    voids: int
    net: int
    by_method: dict[str, int] = field(default_factory=dict)
    cash_expected: int = 0
    cash_counted: int | None = None  # None: not posted, or posted without a count
    posted_by: str = ""
    posted_at: dt.datetime | None = None  # the studio's wall time of the post in force
    unlocked: bool = False  # posted once, unlocked since (open again)

    @property
    def difference(self) -> int | None:
        return None if self.cash_counted is None else self.cash_counted - self.cash_expected

    @property
    def posted_text(self) -> str:
        """'admin 11/30 18:02', or 'open' ('open (unlocked)' after an unlock)."""
        if self.posted_at is None:
            return "open (unlocked)" if self.unlocked else "open"
        return f"{self.posted_by} {self.posted_at:%m/%d %H:%M}"


def _line(day: dt.date) -> DayLine:
    summary = end_of_day.day_summary(day)
    post = summary.posted if summary.posted is not None and summary.posted.action == DayPost.POST else None
    return DayLine(
        day=day,
        payments=summary.payments_cents,
        deposits=summary.deposits_cents,
        refunds=-summary.refunds_cents,
        voids=summary.voided_cents,
        net=summary.money_in_cents,
        by_method={method: summary.by_method.get(method, 0) for method in (*METHODS, *summary.by_method)},
        cash_expected=summary.cash_expected_cents,
        cash_counted=post.cash_counted_cents if post is not None else None,
        posted_by=post.by if post is not None else "",
        posted_at=clock.to_local(post.at) if post is not None else None,
        unlocked=summary.posted is not None and post is None,
    )


def day_lines(start: dt.date, end: dt.date) -> list[DayLine]:
    """A line per day from ``start`` to ``end`` (both included), days to come
    left out (the period is checked by reports.build)."""
    end = min(end, clock.today())
    days = (start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    return [_line(day) for day in days]


@dataclass(frozen=True)
class Totals:
    payments: int
    deposits: int
    refunds: int
    voids: int
    net: int
    by_method: dict[str, int]
    cash_expected: int
    cash_counted: int  # of the days counted
    difference: int  # of the days counted
    posted_days: int


def totals(lines: list[DayLine]) -> Totals:
    methods: dict[str, int] = {}
    for line in lines:
        for method, cents in line.by_method.items():
            methods[method] = methods.get(method, 0) + cents
    counted = [line for line in lines if line.cash_counted is not None]
    return Totals(
        payments=sum(line.payments for line in lines),
        deposits=sum(line.deposits for line in lines),
        refunds=sum(line.refunds for line in lines),
        voids=sum(line.voids for line in lines),
        net=sum(line.net for line in lines),
        by_method=methods,
        cash_expected=sum(line.cash_expected for line in lines),
        cash_counted=sum(line.cash_counted or 0 for line in counted),
        difference=sum(line.difference or 0 for line in counted),
        posted_days=sum(1 for line in lines if line.posted_at is not None),
    )


# ---------------------------------------------------------------- the report
# Three tables of a line per day, each within 80 columns. Refunds and voids are
# negative (what they take back): a line adds up to its net.

MONEY_COLUMNS = (
    Column("Day", "date", 10),
    Column("Payments", "money", 11),
    Column("Deposits", "money", 11),
    Column("Refunds", "money", 11),
    Column("Voids", "money", 11),
    Column("Net", "money", 11),
)
DRAWER_COLUMNS = (
    Column("Day", "date", 10),
    Column("Expected", "money", 11),
    Column("Counted", "money", 11),
    Column("Difference", "money", 11),
    Column("Posted", "text", 24),
)
METHOD_NAMES = {"cash": "Cash", "check": "Check", "card": "Card", "other": "Other"}


def method_columns(methods: list[str]) -> tuple[Column, ...]:
    """A column per method: the four, and any other one used."""
    return (Column("Day", "date", 10), *(Column(METHOD_NAMES.get(m, m.capitalize()), "money", 11) for m in methods))


def money_taken_row(line: DayLine) -> tuple:
    return (line.day, line.payments, line.deposits, line.refunds, line.voids, line.net)


def by_method_row(line: DayLine) -> tuple:
    return (line.day, *line.by_method.values())


def cash_drawer_row(line: DayLine) -> tuple:
    return (line.day, line.cash_expected, line.cash_counted, line.difference, line.posted_text)


def total_rows(totals: Totals, methods: list[str]) -> tuple[tuple, tuple, tuple]:
    """The total lines of the three tables (counted and difference: of the days counted);
    the day's column is a date column, left empty."""
    return (
        ("", totals.payments, totals.deposits, totals.refunds, totals.voids, totals.net),
        ("", *(totals.by_method.get(method, 0) for method in methods)),
        ("", totals.cash_expected, totals.cash_counted, totals.difference, _posted_days(totals.posted_days)),
    )


def _posted_days(count: int) -> str:
    return f"{count} day posted" if count == 1 else f"{count} days posted"


def build(start: dt.date, end: dt.date) -> Report:
    lines = day_lines(start, end)
    methods = list(lines[0].by_method) if lines else list(METHODS)
    money, by_method, drawer = total_rows(totals(lines), methods)
    return Report(
        name="end-of-day",
        title="End of Day",
        period=period_text(start, end),
        sections=[
            Section("Money taken", MONEY_COLUMNS, [money_taken_row(line) for line in lines], money),
            Section("Net by method", method_columns(methods), [by_method_row(line) for line in lines], by_method),
            Section("Cash drawer", DRAWER_COLUMNS, [cash_drawer_row(line) for line in lines], drawer),
        ],
        notes=[
            "A day is the studio's day: the money written between its midnights. Payments count every payment "
            "taken, a voided one too; Voids take back what the day's voids undid, Refunds what was paid back: "
            "a line adds up to its Net. Applying a deposit or moving a credit moves no money and is left out.",
            "Counted and Difference are those of the day's post in force; an unlocked day is open and its old "
            "count no longer stands. Days to come are left out.",
        ],
    )


register(ReportSpec("end-of-day", "End of Day", build, permission=None, default_period="week"))
