"""End of Day at the keyboard (Home's key, the palette's): the day's money
against sums made here from the ledger's rows, the cash counted and the
difference as it is typed, a manager's post (after a confirmation that says
it locks the day) and unlock (with a reason), a front desk user told why not;
after a post, the refusals a user meets in the invoice record (a void, a line
changed, a payment today) are said at once, in plain words. Fits 80x24 and
120x40."""
import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static

from spectra_tui.data import clock, end_of_day, ledger
from spectra_tui.data import invoices as invoice_data
from spectra_tui.data.models import AuditLog, DayPost, Invoice, InvoiceLine, LedgerEntry
from spectra_tui.data.money import format_money
from spectra_tui.screens.dialogs import ConfirmDialog, ReasonDialog
from spectra_tui.screens.end_of_day import EndOfDayScreen
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.invoices import InvoiceRecord, LineDialog
from spectra_tui.screens.money import PaymentDialog

from .conftest import FIXED_DAY
from .layout import SIZE_IDS, SIZES, assert_fits

E = LedgerEntry
TILL = {"payment": 1, "deposit": 1, "refund": -1}


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def cash_of(day: dt.date) -> int:
    """The day's cash in the drawer, summed here from every ledger row (not end_of_day's query)."""
    total = 0
    for entry in E.select():
        if clock.to_local(entry.created_at).date() != day:
            continue
        if entry.kind == E.VOID:
            undone = E.get_by_id(entry.related_id)
            if undone.method == "cash":
                total -= TILL.get(undone.kind, 0) * entry.amount_cents
        elif entry.method == "cash":
            total += TILL.get(entry.kind, 0) * entry.amount_cents
    return total


def a_payable_invoice() -> Invoice:
    """An invoice with a balance due, dated before today, whose client has no deposit waiting."""
    for row in invoice_data.search_invoices(invoice_data.InvoiceQuery(status="open", sort="balance"), limit=200):
        invoice = row.invoice
        if (
            row.balance > 5000
            and invoice.kind != Invoice.CREDIT_MEMO
            and invoice.invoice_date < FIXED_DAY
            and not ledger.outstanding_deposits(invoice.client)
        ):
            return invoice
    raise AssertionError("the demo has open invoices")


async def open_end_of_day(pilot) -> EndOfDayScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, HomeHub)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, EndOfDayScreen)
    return pilot.app.screen


async def type_into(pilot, screen, field: str, text: str) -> None:
    screen.query_one(f"#{field}", Input).focus()
    screen.query_one(f"#{field}", Input).value = ""
    await pilot.press(*["space" if char == " " else char for char in text])
    await pilot.pause()


