"""End of Day: the day's money by method against sums computed here from the
ledger itself; posting locks the day's money records (no void, no change to
its invoices, no new money in it), in this process and in another terminal;
only a manager unlocks, with a reason; every post and unlock audited."""

import datetime as dt
import textwrap

import pytest

import terminals
from spectra_tui.data import check, clock, end_of_day, invoices, ledger, sessions
from spectra_tui.data.errors import PermissionDenied, ValidationError
from spectra_tui.data.models import AuditLog, DayPost, Invoice, LedgerEntry
from staff import add_user

DAY = dt.date(2030, 3, 4)
NOW = [dt.datetime(2030, 3, 4, 9, 0)]


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> None:
    """The studio's clock at that time of ``day``."""
    NOW[0] = dt.datetime.combine(day, dt.time(hour, minute))


@pytest.fixture
def shop(studio):
    clock.set_clock(lambda: clock.to_utc(NOW[0]))
    at(9)
    studio.session = sessions.create_session(
        studio.client, studio.photographer, studio.session_type, dt.datetime(2030, 3, 4, 10, 0)
    )
    return studio


def sale(shop, cents: int) -> Invoice:
    invoice = invoices.create_invoice(Invoice.INITIAL_ORDER, session=shop.session)
    invoices.add_line(invoice, description="Prints", unit_price_cents=cents, taxable=False)
    return Invoice.get_by_id(invoice.id)


def ledger_sums(day: dt.date) -> dict[str, int]:
    """The day's till by method, summed here from the rows (independently of end_of_day)."""
    start, end = end_of_day.day_bounds(day)
    sums: dict[str, int] = {}
    for entry in LedgerEntry.select().where((LedgerEntry.created_at >= start) & (LedgerEntry.created_at < end)):
        if entry.kind == "void":
            undone = LedgerEntry.get_by_id(entry.related_id)
            sign = {"payment": -1, "deposit": -1, "refund": 1}.get(undone.kind, 0)
            method = undone.method
        else:
            sign = {"payment": 1, "deposit": 1, "refund": -1}.get(entry.kind, 0)
            method = entry.method
        if sign:
            sums[method] = sums.get(method, 0) + sign * entry.amount_cents
    return sums


def a_busy_day(shop):
    """Payments by three methods, a deposit, a refund, a voided payment, a
    deposit applied, and yesterday's and tomorrow's money around it."""
    at(18, 0, DAY - dt.timedelta(days=1))
    ledger.take_payment(sale(shop, 5000), 5000, "cash")  # yesterday
    at(9, 30)
    first = sale(shop, 20000)
    ledger.take_payment(first, 12000, "cash")
    ledger.take_payment(first, 8000, "card", "4242")
    second = sale(shop, 15000)
    mistake = ledger.take_payment(second, 15000, "check", "1001")
    at(11)
    ledger.void_entry(mistake, "wrong invoice")
    ledger.take_payment(second, 20000, "cash")  # 50.00 over: a credit
    at(12)
    ledger.refund(Invoice.get_by_id(second.id), 5000, "cash")
    deposit = ledger.take_deposit(shop.client, 10000, "card", "4343")
    ledger.apply_deposit(deposit, sale(shop, 4000))
    at(23, 59)
    ledger.take_payment(sale(shop, 1000), 1000, "other", "voucher")
    at(0, 1, DAY + dt.timedelta(days=1))
    ledger.take_payment(sale(shop, 3000), 3000, "cash")  # tomorrow, just after midnight
    at(20)  # back to the evening of DAY


def test_the_day_s_money_by_method_matches_the_ledger(shop):
    a_busy_day(shop)
    summary = end_of_day.day_summary(DAY)
    # a method used then voided stays in the list, at zero
    assert summary.by_method == {"cash": 12000 + 20000 - 5000, "check": 0, "card": 8000 + 10000, "other": 1000}
    assert summary.by_method == ledger_sums(DAY)
    assert list(summary.by_method) == ["cash", "check", "card", "other"]
    assert summary.cash_expected_cents == 27000
    assert summary.payments_cents == 12000 + 8000 + 15000 + 20000 + 1000  # the voided one too: voids apart
    assert summary.voided_cents == -15000
    assert summary.deposits_cents == 10000 and summary.refunds_cents == 5000
    assert summary.money_in_cents == 46000
    assert summary.posted is None
    yesterday = end_of_day.day_summary(DAY - dt.timedelta(days=1))
    assert yesterday.by_method == {"cash": 5000} == ledger_sums(DAY - dt.timedelta(days=1))


