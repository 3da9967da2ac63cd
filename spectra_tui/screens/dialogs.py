"""Small modal dialogs shared by every hub: confirm, message, choose one, a reason, a small form."""

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ..data.db import StorageError
from ..data.errors import DomainError
from ..data.versions import ChangedElsewhere
from . import keymap
from .hooks import ScreenHooks
from .spectra_app import spectra_app

# The data layer checks what is typed (its messages are shown at the field);
# Textual's own validation pass would only restyle every field on each change.
NO_VALIDATION: tuple = ()

# What a write can raise that the person at the desk must see as a message:
# a broken rule, or the database refusing (locked by another terminal too long, ...).
WRITE_ERRORS = (DomainError, StorageError)


# Said after ChangedElsewhere by a form that took the stored version and kept what was typed.
RELOADED_KEEPING_TYPED = "It has been reloaded with that change; what you typed is kept: check it and save again."


def readable(error: Exception) -> str:
    """The message for a WRITE_ERRORS error: the rule's own words, or what the database said."""
    if isinstance(error, DomainError):
        return str(error)
    return f"The database did not take this ({error}); nothing was saved. Try again in a moment."


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; dismisses True for yes."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 64; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2; }
    ConfirmDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmDialog Button { margin-left: 1; }
    """
    BINDINGS = keymap.bindings("dialog.yes", "dialog.no")

    def __init__(self, question: str, yes: str = "Yes", no: str = "No"):
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question")
            with Horizontal(id="buttons"):
                yield Button(f"{self.yes} ({keymap.key('dialog.yes')})", variant="warning", id="yes")
                yield Button(f"{self.no} ({keymap.key('dialog.no')})", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class MessageDialog(ModalScreen[None]):
    """Show a message until Enter or Escape."""

    DEFAULT_CSS = """
    MessageDialog { align: center middle; }
    MessageDialog > Vertical { width: 70; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2; }
    MessageDialog Button { margin-top: 1; }
    """
    BINDINGS = keymap.bindings("dialog.close")

    def __init__(self, title: str, message: str):
        super().__init__()
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]{self.title_text}[/b]")
            yield Static(self.message)
            yield Button("OK", variant="primary", id="ok")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen[str | None]):
    """Choose one of a few options (returns its id, or None on Escape)."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical { width: 60; max-width: 95%; height: auto;
        max-height: 90%; border: thick $primary; background: $surface; padding: 1 2; }
    ChoiceDialog OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = keymap.bindings("dialog.cancel")

    def __init__(self, title: str, options: list[tuple[str, str]]):
        super().__init__()
        self.title_text, self.options = title, options

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]{self.title_text}[/b]")
            yield OptionList(*[Option(label, id=option_id) for option_id, label in self.options])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MenuDialog(ChoiceDialog):
    """A File or New menu: each entry shows the key of its action (from the
    registry, remaps included) and that key chooses it here too.
    ``entries``: (option id, label, action id)."""

    def __init__(self, title: str, entries: list[tuple[str, str, str]]):
        from .formats import menu_entry

        super().__init__(title, [(option, menu_entry(label, action)) for option, label, action in entries])
        self.by_key = {
            key: option for option, _label, action in entries for key in keymap.active().keys(action).split(",") if key
        }

    def on_key(self, event: events.Key) -> None:
        option = self.by_key.get(event.key)
        if option is not None:
            event.stop()
            event.prevent_default()
            self.dismiss(option)


