"""The time sheet: one person's week, a line per day with the hours of each
time code, the paid hours and the overtime, the week's totals, and the
week's entries. Keys step to the week before or after; a manager opens
another person's sheet, and edits or adds an entry (times typed as the
studio's wall times, a reason required). The sums and the rules are in
data/timesheet.py and data/timeclock.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from ..data import clock, timeclock, timesheet
from ..data.models import TimeEntry, User
from ..data.permissions import Permission, why_not
from ..data.timeclock import TIME_CODES, EntryFields
from ..data.users import active_users
from . import keymap
from .base import KeyBar, SpectraScreen, TitleBar
from .dialogs import ChoiceDialog, SmallForm


def _h(seconds: int) -> str:
    return timesheet.hours_text(seconds) or "·"


def _wall(instant: dt.datetime) -> str:
    return f"{clock.to_local(instant):%m/%d/%Y %I:%M%p}".replace(" 0", " ").lower()


class EntryDialog(SmallForm):
    """A manager's correction of an entry, or a new one; dismisses with the entry."""

    FIELDS = [
        ("start", "Start", "11/30 9:02am"),
        ("end", "End", "11/30 5:15pm, or empty: still in"),
        ("code", "Code", ", ".join(TIME_CODES)),
        ("reason", "Reason", "why (kept in the audit log)"),
    ]

    def __init__(self, user: User, entry: TimeEntry | None = None):
        super().__init__()
        self.user, self.entry = user, entry
        self.TITLE_TEXT = f"Edit {user.full_name}'s entry" if entry else f"Add an entry for {user.full_name}"

    def initial(self, field: str) -> str:
        entry = self.entry
        if entry is None:
            return "regular" if field == "code" else ""
        if field == "start":
            return _wall(entry.started_at)
        if field == "end":
            return _wall(entry.ended_at) if entry.ended_at is not None else ""
        return entry.code if field == "code" else ""

    def reload_record(self) -> None:
        if self.entry is not None:
            self.entry = timeclock.get_entry(self.entry.id)

    def perform(self, values: dict[str, Any]) -> TimeEntry:
        fields = EntryFields(**values)
        if self.entry is None:
            return timeclock.add_entry(self.user, fields)
        return timeclock.edit_entry(self.entry, fields)


class TimeSheetScreen(SpectraScreen):
    DEFAULT_CSS = """
    TimeSheetScreen #sheet-head { height: auto; padding: 0 1; text-style: bold; }
    TimeSheetScreen #sheet-days { height: auto; margin: 0 1; }
    TimeSheetScreen #entries-title { height: 1; padding: 0 1; margin-top: 1; }
    TimeSheetScreen #sheet-entries { height: 1fr; margin: 0 1; }
    """
    BINDINGS = keymap.bindings("time_sheet")

    def __init__(self, user: User, day: dt.date | None = None):
        super().__init__()
        self.user = user
        self.day = day or clock.today()
        self.entries: list[TimeEntry] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="sheet-head")
        yield DataTable(id="sheet-days", cursor_type="none", zebra_stripes=True)
        yield Static(
            "Entries [dim]("
            + keymap.hint(("time_sheet.edit", "edits"), ("time_sheet.add", "adds: managers"))
            + ")[/dim]",
            id="entries-title",
        )
        yield DataTable(id="sheet-entries", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        days = self.query_one("#sheet-days", DataTable)
        days.add_columns("Day", *(self._code_heading(code) for code in TIME_CODES), "Paid", "Overtime")
        entries = self.query_one("#sheet-entries", DataTable)
        entries.add_columns("Day", "In", "Out", "Code", "Hours", "Note")
        self._fill()
        entries.focus()

    @staticmethod
    def _code_heading(code: str) -> str:
        time_code = TIME_CODES[code]
        return time_code.label if time_code.paid else f"{time_code.label} (unpaid)"

    def _fill(self) -> None:
        sheet = timesheet.time_sheet(self.user, self.day)
        self.title = "Spectra · Time sheet"
        threshold = timesheet.hours(sheet.threshold).normalize()
        self.query_one("#sheet-head", Static).update(
            f"{self.user.full_name} · week of {sheet.start:%a %m/%d/%Y} – {sheet.end:%a %m/%d/%Y}\n"
            f"[dim]{timesheet.hours(sheet.paid)} h paid · overtime past {threshold:f} h: "
            f"{timesheet.hours(sheet.overtime)} h[/dim]"
        )
        days = self.query_one("#sheet-days", DataTable)
        days.clear()
        for day in sheet.days:
            cells = [_h(day.seconds[code]) for code in TIME_CODES]
            days.add_row(f"{day.day:%a %m/%d}", *cells, _h(day.paid), _h(day.overtime))
        totals = [_h(sheet.total(code)) for code in TIME_CODES]
        days.add_row("Week", *totals, _h(sheet.paid), _h(sheet.overtime))
        entries = self.query_one("#sheet-entries", DataTable)
        entries.clear()
        self.entries = sheet.entries
        now = clock.utc_now()
        for entry in sheet.entries:
            ended = entry.ended_at
            seconds = int(((ended or max(now, entry.started_at)) - entry.started_at).total_seconds())
            entries.add_row(
                f"{clock.to_local(entry.started_at):%a %m/%d}",
                timeclock.wall_clock(entry.started_at),
                timeclock.wall_clock(ended) if ended is not None else "(in)",
                TIME_CODES[entry.code].label if entry.code in TIME_CODES else entry.code,
                timesheet.hours_text(seconds) or "0.00",
                entry.note.splitlines()[0] if entry.note else "",
            )

    # -- weeks and people

    def action_week(self, step: int) -> None:
        self.day += dt.timedelta(days=7 * step)
        self._fill()

    def action_this_week(self) -> None:
        self.day = clock.today()
        self._fill()

    def action_choose_person(self) -> None:
        refusal = timesheet.others_refusal()
        if refusal:
            self.notify(refusal, title="Not possible", severity="error", timeout=8)
            return
        people = active_users()

        def chosen(user_id: str | None) -> None:
            if user_id is not None:
                self.user = next(user for user in people if str(user.id) == user_id)
                self._fill()

        options = [(str(user.id), f"{user.full_name} ({user.role_label})") for user in people]
        self.app.push_screen(ChoiceDialog("Whose time sheet?", options), chosen)

    # -- a manager's corrections

    def _may_edit(self) -> bool:
        refusal = why_not(Permission.EDIT_TIME_CLOCK)
        if refusal:
            self.notify(refusal, title="Not possible", severity="error", timeout=8)
        return not refusal

    def action_edit_entry(self) -> None:
        table = self.query_one("#sheet-entries", DataTable)
        if not self.entries:
            self.notify("This week has no entry to edit.", timeout=4)
            return
        if self._may_edit():
            self._open(EntryDialog(self.user, self.entries[table.cursor_row]))

    def action_add_entry(self) -> None:
        if self._may_edit():
            self._open(EntryDialog(self.user))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_entry()

    def _open(self, dialog: EntryDialog) -> None:
        def saved(entry: TimeEntry | None) -> None:
            if entry is not None:
                self.notify("Time entry saved; the change and its reason are in the audit log.", timeout=5)
                self._fill()

        self.app.push_screen(dialog, saved)

    def action_close(self) -> None:
        self.dismiss(None)
