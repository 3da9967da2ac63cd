"""The Scheduling Wizard screen: hosts the steps, moves between them, and
draws the step bar, the line of what is decided so far and the keys.

Each step is a widget over the shared ``WizardState`` (``state.py``); the
screen moves from one step object to the next, skipping those that do not
apply to this booking.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ContentSwitcher, Input, Static

from ...data import booking
from ...data.booking import APPOINTMENT, SESSION
from ...data.models import Client, Room, Session, User
from ...data.when import clock
from .. import keymap
from ..dialogs import ConfirmDialog
from ..hooks import ScreenHooks
from .check_step import CheckStep
from .client_step import ClientStep
from .details_step import DetailsStep
from .fee_step import FeeStep
from .fields import ChoiceField
from .followups_step import FollowUpsStep
from .kind_step import KindStep
from .payment_step import PaymentStep
from .state import StudioChoices, WizardState
from .step import WizardStep
from .summary_step import SummaryStep


class SchedulingWizard(ScreenHooks, ModalScreen):
    """The Scheduling Wizard. Dismisses with data.booking.BookingResult, or
    None when cancelled (nothing written)."""

    DEFAULT_CSS = """
    SchedulingWizard { align: center middle; }
    SchedulingWizard > #wizard { width: 100; max-width: 100%; height: 30; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    SchedulingWizard #wz-title { height: 1; text-style: bold; }
    SchedulingWizard #wz-steps { height: 1; }
    SchedulingWizard #wz-sofar { height: 1; color: $text-muted; margin-bottom: 1; }
    SchedulingWizard ContentSwitcher { height: 1fr; }
    SchedulingWizard .step { height: 1fr; }
    SchedulingWizard .row { height: 1; margin-bottom: 0; }
    SchedulingWizard .row-label { width: 14; color: $text-muted; }
    SchedulingWizard .row Input { width: 1fr; background: $boost; padding: 0 1; }
    SchedulingWizard .row Input:focus { background: $accent 30%; }
    SchedulingWizard .shown-back { height: auto; padding-left: 15; color: $success; }
    SchedulingWizard .shown-back.-error { color: $error; }
    SchedulingWizard .hint { height: auto; color: $text-muted; margin-top: 1; }
    SchedulingWizard .missing { height: auto; color: $warning; margin-top: 1; }
    SchedulingWizard .lead { height: auto; margin-bottom: 1; }
    SchedulingWizard OptionList { height: auto; max-height: 8; }
    SchedulingWizard #wz-check-result { height: auto; margin-bottom: 1; }
    SchedulingWizard #wz-check-result.-ok { color: $success; }
    SchedulingWizard #wz-check-result.-conflict { color: $warning; }
    SchedulingWizard #wz-check-result.-blocked { color: $error; }
    SchedulingWizard #wz-summary-scroll { height: 1fr; }
    SchedulingWizard #wz-summary { height: auto; }
    SchedulingWizard #wz-fu-list { max-height: 5; }
    SchedulingWizard #wz-error { height: auto; max-height: 4; color: $error; }
    SchedulingWizard #wz-keys { height: 1; color: $text-muted; }
    SchedulingWizard .hidden { display: none; }
    """
    BINDINGS = keymap.bindings("wizard")

    def __init__(
        self,
        client: Client | None = None,
        session: Session | None = None,
        kind: str = SESSION,
        start: dt.datetime | None = None,
        photographer: User | None = None,
        room: Room | None = None,
    ):
        super().__init__()
        if session is not None:
            client = client or session.client
            kind = APPOINTMENT
        self.state = s = WizardState(
            StudioChoices.load(),
            client=client,
            kind=kind if kind in (SESSION, APPOINTMENT) else SESSION,
            room=room,
            given_session=session,
            given_photographer=photographer,
        )
        if session is not None:
            s.link = f"session:{session.id}"
        elif s.kind == APPOINTMENT and client is None:
            s.link = "none"
        s.start = start.replace(second=0, microsecond=0) if start else None
        s.default_time = start.time() if start else None
        self.client_step = ClientStep(s)
        self.kind_step = KindStep(s)
        self.details_step = DetailsStep(s)
        self.check_step = CheckStep(s)
        self.fee_step = FeeStep(s)
        self.payment_step = PaymentStep(s)
        self.followups_step = FollowUpsStep(s)
        self.summary_step = SummaryStep(s)
        self.steps: list[WizardStep] = [
            self.client_step,
            self.kind_step,
            self.details_step,
            self.check_step,
            self.fee_step,
            self.payment_step,
            self.followups_step,
            self.summary_step,
        ]
        self.current: WizardStep = self.client_step

    @property
    def has_unsaved_changes(self) -> bool:
        return self.state.entered

    @property
    def step(self) -> str:
        """The current step's id ("client" … "summary")."""
        return self.current.step_id

    @property
    def _check(self) -> booking.SlotCheck | None:
        """The last conflict check (None before it ran); the snapshot tests read it."""
        return self.check_step.result

    def compose(self) -> ComposeResult:
        with Vertical(id="wizard"):
            yield Static("Scheduling Wizard", id="wz-title")
            yield Static("", id="wz-steps")
            yield Static("", id="wz-sofar")
            with ContentSwitcher(initial=self.client_step.id):
                yield from self.steps
            yield Static("", id="wz-error")
            yield Static("", id="wz-keys")

    def on_mount(self) -> None:
        for step in self.steps:
            step.fill()
        self.show(self.client_step)
        s = self.state
        if not s.has_client and s.kind == SESSION and s.given_session is None:
            self.call_after_refresh(self.client_step.search_client)

    # ------------------------------------------------------------ showing a step

    def show(self, step: WizardStep) -> None:
        self.current = step
        self.query_one(ContentSwitcher).current = step.id
        self.show_error("")
        step.enter()
        self.draw_steps()
        self.call_after_refresh(self.focus_step)

    def focus_step(self) -> None:
        self.current.focus_first()

    def show_error(self, message: str) -> None:
        self.query_one("#wz-error", Static).update(message)

    def draw_steps(self) -> None:
        """The step bar (compact when it does not fit), what is decided so far, the keys."""
        width = max(20, self.query_one("#wz-steps").size.width or 76)
        current = self.steps.index(self.current)
        full = Text(no_wrap=True, overflow="ellipsis")
        compact = Text(no_wrap=True, overflow="ellipsis")
        for index, step in enumerate(self.steps):
            skipped = not step.applies()
            style = (
                "reverse bold"
                if step is self.current
                else ("dim strike" if skipped else ("green" if index < current else "dim"))
            )
            mark = f" {index + 1} {step.title} "
            full.append(mark, style)
            compact.append(mark if step is self.current else f" {index + 1} ", style)
            if index < len(self.steps) - 1:
                full.append("›", "dim")
                compact.append("›", "dim")
        self.query_one("#wz-steps", Static).update(full if full.cell_len <= width else compact)
        self.query_one("#wz-sofar", Static).update(self._so_far())
        key = keymap.key
        keys = f"{key('wizard.next')} next · {key('wizard.back')} back · {keymap.widget_key('next_field')} fields · "
        keys += f"{key('save_close')} summary"
        if self.current is self.summary_step:
            keys = f"{key('save_close')} or {key('wizard.next')} confirm · {key('wizard.back')} back"
        elif self.current is self.client_step:
            keys = f"{key('wizard.next')} choose · {key('wizard.back')} cancel"
        self.query_one("#wz-keys", Static).update(keys)

    def _so_far(self) -> Text:
        """One line: what has been decided, so every step shows its context."""
        s = self.state
        parts = [s.client_name or ("no client" if s.is_unlinked_appointment else "client?")]
        parts.append("session" if s.kind == SESSION else "appointment")
        if self.steps.index(self.current) > self.steps.index(self.details_step) and s.start is not None:
            who = s.photographer if s.kind == SESSION else s.staff
            if s.kind == SESSION and s.session_type is not None:
                parts[-1] = f"{s.session_type.name} session"
            parts.append(f"{s.start:%a %b} {s.start.day} {clock(s.start)}, {s.length} min")
            if who is not None:
                parts.append(who.full_name)
        return Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")

    # ------------------------------------------------------------ moving between steps

    def _neighbour(self, step: WizardStep, direction: int = 1) -> WizardStep | None:
        """The next (or previous) step that applies to this booking."""
        index = self.steps.index(step) + direction
        while 0 <= index < len(self.steps):
            if self.steps[index].applies():
                return self.steps[index]
            index += direction
        return None

    def _leave(self, step: WizardStep) -> bool:
        self.show_error("")
        return step.leave()

    def action_next(self) -> None:
        if self.current is self.summary_step:
            self.summary_step.confirm()
            return
        if self.current is self.client_step:
            self.client_step.choose_highlighted()
            return
        if self._leave(self.current):
            following = self._neighbour(self.current)
            if following is not None:
                self.show(following)

    def action_back(self) -> None:
        previous = self._neighbour(self.current, -1)
        if previous is not None:
            self.show(previous)
            return
        self.action_cancel_wizard()

    def action_cancel_wizard(self) -> None:
        if not self.state.entered:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog("Cancel this booking? Nothing you entered is saved.", "Cancel booking", "Keep editing"),
            answered,
        )

    def action_save_close(self) -> None:
        """Ctrl+W: confirm on the summary; elsewhere go to the summary (each step
        checked on the way, stopping at a conflict to decide)."""
        if self.current is self.summary_step:
            self.summary_step.confirm()
            return
        if self.current is self.client_step and not self.state.has_client and self.state.kind == SESSION:
            self.show_error("Choose the client first (a session needs one).")
            return
        while self.current is not self.summary_step:
            if not self._leave(self.current):
                return
            following = self._neighbour(self.current)
            if following is None:
                return
            if following is self.summary_step or (following is self.check_step and self.check_step.needs_decision()):
                self.show(following)
                if following is not self.summary_step:
                    return
            else:
                self.current = following
                following.enter()

    def action_new_client(self) -> None:
        """Ctrl+N inside the wizard: a new client on the fly (not saved before Confirm)."""
        if self.current is self.client_step:
            self.client_step.new_client()
        else:
            self.notify(f"Go back to the first step ({keymap.key('wizard.back')}) to change the client.", timeout=4)

    def action_set_up(self) -> None:
        """Alt+S: the setup's step that adds what this booking is missing; back here, the choices are read again."""
        from ..first_start import FirstStartScreen

        missing = self.details_step.missing()
        if not missing:
            self.notify("Nothing is missing for this booking.", timeout=3)
            return

        def refreshed(_user) -> None:
            self.state.choices = StudioChoices.load()
            self.details_step.fill()
            self.details_step.enter()
            self.draw_steps()

        self.app.push_screen(FirstStartScreen(start_at=missing), refreshed)

    # ------------------------------------------------------------ what any step's fields say

    @on(ChoiceField.Changed)
    def _choice_changed(self, event: ChoiceField.Changed) -> None:
        event.stop()
        self.state.entered = True

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            self.state.entered = True

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()
