"""Snapshots of the client screens at 120x40 and 80x24 (demo seed 1, fixed day).

At 80x24 every screen must show its content whole: nothing cut off."""
import pytest

from spectra_tui.screens.clients import ClientRecord

from .test_clients_record import busy_client

SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])


@SIZES
def test_clients_hub(snap_compare, app, size):
    assert snap_compare(app, press=["f5", *"an"], terminal_size=size)


@SIZES
def test_client_search_dialog(snap_compare, app, size):
    assert snap_compare(app, press=["ctrl+l", *"an"], terminal_size=size)


@SIZES
def test_new_client_form(snap_compare, app, size):
    # smith is capitalised on leaving; a bad phone shows its message at the field.
    assert snap_compare(app, press=["ctrl+n", *"jo", "tab", "tab", *"smith", "tab", "tab", *"12345", "tab"],
                        terminal_size=size)


@SIZES
@pytest.mark.parametrize("tab", ClientRecord.TABS)
def test_client_record(snap_compare, app, demo_db, size, tab):
    client = busy_client()

    async def open_record(pilot):
        await pilot.app.push_screen(ClientRecord(client, tab=tab))

    assert snap_compare(app, run_before=open_record, terminal_size=size)
