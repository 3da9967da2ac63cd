"""What the calendar shows: g goes to a day typed naturally, p chooses whose
bookings are shown."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from ...data import users
from ...data.clock import now
from ...data.errors import DomainError
from ...data.when import how_far, long_date, parse_day
from .. import keymap


class GoToDialog(ModalScreen[dt.date | None]):
    """g: go to a day typed naturally ('tue', '12/3', '+2w', 'next fri'), shown back before it is taken."""

    DEFAULT_CSS = """
    GoToDialog { align: center middle; }
    GoToDialog > Vertical { width: 64; max-width: 100%; height: auto;
        border: thick $primary; background: $surface; padding: 0 1; }
    GoToDialog #goto-preview { height: auto; color: $success; }
    GoToDialog #goto-preview.-error { color: $error; }
    """
    BINDINGS = keymap.bindings("dialog.cancel")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Go to a day[/b]  (e.g. tue, 12/3, tomorrow, +2w, next fri)")
            yield Input(placeholder="day", id="goto-input", compact=True)
            yield Static("", id="goto-preview")
            yield Static(
                f"{keymap.widget_key('submit')} go · {keymap.hint(('dialog.cancel', 'cancel'))}", classes="muted"
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _parse(self, text: str) -> dt.date:
        return parse_day(text, today=now().date())

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        preview = self.query_one("#goto-preview", Static)
        if not event.value.strip():
            preview.update("")
            return
        try:
            day = self._parse(event.value)
        except DomainError as error:
            preview.update(str(error))
            preview.add_class("-error")
            return
        preview.remove_class("-error")
        preview.update(f"→ {long_date(day)} ({how_far(day)})")

    @on(Input.Submitted)
    def _go(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            day = self._parse(event.value)
        except DomainError as error:
            preview = self.query_one("#goto-preview", Static)
            preview.update(str(error))
            preview.add_class("-error")
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)


class _PeopleList(SelectionList):
    """Space ticks a person; Enter applies (the dialog's action)."""

    BINDINGS = keymap.bindings("people_list")


class PeopleFilterDialog(ModalScreen[tuple[set[int] | None, bool] | None]):
    """p: whose bookings the calendar shows. Returns (user ids or None for
    everyone, show the appointments nobody is assigned to)."""

    DEFAULT_CSS = """
    PeopleFilterDialog { align: center middle; }
    PeopleFilterDialog > Vertical { width: 60; max-width: 100%; height: auto;
        max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    PeopleFilterDialog SelectionList { height: auto; max-height: 14; }
    """
    BINDINGS = keymap.bindings("dialog.cancel", "people")
    STUDIO = -1

    def __init__(self, people: set[int] | None, studio: bool):
        super().__init__()
        self.people, self.studio = people, studio

    def compose(self) -> ComposeResult:
        staff = users.active_users()
        staff.sort(key=lambda u: (not u.is_photographer, u.full_name))
        options = [
            Selection(
                f"{u.full_name}" + ("" if u.is_photographer else f"  ({u.role_label})"),
                u.id,
                self.people is None or u.id in self.people,
            )
            for u in staff
        ]
        options.append(Selection("Studio: appointments with nobody assigned", self.STUDIO, self.studio))
        with Vertical():
            yield Label("[b]Show the bookings of[/b]")
            yield _PeopleList(*options, id="people")
            yield Static(
                f"{keymap.widget_key('tick')} tick · "
                + keymap.hint(
                    ("people.everyone", "everyone"), ("people_list.apply", "apply"), ("dialog.cancel", "cancel")
                ),
                classes="muted",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_everyone(self) -> None:
        self.dismiss((None, True))

    def action_apply(self) -> None:
        chosen = set(self.query_one(SelectionList).selected)
        studio = self.STUDIO in chosen
        chosen.discard(self.STUDIO)
        everyone = {u.id for u in users.active_users()}
        self.dismiss((None if chosen >= everyone else chosen, studio))

    def action_cancel(self) -> None:
        self.dismiss(None)
