"""Quick Sale's rules (data/quick_sale.py) and the walk-in client's
(data/clients.py): one walk-in per studio, made when first needed, even by
two terminals at once; never edited, never listed, named on its invoices; a
sale is one transaction (a Generic invoice, its lines with tax, its
payment, audited); cash above the total gives change, other methods take
the total exactly; empty sales, hidden items and packages are refused."""
import textwrap
from pathlib import Path

import pytest
import terminals
from peewee import IntegrityError
from staff import add_user

from spectra_tui.data import catalog, clients, invoices, ledger, quick_sale, settings, users
from spectra_tui.data.errors import PermissionDenied, ValidationError
from spectra_tui.data.models import AuditLog, Client, FamilyMember, Invoice, InvoiceLine, LedgerEntry, database


@pytest.fixture
def shop(db):
    settings.put("tax_rate", "0.10")
    shop = type("Shop", (), {})()
    shop.print = catalog.create_price_item("P8X10", "Print 8x10", 4500, quick_pick=True)
    shop.frame = catalog.create_price_item("FRM", "Frame", 2000)
    shop.digital = catalog.create_price_item("DIG", "Digital file", 3500, taxable=False, quick_pick=True)
    shop.old = catalog.create_price_item("OLD", "Old mount", 900)
    catalog.update_price_item(shop.old, hidden=True)
    shop.package = catalog.create_package("PKGB", "Bronze", 29900, [(shop.print, 1)], min_images=1, max_images=1)
    shop.client = clients.save_client(None, {"first_name": "Ann", "last_name": "Lee", "phone_mobile": "(512) 867-5309"})
    shop.rita = add_user("rita", "Rita Gomez", "front_desk")
    users.sign_in(shop.rita)
    return shop


def lines_of(invoice):
    return [(line.description, line.quantity, line.unit_price_cents, line.taxable)
            for line in InvoiceLine.select().where(InvoiceLine.invoice == invoice).order_by(InvoiceLine.position)]


def walk_ins() -> int:
    return Client.select().where(Client.walk_in == True).count()  # noqa: E712


# ---------------------------------------------------------------- the walk-in client


def test_the_walk_in_is_made_when_first_needed_and_only_once(shop):
    assert quick_sale.find_walk_in() is None and walk_ins() == 0
    first = quick_sale.walk_in_client()
    assert first.full_name == "Walk-in customer" and first.walk_in
    assert quick_sale.walk_in_client().id == first.id and walk_ins() == 1
    assert [a.action for a in AuditLog.select().where(AuditLog.entity == "client")][-1] == "client.walk_in"


def test_the_database_itself_refuses_a_second_walk_in(shop):
    quick_sale.walk_in_client()
    with pytest.raises(IntegrityError), database.atomic():
        Client.create(company="Another walk-in", walk_in=True)
    assert walk_ins() == 1


def test_the_walk_in_cannot_be_edited(shop):
    walk_in = quick_sale.walk_in_client()
    with pytest.raises(clients.BuiltInClient, match="built in for Quick Sale.*editing its record is not possible"):
        clients.save_client(walk_in, {"first_name": "Bob"})
    with pytest.raises(clients.BuiltInClient, match="adding a family member"):
        clients.add_family_member(walk_in, "Kid")
    member = FamilyMember.create(client=walk_in, first_name="Stray")  # (as if written behind the app)
    with pytest.raises(clients.BuiltInClient, match="changing its family"):
        clients.remove_family_member(member)
    stored = Client.get_by_id(walk_in.id)
    assert (stored.full_name, stored.first_name, stored.version) == ("Walk-in customer", "", 1)
    assert FamilyMember.select().count() == 1


def test_the_walk_in_stays_out_of_searches_and_counts(shop):
    before = clients.total_clients()
    walk_in = quick_sale.walk_in_client()
    assert clients.total_clients() == before == 1
    everyone = clients.search_clients(clients.ClientQuery())
    assert [c.id for c in everyone] == [shop.client.id]
    for typed in ("walk", "Walk-in customer", "cust"):
        assert clients.search_clients(clients.ClientQuery(name=typed)) == []
        assert clients.count_clients(clients.ClientQuery(name=typed)) == 0
    assert clients.count_clients(clients.ClientQuery()) == 1
    assert walk_in.id not in [c.id for c in clients.search_clients(clients.ClientQuery(), after=None, limit=500)]


