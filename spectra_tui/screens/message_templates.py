"""Message templates (the Messages hub's key): the texts the studio sends
often, by email or SMS, with merge fields; a reminder template is sent
that many days before each session (data/reminders.py). A manager or the
owner adds and edits them; anyone else is told why not (the rules are
data/messages.py's)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.widget import Widget
from textual.widgets import Input, TextArea

from ..data import messages as message_data
from ..data.errors import ValidationError
from ..data.models import MessageTemplate
from . import keymap
from .compose import merge_fields_line
from .dialogs import SmallForm
from .price_lists import CatalogScreen
from .widgets import FieldTable
from .wizard.fields import ChoiceField

CHANNEL_CHOICES = [(message_data.EMAIL, "Email"), (message_data.SMS, "SMS")]


def _values(template: MessageTemplate) -> tuple:
    days = template.reminder_days
    reminder = "" if days is None else f"{days} day{'s' if days != 1 else ''} before"
    return (
        template.name,
        dict(CHANNEL_CHOICES).get(template.channel, template.channel),
        template.subject or template.body.replace("\n", " "),
        reminder,
    )


class TemplatesScreen(CatalogScreen):
    """Every template, email and SMS."""

    BINDINGS = keymap.bindings("templates")
    SCREEN_TITLE = "Message templates"
    HEAD = "Texts sent often; a reminder template goes out N days before each session."

    def make_table(self) -> FieldTable:
        return FieldTable(
            [("Template", 24), ("Via", 6), ("Subject (or text)", 36), ("Reminder", 16)],
            values=_values,
            key=lambda template: template.id,
            narrow_fields=[(0, 20), (1, 6), (2, 28), (3, 14)],
        )

    def rows(self) -> list[MessageTemplate]:
        return message_data.templates()

    def keys_hint(self) -> str:
        return keymap.hint(("templates.new", "new template"), ("templates.edit", "edits"))

    def loaded(self, count: int) -> None:
        if not count:
            self.say("The studio has no message template yet. " + self.keys_hint())

    @on(FieldTable.Chosen)
    def _chosen(self, event: FieldTable.Chosen) -> None:
        event.stop()
        self.action_edit_template()

    def action_new_template(self) -> None:
        if not self.refused():
            self.app.push_screen(TemplateDialog(None), self.after_dialog("Template added."))

    def action_edit_template(self) -> None:
        template: MessageTemplate | None = self.selected()
        if template is not None:
            self.app.push_screen(TemplateDialog(template), self.after_dialog("Template saved."))


def reminder_days(typed: str) -> int | None:
    """'' -> None (not a reminder); '2' -> 2; anything else is refused at the field."""
    typed = typed.strip()
    if not typed:
        return None
    if not typed.isdigit():
        raise ValidationError("Type the days before the session as a number (e.g. 2), or leave it empty.", "reminder")
    return int(typed)


class TemplateDialog(SmallForm):
    """A new template or its fields. Dismisses with the saved MessageTemplate."""

    DEFAULT_CSS = """
    TemplateDialog > Vertical { width: 96; }
    TemplateDialog ChoiceField { background: $boost; }
    TemplateDialog ChoiceField:focus { background: $accent 30%; }
    TemplateDialog .merge-fields { color: $text-muted; height: auto; }
    TemplateDialog TextArea { height: 6; }
    """
    FIELDS = [
        ("name", "Name", "e.g. Session reminder"),
        ("channel", "Via", ""),
        ("subject", "Subject", "emails only"),
        ("body", "Text", "Hello {first_name}, ..."),
        ("reminder", "Reminder", "days before each session, or empty"),
    ]

    def __init__(self, template: MessageTemplate | None):
        self.template = template
        self.TITLE_TEXT = template.name if template else "A new message template"
        super().__init__()

    def initial(self, field: str) -> str:
        template = self.template
        if template is None:
            return ""
        if field == "reminder":
            return "" if template.reminder_days is None else str(template.reminder_days)
        return getattr(template, field) or ""

    def keys_hint(self) -> str:
        return merge_fields_line() + "\n" + super().keys_hint() + f" · {keymap.widget_key('choice')} email/SMS"

    def field_widget(self, field: str, placeholder: str) -> Widget:
        if field == "channel":
            chosen = self.template.channel if self.template else message_data.EMAIL
            return ChoiceField(CHANNEL_CHOICES, chosen, id="f-channel")
        if field == "body":  # a message of several lines: Enter is a new line there, Tab moves on
            return TextArea(self.initial("body"), id="f-body", soft_wrap=True, tab_behavior="focus")
        return super().field_widget(field, placeholder)

    def values(self) -> dict[str, Any]:
        typed: dict[str, Any] = {
            field: self.query_one(f"#f-{field}", Input).value for field in ("name", "subject", "reminder")
        }
        typed["body"] = self.query_one("#f-body", TextArea).text
        typed["channel"] = self.query_one("#f-channel", ChoiceField).value
        return typed

    def perform(self, values: dict[str, Any]) -> MessageTemplate:
        days = reminder_days(values["reminder"])
        if self.template is None:
            template = message_data.create_template(
                values["name"], values["channel"], values["subject"], values["body"]
            )
            if days is not None:
                template = message_data.update_template(template, reminder_days=days)
            return template
        return message_data.update_template(
            self.template,
            name=values["name"],
            channel=values["channel"],
            subject=values["subject"],
            body=values["body"],
            reminder_days=days,
        )

    def reload_record(self) -> None:
        if self.template is not None:
            self.template = message_data.get_template(self.template.id)

    def _rebase(self) -> None:
        """Another terminal saved the template: the typed fields stay, the others take its values."""
        fields = ("name", "subject", "reminder")
        loaded = {field: self.initial(field) for field in (*fields, "body")}
        self.reload_record()
        for field in fields:
            box = self.query_one(f"#f-{field}", Input)
            if box.value == loaded[field]:
                box.value = self.initial(field)
        body = self.query_one("#f-body", TextArea)
        if body.text == loaded["body"]:
            body.text = self.initial("body")
