"""The price-list manager's rules (data/catalog.py): lists, items and packages,
session types; a price change never alters an invoice; only a manager or the
owner changes the catalog; a stale copy is refused."""
import pytest

from staff import add_user  # tests/ is on sys.path
from spectra_tui.data import catalog, invoices, users
from spectra_tui.data.errors import PermissionDenied, ValidationError
from spectra_tui.data.models import Invoice, PriceItem, PriceList, SessionType
from spectra_tui.data.versions import ChangedElsewhere


@pytest.fixture
def standard(db):
    return catalog.create_price_list("Standard")


def test_a_price_change_never_alters_an_existing_invoice_line(studio):
    users.sign_in(studio.front)  # a manager here
    invoice = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    line = invoices.add_line(invoice, studio.item)
    assert (line.unit_price_cents, line.description) == (4500, "Print 8x10")
    catalog.update_price_item(studio.item, price_cents=5500, name="Print 8x10 (new paper)", taxable=False)
    stored = invoices.lines_of(Invoice.get_by_id(invoice.id))[0]
    assert (stored.unit_price_cents, stored.description, stored.taxable) == (4500, "Print 8x10", True)
    assert Invoice.get_by_id(invoice.id).total_cents == invoice.total_cents
    assert catalog.find_item("P8X10").price_cents == 5500  # the next sale is at the new price


def test_a_code_is_unique_within_its_list_only(standard):
    other = catalog.create_price_list("Schools")
    catalog.create_price_item("P8X10", "Print 8x10", 4500, price_list=standard)
    same_elsewhere = catalog.create_price_item("p8x10", "Print 8x10 (school)", 3000, price_list=other)
    assert same_elsewhere.price_list_id == other.id
    with pytest.raises(ValidationError, match="taken on the price list Standard"):
        catalog.create_price_item("P8X10", "Again", 1, price_list=standard)
    wallet = catalog.create_price_item("WAL", "Wallets", 1500, price_list=standard)
    with pytest.raises(ValidationError, match="taken") as refused:
        catalog.update_price_item(wallet, code="p8x10")
    assert refused.value.field == "code"


def test_hidden_items_are_not_offered_but_the_manager_still_sees_them(standard):
    shown = catalog.create_price_item("P5X7", "Print 5x7", 2500, price_list=standard)
    old = catalog.create_price_item("OLD", "Old frame", 9000, price_list=standard)
    catalog.update_price_item(old, hidden=True)
    assert [i.code for i in catalog.items_of(standard)] == ["P5X7"]
    assert [i.code for i in catalog.items_of(standard, include_hidden=True)] == ["OLD", "P5X7"]
    assert [i.code for i in catalog.search_items(standard)] == ["OLD", "P5X7"]
    assert [i.code for i in catalog.search_items(standard, "frame")] == ["OLD"]
    assert shown.hidden is False


def test_package_limits_through_update_price_item(standard):
    item = catalog.create_price_item("P8X10", "Print 8x10", 4500, price_list=standard)
    package = catalog.create_package("PKG", "Bronze", 29900, [(item, 3)], min_images=1, max_images=3)
    catalog.update_price_item(package, min_images=2, max_images=3, pose_fee_cents=1500)
    stored = PriceItem.get_by_id(package.id)
    assert (stored.min_images, stored.max_images, stored.pose_fee_cents) == (2, 3, 1500)
    with pytest.raises(ValidationError, match="at most 3 images") as refused:
        catalog.update_price_item(package, max_images=4)  # 3 pieces: one image each at most
    assert refused.value.field == "maximum"
    with pytest.raises(ValidationError, match="below the minimum"):
        catalog.update_price_item(package, min_images=3, max_images=2)
    with pytest.raises(ValidationError, match="no field min_images"):
        catalog.update_price_item(item, min_images=2)  # an item has no image limits


def test_set_package_contents_replaces_the_pieces_and_brings_the_maximum_down(standard):
    print_ = catalog.create_price_item("P8X10", "Print 8x10", 4500, price_list=standard)
    digital = catalog.create_price_item("DIG", "Digital file", 3500, taxable=False, price_list=standard)
    package = catalog.create_package("PKG", "Bronze", 29900, [(print_, 2), (digital, 2)], min_images=2)
    assert package.max_images == 4
    catalog.set_package_contents(package, catalog.parse_contents("dig x1, P8X10", standard))
    stored = PriceItem.get_by_id(package.id)
    assert catalog.contents_text(stored) == "DIG x1, P8X10 x1"
    assert (stored.min_images, stored.max_images) == (2, 2)
    other = catalog.create_price_list("Schools")
    elsewhere = catalog.create_price_item("SCH", "School print", 100, price_list=other)
    with pytest.raises(ValidationError, match="another price list"):
        catalog.set_package_contents(stored, [(elsewhere, 1)])
    with pytest.raises(ValidationError, match="no price-list item 'SCH' on the price list Standard"):
        catalog.parse_contents("SCH x1", standard)
    with pytest.raises(ValidationError, match="cannot contain another package"):
        catalog.parse_contents("PKG", standard)
    with pytest.raises(ValidationError, match="code and a quantity"):
        catalog.parse_contents("P8X10 two prints", standard)
    with pytest.raises(ValidationError, match="at least one item"):
        catalog.parse_contents(" , ", standard)