def test_its_invoices_show_it_by_name(shop):
    sale = quick_sale.sell(None, [(shop.print, 1)], "cash", 4950)
    (row,) = invoices.search_invoices(invoices.InvoiceQuery())
    assert row.invoice.id == sale.invoice.id
    assert row.invoice.client.full_name == row.invoice.bill_to.full_name == "Walk-in customer"
    assert row.state == "Paid"


# ---------------------------------------------------------------- two terminals at once

WORKER = textwrap.dedent('''
    import json, os, sys, time
    db_path, go_file, mode = sys.argv[1:4]
    from peewee import IntegrityError
    from spectra_tui.data.db import open_database
    from spectra_tui.data import catalog, quick_sale, users
    from spectra_tui.data.errors import DomainError
    from spectra_tui.data.models import Client

    open_database(db_path)
    users.sign_in(users.find_user("rita"))
    item = catalog.find_item("P8X10")
    found = quick_sale.find_walk_in
    def slow_find():  # widen the window between looking for the walk-in and making it
        client = found()
        time.sleep(0.3)
        return client
    quick_sale.find_walk_in = slow_find
    print("ready", flush=True)
    while not os.path.exists(go_file):
        time.sleep(0.0005)
    try:
        if mode == "service":
            sale = quick_sale.sell(None, [(item, 1)], "cash", 4950)
            out = {"ok": True, "client": sale.invoice.client_id}
        else:  # "naive": the look outside a write transaction (what walk_in_client must NOT do)
            if quick_sale.find_walk_in() is None:
                Client.create(company="Walk-in customer", walk_in=True)
            out = {"ok": True}
    except DomainError as error:
        out = {"ok": False, "message": str(error)}
    except IntegrityError:
        out = {"ok": False, "message": "refused by the database"}
    print(json.dumps(out), flush=True)
''')


def race(tmp_path: Path, db_path: str, mode: str) -> list[dict]:
    """Two terminals (processes), released together by a "go" file."""
    return terminals.race(tmp_path, WORKER, db_path, [[mode], [mode]])


def test_two_terminals_selling_to_the_first_walk_in_at_once_make_one(shop, db_target, tmp_path):
    users.sign_in(None)
    results = race(tmp_path, db_target, "service")
    assert all(r["ok"] for r in results), results
    assert walk_ins() == 1 and results[0]["client"] == results[1]["client"] == quick_sale.find_walk_in().id
    assert Invoice.select().count() == 2


def test_control_a_look_outside_the_transaction_would_make_two_but_the_index_refuses(shop, db_target, tmp_path):
    users.sign_in(None)
    results = race(tmp_path, db_target, "naive")
    assert sorted(r["ok"] for r in results) == [False, True], results
    assert [r["message"] for r in results if not r["ok"]] == ["refused by the database"]
    assert walk_ins() == 1


# ---------------------------------------------------------------- the sale


def test_quick_picks_are_offered_first_and_hidden_items_and_packages_not_at_all(shop):
    assert [i.code for i in quick_sale.offered_items()] == ["DIG", "P8X10", "FRM"]


def test_a_sale_is_a_generic_invoice_with_its_lines_tax_and_payment(shop):
    sale = quick_sale.sell(None, [(shop.print, 2), (shop.digital, 1)], "card", 13400, "slip 77")
    invoice = Invoice.get_by_id(sale.invoice.id)
    assert (invoice.kind, invoice.basis, invoice.session_id, invoice.status) == ("Generic", "client", None, "Open")
    assert invoice.client_id == invoice.bill_to_id == quick_sale.find_walk_in().id
    assert lines_of(invoice) == [("Print 8x10", 2, 4500, True), ("Digital file", 1, 3500, False)]
    assert (invoice.subtotal_cents, invoice.tax_cents, invoice.total_cents) == (12500, 900, 13400)
    assert quick_sale.totals([(shop.print, 2), (shop.digital, 1)]) == (12500, 900, 13400)
    assert (invoice.paid_cents, invoice.balance_cents, invoice.created_by) == (13400, 0, "rita")
    payment = LedgerEntry.get(LedgerEntry.invoice == invoice.id)
    assert (payment.kind, payment.amount_cents, payment.method, payment.reference) == ("payment", 13400, "card",
                                                                                        "slip 77")
    assert (payment.created_by, sale.payment.id, sale.change_cents, sale.tendered_cents) == ("rita", payment.id, 0,
                                                                                             13400)
    audited = [a.action for a in AuditLog.select().where(AuditLog.action != "client.walk_in").order_by(AuditLog.id)]
    assert audited[-3:] == ["invoice.create", "invoice.quick_sale", "ledger.payment"]
    assert invoice.display_number == str(invoices.FIRST_INVOICE_NUMBER)


