"""The studio's catalog: session types, price-list items and packages, rooms.

Adding a session type, a price-list item or a room changes what the studio
offers: a manager's or the owner's work (Permission.CHANGE_SETTINGS).
"""

from . import audit
from .db import write_transaction
from .errors import NotFound, ValidationError
from .models import PackageItem, PriceItem, Room, SessionType, database
from .money import MAX_CENTS, parse_money
from .permissions import Permission, require
from .text import one_line


def _name(text: str, what: str) -> str:
    name = one_line(text)
    if not name:
        raise ValidationError(f"Enter the {what}'s name.", "name")
    if len(name) > 100:
        raise ValidationError(f"The {what}'s name is too long (at most 100 characters).", "name")
    return name


def _price(cents) -> int:
    if not isinstance(cents, int) or isinstance(cents, bool) or not 0 <= cents < MAX_CENTS:
        raise ValidationError("The price must be an amount of zero or more.", "price")
    return cents


@write_transaction
def create_session_type(name: str, length_minutes: int, fee_cents: int, color: str = "#87af87") -> SessionType:
    require(Permission.CHANGE_SETTINGS)
    name = _name(name, "session type")
    if not isinstance(length_minutes, int) or not 5 <= length_minutes <= 720:
        raise ValidationError("A session lasts from 5 minutes to 12 hours.", "length")
    if SessionType.select().where(SessionType.name == name).exists():
        raise ValidationError(f"There is already a session type '{name}'.", "name")
    with database.atomic():
        row = SessionType.create(name=name, length_minutes=length_minutes, fee_cents=_price(fee_cents), color=color)
        audit.record("session_type.create", "session_type", row.id, None, row)
    return row


@write_transaction
def create_price_item(code: str, name: str, price_cents: int, taxable: bool = True) -> PriceItem:
    require(Permission.CHANGE_SETTINGS)
    code = one_line(code).upper()
    if not code:
        raise ValidationError("Enter the item code.", "code")
    if PriceItem.select().where(PriceItem.code == code).exists():
        raise ValidationError(f"The item code '{code}' is taken.", "code")
    with database.atomic():
        row = PriceItem.create(
            code=code, name=_name(name, "item"), price_cents=_price(price_cents), taxable=bool(taxable)
        )
        audit.record("price_item.create", "price_item", row.id, None, row)
    return row


def add_price_item(code: str, name: str, price: str) -> PriceItem:
    """A price-list item from what a person typed: the price as an amount ("45" or "45.00")."""
    return create_price_item(code, name, parse_money(price or "", "price"))


@write_transaction
def create_package(
    code: str, name: str, price_cents: int, contents: list[tuple[PriceItem, int]], taxable: bool = True
) -> PriceItem:
    if not contents:
        raise ValidationError("A package needs at least one item.", "contents")
    with database.atomic():
        package = create_price_item(code, name, price_cents, taxable)
        package.is_package = True
        package.save()
        for item, quantity in contents:
            if item.is_package:
                raise ValidationError("A package cannot contain another package.", "contents")
            if not isinstance(quantity, int) or quantity < 1:
                raise ValidationError("Each package item needs a quantity of 1 or more.", "contents")
            PackageItem.create(package=package, item=item, quantity=quantity)
    return package


def add_session_type(name: str, length: str, fee: str) -> SessionType:
    """A session type from what a person typed: the length in minutes ("90"),
    the fee as an amount ("150" or "150.00"); the message names the field."""
    typed_length = (length or "").strip()
    if not typed_length.isascii() or not typed_length.isdigit():
        raise ValidationError("Type the length in minutes, e.g. 60.", "length")
    fee_cents = parse_money(fee or "0", "fee")
    return create_session_type(name, int(typed_length), fee_cents)


@write_transaction
def create_room(name: str) -> Room:
    require(Permission.CHANGE_SETTINGS)
    name = _name(name, "room")
    if Room.select().where(Room.name == name).exists():
        raise ValidationError(f"There is already a room '{name}'.", "name")
    with database.atomic():
        room = Room.create(name=name)
        audit.record("room.create", "room", room.id, None, room)
    return room


def price_list(include_packages: bool = True) -> list[PriceItem]:
    query = PriceItem.select().where(PriceItem.active == True)  # noqa: E712
    if not include_packages:
        query = query.where(PriceItem.is_package == False)  # noqa: E712
    return list(query.order_by(PriceItem.is_package.desc(), PriceItem.code))


def find_item(code: str) -> PriceItem:
    item = PriceItem.get_or_none(PriceItem.code == (code or "").strip().upper())
    if item is None:
        raise NotFound(f"There is no price-list item '{code}'.")
    return item


def session_types() -> list[SessionType]:
    return list(SessionType.select().where(SessionType.active == True).order_by(SessionType.name))  # noqa: E712
