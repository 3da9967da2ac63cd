"""The report "end-of-day": a line per day (payments, deposits, refunds,
voids, the net, the net by method, the cash expected, counted, the
difference, who posted the day and when, or "open"), and totals, against
known answers on a hand-built studio (payments on several days, a void, a
refund, a posted day, an unlocked one) and on the demo studio against sums
made here from the LedgerEntry rows in plain Python."""

import datetime as dt

from spectra_tui.data import clock, end_of_day, report_end_of_day, reports
from spectra_tui.data.demo import fill_demo
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


def test_the_report_three_tables_within_80_columns_and_their_totals_add_up(shop):
    a_busy_day(shop)
    at(20)
    end_of_day.post_day(DAY, 26500)
    at(19, 0, AFTER)
    report = reports.build(reports.get_spec("end-of-day"), BEFORE, AFTER + dt.timedelta(days=2))
    assert (report.name, report.title, report.period) == ("end-of-day", "End of Day", "03/03/2030 – 03/07/2030")
    money, methods, drawer = report.sections
    for section in report.sections:
        assert sum(c.width for c in section.columns) + len(section.columns) - 1 <= 80
        assert [row[0] for row in section.rows] == [BEFORE, DAY, AFTER]  # days to come left out
    assert [c.title for c in methods.columns] == ["Day", "Cash", "Check", "Card", "Other"]
    assert money.rows[1] == (DAY, 56000, 10000, -5000, -15000, 46000)
    assert methods.rows[1] == (DAY, 27000, 0, 18000, 1000)
    assert drawer.rows[1] == (DAY, 27000, 26500, -500, "rita 03/04 20:00")
    assert drawer.rows[0] == (BEFORE, 5000, None, None, "open")
    assert money.totals == ("", 64000, 10000, -5000, -15000, 54000)
    for section in (money, methods):  # each total is the sum of its column
        for column in range(1, len(section.columns)):
            assert section.totals[column] == sum(row[column] for row in section.rows)
    assert methods.totals == ("", 35000, 0, 18000, 1000)
    assert drawer.totals == ("", 35000, 26500, -500, "1 day posted")
    text = reports.to_text(report)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "03/04/2030     $270.00     $265.00      -$5.00 rita 03/04 20:00" in text.splitlines()
    assert "03/04/2030     $560.00     $100.00     -$50.00    -$150.00     $460.00" in text.splitlines()
