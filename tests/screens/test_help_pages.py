"""Help (F1) has a page for each HOW DO I task and each BASIC STEP of the
desktop program's quick reference, written with this program's keys (they
follow a remap), found by the search field at the top of the hub; the key
map stays on the hub below."""
from textual.widgets import Input, OptionList

from spectra_tui.screens import keymap
from spectra_tui.screens.help import HelpHub, HelpPageScreen
from spectra_tui.screens.help_pages import PAGES, matching

HOW_DO_I = [
    "ENTER A NEW CLIENT",
    "FIND AN EXISTING CLIENT",
    "ENTER A NEW SESSION OR APPOINTMENT",
    "FIND AN EXISTING SESSION",
    "CREATE A NEW INVOICE",
    "FIND AN EXISTING INVOICE",
    "ENTER A PAYMENT",
    "APPLY CLIENT DEPOSIT TO AN INVOICE",
    "TRANSFER A CREDIT BALANCE",
]
BASIC_STEPS = ["ADD CLIENT", "BOOK SESSION", "CREATE INVOICE", "CHECK IN", "CAPTURE IMAGES", "DIGITAL PRESENTATION"]


def test_a_page_for_every_task_and_basic_step_of_the_quick_reference():
    titles = [page.title for page in PAGES]
    assert titles[: len(HOW_DO_I)] == HOW_DO_I
    assert titles[len(HOW_DO_I):] == [f"STEP {n} · {step}" for n, step in enumerate(BASIC_STEPS, 1)]
    for page in PAGES:
        text = page.text()  # every {key} names a registered action or a widget key (else KeyError)
        assert "{" not in text and len(text) > 100, page.title


def test_the_pages_name_the_keys_in_force():
    payment = next(page for page in PAGES if page.title == "ENTER A PAYMENT")
    assert "[b]p[/b], [b]Enter[/b] — 2 keys" in payment.text()
    keymap.activate({"invoice_record.payment": "ctrl+alt+y", "new_client": "f9"})
    try:
        assert "[b]Ctrl+Alt+Y[/b], [b]Enter[/b] — 2 keys" in payment.text()
        assert "[b]F9[/b] opens New Client" in PAGES[0].text()
    finally:
        keymap.activate({})


def test_search_finds_pages_by_every_word():
    assert [page.title for page in matching("transfer credit")] == ["TRANSFER A CREDIT BALANCE"]
    assert matching("credit balance")[0].title == "TRANSFER A CREDIT BALANCE"  # the title's words first
    assert "APPLY CLIENT DEPOSIT TO AN INVOICE" in [page.title for page in matching("Deposit")]
    assert [page.title for page in matching("camera tethered")] == ["STEP 5 · CAPTURE IMAGES"]
    assert matching("zebra") == [] and len(matching("")) == len(PAGES)


async def test_help_search_lists_the_matching_pages_and_enter_opens_one(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        hub = app.screen
        assert isinstance(hub, HelpHub) and hub.query_one("#keymap-table")  # the key map stays on the hub
        assert app.focused is hub.query_one("#help-search", Input)
        pages = hub.query_one("#help-pages", OptionList)
        assert pages.option_count == len(PAGES)
        await pilot.press(*"credit balance")
        await pilot.pause()
        assert pages.get_option_at_index(0).id == "TRANSFER A CREDIT BALANCE"  # the words in its title: first
        assert pages.option_count == len(matching("credit balance")) < len(PAGES)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpPageScreen) and app.screen.page.title == "TRANSFER A CREDIT BALANCE"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is hub
        hub.query_one("#help-search", Input).value = "invoice"
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # to the list, the second page, open
        await pilot.pause()
        assert app.screen.page.title == matching("invoice")[1].title
        await pilot.press("escape")
        hub.query_one("#help-search", Input).value = "zebra"
        hub.query_one("#help-search", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is hub  # nothing to open
