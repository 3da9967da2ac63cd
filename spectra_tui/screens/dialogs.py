"""Small modal dialogs shared by every hub: confirm, message, choose one."""
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from peewee import DatabaseError

from ..data.errors import DomainError

# What a write can raise that the person at the desk must see as a message:
# a broken rule, or the database refusing (locked by another terminal too long, ...).
WRITE_ERRORS = (DomainError, DatabaseError)


def readable(error: Exception) -> str:
    """The message for a WRITE_ERRORS error: the rule's own words, or what the database said."""
    if isinstance(error, DomainError):
        return str(error)
    return f"The database did not take this ({error}); nothing was saved. Try again in a moment."


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; dismisses True for yes."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 64; max-width: 95%; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    ConfirmDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmDialog Button { margin-left: 1; }
    """
    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No"):
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question")
            with Horizontal(id="buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="yes")
                yield Button(f"{self.no} (n)", id="no")

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
    MessageDialog > Vertical { width: 70; max-width: 95%; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    MessageDialog Button { margin-top: 1; }
    """
    BINDINGS = [Binding("escape,enter", "close", "Close")]

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
    ChoiceDialog > Vertical { width: 60; max-width: 95%; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 1 2; }
    ChoiceDialog OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

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


class ReasonDialog(ModalScreen):
    """Ask for a reason (or a short note) and act on it in one step.

    ``perform(text)`` runs the business rule (e.g. ``lambda r: cancel_session(s, r)``);
    a DomainError it raises is shown in the dialog under the field, with the
    text kept, so nothing typed is lost. On success the dialog dismisses with
    what ``perform`` returned. Escape cancels (dismisses None).
    """

    DEFAULT_CSS = """
    ReasonDialog { align: center middle; }
    ReasonDialog > Vertical { width: 70; max-width: 95%; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    ReasonDialog #reason-error { color: $error; height: auto; }
    ReasonDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ReasonDialog Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, prompt: str, perform, confirm: str = "OK", placeholder: str = "",
                 initial: str = ""):
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
                yield Button(f"{self.confirm} (Enter)", variant="warning", id="ok")
                yield Button("Back (Esc)", id="back")

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
