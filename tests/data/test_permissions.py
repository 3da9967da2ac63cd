"""Every restricted action, for every role (issue 12): front desk and
photographers are refused with a readable PermissionDenied and nothing is
written; a manager and the owner may. Nobody signed in may do none of them."""
import dataclasses

import pytest

from staff import add_user  # tests/ is on sys.path
from spectra_tui.data import accounts, invoices, ledger, permissions, settings, studio_setup, users
from spectra_tui.data.errors import PermissionDenied
from spectra_tui.data.models import AuditLog, Invoice, InvoiceLine, LedgerEntry, User
from spectra_tui.data.permissions import Permission

ROLES = ("front_desk", "photographer", "manager", "owner")
MAY = {"front_desk": False, "photographer": False, "manager": True, "owner": True}


@pytest.fixture
def books(studio):
    """An invoice with a payment, an empty invoice, a line from the price
    list, $200 of credit on another invoice: set up by the owner."""
    users.sign_in(User.get(User.username == "owner"))
    paid = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.add_line(paid, studio.item)
    payment = ledger.take_payment(paid, 1000, "cash")
    empty = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    credit = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.add_line(credit, description="Deposit kept", unit_price_cents=1000, taxable=False)
    ledger.take_payment(credit, 21000, "cash")  # $200.00 of credit
    line = paid.lines.get()
    return dataclasses.make_dataclass("Books", ["studio", "paid", "payment", "empty", "credit", "line"])(
        studio, paid, payment, empty, credit, line
    )


def as_role(role):
    user = add_user(f"the-{role}".replace("_", "-"), f"The {role.replace('_', ' ').title()}", role)
    users.sign_in(user)
    return user


def attempt(role, action):
    """Run ``action`` as a new user of ``role``; True if it went through, False
    if refused as it should be (with who may and who is signed in), and no
    audit entry was written by the refused try."""
    as_role(role)
    entries = AuditLog.select().count()
    try:
        action()
    except PermissionDenied as denied:
        message = str(denied).lower()
        assert "only a manager or the owner may" in message or "needs a manager or the owner" in message
        assert AuditLog.select().count() == entries
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
def test_voiding_a_payment(books, role):
    assert attempt(role, lambda: ledger.void_entry(books.payment, "typed twice")) is MAY[role]
    voids = LedgerEntry.select().where(LedgerEntry.kind == "void").count()
    assert voids == (1 if MAY[role] else 0)


@pytest.mark.parametrize("role", ROLES)
def test_voiding_an_invoice(books, role):
    assert attempt(role, lambda: invoices.void_invoice(books.empty, "duplicate")) is MAY[role]
    assert (Invoice.get_by_id(books.empty.id).status == Invoice.VOID) is MAY[role]


@pytest.mark.parametrize("role", ROLES)
def test_selling_a_price_list_item_at_another_price(books, role):
    item = books.studio.item
    assert attempt(role, lambda: invoices.add_line(books.empty, item, unit_price_cents=3900)) is MAY[role]
    assert InvoiceLine.select().where(InvoiceLine.invoice == books.empty.id).count() == (1 if MAY[role] else 0)


@pytest.mark.parametrize("role", ROLES)
def test_changing_the_price_of_a_line_from_the_price_list(books, role):
    assert attempt(role, lambda: invoices.update_line(books.line, unit_price_cents=3900)) is MAY[role]
    assert InvoiceLine.get_by_id(books.line.id).unit_price_cents == (3900 if MAY[role] else 4500)


@pytest.mark.parametrize("role", ROLES)
def test_what_anyone_may_do_with_prices(books, role):
    """The list price itself, a quantity, and a free line with its own price."""
    as_role(role)
    invoices.add_line(books.empty, books.studio.item, unit_price_cents=4500)
    invoices.add_line(books.empty, description="Retouching", unit_price_cents=1234)
    line = invoices.update_line(books.line, quantity=2)
    assert line.quantity == 2 and line.unit_price_cents == 4500


