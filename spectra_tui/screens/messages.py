"""The Messages hub (F9): the outbox, newest first, paged from SQL: each
message's status (queued, sent, failed), channel, client, subject, when it
was written and how many attempts; the server's answer for the highlighted
one. Keys retry a message now, open its client, and lead to the templates
and the delivery settings. The background sender (data/delivery.py, run by
the app) delivers what is queued; this screen only shows and nudges it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Select, Static

from ..data import clock, delivery
from ..data import messages as message_data
from ..data.models import Message
from . import keymap
from .dialogs import WRITE_ERRORS, readable
from .list_hub import ListHub
from .open_record import open_client
from .widgets import Note, PagedTable

SHOW_CHOICES = [
    ("Queued", Message.QUEUED),
    ("Failed", Message.FAILED),
    ("Sent", Message.SENT),
    ("All", message_data.EVERY_STATUS),
]
STATUS_STYLES = {Message.QUEUED: "bold", Message.FAILED: "bold red", Message.SENT: "green"}
CHANNEL_SHORT = {message_data.EMAIL: "Email", message_data.SMS: "SMS"}


def when(instant) -> str:
    return f"{clock.to_local(instant):%m/%d/%y %H:%M}" if instant else ""


def message_cells(message: Message) -> tuple:
    return (
        str(message.id),
        Text(message.status, style=STATUS_STYLES.get(message.status, "")),
        CHANNEL_SHORT.get(message.channel, message.channel),
        Text(message.client.sort_name, overflow="ellipsis", no_wrap=True),
        Text(message.subject or message.body.replace("\n", " "), overflow="ellipsis", no_wrap=True),
        when(message.created_at),
        str(message.attempts),
    )


def message_details(message: Message) -> Text:
    """The highlighted message: where it goes, when it went (or goes next), the server's answer."""
    line = Text.assemble(("To ", "dim"), message.recipient)
    if message.status == Message.SENT:
        line.append_text(Text.assemble(("   Sent ", "dim"), when(message.sent_at)))
    elif message.status == Message.QUEUED:
        line.append_text(Text.assemble(("   Next attempt ", "dim"), when(message.next_attempt_at)))
    if message.last_answer:
        line.append_text(Text.assemble(("\nServer's answer: ", "dim"), message.last_answer))
    return line


def new_message_hint() -> str:
    """'Ctrl+E new email · Ctrl+M / Alt+M new SMS': most terminals send Ctrl+M as Enter."""
    return f"{keymap.key('new_email')} new email · {keymap.active().all_keys('new_sms')} new SMS"


class MessagesHub(ListHub):
    HUB_ID = "messages"
    HUB_TITLE = "Messages"
    TABLE_ID = "msg-outbox"
    MESSAGE_ID = "msg-note"

    DEFAULT_CSS = """
    MessagesHub .search-row { height: 1; margin-bottom: 1; }
    MessagesHub .search-row Label { width: auto; padding: 0 1; color: $text-muted; }
    MessagesHub #msg-show { width: 16; }
    MessagesHub #msg-note { height: 1; padding: 0 1; color: $text-muted; }
    MessagesHub #msg-note.-error { color: $error; }
    MessagesHub PagedTable { height: 1fr; }
    MessagesHub #msg-details { height: auto; max-height: 4; padding: 0 1; }
    """
    BINDINGS = keymap.bindings("messages")

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="search-row"):
            yield Label("Show")
            yield Select(SHOW_CHOICES, value=Message.QUEUED, allow_blank=False, compact=True, id="msg-show")
            yield Label(new_message_hint(), id="msg-new-hint")
        yield Note("", id="msg-note")
        yield PagedTable(
            [
                ("No.", 6),
                ("Status", 7),
                ("Via", 5),
                ("Client", 22),
                ("Subject", 36),
                ("Written", 14),
                ("Tries", 5),
            ],
            message_cells,
            key=lambda message: message.id,
            id="msg-outbox",
            narrow_columns=[(0, 5), (1, 7), (2, 5), (3, 18), (4, 20), (6, 5)],
            narrow_below=110,
        )
        yield Static("", id="msg-details")

    REFRESH_SECONDS = 15  # the background sender changes statuses: shown without a key

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(self.REFRESH_SECONDS, self._refresh_if_shown)

    def _refresh_if_shown(self) -> None:
        if self.is_current:
            self.refresh_data()

    def build_query(self) -> str:
        return str(self.query_one("#msg-show", Select).value)  # never blank (allow_blank=False)

    def fetch(self, query: str, after, limit: int) -> list:
        return message_data.messages_by_status(query, limit, after)

    def count(self, query: str) -> int:
        return message_data.count_by_status()[query]

    def noun(self) -> str:
        status = self.build_query()
        return "message" if status == message_data.EVERY_STATUS else f"{status} message"

    def keys_hint(self) -> str:
        return keymap.hint(("messages.retry", "retries now"), ("messages.client", "opens the client"))

    def loaded(self) -> None:
        self._show_details()

    @on(Select.Changed, "#msg-show")
    def _show_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.search()

    @on(PagedTable.RowHighlighted, "#msg-outbox")
    def _highlighted(self, event: PagedTable.RowHighlighted) -> None:
        self._show_details()

    def _show_details(self) -> None:
        message = self.table.selected
        self.query_one("#msg-details", Static).update(message_details(message) if message is not None else "")

    @on(PagedTable.Chosen, "#msg-outbox")
    def _chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        open_client(self.app, event.row.client, tab="messages")

    # ------------------------------------------------------------ the keys

    def _message(self) -> Message | None:
        message = self.table.selected
        if message is None:
            self.notify("No message is selected.", timeout=3)
        return message

    def action_retry(self) -> None:
        if (message := self._message()) is None:
            return
        try:
            message_data.retry_now(message)
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not possible", severity="error", timeout=8)
            return
        delivery.wake_sender()
        self.notify(f"Message {message.id} to {message.recipient} is queued to be sent now.", timeout=4)
        self.refresh_data()

    def action_open_message_client(self) -> None:
        if (message := self._message()) is not None:
            open_client(self.app, message.client, tab="messages")

    def action_templates(self) -> None:
        from .message_templates import TemplatesScreen

        self.app.push_screen(TemplatesScreen())

    def action_delivery_settings(self) -> None:
        from .delivery_settings import open_delivery_settings

        open_delivery_settings(self.app)

    def action_focus_status(self) -> None:
        self.query_one("#msg-show", Select).focus()
