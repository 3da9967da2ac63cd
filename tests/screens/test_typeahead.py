"""Keys typed ahead of the screen are never lost or reordered: a burst that
a terminal delivers in ONE read (a receptionist typing ahead, a paste of
keys) lands in the fields it was typed for. Pilot paces its keys, so the
burst is sent through a real pseudo-terminal too."""
from pathlib import Path

from textual.widgets import Input

from spectra_tui.data.models import Client
from spectra_tui.screens.clients import ClientForm

from .terminal import CTRL_N, CTRL_W, F5, TAB, Terminal
from .terminal import post_burst as burst


async def test_a_burst_typed_into_new_client_lands_in_its_fields(app):
    async with app.run_test(size=(120, 40)) as pilot:
        burst(app, ["ctrl+n", *"Cal", "tab", *"Dee", "tab", *"Smith", "tab", "tab", *"5551234567"])
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)
        values = {box.id: box.value for box in app.screen.query(Input)}
        assert values["f-first_name"] == "Cal"
        assert values["f-middle_name"] == "Dee"
        assert values["f-last_name"] == "Smith"
        assert values["f-phone_mobile"] == "5551234567"


async def test_a_save_typed_ahead_of_a_hub_key_is_saved(app):
    async with app.run_test(size=(120, 40)) as pilot:
        burst(app, ["ctrl+n", *"Ann", "tab", "tab", *"Typeahead", "ctrl+w", "f5"])
        await pilot.pause()
        saved = Client.select().order_by(Client.id.desc()).get()
        assert (saved.first_name, saved.last_name) == ("Ann", "Typeahead")
        assert app.current_mode == "clients"


def test_a_burst_through_a_real_terminal_saves_what_was_typed(demo_db):
    """Ctrl+N, the names with Tabs between them, Ctrl+W and F5, in one write
    to the terminal: the client is saved with each name in its own field."""
    terminal = Terminal(Path(demo_db.database))
    try:
        terminal.sign_in()
        terminal.wait_for("Open balances")
        terminal.send(CTRL_N + "Cal" + TAB + "Dee" + TAB + "Burstley" + CTRL_W + F5)
        terminal.wait_for("saved (client #")
        saved = Client.select().order_by(Client.id.desc()).get()
        assert (saved.first_name, saved.middle_name, saved.last_name) == ("Cal", "Dee", "Burstley")
    finally:
        terminal.close()


async def test_keys_typed_ahead_of_a_list_wait_for_its_rows(app):
    """F7, Down, Enter in one burst: Down goes to the list once its rows are
    in, and Enter opens the first invoice (not an Enter in the number box)."""
    from spectra_tui.screens.invoices import InvoiceRecord, InvoicesHub

    async with app.run_test(size=(120, 40)) as pilot:
        burst(app, ["f7", "down", "enter"])
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord)
        await pilot.press("escape")
        hub = app.screen
        assert isinstance(hub, InvoicesHub) and hub.table.loaded_rows[0].invoice.id == hub.table.selected.invoice.id


async def test_a_search_typed_ahead_opens_the_client_searched_for(app):
    from spectra_tui.screens.clients import ClientRecord

    client = Client.select().order_by(Client.id).first()
    async with app.run_test(size=(120, 40)) as pilot:
        burst(app, ["f5", *client.last_name.lower(), "enter", "enter"])
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord)
        assert app.screen.client.last_name == client.last_name


async def test_a_wizard_step_typed_ahead_takes_its_keys(app):
    """Enter to the next steps, then the follow-up's date and Enter, in one
    burst: the step's date field takes focus once drawn, and has every key."""
    from .test_wizard import FREE, to_check

    async with app.run_test(size=(120, 40)) as pilot:
        wizard = await to_check(app, pilot, FREE)
        burst(app, ["enter", "enter", "enter", *"+1w 4pm", "enter"])
        await pilot.pause()
        assert wizard.step == "followups" and len(wizard.state.follow_ups) == 1
