"""A price list's items and packages (Enter on a list in Price lists): code,
description, group, price, cost, taxable, hidden, quick pick, and for a
package its image limits and pose fee. Typing in the find field narrows the
list; a manager or the owner adds and edits items and packages, sets a
package's pieces, hides and shows, and turns quick picks on and off. Money
is typed as amounts (data/money.parse_money); the rules are data/catalog.py's.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Checkbox, Input

from ..data import catalog
from ..data.errors import ValidationError
from ..data.models import PriceItem, PriceList
from ..data.money import format_money, parse_money, typed_amount
from . import keymap
from .dialogs import NO_VALIDATION, SmallForm
from .price_lists import CatalogScreen
from .widgets import FieldTable

TICKS = {"taxable": "taxable", "quick_pick": "a quick pick (offered first)", "hidden": "hidden (not offered)"}


def _package_column(item: PriceItem) -> str:
    if not item.is_package:
        return ""
    fee = f", {format_money(item.pose_fee_cents)}/pose" if item.pose_fee_cents else ""
    return f"{item.min_images}–{item.max_images} img{fee}"


def _values(item: PriceItem) -> tuple:
    return (
        item.code,
        item.name,
        item.group_name,
        format_money(item.price_cents),
        format_money(item.cost_cents) if item.cost_cents else "",
        "yes" if item.taxable else "no",
        "hidden" if item.hidden else "",
        "quick" if item.quick_pick else "",
        _package_column(item),
    )


class PriceItemsScreen(CatalogScreen):
    """One list's items and packages, found by typing."""

    BINDINGS = keymap.bindings("catalog_items")
    DEFAULT_CSS = """
    PriceItemsScreen #items-filter { margin: 0 1; width: 1fr; max-width: 60; }
    """
    SCREEN_TITLE = "Price list"

    def __init__(self, price_list: PriceList):
        self.price_list = price_list
        self.SCREEN_TITLE = f"Price list {price_list.name}"
        self.HEAD = f"The items and packages of {price_list.name}; hidden ones are not offered on orders."
        super().__init__()

    def compose_above(self) -> ComposeResult:
        yield Input(
            placeholder="type to find: code, description or group",
            id="items-filter",
            compact=True,
            validate_on=NO_VALIDATION,
        )

    def make_table(self) -> FieldTable:
        return FieldTable(
            [
                ("Code", 8),
                ("Description", 22),
                ("Group", 10),
                ("Price", 9, "right"),
                ("Cost", 9, "right"),
                ("Tax", 3),
                ("Hidden", 6),
                ("Quick", 5),
                ("Package", 22),
            ],
            values=_values,
            key=lambda item: item.id,
            narrow_fields=[(0, 8), (1, 13), (3, 9), (5, 3), (6, 6), (7, 5), (8, 14)],
        )

    @property
    def filter_box(self) -> Input:
        return self.query_one("#items-filter", Input)

    def rows(self) -> list[PriceItem]:
        return catalog.search_items(self.price_list, self._typed)

    def reload(self, then_select: Any = None) -> None:
        self._typed = self.filter_box.value  # read here: rows() runs in the table's worker
        super().reload(then_select)

    def loaded(self, count: int) -> None:
        if count:
            return
        if self._typed.strip():
            self.say(f"Nothing on {self.price_list.name} matches '{self._typed.strip()}'. " + self.keys_hint())
        else:
            self.say(f"{self.price_list.name} has no items yet. " + self.keys_hint())

    def keys_hint(self) -> str:
        return keymap.hint(
            ("catalog_items.new_item", "new item"),
            ("catalog_items.new_package", "package"),
            ("catalog_items.edit", "edits"),
            ("catalog_items.contents", "pieces"),
            ("catalog_items.hide", "hide/show"),
            ("catalog_items.quick_pick", "quick pick"),
            ("catalog_items.filter", "find"),
        )

    def focus_first(self) -> None:
        """The items, where the letters act (the find field is a key away); for
        someone refused, no find field either."""
        self.filter_box.display = not self.refused()
        super().focus_first()

    @on(Input.Changed, "#items-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.reload()

    @on(Input.Submitted, "#items-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_focus_results()

    def action_focus_filter(self) -> None:
        if not self.refused():
            self.filter_box.focus()

    def action_focus_results(self) -> None:
        self.table.focus_when_loaded()

    @on(FieldTable.Chosen)
    def _chosen(self, event: FieldTable.Chosen) -> None:
        event.stop()
        self.action_edit()

    def _item(self) -> PriceItem | None:
        return self.selected()

    def action_new_item(self) -> None:
        if not self.refused():
            self.app.push_screen(ItemDialog(self.price_list, None), self.after_dialog("Item added."))

    def action_new_package(self) -> None:
        if not self.refused():
            self.app.push_screen(ItemDialog(self.price_list, None, package=True), self.after_dialog("Package added."))

    def action_edit(self) -> None:
        item = self._item()
        if item is not None:
            self.app.push_screen(ItemDialog(self.price_list, item), self.after_dialog("Saved."))

    def action_contents(self) -> None:
        item = self._item()
        if item is None:
            return
        if not item.is_package:
            self.say(f"{item.code} is an item, not a package: only a package has pieces.", error=True)
            return
        self.app.push_screen(ContentsDialog(item), self.after_dialog("The package's pieces are saved."))

    def action_toggle_hidden(self) -> None:
        item = self._item()
        if item is not None:
            said = f"{item.code} is shown on orders again." if item.hidden else f"{item.code} is hidden from orders."
            self.run(lambda: catalog.update_price_item(item, hidden=not item.hidden), said, key=item.id)

    def action_toggle_quick_pick(self) -> None:
        item = self._item()
        if item is not None:
            said = f"{item.code} is no quick pick now." if item.quick_pick else f"{item.code} is a quick pick."
            self.run(lambda: catalog.update_price_item(item, quick_pick=not item.quick_pick), said, key=item.id)


def _amount(text: str, words: str, field: str, blank_is_zero: bool = False) -> int:
    """An amount typed in the studio's locale, as cents; its message names ``field``."""
    if blank_is_zero and not text.strip():
        return 0
    try:
        return parse_money(text, words)
    except ValidationError as error:
        raise ValidationError(str(error), field) from None


class ItemDialog(SmallForm):
    """A new item or package of a list, or every field of one. Dismisses with the saved PriceItem."""

    DEFAULT_CSS = """
    ItemDialog > Vertical { width: 76; }
    ItemDialog .field-label { width: 14; }
    ItemDialog .small-title { width: 100%; }
    """
    ITEM_FIELDS = [
        ("code", "Code", "one word, e.g. P8X10"),
        ("description", "Description", "e.g. Print 8x10"),
        ("group", "Group", "e.g. Prints (may be empty)"),
        ("price", "Price", "45.00"),
        ("cost", "Cost", "what it costs the studio (may be empty)"),
        ("taxable", "Taxable", ""),
        ("quick_pick", "Quick pick", ""),
        ("vendor", "Vendor", "the lab that makes it; empty: made in house"),
    ]
    PACKAGE_FIELDS = [
        ("minimum", "Min images", "1"),
        ("maximum", "Max images", "empty: one per piece"),
        ("pose_fee", "Pose fee", "each image past the first (may be empty)"),
    ]

    def __init__(self, price_list: PriceList, item: PriceItem | None, package: bool = False):
        self.price_list = price_list
        self.item = item
        self.package = item.is_package if item is not None else package
        what = "package" if self.package else "item"
        self.TITLE_TEXT = (
            f"{item.code} on {price_list.name}" if item is not None else f"A new {what} on {price_list.name}"
        )
        if item is not None and item.is_package:
            self.TITLE_TEXT += f" (pieces: {catalog.contents_text(item)})"
        fields = [field for field in self.ITEM_FIELDS if not (self.package and field[0] == "vendor")]
        if not self.package:  # a package's pieces carry their vendors
            known = ", ".join(catalog.vendor_names()) or "none yet (Studio Settings, Production)"
            fields = [
                (f, label, f"{known}; empty: made in house" if f == "vendor" else hint) for f, label, hint in fields
            ]
        if item is not None:
            fields.append(("hidden", "Hidden", ""))
        if self.package and item is None:
            fields.append(("contents", "Pieces", "codes of this list, e.g. P8X10 x2, DIG"))
        if self.package:
            fields += self.PACKAGE_FIELDS
        self.FIELDS = fields
        super().__init__()

    def initial(self, field: str) -> str:
        item = self.item
        if item is None:
            return {"price": "", "minimum": "1"}.get(field, "")
        return {
            "code": item.code,
            "description": item.name,
            "group": item.group_name,
            "vendor": item.vendor,
            "price": typed_amount(item.price_cents),
            "cost": typed_amount(item.cost_cents) if item.cost_cents else "",
            "minimum": str(item.min_images or 1),
            "maximum": str(item.max_images or ""),
            "pose_fee": typed_amount(item.pose_fee_cents) if item.pose_fee_cents else "",
        }.get(field, "")

    def ticked(self, field: str) -> bool:
        if self.item is None:
            return field == "taxable"
        return bool(getattr(self.item, field))

    def field_widget(self, field: str, placeholder: str) -> Widget:
        if field in TICKS:
            return Checkbox(TICKS[field], self.ticked(field), id=f"f-{field}", compact=True)
        return super().field_widget(field, placeholder)

    def values(self) -> dict[str, Any]:
        typed: dict[str, Any] = {}
        for field, _label, _placeholder in self.FIELDS:
            if field in TICKS:
                typed[field] = self.query_one(f"#f-{field}", Checkbox).value
            else:
                typed[field] = self.query_one(f"#f-{field}", Input).value
        return typed

    def perform(self, values: dict[str, Any]) -> PriceItem:
        fields: dict[str, Any] = dict(
            code=values["code"],
            name=values["description"],
            group_name=values["group"],
            price_cents=_amount(values["price"], "price", "price"),
            cost_cents=_amount(values["cost"], "cost", "cost", blank_is_zero=True),
            taxable=values["taxable"],
            quick_pick=values["quick_pick"],
        )
        if not self.package:
            fields["vendor"] = values["vendor"]
        if self.package:
            fields.update(
                min_images=catalog.typed_count(values["minimum"], "minimum of images", "minimum", blank=1),
                max_images=catalog.typed_count(values["maximum"], "maximum of images", "maximum"),
                pose_fee_cents=_amount(values["pose_fee"], "pose fee", "pose_fee", blank_is_zero=True),
            )
        if self.item is not None:
            if "hidden" in values:
                fields["hidden"] = values["hidden"]
            if self.package and fields["max_images"] is None:
                fields["max_images"] = catalog.package_units(self.item)
            return catalog.update_price_item(self.item, **fields)
        if not self.package:
            return catalog.create_price_item(
                fields["code"],
                fields["name"],
                fields["price_cents"],
                fields["taxable"],
                price_list=self.price_list,
                group=fields["group_name"],
                cost_cents=fields["cost_cents"],
                quick_pick=fields["quick_pick"],
                vendor=fields["vendor"],
            )
        return catalog.create_package(
            fields["code"],
            fields["name"],
            fields["price_cents"],
            catalog.parse_contents(values["contents"], self.price_list),
            fields["taxable"],
            price_list=self.price_list,
            min_images=fields["min_images"],
            max_images=fields["max_images"],
            pose_fee_cents=fields["pose_fee_cents"],
            group=fields["group_name"],
            cost_cents=fields["cost_cents"],
            quick_pick=fields["quick_pick"],
        )

    def reload_record(self) -> None:
        if self.item is not None:
            self.item = catalog.get_price_item(self.item.id)

    def _rebase(self) -> None:
        """Another terminal saved the item: what was changed here stays, the other fields take its values."""
        loaded = {field: self.initial(field) for field, _label, _placeholder in self.FIELDS if field not in TICKS}
        ticks = {field: self.ticked(field) for field, _label, _placeholder in self.FIELDS if field in TICKS}
        self.reload_record()
        for field, was in loaded.items():
            box = self.query_one(f"#f-{field}", Input)
            if box.value == was:
                box.value = self.initial(field)
        for field, ticked in ticks.items():
            tick = self.query_one(f"#f-{field}", Checkbox)
            if tick.value == ticked:
                tick.value = self.ticked(field)


class ContentsDialog(SmallForm):
    """A package's pieces, typed as codes of its list with quantities. Dismisses with the package."""

    DEFAULT_CSS = """
    ContentsDialog > Vertical { width: 76; }
    ContentsDialog .small-title { width: 100%; }
    """
    FIELDS = [("contents", "Pieces", "e.g. P8X10 x2, DIG")]

    def __init__(self, package: PriceItem):
        self.package = package
        codes = ", ".join(sorted(item.code for item in catalog.items_of(package.price_list, True, packages=False)))
        self.TITLE_TEXT = (
            f"The pieces of {package.code} ({package.name}): a code and a quantity each, commas between.\n"
            f"Items of {package.price_list.name}: {codes or 'none yet'}"
        )
        super().__init__()

    def initial(self, field: str) -> str:
        return catalog.contents_text(self.package)

    def perform(self, values: dict[str, Any]) -> PriceItem:
        contents = catalog.parse_contents(values["contents"], self.package.price_list)
        return catalog.set_package_contents(self.package, contents)

    def reload_record(self) -> None:
        self.package = catalog.get_price_item(self.package.id)
