"""The client record's header at every size: the name and the contact never
touch ("Noah Harris  #52(512) 316-5109" at 60 columns), the money line never
loses an amount off its end (it breaks between its parts), and the New
group's keys stand apart from their names."""
import re

import pytest

from spectra_tui.data import invoices as invoice_data
from spectra_tui.data import ledger
from spectra_tui.data.money import format_money
from spectra_tui.screens.clients import ClientRecord

from .layout import screen_lines


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (60, 24)], ids=["120x40", "80x24", "60x24"])
async def test_the_header_labels_stand_apart(app, size):
    client = invoice_data.open_balances(limit=1)[0].invoice.client  # owes the most: the longest money line
    money = ledger.client_money(client.id)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        lines = screen_lines(app)
    head = lines[1]
    assert re.search(rf"{re.escape(client.full_name)}  #{client.id} {{2,}}\(", head), head
    text = "\n".join(lines[2:6])
    owed = f"Owes {format_money(money.owed)}"
    assert f"{owed}  ·  Credit {format_money(money.credit_balances)}" in text, text
    assert f"Unapplied deposits {format_money(money.deposits_left)}" in text, text
    assert "Alt+A Appointment  Alt+S Session" in text
