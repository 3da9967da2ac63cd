"""The studio's catalog: price lists with their items and packages, session
types (each linked to the price list its orders are built from), rooms.

Changing the catalog changes what the studio offers: a manager's or the
owner's work (Permission.CHANGE_SETTINGS). Items, packages, lists and
session types carry a row version: two managers editing at once never
overwrite each other (data/versions.py). A price change never alters an
invoice: a line keeps the price it was sold at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from peewee import fn

from . import audit, settings, versions
from .db import write_transaction
from .errors import NotFound, ValidationError
from .models import PackageItem, PriceItem, PriceList, Room, Session, SessionType, database, tuples
from .money import MAX_CENTS, parse_money
from .permissions import Permission, require
from .text import one_line, whole_number

STANDARD_LIST = "Standard"  # the list a studio's first items go onto
MAX_CODE = 20
MAX_GROUP = 40
MAX_IMAGES = 999
MAX_COMPONENT_QUANTITY = 999


def _name(text: str, what: str, field: str = "name") -> str:
    name = one_line(text)
    if not name:
        raise ValidationError(f"Enter the {what}'s name.", field)
    if len(name) > 100:
        raise ValidationError(f"The {what}'s name is too long (at most 100 characters).", field)
    return name


def _cents(cents: Any, what: str = "price") -> int:
    if not isinstance(cents, int) or isinstance(cents, bool) or not 0 <= cents < MAX_CENTS:
        raise ValidationError(f"The {what} must be an amount of zero or more.", what.replace(" ", "_"))
    return cents


def _code(text: str) -> str:
    code = one_line(text).upper()
    if not code:
        raise ValidationError("Enter the item code.", "code")
    if len(code) > MAX_CODE or " " in code:
        raise ValidationError(f"An item code is one word of at most {MAX_CODE} characters, e.g. P8X10.", "code")
    return code


def _group(text: str) -> str:
    group = one_line(text)
    if len(group) > MAX_GROUP:
        raise ValidationError(f"The group is too long (at most {MAX_GROUP} characters).", "group")
    return group


def _check_code_free(price_list: PriceList, code: str, item_id: int | None = None) -> None:
    query = PriceItem.select().where((PriceItem.price_list == price_list) & (PriceItem.code == code))
    if item_id is not None:
        query = query.where(PriceItem.id != item_id)
    if query.exists():
        raise ValidationError(f"The code '{code}' is taken on the price list {price_list.name}.", "code")


# -- price lists -------------------------------------------------------------


def price_lists(include_inactive: bool = False) -> list[PriceList]:
    query = PriceList.select()
    if not include_inactive:
        query = query.where(PriceList.active == True)  # noqa: E712
    return list(query.order_by(PriceList.name))


def default_price_list() -> PriceList | None:
    """The list a session type without one sells from: the studio's first active list."""
    return PriceList.select().where(PriceList.active == True).order_by(PriceList.id).first()  # noqa: E712


def price_list_for(session: Session | None) -> PriceList | None:
    """The price list a session's orders are built from: its session type's,
    else the studio's default (also for an invoice without a session)."""
    if session is not None:
        listed = session.session_type.price_list
        if listed is not None and listed.active:
            return listed
    return default_price_list()


def get_price_list(price_list_id: int) -> PriceList:
    row = PriceList.get_or_none(PriceList.id == price_list_id)
    if row is None:
        raise NotFound("That price list no longer exists.")
    return row


def _check_name_free(model: type[PriceList] | type[SessionType], name: str, row_id: int | None, what: str) -> None:
    """No other price list (session type) has this name."""
    query = model.select().where(model.name == name)
    if row_id is not None:
        query = query.where(model.id != row_id)
    if query.exists():
        raise ValidationError(f"There is already a {what} '{name}'.", "name")


@write_transaction
def create_price_list(name: str) -> PriceList:
    require(Permission.CHANGE_SETTINGS)
    name = _name(name, "price list")
    _check_name_free(PriceList, name, None, "price list")
    with database.atomic():
        row = PriceList.create(name=name)
        audit.record("price_list.create", "price_list", row.id, None, row)
    return row


