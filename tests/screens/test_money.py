"""The money dialogs: amounts typed as people type them, never a float, every
broken rule shown in the dialog with what was typed kept."""
from textual.widgets import Input, Static

from spectra_tui.data import invoices as invoice_data
from spectra_tui.data import ledger
from spectra_tui.data.models import Invoice, LedgerEntry
from spectra_tui.screens.invoices import InvoiceRecord
from spectra_tui.screens.money import DepositDialog, DepositOfferDialog, PaymentDialog

SIZE = (120, 40)
E = LedgerEntry


async def type_text(pilot, text: str) -> None:
    """Type like a person, key by key (one press call: fast)."""
    await pilot.press(*["space" if char == " " else char for char in text])


def open_invoice() -> Invoice:
    for row in invoice_data.search_invoices(invoice_data.InvoiceQuery(status="open", sort="balance"), limit=200):
        if row.invoice.kind != Invoice.CREDIT_MEMO and not ledger.outstanding_deposits(row.invoice.client):
            return row.invoice
    raise AssertionError("the demo has open invoices")


def count(kind: str) -> int:
    return E.select().where(E.kind == kind).count()


async def payment_dialog(app, pilot, invoice: Invoice) -> PaymentDialog:
    app.push_screen(InvoiceRecord(invoice))
    await pilot.pause()
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(app.screen, PaymentDialog)
    return app.screen


async def test_amount_defaults_to_the_balance_due_and_typed_amounts_are_exact(app):
    invoice = open_invoice()
    due = ledger.invoice_money(invoice).due
    async with app.run_test(size=SIZE) as pilot:
        dialog = await payment_dialog(app, pilot, invoice)
        amount = dialog.query_one("#amount", Input)
        assert amount.value == f"{due // 100:,}.{due % 100:02d}"
        assert "Balance due" in str(dialog.query_one(".summary", Static).render())
        amount.value = ""
        await type_text(pilot, "125")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
    payment = E.select().where((E.kind == E.PAYMENT) & (E.invoice == invoice.id)).order_by(E.id.desc()).get()
    assert payment.amount_cents == 12500 and isinstance(payment.amount_cents, int)
    assert ledger.invoice_money(invoice).due == due - 12500


async def test_unreadable_amount_is_explained_and_nothing_is_written(app):
    invoice = open_invoice()
    payments = count(E.PAYMENT)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await payment_dialog(app, pilot, invoice)
        amount = dialog.query_one("#amount", Input)
        amount.value = ""
        await type_text(pilot, "12,5x")
        dialog.query_one("#reference", Input).value = "slip 7"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "'12,5x' is not an amount; type it like 1,234.50." in str(dialog.query_one("#error", Static).render())
        assert amount.value == "12,5x" and dialog.query_one("#reference", Input).value == "slip 7"
        assert dialog.focused is amount
        amount.value = "0"
        await pilot.press("enter")
        await pilot.pause()
        assert "more than zero" in str(dialog.query_one("#error", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord)
    assert count(E.PAYMENT) == payments


async def test_a_check_needs_its_number(app):
    invoice = open_invoice()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await payment_dialog(app, pilot, invoice)
        dialog.query_one("#amount", Input).value = "$1,250.50"
        dialog.query_one("#method-check").value = True
        await pilot.pause()
        dialog.query_one("#amount", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "check number" in str(dialog.query_one("#error", Static).render())
        assert dialog.focused.id == "reference"
        await type_text(pilot, "1047")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
    payment = E.select().where((E.kind == E.PAYMENT) & (E.invoice == invoice.id)).order_by(E.id.desc()).get()
    assert (payment.amount_cents, payment.method, payment.reference) == (125050, "check", "1047")


async def test_deposit_taken_from_the_invoice_then_chosen_ones_applied(app):
    invoice = open_invoice()
    client = invoice.client
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        for amount in ("40", "60"):
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, DepositDialog)
            await type_text(pilot, amount)
            await pilot.press("enter")
            await pilot.pause()
        held = ledger.outstanding_deposits(client)
        assert [left for _d, left in held] == [4000, 6000]
        await pilot.press("p")
        await pilot.pause()
        offer = app.screen
        assert isinstance(offer, DepositOfferDialog)
        await pilot.press("space")  # untick the first (40.00): only the 60.00 is applied
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PaymentDialog)
        assert "$60.00 of deposits was just applied" in str(app.screen.query_one(".summary", Static).render())
        await pilot.press("escape")  # no payment now
        await pilot.pause()
    applied = E.select().where((E.kind == E.DEPOSIT_APPLY) & (E.invoice == invoice.id)).order_by(E.id.desc()).get()
    assert (applied.related_id, applied.amount_cents) == (held[1][0].id, 6000)
    assert [left for _d, left in ledger.outstanding_deposits(client)] == [4000]