@pytest.mark.parametrize("role", ROLES)
def test_a_refund_above_the_studio_limit(books, role):
    assert settings.get("refund_limit_cents") == 10000
    assert attempt(role, lambda: ledger.refund(books.credit, 10001, "cash")) is MAY[role]


@pytest.mark.parametrize("role", ROLES)
def test_a_refund_up_to_the_limit_is_anyone_s(books, role):
    as_role(role)
    assert ledger.refund(books.credit, 10000, "cash").amount_cents == 10000


def test_the_refund_limit_is_the_studio_s_and_refunds_of_deposits_obey_it(books):
    settings.put("refund_limit_cents", 500)
    deposit = ledger.take_deposit(books.studio.client, 2000, "cash")
    as_role("front_desk")
    with pytest.raises(PermissionDenied, match=r"A refund above \$5.00 needs a manager or the owner \(\$6.00 asked\)"):
        ledger.refund_deposit(deposit, 600, "cash")
    assert ledger.refund_deposit(deposit, 500, "cash").amount_cents == 500


@pytest.mark.parametrize("value", [-1, "100", 2.5, True, 100_000_001])
def test_a_bad_refund_limit_is_refused(db, value):
    from spectra_tui.data.errors import ValidationError

    with pytest.raises(ValidationError, match="refund limit"):
        settings.put("refund_limit_cents", value)


@pytest.mark.parametrize("role", ROLES)
def test_changing_the_studio_settings(books, role):
    change = dataclasses.replace(studio_setup.current(), tax_percent="5")
    assert attempt(role, lambda: studio_setup.save(change)) is MAY[role]
    assert (str(settings.tax_rate()) == "0.05") is MAY[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", ["add", "edit", "disable", "unlock", "password"])
def test_managing_the_staff_s_accounts(books, role, what):
    ava = books.studio.photographer
    actions = {
        "add": lambda: accounts.create_user("zoe", "Zoe Quinn"),
        "edit": lambda: accounts.update_account(ava, accounts.Account("ava", "Ava Reyes-Lin", "photographer")),
        "disable": lambda: accounts.set_active(ava, False),
        "unlock": lambda: accounts.unlock(ava),
        "password": lambda: accounts.set_secret(ava, "4321"),
    }
    assert attempt(role, actions[what]) is MAY[role]


@pytest.mark.parametrize("role", ROLES)
def test_the_permission_table(db, role):
    user = add_user("someone", "Some One", role)
    for permission in Permission:
        assert permissions.allowed(permission, user) is MAY[role]
        assert (permissions.why_not(permission, user) == "") is MAY[role]


def test_nobody_signed_in_may_do_none_of_them(books):
    users.sign_in(None)
    for permission in Permission:
        assert not permissions.allowed(permission)
    with pytest.raises(PermissionDenied, match="Sign in as a manager or the owner to void an invoice"):
        invoices.void_invoice(books.empty, "duplicate")


def test_a_disabled_manager_may_not(books):
    manager = as_role("manager")
    users.sign_in(User.get(User.username == "owner"))
    accounts.set_active(manager, False)
    assert not permissions.allowed(Permission.VOID_INVOICE, User.get_by_id(manager.id))


@pytest.mark.parametrize("role", ROLES)
def test_editing_a_time_clock_entry(books, role):
    from spectra_tui.data import timeclock

    worked = timeclock.add_entry(books.studio.front, timeclock.EntryFields("11/2 9am", "11/2 5pm", "regular", "paper sheet"))
    fix = timeclock.EntryFields("11/2 9:15am", "11/2 5pm", "regular", "came in late")
    assert attempt(role, lambda: timeclock.edit_entry(worked, fix)) is MAY[role]


@pytest.mark.parametrize("role", ROLES)
def test_reading_the_audit_log(books, role):
    from spectra_tui.data import audit_log

    assert attempt(role, lambda: audit_log.search(audit_log.AuditQuery())) is MAY[role]
