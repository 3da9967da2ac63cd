"""Invoices hub (F7) and the invoice record: the receptionist's keystrokes in,
the books checked afterwards (ledger rows, balances, statuses)."""
import pytest
from textual.widgets import Checkbox, DataTable, Input, Static

from spectra_tui.data import invoices as invoice_data
from spectra_tui.data import ledger
from spectra_tui.data.models import Client, Invoice, InvoiceLine, LedgerEntry, PriceItem
from spectra_tui.data.money import format_money
from spectra_tui.screens.dialogs import ChoiceDialog, ConfirmDialog, ReasonDialog
from spectra_tui.screens.invoices import InvoiceRecord, InvoicesHub, LineDialog
from spectra_tui.screens.money import (DepositOfferDialog, PaymentDialog, RefundDialog, TransferCreditDialog)
from spectra_tui.screens.widgets import PagedTable

SIZE = (120, 40)
E = LedgerEntry


async def type_text(pilot, text: str) -> None:
    """Type like a person, key by key (one press call: fast)."""
    await pilot.press(*["space" if char == " " else char for char in text])


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def entries(invoice: Invoice, kind: str) -> list[LedgerEntry]:
    return list(E.select().where((E.invoice == invoice.id) & (E.kind == kind)).order_by(E.id))


def open_invoice_without_deposits() -> Invoice:
    """An invoice with a balance due whose client has no deposit waiting."""
    for row in invoice_data.search_invoices(invoice_data.InvoiceQuery(status="open", sort="balance"), limit=200):
        invoice = row.invoice
        if row.balance > 0 and invoice.kind != Invoice.CREDIT_MEMO and not ledger.outstanding_deposits(invoice.client):
            return invoice
    raise AssertionError("the demo has open invoices")


def paid_invoice() -> Invoice:
    for row in invoice_data.search_invoices(invoice_data.InvoiceQuery(status="paid"), limit=200):
        if entries(row.invoice, E.PAYMENT):
            return row.invoice
    raise AssertionError("the demo has paid invoices")


async def open_record(app, pilot, invoice: Invoice) -> InvoiceRecord:
    app.push_screen(InvoiceRecord(invoice))
    await pilot.pause()
    assert isinstance(app.screen, InvoiceRecord)
    return app.screen


# ---------------------------------------------------------------- F7: open by number, lists

async def test_f7_invoice_number_opens_the_invoice_at_once(app):
    invoice = Invoice.select().where(Invoice.series == "invoice").order_by(Invoice.number).first()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, InvoicesHub)
        assert app.screen.focused.id == "inv-number"
        await type_text(pilot, str(invoice.number))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord)
        assert app.screen.invoice.id == invoice.id
        assert f"Invoice {invoice.number}" in text_of(app.screen, "#ir-head")


async def test_f7_takes_the_next_number_afresh_after_an_invoice_was_opened(app):
    first, second = Invoice.select().where(Invoice.series == "invoice").order_by(Invoice.number).limit(2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        hub = app.screen
        await type_text(pilot, str(first.number))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.invoice.id == first.id
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is hub and hub.focused.id == "inv-number"
        await type_text(pilot, str(second.number))  # not 10011002
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord) and app.screen.invoice.id == second.id


async def test_f7_e_number_opens_an_estimate_and_unknown_numbers_are_said_plainly(app):
    estimate = Invoice.select().where(Invoice.series == "estimate").order_by(Invoice.number).first()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        hub = app.screen
        await type_text(pilot, "99999")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is hub
        assert "There is no invoice number 99999." in text_of(hub, "#inv-number-hint")
        assert hub.query_one("#inv-number", Input).value == "99999"  # nothing typed is lost
        hub.query_one("#inv-number", Input).value = ""
        await type_text(pilot, f"e{estimate.number}")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord) and app.screen.invoice.id == estimate.id


async def test_f7_lists_by_status_and_sorts_by_balance_due(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        hub = app.screen
        table = hub.query_one("#inv-results", PagedTable)
        assert len(table.loaded_rows) == min(60, Invoice.select().count())
        hub.query_one("#inv-status").value = "open"
        hub.query_one("#inv-sort").value = "balance"
        await pilot.pause()
        rows = table.loaded_rows
        assert rows and all(r.state == "Open" for r in rows)
        balances = [r.balance for r in rows]
        assert balances == sorted(balances, reverse=True)
        for row in rows[:5]:
            assert row.balance == ledger.invoice_money(row.invoice).balance
        hub.query_one("#inv-status").value = "credit"
        await pilot.pause()
        assert all(r.balance < 0 for r in table.loaded_rows)
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord)


