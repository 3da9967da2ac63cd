"""Production (F12): an order walked through its five statuses with the keys
(each day shown), the overdue rule with the studio's clock fixed, orders
made from the invoice record's key, Home's ready-for-pickup list."""
import datetime as dt

import pytest
from textual.widgets import Input, Select, Static

from spectra_tui.data import invoices, production
from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.data.models import Invoice, PriceItem, ProductionOrder, Session
from spectra_tui.screens.dialogs import ReasonDialog
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.invoices import InvoiceRecord
from spectra_tui.screens.production import ProductionHub
from spectra_tui.screens.widgets import PagedTable

from .conftest import FIXED_DAY, FIXED_NOW
from .layout import assert_fits, screen_lines

P = ProductionOrder
SIZE = (120, 40)


def on_day(day: dt.date) -> None:
    """The studio's clock stopped on ``day`` (FIXED_NOW's time)."""
    frozen = to_utc(dt.datetime.combine(day, FIXED_NOW.time()))
    set_clock(lambda: frozen)


def new_order_invoice(*codes: str) -> Invoice:
    """A new Initial Order of a demo session with the items of ``codes``."""
    session = Session.select().where(Session.status == "Order Pending").order_by(Session.number).first()
    invoice = invoices.create_invoice(Invoice.INITIAL_ORDER, session=session)
    for code in codes:
        invoices.add_line(invoice, PriceItem.get(PriceItem.code == code), image_number=2)
    return invoice


def orders_table(app) -> PagedTable:
    return app.screen.query_one("#prod-orders", PagedTable)


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_hub(app, pilot, show: str = "open") -> ProductionHub:
    await pilot.press("f12")
    hub = app.screen
    assert isinstance(hub, ProductionHub)
    if show != "open":
        hub.query_one("#prod-show", Select).value = show
        await pilot.pause()
    hub.query_one("#prod-orders", PagedTable).focus()
    return hub


async def test_f12_walks_an_order_through_its_five_statuses_with_the_keys(app):
    (order,) = production.make_orders(new_order_invoice("P8X10"))
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot, show="all")
        table = orders_table(app)
        table.move_to_key(order.id)
        await pilot.pause()
        assert f"Ordered {FIXED_DAY:%m/%d/%y}" in shown(app, "#prod-dates")
        for step, status in enumerate(P.STATUSES[1:], start=1):
            day = FIXED_DAY + dt.timedelta(days=step)
            on_day(day)
            await pilot.press("n")
            assert table.selected.id == order.id and table.selected.status == status
            assert f"{status} {day:%m/%d/%y}" in shown(app, "#prod-dates")
            assert str(table.get_row(str(order.id))[1]).startswith(status)
        stored = P.get_by_id(order.id)
        assert [stored.date_of(s) for s in P.STATUSES] == [FIXED_DAY + dt.timedelta(days=n) for n in range(5)]
        await pilot.press("n")  # no step after Picked Up: said, nothing changes
        assert any("no next step" in str(n.message) for n in app._notifications)
        await pilot.press("b")  # back one step: a mistake corrected
        assert P.get_by_id(order.id).status == P.READY
        assert "Picked Up —" in shown(app, "#prod-dates")


async def test_overdue_orders_are_highlighted_and_listed_until_ready(app):
    on_day(FIXED_DAY - dt.timedelta(days=20))
    (late,) = production.make_orders(new_order_invoice("P8X10"))  # due 7 days later: 13 days ago
    on_day(FIXED_DAY)
    (on_time,) = production.make_orders(new_order_invoice("C2030"))
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot, show="overdue")
        table = orders_table(app)
        ids = [o.id for o in table.loaded_rows]
        assert late.id in ids and on_time.id not in ids
        status, due = table.get_row(str(late.id))[1], table.get_row(str(late.id))[6]
        assert str(status) == "Ordered · late" and "red" in str(status.style) and "red" in str(due.style)
        table.move_to_key(late.id)
        await pilot.pause()
        assert "(13 days late)" in shown(app, "#prod-dates")
        await pilot.press("n", "n", "n")  # ready for pickup: no longer overdue
        assert late.id not in [o.id for o in table.loaded_rows]
        app.screen.query_one("#prod-show", Select).value = "open"
        await pilot.pause()
        assert str(table.get_row(str(on_time.id))[1]) == "Ordered"


