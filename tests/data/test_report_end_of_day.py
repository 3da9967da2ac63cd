"""The report "end-of-day": a line per day (payments, deposits, refunds,
voids, the net, the net by method, the cash expected, counted, the
difference, who posted the day and when, or "open"), and totals, against
known answers on a hand-built studio (payments on several days, a void, a
refund, a posted day, an unlocked one) and on the demo studio against sums
made here from the LedgerEntry rows in plain Python."""

import datetime as dt

import pytest

from spectra_tui.data import clock, end_of_day, report_end_of_day
from spectra_tui.data.demo import fill_demo
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import LedgerEntry, User
from spectra_tui.data.users import sign_in

from .test_end_of_day import DAY, a_busy_day, at, ledger_sums, shop  # noqa: F401 (shop: the fixture)

BEFORE, AFTER = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)


def plain_day(day: dt.date) -> dict[str, int]:
    """The day's payments, deposits, refunds (negative) and voids (their effect), summed here from the rows."""
    start, end = end_of_day.day_bounds(day)
    sums = {"payments": 0, "deposits": 0, "refunds": 0, "voids": 0}
    for entry in LedgerEntry.select().where((LedgerEntry.created_at >= start) & (LedgerEntry.created_at < end)):
        if entry.kind == "payment":
            sums["payments"] += entry.amount_cents
        elif entry.kind == "deposit":
            sums["deposits"] += entry.amount_cents
        elif entry.kind == "refund":
            sums["refunds"] -= entry.amount_cents
        elif entry.kind == "void":
            undone = LedgerEntry.get_by_id(entry.related_id)
            sums["voids"] -= {"payment": 1, "deposit": 1, "refund": -1}.get(undone.kind, 0) * entry.amount_cents
    return sums


def test_three_days_with_a_posted_one_known_answers(shop):
    a_busy_day(shop)  # the day before, the day (a void, a refund, a deposit), just after midnight
    at(20)
    end_of_day.post_day(DAY, 26500, "two fives missing")
    at(19, 0, AFTER)
    before, day, after = report_end_of_day.day_lines(BEFORE, AFTER + dt.timedelta(days=3))  # days to come left out
    assert (before.payments, before.net, before.cash_expected, before.posted_text) == (5000, 5000, 5000, "open")
    assert (day.payments, day.deposits, day.refunds, day.voids, day.net) == (56000, 10000, -5000, -15000, 46000)
    assert day.by_method == {"cash": 27000, "check": 0, "card": 18000, "other": 1000}
    assert (day.cash_expected, day.cash_counted, day.difference) == (27000, 26500, -500)
    assert day.posted_text == "rita 03/04 20:00"
    assert (after.payments, after.by_method["cash"], after.cash_counted, after.difference) == (3000, 3000, None, None)
    totals = report_end_of_day.totals([before, day, after])
    assert (totals.payments, totals.deposits, totals.refunds, totals.voids, totals.net) == (
        64000, 10000, -5000, -15000, 54000
    )
    assert totals.by_method == {"cash": 35000, "check": 0, "card": 18000, "other": 1000}
    assert (totals.cash_expected, totals.cash_counted, totals.difference, totals.posted_days) == (35000, 26500, -500, 1)
    for line in (before, day, after):  # every line against the rows themselves
        assert {k: v for k, v in line.by_method.items() if k in ledger_sums(line.day) or v} == ledger_sums(line.day)
        plain = plain_day(line.day)
        assert (line.payments, line.deposits, line.refunds, line.voids) == tuple(plain.values())
        assert line.payments + line.deposits + line.refunds + line.voids == line.net


def test_an_unlocked_day_is_open_again_and_its_old_count_no_longer_stands(shop):
    a_busy_day(shop)
    at(20)
    end_of_day.post_day(DAY, 27000)
    end_of_day.unlock_day(DAY, "a check typed as cash")
    (line,) = report_end_of_day.day_lines(DAY, DAY)
    assert (line.posted_text, line.cash_counted, line.difference) == ("open (unlocked)", None, None)
    assert report_end_of_day.totals([line]).posted_days == 0


def test_a_period_is_read_the_right_way_round_and_at_most_a_year(shop):
    with pytest.raises(ValidationError, match="ends .* before it starts"):
        report_end_of_day.day_lines(DAY, BEFORE)
    with pytest.raises(ValidationError, match="a year at most"):
        report_end_of_day.day_lines(DAY - dt.timedelta(days=400), DAY)


def test_the_demo_studio_s_month_against_the_ledger_rows(empty_db):
    today = dt.date(2026, 11, 26)
    fill_demo(clients=80, seed=7, today=today)
    sign_in(User.get(User.username == "admin"))
    clock.set_clock(lambda: clock.to_utc(dt.datetime.combine(today, dt.time(18))))
    end_of_day.post_day(today - dt.timedelta(days=2), 12345)
    lines = report_end_of_day.day_lines(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert [line.day for line in lines] == [dt.date(2026, 11, d) for d in range(1, 27)]
    net, cash = 0, 0
    for line in lines:
        plain = plain_day(line.day)
        assert (line.payments, line.deposits, line.refunds, line.voids) == tuple(plain.values())
        by_method = ledger_sums(line.day)
        assert {k: v for k, v in line.by_method.items() if k in by_method} == by_method
        net += sum(by_method.values())
        cash += by_method.get("cash", 0)
    totals = report_end_of_day.totals(lines)
    assert (totals.net, totals.cash_expected) == (net, cash)
    assert net > 0 and totals.payments > 0
    posted = [line for line in lines if line.posted_at is not None]
    assert [(line.day, line.cash_counted) for line in posted] == [(today - dt.timedelta(days=2), 12345)]
    assert totals.difference == 12345 - posted[0].cash_expected


def test_the_three_tables_lines_fit_78_cells_and_their_totals_add_up(shop):
    a_busy_day(shop)
    at(20)
    end_of_day.post_day(DAY, 26500)
    at(19, 0, AFTER)
    lines = report_end_of_day.day_lines(BEFORE, AFTER)
    methods = report_end_of_day.by_method_table(lines)
    tables = (report_end_of_day.MONEY_TAKEN, methods, report_end_of_day.CASH_DRAWER)
    assert [sum(width for _title, _kind, width in columns) <= 78 for _name, columns in tables] == [True] * 3
    assert [title for title, _kind, _width in methods[1]] == ["Day", "Cash", "Check", "Card", "Other"]
    day = lines[1]
    assert report_end_of_day.money_taken_row(day) == (DAY, 56000, 10000, -5000, -15000, 46000)
    assert report_end_of_day.by_method_row(day) == (DAY, 27000, 0, 18000, 1000)
    assert report_end_of_day.cash_drawer_row(day) == (DAY, 27000, 26500, -500, "rita 03/04 20:00")
    assert report_end_of_day.cash_drawer_row(lines[0]) == (BEFORE, 5000, None, None, "open")
    money, by_method, drawer = report_end_of_day.total_rows(report_end_of_day.totals(lines), list(day.by_method))
    assert money == ("Total", 64000, 10000, -5000, -15000, 54000)
    for column in range(1, 6):  # each total is the sum of its column
        assert money[column] == sum(report_end_of_day.money_taken_row(line)[column] for line in lines)
    assert by_method == ("Total", 35000, 0, 18000, 1000)
    assert drawer == ("Total", 35000, 26500, -500, "1 posted")
