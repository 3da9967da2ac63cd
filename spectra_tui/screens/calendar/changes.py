"""m, r, x and o on the calendar: move a booking with the arrows (Enter drops
it there), give it a new time typed naturally, cancel it with a reason, mark
a no-show. Every change goes through data.booking under the studio's
conflict policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ...data import booking
from ...data import calendar as cal
from ...data.calendar import CalendarRow
from ...data.errors import DomainError
from ...data.models import Appointment, Session
from ...data.sessions import check_photographer
from ..base import HubScreen
from ..dialogs import ReasonDialog
from ..spectra_app import spectra_app
from .booking_dialogs import RescheduleDialog, cancel_dialog, no_show_dialog
from .policy import run_under_policy, warn_overridden
from .view import DAY, MONTH, CalendarData


class BookingChangeKeys(HubScreen):
    """The hub's keys that change a booking (the base of CalendarHub, which
    owns the cursor, the loaded view and the booking being moved, and
    provides the methods below that raise NotImplementedError)."""

    data: CalendarData | None
    moving: CalendarRow | None
    day: dt.date
    time: dt.time
    _move_offset: dt.timedelta

    @property
    def slot_index(self) -> int:
        raise NotImplementedError

    @property
    def column_index(self) -> int:
        raise NotImplementedError

    def _ensure_loaded(self) -> None:
        raise NotImplementedError

    def _redraw(self) -> None:
        raise NotImplementedError

    def _booking_at_cursor(self, then: Callable[[CalendarRow], None]) -> None:
        raise NotImplementedError

    def _open_item(self, row: CalendarRow) -> Session | Appointment | None:
        raise NotImplementedError

    def action_move(self) -> None:
        if self.moving is not None:
            return
        self._booking_at_cursor(self._start_moving)

    def _start_moving(self, row: CalendarRow) -> None:
        if row.is_closed:
            self.notify(f"This booking is {row.status.lower()}; book a new one instead.", timeout=5)
            return
        slot = self.data.slot if self.data is not None else cal.slot_minutes()
        minutes = row.start.hour * 60 + row.start.minute
        floored = minutes // slot * slot
        self.moving = row
        self.day = row.start.date()
        self.time = dt.time(floored // 60, floored % 60)
        self._move_offset = dt.timedelta(minutes=minutes - floored)
        self._ensure_loaded()

    def action_stop_moving(self) -> None:
        if self.moving is not None:
            self.moving = None
            self._redraw()

    def _move_target(self) -> tuple[dt.datetime, dict[str, Any]] | None:
        """Where the booking being moved would go, and what else changes."""
        data = self.data
        row = self.moving
        if data is None or row is None or not data.times or data.view == MONTH:
            return None
        start = data.slot_range(self.day, self.slot_index)[0] + self._move_offset
        changes: dict[str, Any] = {}
        if data.view == DAY and data.columns:
            changes = cal.move_changes(row, **data.columns[self.column_index].target())
        return start, changes

    def _drop(self) -> None:
        row = self.moving
        target = self._move_target()
        if row is None or target is None:
            return
        start, changes = target
        if "photographer" in changes:
            try:
                check_photographer(changes["photographer"])
            except DomainError as error:
                spectra_app(self).show_domain_error(error, "Not moved")
                return
        item = self._open_item(row)
        if item is None:
            self.moving = None
            return

        def done(result) -> None:
            self.moving = None
            self.notify(result.note, title="Rescheduled", timeout=6)
            warn_overridden(self.app, result.overridden)
            self.refresh_data()

        run_under_policy(self, lambda allow: booking.reschedule(item, start, allow_conflict=allow, **changes), done)

    def action_reschedule(self) -> None:
        def chosen(row: CalendarRow) -> None:
            item = self._open_item(row)
            if item is None:
                return

            def moved(result) -> None:
                if result is not None:
                    self.notify(result.note, title="Rescheduled", timeout=6)
                    warn_overridden(self.app, result.overridden)
                    self.day, self.time = result.item.start.date(), result.item.start.time()
                    self.refresh_data()

            self.app.push_screen(RescheduleDialog(item), moved)

        self._booking_at_cursor(chosen)

    def action_cancel_booking(self) -> None:
        self._close_booking_at_cursor(cancel_dialog, "Cancelled")

    def action_no_show(self) -> None:
        self._close_booking_at_cursor(no_show_dialog, "Marked as a no-show")

    def _close_booking_at_cursor(self, dialog: Callable[[Session | Appointment], ReasonDialog], done: str) -> None:
        """Cancel or no-show the booking at the cursor (``dialog`` asks why), unless it is closed already."""

        def chosen(row: CalendarRow) -> None:
            if row.is_closed:
                self.notify(f"This booking is already {row.status.lower()}.", timeout=4)
                return
            item = self._open_item(row)
            if item is not None:
                self.app.push_screen(dialog(item), self._after_change(done))

        self._booking_at_cursor(chosen)

    def _after_change(self, what: str) -> Callable[[object], None]:
        def done(result: object) -> None:
            if result:
                self.notify(what + ".", timeout=4)
                self.refresh_data()

        return done
