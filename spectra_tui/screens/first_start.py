"""Setting up the studio: the first start of a new studio, and the same walk
through opened again later (Home, the command palette, a screen that misses
something, e.g. the Scheduling Wizard with no session types).

The steps: the studio (name, address, time zone, sales tax), the owner's
account (then signed in), the staff, the rooms, the session types, the
price list. Every
step but the owner's account can be skipped; later the steps show what the
studio has, and changing it takes a manager or the owner (data/ checks it).
The screen dismisses with the signed-in user (the owner at a first start),
or None when the setup is left before the owner's account exists.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher, Input, Static

from ..data import users
from ..data.models import User
from . import keymap
from .base import KeyBar, SpectraScreen, TitleBar
from .dialogs import WRITE_ERRORS, ConfirmDialog, readable
from .setup import STEP_CLASSES, SetupStep, StudioStep


class FirstStartScreen(SpectraScreen):
    DEFAULT_CSS = """
    FirstStartScreen #setup-progress { height: 1; padding: 0 1; text-style: bold; }
    FirstStartScreen #setup-bar { height: 1; padding: 0 1; }
    FirstStartScreen ContentSwitcher { height: 1fr; padding: 0 1; }
    FirstStartScreen .setup-step { height: auto; }
    FirstStartScreen #step-staff { height: 1fr; }
    FirstStartScreen .lead { height: auto; margin: 1 0; }
    FirstStartScreen .hint { height: auto; color: $text-muted; }
    FirstStartScreen .setup-list { height: auto; margin-bottom: 1; }
    FirstStartScreen .field { height: auto; }
    FirstStartScreen .field-label { width: 16; color: $text-muted; }
    FirstStartScreen .field:focus-within .field-label { color: $accent; text-style: bold; }
    FirstStartScreen .field-box { height: auto; width: 1fr; max-width: 60; }
    FirstStartScreen Input { background: $boost; }
    FirstStartScreen Input:focus { background: $accent 30%; }
    FirstStartScreen TextArea { height: 3; background: $boost; }
    FirstStartScreen TextArea:focus { background: $accent 30%; }
    FirstStartScreen .field-error { color: $error; height: auto; display: none; }
    FirstStartScreen .field-error.-shown { display: block; }
    FirstStartScreen #setup-error { height: auto; padding: 0 1; color: $error; }
    FirstStartScreen #setup-keys { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = keymap.bindings("setup", "record.close")

    def __init__(self, start_at: str = "") -> None:
        """``start_at``: the step to show first (a step_id, e.g. "session_types")."""
        super().__init__()
        self.steps: list[SetupStep] = [step_class() for step_class in STEP_CLASSES]
        first = next((step for step in self.steps if step.step_id == start_at), self.steps[0])
        self.current: SetupStep = first

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="setup-progress")
        yield Static("", id="setup-bar")
        with VerticalScroll(can_focus=False), ContentSwitcher(initial=self.current.id):
            yield from self.steps
        yield Static("", id="setup-error")
        yield Static("", id="setup-keys")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show(self.current)

    def on_screen_resume(self) -> None:
        """Back from a dialog (a person added): the ticks of the steps done."""
        super().on_screen_resume()
        if self.is_mounted:
            self.draw_bar()

    @property
    def has_unsaved_changes(self) -> bool:
        return self.current.typed_anything()

    def step(self, step_id: str) -> SetupStep:
        return next(step for step in self.steps if step.step_id == step_id)

    # ------------------------------------------------------------ showing a step

    def show(self, step: SetupStep) -> None:
        self.current = step
        self.query_one(ContentSwitcher).current = step.id
        self.say("")
        step.clear_errors()
        step.show()
        number = self.steps.index(step) + 1
        self.title = f"Spectra · Setting up the studio ({number}/{len(self.steps)})"
        self.query_one("#setup-progress", Static).update(
            f"Step {number} of {len(self.steps)}: {step.title}" + ("" if step.required else " (may be skipped)")
        )
        self.draw_bar()
        self.call_after_refresh(step.focus_first)

    def draw_bar(self) -> None:
        """Every step, done ones ticked; when that does not fit, only the current one named."""
        full = Text(no_wrap=True, overflow="ellipsis")
        compact = Text(no_wrap=True, overflow="ellipsis")
        for index, step in enumerate(self.steps):
            done = step.done()
            style = "reverse bold" if step is self.current else ("green" if done else "dim")
            tick = " ✓" if done else ""
            full.append(f" {index + 1} {step.title}{tick} ", style)
            compact.append(
                f" {index + 1} {step.title}{tick} " if step is self.current else f" {index + 1}{tick} ", style
            )
            if index < len(self.steps) - 1:
                full.append("›", "dim")
                compact.append("›", "dim")
        width = (self.query_one("#setup-bar").size.width or self.app.size.width) - 2
        self.query_one("#setup-bar", Static).update(full if full.cell_len <= width else compact)
        last = self.current is self.steps[-1]
        keys = [("save_close", "saves and finishes" if last else "saves and goes on")]
        if not (self.current.required and not self.current.done()):
            keys.append(("setup.next", "finishes" if last else "skips this step"))
        keys += [("setup.back", "back a step"), ("record.close", "leaves the setup")]
        self.query_one("#setup-keys", Static).update(keymap.hint(*keys))

    def say(self, message: str) -> None:
        self.query_one("#setup-error", Static).update(message)

    # ------------------------------------------------------------ saving and moving

    def try_step(self, perform: Callable[[], None]) -> bool:
        """Run ``perform`` (a save); its rule's message at the field it names, or under the step."""
        self.current.clear_errors()
        self.say("")
        try:
            perform()
        except WRITE_ERRORS as error:
            if not self.current.show_error(error):
                self.say(readable(error))
            return False
        self.draw_bar()
        return True

    def action_save_close(self) -> None:
        """Ctrl+W: save the step, then the next one (the last step: finish)."""
        if self.try_step(self.current.save):
            self.action_step(1)

    def action_step(self, delta: int) -> None:
        """PgDn: on without saving (the owner's account cannot be skipped); PgUp: back."""
        if delta > 0 and self.current.required and not self.current.done():
            self.say(f"The studio needs its owner's account: fill it in, then {keymap.key('save_close')}.")
            return
        index = self.steps.index(self.current) + delta
        if index >= len(self.steps):
            self.dismiss(users.current_user())
            return
        self.show(self.steps[max(0, index)])

    def action_close(self) -> None:
        """Esc: leave the setup; before the owner's account exists the studio cannot be used, so ask."""
        if not users.needs_first_start():
            self.dismiss(users.current_user())
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog("Leave the setup? The studio cannot be used before its owner's account exists.", "Leave"),
            answered,
        )

    def signed_in(self, owner: User) -> None:
        """The owner's account is made and signed in: the studio's settings typed before are stored now."""
        self.app.sub_title = owner.full_name
        studio = self.step("studio")
        assert isinstance(studio, StudioStep)
        studio.store_held()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.current.submitted(event.input)
