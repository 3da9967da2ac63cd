"""Keys of the desktop program whose screens are not built yet (F8, F11)
never do nothing: each says what
it will open and that it is not built yet; Help and the palette say so too."""

import pytest

from spectra_tui.screens import keymap
from spectra_tui.screens.not_built import WILL_OPEN

from .test_terminal_keys import deliverable

NOT_BUILT = {
    "hub_phone_calls": "f8",
    "hub_tasks": "f11",
}


def said(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_the_desktop_keys_not_built_are_in_the_registry_and_say_what_they_will_open():
    for action_id, key in NOT_BUILT.items():
        action = keymap.action_of(action_id)
        assert action.keys == key and not action.built
        assert action.priority
        assert action.listed.endswith("(not built yet)")
        assert any(deliverable(k) for k in action.default_keys.split(","))
    assert set(WILL_OPEN) == {a.id for a in keymap.ACTIONS if not a.built} == set(NOT_BUILT)


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


async def test_help_and_the_palette_list_them_as_not_built_yet(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        app.screen.query_one("#keymap-table").scroll_visible(animate=False)
        await pilot.pause()
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "Phone Calls (not built yet)" in shown
        await pilot.press("ctrl+k")
        await pilot.pause()
        await pilot.press(*"tasks")
        await pilot.pause(0.3)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "Tasks (not built yet)" in shown
