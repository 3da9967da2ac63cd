"""Keys of the desktop program whose screens are not built yet (F9,
Ctrl+E, Ctrl+M) never do nothing: each says what
it will open and that it is not built yet; Help and the palette say so too."""
import pytest
from textual.widgets import Input

from spectra_tui.screens import keymap
from spectra_tui.screens.clients import ClientForm
from spectra_tui.screens.not_built import WILL_OPEN

from .test_terminal_keys import deliverable

NOT_BUILT = {
    "hub_messages": "f9",
    "new_email": "ctrl+e",
    "new_sms": "ctrl+m",
}

FIELD_KEYS = {"new_email"}  # Ctrl+E: a text field keeps it until its screen exists


def said(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_the_desktop_keys_not_built_are_in_the_registry_and_say_what_they_will_open():
    for action_id, key in NOT_BUILT.items():
        action = keymap.action_of(action_id)
        assert action.keys == key and not action.built
        assert action.priority == (action_id not in FIELD_KEYS)
        assert action.listed.endswith("(not built yet)")
        assert any(deliverable(k) for k in action.default_keys.split(","))
    assert set(WILL_OPEN) == {a.id for a in keymap.ACTIONS if not a.built} == set(NOT_BUILT)
    assert keymap.action_of("new_sms").default_keys == "ctrl+m,alt+m"


@pytest.mark.parametrize("action_id", sorted(NOT_BUILT))
async def test_each_key_says_what_it_will_open_and_that_it_is_not_built(app, action_id):
    action = keymap.action_of(action_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        home = app.screen
        for key in action.default_keys.split(","):  # the seed's key and the fallback every terminal sends
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is home
            (message,) = said(app)
            assert message.startswith(f"{keymap.active().all_keys(action_id)} ({action.description}) will open ")
            assert WILL_OPEN[action_id] in message and message.endswith("It is not built yet.")


async def test_enter_and_tab_in_a_form_are_never_new_sms_or_quick_sale(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClientForm)
        await pilot.press(*"Cal", "tab", *"Dee", "enter")
        await pilot.pause()
        assert said(app) == [] and app.screen is form
        assert form.query_one("#f-first_name", Input).value == "Cal"
        box = app.focused
        assert isinstance(box, Input)
        await pilot.press("x", "alt+m")  # works inside a form too (a priority binding); nothing typed
        await pilot.pause()
        assert len([m for m in said(app) if "not built yet" in m]) == 1
        assert app.focused is box and box.value == "x"


async def test_help_and_the_palette_list_them_as_not_built_yet(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        app.screen.query_one("#keymap-table").scroll_visible(animate=False)
        await pilot.pause()
        shown = app.export_screenshot().replace("&#160;", " ")
        assert any(f"{keymap.action_of(a).description} (not built yet)" in shown for a in NOT_BUILT), shown
        await pilot.press("ctrl+k")
        await pilot.pause()
        await pilot.press(*"new sms")
        await pilot.pause(0.3)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "New SMS Text Message (not built yet)" in shown


async def test_a_text_field_keeps_ctrl_e_until_its_screen_exists(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        box = app.focused
        assert isinstance(box, Input)
        await pilot.press(*"Cal", "home", "ctrl+e", "x")  # Ctrl+E: to the end of the field
        await pilot.pause()
        assert box.value == "Calx" and said(app) == []
        await pilot.press("alt+m")  # not a field's key: says it is not built yet
        await pilot.pause()
        assert any("not built yet" in m for m in said(app))
