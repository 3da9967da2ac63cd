"""A snapshot of Import Clients at 80x24: what was detected, the mapping,
the preview and the duplicates choice, nothing cut off."""
from spectra_tui.data.client_files import open_client_file
from spectra_tui.screens.clients.import_clients import ImportClientsScreen

from .layout import assert_fits
from .test_import_clients import SMALL_CSV


def test_import_clients_at_80x24(snap_compare, as_admin, app, tmp_path):
    path = tmp_path / "old-program.csv"
    path.write_bytes(SMALL_CSV.encode("cp1252"))

    async def run_before(pilot):
        pilot.app.push_screen(ImportClientsScreen(open_client_file(path)))
        await pilot.app.workers.wait_for_complete()  # the rows counted
        await pilot.pause()
        assert_fits(pilot.app.screen)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