@write_transaction
def update_price_list(price_list: PriceList, name: str | None = None, active: bool | None = None) -> PriceList:
    """Rename a list or take it out of use (``active``): a list a session type
    sells from stays in use."""
    require(Permission.CHANGE_SETTINGS)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _name(name, "price list")
        _check_name_free(PriceList, changes["name"], price_list.id, "price list")
    if active is not None:
        changes["active"] = bool(active)
        if not active:
            users = [t.name for t in SessionType.select().where(SessionType.price_list == price_list.id)]
            if users:
                raise ValidationError(
                    f"The session types {', '.join(users)} sell from {price_list.name}: link them to another "
                    "list first.",
                    "active",
                )
    return _write("price_list", price_list, f"Price list {price_list.name}", changes)


def _write(entity: str, row, what: str, changes: dict[str, Any]):
    """Write ``changes`` to ``row`` as loaded (refused when another terminal
    saved it since), audited; the caller's copy becomes the stored row."""
    with database.atomic():
        stored = versions.current(row, what)
        before = audit.snapshot(stored)
        if versions.write_changes(stored, what, **changes):
            audit.record(f"{entity}.update", entity, stored.id, before, stored)
    return versions.adopt(row, stored)


# -- items and packages ------------------------------------------------------


def _list_or_standard(price_list: PriceList | None) -> PriceList:
    """``price_list``, or the studio's default list (made as "Standard" when there is none)."""
    if price_list is not None:
        return price_list
    existing = default_price_list()
    if existing is not None:
        return existing
    row = PriceList.create(name=STANDARD_LIST)
    audit.record("price_list.create", "price_list", row.id, None, row)
    return row


@write_transaction
def create_price_item(
    code: str,
    name: str,
    price_cents: int,
    taxable: bool = True,
    *,
    price_list: PriceList | None = None,
    group: str = "",
    cost_cents: int = 0,
    quick_pick: bool = False,
    vendor: str = "",
) -> PriceItem:
    require(Permission.CHANGE_SETTINGS)
    code = _code(code)
    values = dict(
        vendor=_vendor(vendor),
        name=_name(name, "item", "description"),
        price_cents=_cents(price_cents),
        cost_cents=_cents(cost_cents, "cost"),
        group_name=_group(group),
        taxable=bool(taxable),
        quick_pick=bool(quick_pick),
    )
    with database.atomic():
        listed = _list_or_standard(price_list)
        _check_code_free(listed, code)
        row = PriceItem.create(code=code, price_list=listed, **values)
        audit.record("price_item.create", "price_item", row.id, None, row)
    return row


def add_price_item(code: str, name: str, price: str, price_list: PriceList | None = None) -> PriceItem:
    """A price-list item from what a person typed: the price as an amount ("45" or "45.00")."""
    return create_price_item(code, name, parse_money(price or "", "price"), price_list=price_list)


def _check_contents(package_list_id: int, contents: Sequence[tuple[PriceItem, int]]) -> None:
    if not contents:
        raise ValidationError("A package needs at least one item.", "contents")
    seen = set()
    for item, quantity in contents:
        if item.is_package:
            raise ValidationError("A package cannot contain another package.", "contents")
        if item.price_list_id != package_list_id:
            raise ValidationError(f"{item.name} is on another price list than the package.", "contents")
        if item.id in seen:
            raise ValidationError(f"{item.name} is in the package twice: give it one quantity.", "contents")
        seen.add(item.id)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_COMPONENT_QUANTITY:
            raise ValidationError(f"Each package item needs a quantity from 1 to {MAX_COMPONENT_QUANTITY}.", "contents")


def _check_image_limits(min_images: Any, max_images: Any, units: int) -> None:
    """A package is for ``min_images`` to ``max_images`` images, at most one per component unit."""
    for value, word in ((min_images, "minimum"), (max_images, "maximum")):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_IMAGES:
            raise ValidationError(f"The {word} of images must be a whole number from 1 to {MAX_IMAGES}.", word)
    if max_images < min_images:
        raise ValidationError("The maximum of images cannot be below the minimum.", "maximum")
    if max_images > units:
        raise ValidationError(
            f"The package holds {units} pieces, so at most {units} images (one per piece).", "maximum"
        )


def _store_contents(package: PriceItem, contents: Sequence[tuple[PriceItem, int]]) -> None:
    PackageItem.delete().where(PackageItem.package == package.id).execute()
    for item, quantity in contents:
        PackageItem.create(package=package, item=item, quantity=quantity)


