"""Order Info's rules (data/orders.py): packages and their image limits and
pieces, the pose fee, one line per item and image, the Re-Order rule, tax on
taxable and non-taxable lines, and what recording refuses."""
import datetime as dt

import pytest

from spectra_tui.data import catalog, invoices, orders, sessions, settings
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import AuditLog, Invoice, InvoiceLine, PriceItem, SessionImage, database


@pytest.fixture
def shop(studio):
    settings.put("tax_rate", "0.10")
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                      dt.datetime(2030, 3, 4, 10, 0))
    for number in range(1, 7):
        SessionImage.create(session=session, number=number, stored_name=f"{number:04d}.jpg", sha256=f"sha{number}")
    digital = catalog.create_price_item("DIG", "Digital file", 3500, taxable=False)
    p5x7 = catalog.create_price_item("P5X7", "Print 5x7", 2500)
    package = catalog.create_package("PKGB", "Bronze", 29900, [(studio.item, 1), (p5x7, 2)],
                                     min_images=1, max_images=2, pose_fee_cents=1500)
    studio.session, studio.digital, studio.p5x7, studio.package = session, digital, p5x7, package
    return studio


class count_queries:
    """How many statements reach the database inside the block."""

    def __enter__(self):
        self.count, db = 0, database.obj
        self._original = db.execute_sql

        def counting(*args, **kwargs):
            self.count += 1
            return self._original(*args, **kwargs)

        db.execute_sql = counting
        return self

    def __exit__(self, *exc):
        del database.obj.execute_sql  # back to the class's method


def lines_of(invoice):
    return [(line.description, line.quantity, line.unit_price_cents, line.image_number)
            for line in InvoiceLine.select().where(InvoiceLine.invoice == invoice).order_by(InvoiceLine.position)]


def test_an_item_for_an_image_is_one_line_whose_quantity_grows(shop):
    order = orders.start_order(shop.session)
    order.add_item(shop.item, 3)
    order.add_item(shop.item, 3, 2)
    order.add_item(shop.item, 5)
    order.add_item(shop.digital, None)
    assert [(e.item.code, e.image_number, e.quantity) for e in order.entries] == [
        ("P8X10", 3, 3), ("P8X10", 5, 1), ("DIG", None, 1)]
    invoice = orders.record_order(order)
    assert invoice.kind == Invoice.INITIAL_ORDER and invoice.session_id == shop.session.id
    assert lines_of(invoice) == [("Print 8x10", 3, 4500, 3), ("Print 8x10", 1, 4500, 5), ("Digital file", 1, 3500, None)]


def test_tax_applies_to_the_taxable_lines_only(shop):
    order = orders.start_order(shop.session)
    order.add_item(shop.item, 1, 2)      # 90.00 taxable
    order.add_item(shop.digital, None)    # 35.00 not taxable
    assert order.totals() == (12500, 900, 13400)
    invoice = orders.record_order(order)
    assert (invoice.subtotal_cents, invoice.tax_cents, invoice.total_cents) == (12500, 900, 13400)


def test_a_package_s_pieces_and_pose_fee(shop):
    order = orders.start_order(shop.session)
    entry = order.add_package(shop.package, 2)
    assert [(p.item.code, p.image_number) for p in entry.pieces] == [("P8X10", 2), ("P5X7", 2), ("P5X7", 2)]
    order.set_piece_image(entry, 2, 4)  # the second 5x7 from image 4: one image past the minimum
    assert entry.images() == [2, 4] and entry.extra_images() == [4] and entry.pose_fees_cents() == 1500
    assert order.totals() == (31400, 3140, 34540)
    invoice = orders.record_order(order)
    assert lines_of(invoice) == [
        ("Bronze", 1, 29900, None),
        ("Print 8x10 (in Bronze)", 1, 0, 2),
        ("Print 5x7 (in Bronze)", 1, 0, 2),
        ("Print 5x7 (in Bronze)", 1, 0, 4),
        ("Additional pose (Bronze)", 1, 1500, 4),
    ]
    assert invoice.total_cents == 34540


def test_a_package_for_one_image_carries_it_on_its_line(shop):
    order = orders.start_order(shop.session)
    order.add_package(shop.package, 6)
    invoice = orders.record_order(order)
    assert lines_of(invoice)[:2] == [("Bronze", 1, 29900, 6), ("Print 8x10 (in Bronze)", 1, 0, 6)]
    assert lines_of(invoice)[2] == ("Print 5x7 (in Bronze)", 2, 0, 6)


