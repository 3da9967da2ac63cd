"""Page loads run in worker threads: typing goes on while an older search is
slow, and only the newest search's rows and count are shown."""
import asyncio
import threading

import pytest
from textual.widgets import Input

from spectra_tui.data import clients as client_data
from spectra_tui.data.clients import ClientQuery, count_clients, search_clients
from spectra_tui.screens.widgets import PAGE_SIZE, PagedTable

from .pages import page_loads_done, typed_keys_done


@pytest.mark.pages_unawaited
async def test_a_newer_search_wins_over_a_slow_older_one(app, monkeypatch):
    slow_started, release, slow_done = threading.Event(), threading.Event(), threading.Event()

    def search(query, limit=50, after=None):
        if query.name != "m":
            return search_clients(query, limit, after)
        slow_started.set()  # "m" is slow: a database across a network
        try:
            release.wait(10)
            return search_clients(query, limit, after)
        finally:
            slow_done.set()

    monkeypatch.setattr(client_data, "search_clients", search)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await page_loads_done(app)
        await pilot.press("m")
        assert await asyncio.to_thread(slow_started.wait, 10)
        await pilot.press("c")  # typed while the "m" search is still running
        assert app.screen.query_one("#q-name", Input).value == "mc"
        await page_loads_done(app)
        await pilot.pause()
        expected = [c.id for c in search_clients(ClientQuery(name="mc"), PAGE_SIZE)]
        table = app.screen.query_one("#client-results", PagedTable)
        assert expected and [c.id for c in table.loaded_rows] == expected

        release.set()  # the "m" rows arrive late: they must not replace the "mc" rows
        assert await asyncio.to_thread(slow_done.wait, 10)
        await asyncio.sleep(0.1)
        await pilot.pause()
        assert [c.id for c in table.loaded_rows] == expected
        found = count_clients(ClientQuery(name="mc"))
        assert f"{found} client" in str(app.screen.query_one("#search-count").render())


@pytest.mark.pages_unawaited
async def test_enter_typed_before_the_results_arrive_opens_the_newest_first_result(app, monkeypatch):
    from spectra_tui.screens.clients import ClientRecord

    slow_started, release = threading.Event(), threading.Event()

    def search(query, limit=50, after=None):
        if query.name == "mc":
            slow_started.set()
            release.wait(10)
        return search_clients(query, limit, after)

    monkeypatch.setattr(client_data, "search_clients", search)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await page_loads_done(app)
        await pilot.press("m", "c")
        assert await asyncio.to_thread(slow_started.wait, 10)
        await pilot.press("enter", "enter")  # "mc", Enter, Enter typed fast: open the first "mc" client
        assert not isinstance(app.screen, ClientRecord)
        release.set()
        await page_loads_done(app)
        await typed_keys_done(app)  # the two Enters waited for the rows: now they are handled
        await page_loads_done(app)
        await pilot.pause()
        first = search_clients(ClientQuery(name="mc"), 1)[0]
        assert isinstance(app.screen, ClientRecord) and app.screen.client.id == first.id
