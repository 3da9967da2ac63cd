"""What every step of the setup is: a pane that shows what is there, saves
what is typed, and says a rule's message at the field it names."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from ...data.errors import DomainError
from ..dialogs import NO_VALIDATION, readable

if TYPE_CHECKING:
    from ..first_start import FirstStartScreen


def text_input(field: str, value: str = "", placeholder: str = "", password: bool = False) -> Input:
    return Input(
        value, placeholder=placeholder, id=f"f-{field}", compact=True, validate_on=NO_VALIDATION, password=password
    )


def field_row(field: str, label: str, widget: Widget) -> ComposeResult:
    """A labelled field with its error line under it."""
    with Horizontal(classes="field", id=f"row-{field}"):
        yield Label(label, classes="field-label")
        with Vertical(classes="field-box"):
            yield widget
            yield Static("", classes="field-error", id=f"err-{field}")


class SetupStep(Vertical):
    """One step. ``save`` stores what is typed (a DomainError says what is
    wrong); ``done`` says whether the studio has what the step sets up."""

    step_id: ClassVar[str]
    title: ClassVar[str]
    required: ClassVar[bool] = False  # only the owner's account cannot be skipped

    def __init__(self) -> None:
        super().__init__(id=f"step-{self.step_id}", classes="setup-step")

    @property
    def setup(self) -> FirstStartScreen:
        return self.screen  # type: ignore[return-value]

    def show(self) -> None:
        """Draw what the studio already has, as the step is shown."""

    def done(self) -> bool:
        return False

    def save(self) -> None:
        """Store what is typed (nothing typed: nothing to do)."""

    def typed_anything(self) -> bool:
        """Something typed here is not saved yet."""
        return any(field.value.strip() for field in self.query(Input))

    def submitted(self, field: Input) -> None:
        """Enter in a field: the next field; on the last one, save and go on."""
        fields = list(self.query(Input))
        if fields and field is fields[-1]:
            self.setup.action_save_close()
        else:
            self.screen.focus_next()

    def focus_first(self) -> None:
        for widget in self.screen.focus_chain:
            if self in widget.ancestors:
                widget.focus()
                return

    def clear_errors(self) -> None:
        for note in self.query(".field-error"):
            note.remove_class("-shown")

    def show_error(self, error: Exception) -> bool:
        """The message under its field; False when the step has no such field."""
        field = getattr(error, "field", None) if isinstance(error, DomainError) else None
        if not field or not self.query(f"#err-{field}"):
            return False
        note = self.query_one(f"#err-{field}", Static)
        note.update(readable(error))
        note.add_class("-shown")
        self.screen.set_focus(self.query_one(f"#f-{field}"))
        return True
