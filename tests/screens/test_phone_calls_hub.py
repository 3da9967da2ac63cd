"""The Phone Calls hub (F8): today's calls, the follow-ups due, a staff
member's, all, and a search; a call logged from the hub (the client chosen
first, the call-back task made with it); Enter opens the client; a
follow-up's task marked done; a fast burst of keys; it fits 80x24 and 120x40."""
import datetime as dt

import pytest
from textual.widgets import Input, Select, Static

from spectra_tui.data import phone_calls
from spectra_tui.data.clients import ClientQuery, search_clients
from spectra_tui.data.models import Client, PhoneCall, Task
from spectra_tui.data.phone_calls import CallQuery
from spectra_tui.screens.clients import ClientRecord, ClientSearchDialog
from spectra_tui.screens.phone_calls import PhoneCallDialog
from spectra_tui.screens.phone_calls_hub import PhoneCallsHub
from spectra_tui.screens.widgets import PagedTable

from .conftest import FIXED_DAY, FIXED_NOW
from .layout import assert_fits, screen_lines

SIZE = (120, 40)


def calls_table(app) -> PagedTable:
    return app.screen.query_one("#calls-list", PagedTable)


def listed(app) -> list[int]:
    return [call.id for call in calls_table(app).loaded_rows]


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_hub(app, pilot, show: str = "today") -> PhoneCallsHub:
    await pilot.press("f8")
    await pilot.pause()
    hub = app.screen
    assert isinstance(hub, PhoneCallsHub)
    if show != "today":
        hub.query_one("#calls-show", Select).value = show
        await pilot.pause()
    await pilot.pause()
    return hub


def a_client(number: int = 0) -> Client:
    return Client.select().where(Client.walk_in == False).order_by(Client.id).offset(number).first()  # noqa: E712


async def test_f8_shows_today_s_calls_and_each_view(app):
    client = a_client()
    yesterday = phone_calls.log_call(client, "Yesterday's question", at=FIXED_NOW - dt.timedelta(days=1))
    today = phone_calls.log_call(client, "Proofs ready?", at=FIXED_NOW.replace(hour=9), follow_up="11/25")
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot)
        ids = listed(app)
        assert today.id in ids and yesterday.id not in ids
        assert ids == [c.id for c in phone_calls.search_calls(CallQuery("today"), limit=500)]
        row = calls_table(app).get_row(str(today.id))
        assert str(row[5]) == "due 11/25/26" and "red" in str(row[5].style)  # a day late
        app.screen.query_one("#calls-show", Select).value = "follow_ups"
        await pilot.pause()
        await pilot.pause()
        assert today.id in listed(app)
        assert all(phone_calls.follow_up_of(c).due <= FIXED_DAY for c in calls_table(app).loaded_rows)
        app.screen.query_one("#calls-show", Select).value = "all"
        await pilot.pause()
        await pilot.pause()
        assert yesterday.id in listed(app) and today.id in listed(app)
        app.screen.query_one("#calls-staff", Select).value = "ava"
        await pilot.pause()
        await pilot.pause()
        assert today.id not in listed(app)  # Rita took it
        assert all(c.user_name == "ava" for c in calls_table(app).loaded_rows)


async def test_the_search_field_finds_by_client_subject_and_notes(app):
    client = a_client(3)
    call = phone_calls.log_call(client, "Zeppelin backdrop", notes="asks for the quokka props")
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot, show="all")
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.id == "calls-search"
        await pilot.press(*"quokka", "enter")
        await pilot.pause(0.4)
        await pilot.pause()
        assert listed(app) == [call.id]
        assert app.focused is calls_table(app)  # Enter in the field goes to the list
        assert "asks for the quokka props" in str(app.screen.query_one("#calls-details", Static).render())
        await pilot.press("slash", *"zeppelin", "enter")
        await pilot.pause(0.4)
        assert listed(app) == [call.id]
        await pilot.press("slash", *client.last_name.lower())
        await pilot.pause(0.4)
        await pilot.pause()
        assert call.id in listed(app)
        assert all(c.client.last_name == client.last_name for c in calls_table(app).loaded_rows)