def test_a_sale_to_a_chosen_client(shop):
    sale = quick_sale.sell(shop.client, [(shop.frame, 1)], "cash", 2200)
    assert sale.invoice.client_id == shop.client.id and sale.invoice.client.full_name == "Ann Lee"
    assert quick_sale.find_walk_in() is None  # not needed, not made


def test_the_same_item_twice_is_one_line(shop):
    sale = quick_sale.sell(None, [(shop.frame, 1), (shop.frame, 2)], "cash", 6600)
    assert lines_of(sale.invoice) == [("Frame", 3, 2000, True)]


def test_cash_above_the_total_records_the_total_and_gives_change(shop):
    sale = quick_sale.sell(None, [(shop.print, 1)], "cash", 5000)  # $49.50 due
    assert (sale.payment.amount_cents, sale.tendered_cents, sale.change_cents) == (4950, 5000, 50)
    assert sale.payment.note == "Quick sale: $50.00 cash tendered, change $0.50"
    invoice = Invoice.get_by_id(sale.invoice.id)
    assert (invoice.paid_cents, invoice.balance_cents) == (4950, 0)
    assert quick_sale.change_for("cash", 5000, 4950) == 50 and quick_sale.change_for("card", 5000, 4950) == 0


@pytest.mark.parametrize("method", ["card", "check", "other"])
def test_other_methods_refuse_to_overpay(shop, method):
    with pytest.raises(ValidationError, match=f"Only cash gives change: a {method} payment is the total, \\$49.50"):
        quick_sale.sell(None, [(shop.print, 1)], method, 5000, "123")
    assert Invoice.select().count() == 0 and walk_ins() == 0  # nothing written, the walk-in neither


def test_a_quick_sale_is_paid_in_full(shop):
    with pytest.raises(ValidationError, match="paid in full: \\$49.50 is due, \\$40.00 given") as refused:
        quick_sale.sell(shop.client, [(shop.print, 1)], "cash", 4000)
    assert refused.value.field == "amount"
    assert Invoice.select().count() == 0 and LedgerEntry.select().count() == 0


def test_a_failing_payment_leaves_nothing_behind(shop):
    with pytest.raises(ValidationError, match="check number"):
        quick_sale.sell(None, [(shop.print, 1)], "check", 4950)  # a check needs its number
    assert Invoice.select().count() == 0 and InvoiceLine.select().count() == 0 and walk_ins() == 0
    assert not AuditLog.select().where(AuditLog.action.in_(["invoice.create", "invoice.quick_sale"])).exists()


def test_a_sale_of_nothing_due_takes_no_payment(shop):
    users.sign_in(add_user("mia", "Mia Park", "manager"))  # (a manager adds items)
    free = catalog.create_price_item("BAG", "Gift bag", 0)
    users.sign_in(shop.rita)
    sale = quick_sale.sell(None, [(free, 1)], "cash", 0)
    assert sale.payment is None and sale.invoice.total_cents == 0 and LedgerEntry.select().count() == 0


def test_an_empty_sale_is_refused(shop):
    with pytest.raises(ValidationError, match="The sale is empty: add an item first."):
        quick_sale.sell(None, [], "cash", 0)
    assert Invoice.select().count() == 0


def test_hidden_items_packages_and_other_lists_are_refused(shop):
    with pytest.raises(ValidationError, match="Old mount is hidden on the price list"):
        quick_sale.sell(None, [(shop.old, 1)], "cash", 1000)
    with pytest.raises(ValidationError, match="Bronze is a package"):
        quick_sale.sell(None, [(shop.package, 1)], "cash", 40000)
    users.sign_in(add_user("mia", "Mia Park", "manager"))
    seniors = catalog.create_price_list("Seniors")
    senior_print = catalog.create_price_item("S8X10", "Senior 8x10", 5000, price_list=seniors)
    with pytest.raises(ValidationError, match="not on the price list Standard"):
        quick_sale.sell(None, [(senior_print, 1)], "cash", 6000)
    assert Invoice.select().count() == 0


