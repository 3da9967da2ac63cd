"""Snapshots of the payment dialog (and the deposit offer before it) at
120x40 and 80x24, each also checked for nothing cut off."""
import pytest

from spectra_tui.data import invoices as invoice_data
from spectra_tui.data import ledger
from spectra_tui.data.models import Invoice
from spectra_tui.screens.invoices import InvoiceRecord

from .layout import SIZE_IDS, SIZES, assert_fits


def open_invoice() -> Invoice:
    for row in invoice_data.search_invoices(invoice_data.InvoiceQuery(status="open", sort="balance"), limit=200):
        if row.invoice.kind != Invoice.CREDIT_MEMO and not ledger.outstanding_deposits(row.invoice.client):
            return row.invoice
    raise AssertionError("the demo has open invoices")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_payment_dialog(snap_compare, app, size):
    async def run_before(pilot):
        pilot.app.push_screen(InvoiceRecord(open_invoice()))
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_deposit_offer_dialog(snap_compare, app, size):
    async def run_before(pilot):
        invoice = open_invoice()
        ledger.take_deposit(invoice.client, 5000, "cash")
        ledger.take_deposit(invoice.client, 2500, "card")
        pilot.app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
