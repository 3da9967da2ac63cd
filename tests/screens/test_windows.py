"""A hub key shows the hub; the records and forms left open over it stay
open, unsaved work and all, and the window switcher (its key, or the
command palette) brings each back."""
from textual.widgets import Input, OptionList

from spectra_tui.app import SpectraCommands
from spectra_tui.data.models import Invoice
from spectra_tui.screens import keymap
from spectra_tui.screens.clients import ClientForm, ClientsHub
from spectra_tui.screens.dialogs import ChoiceDialog, ConfirmDialog
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.invoices import InvoiceRecord, InvoicesHub

from .terminal import post_burst


def switcher_lines(app) -> list[str]:
    assert isinstance(app.screen, ChoiceDialog)
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_a_hub_key_shows_the_hub_and_keeps_the_unsaved_form(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n", *"Una", "tab", "tab", *"Kept")
        form = app.screen
        assert isinstance(form, ClientForm)
        await pilot.press("f5", "f2")  # away to Clients, back to Home
        assert isinstance(app.screen, HomeHub)  # the hub, not the form left open in it
        await pilot.press("ctrl+g")
        assert switcher_lines(app) == ["New Client  (Home · unsaved changes)"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#f-first_name", Input).value == "Una"
        assert form.query_one("#f-last_name", Input).value == "Kept"
        await pilot.press("escape")  # it is still the form it was: unsaved, so it asks
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)


async def test_the_hub_key_of_the_hub_shown_shows_the_hub(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n", *"Una")
        await pilot.press("f2")
        assert isinstance(app.screen, HomeHub)
        await pilot.press("ctrl+g", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)


async def test_f7_shows_the_invoice_list_not_the_invoice_left_open(app):
    invoice = Invoice.select().where(Invoice.series == "invoice").first()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        record = app.screen
        await pilot.press("f5", "f7")
        assert isinstance(app.screen, InvoicesHub)
        await pilot.press("ctrl+n", *"Ann")  # a form over the Invoices hub now
        await pilot.press("ctrl+g")
        assert switcher_lines(app) == [
            "New Client  (Invoices · unsaved changes · shown now)",
            f"{record.title.removeprefix('Spectra · ')}  (Invoices · no unsaved changes)",
        ]
        await pilot.press("down", "enter")  # the invoice: the form is put aside in its turn
        await pilot.pause()
        assert app.screen is record
        await pilot.press("ctrl+g")
        assert switcher_lines(app)[1] == "New Client  (Invoices · unsaved changes)"
        await pilot.press("escape")


async def test_windows_typed_ahead_of_the_screen(app):
    """A form typed, a hub key and the switcher, in one burst: nothing lost."""
    async with app.run_test(size=(120, 40)) as pilot:
        post_burst(app, ["ctrl+n", *"Burst", "f6", "ctrl+g", "enter"])
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)
        assert app.screen.query_one("#f-first_name", Input).value == "Burst"


async def test_the_command_palette_offers_the_window_switcher(app):
    async with app.run_test(size=(120, 40)) as pilot:
        provider = SpectraCommands(app.screen)
        hits = [hit.text async for hit in provider.search("windows")]
        assert any(f"Open windows: records and forms left open  ({keymap.key('windows')})" in str(text)
                   for text in hits)
        await pilot.press("ctrl+g")  # nothing open yet: said so
        assert not isinstance(app.screen, ChoiceDialog)
        assert "No record or form is open." in [n.message for n in app._notifications]


async def test_quit_asks_when_a_window_has_unsaved_changes(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n", *"Una", "f5", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "New Client" in str(app.screen.question)
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ClientsHub)
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert not app.is_running


async def test_the_switcher_key_again_closes_the_switcher_which_is_not_a_window(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n", *"Una")
        await pilot.press("f2", "ctrl+g")
        assert switcher_lines(app) == ["New Client  (Home · unsaved changes)"]
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)
        await pilot.press("ctrl+g")
        assert switcher_lines(app) == ["New Client  (Home · unsaved changes)"]
