"""New Email (Ctrl+E) and New SMS (Ctrl+M, or its fallback), from anywhere.

The client is the open record's (a client, a session, an invoice) or
chosen on the spot. A template fills the subject and the body (or none);
both stay editable, with the merge fields listed. Ctrl+W shows the
PREVIEW (rendered, with the address or number it goes to); Send there
queues the message (data/messages.py), and the background sender delivers
it. A refusal (do-not-email/-text, no address, an unknown merge field) is
shown at its field, and nothing typed is lost.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from ..data import delivery
from ..data import messages as message_data
from ..data.models import Client, MessageTemplate, Session
from . import keymap
from .dialogs import NO_VALIDATION, WRITE_ERRORS, readable
from .hooks import ScreenHooks, hooks_of
from .open_record import choose_client

NO_TEMPLATE = 0
CHANNEL_NAMES = {message_data.EMAIL: "email", message_data.SMS: "text message (SMS)"}


def merge_fields_line() -> str:
    return "Merge fields: " + " ".join(f"{{{name}}}" for name in message_data.MERGE_FIELDS)


class ComposeDialog(ScreenHooks, ModalScreen):
    """Dismisses with the queued Message (None on Escape: nothing queued)."""

    DEFAULT_CSS = """
    ComposeDialog { align: center middle; }
    ComposeDialog > Vertical { width: 100; max-width: 98%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    ComposeDialog .compose-title { text-style: bold; }
    ComposeDialog .field { height: auto; }
    ComposeDialog .field-label { width: 10; color: $text-muted; }
    ComposeDialog Input { background: $boost; }
    ComposeDialog Select { width: 1fr; }
    ComposeDialog #c-body { height: 8; }
    ComposeDialog .field-error { color: $error; height: auto; display: none; }
    ComposeDialog .field-error.-shown { display: block; }
    ComposeDialog #c-fields, ComposeDialog .compose-keys { color: $text-muted; height: auto; }
    """
    BINDINGS = keymap.bindings("dialog.cancel")

    def __init__(self, channel: str, client: Client, session: Session | None = None):
        super().__init__()
        self.channel, self.client, self.session = channel, client, session
        self.template: MessageTemplate | None = None
        self.sent_to = ""

    @property
    def is_email(self) -> bool:
        return self.channel == message_data.EMAIL

    def compose(self) -> ComposeResult:
        to = self.client.email if self.is_email else self.client.phone_mobile  # (messages.recipient)
        with Vertical():
            yield Label(
                f"New {CHANNEL_NAMES[self.channel]} · {self.client.full_name} {f'<{to}>' if to else ''}",
                classes="compose-title",
                markup=False,  # a name or an address is shown as typed, never read as markup
            )
            yield Static("", classes="field-error", id="err-to")
            choices = [(t.name, t.id) for t in message_data.templates(self.channel)]
            with Horizontal(classes="field"):
                yield Label("Template", classes="field-label")
                yield Select(choices, prompt="(none)", compact=True, id="c-template")
            if self.is_email:
                with Horizontal(classes="field"):
                    yield Label("Subject", classes="field-label")
                    yield Input("", id="c-subject", compact=True, validate_on=NO_VALIDATION)
                yield Static("", classes="field-error", id="err-subject")
            yield TextArea("", id="c-body")
            yield Static("", classes="field-error", id="err-body")
            yield Static(merge_fields_line(), id="c-fields")
            yield Static(
                keymap.hint(("save_close", "preview, then send"), ("dialog.cancel", "cancel (nothing sent)")),
                classes="compose-keys",
            )

    def on_mount(self) -> None:
        (self.query_one("#c-subject", Input) if self.is_email else self.query_one("#c-body", TextArea)).focus()

    @on(Select.Changed, "#c-template")
    def _template_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if not isinstance(event.value, int):  # (none)
            self.template = None
            return
        template = self.template = message_data.get_template(event.value)
        if self.is_email:
            self.query_one("#c-subject", Input).value = template.subject or ""
        self.query_one("#c-body", TextArea).text = template.body

    @property
    def subject(self) -> str:
        return self.query_one("#c-subject", Input).value if self.is_email else ""

    @property
    def body(self) -> str:
        return self.query_one("#c-body", TextArea).text

    @property
    def has_unsaved_changes(self) -> bool:
        return bool(self.subject.strip() or self.body.strip())

    def _clear_errors(self) -> None:
        for note in self.query(".field-error"):
            note.remove_class("-shown")

    def show_error(self, error: Exception) -> None:
        """A refusal at its field (subject/body; the address line otherwise); the text typed stays."""
        field = getattr(error, "field", None) or self._field_of()
        target = f"err-{field}" if field in ("subject", "body") and self.query(f"#err-{field}") else "err-to"
        note = self.query_one(f"#{target}", Static)
        note.update(readable(error))
        note.add_class("-shown")
        if target == "err-subject":
            self.query_one("#c-subject", Input).focus()
        elif target == "err-body":
            self.query_one("#c-body", TextArea).focus()

    def _field_of(self) -> str:
        """The field a refusal naming none is about: the address line when the
        client cannot get this message, else the text that fails to merge."""
        try:
            message_data.recipient(self.channel, self.client)
        except WRITE_ERRORS:
            return "to"
        if self.is_email:
            try:
                message_data.render(self.subject, self.client, self.session)
            except WRITE_ERRORS:
                return "subject"
        return "body"

    def action_save_close(self) -> None:
        """Ctrl+W: the preview (nothing is sent before its Send)."""
        self._clear_errors()
        try:
            preview = message_data.preview(self.channel, self.client, self.subject, self.body, session=self.session)
        except WRITE_ERRORS as error:
            self.show_error(error)
            return
        self.sent_to = preview.to
        self.app.push_screen(PreviewDialog(self.channel, preview), self._after_preview)

    def _after_preview(self, send: bool | None) -> None:
        if not send:
            return  # back to editing, all kept
        try:
            message = message_data.queue(
                self.channel, self.client, self.subject, self.body, session=self.session, template=self.template
            )
        except WRITE_ERRORS as error:
            self.show_error(error)
            return
        delivery.wake_sender()  # delivered now if this terminal runs the sender
        self.app.notify(
            f"Queued: the {CHANNEL_NAMES[self.channel]} to {self.client.full_name} ({self.sent_to}); "
            f"it is sent in the background ({keymap.key('hub_messages')} shows the outbox).",
            title="Queued",
            timeout=6,
        )
        self.dismiss(message)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PreviewDialog(ModalScreen[bool]):
    """What the client will get, as rendered, with the address or number; Send or Back."""

    DEFAULT_CSS = """
    PreviewDialog { align: center middle; }
    PreviewDialog > Vertical { width: 90; max-width: 96%; height: auto; max-height: 90%;
        border: thick $success; background: $surface; padding: 0 1; }
    PreviewDialog .preview-title { text-style: bold; }
    PreviewDialog .preview-head { color: $text-muted; height: auto; }
    PreviewDialog VerticalScroll { height: auto; max-height: 16; background: $boost; padding: 0 1; }
    PreviewDialog #buttons { height: auto; align-horizontal: right; }
    PreviewDialog Button { margin-left: 1; }
    """
    BINDINGS = keymap.bindings("dialog.cancel")

    def __init__(self, channel: str, preview) -> None:
        super().__init__()
        self.channel, self.preview = channel, preview

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Preview of the {CHANNEL_NAMES[self.channel]}", classes="preview-title")
            yield Static(f"To: {self.preview.to}", id="p-to", classes="preview-head", markup=False)
            if self.preview.subject:
                yield Static(f"Subject: {self.preview.subject}", id="p-subject", classes="preview-head", markup=False)
            with VerticalScroll():
                yield Static(self.preview.body, id="p-body", markup=False)
            with Horizontal(id="buttons"):
                yield Button(f"Send ({keymap.widget_key('submit')})", variant="success", id="send")
                yield Button(f"Back to editing ({keymap.key('dialog.cancel')})", id="back")

    def on_mount(self) -> None:
        self.query_one("#send", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "send")

    def action_cancel(self) -> None:
        self.dismiss(False)


def open_compose(app, channel: str) -> None:
    """Ctrl+E / Ctrl+M: to the open record's client, or one chosen on the spot."""
    screen = app.screen
    if isinstance(screen, ComposeDialog):
        return
    hooks = hooks_of(screen)
    session = hooks.message_session

    def start(client: Client | None) -> None:
        if client is not None:
            same_client = session is not None and session.client_id == client.id
            app.push_screen(ComposeDialog(channel, client, session if same_client else None))

    client = hooks.task_client
    if client is None:
        choose_client(app, start, allow_new=True)
    else:
        start(client)