def test_update_session_type(standard):
    other = catalog.create_price_list("Schools")
    family = catalog.create_session_type("Family", 90, 15000, price_list=standard)
    catalog.update_session_type(family, length_minutes=60, fee_cents=9900, color="#AABBCC", price_list=other)
    stored = SessionType.get_by_id(family.id)
    assert (stored.length_minutes, stored.fee_cents, stored.color, stored.price_list_id) == (60, 9900, "#aabbcc",
                                                                                              other.id)
    with pytest.raises(ValidationError, match="#rrggbb"):
        catalog.update_session_type(family, color="red")
    with pytest.raises(ValidationError, match="5 minutes to 12 hours"):
        catalog.update_session_type(family, length_minutes=2)
    catalog.update_price_list(standard, active=False)
    with pytest.raises(ValidationError, match="out of use"):
        catalog.update_session_type(family, price_list=standard)


def test_a_list_a_session_type_sells_from_stays_in_use(standard):
    catalog.create_session_type("Family", 90, 15000, price_list=standard)
    with pytest.raises(ValidationError, match="The session types Family sell from Standard"):
        catalog.update_price_list(standard, active=False)
    assert PriceList.get_by_id(standard.id).active
    overview = {row.price_list.name: row for row in catalog.price_list_overview()}
    assert overview["Standard"].session_types == ["Family"] and overview["Standard"].items == 0


def test_the_overview_counts_items_and_shows_lists_out_of_use(standard):
    spare = catalog.create_price_list("Spare")
    catalog.create_price_item("A", "Item A", 100, price_list=standard)
    catalog.create_price_item("B", "Item B", 100, price_list=standard)
    catalog.update_price_list(spare, name="Old spare", active=False)
    overview = [(row.price_list.name, row.price_list.active, row.items) for row in catalog.price_list_overview()]
    assert overview == [("Old spare", False, 0), ("Standard", True, 2)]


def test_a_stale_copy_is_refused(standard):
    item = catalog.create_price_item("A", "Item A", 100, price_list=standard)
    stale = PriceItem.get_by_id(item.id)
    catalog.update_price_item(item, price_cents=200)
    with pytest.raises(ChangedElsewhere):
        catalog.update_price_item(stale, name="Item A2")
    assert PriceItem.get_by_id(item.id).name == "Item A"


@pytest.mark.parametrize("role", ["front_desk", "photographer"])
def test_front_desk_and_photographers_may_not_change_the_catalog(standard, role):
    item = catalog.create_price_item("A", "Item A", 100, price_list=standard)
    family = catalog.create_session_type("Family", 90, 15000, price_list=standard)
    users.sign_in(add_user(f"the-{role}".replace("_", "-"), "Someone", role))
    attempts = [
        lambda: catalog.create_price_list("Mine"),
        lambda: catalog.update_price_list(standard, name="Mine"),
        lambda: catalog.create_price_item("B", "Item B", 100, price_list=standard),
        lambda: catalog.update_price_item(item, price_cents=1),
        lambda: catalog.create_package("P", "Pack", 100, [(item, 1)]),
        lambda: catalog.create_session_type("Pets", 30, 100),
        lambda: catalog.update_session_type(family, fee_cents=1),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="Only a manager or the owner"):
            attempt()
    assert PriceItem.get_by_id(item.id).price_cents == 100 and PriceList.select().count() == 1


def test_a_new_session_type_needs_a_colour_written_as_rrggbb(standard):
    with pytest.raises(ValidationError, match="#rrggbb") as refused:
        catalog.create_session_type("Pets", 30, 100, "green")
    assert refused.value.field == "color" and not SessionType.select().exists()
    assert catalog.create_session_type("Pets", 30, 100, "#AFAF87").color == "#afaf87"


def test_typed_counts(db):
    assert catalog.typed_count(" 3 ", "minimum of images", "minimum") == 3
    assert catalog.typed_count("", "maximum of images", "maximum") is None
    assert catalog.typed_count("", "minimum of images", "minimum", blank=1) == 1
    for bad in ("two", "-1", "1.5", "٣", "0", "9" * 5000):
        with pytest.raises(ValidationError, match="whole number|digits 0-9|more than zero|too large") as refused:
            catalog.typed_count(bad, "minimum of images", "minimum")
        assert refused.value.field == "minimum"


def test_a_package_is_made_with_its_cost_and_quick_pick(standard):
    item = catalog.create_price_item("P8X10", "Print 8x10", 4500, price_list=standard)
    package = catalog.create_package("PKG", "Bronze", 29900, [(item, 2)], cost_cents=900, quick_pick=True)
    assert (package.cost_cents, package.quick_pick, package.is_package) == (900, True, True)
