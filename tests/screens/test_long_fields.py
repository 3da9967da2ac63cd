"""A long client field shows its start once you leave it (Textual's Input
kept its scroll at the end: "...North Hills Park, Apt 9"), in the New
Client form and the client record; back in it, typing goes on at the end."""
import pytest
from textual.widgets import Input

from spectra_tui.data.models import Client
from spectra_tui.screens.clients import ClientForm, ClientRecord

LONG = "12345 Old Settlers Boulevard North Hills Park, Apt 9"


def shown(box: Input) -> str:
    """The field's text as drawn on the screen."""
    return box.render_line(0).text.strip()


async def leave_a_long_address(pilot, screen) -> Input:
    box = screen.query_one("#f-address1", Input)
    box.focus()
    await pilot.pause()
    await pilot.press(*LONG)
    await pilot.pause()
    assert box.scroll_offset.x > 0 and not LONG.startswith(shown(box))  # typing: the end is in sight
    await pilot.press("tab")
    await pilot.pause()
    assert pilot.app.focused is not box
    return box


@pytest.mark.parametrize("size", [(80, 24), (60, 24)], ids=["80x24", "60x24"])
async def test_the_new_client_form_shows_the_start_of_a_field_left(app, size):
    async with app.run_test(size=size) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)
        box = await leave_a_long_address(pilot, app.screen)
        assert box.scroll_offset.x == 0 and LONG.startswith(shown(box)) and shown(box).startswith("12345 Old")
        await pilot.press("shift+tab", *" B")  # back in the field: typing goes on at the end
        await pilot.pause()
        assert box.value == LONG + " B"


async def test_the_client_record_shows_the_start_of_a_field_left(app):
    client = Client.select().order_by(Client.id).first()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        box = app.screen.query_one("#f-address1", Input)
        box.value = ""
        box = await leave_a_long_address(pilot, app.screen)
        assert box.scroll_offset.x == 0 and shown(box).startswith("12345 Old")
        await pilot.press("ctrl+w")  # saved: the record reloads its fields, still from their start
        await pilot.pause()
    assert Client.get_by_id(client.id).address1 == LONG
