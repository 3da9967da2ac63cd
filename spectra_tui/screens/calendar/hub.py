"""The Calendar hub (F4): the cursor, the loaded view, moving around, and
Enter (open a booking or book an empty slot with the Scheduling Wizard). The
keys that change a booking are ``BookingChangeKeys``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from ...data import calendar as cal
from ...data import users
from ...data.calendar import CalendarRow
from ...data.clock import now
from ...data.models import Appointment, Session
from ...data.when import how_far, long_date
from .. import keymap
from ..base import HubScreen
from ..dialogs import WRITE_ERRORS, ChoiceDialog, readable
from ..open_record import open_session
from ..spectra_app import spectra_app
from .appointment import AppointmentDialog
from .changes import BookingChangeKeys
from .grid import CalendarGrid
from .labels import describe_row, fit
from .pickers import GoToDialog, PeopleFilterDialog
from .status import month_status, moving_status, slot_status, title_text
from .view import DAY, MONTH, VIEWS, WEEK, CalendarData, load_view, week_start


class CalendarHub(BookingChangeKeys, HubScreen):
    HUB_ID = "calendar"
    HUB_TITLE = "Calendar"

    DEFAULT_CSS = """
    CalendarHub #cal-title { height: 1; padding: 0 1; background: $boost; text-wrap: nowrap; text-overflow: ellipsis; }
    CalendarHub #cal-status { height: 2; padding: 0 1; background: $boost; text-wrap: nowrap; text-overflow: ellipsis; }
    CalendarHub #cal-status.-moving { background: $warning 30%; }
    CalendarHub CalendarGrid:focus { background-tint: $foreground 0%; }
    """
    BINDINGS = keymap.bindings("calendar")

    def __init__(self) -> None:
        super().__init__()
        current = now()
        self.view = WEEK
        self.day = current.date()
        self.time = current.time().replace(second=0, microsecond=0)
        self.column = 0  # day view: the column under the cursor
        self.people: set[int] | None = None
        self.studio = True
        self.include_cancelled = False
        self.data: CalendarData | None = None
        self.moving: CalendarRow | None = None
        self._move_offset = dt.timedelta()

    def compose_body(self) -> ComposeResult:
        yield Static("", id="cal-title")
        yield CalendarGrid(id="cal-grid")
        yield Static("", id="cal-status")

    def on_mount(self) -> None:  # Textual runs HubScreen.on_mount too (handlers run along the MRO)
        self.query_one(CalendarGrid).focus()
        self.set_interval(60, self._tick)

    def _tick(self) -> None:
        """Bookings made in another terminal show up within a minute."""
        if self.app.screen is self and self.moving is None:
            self.refresh_data()

    @property
    def grid(self) -> CalendarGrid:
        return self.query_one(CalendarGrid)

    # ------------------------------------------------------------ loading and drawing

    def refresh_data(self) -> None:
        try:
            self.data = load_view(self.view, self.day, self.people, self.include_cancelled, self.studio)
        except WRITE_ERRORS as error:
            self.app.notify(readable(error), title="Calendar", severity="error", timeout=8)
            return
        self._redraw()

    def _ensure_loaded(self) -> None:
        """Reload when the cursor's day left the loaded period."""
        data = self.data
        if data is None or data.view != self.view:
            self.refresh_data()
            return
        if self.view == DAY and data.day != self.day:
            self.refresh_data()
        elif self.view == WEEK and week_start(self.day) != data.first:
            self.refresh_data()
        elif self.view == MONTH and (self.day.year, self.day.month) != data.month:
            self.refresh_data()
        else:
            self._redraw()

    @property
    def slot_index(self) -> int:
        return self.data.slot_index(self.time) if self.data else 0

    @property
    def column_index(self) -> int:
        data = self.data
        if data is None or not data.columns:
            return 0
        if self.view == WEEK:
            return (self.day - data.first).days
        return max(0, min(self.column, len(data.columns) - 1))

    def _redraw(self) -> None:
        data = self.data
        if data is None:
            return
        ghost = None
        if self.moving is not None and data.view != MONTH and data.times:
            slot = self.slot_index
            length = self.moving.length_minutes
            slots = max(1, -(-length // data.slot))
            ghost = (self.column_index, slot, min(slots, len(data.times) - slot), self.moving)
        self.grid.show(data, self.column_index, self.slot_index, self.day, ghost)
        self.query_one("#cal-title", Static).update(self._title(data))
        status = self.query_one("#cal-status", Static)
        status.update(self._status(data))
        status.set_class(self.moving is not None, "-moving")

    def _title(self, data: CalendarData) -> Text:
        return title_text(data, self.people, self.include_cancelled, max(20, self.size.width - 2))

    def _status(self, data: CalendarData) -> Text:
        if self.moving is not None:
            return moving_status(self.moving, self._move_target())
        if data.view == MONTH:
            return month_status(data, self.day)
        column = data.columns[self.column_index] if data.columns else None
        start = dt.datetime.combine(self.day, self.time)
        if data.times:
            start = data.slot_range(self.day, self.slot_index)[0]
        return slot_status(self.rows_at_cursor(), start, column, self.view, self.day)

    # ------------------------------------------------------------ what is under the cursor

    def rows_at_cursor(self) -> list[CalendarRow]:
        data = self.data
        if data is None:
            return []
        if data.view == MONTH:
            return list(data.month_rows.get(self.day, []))
        if not data.columns or not data.times:
            return []
        column = data.columns[self.column_index]
        start, end = data.slot_range(column.day, self.slot_index)
        rows = column.rows_between(start, end)
        rows.sort(key=lambda r: column.lanes.get(r.key, (0, 1))[0])
        return rows

    def _pick(
        self,
        rows: list[CalendarRow],
        then: Callable[[CalendarRow], None],
        extra: list | None = None,
        title: str = "Which booking?",
    ) -> None:
        """One row: act at once; several: ask which."""
        if len(rows) == 1 and not extra:
            then(rows[0])
            return
        options = [(f"{r.kind}:{r.id}", fit(describe_row(r), 90)) for r in rows] + (extra or [])

        def chosen(option: str | None) -> None:
            if option is None:
                return
            if option == "new":
                self.action_new_booking()
                return
            for row in rows:
                if f"{row.kind}:{row.id}" == option:
                    then(row)

        self.app.push_screen(ChoiceDialog(title, options), chosen)

    def _booking_at_cursor(self, then: Callable[[CalendarRow], None]) -> None:
        rows = self.rows_at_cursor()
        if self.view == MONTH:
            self.notify(f"Open the day ({keymap.key('calendar.activate')}) to work on its bookings.", timeout=4)
            return
        if not rows:
            self.notify("There is no booking here.", timeout=3)
            return
        self._pick(rows, then)

    def _open_item(self, row: CalendarRow) -> Session | Appointment | None:
        try:
            return cal.open_booking(row)
        except WRITE_ERRORS as error:
            self.app.notify(readable(error), title="Not possible", severity="error", timeout=8)
            self.refresh_data()
            return None

    # ------------------------------------------------------------ keys: moving around

    def action_move_cursor(self, dx: int, dy: int) -> None:
        data = self.data
        if data is None:
            return
        if data.view == MONTH:
            self.day += dt.timedelta(days=dx + 7 * dy)
            self._ensure_loaded()
            return
        if dy and data.times:
            index = max(0, min(len(data.times) - 1, self.slot_index + dy))
            self.time = data.times[index]
        if dx:
            if self.view == WEEK:
                self.day += dt.timedelta(days=dx)
            else:
                self.column = max(0, min(len(data.columns) - 1, self.column_index + dx))
        self._ensure_loaded()

    def action_edge(self, direction: int) -> None:
        data = self.data
        if data is None or not data.times or data.view == MONTH:
            return
        self.time = data.times[0 if direction < 0 else -1]
        self._redraw()

    def action_period(self, direction: int) -> None:
        if self.view == DAY:
            self.day += dt.timedelta(days=direction)
        elif self.view == WEEK:
            self.day += dt.timedelta(days=7 * direction)
        else:
            index = self.day.year * 12 + self.day.month - 1 + direction
            year, month = divmod(index, 12)
            following = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
            last = (following - dt.timedelta(days=1)).day
            self.day = dt.date(year, month + 1, min(self.day.day, last))
        self._ensure_loaded()

    def action_today(self) -> None:
        current = now()
        self.day = current.date()
        self.time = current.time().replace(second=0, microsecond=0)
        self._ensure_loaded()

    def action_cycle_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self.refresh_data()

    def set_view(self, view: str, day: dt.date | None = None) -> None:
        self.view = view
        if day is not None:
            self.day = day
        self.refresh_data()

    def action_go_to(self) -> None:
        def chosen(day: dt.date | None) -> None:
            if day is not None:
                self.day = day
                self._ensure_loaded()
                self.notify(f"{long_date(day)} ({how_far(day)})", title="Go to", timeout=3)

        self.app.push_screen(GoToDialog(), chosen)

    def action_filter_people(self) -> None:
        def chosen(answer) -> None:
            if answer is not None:
                self.people, self.studio = answer
                self.column = 0
                self.refresh_data()

        self.app.push_screen(PeopleFilterDialog(self.people, self.studio), chosen)

    def action_toggle_cancelled(self) -> None:
        self.include_cancelled = not self.include_cancelled
        self.refresh_data()
        self.notify(
            "Cancelled and no-show bookings are " + ("shown." if self.include_cancelled else "hidden."), timeout=3
        )

    def on_calendar_grid_clicked(self, event: CalendarGrid.Clicked) -> None:
        event.stop()
        data = self.data
        if data is None:
            return
        if data.view == MONTH:
            assert event.day is not None  # a click in the month names its day
            self.day = event.day
            if event.double:
                self.set_view(DAY, event.day)
            else:
                self._ensure_loaded()
            return
        self.time = data.times[event.slot]
        if self.view == WEEK:
            self.day = data.first + dt.timedelta(days=event.column)
        else:
            self.column = event.column
        self._redraw()
        if event.double:
            self.action_activate()

    # ------------------------------------------------------------ Enter: open or book

    def action_activate(self) -> None:
        data = self.data
        if data is None:
            return
        if self.moving is not None:
            self._drop()
            return
        if data.view == MONTH:
            self.set_view(DAY, self.day)
            return
        rows = self.rows_at_cursor()
        if not rows:
            self.action_new_booking()
            return
        # One booking: open it. Several side by side: ask which (or book another here; n does that too).
        self._pick(rows, self.open_row, extra=[("new", "New booking at this time…")] if len(rows) > 1 else None)

    def open_row(self, row: CalendarRow) -> None:
        item = self._open_item(row)
        if item is None:
            return
        if isinstance(item, Session):
            open_session(self.app, item)
            return

        def done(what: str | None) -> None:
            if what == "move":
                self._start_moving(row)
            elif what == "changed":
                self.refresh_data()

        self.app.push_screen(AppointmentDialog(item), done)

    def action_new_booking(self) -> None:
        data = self.data
        if data is None or data.view == MONTH:
            start = dt.datetime.combine(self.day, self.time)
        else:
            start = (
                data.slot_range(self.day, self.slot_index)[0]
                if data.times
                else dt.datetime.combine(self.day, self.time)
            )
        placed = cal.ColumnBooking()
        if data is not None and data.view == DAY and data.columns:
            placed = cal.booking_in_column(**data.columns[self.column_index].target())
        elif self.people is not None:
            chosen = [u for u in users.photographers() if u.id in self.people]
            if len(chosen) == 1:
                placed = cal.ColumnBooking(person=chosen[0])
        spectra_app(self).open_scheduling_wizard(
            kind=placed.kind, start=start, photographer=placed.person, room=placed.room
        )

    def show_booking(self, start: dt.datetime, photographer_id: int | None = None) -> None:
        """Put the cursor on a booking just made (after the wizard)."""
        slot = self.data.slot if self.data is not None else cal.slot_minutes()
        minutes = start.hour * 60 + start.minute
        self.day = start.date()
        self.time = dt.time(minutes // slot * slot // 60, minutes // slot * slot % 60)
        self.refresh_data()
        if self.view == DAY and self.data is not None and photographer_id is not None:
            for index, column in enumerate(self.data.columns):
                if column.person_id == photographer_id:
                    self.column = index
                    self._redraw()
                    break
