"""Waiting for the tables' page loads, which run in thread workers
(PagedTable, group PAGE_LOADS): the screen tests read a table only after its
rows have arrived. conftest makes Pilot's press and pause wait for them."""
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