async def test_home_s_key_opens_today_the_difference_follows_the_typing_and_the_front_desk_may_not_post(app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_end_of_day(pilot)
        assert screen.day == FIXED_DAY
        assert "Thursday, November 26, 2026 (today)" in text_of(screen, "#day-title")
        assert "Open: not posted." in text_of(screen, "#day-title")
        expected = cash_of(FIXED_DAY)
        assert text_of(screen, "#expected-amount") == format_money(expected)
        assert screen.focused is screen.query_one("#counted", Input)
        await type_into(pilot, screen, "counted", "1,000.5")
        assert text_of(screen, "#difference").startswith("Difference ")
        difference = 100050 - expected
        sign = "+" if difference > 0 else ""
        assert text_of(screen, "#difference") == (
            f"Difference {sign}{format_money(difference)} ({'over' if difference > 0 else 'short'})"
        )
        await type_into(pilot, screen, "counted", "12.345")
        assert "more than two decimals" in text_of(screen, "#difference")
        await pilot.press("alt+p")
        await pilot.pause()
        assert app.screen is screen  # no confirmation: Rita is told at once
        assert "Only a manager or the owner may post End of Day; Rita Gomez is signed in as front desk." in said(app)
        await pilot.press("alt+u")
        await pilot.pause()
        assert app.screen is screen
    assert not DayPost.select().exists()


async def test_a_manager_posts_the_count_then_unlocks_with_a_reason(as_admin, app):
    ledger.take_payment(a_payable_invoice(), 4500, "cash")
    expected = cash_of(FIXED_DAY)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_end_of_day(pilot)
        assert text_of(screen, "#expected-amount") == format_money(expected)
        await type_into(pilot, screen, "counted", "40")
        await pilot.press("enter")  # to the note
        assert screen.focused is screen.query_one("#note", Input)
        await type_into(pilot, screen, "note", "five short")
        await pilot.press("alt+p")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        question = text_of(confirm, "#question")
        assert "Post Thu 11/26/2026?" in question
        assert f"Cash expected {format_money(expected)}, counted $40.00" in question
        assert "Posting locks the day's money records" in question
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        post = DayPost.get()
        assert (post.action, post.by, post.cash_counted_cents, post.cash_expected_cents, post.note) == (
            "post", "admin", 4000, expected, "five short"
        )
        title = text_of(screen, "#day-title")
        assert "Posted by admin at 11/26/2026 10:30 · counted $40.00 · difference " in title
        assert screen.query_one("#counted", Input).disabled and screen.query_one("#counted", Input).value == "40.00"
        await pilot.press("alt+p")
        await pilot.pause()
        assert app.screen is screen and "Thu 11/26/2026 is posted already." in said(app)
        await pilot.press("alt+u")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert "Give the reason for unlocking the day." in text_of(dialog, "#reason-error")
        await pilot.press(*["space" if c == " " else c for c in "a check typed as cash"])
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert "Open: unlocked by admin at 11/26/2026 10:30. Reason: a check typed as cash" in text_of(
            screen, "#day-title"
        )
        assert not screen.query_one("#counted", Input).disabled
    assert [(p.action, p.note) for p in DayPost.select().order_by(DayPost.id)] == [
        ("post", "five short"),
        ("unlock", "a check typed as cash"),
    ]
    assert AuditLog.select().where(AuditLog.action == "day.unlock").count() == 1
    assert not end_of_day.is_posted(FIXED_DAY)


async def test_a_past_day_typed_or_stepped_to_and_the_palette_s_key(app):
    day = FIXED_DAY - dt.timedelta(days=6)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+f6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EndOfDayScreen)
        await type_into(pilot, screen, "day", "11/20")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.day == day and "Friday, November 20, 2026" in text_of(screen, "#day-title")
        assert "(today)" not in text_of(screen, "#day-title")
        assert text_of(screen, "#expected-amount") == format_money(cash_of(day))
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.day == day - dt.timedelta(days=1)
        assert text_of(screen, "#expected-amount") == format_money(cash_of(day - dt.timedelta(days=1)))
        await type_into(pilot, screen, "day", "the day after never")
        await pilot.press("enter")
        await pilot.pause()
        assert "could not read 'the day after never' as a day" in text_of(screen, "#day-error")
        assert screen.day == day - dt.timedelta(days=1)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_open_and_posted_fit(as_admin, app, size):
    ledger.take_payment(a_payable_invoice(), 4500, "cash")
    async with app.run_test(size=size) as pilot:
        screen = await open_end_of_day(pilot)
        await type_into(pilot, screen, "counted", "4,000.00")
        assert_fits(screen)
        end_of_day.post_day(FIXED_DAY, 400000, "counted twice")
        screen._fill()
        await pilot.pause()
        assert_fits(screen)
        assert "Posted by admin" in text_of(screen, "#day-title")


# ------------------------------------------------ after a post: the refusals read well


