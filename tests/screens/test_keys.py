"""The key map at the front desk: Ctrl+L, Ctrl+N, Ctrl+S and Ctrl+W work from
every hub and from inside a form (a text field focused); Enter in a search
field never opens anything; Tab moves through the fields in order; F3 in
client fields beats a hub on F3; the record's Alt keys are never typed."""
import pytest
from textual.widgets import Input

from spectra_tui.data.models import Client
from spectra_tui.screens.clients import FORM_FIELDS, ClientForm, ClientRecord, ClientSearchDialog, ClientsHub
from spectra_tui.screens.clients.fields import CHECK_FIELDS
from spectra_tui.screens.hubs import HUBS
from spectra_tui.screens import keymap

HUB_KEYS = [keymap.action_of(hub.action_id).keys for hub in HUBS]


async def back_out(pilot, screen) -> None:
    """Escape until ``screen`` is on top again (answering 'leave' if asked)."""
    for _ in range(4):
        if pilot.app.screen is screen:
            return
        await pilot.press("escape")
        await pilot.pause()
    assert pilot.app.screen is screen


@pytest.mark.parametrize("hub_key", HUB_KEYS)
async def test_global_shortcuts_work_from_every_hub(app, hub_key):
    from spectra_tui.screens.sessions import SessionSearchDialog

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(hub_key)
        await pilot.pause()
        hub = app.screen
        focused = app.focused
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, ClientSearchDialog), hub
        await back_out(pilot, hub)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ClientForm), hub
        await back_out(pilot, hub)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionSearchDialog), hub
        await back_out(pilot, hub)
        await pilot.press("ctrl+w")  # no Save & Close on a hub: nothing happens, the hub stays
        await pilot.pause()
        assert app.screen is hub
        if isinstance(focused, Input):
            assert focused.value == ""  # no shortcut left a character behind


async def test_global_shortcuts_work_inside_the_client_form(app):
    from spectra_tui.screens.sessions import SessionSearchDialog

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        await pilot.press(*"pat")
        assert isinstance(app.focused, Input)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, ClientSearchDialog)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionSearchDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and form.query_one("#f-first_name", Input).value == "pat"
        await pilot.press("ctrl+n")  # a second New Client on top of the first
        await pilot.pause()
        assert isinstance(app.screen, ClientForm) and app.screen is not form
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form
        await pilot.press("tab", "tab", *"quill", "ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, ClientForm)
    assert Client.select().order_by(Client.id.desc()).get().full_name == "Pat Quill"


async def test_ctrl_w_saves_the_client_record_from_a_focused_field(app):
    client = Client.select().order_by(Client.id).first()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        box = app.screen.query_one("#f-lead_source", Input)
        box.focus()
        box.value = ""
        await pilot.press(*"Flyer", "ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, ClientRecord)
    assert Client.get_by_id(client.id).lead_source == "Flyer"


async def test_enter_in_any_search_field_opens_nothing(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        hub = app.screen
        for name, text in (("name", "zzzz"), ("phone", "000"), ("email", "nobody"), ("city", "nowhere")):
            box = hub.query_one(f"#q-{name}", Input)
            box.focus()
            await pilot.press(*text, "enter")
            await pilot.pause()
            assert app.screen is hub and app.focused is box and box.value == text
        # With results, Enter only moves to the list; it opens nothing.
        for name in ("name", "phone", "email", "city"):
            hub.query_one(f"#q-{name}", Input).value = ""
        hub.query_one("#q-name", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is hub and app.focused is hub.query_one("#client-results")


async def test_enter_in_the_search_dialog_field_opens_nothing(app):
    answers = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ClientSearchDialog(), answers.append)
        await pilot.pause()
        dialog = app.screen
        await pilot.press(*"zzzz", "enter")
        await pilot.pause()
        assert app.screen is dialog and answers == []


async def test_tab_moves_through_the_search_group_then_the_results(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        hub = app.screen
        assert isinstance(hub, ClientsHub)
        order = []
        for _ in range(5):
            order.append(app.focused.id)
            await pilot.press("tab")
        assert order == ["q-name", "q-phone", "q-email", "q-city", "client-results"]
        await pilot.press("shift+tab")
        assert app.focused.id == "client-results"
        await pilot.press("shift+tab")
        assert app.focused.id == "q-city"


async def test_tab_moves_through_the_client_form_in_order(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        seen = []
        for _ in range(len(FORM_FIELDS) + len(CHECK_FIELDS) + 1):
            seen.append(app.focused.id)
            await pilot.press("tab")
        expected = [f"f-{name}" for name, _label, _placeholder in FORM_FIELDS]
        assert seen == expected + [f"f-{name}" for name, _label in CHECK_FIELDS] + ["form-notes"]
        assert isinstance(app.screen, ClientForm)


async def test_f3_in_client_fields_beats_the_workflow_hub_on_f3(app):
    from spectra_tui.screens.workflow import WorkflowHub

    assert "f3" in keymap.active().keys("hub_workflow").split(",")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")  # on Home, F3 opens the Workflow hub
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)
        await pilot.press("f2", "ctrl+n")
        await pilot.pause()
        form = app.screen
        await pilot.press(*"de la cruz", "f3")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#f-first_name", Input).value == "de la cruz"
        assert app.focused is form.query_one("#f-middle_name", Input)
        form.query_one("#form-notes").focus()  # outside the client fields F3 is the hub again
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)


async def test_alt_keys_of_the_record_are_never_typed_into_a_field(app):
    client = Client.select().order_by(Client.id).first()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        record = app.screen
        box = record.query_one("#f-first_name", Input)
        assert app.focused is box
        await pilot.press("alt+d")
        await pilot.pause()
        assert app.screen is not record  # the deposit dialog
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("alt+2")
        await pilot.pause()
        assert record.active_tab == "family"
        assert box.value == client.first_name