@write_transaction
def create_package(
    code: str,
    name: str,
    price_cents: int,
    contents: Sequence[tuple[PriceItem, int]],
    taxable: bool = True,
    *,
    price_list: PriceList | None = None,
    min_images: int = 1,
    max_images: int | None = None,
    pose_fee_cents: int = 0,
    group: str = "",
    cost_cents: int = 0,
    quick_pick: bool = False,
) -> PriceItem:
    """A package: ``contents`` (item, quantity) of its list at one price, for
    ``min_images`` to ``max_images`` images (default: one per piece)."""
    require(Permission.CHANGE_SETTINGS)
    if not contents:
        raise ValidationError("A package needs at least one item.", "contents")
    listed = price_list or contents[0][0].price_list
    _check_contents(listed.id, contents)
    units = sum(quantity for _item, quantity in contents)
    max_images = units if max_images is None else max_images
    _check_image_limits(min_images, max_images, units)
    with database.atomic():
        package = create_price_item(
            code,
            name,
            price_cents,
            taxable,
            price_list=listed,
            group=group,
            cost_cents=cost_cents,
            quick_pick=quick_pick,
        )
        versions.write_changes(
            package,
            f"Package {package.code}",
            is_package=True,
            min_images=min_images,
            max_images=max_images,
            pose_fee_cents=_cents(pose_fee_cents, "pose fee"),
        )
        _store_contents(package, contents)
        audit.record(
            "price_item.contents",
            "price_item",
            package.id,
            None,
            {**audit.snapshot(package), "contents": _contents_snapshot(package)},
        )
    return package


ITEM_FIELDS = ("code", "name", "group_name", "price_cents", "cost_cents", "taxable", "hidden", "quick_pick", "vendor")


def vendor_names() -> list[str]:
    """The studio's vendors (labs), by name."""
    return sorted(settings.vendors())


def _vendor(value: str) -> str:
    """The vendor that makes an item: one of the studio's vendors (settings), or "" (made in house)."""
    name = " ".join(str(value or "").split())
    if not name:
        return ""
    for known in settings.vendors():
        if known.casefold() == name.casefold():
            return known
    known_names = ", ".join(vendor_names()) or "none yet"
    raise ValidationError(
        f"'{name}' is not one of the studio's vendors ({known_names}): add it with its lead time in Studio "
        "Settings (Production).",
        "vendor",
    )


PACKAGE_FIELDS = ("min_images", "max_images", "pose_fee_cents")


@write_transaction
def update_price_item(item: PriceItem, **values: Any) -> PriceItem:
    """Change an item or package as the screen loaded it (fields of
    ITEM_FIELDS, and PACKAGE_FIELDS for a package). Invoices keep the prices
    they were sold at."""
    require(Permission.CHANGE_SETTINGS)
    allowed_fields = ITEM_FIELDS + (PACKAGE_FIELDS if item.is_package else ())
    unknown = set(values) - set(allowed_fields)
    if unknown:
        raise ValidationError(f"An item has no field {', '.join(sorted(unknown))}.")
    checks: dict[str, Callable[[Any], Any]] = {
        "code": _code,
        "name": lambda v: _name(v, "item", "description"),
        "group_name": _group,
        "price_cents": _cents,
        "cost_cents": lambda v: _cents(v, "cost"),
        "pose_fee_cents": lambda v: _cents(v, "pose fee"),
        "taxable": bool,
        "hidden": bool,
        "quick_pick": bool,
        "vendor": _vendor,
    }
    changes = {name: checks[name](value) if name in checks else value for name, value in values.items()}
    if "code" in changes:
        _check_code_free(item.price_list, changes["code"], item.id)
    if item.is_package and ("min_images" in changes or "max_images" in changes):
        _check_image_limits(
            changes.get("min_images", item.min_images), changes.get("max_images", item.max_images), package_units(item)
        )
    return _write("price_item", item, f"Item {item.code}", changes)


