"""Snapshots of the Invoices hub and the invoice record at 120x40 and 80x24,
each also checked for nothing cut off."""
import pytest

from spectra_tui.data import invoices as invoice_data
from spectra_tui.data import ledger
from spectra_tui.data.models import Invoice, LedgerEntry
from spectra_tui.screens.invoices import InvoiceRecord

from .layout import SIZE_IDS, SIZES, assert_fits


def shown_invoice() -> Invoice:
    """An invoice with several lines and more than one ledger entry."""
    for row in invoice_data.search_invoices(invoice_data.InvoiceQuery(sort="date"), limit=200):
        invoice = row.invoice
        if (len(invoice_data.lines_of(invoice)) >= 2 and len(ledger.entries_for(invoice)) >= 2
                and invoice.kind == Invoice.INITIAL_ORDER):
            return invoice
    raise AssertionError("the demo has paid orders")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_invoices_hub(snap_compare, app, size):
    async def run_before(pilot):
        await pilot.press("f7")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_invoices_hub_unknown_number(snap_compare, app, size):
    async def run_before(pilot):
        await pilot.press("f7")
        await pilot.pause()
        for key in "99999":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_invoice_record(snap_compare, app, size):
    async def run_before(pilot):
        invoice = shown_invoice()
        assert LedgerEntry.select().where(LedgerEntry.invoice == invoice.id).exists()
        pilot.app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
