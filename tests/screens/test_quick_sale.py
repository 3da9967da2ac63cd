"""Quick Sale (Ctrl+I, or Alt+I where Ctrl+I arrives as Tab), driven by a
receptionist's keystrokes; the database is checked afterwards. A one-item
cash sale takes under 10 keystrokes (every key pressed is counted)."""
import io

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from spectra_tui.data import accounts, catalog, quick_sale, settings
from spectra_tui.data.db import close_database, open_database
from spectra_tui.data.models import Client, Invoice, InvoiceLine, LedgerEntry, User
from spectra_tui.data.users import sign_in
from spectra_tui.screens import keymap
from spectra_tui.screens.clients import ClientForm
from spectra_tui.screens.dialogs import ConfirmDialog
from spectra_tui.screens.first_start import FirstStartScreen
from spectra_tui.screens.help import key_map
from spectra_tui.screens.help_pages import PAGES, matching
from spectra_tui.screens.invoices import InvoiceRecord
from spectra_tui.screens.quick_sale import QuickSaleScreen, ReceiptDialog, SalePaymentDialog

SIZE = (120, 40)


class CountedKeys:
    """Pilot's press, every key counted."""

    def __init__(self, pilot):
        self.pilot = pilot
        self.keys: list[str] = []

    async def press(self, *keys: str) -> None:
        self.keys.extend(keys)
        await self.pilot.press(*keys)
        await self.pilot.pause()


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def shown(app) -> str:
    return app.export_screenshot().replace("&#160;", " ")


def last_invoice() -> Invoice:
    return Invoice.select().order_by(Invoice.id.desc()).get()


def lines_of(invoice: Invoice) -> list[tuple[str, int, int]]:
    return [(line.description, line.quantity, line.unit_price_cents)
            for line in InvoiceLine.select().where(InvoiceLine.invoice == invoice).order_by(InvoiceLine.position)]


def first_quick_pick():
    return quick_sale.offered_items()[0]


async def test_a_one_item_cash_sale_takes_under_10_keystrokes(app):
    invoices_before = Invoice.select().count()
    item = first_quick_pick()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        counted = CountedKeys(pilot)
        await counted.press("alt+i")  # the key every terminal sends (Ctrl+I: below)
        assert isinstance(app.screen, QuickSaleScreen)
        await counted.press("enter")  # one of the first quick pick
        await counted.press("ctrl+w")  # the payment: cash, the total
        dialog = app.screen
        assert isinstance(dialog, SalePaymentDialog)
        assert dialog.query_one("#amount", Input).value == f"{dialog.total / 100:,.2f}"
        await counted.press("enter")  # taken: the receipt
        receipt = app.screen
        assert isinstance(receipt, ReceiptDialog)
        invoice = last_invoice()
        assert f"Receipt · Invoice {invoice.display_number}" in text_of(receipt, "#receipt-title")
        await counted.press("escape")
        assert app.screen is home
        assert len(counted.keys) < 10, counted.keys
        assert counted.keys == ["alt+i", "enter", "ctrl+w", "enter", "escape"]
    assert Invoice.select().count() == invoices_before + 1
    assert invoice.client.walk_in and invoice.client.full_name == "Walk-in customer"
    assert invoice.kind == Invoice.GENERIC and lines_of(invoice) == [(item.name, 1, item.price_cents)]
    payment = LedgerEntry.get(LedgerEntry.invoice == invoice.id)
    assert (payment.method, payment.amount_cents) == ("cash", invoice.total_cents)
    assert (Invoice.get_by_id(invoice.id).balance_cents, invoice.created_by) == (0, "rita")


