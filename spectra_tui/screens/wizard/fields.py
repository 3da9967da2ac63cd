"""The wizard's compact form pieces: a one-line choice field and a labelled row."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Label

from .. import keymap


class ChoiceField(Widget, can_focus=True):
    """One line: ‹ the current option ›. ←/→ or Space change it, a letter
    jumps to the next option starting with it. Enter is left to the screen
    (the wizard's "next")."""

    DEFAULT_CSS = """
    ChoiceField { height: 1; width: 1fr; background: $boost; padding: 0 1; }
    ChoiceField:focus { background: $accent 30%; text-style: bold; }
    ChoiceField.-single { color: $text-muted; }
    """
    BINDINGS = keymap.bindings("choice")

    class Changed(Message):
        def __init__(self, field: ChoiceField, value: Any):
            super().__init__()
            self.field, self.value = field, value

        @property
        def control(self) -> ChoiceField:
            return self.field

    def __init__(self, options: list[tuple[Any, str]] | None = None, value: Any = None, **kwargs):
        super().__init__(**kwargs)
        self.options: list[tuple[Any, str]] = []
        self.index = 0
        self.set_options(options or [], value)

    def set_options(self, options: list[tuple[Any, str]], value: Any = None) -> None:
        """Replace the options (no Changed message); keep ``value`` when it is one of them."""
        self.options = list(options)
        values = [v for v, _label in self.options]
        self.index = values.index(value) if value in values else 0
        self.set_class(len(self.options) <= 1, "-single")
        self.refresh()

    @property
    def value(self) -> Any:
        return self.options[self.index][0] if self.options else None

    @value.setter
    def value(self, value: Any) -> None:
        values = [v for v, _label in self.options]
        if value in values:
            self.index = values.index(value)
            self.refresh()

    @property
    def label(self) -> str:
        return self.options[self.index][1] if self.options else ""

    def render(self) -> Text:
        if not self.options:
            return Text("(nothing to choose)", style="dim")
        arrows = len(self.options) > 1
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("‹ " if arrows else "  ", "dim")
        text.append(self.label)
        text.append(" ›" if arrows else "", "dim")
        if arrows:
            text.append(f"  {self.index + 1}/{len(self.options)}", "dim")
        return text

    def _choose(self, index: int) -> None:
        if not self.options:
            return
        index %= len(self.options)
        if index != self.index:
            self.index = index
            self.refresh()
            self.post_message(self.Changed(self, self.value))

    def action_step(self, delta: int) -> None:
        self._choose(self.index + delta)

    def action_jump(self, index: int) -> None:
        self._choose(index if index >= 0 else len(self.options) - 1)

    def on_key(self, event) -> None:
        char = event.character
        if char and len(char) == 1 and char.isalnum():
            count = len(self.options)
            for offset in range(1, count + 1):
                candidate = (self.index + offset) % count
                if self.options[candidate][1].lower().startswith(char.lower()):
                    event.stop()
                    self._choose(candidate)
                    return


def row(label: str, widget: Widget, row_id: str | None = None) -> Horizontal:
    """A form row: the label on the left, the field after it."""
    return Horizontal(Label(label, classes="row-label"), widget, classes="row", id=row_id)
