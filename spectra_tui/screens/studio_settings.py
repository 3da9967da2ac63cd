"""Studio Settings (F10, or "Studio Settings" in the command palette): the
studio's name, sales tax, how overlapping bookings are handled, the calendar
slot, time zone, image folder and opening hours. Every terminal shares them;
only an admin saves them (data/studio_setup.py holds the rules)."""

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, Static

from ..data import studio_setup
from ..data.booking import DAY_NAMES
from ..data.errors import DomainError
from . import keymap
from .base import KeyBar, RecordScreen
from .dialogs import NO_VALIDATION

POLICIES = [("Refused", "never"), ("Asked about first", "ask"), ("Allowed", "always")]
SLOTS = [(f"{minutes} minutes", str(minutes)) for minutes in (5, 10, 15, 20, 30, 60)]


class StudioSettingsScreen(RecordScreen):
    DEFAULT_CSS = """
    StudioSettingsScreen #settings-head { height: auto; padding: 0 1; color: $text-muted; }
    StudioSettingsScreen #settings-audit { height: auto; padding: 0 1; color: $text-muted; }
    StudioSettingsScreen VerticalScroll { height: 1fr; padding: 0 1; }
    StudioSettingsScreen .setting { height: auto; }
    StudioSettingsScreen .setting-label { width: 24; padding-top: 0; color: $text-muted; }
    StudioSettingsScreen .setting:focus-within .setting-label { color: $accent; text-style: bold; }
    StudioSettingsScreen .setting Input { width: 1fr; max-width: 50; }
    StudioSettingsScreen .setting Select { width: 30; }
    StudioSettingsScreen .section { margin-top: 1; text-style: bold; }
    StudioSettingsScreen .setting-error { color: $error; height: auto; display: none; padding-left: 24; }
    StudioSettingsScreen .setting-error.-shown { display: block; }
    """

    def __init__(self):
        super().__init__()
        self.shown = studio_setup.current()

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static(
            "Shared by every terminal; only an admin saves them. "
            + keymap.hint(("save_close", "saves"), ("record.close", "closes")),
            id="settings-head",
        )
        # The audit log (a manager's or the owner's): opened from here with its key.
        yield Static(keymap.hint(("audit_log", "opens the audit log: who changed what, when")), id="settings-audit")
        shown = self.shown
        with VerticalScroll(can_focus=False):
            yield from self._row("studio_name", "Studio name", Input(shown.studio_name))
            yield Static("Sales tax", classes="section")
            yield from self._row("tax_percent", "Tax rate (%)", Input(shown.tax_percent, placeholder="8.25"))
            yield from self._row(
                "tax_included",
                "Prices include tax",
                Checkbox("yes, tax is part of the prices", shown.tax_included, compact=True),
            )
            yield from self._row(
                "locale", "Amounts typed as", Input(shown.locale, placeholder="en_US: 1,234.50 · de_DE: 1.234,50")
            )
            yield Static("Calendar", classes="section")
            yield from self._row(
                "conflict_policy",
                "Overlapping bookings",
                Select(POLICIES, value=shown.conflict_policy, allow_blank=False, compact=True),
            )
            yield from self._row(
                "slot_minutes",
                "Calendar slot",
                Select(SLOTS, value=shown.slot_minutes, allow_blank=False, compact=True),
            )
            yield from self._row("timezone", "Time zone", Input(shown.timezone, placeholder="America/Chicago"))
            yield Static("Opening hours", classes="section")
            for day, name in enumerate(DAY_NAMES):
                yield from self._row(f"hours_{day}", name, Input(shown.hours[day], placeholder="09:00-18:00 or closed"))
            yield Static("Images", classes="section")
            yield from self._row(
                "image_root", "Image folder", Input(shown.image_root, placeholder="empty: the default folder")
            )
        yield KeyBar()

    @staticmethod
    def _row(field: str, label: str, widget) -> ComposeResult:
        widget.id = f"s-{field}"
        if isinstance(widget, Input):
            widget.compact = True
            widget.validate_on = set(NO_VALIDATION)
        with Horizontal(classes="setting"):
            yield Label(label, classes="setting-label")
            yield widget
        yield Static("", id=f"err-{field}", classes="setting-error")

    def on_mount(self) -> None:
        self.title = "Spectra · Studio Settings"
        self.query_one("#s-studio_name", Input).focus()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _edited(self) -> None:
        self.dirty = self.typed() != self.shown

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def typed(self) -> studio_setup.StudioSetup:
        def text(field: str) -> str:
            return self.query_one(f"#s-{field}", Input).value

        return studio_setup.StudioSetup(
            studio_name=text("studio_name"),
            tax_percent=text("tax_percent"),
            tax_included=self.query_one("#s-tax_included", Checkbox).value,
            conflict_policy=str(self.query_one("#s-conflict_policy", Select).value),
            slot_minutes=str(self.query_one("#s-slot_minutes", Select).value),
            timezone=text("timezone"),
            image_root=text("image_root"),
            locale=text("locale"),
            hours=tuple(text(f"hours_{day}") for day in range(7)),
        )

    def save(self) -> bool:
        for note in self.query(".setting-error"):
            note.remove_class("-shown")
        changed = studio_setup.save(self.typed())
        self.notify("Studio settings saved." if changed else "Nothing had changed.", timeout=4)
        return True

    def show_error(self, error: DomainError) -> None:
        """The message under the field it names; a rule about no field (only
        an admin saves) as a notification."""
        field = "hours_0" if error.field == "hours" else error.field
        if not field or not self.query(f"#err-{field}"):
            super().show_error(error)
            return
        note = self.query_one(f"#err-{field}", Static)
        note.update(str(error))
        note.add_class("-shown")
        self.set_focus(self.query_one(f"#s-{field}"))