def test_an_empty_day_sums_to_nothing(shop):
    summary = end_of_day.day_summary(DAY)
    assert summary.by_method == {} and summary.cash_expected_cents == 0 and summary.entries == 0


def test_posting_records_the_count_the_difference_and_the_chain_s_head(shop):
    a_busy_day(shop)
    head = AuditLog.select().order_by(AuditLog.id.desc()).first()
    post = end_of_day.post_day(DAY, 26500, "two fives missing")
    assert (post.cash_expected_cents, post.cash_counted_cents, post.cash_difference_cents) == (27000, 26500, -500)
    assert (post.audit_entry_id, post.audit_hash) == (head.id, head.hash)
    assert post.by == "rita" and post.note == "two fives missing"
    assert end_of_day.is_posted(DAY) and end_of_day.day_summary(DAY).posted.id == post.id
    audited = AuditLog.get((AuditLog.entity == "day_post") & (AuditLog.entity_id == post.id))
    assert audited.action == "day.post" and '"cash_counted_cents":26500' in audited.after.replace(" ", "")
    with pytest.raises(ValidationError, match="posted already"):
        end_of_day.post_day(DAY, 27000)
    assert check.run_checks() == []


def test_a_posted_day_s_money_cannot_change(shop):
    a_busy_day(shop)
    at(9, 30)
    invoice = sale(shop, 9000)
    payment = ledger.take_payment(invoice, 9000, "cash")
    at(20)
    end_of_day.post_day(DAY, None)
    with pytest.raises(end_of_day.DayPosted, match="posted by rita .*voiding this payment"):
        ledger.void_entry(payment, "typo")
    with pytest.raises(end_of_day.DayPosted, match="changing Initial Order"):
        invoices.add_line(Invoice.get_by_id(invoice.id), description="More", unit_price_cents=100, taxable=False)
    with pytest.raises(end_of_day.DayPosted):
        invoices.check_editable(Invoice.get_by_id(invoice.id))
    with pytest.raises(end_of_day.DayPosted, match="a new payment"):  # today is the posted day
        ledger.take_payment(sale_elsewhere := Invoice.get_by_id(invoice.id), 100, "cash")
    assert sale_elsewhere.id == invoice.id
    with pytest.raises(end_of_day.DayPosted, match="a new Initial Order"):
        invoices.create_invoice(Invoice.INITIAL_ORDER, session=shop.session)
    assert LedgerEntry.get_by_id(payment.id).amount_cents == 9000
    assert not LedgerEntry.select().where(LedgerEntry.related == payment.id).exists()


def test_the_correction_of_a_posted_day_is_a_new_entry_on_an_open_day(shop):
    invoice = sale(shop, 9000)
    ledger.take_payment(invoice, 12000, "cash")  # 30.00 too much, on DAY
    at(20)
    end_of_day.post_day(DAY, 12000)
    at(10, 0, DAY + dt.timedelta(days=1))
    refund = ledger.refund(Invoice.get_by_id(invoice.id), 3000, "cash")  # tomorrow: open
    assert refund.kind == "refund"
    assert end_of_day.day_summary(DAY).cash_expected_cents == 12000  # the posted day unchanged
    assert end_of_day.day_summary(DAY + dt.timedelta(days=1)).cash_expected_cents == -3000
    assert check.run_checks() == []


def test_only_a_manager_posts_and_unlocks_and_an_unlock_needs_a_reason(shop):
    from spectra_tui.data import users

    payment = ledger.take_payment(sale(shop, 4000), 4000, "cash")
    users.sign_in(add_user("sam", "Sam Fox", "front_desk"))
    with pytest.raises(PermissionDenied, match="post End of Day"):
        end_of_day.post_day(DAY, 4000)
    users.sign_in(shop.front)
    end_of_day.post_day(DAY, 4000)
    users.sign_in(add_user("moe", "Moe Hart", "front_desk"))
    with pytest.raises(PermissionDenied):
        end_of_day.unlock_day(DAY, "a typo")
    users.sign_in(shop.front)
    with pytest.raises(ValidationError, match="reason"):
        end_of_day.unlock_day(DAY, "   ")
    unlock = end_of_day.unlock_day(DAY, "the check payment was typed as cash")
    assert not end_of_day.is_posted(DAY)
    assert [p.action for p in end_of_day.posts_of(DAY)] == [DayPost.POST, DayPost.UNLOCK]
    assert AuditLog.get((AuditLog.entity == "day_post") & (AuditLog.entity_id == unlock.id)).action == "day.unlock"
    ledger.void_entry(payment, "typed as cash")  # open again
    end_of_day.post_day(DAY, 0)
    assert end_of_day.is_posted(DAY)
    with pytest.raises(ValidationError, match="not posted"):
        end_of_day.unlock_day(DAY + dt.timedelta(days=1), "nothing")