async def test_after_a_post_the_invoice_record_refuses_a_void_a_line_change_and_a_payment_at_once(as_admin, app):
    invoice = a_payable_invoice()
    payment = ledger.take_payment(invoice, 2500, "cash")
    end_of_day.post_day(FIXED_DAY, None)
    end_of_day.post_day(invoice.invoice_date, None)
    lines = InvoiceLine.select().where(InvoiceLine.invoice == invoice.id).count()
    payments = E.select().where(E.kind == E.PAYMENT).count()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(InvoiceRecord(Invoice.get_by_id(invoice.id)))
        await pilot.pause()
        record = app.screen
        assert isinstance(record, InvoiceRecord)
        table = record.query_one("#ir-ledger", DataTable)
        table.focus()
        table.move_cursor(row=[e.id for e in record._entries].index(payment.id))
        await pilot.press("v")
        await pilot.pause()
        assert app.screen is record  # no reason asked for: a void cannot happen
        assert (
            "The books of Thu 11/26/2026 were posted by admin at 11/26 10:30: voiding this payment would change "
            "them. Make the correction on an open day (a refund, a credit memo), or a manager unlocks the day first."
        ) in said(app)
        record.query_one("#ir-lines", DataTable).focus()
        await pilot.press("enter")  # Enter on a line edits it
        await pilot.pause()
        assert app.screen is record and not isinstance(app.screen, LineDialog)
        assert any(
            message.startswith(f"The books of {invoice.invoice_date:%a %m/%d/%Y} were posted by admin")
            and f"changing {invoice.kind} {invoice.display_number} would change them" in message
            for message in said(app)
        )
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is record and not isinstance(app.screen, PaymentDialog)
        assert (
            "The books of Thu 11/26/2026 were posted by admin at 11/26 10:30: a new payment would change them. "
            "No more money is taken today until a manager unlocks the day in End of Day."
        ) in said(app)
    assert not E.select().where(E.related == payment.id).exists()
    assert InvoiceLine.select().where(InvoiceLine.invoice == invoice.id).count() == lines
    assert E.select().where(E.kind == E.PAYMENT).count() == payments


async def test_a_void_refused_after_posting_works_again_once_unlocked(as_admin, app):
    invoice = a_payable_invoice()
    payment = ledger.take_payment(invoice, 2500, "cash")
    end_of_day.post_day(FIXED_DAY, 2500)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_end_of_day(pilot)
        await pilot.press("alt+u")
        await pilot.pause()
        await pilot.press("t", "y", "p", "o", "enter")
        await pilot.pause()
        assert app.screen is screen and not end_of_day.is_posted(FIXED_DAY)
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(InvoiceRecord(Invoice.get_by_id(invoice.id)))
        await pilot.pause()
        record = app.screen
        table = record.query_one("#ir-ledger", DataTable)
        table.focus()
        table.move_cursor(row=[e.id for e in record._entries].index(payment.id))
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("w", "r", "o", "n", "g", "enter")
        await pilot.pause()
        assert app.screen is record
    assert E.get((E.kind == E.VOID) & (E.related == payment.id)).note == "wrong"


async def test_after_today_is_posted_quick_sale_says_so_before_anything_is_typed(as_admin, app):
    from spectra_tui.screens.quick_sale import QuickSaleScreen

    end_of_day.post_day(FIXED_DAY, 0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("alt+i")
        await pilot.pause()
        assert not isinstance(app.screen, QuickSaleScreen)
        assert (
            "The books of Thu 11/26/2026 were posted by admin at 11/26 10:30: a quick sale would change them. "
            "No more money is taken today until a manager unlocks the day in End of Day."
        ) in said(app)


async def test_a_day_posted_by_another_terminal_meanwhile_is_said_and_shown(as_admin, app):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_end_of_day(pilot)
        await type_into(pilot, screen, "counted", "10")
        await pilot.press("alt+p")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        end_of_day.post_day(FIXED_DAY, 999)  # the other terminal, while the question is open
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        assert "Thu 11/26/2026 is posted already." in said(app)
        assert "counted $9.99" in text_of(screen, "#day-title")
    assert [p.cash_counted_cents for p in DayPost.select()] == [999]
