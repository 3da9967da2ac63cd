"""Ctrl+T, "Time stamp, Time clock": in a note (a TextArea) it types the
studio's date and time and the user's initials at the cursor; anywhere else
it opens the Time Clock dialog: the signed-in user in or out, a key to clock
in with each time code (or switch to it), to clock out, and to open the
week's time sheet. The rules are in data/timeclock.py."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from ..data import clock, timeclock, timesheet
from ..data.models import User
from ..data.users import current_user
from . import keymap
from .dialogs import WRITE_ERRORS, readable
from .hooks import ScreenHooks

CODE_KEYS = {code: f"clock_dialog.{code}" for code in timeclock.TIME_CODES}  # the registry's key of each code


def stamp_note(area: TextArea) -> None:
    """Type the time stamp where the cursor is (over a selection)."""
    start, end = area.selection
    area.replace(timeclock.note_stamp(), start, end, maintain_selection_offset=False)


def today_and_week(user: User) -> str:
    """'Today 2.25 h · this week 30.50 h paid' for the user's own sheet."""
    sheet = timesheet.time_sheet(user, clock.today())
    today = next(day for day in sheet.days if day.day == clock.today())
    return f"Today {timesheet.hours(today.paid)} h · this week {timesheet.hours(sheet.paid)} h paid"


class TimeClockDialog(ScreenHooks, ModalScreen[None]):
    """The signed-in user's time clock. A key clocks in, switches or out and
    closes the dialog with a note of what was done; a refusal stays in it."""

    DEFAULT_CSS = """
    TimeClockDialog { align: center middle; }
    TimeClockDialog > Vertical { width: 64; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2; }
    TimeClockDialog #clock-state { text-style: bold; margin-top: 1; }
    TimeClockDialog #clock-hours { color: $text-muted; }
    TimeClockDialog #clock-keys { margin-top: 1; }
    TimeClockDialog #clock-error { color: $error; height: auto; }
    """
    BINDINGS = keymap.bindings("clock_dialog")

    def __init__(self, user: User):
        super().__init__()
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]Time clock · {self.user.full_name}[/b]")
            yield Static(f"Now {timeclock.wall_stamp(clock.utc_now())}", id="clock-now")
            yield Static(timeclock.state_line(self.user), id="clock-state")
            yield Static(today_and_week(self.user), id="clock-hours")
            yield Static(self._keys(), id="clock-keys")
            yield Static("", id="clock-error")

    def _keys(self) -> str:
        codes = [
            (CODE_KEYS[code], time_code.label + ("" if time_code.paid else " (unpaid)"))
            for code, time_code in timeclock.TIME_CODES.items()
        ]
        return (
            "In or switch to: "
            + keymap.hint(*codes)
            + "\n"
            + keymap.hint(
                ("clock_dialog.out", "clock out"),
                ("clock_dialog.sheet", "time sheet"),
                ("clock_dialog.close", "close"),
            )
        )

    def _done(self, words: str) -> None:
        self.notify(f"{self.user.full_name} {words}", title="Time clock", timeout=5)
        self.dismiss(None)

    def action_clock_in(self, code: str) -> None:
        try:
            entry = timeclock.clock_in(code)
        except WRITE_ERRORS as error:
            self.query_one("#clock-error", Static).update(readable(error))
            return
        label = timeclock.TIME_CODES[entry.code].label.lower()
        self._done(f"is in ({label}) since {timeclock.wall_clock(entry.started_at)}.")

    def action_clock_out(self) -> None:
        try:
            entry = timeclock.clock_out()
        except WRITE_ERRORS as error:
            self.query_one("#clock-error", Static).update(readable(error))
            return
        assert entry.ended_at is not None  # just clocked out
        self._done(f"clocked out at {timeclock.wall_clock(entry.ended_at)}.")

    def action_time_sheet(self) -> None:
        from .time_sheet import TimeSheetScreen

        self.dismiss(None)
        self.app.push_screen(TimeSheetScreen(self.user))

    def action_close(self) -> None:
        self.dismiss(None)


def open_time_clock(app) -> None:
    """Ctrl+T anywhere but in a note: the Time Clock dialog of whoever is signed in."""
    user = current_user()
    if user is None:
        app.notify("Sign in first: the time clock is each person's own.", severity="warning", timeout=5)
        return
    if not isinstance(app.screen, TimeClockDialog):
        app.push_screen(TimeClockDialog(user))