async def test_ctrl_i_opens_it_where_the_terminal_sends_it_and_tab_never_does(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")  # a form: Tab moves to the next field
        form = app.screen
        assert isinstance(form, ClientForm)
        await pilot.press(*"Cal", "tab", "tab")
        assert app.screen is form and isinstance(app.focused, Input)
        await pilot.press("ctrl+i")  # (a terminal with the kitty keyboard protocol sends it as itself)
        assert isinstance(app.screen, QuickSaleScreen)
        await pilot.press("alt+i")  # open already: the same one
        assert isinstance(app.screen, QuickSaleScreen) and len(app.screen_stack) == 3


async def test_help_names_both_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        assert keymap.active().all_keys("new_quick_sale") == "Ctrl+I / Alt+I"
        await pilot.press("f1")
        await pilot.pause()
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(key_map())  # the Help hub's key map
        (row,) = [line for line in console.export_text().splitlines() if "New Quick Sale" in line]
        assert row.split() == ["New", "Quick", "Sale", "Ctrl+I", "/", "Alt+I", "new_quick_sale"]
        page = next(page for page in PAGES if page.title == "CREATE A NEW INVOICE")  # the help page of the task
        assert "[b]Ctrl+I / Alt+I[/b] opens Quick Sale" in page.text()
        assert page in matching("quick sale")


async def test_quantity_and_the_total_with_tax_are_always_shown(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+i")
        screen = app.screen
        assert "Total $0.00" in text_of(screen, "#sale-totals")
        print_8x10 = next(i for i in screen.items if i.code == "P8X10")
        await pilot.press(*["down"] * screen.items.index(print_8x10), "enter", "plus", "plus", "minus")
        assert [(line.item.code, line.quantity) for line in screen.lines] == [("P8X10", 2)]
        subtotal, tax, total = quick_sale.totals([(print_8x10, 2)])
        assert tax > 0
        totals = text_of(screen, "#sale-totals")
        assert f"Subtotal $90.00 · Tax ${tax / 100:.2f} · Total ${total / 100:.2f}" in totals
        await pilot.press("minus", "minus")  # down to none: off the sale
        assert screen.lines == [] and "Total $0.00" in text_of(screen, "#sale-totals")
        await pilot.press("enter", "delete")
        assert screen.lines == []


async def test_cash_above_the_total_gives_change_on_the_receipt(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+i", "enter", "ctrl+w")
        dialog = app.screen
        assert isinstance(dialog, SalePaymentDialog)
        await pilot.press(*"100")
        assert text_of(dialog, "#amount-hint") == f"Change ${(10000 - dialog.total) / 100:.2f}"
        await pilot.press("enter")
        receipt = app.screen
        assert isinstance(receipt, ReceiptDialog)
        change = 10000 - receipt.sale.invoice.total_cents
        assert receipt.sale.change_cents == change > 0
        assert text_of(receipt, "#receipt-change") == f"Change ${change / 100:.2f}"
        assert "$100.00 tendered" in text_of(receipt, "#receipt-money")
        await pilot.press("o")  # the invoice record, which prints it
        assert isinstance(app.screen, InvoiceRecord) and app.screen.invoice.id == receipt.sale.invoice.id
    entry = LedgerEntry.get(LedgerEntry.invoice == receipt.sale.invoice.id)
    assert entry.amount_cents == receipt.sale.invoice.total_cents


async def test_a_card_over_the_total_is_refused_in_the_dialog_and_nothing_is_written(app):
    before = Invoice.select().count()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+i", "enter", "ctrl+w", *"100", "tab", "right", "right")  # Card
        dialog = app.screen
        assert dialog.method() == "card"
        await pilot.press("enter")
        assert app.screen is dialog
        assert "Only cash gives change" in text_of(dialog, "#error")
        await pilot.press("escape")
        assert isinstance(app.screen, QuickSaleScreen) and len(app.screen.lines) == 1  # the sale is kept
    assert Invoice.select().count() == before


async def test_choosing_a_client_on_the_spot(app):
    client = Client.select().where(Client.walk_in == False).order_by(Client.last_key).first()  # noqa: E712
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+i", "c", *client.first_name.lower(), "enter")
        await pilot.press("enter")  # the highlighted match
        screen = app.screen
        assert isinstance(screen, QuickSaleScreen) and screen.client.id == client.id
        assert f"Sold to {client.full_name}" in text_of(screen, "#sale-head")
        await pilot.press("enter", "ctrl+w", "enter", "escape")
    invoice = last_invoice()
    assert invoice.client_id == client.id and invoice.kind == Invoice.GENERIC


async def test_ctrl_n_in_the_client_search_makes_the_buyer(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+i", "c", "ctrl+n")
        assert isinstance(app.screen, ClientForm)
        await pilot.press(*"Nora", "tab", *"Quist", "ctrl+w")
        screen = app.screen
        assert isinstance(screen, QuickSaleScreen) and screen.client.full_name == "Nora Quist"
        await pilot.press("w")  # back to the walk-in
        assert screen.client is None and "Sold to Walk-in customer" in text_of(screen, "#sale-head")


async def test_a_fast_burst_of_keys_loses_nothing(app):
    items = quick_sale.offered_items()
    async with app.run_test(size=SIZE) as pilot:
        # in one go, as a fast typist would: open, 1 of the first, 3 of the third, pay, close
        await pilot.press("alt+i", "enter", "down", "down", "enter", "plus", "plus", "ctrl+w", "enter", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, QuickSaleScreen | SalePaymentDialog | ReceiptDialog)
    invoice = last_invoice()
    assert lines_of(invoice) == [(items[0].name, 1, items[0].price_cents), (items[2].name, 3, items[2].price_cents)]
    assert Invoice.get_by_id(invoice.id).balance_cents == 0


async def test_escape_asks_before_throwing_a_sale_away(app):
    before = Invoice.select().count()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+i", "enter", "escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert isinstance(app.screen, QuickSaleScreen) and len(app.screen.lines) == 1
        await pilot.press("escape", "y")
        assert not isinstance(app.screen, QuickSaleScreen)
        await pilot.press("alt+i", "escape")  # nothing in it: leaves at once
        assert not isinstance(app.screen, QuickSaleScreen | ConfirmDialog)
    assert Invoice.select().count() == before


async def test_the_empty_sale_says_what_to_do(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+i", "ctrl+w")
        assert isinstance(app.screen, QuickSaleScreen)
        assert any("The sale is empty" in n.message for n in app._notifications)


@pytest.fixture
def empty_studio(tmp_path):
    """A studio with its owner and Rita, and nothing to sell: no price list."""
    open_database(tmp_path / "empty.db", create=True)
    owner = accounts.create_user("owner", "Studio Owner", "owner", password="owner-pass-1")
    sign_in(owner)
    rita = accounts.create_user("rita", "Rita Gomez", "front_desk", password="1234")
    sign_in(rita)
    yield
    sign_in(None)
    close_database()


async def test_an_empty_studio_says_there_is_no_price_list(empty_studio, tmp_path):
    from spectra_tui.app import SpectraApp

    app = SpectraApp(keys_file=tmp_path / "none.toml", cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        await pilot.press("alt+i")
        assert app.screen is home
        (message,) = [n.message for n in app._notifications]
        assert message == ("The studio has no price list yet: a manager or the owner adds its items before anything "
                           "can be sold. Ctrl+F10 opens the studio's setup: its Price list step adds items.")
        sign_in(User.get(User.username == "owner"))  # (a manager or the owner adds a list)
        catalog.create_price_list("Standard")
        app.clear_notifications()
        await pilot.press("alt+i")
        assert app.screen is home
        (message,) = [n.message for n in app._notifications]
        assert message.startswith("The price list Standard has nothing to sell yet: a manager or the owner adds")
        await pilot.press("ctrl+f10")  # as the message says (here the owner is signed in)
        assert isinstance(app.screen, FirstStartScreen)


async def test_a_price_changed_in_another_terminal_is_shown_before_anything_is_sold(app):
    before = Invoice.select().count()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+i", "enter")
        screen = app.screen
        item = screen.lines[0].item
        rita = User.get(User.username == "rita")
        sign_in(User.get(User.username == "admin"))  # another terminal: the owner raises the price
        catalog.update_price_item(catalog.find_item(item.code), price_cents=item.price_cents + 500)
        sign_in(rita)
        await pilot.press("ctrl+w", "enter")
        dialog = app.screen
        assert isinstance(dialog, SalePaymentDialog)
        assert f"The price of {item.name} changed in another terminal" in text_of(dialog, "#error")
        await pilot.press("escape")  # back on the sale: the new price and total
        assert app.screen is screen and screen.lines[0].item.price_cents == item.price_cents + 500
        new_total = quick_sale.totals([(screen.lines[0].item, 1)])[2]
        assert f"Total ${new_total / 100:,.2f}" in text_of(screen, "#sale-totals")
        await pilot.press("ctrl+w", "enter", "escape")  # now sold at the new price
    assert Invoice.select().count() == before + 1 and last_invoice().total_cents == new_total


async def test_a_sale_left_open_by_a_hub_key_comes_back_whole(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+i", "enter", "plus")
        sale = app.screen
        await pilot.press("f7")  # the Invoices hub: the sale is kept as a window
        assert not isinstance(app.screen, QuickSaleScreen)
        await pilot.press("alt+i")  # the same sale again, not a new one
        assert app.screen is sale and [line.quantity for line in sale.lines] == [2]


async def test_the_receipt_is_saved_as_pdf_from_the_receipt(app, tmp_path, monkeypatch):
    from pypdf import PdfReader

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    settings.put("documents_folder", str(tmp_path / "docs"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("alt+i", "enter", "ctrl+w", "enter")
        await pilot.pause()
        receipt = app.screen
        assert isinstance(receipt, ReceiptDialog)
        await pilot.press(keymap.action_of("receipt.save_pdf").keys)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is receipt  # still on screen, for the client
    payment = LedgerEntry.get(LedgerEntry.invoice == last_invoice().id)
    saved = list((tmp_path / "docs").glob("*.pdf"))
    assert [path.name for path in saved] == [f"receipt-{payment.id}.pdf"]
    text = "".join(page.extract_text() for page in PdfReader(saved[0]).pages)
    assert "Walk-in customer" in text and last_invoice().display_number in text
