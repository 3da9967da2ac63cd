"""Session types (the palette's "Session types", its key, Price lists): name,
length, fee, colour, the price list its orders sell from, and whether it is
still booked. A manager or the owner adds and edits them; anyone else is told
why not. The rules are data/catalog.py's."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.widget import Widget
from textual.widgets import Checkbox, Input

from ..data import catalog
from ..data.errors import ValidationError
from ..data.models import SessionType
from ..data.money import format_money, parse_money, typed_amount
from . import keymap
from .dialogs import SmallForm
from .price_lists import CatalogScreen
from .widgets import FieldTable
from .wizard.fields import ChoiceField

DEFAULT_COLOR = "#87af87"


def _values(kind: SessionType) -> tuple:
    listed = kind.price_list
    return (
        kind.name,
        f"{kind.length_minutes} min",
        format_money(kind.fee_cents),
        kind.color,
        listed.name + ("" if listed.active else " (out of use)") if listed is not None else "the default list",
        "in use" if kind.active else "out of use",
    )


class SessionTypesScreen(CatalogScreen):
    """Every session type, in use or not."""

    BINDINGS = keymap.bindings("catalog_types")
    SCREEN_TITLE = "Session types"
    HEAD = "What the studio books; each type's orders sell from its price list."

    def make_table(self) -> FieldTable:
        return FieldTable(
            [("Session type", 24), ("Length", 8), ("Fee", 10, "right"), ("Colour", 7), ("Price list", 24), ("", 10)],
            values=_values,
            key=lambda kind: kind.id,
            narrow_fields=[(0, 20), (1, 8), (2, 10), (4, 16), (5, 10)],
        )

    def rows(self) -> list[SessionType]:
        return catalog.session_types(include_inactive=True)

    def keys_hint(self) -> str:
        return keymap.hint(
            ("catalog_types.new", "new type"),
            ("catalog_types.edit", "edits"),
            ("catalog_types.in_use", "in/out of use"),
        )

    def loaded(self, count: int) -> None:
        if not count:
            self.say("The studio has no session type yet. " + self.keys_hint())

    @on(FieldTable.Chosen)
    def _chosen(self, event: FieldTable.Chosen) -> None:
        event.stop()
        self.action_edit()

    def action_new_type(self) -> None:
        if not self.refused():
            self.app.push_screen(SessionTypeDialog(None), self.after_dialog("Session type added."))

    def action_edit(self) -> None:
        kind: SessionType | None = self.selected()
        if kind is not None:
            self.app.push_screen(SessionTypeDialog(kind), self.after_dialog("Saved."))

    def action_toggle_in_use(self) -> None:
        kind: SessionType | None = self.selected()
        if kind is not None:
            said = f"{kind.name} is booked again." if not kind.active else f"{kind.name} is out of use."
            self.run(lambda: catalog.update_session_type(kind, active=not kind.active), said, key=kind.id)


class SessionTypeDialog(SmallForm):
    """A new session type or its fields. Dismisses with the saved SessionType."""

    DEFAULT_CSS = """
    SessionTypeDialog > Vertical { width: 72; }
    SessionTypeDialog .field-label { width: 14; }
    SessionTypeDialog ChoiceField { background: $boost; }
    SessionTypeDialog ChoiceField:focus { background: $accent 30%; }
    """
    FIELDS = [
        ("name", "Name", "e.g. Family portrait"),
        ("length", "Length (min)", "60"),
        ("fee", "Fee", "150.00"),
        ("color", "Colour", "#rrggbb, e.g. #87afd7"),
        ("price_list", "Price list", ""),
        ("active", "In use", ""),
    ]

    def __init__(self, kind: SessionType | None):
        self.kind = kind
        self.TITLE_TEXT = kind.name if kind else "A new session type"
        self.lists = catalog.price_lists()
        super().__init__()

    def initial(self, field: str) -> str:
        kind = self.kind
        if kind is None:
            return DEFAULT_COLOR if field == "color" else ""
        return {
            "name": kind.name,
            "length": str(kind.length_minutes),
            "fee": typed_amount(kind.fee_cents),
            "color": kind.color,
        }.get(field, "")

    def keys_hint(self) -> str:
        return super().keys_hint() + f" · {keymap.widget_key('choice')} price list"

    def field_widget(self, field: str, placeholder: str) -> Widget:
        if field == "price_list":
            options: list[tuple[int | None, str]] = [(listed.id, listed.name) for listed in self.lists]
            options = options or [(None, "no price list in use")]
            default = catalog.default_price_list()
            chosen = self.kind.price_list_id if self.kind else default.id if default else None
            return ChoiceField(options, chosen, id="f-price_list")
        if field == "active":
            return Checkbox(
                "booked (offered on the calendar)", self.kind.active if self.kind else True, id="f-active", compact=True
            )
        return super().field_widget(field, placeholder)

    def values(self) -> dict[str, Any]:
        typed: dict[str, Any] = {
            field: self.query_one(f"#f-{field}", Input).value for field in ("name", "length", "fee", "color")
        }
        typed["price_list"] = self.query_one("#f-price_list", ChoiceField).value
        typed["active"] = self.query_one("#f-active", Checkbox).value
        return typed

    def perform(self, values: dict[str, Any]) -> SessionType:
        length = catalog.typed_count(values["length"], "length in minutes", "length")
        if length is None:
            raise ValidationError("Type the length in minutes, e.g. 60.", "length")
        try:
            fee = parse_money(values["fee"] or "0", "fee")
        except ValidationError as error:
            raise ValidationError(str(error), "fee") from None
        listed = next((row for row in self.lists if row.id == values["price_list"]), None)
        if self.kind is None:
            kind = catalog.create_session_type(values["name"], length, fee, values["color"], listed)
            if not values["active"]:
                kind = catalog.update_session_type(kind, active=False)
            return kind
        return catalog.update_session_type(
            self.kind,
            name=values["name"],
            length_minutes=length,
            fee_cents=fee,
            color=values["color"],
            price_list=listed,
            active=values["active"],
        )

    def reload_record(self) -> None:
        if self.kind is not None:
            self.kind = catalog.get_session_type(self.kind.id)

    def _rebase(self) -> None:
        """Another terminal saved the type: the typed fields stay, the others take its values."""
        loaded = {field: self.initial(field) for field in ("name", "length", "fee", "color")}
        self.reload_record()
        for field, was in loaded.items():
            box = self.query_one(f"#f-{field}", Input)
            if box.value == was:
                box.value = self.initial(field)
