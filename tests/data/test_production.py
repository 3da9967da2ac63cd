"""Production (issue 14): orders made from an invoice, one per vendor; the
five statuses with their days; overdue; cancel; the session's stage follows;
an invoice with open orders is not voided; the hub's lists page from SQL."""
import datetime as dt

import pytest

from spectra_tui.data import audit, catalog, clock, invoices, ledger, production, sessions, settings
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import Invoice, ProductionOrder, Session
from spectra_tui.data.versions import ChangedElsewhere

P = ProductionOrder
TODAY = dt.date(2030, 3, 10)


@pytest.fixture
def lab(studio):
    """Two vendors, an item made by each, an item made in house; the studio's day frozen at TODAY."""
    frozen = clock.to_utc(dt.datetime.combine(TODAY, dt.time(11, 0)))
    clock.set_clock(lambda: frozen)
    settings.put("vendors", {"Miller's Lab": 7, "Frame Shop": 14})
    catalog.update_price_item(studio.item, vendor="miller's lab")  # the settings' spelling is kept
    studio.canvas = catalog.create_price_item("C2030", "Canvas 20x30", 39500, vendor="Frame Shop")
    studio.digital = catalog.create_price_item("DIG1", "Digital file", 3500)
    studio.session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                             dt.datetime(2030, 3, 4, 10, 0))
    return studio


def order_invoice(studio, *items, kind=Invoice.INITIAL_ORDER):
    invoice = invoices.create_invoice(kind, session=studio.session)
    for item in items:
        invoices.add_line(invoice, item, image_number=3)
    return invoice


def at_status(session_id):
    return Session.get_by_id(session_id).status


# ---------------------------------------------------------------- vendors (settings, items)

def test_vendors_are_names_with_a_lead_time_in_days(db):
    assert settings.vendors() == {}
    settings.put("vendors", {"  Miller's   Lab ": 7, "Frame Shop": 0})
    assert settings.vendors() == {"Miller's Lab": 7, "Frame Shop": 0}
    for bad, words in [
        (["Miller's Lab"], "lead time in days"),
        ({"": 3}, "needs a name"),
        ({"Lab": -1}, "from 0 to 365"),
        ({"Lab": 400}, "from 0 to 365"),
        ({"Lab": "7"}, "whole number"),
        ({"Lab": True}, "whole number"),
        ({"Lab": 1, "lab": 2}, "listed twice"),
    ]:
        with pytest.raises(ValidationError, match=words):
            settings.put("vendors", bad)
    assert settings.vendors() == {"Miller's Lab": 7, "Frame Shop": 0}


def test_an_item_names_one_of_the_studio_s_vendors_or_none(lab):
    assert lab.item.vendor == "Miller's Lab" and lab.digital.vendor == ""
    with pytest.raises(ValidationError, match="not one of the studio's vendors"):
        catalog.create_price_item("ALB", "Album", 65000, vendor="Unknown Lab")
    with pytest.raises(ValidationError, match="not one of the studio's vendors"):
        catalog.update_price_item(lab.digital, vendor="Unknown Lab")
    catalog.update_price_item(lab.item, vendor="")
    assert lab.item.vendor == ""
    assert "vendor" in catalog.ITEM_FIELDS


# ---------------------------------------------------------------- making orders

def test_one_order_per_vendor_with_its_lines_due_after_the_lead_time(lab):
    invoice = order_invoice(lab, lab.item, lab.canvas, lab.digital, lab.item)
    made = production.make_orders(invoice)
    assert [(o.vendor, o.status, o.ordered_on, o.due_on) for o in made] == [
        ("Frame Shop", P.ORDERED, TODAY, TODAY + dt.timedelta(days=14)),
        ("Miller's Lab", P.ORDERED, TODAY, TODAY + dt.timedelta(days=7)),
    ]
    assert [line.description for line in production.lines_of(made[1])] == ["Print 8x10", "Print 8x10"]
    assert [line.description for line in production.lines_of(made[0])] == ["Canvas 20x30"]
    assert [r.action for r in audit.history("production_order", made[0].id)] == ["production.create"]
    assert made[0].created_by == "rita"


