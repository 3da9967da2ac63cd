"""The setup's list steps: the staff (the Staff panel itself), the rooms and
the session types, each showing what the studio already has."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from ...data import calendar as cal
from ...data import catalog, users
from ...data.money import format_money
from .. import keymap
from ..staff import StaffPanel
from .step import SetupStep, field_row, text_input


class StaffStep(SetupStep):
    step_id = "staff"
    title = "Staff"

    def compose(self) -> ComposeResult:
        yield Static(
            "Everyone who works at the studio, with a password or PIN each. Photographers (or anyone "
            "ticked as photographing) get a column on the calendar.",
            classes="lead",
        )
        yield StaffPanel()

    def show(self) -> None:
        self.query_one(StaffPanel).reload()

    def done(self) -> bool:
        return len(users.active_users()) > 1

    def focus_first(self) -> None:
        self.query_one(StaffPanel).table.focus()


class _ListStep(SetupStep):
    """What the studio has, then fields to add one more: Enter on the last
    field adds it and stays for the next; saving adds what is typed, if anything."""

    def compose_list(self) -> ComposeResult:
        yield Static("", id=f"{self.step_id}-list", classes="setup-list")

    def names(self) -> list[str]:
        raise NotImplementedError

    def add(self) -> None:
        raise NotImplementedError

    def typed(self, field: str) -> str:
        return self.query_one(f"#f-{field}", Input).value

    def show(self) -> None:
        names = self.names()
        shown = "\n".join(f"• {name}" for name in names) if names else "None yet."
        self.query_one(f"#{self.step_id}-list", Static).update(shown)

    def done(self) -> bool:
        return bool(self.names())

    def submitted(self, field: Input) -> None:
        fields = list(self.query(Input))
        if field is not fields[-1]:
            self.screen.focus_next()
            return
        if self.setup.try_step(self.add_typed):
            fields[0].focus()

    def add_typed(self) -> None:
        self.add()
        for field in self.query(Input):
            field.value = ""
        self.show()

    def save(self) -> None:
        if self.typed_anything():
            self.add_typed()


class RoomsStep(_ListStep):
    step_id = "rooms"
    title = "Rooms"

    def compose(self) -> ComposeResult:
        yield Static("The studio's rooms (a booking may take one):", classes="lead")
        yield from self.compose_list()
        yield from field_row("name", "New room", text_input("name", placeholder="e.g. Main studio"))
        yield Static(f"{keymap.widget_key('submit')} adds it", classes="hint")

    def names(self) -> list[str]:
        return [room.name for room in cal.rooms()]

    def add(self) -> None:
        catalog.create_room(self.typed("name"))


class SessionTypesStep(_ListStep):
    step_id = "session_types"
    title = "Session types"

    def compose(self) -> ComposeResult:
        yield Static("What the studio books, with its length and fee:", classes="lead")
        yield from self.compose_list()
        yield from field_row("name", "New type", text_input("name", placeholder="e.g. Family portrait"))
        yield from field_row("length", "Length (min)", text_input("length", placeholder="60"))
        yield from field_row("fee", "Fee", text_input("fee", placeholder="150.00"))
        yield Static(f"{keymap.widget_key('submit')} on the fee adds it", classes="hint")

    def names(self) -> list[str]:
        return [
            f"{kind.name} · {kind.length_minutes} min · {format_money(kind.fee_cents)}"
            for kind in catalog.session_types()
        ]

    def add(self) -> None:
        catalog.add_session_type(self.typed("name"), self.typed("length"), self.typed("fee"))


class PriceListStep(_ListStep):
    step_id = "price_list"
    title = "Price list"

    def compose(self) -> ComposeResult:
        yield Static("What the studio sells on invoices (prints, frames, files…):", classes="lead")
        yield from self.compose_list()
        yield from field_row("code", "Item code", text_input("code", placeholder="e.g. P8X10"))
        yield from field_row("name", "Name", text_input("name", placeholder="e.g. Print 8x10"))
        yield from field_row("price", "Price", text_input("price", placeholder="45.00"))
        yield Static(
            f"{keymap.widget_key('submit')} on the price adds it; "
            + keymap.hint(("price_lists", "opens the price lists: groups, costs, packages, more lists")),
            classes="hint",
        )

    def names(self) -> list[str]:
        return [
            f"{item.code} · {item.name} · {format_money(item.price_cents)}"
            for item in catalog.items_of(catalog.default_price_list())
        ]

    def add(self) -> None:
        catalog.add_price_item(self.typed("code"), self.typed("name"), self.typed("price"))
