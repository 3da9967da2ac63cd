"""One line of an invoice: a price-list item by code (or from the list),
quantity, price, tax.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from ...data import catalog
from ...data import invoices as invoice_data
from ...data.errors import DomainError
from ...data.models import Invoice, InvoiceLine, PriceItem
from ...data.money import format_money, parse_money
from ...data.text import whole_number
from ...data.versions import ChangedElsewhere, reloaded
from .. import keymap
from ..dialogs import RELOADED_KEEPING_TYPED, WRITE_ERRORS, ChoiceDialog, ConfirmDialog, readable
from ..hooks import ScreenHooks
from ..money import plain_amount


class LineDialog(ScreenHooks, ModalScreen[InvoiceLine | None]):
    """Add or edit an invoice line: an item from the price list (by code, or
    from the list: Enter on an empty or unknown code, or Ctrl+F), quantity,
    price, image number, taxable."""

    DEFAULT_CSS = """
    LineDialog { align: center middle; }
    LineDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    LineDialog .dialog-title { height: 1; text-style: bold; margin-bottom: 1; }
    LineDialog .field-row { height: 1; margin-bottom: 1; }
    LineDialog .field-row > Label { width: 12; color: $text-muted; }
    LineDialog #code { width: 12; }
    LineDialog #item-hint { width: 1fr; padding-left: 1; color: $text-muted; }
    LineDialog #description { width: 1fr; }
    LineDialog #quantity { width: 6; }
    LineDialog #price { width: 14; }
    LineDialog #image { width: 8; }
    LineDialog #taxable { width: auto; }
    LineDialog .short-label { width: auto; padding: 0 1 0 2; color: $text-muted; }
    LineDialog #error { color: $error; height: auto; }
    LineDialog .buttons { height: auto; align-horizontal: right; }
    LineDialog .buttons Button { margin-left: 1; }
    """
    BINDINGS = keymap.bindings("dialog.cancel", "invoice_line")

    def __init__(self, invoice: Invoice, line: InvoiceLine | None = None, image_number: int | None = None):
        super().__init__()
        self.invoice, self.line = invoice, line
        self.image_number = line.image_number if line is not None else image_number
        self.item: PriceItem | None = line.item if line is not None and line.item_id else None

    def compose(self) -> ComposeResult:
        line = self.line
        title = (f"Edit line {line.position}" if line else "Add a line") + f" · invoice {self.invoice.display_number}"
        with Vertical():
            yield Static(title, classes="dialog-title")
            with Horizontal(classes="field-row"):
                yield Label("Item code")
                yield Input(
                    self.item.code if self.item else "",
                    id="code",
                    compact=True,
                    placeholder="P8X10",
                    max_length=20,
                    disabled=line is not None,
                )
                yield Static(self._item_hint(), id="item-hint")
            with Horizontal(classes="field-row"):
                yield Label("Description")
                yield Input(line.description if line else "", id="description", compact=True, max_length=200)
            with Horizontal(classes="field-row"):
                yield Label("Quantity")
                yield Input(
                    str(line.quantity) if line else "1", id="quantity", compact=True, max_length=6, type="integer"
                )
                yield Label("Price", classes="short-label")
                yield Input(
                    plain_amount(line.unit_price_cents) if line else "",
                    id="price",
                    compact=True,
                    max_length=20,
                    placeholder="each",
                )
                yield Label("Image #", classes="short-label")
                yield Input(
                    str(self.image_number) if self.image_number else "",
                    id="image",
                    compact=True,
                    max_length=6,
                    type="integer",
                )
            with Horizontal(classes="field-row"):
                yield Label("Taxable")
                yield Checkbox("sales tax applies", line.taxable if line else True, id="taxable", compact=True)
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Button(f"Save line ({keymap.widget_key('submit')})", variant="primary", id="ok", compact=True)
                yield Button(f"Back ({keymap.key('dialog.cancel')})", id="back", compact=True)

    def _item_hint(self) -> str:
        if self.line is not None:
            return "the item of a saved line stays; remove the line to change it"
        if self.item is not None:
            return f"{self.item.name} · {format_money(self.item.price_cents)}"
        if not self._offered():
            return f"The price list is empty: {keymap.key('invoice_line.set_up')} sets it up"
        submit = keymap.widget_key("submit")
        return f"{submit}: look up or list · {keymap.key('invoice_line.price_list')}: price list"

    def on_mount(self) -> None:
        self.query_one("#description" if self.line else "#code", Input).focus()
        self._initial = self._values()

    def _values(self) -> tuple:
        return tuple(
            self.query_one(f"#{name}", Input).value for name in ("code", "description", "quantity", "price", "image")
        ) + (self.query_one("#taxable", Checkbox).value,)

    def _error(self, message: str, field: str | None = None) -> None:
        self.query_one("#error", Static).update(message)
        target = {
            "quantity": "#quantity",
            "price": "#price",
            "image_number": "#image",
            "description": "#description",
            "code": "#code",
        }.get(field or "")
        if target:
            self.query_one(target, Input).focus()

    def _price_list(self):
        """The list this invoice sells from: its session type's, else the studio's default."""
        return catalog.price_list_for(self.invoice.session if self.invoice.session_id else None)

    def _offered(self) -> list[PriceItem]:
        return catalog.items_of(self._price_list())

    def use_item(self, item: PriceItem) -> None:
        self.item = item
        self.query_one("#code", Input).value = item.code
        self.query_one("#description", Input).value = item.name
        self.query_one("#price", Input).value = plain_amount(item.price_cents)
        self.query_one("#taxable", Checkbox).value = item.taxable
        self.query_one("#item-hint", Static).update(self._item_hint())
        self.query_one("#error", Static).update("")
        self.query_one("#quantity", Input).focus()

    def look_up(self, code: str) -> None:
        code = code.strip()
        if code:
            try:
                self.use_item(catalog.find_item(code, self._price_list()))
                return
            except DomainError:
                pass
        self.action_price_list(code)

    def action_price_list(self, text: str = "") -> None:
        if self.line is not None:
            return
        offered = self._offered()
        if not offered:
            self._error(
                f"The price list is empty: {keymap.key('invoice_line.set_up')} sets it up "
                "(or type a description and a price).",
                "description",
            )
            return
        key = (text or "").strip().lower()
        items = [item for item in offered if not key or key in item.code.lower() or key in item.name.lower()] or offered
        by_id = {str(item.id): item for item in items}

        def chosen(item_id: str | None) -> None:
            if item_id:
                self.use_item(by_id[item_id])
            else:
                self.query_one("#code", Input).focus()

        title = "Price list" + (f" · no item '{text.strip()}', choose one" if key and len(items) else "")
        self.app.push_screen(
            ChoiceDialog(
                title,
                [
                    (str(item.id), f"{item.code:<8} {item.name[:34]:<34} {format_money(item.price_cents):>11}")
                    for item in items
                ],
            ),
            chosen,
        )

    def action_set_up(self) -> None:
        """The setup's price-list step; back here, the hint reads the list again."""
        from ..first_start import FirstStartScreen

        def back(_user) -> None:
            self.query_one("#item-hint", Static).update(self._item_hint())

        self.app.push_screen(FirstStartScreen(start_at="price_list"), back)

    @on(Input.Changed, "#code")
    def _code_changed(self, event: Input.Changed) -> None:
        if self.item is not None and event.value.strip().upper() != self.item.code:
            self.item = None
            self.query_one("#item-hint", Static).update(self._item_hint())

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "code":
            self.look_up(event.value)
        else:
            self.action_save_close()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.action_save_close()
        else:
            self.action_cancel()

    def _whole(self, field: str, label: str, required: bool) -> int | None:
        typed = self.query_one(f"#{'image' if field == 'image_number' else field}", Input).value
        return whole_number(typed, field, label, required)

    def action_save_close(self) -> None:
        try:
            code = self.query_one("#code", Input).value.strip()
            if self.line is None and code and self.item is None:
                self.item = catalog.find_item(code, self._price_list())
            description = self.query_one("#description", Input).value
            quantity = self._whole("quantity", "quantity", True)
            assert quantity is not None  # required: an empty field raised ValidationError
            price_text = self.query_one("#price", Input).value.strip()
            price = parse_money(price_text, "price") if price_text else None
            image = self._whole("image_number", "image number", False)
            taxable = self.query_one("#taxable", Checkbox).value
            if self.line is None:
                if self.item is not None and description.strip() == self.item.name:
                    description = ""  # the price list's name (a package lists its contents)
                result = invoice_data.add_line(
                    self.invoice,
                    item=self.item,
                    description=description,
                    quantity=quantity,
                    unit_price_cents=price,
                    taxable=taxable,
                    image_number=image,
                )
            else:
                result = invoice_data.update_line(
                    self.line,
                    description=description,
                    quantity=quantity,
                    unit_price_cents=price,
                    taxable=taxable,
                    image_number=image,
                )
        except ChangedElsewhere as error:
            assert self.line is not None  # only a saved line (update_line) can have changed elsewhere
            self._rebase(self.line, reloaded(self.line))
            self._error(f"{error} {RELOADED_KEEPING_TYPED}")
            return
        except WRITE_ERRORS as error:
            self._error(readable(error), getattr(error, "field", None))
            return
        self.dismiss(result)

    @staticmethod
    def _shown(line: InvoiceLine) -> dict:
        """A saved line's values as the fields show them."""
        return {
            "description": line.description,
            "quantity": str(line.quantity),
            "price": plain_amount(line.unit_price_cents),
            "image": str(line.image_number) if line.image_number else "",
            "taxable": line.taxable,
        }

    def _rebase(self, line: InvoiceLine, stored: InvoiceLine) -> None:
        """Another terminal saved ``line`` since this dialog opened: its values
        fill the fields not changed here; what was typed is kept."""
        loaded = self._shown(line)
        for name, value in self._shown(stored).items():
            field_type: type[Checkbox | Input] = Checkbox if name == "taxable" else Input
            widget = self.query_one(f"#{name}", field_type)
            if widget.value == loaded[name]:
                widget.value = value
        self.line = stored
        shown = self._shown(stored)
        self._initial = (
            self._initial[0],
            *(shown[name] for name in ("description", "quantity", "price", "image")),
            shown["taxable"],
        )

    def action_cancel(self) -> None:
        if self._values() == self._initial:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Leave this line without saving it?", "Leave", "Stay"), answered)
