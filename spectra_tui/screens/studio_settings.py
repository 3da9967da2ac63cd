"""Studio Settings (F10, or "Studio Settings" in the command palette): the
studio's name, sales tax, how overlapping bookings are handled, the calendar
slot, time zone, image folder, opening hours, the logo and folder of the
PDF documents, and how many daily backups are kept. Every terminal shares
them; only a manager or the owner saves them (data/studio_setup.py holds the
rules)."""

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from ..data import studio_setup
from ..data.booking import DAY_NAMES
from ..data.errors import DomainError
from ..data.permissions import Permission, why_not
from ..data.settings import WEEKDAY_NAMES
from . import keymap
from .base import KeyBar, RecordScreen
from .dialogs import NO_VALIDATION

POLICIES = [("Refused", "never"), ("Asked about first", "ask"), ("Allowed", "always")]
WEEK_STARTS = [(day.capitalize(), day) for day in (*WEEKDAY_NAMES[6:], *WEEKDAY_NAMES[:6])]  # Sunday first
SLOTS = [(f"{minutes} minutes", str(minutes)) for minutes in (5, 10, 15, 20, 30, 60)]


class StudioSettingsScreen(RecordScreen):
    DEFAULT_CSS = """
    StudioSettingsScreen #settings-head { height: auto; padding: 0 1; color: $text-muted; }
    StudioSettingsScreen #settings-audit, StudioSettingsScreen #settings-delivery {
        height: auto; padding: 0 1; color: $text-muted;
    }
    StudioSettingsScreen VerticalScroll { height: 1fr; padding: 0 1; }
    StudioSettingsScreen .setting { height: auto; }
    StudioSettingsScreen .setting-label { width: 24; padding-top: 0; color: $text-muted; }
    StudioSettingsScreen .setting:focus-within .setting-label { color: $accent; text-style: bold; }
    StudioSettingsScreen .setting Input { width: 1fr; max-width: 50; }
    StudioSettingsScreen .setting Select { width: 30; }
    StudioSettingsScreen .setting TextArea { width: 1fr; max-width: 50; height: 3; }
    StudioSettingsScreen #settings-staff { height: auto; margin-top: 1; color: $text-muted; }
    StudioSettingsScreen .section { margin-top: 1; text-style: bold; }
    StudioSettingsScreen .setting-error { color: $error; height: auto; display: none; padding-left: 24; }
    StudioSettingsScreen .setting-error.-shown { display: block; }
    """

    def __init__(self):
        super().__init__()
        self.shown = studio_setup.current()

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        refused = why_not(Permission.CHANGE_SETTINGS)
        yield Static(
            (f"{refused} You may read them. " if refused else "Shared by every terminal. ")
            + keymap.hint(("save_close", "saves"), ("record.close", "closes")),
            id="settings-head",
        )
        # The audit log (a manager's or the owner's): opened from here with its key.
        yield Static(keymap.hint(("audit_log", "opens the audit log: who changed what, when")), id="settings-audit")
        yield Static(
            f"{keymap.key('hub_messages')} (Messages), then {keymap.key('messages.delivery')}: "
            "how emails and text messages are delivered (SMTP, SMS gateway)",
            id="settings-delivery",
        )
        shown = self.shown
        with VerticalScroll(can_focus=False):
            yield from self._row("studio_name", "Studio name", Input(shown.studio_name))
            yield from self._row(
                "studio_address",
                "Address",
                TextArea(
                    shown.studio_address,
                    soft_wrap=True,
                    tab_behavior="focus",
                    compact=True,
                    placeholder="street, town… (a few lines)",
                ),
            )
            yield Static(
                keymap.hint(
                    ("staff", "opens the staff's accounts"),
                    ("set_up_studio", "walks through the setup (rooms, session types, price list)"),
                    ("price_lists", "the price lists, items and packages"),
                    ("session_types", "the session types"),
                )
                + f"; also in the command palette ({keymap.key('palette')})",
                id="settings-staff",
            )
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
            yield from self._row(
                "refund_limit", "Refund limit", Input(shown.refund_limit, placeholder="above it: a manager's refund")
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
            yield Static("Signing in", classes="section")
            yield from self._row(
                "idle_sign_out_minutes",
                "Idle sign-out (min)",
                Input(shown.idle_sign_out_minutes, placeholder="0: never; e.g. 15"),
            )
            yield Static("Opening hours", classes="section")
            for day, name in enumerate(DAY_NAMES):
                yield from self._row(f"hours_{day}", name, Input(shown.hours[day], placeholder="09:00-18:00 or closed"))
            yield Static("Images", classes="section")
            yield from self._row(
                "image_root", "Image folder", Input(shown.image_root, placeholder="empty: the default folder")
            )
            yield Static("Documents (PDF)", classes="section")
            yield from self._row(
                "studio_logo", "Logo", Input(shown.studio_logo, placeholder="an image file (PNG, JPEG); empty: none")
            )
            yield from self._row(
                "documents_folder",
                "Documents folder",
                Input(shown.documents_folder, placeholder="empty: Spectra in your Documents folder"),
            )
            yield Static("Production", classes="section")
            yield from self._row(
                "vendors",
                "Vendors (labs)",
                Input(shown.vendors, placeholder="name: lead days; e.g. Miller's Lab: 7; Canvas Works: 14"),
            )
            yield Static("Time clock", classes="section")
            yield from self._row(
                "week_starts_on",
                "Time sheet weeks start",
                Select(WEEK_STARTS, value=shown.week_starts_on, allow_blank=False, compact=True),
            )
            yield from self._row(
                "overtime_hours_per_week",
                "Overtime after (hours)",
                Input(shown.overtime_hours_per_week, placeholder="40 (a week's paid hours)"),
            )
            yield Static("Backups (made daily in the folder 'backups' beside the database)", classes="section")
            yield from self._row(
                "backups_kept",
                "Daily backups kept",
                Input(shown.backups_kept, placeholder="14 (in the folder 'backups' beside the database); 0: none"),
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
    @on(TextArea.Changed)
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
            studio_address=self.query_one("#s-studio_address", TextArea).text,
            tax_percent=text("tax_percent"),
            tax_included=self.query_one("#s-tax_included", Checkbox).value,
            conflict_policy=str(self.query_one("#s-conflict_policy", Select).value),
            slot_minutes=str(self.query_one("#s-slot_minutes", Select).value),
            timezone=text("timezone"),
            image_root=text("image_root"),
            idle_sign_out_minutes=text("idle_sign_out_minutes"),
            locale=text("locale"),
            refund_limit=text("refund_limit"),
            hours=tuple(text(f"hours_{day}") for day in range(7)),
            week_starts_on=str(self.query_one("#s-week_starts_on", Select).value),
            overtime_hours_per_week=text("overtime_hours_per_week"),
            studio_logo=text("studio_logo"),
            documents_folder=text("documents_folder"),
            vendors=text("vendors"),
            backups_kept=text("backups_kept"),
        )

    def save(self) -> bool:
        for note in self.query(".setting-error"):
            note.remove_class("-shown")
        changed = studio_setup.save(self.typed())
        self.notify("Studio settings saved." if changed else "Nothing had changed.", timeout=4)
        return True

    def show_error(self, error: DomainError) -> None:
        """The message under the field it names; a rule about no field (only
        a manager or the owner saves) as a notification."""
        field = "hours_0" if error.field == "hours" else error.field
        if not field or not self.query(f"#err-{field}"):
            super().show_error(error)
            return
        note = self.query_one(f"#err-{field}", Static)
        note.update(str(error))
        note.add_class("-shown")
        self.set_focus(self.query_one(f"#s-{field}"))