# ---------------------------------------------------------------- lines

async def test_add_a_line_by_code_then_from_the_price_list(app):
    invoice = open_invoice_without_deposits()
    total_before = invoice.total_cents
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LineDialog)
        await type_text(pilot, "p8x10")
        await pilot.press("enter")  # looked up: name, price, taxable filled; on to the quantity
        await pilot.pause()
        assert dialog.query_one("#price", Input).value == "45.00"
        assert dialog.focused.id == "quantity"
        await type_text(pilot, "2")
        await pilot.press("tab", "tab")  # to the image number
        await type_text(pilot, "17")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
        line = InvoiceLine.select().where(InvoiceLine.invoice == invoice.id).order_by(InvoiceLine.id.desc()).first()
        assert (line.item.code, line.quantity, line.unit_price_cents, line.image_number, line.taxable) == (
            "P8X10", 2, 4500, 17, True)
        fresh = Invoice.get_by_id(invoice.id)
        assert fresh.subtotal_cents == invoice.subtotal_cents + 9000
        assert fresh.total_cents > total_before
        # the price list: Enter on an empty code lists every item
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        first_id = app.screen.options[0][0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LineDialog)
        await pilot.press("enter")  # quantity 1, price from the list
        await pilot.pause()
        assert app.screen is record
        last = InvoiceLine.select().where(InvoiceLine.invoice == invoice.id).order_by(InvoiceLine.id.desc()).first()
        assert last.item_id == int(first_id)
        assert last.unit_price_cents == PriceItem.get_by_id(int(first_id)).price_cents
        assert record.query_one("#ir-lines", DataTable).row_count == len(invoice_data.lines_of(invoice))


async def test_the_front_desk_refunds_up_to_the_studio_s_limit(app):
    """$150 of credit: the dialog says above $100.00 is a manager's; asked
    for all of it, it refuses with the amount kept; $100.00 goes through."""
    invoice = open_invoice_without_deposits()
    ledger.take_payment(invoice, ledger.invoice_money(invoice).due + 15000, "cash")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        await pilot.press("r")
        await pilot.pause()
        refund = app.screen
        assert isinstance(refund, RefundDialog)
        assert "above $100.00 a manager's" in text_of(refund, "#amount-hint")
        refund.query_one("#method-cash").value = True
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is refund and refund.query_one("#amount", Input).value == "150.00"
        assert "A refund above $100.00 needs a manager or the owner ($150.00 asked)" in text_of(refund, "#error")
        refund.query_one("#amount", Input).value = "100"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
    assert ledger.invoice_money(invoice).credit == 5000


async def test_the_front_desk_cannot_sell_a_price_list_item_at_another_price(app):
    invoice = open_invoice_without_deposits()
    lines_before = len(invoice_data.lines_of(invoice))
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, invoice)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        await type_text(pilot, "p8x10")
        await pilot.press("enter")
        await pilot.pause()
        dialog.query_one("#price", Input).value = "39.00"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # kept open with what was typed
        assert "Print 8x10 sells at $45.00 on the price list; only a manager or the owner may change its price" \
            in text_of(dialog, "#error")
        assert dialog.query_one("#price", Input).value == "39.00"
    assert len(invoice_data.lines_of(invoice)) == lines_before


async def test_a_bad_line_shows_the_rule_and_keeps_what_was_typed(app):
    invoice = open_invoice_without_deposits()
    lines_before = len(invoice_data.lines_of(invoice))
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, invoice)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#description", Input).focus()
        await type_text(pilot, "Retouching")
        await pilot.press("tab")
        await type_text(pilot, "3")
        await pilot.press("tab")
        await type_text(pilot, "12.3.4")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "is not an amount" in text_of(dialog, "#error")
        assert dialog.query_one("#price", Input).value == "12.3.4"
        assert dialog.query_one("#description", Input).value == "Retouching"
        for typed, said in (("1e3", "is not an amount"), ("10.555", "more than two decimals"),
                            ("1.234,56", "',' separates thousands")):
            dialog.query_one("#price", Input).value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog and said in text_of(dialog, "#error")
        dialog.query_one("#price", Input).value = "$1,250.50"
        for typed, said in (("-3", "The quantity must be more than zero."),
                            ("\u0663", "Type the quantity with the digits 0-9.")):
            dialog.query_one("#quantity", Input).value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog and text_of(dialog, "#error") == said
        dialog.query_one("#quantity", Input).value = "3"
        dialog.query_one("#taxable", Checkbox).value = False
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
    line = InvoiceLine.select().where(InvoiceLine.invoice == invoice.id).order_by(InvoiceLine.id.desc()).first()
    assert (line.description, line.quantity, line.unit_price_cents, line.taxable, line.item_id) == (
        "Retouching", 3, 125050, False, None)
    assert len(invoice_data.lines_of(invoice)) == lines_before + 1


