"""Waiting for the tables' page loads, which run in thread workers
(PagedTable, group PAGE_LOADS): the screen tests read a table only after its
rows have arrived. conftest makes Pilot's press and pause wait for them, and
for keys posted as a burst to be done with (screens/typeahead.py)."""
import asyncio

from textual.worker import WorkerError

from spectra_tui.screens.widgets import PAGE_LOADS


async def page_loads_done(app) -> bool:
    """Return once no page load is running (a page shown may ask for the next);
    True when there was one to wait for."""
    waited = False
    while pending := [worker for worker in app.workers if worker.group == PAGE_LOADS and not worker.is_finished]:
        waited = True
        for worker in pending:
            try:
                await worker.wait()
            except WorkerError:  # cancelled by a newer load, or failed (the app reports that itself)
                pass
    return waited


async def typed_keys_done(app) -> None:
    """Return once every key posted to the app has been handled, in turn."""
    received = asyncio.Event()
    if app.call_later(received.set):  # behind the keys still in the app's queue
        await asyncio.wait_for(received.wait(), 10)
    deadline = asyncio.get_running_loop().time() + 10
    while app.typed_keys.pending and app.is_running:
        assert asyncio.get_running_loop().time() < deadline, "keys typed ahead were never handled"
        await asyncio.sleep(0.005)