def test_an_invoice_goes_to_production_once_per_vendor(lab):
    invoice = order_invoice(lab, lab.item)
    first = production.make_orders(invoice)
    with pytest.raises(ValidationError, match="already in production"):
        production.make_orders(invoice)
    invoices.add_line(invoice, lab.canvas, image_number=4)
    assert [o.vendor for o in production.make_orders(invoice)] == ["Frame Shop"]  # the vendor added since
    production.cancel(first[0], "Wrong paper")
    assert [o.vendor for o in production.make_orders(invoice)] == ["Miller's Lab"]  # made again after a cancel


def test_what_does_not_go_to_production(lab):
    with pytest.raises(ValidationError, match="no item made by a vendor"):
        production.make_orders(order_invoice(lab, lab.digital))
    estimate = order_invoice(lab, lab.item, kind=Invoice.ESTIMATE)
    with pytest.raises(ValidationError, match="only an invoice goes to production"):
        production.make_orders(estimate)
    memo = invoices.create_invoice(Invoice.CREDIT_MEMO, session=lab.session)
    invoices.add_line(memo, lab.item)
    with pytest.raises(ValidationError, match="only an invoice goes to production"):
        production.make_orders(memo)
    void = order_invoice(lab, lab.item)
    invoices.void_invoice(void, "mistake")
    with pytest.raises(ValidationError, match="is void"):
        production.make_orders(void)
    settings.put("vendors", {"Frame Shop": 14})  # Miller's Lab removed from the settings
    with pytest.raises(ValidationError, match="no longer one of the studio's vendors"):
        production.make_orders(order_invoice(lab, lab.item))
    assert P.select().count() == 0


# ---------------------------------------------------------------- statuses

def test_five_statuses_one_step_at_a_time_each_with_its_day(lab):
    (order,) = production.make_orders(order_invoice(lab, lab.item))
    days = [TODAY]
    for step, status in enumerate(P.STATUSES[1:], start=1):
        day = TODAY + dt.timedelta(days=step)
        frozen = clock.to_utc(dt.datetime.combine(day, dt.time(11, 0)))
        clock.set_clock(lambda: frozen)
        production.advance(order)
        days.append(day)
        assert order.status == status
    stored = P.get_by_id(order.id)
    assert [stored.date_of(status) for status in P.STATUSES] == days
    with pytest.raises(ValidationError, match="no next step"):
        production.advance(order)
    assert [r.action for r in audit.history("production_order", order.id)].count("production.status") == 4


def test_one_step_back_corrects_a_mistake_and_is_audited(lab):
    (order,) = production.make_orders(order_invoice(lab, lab.item))
    with pytest.raises(ValidationError, match="no step to go back to"):
        production.step_back(order)
    production.advance(order)
    production.advance(order)
    production.step_back(order)
    stored = P.get_by_id(order.id)
    assert stored.status == P.AT_LAB and stored.received_on is None and stored.at_lab_on == TODAY
    assert audit.history("production_order", order.id)[-1].action == "production.step_back"


def test_cancel_needs_a_reason_and_not_once_picked_up(lab):
    first, second = production.make_orders(order_invoice(lab, lab.item, lab.canvas))
    with pytest.raises(ValidationError, match="reason"):
        production.cancel(first, "  ")
    production.cancel(first, "Client changed her mind")
    stored = P.get_by_id(first.id)
    assert (stored.status, stored.cancelled_on, stored.cancel_reason) == (P.CANCELLED, TODAY, "Client changed her mind")
    with pytest.raises(ValidationError, match="already cancelled"):
        production.cancel(first, "again")
    with pytest.raises(ValidationError, match="no next step"):
        production.advance(first)
    for _ in range(4):
        production.advance(second)
    with pytest.raises(ValidationError, match="picked up"):
        production.cancel(second, "too late")


def test_the_due_day_changes_per_order_not_before_it_was_ordered(lab):
    (order,) = production.make_orders(order_invoice(lab, lab.item))
    production.set_due(order, "3/20/2030")
    assert P.get_by_id(order.id).due_on == dt.date(2030, 3, 20)
    with pytest.raises(ValidationError, match="before the order was made"):
        production.set_due(order, dt.date(2030, 3, 9))
    assert audit.history("production_order", order.id)[-1].action == "production.due"