async def test_cancel_with_a_reason_and_change_the_due_day(app):
    (order,) = production.make_orders(new_order_invoice("P8X10"))
    async with app.run_test(size=SIZE) as pilot:
        await open_hub(app, pilot)
        orders_table(app).move_to_key(order.id)
        await pilot.press("d")
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one("#reason", Input).value = "12/20/2026"
        await pilot.press("enter")
        assert P.get_by_id(order.id).due_on == dt.date(2026, 12, 20)
        await pilot.press("x")
        await pilot.press("enter")  # no reason: refused in the dialog
        assert isinstance(app.screen, ReasonDialog) and "reason" in shown(app, "#reason-error")
        await pilot.press(*"lost")
        await pilot.press("enter")
        assert P.get_by_id(order.id).status == P.CANCELLED
        assert order.id not in [o.id for o in orders_table(app).loaded_rows]  # the open list


async def test_the_invoice_record_sends_the_invoice_to_production(app):
    invoice = new_order_invoice("P8X10", "C2030", "DIG1")
    in_house = new_order_invoice("DIG1")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        await pilot.press("s")
        made = production.orders_of_invoice(invoice)
        assert sorted(o.vendor for o in made) == ["Canvas Works", "Miller's Lab"]
        said = [str(n.message) for n in app._notifications][-1]
        assert said.startswith(f"2 production orders for invoice {invoice.display_number}: Canvas Works (due 12/10/2026)")
        assert "Miller's Lab (due 12/03/2026)" in said
        assert Session.get_by_id(invoice.session_id).status == "In Production"
        await pilot.press("s")  # again: already in production
        assert "already in production" in [str(n.message) for n in app._notifications][-1]
        app.push_screen(InvoiceRecord(in_house))
        await pilot.pause()
        await pilot.press("s")
        assert "no item made by a vendor" in [str(n.message) for n in app._notifications][-1]
        assert production.orders_of_invoice(in_house) == []


async def test_home_lists_the_orders_ready_for_pickup(app):
    invoice = new_order_invoice("P8X10")
    (order,) = production.make_orders(invoice)
    for _ in range(3):
        production.advance(order)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)
        pickup = app.screen.query_one("#pickup", PagedTable)
        assert order.id in [o.id for o in pickup.loaded_rows]
        assert all(o.status == P.READY for o in pickup.loaded_rows)
        pickup.focus()
        pickup.move_to_key(order.id)
        await pilot.press("enter")
        assert isinstance(app.screen, InvoiceRecord) and app.screen.invoice.id == invoice.id


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_hub_fits_the_terminal(app, size):
    production.make_orders(new_order_invoice("P8X10", "C2030"))
    async with app.run_test(size=size) as pilot:
        await open_hub(app, pilot)
        assert_fits(app.screen)
        text = "\n".join(screen_lines(app))
        for words in ("F12 Prod", "Ordered", "Miller's Lab" if size[0] > 100 else "Due", "Next status"):
            assert words in text, (size, words)


async def test_an_invoice_in_production_is_not_voided_until_its_orders_are_cancelled(app, as_admin):
    invoice = new_order_invoice("P8X10")
    (order,) = production.make_orders(invoice)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InvoiceRecord(invoice))
        await pilot.pause()
        await pilot.press("X")
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press(*"mistake")
        await pilot.press("enter")
        assert isinstance(app.screen, ReasonDialog)  # refused, what was typed kept
        said = shown(app, "#reason-error")
        assert "open production orders" in said and f"#{order.id} Miller's Lab (Ordered)" in said
        assert Invoice.get_by_id(invoice.id).status == Invoice.OPEN
        production.cancel(order, "Client cancelled")
        await pilot.press("enter")
        assert Invoice.get_by_id(invoice.id).status == Invoice.VOID
