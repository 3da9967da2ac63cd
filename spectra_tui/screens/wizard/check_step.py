"""Step 4: the conflict check under the studio's policy (never / ask / always),
with the next free times to choose from."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...data import booking
from ...data import calendar as cal
from ...data.clock import wall_end
from ...data.errors import DomainError
from ...data.when import clock, how_far, long_date
from .. import keymap
from ..dialogs import ConfirmDialog
from .state import WizardState
from .step import WizardStep

POLICY_TEXT = {
    "never": "never: a double booking or a time outside studio hours is refused",
    "ask": "ask: you are asked before a double booking or a time outside studio hours",
    "always": "always: double bookings are allowed (you are told)",
}


class CheckStep(WizardStep):
    step_id = "check"
    title = "Check"

    def __init__(self, state: WizardState) -> None:
        super().__init__(state)
        self.result: booking.SlotCheck | None = None  # the last check (None: not run, or it failed)

    def compose(self) -> ComposeResult:
        yield Static("", id="wz-check-when", classes="lead")
        yield Static("", id="wz-check-result")
        yield OptionList(id="wz-check-options", compact=True)
        yield Static("", id="wz-check-hint", classes="hint")

    def run_check(self) -> None:
        s = self.state
        try:
            start, length = s.when
            self.result = booking.check_slot(start, length, s.who, s.room)
        except DomainError as error:
            self.result = None
            self.wizard.show_error(str(error))

    def needs_decision(self) -> bool:
        """Ctrl+W stops here when there is something to decide."""
        self.run_check()
        return self.result is not None and not self.result.ok

    def enter(self) -> None:
        s = self.state
        self.run_check()
        who = s.who
        where = f" · {s.room.name}" if s.room else ""
        start, length = s.when
        end = wall_end(start, length)
        self.query_one("#wz-check-when", Static).update(
            Text.assemble(
                (f"{long_date(start.date())}, {clock(start)} – {clock(end)}", "bold"),
                f" ({length} minutes, {how_far(start)})",
                f" · {who.full_name}" if who else " · nobody assigned",
                where,
            )
        )
        result = self.query_one("#wz-check-result", Static)
        options = self.query_one("#wz-check-options", OptionList)
        options.clear_options()
        check = self.result
        policy = check.policy if check else booking.conflict_policy()
        self.query_one("#wz-check-hint", Static).update(f"Studio policy {POLICY_TEXT.get(policy, policy)}.")
        for name in ("-ok", "-conflict", "-blocked"):
            result.remove_class(name)
        if check is None:
            result.update("")
            options.display = False
            return
        if check.ok:
            free = f"{who.full_name} is free" if who else "Nothing else is booked"
            if s.room is not None:
                free += f", {s.room.name} is free"
            result.update(f"✓ {free} and the studio is open.")
            result.add_class("-ok")
            options.display = False
            return
        result.update(("✗ " if check.blocked else "! ") + check.message)
        result.add_class("-blocked" if check.blocked else "-conflict")
        options.add_options(self._choices(check, who))
        options.display = True
        options.highlighted = 0

    def _choices(self, check: booking.SlotCheck, who) -> list[Option]:
        """Keep the time (when the policy lets it), or one of the next free times."""
        s = self.state
        entries = []
        if check.needs_confirmation:
            entries.append(Option("Keep this time (you are asked to book it anyway)", id="keep"))
        elif not check.blocked:
            entries.append(Option("Keep this time (booked despite the conflict)", id="keep"))
        if who is not None:
            try:
                start, length = s.when
                free_slots = cal.next_free_slots(who, start, length, count=5, room=s.room)
            except DomainError:
                free_slots = []
            for slot in free_slots:
                entries.append(
                    Option(
                        f"Free: {slot:%a %b} {slot.day}, {clock(slot)} ({how_far(slot)})", id=f"slot:{slot.isoformat()}"
                    )
                )
        if not entries:
            entries.append(Option(f"Choose another time ({keymap.key('wizard.back')} goes back)", id="back"))
        return entries

    @on(OptionList.OptionSelected, "#wz-check-options")
    def _option_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id or ""
        if choice == "keep":
            self.wizard.action_next()
        elif choice == "back":
            self.wizard.action_back()
        elif choice.startswith("slot:"):
            start = dt.datetime.fromisoformat(choice[5:])
            s = self.state
            s.entered = True
            s.start = start
            s.accepted = []
            s.default_time = start.time()
            self.wizard.details_step.show_start(start)
            self.enter()
            self.wizard.draw_steps()  # the line of what is decided so far shows the new time
            self.call_after_refresh(self.wizard.focus_step)

    def leave(self) -> bool:
        check = self.result
        if check is None:
            self.run_check()
            check = self.result
        if check is None:
            return False
        if check.ok:
            return True
        if check.blocked:
            self.wizard.show_error("Not possible: " + check.message)
            return False
        if check.needs_confirmation:
            if self.state.accepted and {c.key for c in check.conflicts} <= {c.key for c in self.state.accepted}:
                return True

            def answered(yes: bool | None) -> None:
                if yes:
                    self.state.accepted = list(check.conflicts)
                    self.wizard.action_next()

            self.app.push_screen(ConfirmDialog(f"{check.message}\n\nBook it anyway?", "Book anyway", "No"), answered)
            return False
        return True  # policy "always": booked, the conflicts are reported