@write_transaction
def set_package_contents(package: PriceItem, contents: Sequence[tuple[PriceItem, int]]) -> PriceItem:
    """Replace a package's components (as the screen loaded the package); its
    maximum of images comes down to the new number of pieces when above it."""
    require(Permission.CHANGE_SETTINGS)
    if not package.is_package:
        raise ValidationError(f"{package.name} is an item, not a package.")
    _check_contents(package.price_list_id, contents)
    units = sum(quantity for _item, quantity in contents)
    max_images = min(package.max_images or units, units)
    min_images = min(package.min_images or 1, max_images)
    with database.atomic():
        stored = versions.current(package, f"Package {package.code}")
        before = {**audit.snapshot(stored), "contents": _contents_snapshot(stored)}
        what = f"Package {package.code}"
        if not versions.write_changes(stored, what, min_images=min_images, max_images=max_images):
            versions.bump(stored, what)  # the pieces alone changed: other terminals still see a new version
        _store_contents(stored, contents)
        audit.record(
            "price_item.contents",
            "price_item",
            stored.id,
            before,
            {**audit.snapshot(stored), "contents": _contents_snapshot(stored)},
        )
    return versions.adopt(package, stored)


def _contents_snapshot(package: PriceItem) -> list[tuple[int, int]]:
    return [(row.item_id, row.quantity) for row in package.contents.order_by(PackageItem.id)]


def components(package: PriceItem) -> list[tuple[PriceItem, int]]:
    """A package's (item, quantity) pieces, in the order they were listed."""
    return [(row.item, row.quantity) for row in package.contents.order_by(PackageItem.id)]


def package_units(package: PriceItem) -> int:
    return sum(quantity for _item, quantity in components(package))


def items_of(price_list: PriceList | None, include_hidden: bool = False, packages: bool = True) -> list[PriceItem]:
    """A list's items as they are offered: quick picks first, then by group and code."""
    if price_list is None:
        return []
    query = PriceItem.select().where(PriceItem.price_list == price_list.id)
    if not include_hidden:
        query = query.where(PriceItem.hidden == False)  # noqa: E712
    if not packages:
        query = query.where(PriceItem.is_package == False)  # noqa: E712
    return list(query.order_by(PriceItem.quick_pick.desc(), PriceItem.group_name, PriceItem.code))


def find_item(code: str, price_list: PriceList | None = None) -> PriceItem:
    """An item of ``price_list`` (default: the studio's default list) by its code."""
    listed = price_list or default_price_list()
    item = None
    if listed is not None:
        item = PriceItem.get_or_none(
            (PriceItem.price_list == listed.id) & (PriceItem.code == (code or "").strip().upper())
        )
    if item is None:
        where = f" on the price list {listed.name}" if listed is not None else ""
        raise NotFound(f"There is no price-list item '{(code or '').strip()[:40]}'{where}.")
    return item


# -- session types and rooms -------------------------------------------------