def test_two_terminals_the_stale_due_day_is_refused(lab):
    (order,) = production.make_orders(order_invoice(lab, lab.item))
    other_terminal = P.get_by_id(order.id)
    production.advance(order)
    with pytest.raises(ChangedElsewhere):
        production.set_due(other_terminal, dt.date(2030, 4, 1))
    production.advance(other_terminal)  # a command reads the order as it is now: one more step
    assert P.get_by_id(order.id).status == P.RECEIVED


def test_overdue_past_the_due_day_until_ready(lab):
    (order,) = production.make_orders(order_invoice(lab, lab.item))
    due = order.due_on
    assert not production.is_overdue(order, due)
    assert production.is_overdue(order, due + dt.timedelta(days=1))
    production.advance(order)
    production.advance(order)
    assert production.is_overdue(order, due + dt.timedelta(days=1))  # received, not ready yet
    production.advance(order)
    assert not production.is_overdue(order, due + dt.timedelta(days=1))
    (other,) = production.make_orders(order_invoice(lab, lab.canvas))
    production.cancel(other, "lost")
    assert not production.is_overdue(other, other.due_on + dt.timedelta(days=5))


# ---------------------------------------------------------------- the session's stage

def test_the_session_follows_its_production_forward(lab):
    session_id = lab.session.id
    sessions.set_status(lab.session, "Order Pending")
    first, second = production.make_orders(order_invoice(lab, lab.item, lab.canvas))
    assert at_status(session_id) == "In Production"
    for _ in range(3):
        production.advance(first)
    assert at_status(session_id) == "In Production"  # the other order is not ready
    for _ in range(3):
        production.advance(second)
    assert at_status(session_id) == "Ready for Pickup"
    production.advance(first)
    assert at_status(session_id) == "Ready for Pickup"
    production.advance(second)
    assert at_status(session_id) == "Picked Up"
    notes = [h.note for h in sessions.history(lab.session)]
    assert notes[-3:] == ["Production"] * 3


def test_the_session_never_moves_back_and_skips_a_removed_status(lab):
    session_id = lab.session.id
    sessions.set_status(lab.session, "Complete")  # set by hand
    (order,) = production.make_orders(order_invoice(lab, lab.item))
    assert at_status(session_id) == "Complete"
    settings.put("session_statuses", ["Session Pending", "Order Pending", "In Production", "Complete"])
    sessions.set_status(lab.session, "Order Pending")
    production.advance(order)
    assert at_status(session_id) == "In Production"  # the order is still open
    production.advance(order)
    production.advance(order)  # ready: Ready for Pickup is not on this studio's list: no move, no error
    assert at_status(session_id) == "In Production"
    production.advance(order)
    assert at_status(session_id) == "In Production"


def test_a_cancelled_order_does_not_hold_the_session_back(lab):
    first, second = production.make_orders(order_invoice(lab, lab.item, lab.canvas))
    for _ in range(3):
        production.advance(first)
    production.cancel(second, "Out of stock")
    assert at_status(lab.session.id) == "Ready for Pickup"


def test_the_default_statuses_have_the_production_steps(db):
    statuses = settings.session_statuses()
    assert statuses.index("In Production") < statuses.index("Ready for Pickup") < statuses.index("Picked Up")
    assert statuses.index("Picked Up") < statuses.index("Complete")


# ---------------------------------------------------------------- voids

def test_an_invoice_with_open_orders_is_not_voided_until_they_are_cancelled(lab):
    invoice = order_invoice(lab, lab.item, lab.canvas)
    frame, prints = production.make_orders(invoice)
    with pytest.raises(ValidationError, match="open production orders") as info:
        invoices.void_invoice(invoice, "mistake")
    assert f"#{frame.id} Frame Shop (Ordered)" in str(info.value)
    assert f"#{prints.id} Miller's Lab (Ordered)" in str(info.value)
    production.cancel(frame, "mistake")
    production.cancel(prints, "mistake")
    assert invoices.void_invoice(invoice, "mistake").status == Invoice.VOID