async def test_edit_and_remove_a_line(app):
    invoice = open_invoice_without_deposits()
    line = invoice_data.lines_of(invoice)[0]
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        await pilot.press("enter")  # Enter on a line edits it
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LineDialog) and dialog.line.id == line.id
        dialog.query_one("#quantity", Input).value = "4"
        await pilot.press("enter")
        await pilot.pause()
        assert InvoiceLine.get_by_id(line.id).quantity == 4
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is record
        assert InvoiceLine.get_or_none(InvoiceLine.id == line.id) is None


# ---------------------------------------------------------------- payments, deposits, credit

async def test_payment_first_offers_the_clients_deposit_and_applies_it(app):
    invoice = open_invoice_without_deposits()
    due = ledger.invoice_money(invoice).due
    deposit = ledger.take_deposit(invoice.client, min(5000, due - 100), "cash")
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, DepositOfferDialog)
        await pilot.press("a")  # apply them all
        await pilot.pause()
        payment = app.screen
        assert isinstance(payment, PaymentDialog)
        remainder = due - deposit.amount_cents
        assert payment.query_one("#amount", Input).value == f"{remainder // 100:,}.{remainder % 100:02d}"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
    applied = entries(invoice, E.DEPOSIT_APPLY)
    assert [(e.related_id, e.amount_cents) for e in applied][-1] == (deposit.id, deposit.amount_cents)
    assert entries(invoice, E.PAYMENT)[-1].amount_cents == remainder
    assert entries(invoice, E.PAYMENT)[-1].method == "card"
    assert ledger.invoice_money(invoice).balance == 0
    assert ledger.outstanding_deposits(invoice.client) == []


async def test_deposit_offer_can_be_skipped(app):
    invoice = open_invoice_without_deposits()
    due = ledger.invoice_money(invoice).due
    ledger.take_deposit(invoice.client, 2500, "cash")
    applied_before = len(entries(invoice, E.DEPOSIT_APPLY))
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, invoice)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PaymentDialog)
        await pilot.press("enter")
        await pilot.pause()
    assert len(entries(invoice, E.DEPOSIT_APPLY)) == applied_before
    assert entries(invoice, E.PAYMENT)[-1].amount_cents == due
    assert sum(left for _d, left in ledger.outstanding_deposits(invoice.client)) == 2500


async def test_overpay_leaves_a_credit_then_transfer_it_then_refund_the_rest(app):
    invoice = open_invoice_without_deposits()
    other = invoice_data.create_invoice(Invoice.GENERIC, client=invoice.client)
    invoice_data.add_line(other, description="Frame 8x10", unit_price_cents=1000, taxable=False)
    due = ledger.invoice_money(invoice).due
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PaymentDialog)
        overpaid = due + 2500
        dialog.query_one("#amount", Input).value = ""
        await type_text(pilot, f"${overpaid // 100:,}.{overpaid % 100:02d}")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "$25.00 will stay as a credit" in text_of(dialog, "#amount-hint")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
        assert ledger.invoice_money(invoice).credit == 2500
        assert "Credit balance $25.00" in text_of(record, "#ir-totals")
        # File > Transfer Credit Balance (t): choose the invoice that receives it
        await pilot.press("t")
        await pilot.pause()
        transfer = app.screen
        assert isinstance(transfer, TransferCreditDialog)
        targets = [row.invoice.id for row in transfer.targets]
        assert other.id in targets
        for _ in range(targets.index(other.id)):
            await pilot.press("down")
        await pilot.pause()
        assert transfer.query_one("#amount", Input).value == "10.00"  # what the target needs
        await pilot.press("enter")  # the target chosen: on to the amount
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
        moved = E.select().where((E.kind == E.TRANSFER) & (E.invoice == invoice.id)).get()
        assert (moved.target_invoice_id, moved.amount_cents) == (other.id, 1000)
        assert ledger.invoice_money(other).balance == 0
        assert ledger.invoice_money(invoice).credit == 1500
        # Refund the rest of the credit: the amount defaults to the credit balance
        await pilot.press("r")
        await pilot.pause()
        refund = app.screen
        assert isinstance(refund, RefundDialog)
        assert refund.query_one("#amount", Input).value == "15.00"
        refund.query_one("#method-cash").value = True
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
    refunded = entries(invoice, E.REFUND)[-1]
    assert (refunded.amount_cents, refunded.method) == (1500, "cash")
    assert ledger.invoice_money(invoice).balance == 0
    assert ledger.client_money(invoice.client_id).balanced