def _length(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 5 <= value <= 720:
        raise ValidationError("A session lasts from 5 minutes to 12 hours.", "length")
    return value


@write_transaction
def create_session_type(
    name: str, length_minutes: int, fee_cents: int, color: str = "#87af87", price_list: PriceList | None = None
) -> SessionType:
    """A session type, selling from ``price_list`` (default: the studio's default list, if any)."""
    require(Permission.CHANGE_SETTINGS)
    name = _name(name, "session type")
    _check_name_free(SessionType, name, None, "session type")
    with database.atomic():
        row = SessionType.create(
            name=name,
            length_minutes=_length(length_minutes),
            fee_cents=_cents(fee_cents, "fee"),
            color=_color(color),
            price_list=price_list or default_price_list(),
        )
        audit.record("session_type.create", "session_type", row.id, None, row)
    return row


def _color(value: Any) -> str:
    text = one_line(str(value or ""))
    if len(text) != 7 or not text.startswith("#") or any(c not in "0123456789abcdefABCDEF" for c in text[1:]):
        raise ValidationError("Type the colour as #rrggbb, e.g. #87afd7.", "color")
    return text.lower()


@write_transaction
def update_session_type(
    session_type: SessionType,
    name: str | None = None,
    length_minutes: int | None = None,
    fee_cents: int | None = None,
    color: str | None = None,
    price_list: PriceList | None = None,
    active: bool | None = None,
) -> SessionType:
    """Change a session type as the screen loaded it. Sessions already booked
    keep their length; invoices keep their fee."""
    require(Permission.CHANGE_SETTINGS)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _name(name, "session type")
        _check_name_free(SessionType, changes["name"], session_type.id, "session type")
    if length_minutes is not None:
        changes["length_minutes"] = _length(length_minutes)
    if fee_cents is not None:
        changes["fee_cents"] = _cents(fee_cents, "fee")
    if color is not None:
        changes["color"] = _color(color)
    if price_list is not None:
        if not price_list.active:
            raise ValidationError(f"The price list {price_list.name} is out of use.", "price_list")
        changes["price_list"] = price_list
    if active is not None:
        changes["active"] = bool(active)
    return _write("session_type", session_type, f"Session type {session_type.name}", changes)


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


def session_types(include_inactive: bool = False) -> list[SessionType]:
    query = SessionType.select()
    if not include_inactive:
        query = query.where(SessionType.active == True)  # noqa: E712
    return list(query.order_by(SessionType.name))


# -- for the price-list manager's screens ------------------------------------


@dataclass(frozen=True)
class ListOverview:
    """A price list as the manager's list shows it."""

    price_list: PriceList
    items: int  # its items and packages, hidden ones too
    session_types: list[str]  # the names of the session types that sell from it


def price_list_overview() -> list[ListOverview]:
    """Every price list, in use or not, with how many items it has and who sells from it."""
    counted = PriceItem.select(PriceItem.price_list, fn.COUNT(PriceItem.id)).group_by(PriceItem.price_list)
    counts: dict[int, int] = {list_id: count for list_id, count in tuples(counted)}
    sellers: dict[int, list[str]] = {}
    for name, list_id in tuples(
        SessionType.select(SessionType.name, SessionType.price_list)
        .where(SessionType.price_list.is_null(False))
        .order_by(SessionType.name)
    ):
        sellers.setdefault(list_id, []).append(name)
    return [
        ListOverview(row, counts.get(row.id, 0), sellers.get(row.id, [])) for row in price_lists(include_inactive=True)
    ]


def get_price_item(item_id: int) -> PriceItem:
    row = PriceItem.get_or_none(PriceItem.id == item_id)
    if row is None:
        raise NotFound("That item no longer exists.")
    return row


def get_session_type(type_id: int) -> SessionType:
    row = SessionType.get_or_none(SessionType.id == type_id)
    if row is None:
        raise NotFound("That session type no longer exists.")
    return row


def search_items(price_list: PriceList, text: str = "") -> list[PriceItem]:
    """Every item and package of a list (hidden ones too: the manager's view)
    whose code, description or group contains ``text``; by group, then code."""
    query = PriceItem.select().where(PriceItem.price_list == price_list.id)
    wanted = one_line(text or "")
    if wanted:
        pattern = f"%{wanted}%"
        query = query.where(
            PriceItem.code.ilike(pattern) | PriceItem.name.ilike(pattern) | PriceItem.group_name.ilike(pattern)
        )
    return list(query.order_by(PriceItem.group_name, PriceItem.code))


def contents_text(package: PriceItem) -> str:
    """A package's pieces as they are typed: 'P8X10 x2, DIG x1'."""
    return ", ".join(f"{item.code} x{quantity}" for item, quantity in components(package))


def parse_contents(text: str, price_list: PriceList) -> list[tuple[PriceItem, int]]:
    """What a manager typed as a package's pieces ('P8X10 x2, DIG', a piece
    without a quantity is one) as (item, quantity) of ``price_list``."""
    contents: list[tuple[PriceItem, int]] = []
    for piece in (one_line(text or "")).split(","):
        words = piece.split()
        if not words:
            continue
        quantity_text = "1"
        if len(words) == 2 and words[1].lower().lstrip("x").isdigit():
            quantity_text = words[1].lower().lstrip("x")
        elif len(words) != 1:
            raise ValidationError(
                f"Type each piece as a code and a quantity, e.g. P8X10 x2 (not '{piece.strip()}').", "contents"
            )
        if not quantity_text.isascii():
            raise ValidationError(f"Each package item needs a quantity from 1 to {MAX_COMPONENT_QUANTITY}.", "contents")
        try:
            item = find_item(words[0], price_list)
        except NotFound as error:
            raise ValidationError(str(error), "contents") from None
        contents.append((item, int(quantity_text)))
    if not contents:
        raise ValidationError("A package needs at least one item, e.g. P8X10 x2, DIG.", "contents")
    _check_contents(price_list.id, contents)
    return contents


def typed_count(text: str, what: str, field: str, blank: int | None = None) -> int | None:
    """A whole number a person typed ("3"); ``blank`` when nothing is typed."""
    number = whole_number(text, field, what, required=False)
    return blank if number is None else number