def test_a_day_to_come_cannot_be_posted_and_the_count_is_an_amount(shop):
    with pytest.raises(ValidationError, match="has not happened yet"):
        end_of_day.post_day(DAY + dt.timedelta(days=1), 0)
    for bad in (-1, 1.5, True, "12"):
        with pytest.raises(ValidationError, match="zero or more"):
            end_of_day.post_day(DAY, bad)
    assert not DayPost.select().exists()


def test_an_estimate_is_no_money_record_and_stays_open(shop):
    end_of_day.post_day(DAY, 0)
    estimate = invoices.create_invoice(Invoice.ESTIMATE, client=shop.client)
    invoices.add_line(estimate, description="Canvas", unit_price_cents=20000, taxable=False)
    assert Invoice.get_by_id(estimate.id).total_cents == 20000


POSTER = textwrap.dedent('''
    import datetime as dt, json, sys, time
    from pathlib import Path
    from spectra_tui.data import clock, end_of_day, ledger, users
    from spectra_tui.data.db import open_database
    from spectra_tui.data.errors import DomainError
    from spectra_tui.data.models import LedgerEntry, User
    db_path, go, mode, entry_id = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    open_database(db_path)
    clock.set_clock(lambda: clock.to_utc(dt.datetime(2030, 3, 4, 20, 0)))
    users.sign_in(User.get(User.username == "rita"))
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    try:
        if mode == "post":
            post = end_of_day.post_day(dt.date(2030, 3, 4), None)
            print(json.dumps({"ok": True, "cash": post.cash_expected_cents}), flush=True)
        else:
            ledger.void_entry(LedgerEntry.get_by_id(entry_id), "from the other terminal")
            print(json.dumps({"ok": True}), flush=True)
    except DomainError as refused:
        print(json.dumps({"ok": False, "why": str(refused)}), flush=True)
''')


def test_another_terminal_cannot_void_a_payment_of_a_posted_day(shop, db_target, tmp_path):
    payment = ledger.take_payment(sale(shop, 4000), 4000, "cash")
    at(20)
    end_of_day.post_day(DAY, 4000)
    (result,) = terminals.race(tmp_path, POSTER, db_target, [["void", str(payment.id)]])
    assert result["ok"] is False and "posted by rita" in result["why"]


def test_posting_and_a_void_at_once_never_leave_a_posted_day_changed(shop, db_target, tmp_path):
    payment = ledger.take_payment(sale(shop, 4000), 4000, "cash")
    posted, voided = terminals.race(tmp_path, POSTER, db_target, [["post", "0"], ["void", str(payment.id)]])
    assert posted["ok"] is True
    # Either the void went first (the post counts it) or the post did (the void is refused).
    if voided["ok"]:
        assert posted["cash"] == 0
    else:
        assert posted["cash"] == 4000 and "posted" in voided["why"]
    assert end_of_day.day_summary(DAY).cash_expected_cents == posted["cash"]


def test_check_finds_a_posted_day_changed_behind_the_app_s_back(shop):
    payment = ledger.take_payment(sale(shop, 4000), 4000, "cash")
    at(20)
    end_of_day.post_day(DAY, 4000)
    assert check.run_checks() == []
    LedgerEntry.update(amount_cents=400).where(LedgerEntry.id == payment.id).execute()  # by SQL, past every rule
    found = {(v.subject, v.problem) for v in check.run_checks()}
    assert ("posted day 03/04/2030", "its cash expected was $40.00 when posted, $4.00 now") in found


def test_the_screens_are_told_before_asking_a_payment_of_a_posted_today_or_a_void_of_a_posted_day(shop):
    invoice = sale(shop, 9000)
    payment = ledger.take_payment(invoice, 4000, "cash")
    ledger.check_payable(invoice)
    ledger.check_voidable(payment)
    at(20)
    end_of_day.post_day(DAY, 4000)
    with pytest.raises(end_of_day.DayPosted, match="a new payment would change them. No more money is taken today"):
        ledger.check_payable(Invoice.get_by_id(invoice.id))
    with pytest.raises(end_of_day.DayPosted, match="voiding this payment would change them. Make the correction"):
        ledger.check_voidable(payment)
    at(9, 0, DAY + dt.timedelta(days=1))  # tomorrow is open: a payment, yes; yesterday's payment, still no void
    ledger.check_payable(Invoice.get_by_id(invoice.id))
    with pytest.raises(end_of_day.DayPosted):
        ledger.check_voidable(payment)