async def test_refund_is_refused_plainly_without_a_credit(app):
    invoice = open_invoice_without_deposits()
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is record
        assert any("no credit balance" in n.message for n in app._notifications)
    assert entries(invoice, E.REFUND) == []


async def test_void_a_payment_with_a_reason(as_admin, app):
    invoice = paid_invoice()
    payment = entries(invoice, E.PAYMENT)[-1]
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        ledger_table = record.query_one("#ir-ledger", DataTable)
        ledger_table.focus()
        await pilot.pause()
        index = [e.id for e in record._entries].index(payment.id)
        ledger_table.move_cursor(row=index)
        await pilot.press("v")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert "Give the reason for the void" in text_of(dialog, "#reason-error")
        await type_text(pilot, "Card declined")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
        assert "(voided)" in str(ledger_table.get_row_at(index)[4])
        assert str(ledger_table.get_row_at(index)[3]).startswith("+$")
        void_row = ledger_table.get_row_at(len(record._entries) - 1)
        assert str(void_row[3]) == "-" + format_money(payment.amount_cents)  # a void carries its sign
    void = E.select().where((E.kind == E.VOID) & (E.related == payment.id)).get()
    assert (void.note, void.created_by) == ("Card declined", "admin")
    assert ledger.invoice_money(invoice).due == payment.amount_cents


async def test_voiding_an_invoice_with_payments_is_refused_with_the_rules_message(as_admin, app):
    invoice = paid_invoice()
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, invoice)
        await pilot.press("X")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        await type_text(pilot, "Made by mistake")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        message = text_of(dialog, "#reason-error")
        assert "of payments and cannot be deleted" in message
        assert dialog.query_one("#reason", Input).value == "Made by mistake"
    assert Invoice.get_by_id(invoice.id).status == Invoice.OPEN


async def test_the_front_desk_is_told_at_once_that_voids_are_a_manager_s(app):
    """Rita (front desk) presses the void keys: no reason is asked for, the
    refusal says who may; the File menu marks them; nothing is written."""
    invoice = paid_invoice()
    voids = E.select().where(E.kind == E.VOID).count()
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        await pilot.press("X")
        await pilot.pause()
        assert app.screen is record
        messages = [str(n.message) for n in app._notifications]
        assert "Only a manager or the owner may void an invoice; Rita Gomez is signed in as front desk." in messages
        record.query_one("#ir-ledger", DataTable).focus()
        await pilot.press("v")
        await pilot.pause()
        assert app.screen is record
        assert any("may void a payment" in str(n.message) for n in app._notifications)
        await pilot.press("f")
        await pilot.pause()
        labels = dict(app.screen.options)
        assert "Void invoice (manager)" in str(labels["void_invoice"])
        assert "(manager)" in str(labels["void_entry"]) and "(manager)" not in str(labels["payment"])
    assert E.select().where(E.kind == E.VOID).count() == voids
    assert Invoice.get_by_id(invoice.id).status != Invoice.VOID


async def test_void_an_invoice_without_payments(as_admin, app):
    invoice = invoice_data.create_invoice(Invoice.GENERIC, client=Client.get_by_id(1))
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        await pilot.press("f")  # through the File menu this time
        await pilot.pause()
        ids = [option_id for option_id, _ in app.screen.options]
        for _ in range(ids.index("void_invoice")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "Made by mistake")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
        assert "Void" in text_of(record, "#ir-head")
    assert Invoice.get_by_id(invoice.id).status == Invoice.VOID


# ---------------------------------------------------------------- estimate, Bill-To