def test_picked_up_orders_do_not_block_a_void(lab):
    invoice = order_invoice(lab, lab.item)
    (order,) = production.make_orders(invoice)
    for _ in range(4):
        production.advance(order)
    assert ledger.paid_into([invoice.id])[invoice.id] == 0
    assert invoices.void_invoice(invoice, "returned").status == Invoice.VOID


# ---------------------------------------------------------------- lists

def test_lists_by_status_overdue_and_vendor_paged_soonest_due_first(lab):
    orders = []
    for _ in range(7):
        orders += production.make_orders(order_invoice(lab, lab.item, lab.canvas))
    for order in orders[:4]:
        production.set_due(order, TODAY)
    tomorrow = clock.to_utc(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(9, 0)))
    clock.set_clock(lambda: tomorrow)  # the first four are due yesterday now: overdue
    production.advance(orders[0])
    for _ in range(3):
        production.advance(orders[1])  # ready: not overdue
    production.cancel(orders[2], "lost")

    def every(query):
        found, after = [], None
        while page := production.search_orders(query, limit=3, after=after):
            found += page
            after = page[-1]
        return [o.id for o in found]

    assert every(production.ProductionQuery("overdue")) == sorted(o.id for o in (orders[0], orders[3]))
    open_ids = every(production.ProductionQuery("open"))
    assert len(open_ids) == 13 and orders[2].id not in open_ids
    assert production.count_orders(production.ProductionQuery("open")) == 13
    assert every(production.ProductionQuery("all")) == sorted(
        (o.id for o in orders), key=lambda i: (P.get_by_id(i).due_on, i))
    assert every(production.ProductionQuery(P.CANCELLED)) == [orders[2].id]
    assert [o.id for o in production.ready_for_pickup()] == [orders[1].id]
    frame = every(production.ProductionQuery("open", vendor="Frame Shop"))
    assert all(P.get_by_id(i).vendor == "Frame Shop" for i in frame) and len(frame) == 6
    with pytest.raises(ValidationError, match="Show one of"):
        production.search_orders(production.ProductionQuery("Lost"))
    row = production.ready_for_pickup()[0]
    assert row.invoice.client.full_name == lab.client.full_name  # joined: no query per row


def test_the_lists_use_an_index(lab):
    production.make_orders(order_invoice(lab, lab.item))
    if "Sqlite" not in type(lab.db).__name__:
        pytest.skip("SQLite's query plan")
    select = production._where(production._joined(), production.ProductionQuery(P.READY), TODAY)
    sql, params = select.order_by(P.due_on, P.id).sql()
    plan = " ".join(str(row) for row in lab.db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "status_due_on_id (status=?)" in plan, plan


# ---------------------------------------------------------------- migration 0013

def test_a_selling_studio_upgraded_to_0013_has_its_items_made_in_house(db_target):
    """Items already sold get no vendor (made in house) and nothing is in production."""
    from peewee import Table
    from playhouse.migrations import Runner

    from spectra_tui.data import db as dbmod
    from spectra_tui.data.models import PriceItem, database

    old = dbmod.make_database(db_target, create=True)
    database.initialize(old)
    old.connect()
    try:
        Runner(old, directory=str(dbmod.MIGRATIONS_DIR)).up(target="0011_price_lists")
        lists = Table("price_list").bind(old)
        lists.insert(name="Standard", version=1, active=True).execute()
        list_id = lists.select(lists.c.id).scalar()
        Table("price_item").bind(old).insert(
            code="P8X10", name="Print 8x10", price_cents=4500, taxable=True, is_package=False, price_list_id=list_id
        ).execute()
    finally:
        old.close()
    dbmod.open_database(db_target)  # the program opens it: 0013 runs
    try:
        assert [(i.code, i.vendor) for i in PriceItem.select()] == [("P8X10", "")]
        assert P.select().count() == 0
        assert "0013_production_orders" in Runner(database.obj, directory=str(dbmod.MIGRATIONS_DIR)).applied()
    finally:
        dbmod.close_database()
