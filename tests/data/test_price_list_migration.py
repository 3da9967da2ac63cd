"""Migration 0011 on a studio that already sells: its items, packages and
session types go onto one list, "Standard"; hidden comes from active; a
package may take one image per piece; invoice lines keep their items; the
code becomes unique within a list only (on SQLite and PostgreSQL)."""
from peewee import IntegrityError, Table
from playhouse.migrations import Runner

from spectra_tui.data import accounts, catalog, db as dbmod, users
from spectra_tui.data.models import InvoiceLine, PackageItem, PriceItem, PriceList, SessionType, database


def test_a_selling_studio_is_upgraded_onto_one_standard_list(db_target):
    old = dbmod.make_database(db_target, create=True)
    database.initialize(old)
    old.connect()
    try:
        Runner(old, directory=str(dbmod.MIGRATIONS_DIR)).up(target="0010_prepared_images")
        def insert(table: str, **values) -> int:
            rows = Table(table).bind(old)
            rows.insert(**values).execute()
            return rows.select(rows.c.id).order_by(rows.c.id.desc()).limit(1).scalar()

        item = dict(taxable=True, is_package=False, active=True)
        print_id = insert("price_item", code="P8X10", name="Print 8x10", price_cents=4500, **item)
        insert("price_item", **{**item, "active": False}, code="OLD", name="Old frame", price_cents=100)
        package_id = insert("price_item", **{**item, "is_package": True}, code="PKG", name="Bronze", price_cents=29900)
        insert("package_item", package_id=package_id, item_id=print_id, quantity=3)
        insert("session_type", name="Family", length_minutes=60, fee_cents=0, color="#87af87", active=True)
    finally:
        old.close()
    dbmod.open_database(db_target)  # the program opens it: 0011 runs
    try:
        standard = PriceList.get()
        assert standard.name == "Standard"
        assert {(i.code, i.price_list_id, i.hidden) for i in PriceItem.select()} == {
            ("P8X10", standard.id, False), ("OLD", standard.id, True), ("PKG", standard.id, False)}
        package = PriceItem.get_by_id(package_id)
        assert (package.min_images, package.max_images, package.pose_fee_cents, package.version) == (1, 3, 0, 1)
        assert PackageItem.get().item_id == print_id
        assert SessionType.get().price_list_id == standard.id
        users.sign_in(accounts.create_user("owner", "Studio Owner", "owner"))
        other = catalog.create_price_list("Seniors")
        assert catalog.create_price_item("P8X10", "Senior 8x10", 5000, price_list=other).code == "P8X10"
        try:
            with database.atomic():
                PriceItem.create(code="P8X10", name="Twice", price_cents=1, price_list=standard)
        except IntegrityError:
            pass
        else:
            raise AssertionError("the same code twice on one list was stored")
        assert InvoiceLine.select().count() == 0
    finally:
        users.sign_in(None)
        dbmod.close_database()


def test_an_empty_studio_gets_no_list_until_its_first_item(db):
    assert PriceList.select().count() == 0
    assert catalog.default_price_list() is None