async def test_convert_an_estimate_into_an_invoice(app):
    from spectra_tui.data.models import Session

    session = Session.select().where(Session.status == "Order Pending").order_by(Session.number).first()
    estimate = invoice_data.create_invoice(Invoice.ESTIMATE, session=session, notes="Wall portrait quote")
    invoice_data.add_line(estimate, PriceItem.get(PriceItem.code == "C2030"), image_number=12)
    invoice_data.add_line(estimate, description="Retouching", unit_price_cents=5000, quantity=2)
    lines = invoice_data.lines_of(estimate)
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, estimate)
        await pilot.press("p")  # an estimate takes no payment: said plainly
        await pilot.pause()
        assert app.screen is record
        assert any("convert it to an invoice first" in n.message for n in app._notifications)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert [option_id for option_id, _ in app.screen.options] == list(Invoice.SESSION_KINDS)
        await pilot.press("down", "down", "enter")  # Re-Order
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord) and app.screen is not record
        made = app.screen.invoice
    assert Invoice.get_by_id(estimate.id).status == Invoice.CONVERTED
    assert (made.source_id, made.series, made.kind, made.session_id) == (
        estimate.id, "invoice", Invoice.RE_ORDER, session.id)
    assert [(l.description, l.quantity, l.unit_price_cents) for l in invoice_data.lines_of(made)] == [
        (l.description, l.quantity, l.unit_price_cents) for l in lines]


async def test_bill_to_change_through_client_search(app):
    invoice = open_invoice_without_deposits()
    other = Client.select().where(Client.id != invoice.client_id).order_by(Client.last_key, Client.id).first()
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        await pilot.press("b")
        await pilot.pause()
        from spectra_tui.screens.clients import ClientSearchDialog

        assert isinstance(app.screen, ClientSearchDialog)
        await type_text(pilot, other.last_name)
        await pilot.press("enter")  # to the results
        await pilot.pause()
        table = app.screen.query_one(PagedTable)
        index = [c.id for c in table.loaded_rows].index(other.id)
        table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
        assert f"Bill-To {other.full_name}" in text_of(record, "#ir-head")
    fresh = Invoice.get_by_id(invoice.id)
    assert (fresh.bill_to_id, fresh.client_id) == (other.id, invoice.client_id)


async def test_ctrl_w_closes_the_record(app):
    invoice = open_invoice_without_deposits()
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is not record


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_line_dialog_shows_its_labels_whole(app, size):
    from textual.geometry import Region

    invoice = open_invoice_without_deposits()
    async with app.run_test(size=size) as pilot:
        await open_record(app, pilot, invoice)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LineDialog)
        for widget in (dialog.query_one("#taxable", Checkbox), dialog.query_one("#item-hint", Static)):
            shown = widget.render_lines(Region(0, 0, widget.size.width, 1))[0].text
            assert "…" not in shown, shown
        taxable = dialog.query_one("#taxable", Checkbox)
        assert "sales tax applies" in taxable.render_lines(Region(0, 0, taxable.size.width, 1))[0].text


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_header_and_totals_labels_keep_apart_from_the_values_before_them(app, size):
    """'Client Mary King   Bill-To', never 'Client Mary KingBill-To': no label
    starts its run with the gap (a run's leading spaces are what got lost)."""
    from textual.geometry import Region

    invoice = paid_invoice()
    async with app.run_test(size=size) as pilot:
        record = await open_record(app, pilot, invoice)
        for selector in ("#ir-head", "#ir-totals"):
            widget = record.query_one(selector, Static)
            for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height)):
                texts = [segment.text for segment in strip if segment.text]
                glued = [t for n, t in enumerate(texts) if n and t.strip() and t[0] == " " and texts[n - 1].strip()]
                assert glued == [], (selector, strip.text)
        head = str(record.query_one("#ir-head", Static).render())
        assert f"{invoice.client.full_name}   Bill-To" in head
        assert "   Tax " in str(record.query_one("#ir-totals", Static).render())


async def test_tab_then_enter_in_payments_and_credits_voids_the_highlighted_entry(as_admin, app):
    invoice = paid_invoice()
    payment = entries(invoice, E.PAYMENT)[-1]
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, invoice)
        assert "Enter voids the highlighted entry" in text_of(record, "#ir-ledger-title")
        await pilot.press("tab")  # one Tab: from the lines to the payments
        ledger_table = record.query_one("#ir-ledger", DataTable)
        assert record.focused is ledger_table
        ledger_table.move_cursor(row=[e.id for e in record._entries].index(payment.id))
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog) and f"#{payment.id}" not in dialog.title_text
        assert format_money(payment.amount_cents) in dialog.title_text
        await type_text(pilot, "Typed twice")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
        ledger_table.move_cursor(row=len(record._entries) - 1)
        await pilot.press("enter")  # the void row itself: said plainly, nothing opened
        await pilot.pause()
        assert app.screen is record
        said = [n.message for n in app._notifications][-1]
        assert "is a void" in said or "no payment or credit on this invoice to void" in said
    assert E.select().where((E.kind == E.VOID) & (E.related == payment.id)).count() == 1