@pytest.mark.parametrize("images, message", [
    ([None, None, None], "Bronze needs at least 1 image (0 chosen)."),
    ([1, 2, 3], "Bronze takes at most 2 images (3 chosen)."),
])
def test_a_package_outside_its_image_limits_is_not_recorded(shop, images, message):
    order = orders.start_order(shop.session)
    entry = order.add_package(shop.package, None)
    for index, number in enumerate(images):
        order.set_piece_image(entry, index, number)
    assert order.problems() == [message]
    before = Invoice.select().count()
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        orders.record_order(order)
    assert Invoice.select().count() == before


def test_what_the_order_refuses(shop):
    order = orders.start_order(shop.session)
    with pytest.raises(ValidationError, match="empty"):
        orders.record_order(order)
    with pytest.raises(ValidationError, match="has no image 9"):
        order.add_item(shop.item, 9)
    with pytest.raises(ValidationError, match="is a package"):
        order.add_item(shop.package, 1)
    with pytest.raises(ValidationError, match="is an item"):
        order.add_package(shop.item, 1)
    with pytest.raises(ValidationError, match="quantity"):
        order.add_item(shop.item, 1, 0)
    other = catalog.create_price_list("Seniors")
    elsewhere = catalog.create_price_item("P8X10", "Senior 8x10", 5000, price_list=other)  # same code, other list
    with pytest.raises(ValidationError, match="not on the price list Standard"):
        order.add_item(elsewhere, 1)
    catalog.update_price_item(shop.p5x7, hidden=True)
    with pytest.raises(ValidationError, match="hidden"):
        order.add_item(shop.p5x7, 1)
    assert order.entries == []


def test_the_images_are_read_once_and_again_for_an_image_brought_in_since(shop):
    order = orders.start_order(shop.session)
    with count_queries() as once:
        order.add_item(shop.item, 1)
        order.totals()
    with count_queries() as again:
        order.add_item(shop.item, 2)
        order.totals()
        order.totals()
    assert once.count >= 1 and again.count == 0
    with pytest.raises(ValidationError, match="has no image 7"):
        order.add_item(shop.item, 7)
    SessionImage.create(session=shop.session, number=7, stored_name="0007.jpg", sha256="sha7")  # captured meanwhile
    assert order.add_item(shop.item, 7).image_number == 7


def test_the_order_sells_from_the_session_type_s_list(shop):
    seniors = catalog.create_price_list("Seniors")
    catalog.create_price_item("S8X10", "Senior 8x10", 5000, price_list=seniors)
    catalog.update_session_type(shop.session_type, price_list=seniors)
    shop.session.session_type = catalog.SessionType.get_by_id(shop.session_type.id)
    assert orders.start_order(shop.session).price_list.name == "Seniors"


def test_the_re_order_rule(shop):
    first = orders.start_order(shop.session)
    assert first.kind == Invoice.INITIAL_ORDER
    first.add_item(shop.item, 1)
    initial = orders.record_order(first)
    again = orders.start_order(shop.session)
    assert again.kind == Invoice.RE_ORDER
    again.add_item(shop.p5x7, 2)
    assert orders.record_order(again).kind == Invoice.RE_ORDER
    invoices.void_invoice(initial, "wrong client")  # a void Initial Order does not count
    assert orders.start_order(shop.session).kind == Invoice.INITIAL_ORDER


def test_a_price_changed_elsewhere_is_shown_before_it_is_recorded(shop):
    order = orders.start_order(shop.session)
    order.add_item(shop.item, 1)
    catalog.update_price_item(PriceItem.get_by_id(shop.item.id), price_cents=5000)  # another terminal
    with pytest.raises(ValidationError, match=r"price of Print 8x10 changed.*\$55\.00"):
        orders.record_order(order)
    assert Invoice.select().count() == 0
    invoice = orders.record_order(order)  # recorded again: accepted at the new price
    assert lines_of(invoice) == [("Print 8x10", 1, 5000, 1)]


def test_a_price_change_never_alters_a_recorded_order(shop):
    order = orders.start_order(shop.session)
    order.add_package(shop.package, 1)
    invoice = orders.record_order(order)
    catalog.update_price_item(PriceItem.get_by_id(shop.package.id), price_cents=39900, pose_fee_cents=2500)
    assert lines_of(invoice)[0] == ("Bronze", 1, 29900, 1)
    assert Invoice.get_by_id(invoice.id).total_cents == 32890
    entry = AuditLog.select().where(AuditLog.action == "invoice.order").get()
    assert entry.entity_id == invoice.id


def test_a_studio_without_a_price_list_is_told_how_to_get_one(db):
    from spectra_tui.data import accounts, clients

    family = catalog.create_session_type("Family", 60, 0)
    ava = accounts.create_user("ava", "Ava Reyes", "photographer")
    ann = clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})
    session = sessions.create_session(ann, ava, family, dt.datetime(2030, 3, 4, 10, 0))
    with pytest.raises(ValidationError, match="no price list yet: a manager sets one up"):
        orders.start_order(session)