async def test_a_call_is_logged_from_the_hub_with_its_call_back_task(app):
    before = PhoneCall.select().count()
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_hub(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ClientSearchDialog)  # the client first
        await pilot.press(*"mcd", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PhoneCallDialog)
        client = search_clients(ClientQuery(name="mcd"))[0]
        for text in ("Canvas sizes", "in", "", "wants 20x30", "fri"):
            await pilot.press(*text, "enter") if text else await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is hub
        assert PhoneCall.select().count() == before + 1
        call = PhoneCall.select().order_by(PhoneCall.id.desc()).get()
        assert (call.client_id, call.subject, call.notes, call.user_name) == (
            client.id, "Canvas sizes", "wants 20x30", "rita")
        task = Task.get(Task.phone_call == call.id)  # made in the same step, linked to the call
        assert task.due == dt.date(2026, 11, 27) and task.client_id == client.id
        assert calls_table(app).selected.id == call.id  # the call just logged is highlighted
        assert str(calls_table(app).get_row(str(call.id))[5]) == "due 11/27/26"
        assert any(f"Call logged with {client.full_name}" in s and "Call back 11/27/2026" in s for s in said(app))
        await pilot.press("l", "escape")  # no client chosen: nothing logged
        await pilot.pause()
        assert app.screen is hub and PhoneCall.select().count() == before + 1


async def test_enter_opens_the_client_on_the_phone_calls_tab(app):
    client = a_client(5)
    call = phone_calls.log_call(client, "Framing options")
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot)
        calls_table(app).move_to_key(call.id)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord) and app.screen.client.id == client.id


async def test_a_follow_up_s_task_is_marked_done_from_the_hub(app):
    client = a_client(7)
    call = phone_calls.log_call(client, "Reorder prints", at=FIXED_NOW - dt.timedelta(days=2), follow_up="11/25")
    plain = phone_calls.log_call(client, "Just thanks")
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot, show="follow_ups")
        assert call.id in listed(app)
        calls_table(app).move_to_key(call.id)
        await pilot.pause()
        assert "due 11/25/2026" in str(app.screen.query_one("#calls-details", Static).render())
        await pilot.press("d")
        await pilot.pause()
        await pilot.pause()
        task = Task.get(Task.phone_call == call.id)
        assert task.done_at is not None and task.done_by == "rita"
        assert call.id not in listed(app)  # no longer due
        assert any(s.startswith("Done: Call back") for s in said(app))
        app.screen.query_one("#calls-show", Select).value = "today"
        await pilot.pause()
        await pilot.pause()
        calls_table(app).move_to_key(plain.id)
        await pilot.press("d")
        assert "asked for no call-back" in said(app)[-1]


async def test_a_fast_burst_of_keys_lands_where_it_should(app):
    client = a_client(9)
    for hour in range(8, 10):
        phone_calls.log_call(client, f"call at {hour}", at=FIXED_NOW.replace(hour=hour))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8", "down", "up", "end", "home", "slash", *"call at", "enter", "down", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord)
        await pilot.press("escape", "f8", "l", "escape", "f2", "f8")
        await pilot.pause()
        assert isinstance(app.screen, PhoneCallsHub)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_hub_fits_the_terminal(app, size):
    phone_calls.log_call(a_client(), "A subject long enough to be cut at eighty columns", follow_up="today")
    async with app.run_test(size=size) as pilot:
        await open_hub(app, pilot)
        await pilot.pause()
        assert_fits(app.screen)
        text = "\n".join(screen_lines(app))
        for words in ("F8 Calls", "Today", "Client", "Call back",
                      "due 11/26/26", "Log call"):
            assert words in text, (size, words, text)