async def test_deposit_offer_back_out_changes_nothing(app):
    invoice = open_invoice()
    ledger.take_deposit(invoice.client, 3000, "card")
    applies, payments = count(E.DEPOSIT_APPLY), count(E.PAYMENT)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, DepositOfferDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord)
    assert (count(E.DEPOSIT_APPLY), count(E.PAYMENT)) == (applies, payments)


async def test_a_credit_memo_takes_no_payment_said_plainly(app):
    invoice = open_invoice()
    memo = invoice_data.create_invoice(Invoice.CREDIT_MEMO, client=invoice.client)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InvoiceRecord(memo))
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord)
        assert any("A payment cannot go onto credit memo" in n.message or "transfer its credit" in n.message
                   for n in app._notifications)


async def test_a_locked_database_is_a_message_not_a_traceback(app, monkeypatch):
    import peewee

    invoice = open_invoice()
    payments = count(E.PAYMENT)

    def locked(*args, **kwargs):
        raise peewee.OperationalError("database is locked")

    monkeypatch.setattr(ledger, "take_payment", locked)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await payment_dialog(app, pilot, invoice)
        dialog.query_one("#amount", Input).value = "20"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        message = str(dialog.query_one("#error", Static).render())
        assert "database is locked" in message and "nothing was saved" in message
        assert dialog.query_one("#amount", Input).value == "20"
    assert count(E.PAYMENT) == payments


async def test_an_overpayment_is_asked_about_at_the_field_before_it_is_taken(app):
    invoice = open_invoice()
    due = ledger.invoice_money(invoice).due
    payments = count(E.PAYMENT)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await payment_dialog(app, pilot, invoice)
        amount = dialog.query_one("#amount", Input)
        amount.value = ""
        await type_text(pilot, f"{(due + 85416) // 100}.{(due + 85416) % 100:02d}")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and count(E.PAYMENT) == payments
        hint = str(dialog.query_one("#amount-hint", Static).render())
        assert hint == "$854.16 will stay as a credit: Enter again to take it"
        assert dialog.focused is amount
        await type_text(pilot, "0")  # a changed amount is asked about again
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and count(E.PAYMENT) == payments
        await pilot.press("backspace", "enter")
        await pilot.pause()
        assert app.screen is dialog
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
    assert count(E.PAYMENT) == payments + 1
    assert ledger.invoice_money(invoice).credit == 85416


async def test_enter_on_the_payment_method_takes_the_payment(app):
    invoice = open_invoice()
    due = ledger.invoice_money(invoice).due
    async with app.run_test(size=SIZE) as pilot:
        dialog = await payment_dialog(app, pilot, invoice)
        await pilot.press("tab")
        assert dialog.focused.id == "method"
        await pilot.press("right", "enter")  # from card to other, then Enter as the button says
        await pilot.pause()
        await pilot.pause()
        assert app.screen is not dialog
    payment = E.select().where((E.kind == E.PAYMENT) & (E.invoice == invoice.id)).order_by(E.id.desc()).get()
    assert (payment.amount_cents, payment.method) == (due, "other")


async def test_strict_amounts_are_explained_in_the_dialog(app):
    invoice = open_invoice()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await payment_dialog(app, pilot, invoice)
        amount = dialog.query_one("#amount", Input)
        for typed, said in (("1e3", "is not an amount"), ("10.555", "more than two decimals"),
                            ("12,50", "',' separates thousands and '.' comes before the cents, like 1,234.50")):
            amount.value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog and said in str(dialog.query_one("#error", Static).render())


async def test_every_letter_shown_in_the_file_menu_works(as_admin, app):
    from spectra_tui.screens.dialogs import MenuDialog, ReasonDialog
    from spectra_tui.screens.invoices.line_dialog import LineDialog

    invoice = open_invoice()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        for letter, opened in (("p", PaymentDialog), ("a", LineDialog), ("d", DepositDialog)):
            await pilot.press("f")
            await pilot.pause()
            menu = app.screen
            assert isinstance(menu, MenuDialog)
            assert any(label.rstrip().endswith(f" {letter}") for _id, label in menu.options)
            await pilot.press(letter)
            await pilot.pause()
            assert isinstance(app.screen, opened), letter
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, InvoiceRecord)
        await pilot.press("f", "X")  # Shift+X: Void invoice
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog) and "Void invoice" in app.screen.title_text
        await pilot.press("escape", "f", "ctrl+w")  # Save & Close, shown as Ctrl+W
        await pilot.pause()
        assert not isinstance(app.screen, (InvoiceRecord, MenuDialog))
