"""The data behind the first start and the Staff screen: the studio's address,
rooms and session types added by a manager or the owner only, the owner's
account made (or an upgraded studio's owner given a password) and signed in,
and the staff list kept to managers."""
import dataclasses

import pytest
from staff import add_user

from spectra_tui.data import accounts, catalog, settings, studio_setup, users
from spectra_tui.data.accounts import Account
from spectra_tui.data.errors import DomainError, PermissionDenied, ValidationError
from spectra_tui.data.models import AuditLog, Room, SessionType, User


def test_the_studio_address_keeps_its_lines_trimmed(db):
    assert settings.get("studio_address") == ""
    settings.put("studio_address", "  12 Elm   Street \n\n  Austin, TX 78701\r\n")
    assert settings.get("studio_address") == "12 Elm Street\nAustin, TX 78701"
    settings.put("studio_address", "Line\x1b]0;evil\x07 one")  # control characters never stored
    assert "\x1b" not in settings.get("studio_address")


@pytest.mark.parametrize("value, message", [
    ("\n".join(f"line {n}" for n in range(7)), "6 lines"),
    ("x" * 301, "too long"),
    (12, "is text"),
])
def test_a_bad_address_is_refused(db, value, message):
    with pytest.raises(ValidationError, match=message):
        settings.put("studio_address", value)


def test_the_address_is_saved_with_the_studio_settings(db):
    setup = dataclasses.replace(studio_setup.current(), studio_address="12 Elm Street\nAustin, TX")
    assert studio_setup.save(setup) == ["studio_address"]
    assert studio_setup.current().studio_address == "12 Elm Street\nAustin, TX"
    with pytest.raises(ValidationError) as refused:
        studio_setup.save(dataclasses.replace(setup, studio_address="x" * 400))
    assert refused.value.field == "studio_address"


def test_rooms_and_session_types_are_a_managers_work(db):
    room = catalog.create_room("  Studio   A ")
    assert room.name == "Studio A"
    assert AuditLog.select().where(AuditLog.action == "room.create").count() == 1
    users.sign_in(add_user("rita", "Rita Gomez", "front_desk"))
    with pytest.raises(PermissionDenied, match="Only a manager or the owner may change the studio's settings"):
        catalog.create_room("Studio B")
    with pytest.raises(PermissionDenied):
        catalog.add_session_type("Family", "90", "150")
    users.sign_in(add_user("mia", "Mia Manager", "manager"))
    catalog.create_room("Studio B")
    assert [r.name for r in Room.select().order_by(Room.name)] == ["Studio A", "Studio B"]


def test_a_price_list_item_as_typed_is_a_managers_work(db):
    item = catalog.add_price_item(" p8x10 ", "Print 8x10", "45")
    assert (item.code, item.name, item.price_cents, item.taxable) == ("P8X10", "Print 8x10", 4500, True)
    with pytest.raises(ValidationError) as refused:
        catalog.add_price_item("FRM", "Frame", "lots")
    assert refused.value.field == "price"
    users.sign_in(add_user("rita", "Rita Gomez", "front_desk"))
    with pytest.raises(PermissionDenied):
        catalog.add_price_item("FRM", "Frame", "20")
    assert [i.code for i in catalog.items_of(catalog.default_price_list())] == ["P8X10"]


def test_a_session_type_as_typed(db):
    family = catalog.add_session_type(" Family ", "90", "150")
    assert (family.name, family.length_minutes, family.fee_cents) == ("Family", 90, 15000)
    assert catalog.add_session_type("Headshot", "30", "$75.50").fee_cents == 7550
    assert catalog.add_session_type("Mini", "20", "").fee_cents == 0


@pytest.mark.parametrize("name, length, fee, field", [
    ("", "60", "100", "name"),
    ("Family", "", "100", "length"),
    ("Family", "an hour", "100", "length"),
    ("Family", "3", "100", "length"),
    ("Family", "60", "ten", "fee"),
    ("Family", "60", "-5", "fee"),
])
def test_a_bad_session_type_names_its_field(db, name, length, fee, field):
    with pytest.raises(ValidationError) as refused:
        catalog.add_session_type(name, length, fee)
    assert refused.value.field == field
    assert SessionType.select().count() == 0


def test_the_staff_list_is_for_managers(db):
    rita = add_user("rita", "Rita Gomez", "front_desk")
    assert [u.username for u in accounts.staff_accounts()] == ["rita", "owner"]
    users.sign_in(rita)
    with pytest.raises(PermissionDenied, match="manage the staff's accounts; Rita Gomez is signed in as front desk"):
        accounts.staff_accounts()


def test_a_new_studio_s_owner_is_made_and_signed_in(empty_db):
    assert users.needs_first_start()
    with pytest.raises(ValidationError, match="not the same") as refused:
        accounts.set_up_owner(Account("ana", "Ana Ruiz"), "4321", "4320")
    assert refused.value.field == "again" and User.select().count() == 0
    owner = accounts.set_up_owner(Account("ana", "Ana Ruiz", role="front_desk"), "4321", "4321")
    assert owner.role == "owner" and users.current_user().id == owner.id
    assert not users.needs_first_start()
    with pytest.raises(DomainError, match="already set up"):
        accounts.set_up_owner(Account("bo", "Bo Li"), "4321", "4321")


def test_an_upgraded_studio_s_owner_gets_a_password(empty_db):
    boss = accounts.create_user("boss", "Old Boss", "owner")  # no password: from before sign-in existed
    assert accounts.owner_without_password().id == boss.id and users.needs_first_start()
    owner = accounts.set_up_owner(Account("ignored", "Ignored"), "longpassword", "longpassword")
    assert owner.id == boss.id and owner.username == "boss" and User.select().count() == 1
    assert accounts.authenticate("boss", "longpassword").id == boss.id
    assert accounts.owner_without_password() is None