class ReasonDialog(ScreenHooks, ModalScreen):
    """Ask for a reason (or a short note) and act on it in one step.

    ``perform(text)`` runs the business rule (e.g. ``lambda r: cancel_session(s, r)``);
    a DomainError it raises is shown in the dialog under the field, with the
    text kept, so nothing typed is lost. On success the dialog dismisses with
    what ``perform`` returned. Escape cancels (dismisses None).
    """

    DEFAULT_CSS = """
    ReasonDialog { align: center middle; }
    ReasonDialog > Vertical { width: 70; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2; }
    ReasonDialog #reason-error { color: $error; height: auto; }
    ReasonDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ReasonDialog Button { margin-left: 1; }
    """
    BINDINGS = keymap.bindings("dialog.cancel")

    def __init__(self, title: str, prompt: str, perform, confirm: str = "OK", placeholder: str = "", initial: str = ""):
        super().__init__()
        self.title_text, self.prompt, self.perform = title, prompt, perform
        self.confirm, self.placeholder, self.initial = confirm, placeholder, initial

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]{self.title_text}[/b]")
            yield Static(self.prompt, classes="muted")
            yield Input(self.initial, placeholder=self.placeholder, id="reason")
            yield Static("", id="reason-error")
            with Horizontal(id="buttons"):
                yield Button(f"{self.confirm} ({keymap.widget_key('submit')})", variant="warning", id="ok")
                yield Button(f"Back ({keymap.key('dialog.cancel')})", id="back")

    def on_input_submitted(self, event) -> None:
        event.stop()
        self.action_save_close()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.action_save_close()
        else:
            self.dismiss(None)

    def action_save_close(self) -> None:
        text = self.query_one("#reason", Input).value
        try:
            result = self.perform(text)
        except WRITE_ERRORS as error:
            self.query_one("#reason-error", Static).update(readable(error))
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(result if result is not None else True)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SmallForm(ScreenHooks, ModalScreen):
    """A few fields; Enter moves on (saves on the last), Ctrl+W saves,
    Escape cancels. ``perform(values)`` applies the rule; its message is shown
    under the field it names and nothing typed is lost.

    Typed ahead (faster than the screen draws, or a burst from a scanner),
    nothing goes astray: Enter is a priority binding, so the focus moves as
    the key arrives and what follows goes to the next field; Enter on the
    last field saves as Ctrl+W does (SpectraApp.action_save_close), once the
    field has taken the keys typed before it."""

    DEFAULT_CSS = """
    SmallForm { align: center middle; }
    SmallForm > Vertical { width: 64; max-width: 95%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 1 2; }
    SmallForm .small-title { text-style: bold; margin-bottom: 1; }
    SmallForm .field { height: auto; }
    SmallForm .field-label { width: 12; color: $text-muted; }
    SmallForm .field:focus-within .field-label { color: $accent; text-style: bold; }
    SmallForm .field-box { height: auto; width: 1fr; }
    SmallForm Input { background: $boost; }
    SmallForm Input:focus { background: $accent 30%; }
    SmallForm .field-error { color: $error; height: auto; display: none; }
    SmallForm .field-error.-shown { display: block; }
    SmallForm #small-error { color: $error; height: auto; }
    SmallForm .small-keys { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = keymap.bindings("dialog.cancel", "dialog.next")
    TITLE_TEXT = ""
    FIELDS: list[tuple[str, str, str]] = []  # (field, label, placeholder)

    def initial(self, field: str) -> str:
        return ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.TITLE_TEXT, classes="small-title")
            for field, label, placeholder in self.FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    with Vertical(classes="field-box"):
                        yield self.field_widget(field, placeholder)
                        yield Static("", classes="field-error", id=f"err-{field}")
            yield Static("", id="small-error")
            yield Label(self.keys_hint(), classes="small-keys")

    def field_widget(self, field: str, placeholder: str) -> Widget:
        """The field's box (an Input; a form with a choice or a tick box overrides this)."""
        return Input(
            self.initial(field), placeholder=placeholder, id=f"f-{field}", compact=True, validate_on=NO_VALIDATION
        )

    def keys_hint(self) -> str:
        return keymap.hint(("dialog.next", "next/save"), ("save_close", "save"), ("dialog.cancel", "cancel"))

    def values(self) -> dict[str, Any]:
        return {field: self.query_one(f"#f-{field}", Input).value for field, _label, _placeholder in self.FIELDS}

    def perform(self, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def reload_record(self) -> None:
        """Re-read the stored record the form edits, after another terminal
        saved it (a form of a stored record overrides this)."""

    def _rebase(self) -> None:
        """Fields not changed here take the stored record's values; what was typed is kept."""
        loaded = {field: self.initial(field) for field, _label, _placeholder in self.FIELDS}
        self.reload_record()
        for field, _label, _placeholder in self.FIELDS:
            box = self.query_one(f"#f-{field}", Input)
            if box.value == loaded[field]:
                box.value = self.initial(field)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter in a box of several lines (a message's text) makes a new line there."""
        return not (action == "enter" and isinstance(self.focused, TextArea))

    def action_enter(self) -> None:
        focused = self.focused
        if focused is not None and focused.id == f"f-{self.FIELDS[-1][0]}":
            spectra_app(self).action_save_close()
        else:
            self.focus_next()

    def action_save_close(self) -> None:
        for field, _label, _placeholder in self.FIELDS:
            self.query_one(f"#err-{field}", Static).remove_class("-shown")
        self.query_one("#small-error", Static).update("")
        try:
            result = self.perform(self.values())
        except ChangedElsewhere as error:
            self._rebase()
            self.query_one("#small-error", Static).update(f"{error} {RELOADED_KEEPING_TYPED}")
            return
        except WRITE_ERRORS as error:
            error_field = getattr(error, "field", None)
            if error_field and self.query(f"#err-{error_field}"):
                note = self.query_one(f"#err-{error_field}", Static)
                note.update(readable(error))
                note.add_class("-shown")
                self.set_focus(self.query_one(f"#f-{error_field}"))  # at once: keys typed ahead go there
            else:
                self.query_one("#small-error", Static).update(readable(error))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