@pytest.mark.parametrize("quantity", [0, -1, 10001, 1.5, True])
def test_a_quantity_is_a_whole_number_from_one(shop, quantity):
    with pytest.raises(ValidationError, match="quantity must be a whole number"):
        quick_sale.sell(None, [(shop.print, quantity)], "cash", 100000)


def test_a_price_changed_in_another_terminal_is_not_sold_at_the_old_price(shop):
    offered = quick_sale.offered_items()
    print_as_shown = next(i for i in offered if i.code == "P8X10")
    users.sign_in(add_user("mia", "Mia Park", "manager"))
    catalog.update_price_item(catalog.find_item("P8X10"), price_cents=5000)
    users.sign_in(shop.rita)
    with pytest.raises(ValidationError, match="The price of Print 8x10 changed in another terminal"):
        quick_sale.sell(None, [(print_as_shown, 1)], "cash", 4950)
    assert Invoice.select().count() == 0


def test_an_unknown_method_is_refused(shop):
    with pytest.raises(ValidationError, match="payment method must be one of"):
        quick_sale.sell(None, [(shop.print, 1)], "bitcoin", 4950)


def test_with_no_price_list_it_says_what_to_do(db):
    with pytest.raises(quick_sale.NoPriceList, match="no price list yet: a manager or the owner adds its items"):
        quick_sale.offered_items()
    catalog.create_price_list("Standard")
    with pytest.raises(quick_sale.NoPriceList, match="The price list Standard has nothing to sell yet"):
        quick_sale.offered_items()


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("role", ["front_desk", "photographer"])
def test_anyone_signed_in_sells_and_the_books_name_them(shop, role):
    seller = add_user("sam", "Sam Poe", role)
    users.sign_in(seller)
    sale = quick_sale.sell(None, [(shop.frame, 1)], "cash", 2200)
    assert sale.invoice.created_by == sale.payment.created_by == "sam"
    assert {a.user_name for a in AuditLog.select().where(AuditLog.action.in_(
        ["invoice.create", "invoice.quick_sale", "ledger.payment", "client.walk_in"]))} == {"sam"}


def test_voiding_a_quick_sale_s_payment_is_a_manager_s_as_for_any_sale(shop):
    sale = quick_sale.sell(None, [(shop.frame, 1)], "cash", 2200)
    with pytest.raises(PermissionDenied, match="Only a manager or the owner may void a payment"):
        ledger.void_entry(sale.payment, "typed twice")
    users.sign_in(add_user("mia", "Mia Park", "manager"))
    ledger.void_entry(sale.payment, "typed twice")
    assert Invoice.get_by_id(sale.invoice.id).balance_cents == 2200


def test_migration_0012_on_a_studio_with_clients(db_target):
    from peewee import Table
    from playhouse.migrations import Runner

    from spectra_tui.data import db as dbmod

    dbmod.close_database()
    old = dbmod.make_database(db_target, create=True)
    database.initialize(old)
    old.connect()
    try:
        Runner(old, directory=str(dbmod.MIGRATIONS_DIR)).up(target="0011_price_lists")
        texts = {field.column_name: "" for field in Client._meta.sorted_fields if field.field_type == "VARCHAR"}
        texts.update(first_name="Ann", last_name="Lee", last_key="lee", first_key="ann", notes="")
        Table("client").bind(old).insert(**texts, do_not_market=False, do_not_call=False, version=1,
                                         created_at="2026-01-01 10:00:00", updated_at="2026-01-01 10:00:00").execute()
    finally:
        old.close()
    dbmod.open_database(db_target)  # the program opens it: 0012 runs
    try:
        (ann,) = Client.select()
        assert ann.walk_in is False and clients.total_clients() == 1
        assert quick_sale.walk_in_client().walk_in and walk_ins() == 1
        with pytest.raises(IntegrityError), database.atomic():
            Client.create(company="Twice", walk_in=True)
    finally:
        dbmod.close_database()
