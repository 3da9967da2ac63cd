"""The smaller rules: staff users, the catalog (session types, price list,
packages, rooms), studio settings and the gap-free counters."""
import pytest
from staff import add_user  # tests/ is on sys.path

from spectra_tui.data import accounts, catalog, counters, settings, users
from spectra_tui.data.errors import NotFound, ValidationError
from spectra_tui.data.models import AuditLog, Counter, PriceItem, database

# ---------------------------------------------------------------- users

def test_create_and_find_users(db):
    ava = accounts.create_user("  Ava ", "Ava Reyes", "photographer", "#d75f5f")
    accounts.create_user("rita", "Rita Gomez")
    assert (ava.username, ava.role, ava.is_photographer) == ("ava", "photographer", True)
    assert users.find_user("AVA").id == ava.id and users.find_user("ava reyes").id == ava.id
    assert [u.username for u in users.photographers()] == ["ava"]
    assert [u.username for u in users.active_users()] == ["ava", "rita", "owner"]  # by full name
    with pytest.raises(NotFound):
        users.find_user("nobody")


@pytest.mark.parametrize("username, full_name, role, field", [
    ("", "Ann", "front_desk", "username"), ("a b", "Ann", "front_desk", "username"),
    ("ann!", "Ann", "front_desk", "username"), ("ann", "  ", "front_desk", "full_name"),
    ("ann", "Ann", "boss", "role"),
])
def test_bad_users_are_refused(db, username, full_name, role, field):
    with pytest.raises(ValidationError) as info:
        accounts.create_user(username, full_name, role)
    assert info.value.field == field


def test_user_names_are_unique(db):
    accounts.create_user("ann", "Ann Lee")
    with pytest.raises(ValidationError, match="taken"):
        accounts.create_user("ANN", "Another Ann")


def test_the_signed_in_user_is_who_the_audit_names(db):
    users.sign_in(None)
    assert users.current_user_name() == "system"
    users.sign_in(add_user("mia", "Mia Park", "manager"))  # rooms and session types: a manager's work
    catalog.create_room("Studio A")
    catalog.create_session_type("Pet", 60, 9500)
    assert AuditLog.select().order_by(AuditLog.id.desc()).first().user_name == "mia"


# ---------------------------------------------------------------- catalog

def test_session_types(db):
    family = catalog.create_session_type("  Family  portrait ", 90, 15000)
    assert (family.name, family.length_minutes, family.fee_cents) == ("Family portrait", 90, 15000)
    assert [t.name for t in catalog.session_types()] == ["Family portrait"]
    for args, field in ((("Family portrait", 60, 0), "name"), (("", 60, 0), "name"), (("X", 4, 0), "length"),
                        (("X", 60, -1), "fee"), (("X", 60, 12.5), "fee"), (("X" * 101, 60, 0), "name")):
        with pytest.raises(ValidationError) as info:
            catalog.create_session_type(*args)
        assert info.value.field == field


def test_price_items_and_packages(db):
    item = catalog.create_price_item(" p8x10 ", "Print 8x10", 4500)
    digital = catalog.create_price_item("DIG", "Digital file", 3500, taxable=False)
    assert (item.code, item.taxable, digital.taxable) == ("P8X10", True, False)
    assert catalog.find_item("p8x10").id == item.id
    with pytest.raises(NotFound):
        catalog.find_item("NOPE")
    with pytest.raises(ValidationError, match="taken"):
        catalog.create_price_item("P8X10", "Again", 1)
    with pytest.raises(ValidationError):
        catalog.create_price_item("", "No code", 1)
    with pytest.raises(ValidationError):
        catalog.create_price_item("BIG", "Too big", 10**11)
    package = catalog.create_package("PKG", "Bronze", 29900, [(item, 2), (digital, 1)])
    assert package.is_package and [(c.item.code, c.quantity) for c in package.contents] == [("P8X10", 2), ("DIG", 1)]
    assert (package.min_images, package.max_images) == (1, 3)  # one image per piece at most
    standard = catalog.default_price_list()
    assert standard.name == "Standard" and item.price_list_id == standard.id  # the first item made the list
    assert [i.code for i in catalog.items_of(standard)] == ["DIG", "P8X10", "PKG"]
    assert [i.code for i in catalog.items_of(standard, packages=False)] == ["DIG", "P8X10"]


@pytest.mark.parametrize("contents", ["empty", "nested", "zero"])
def test_bad_packages_change_nothing(db, contents):
    item = catalog.create_price_item("A", "Item", 100)
    other = catalog.create_package("P1", "Package", 100, [(item, 1)])
    contents = {"empty": [], "nested": [(item, 1), (other, 1)], "zero": [(item, 0)]}[contents]
    before = PriceItem.select().count()
    with pytest.raises(ValidationError):
        catalog.create_package("P2", "Bad", 100, contents)
    assert PriceItem.select().count() == before  # the half-made package was rolled back


def test_rooms(db):
    catalog.create_room("Studio A")
    with pytest.raises(ValidationError, match="already"):
        catalog.create_room(" Studio  A ")


# ---------------------------------------------------------------- settings

def test_settings_defaults_and_changes(db):
    assert settings.get("conflict_policy") == "ask" and settings.get("slot_minutes") == 30
    settings.put("conflict_policy", "never")
    settings.put("slot_minutes", 15)
    settings.put("studio_name", "Lumière Portraits")
    assert (settings.get("conflict_policy"), settings.get("slot_minutes"), settings.get("studio_name")) == (
        "never", 15, "Lumière Portraits")
    with pytest.raises(KeyError):
        settings.get("nonsense")


@pytest.mark.parametrize("key, value", [("conflict_policy", "sometimes"), ("slot_minutes", 7),
                                        ("slot_minutes", "30"), ("nonsense", 1)])
def test_bad_settings_are_refused(db, key, value):
    with pytest.raises(ValidationError):
        settings.put(key, value)


# ---------------------------------------------------------------- counters

def test_counters_are_gap_free_and_roll_back(db):
    with database.atomic():
        assert [counters.next_number("x", start=1001) for _ in range(3)] == [1001, 1002, 1003]
    with pytest.raises(RuntimeError):
        with database.atomic():
            counters.next_number("x")
            raise RuntimeError("the save failed")
    assert counters.peek("x") == 1003 and counters.peek("never-used") == 0
    with database.atomic():
        assert counters.next_number("x") == 1004
    assert Counter.get_by_id("x").value == 1004
